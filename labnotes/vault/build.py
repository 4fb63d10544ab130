"""`build_index(vault) -> VaultIndex`: the vault's files brought into its store.

Startup on an unchanged vault stats the files and compares them with the stamps the store holds
(size, mtime, ctime, inode); nothing is hashed or parsed. A note whose stamp moved is hashed, and
parsed only when its text really changed; its rows are replaced in one transaction. Links are
resolved again only where a note or attachment of their name came, went or changed.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import labnotes
from labnotes.settings.config import VaultConfig, load_config
from labnotes.vault.index import IndexStats, Problem, VaultIndex
from labnotes.vault.parsing import Job, parse_all
from labnotes.vault.scan import Scan, scan_vault
from labnotes.vault.store import SCHEMA_VERSION, STALE_REBUILD_MIN, Store, StoreError, store_file

PACKAGE_DIR = Path(labnotes.__file__).resolve().parent
# A cold index commits every this many notes (or this many seconds), so that another process
# never waits long for the write lock, and a crash loses at most one batch.
BATCH_NOTES = 500
BATCH_SECONDS = 1.0


def fingerprint() -> str:
    """What the stored notes depend on besides the notes: this labnotes, its parser, Python."""
    parts: list[str] = [str(SCHEMA_VERSION), sys.version, labnotes.__version__]
    # os.walk, not Path.rglob: this runs on every start, and glob costs tens of ms; parse/ has
    # subfolders (parse/inline/).
    sources = [
        Path(top) / n
        for top, dirs, names in sorted(os.walk(PACKAGE_DIR / "parse"))
        if "__pycache__" not in top
        for n in sorted(names)
        if n.endswith(".py")
    ] + [
        PACKAGE_DIR / "settings" / "config.py",
        PACKAGE_DIR / "vault" / "rows.py",
        PACKAGE_DIR / "vault" / "resolve.py",
    ]
    parts += source_stamps(sources)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def source_stamps(sources: Iterable[Path]) -> list[str]:
    """`path:size:mtime` of each of labnotes' own source files (path inside the package): what
    changes when labnotes' code does, read with a stat each, not a read."""
    parts = []
    for src in sources:
        try:
            st = src.stat()
            parts.append(f"{src.relative_to(PACKAGE_DIR)}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{src.relative_to(PACKAGE_DIR)}:missing")
    return parts


def _encodable(rel: str) -> bool:
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def build_index(
    vault: Path | str,
    *,
    use_cache: bool = True,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> VaultIndex:
    """Index the vault. `progress(done, total)` is called as changed notes are parsed.

    `rebuild` throws the store away and parses every note again (`labnotes index --rebuild`);
    `use_cache=False` keeps the store in memory, neither reading nor writing the one on disk.
    Raises ConfigError for a bad .labnotes.yaml; every other problem lands in `idx.problems`.
    """
    started = time.perf_counter()
    root = Path(vault).resolve()
    config = load_config(root)
    scan, problems = _scan(root)
    path = store_file(root) if use_cache else None
    stats = IndexStats(cache_path=path)
    store = _open_store(path, config, rebuild, stats, problems)
    problems.extend(Problem("", 0, message) for message in config.notices)

    known = store.known_notes
    rewritten, restamped = _update_notes(store, root, scan, config, progress, stats, problems)
    had = store.attachments()
    now = set(scan.attachments)
    if had != now:
        store.set_attachments(now - had, had - now)
    stats.cache_written = (rewritten or restamped or had != now) and path is not None

    cold = bool(stats.parsed and not known)
    if cold:
        store.optimize_text()  # one full-text segment instead of one per batch
    elif rewritten:
        _forget_stale_text(store, root)
    idx = VaultIndex(root, config, store, problems, sorted(scan.attachments), stats)
    if store.touched_keys or store.touched_paths:
        from labnotes.vault.linking import resolve_again

        resolve_again(idx, store.touched_keys, store.touched_paths)
    if cold:
        store.compact()  # after the links' resolutions were written into their rows
    stats.seconds = time.perf_counter() - started
    return idx


def _scan(root: Path) -> tuple[Scan, list[Problem]]:
    """The vault's files, less those whose names cannot be stored (not UTF-8), and what was wrong."""
    scan = scan_vault(root)
    problems = [Problem(p.rel, 0, p.message) for p in scan.problems]
    for rel in [r for r in scan.notes if not _encodable(r)]:
        problems.append(Problem(rel, 0, "file name is not valid UTF-8; skipped"))
        del scan.notes[rel]
    scan.attachments = [a for a in scan.attachments if _encodable(a)]
    return scan, problems


def _open_store(path: Path | None, config: VaultConfig, rebuild: bool, stats: IndexStats, problems: list[Problem]) -> Store:
    """The vault's store; one in memory (and a problem saying so) when the one on disk cannot be used."""
    fp = fingerprint()
    try:
        store = Store(path, fp, repr(config), rebuild=rebuild)
    except StoreError as exc:
        problems.append(Problem("", 0, f"{exc}; working without it this time"))
        store = Store(None, fp, repr(config))
        stats.cache_path = None
    problems.extend(Problem("", 0, w) for w in store.warnings)
    return store


def _update_notes(
    store: Store, root: Path, scan: Scan, config: VaultConfig,
    progress: Callable[[int, int], None] | None, stats: IndexStats, problems: list[Problem],
) -> tuple[bool, bool]:  # fmt: skip
    """Bring the store's notes up to date with the files: (notes rewritten or dropped, stamps moved)."""
    known = store.known_notes
    jobs = [
        Job(rel, stamp, known[rel].digest if rel in known else None)
        for rel, stamp in scan.notes.items()
        if rel not in known or known[rel].stamp != stamp
    ]
    gone = set(known) - set(scan.notes)
    batch: list[tuple[Any, ...]] = []
    restamp: list[tuple[str, Any]] = []
    last_flush = time.perf_counter()
    for res in parse_all(str(root), jobs, config, progress):
        stats.hashed += 1
        if res.error is not None:
            problems.append(Problem(res.rel, res.error_line, res.error))
            if res.rel in known:
                gone.add(res.rel)  # it cannot be read now: its old rows would be a lie
            continue
        if res.unchanged:
            restamp.append((res.rel, res.stamp))
            continue
        stats.parsed += 1
        assert res.rows is not None and res.digest is not None
        batch.append((res.rel, res.stamp, res.digest, res.rows))
        if len(batch) >= BATCH_NOTES or time.perf_counter() - last_flush > BATCH_SECONDS:
            store.replace_notes(batch)
            batch, last_flush = [], time.perf_counter()
    if batch:
        store.replace_notes(batch)
    if restamp:
        store.restamp(restamp)
    if gone:
        store.delete_notes(sorted(gone))
    return bool(stats.parsed or gone), bool(restamp)


def _forget_stale_text(store: Store, root: Path) -> None:
    """Index the live notes' words afresh once the full-text rows of old note versions outnumber them."""
    stale = store.stale_text_rows()
    if stale < STALE_REBUILD_MIN or stale < store.live_text_rows():
        return
    from labnotes.parse.files import MAX_BYTES, NoteError, decode_text
    from labnotes.fs.guard import read_regular
    from labnotes.vault.words import index_text

    def words_of() -> Iterator[tuple[str, str]]:
        for rel in store.known():
            try:
                data, _ = read_regular(root / rel, inside=str(root), max_bytes=MAX_BYTES)
                yield rel, index_text(decode_text(data, rel))
            except (OSError, NoteError):
                yield rel, ""

    store.rebuild_text(words_of())
