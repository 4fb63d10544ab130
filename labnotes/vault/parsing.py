"""Read and parse the notes that changed: in this process for a few, over every core for many.

A worker returns each note pickled, with its facts, so the parent never has to rebuild the
objects it does not use; notes parsed in-process are kept as objects as well.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

from labnotes.settings.config import VaultConfig
from labnotes.vault.facts import NoteFacts
from labnotes.vault.scan import Stamp
from labnotes.parse.model import Note

if TYPE_CHECKING:
    import multiprocessing.context

# Below these a pool costs more (fork, pickling back) than it saves.
POOL_MIN_FILES = 16
POOL_MIN_BYTES = 256 * 1024


@dataclass(slots=True)
class Job:
    rel: str
    stamp: Stamp
    # The digest the cache holds for this note: equal content is not parsed again.
    known_digest: bytes | None = None

    @property
    def size(self) -> int:
        return self.stamp.size


@dataclass(slots=True)
class Parsed:
    rel: str
    stamp: Stamp
    digest: bytes | None = None
    blob: bytes | None = None  # the pickled Note; None when the content is as cached, or on error
    facts: tuple | None = None
    error: str | None = None
    error_line: int = 0
    note: Note | None = None  # only when parsed in this process

    @property
    def unchanged(self) -> bool:
        return self.error is None and self.blob is None


def digest_of(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_WHERE = re.compile(r":(\d+):")


def parse_one(root: str, job: Job, config: VaultConfig, keep_note: bool = False) -> Parsed:
    from labnotes.parse import NoteError, parse_note, read_text

    out = Parsed(job.rel, job.stamp)
    path = os.path.join(root, job.rel)
    try:
        # Checked again on the opened file: a symlink swapped since the scan cannot lead out.
        text = read_text(path, inside=root)
    except NoteError as exc:
        message = str(exc)
        rest = message[len(path) :] if message.startswith(path) else ": " + message
        m = _WHERE.match(rest)
        out.error_line = int(m.group(1)) if m else 0
        out.error = rest[m.end() :].strip() if m else rest.lstrip(": ")
        return out
    out.digest = digest_of(text)
    if out.digest == job.known_digest:
        return out
    try:
        note = parse_note(text, job.rel, config=config)
        out.blob = pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL)
        out.facts = NoteFacts.of(note).to_tuple()
    except (Exception, RecursionError) as exc:
        # A parser bug must cost one note, not the vault: the rest is read, this one reported.
        out.digest = None
        out.error = f"labnotes could not parse this note ({type(exc).__name__}: {exc}); please report it"
        return out
    if keep_note:
        out.note = note
    return out


def _parse_chunk(root: str, jobs: list[Job], config: VaultConfig) -> list[Parsed]:
    return [parse_one(root, job, config) for job in jobs]


def use_pool(jobs: list[Job]) -> bool:
    return (
        (os.cpu_count() or 1) > 1
        and len(jobs) >= POOL_MIN_FILES
        and sum(j.size for j in jobs) >= POOL_MIN_BYTES
    )


def parse_all(
    root: str,
    jobs: list[Job],
    config: VaultConfig,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Parsed]:
    total = len(jobs)
    if not use_pool(jobs):
        for done, job in enumerate(jobs, 1):
            yield parse_one(root, job, config, keep_note=True)
            if progress:
                progress(done, total)
        return
    # Imported here: a warm start parses nothing and should not pay for them. The parser is
    # imported before the fork so that every worker starts with it.
    from concurrent.futures import ProcessPoolExecutor, as_completed

    import labnotes.parse  # noqa: F401

    workers = os.cpu_count() or 2
    # Small chunks balance the load and keep the progress bar moving; large ones pickle less.
    size = max(4, math.ceil(total / (workers * 8)))
    # Deal the notes out by size, round-robin, so the chunks weigh about the same.
    ordered = sorted(jobs, key=lambda j: -j.size)
    count = math.ceil(total / size)
    chunks = [ordered[i::count] for i in range(count)]
    done = 0
    lost: list[Job] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = {pool.submit(_parse_chunk, root, chunk, config): chunk for chunk in chunks}
        for future in as_completed(futures):
            try:
                results = future.result()
            except Exception:
                # A worker died (killed, out of memory): its notes are parsed here instead.
                lost.extend(futures[future])
                continue
            done += len(results)
            yield from results
            if progress:
                progress(done, total)
    for job in lost:
        yield parse_one(root, job, config)
        done += 1
        if progress:
            progress(done, total)


def _context() -> "multiprocessing.context.BaseContext":
    import multiprocessing

    # fork starts workers in milliseconds with the parser already imported; it is unsafe only
    # when other threads run (a TUI worker, say), and then forkserver does the job.
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
