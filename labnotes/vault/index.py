"""`build_index(vault) -> VaultIndex`: every note of the vault, parsed once and cached.

Startup on an unchanged vault stats the files and reads the cache header; nothing is hashed or
parsed. A note whose size or mtime moved is hashed, and parsed only when its text really changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import labnotes
from labnotes.settings.config import VaultConfig, load_config
from labnotes.vault import cache as cachemod
from labnotes.vault.facts import NoteFacts
from labnotes.vault.parsing import Job, parse_all, parse_one
from labnotes.vault.resolve import LinkLike, Resolution, Resolver, is_checked
from labnotes.vault.scan import scan_vault
from labnotes.parse.model import Entry, Link, ListItem, Note, task_above
from labnotes.tasks.model import Occurrence

if TYPE_CHECKING:
    import networkx

PACKAGE_DIR = Path(labnotes.__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Problem:
    rel: str  # vault-relative path of the file, "" for the vault as a whole
    line: int  # 1-based; 0 when the problem is the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.rel}:{self.line}" if self.line else self.rel
        return f"{where}: {self.message}" if where else self.message


@dataclass(slots=True)
class IndexStats:
    seconds: float = 0.0
    parsed: int = 0  # notes parsed this run
    hashed: int = 0  # notes read because their size or mtime moved
    cache_written: bool = False
    cache_path: Path | None = None


class NoteStore(Mapping[str, Note]):
    """`idx.notes`: a read-only mapping whose notes are unpickled the first time they are read."""

    def __init__(
        self,
        order: list[str],
        loaded: dict[str, Note],
        blobs: dict[str, bytes],
        cached: cachemod.CacheFile | None,
        records: dict[str, cachemod.Record],
        reparse: Callable[[str], Note | None],
    ) -> None:
        self._order = order
        self._members = set(order)
        self._loaded = loaded
        self._blobs = blobs
        self._cached = cached
        self._records = records
        self._reparse = reparse

    def __getitem__(self, rel: str) -> Note:
        note = self._loaded.get(rel)
        if note is not None:
            return note
        if rel not in self._members:
            raise KeyError(rel)
        try:
            blob = self._blobs.get(rel)
            if blob is None and self._cached is not None:
                blob = self._cached.blob(self._records[rel])
            note = pickle.loads(blob) if blob is not None else None
        except Exception:
            note = None
        if note is None:
            # A damaged entry in the cache: read the file again rather than lose the note.
            note = self._reparse(rel)
            if note is None:
                raise KeyError(rel)
        self._loaded[rel] = note
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def close(self) -> None:
        if self._cached is not None:
            self._cached.close()

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, rel: object) -> bool:
        return rel in self._members


class VaultIndex:
    def __init__(
        self,
        vault: Path,
        config: VaultConfig,
        notes: NoteStore,
        facts: dict[str, NoteFacts],
        attachments: list[str],
        problems: list[Problem],
        stats: IndexStats,
    ) -> None:
        self.vault = vault
        self.config = config
        self.notes = notes
        self.facts = facts
        self.attachments = attachments
        self.problems = problems
        self.stats = stats

    # -- days --------------------------------------------------------------------------------

    def note_day(self, rel: str) -> dt.date | None:
        facts = self.facts.get(rel)
        if facts is None or not facts.day:
            return None
        try:
            return dt.date.fromisoformat(facts.day)
        except ValueError:
            return None

    def daily_notes(self) -> list[tuple[dt.date, str]]:
        days = [(day, rel) for rel in self.facts if (day := self.note_day(rel)) is not None]
        return sorted(days)

    @cached_property
    def template(self) -> str | None:
        """The daily template's vault path, when the vault has it."""
        return self.find_note(self.config.template) if self.config.template else None

    @cached_property
    def templates(self) -> frozenset[str]:
        """Every note that is a template (in a template folder, or named as one by the settings):
        indexed, so links to it resolve, but no one's tasks, entries or problems."""
        found = {rel for rel in self.facts if self.config.is_template(rel)}
        if self.template is not None:
            found.add(self.template)
        return frozenset(found)

    def is_template(self, rel: str) -> bool:
        return rel in self.templates

    def content_notes(self) -> list[str]:
        """Every note but the templates: what tasks, timelines and checks are about."""
        return [rel for rel in self.notes if rel not in self.templates]

    def task_items(self) -> list[tuple[str, ListItem]]:
        """Every task item of every content note with its note's vault path, in note and line order:
        what a query over all tasks (a Tasks query block, `labnotes query`) reads. Each item carries its
        Tasks fields (`item.fields`). A plain walk over the notes for now; the store may answer it
        from its tables."""
        return [
            (rel, item)
            for rel in self.content_notes()
            if self.facts[rel].tasks
            for item in self.notes[rel].list_items
            if item.task is not None
        ]

    # -- entries -----------------------------------------------------------------------------

    def entries(self) -> list[tuple[str, Entry]]:
        """Every entry of the vault but the templates', in time order (ties: note, then line)."""
        found = [
            (rel, e) for rel in self.notes
            if self.facts[rel].entries and rel not in self.templates for e in self.notes[rel].entries
        ]  # fmt: skip
        return sorted(found, key=lambda pair: (pair[1].timestamp, pair[0], pair[1].line))

    def entry(self, entry_id: str) -> tuple[str, Entry] | None:
        stem = entry_id.split("@", 1)[0].casefold()
        # An id starts with its note's file stem, so only notes of that name need reading.
        for rel in self.notes:
            if _stem(rel).casefold() == stem and self.facts[rel].entries:
                for e in self.notes[rel].entries:
                    if e.id == entry_id:
                        return rel, e
        return None

    def entry_at(self, rel: str, line: int) -> Entry | None:
        if rel not in self.notes:
            return None
        for e in self.notes[rel].entries:
            if e.line == line or e.item_line == line:
                return e
        return None

    # -- tasks -------------------------------------------------------------------------------

    def task_occurrences(self) -> list[Occurrence]:
        """Every task line of every note but the template, in note order: its note, day, line,
        status, text, section, the task above it, block id, Tasks `🆔` and `✅` date.

        Whole-vault task queries read this, never whole notes. (A plain implementation over the
        notes that hold tasks; the store backs it with a table.)
        """
        out: list[Occurrence] = []
        for rel in self.content_notes():
            if not self.facts[rel].tasks:
                continue
            out.extend(occurrences_of(self.notes[rel], rel, self.note_day(rel)))
        return out

    # -- names and links ---------------------------------------------------------------------

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(self.facts, self.attachments)

    def resolve(self, link: LinkLike, from_rel: str) -> Resolution:
        return self.resolver.resolve(link, from_rel)

    def links(self) -> list[tuple[str, Link, Resolution]]:
        """Every link of every note, with what it resolves to; read from the facts alone."""
        return self._links

    @cached_property
    def _links(self) -> list[tuple[str, Link, Resolution]]:
        out = []
        for rel, facts in self.facts.items():
            for link in facts.link_objects():
                out.append((rel, link, self.resolver.resolve(link, rel)))
        return out

    def find_note(self, name_or_path: str) -> str | None:
        """A note named on the command line: its vault path, file path, stem or alias."""
        given = name_or_path.strip()
        if not given:
            return None
        as_path = Path(given).expanduser()
        if as_path.is_absolute() or os.sep in given or "/" in given:
            try:
                rel = as_path.resolve().relative_to(self.vault).as_posix()
            except (ValueError, OSError):
                rel = None
            if rel in self.facts:
                return rel
        rel, _, _ = self.resolver.find_file(given.replace("\\", "/"), "")
        return rel if rel in self.facts else None

    def close(self) -> None:
        """Let go of the cache file; notes not read yet can no longer be read."""
        self.notes.close()

    # -- the graph ---------------------------------------------------------------------------

    @cached_property
    def graph(self) -> "networkx.MultiDiGraph":
        from labnotes.vault.graph import build_graph

        return build_graph(self)


def occurrences_of(note: Note, rel: str, day: dt.date | None) -> list[Occurrence]:
    """The task lines of one parsed note as `Occurrence`s (see `VaultIndex.task_occurrences`)."""
    items = {i.line: i for i in note.list_items}
    blocks = {b.line: b.id for b in note.block_ids}
    out = []
    for item in note.list_items:
        if item.task is None:
            continue
        above = task_above(items, item.parent_line)
        fields = item.fields  # None for a checkbox the vault's Tasks global filter leaves out
        out.append(
            Occurrence(
                note=rel,
                day=day,
                line=item.line,
                status=item.task,
                text=item.text,
                section=tuple(item.section),
                parent_line=above.line if above is not None else None,
                block_id=blocks.get(item.line),
                task_id=fields.id if fields else None,
                done_date=fields.done if fields else None,
                status_type=fields.status_type if fields else None,
                struck=item.struck,
            )
        )
    return out


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def fingerprint() -> str:
    """What the cached notes depend on besides the notes: this labnotes, its parser, Python."""
    parts: list[str] = [str(cachemod.FORMAT), sys.version, labnotes.__version__]
    sources = sorted((PACKAGE_DIR / "parse").glob("*.py")) + [
        PACKAGE_DIR / "settings" / "config.py",
        PACKAGE_DIR / "vault" / "facts.py",
    ]
    for src in sources:
        try:
            st = src.stat()
            parts.append(f"{src.name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{src.name}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def build_index(
    vault: Path | str,
    *,
    use_cache: bool = True,
    rebuild: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> VaultIndex:
    """Index the vault. `progress(done, total)` is called as changed notes are parsed.

    `rebuild` ignores what the cache holds, parses every note and writes the cache anew (what
    `labnotes index --rebuild` does); `use_cache=False` neither reads nor writes it.

    Raises ConfigError for a bad .labnotes.yaml; every other problem lands in `idx.problems`.
    """
    started = time.perf_counter()
    root = Path(vault).resolve()
    config = load_config(root)
    config_key = repr(config)
    scan = scan_vault(root)
    problems = [Problem(p.rel, 0, p.message) for p in scan.problems]
    stats = IndexStats(cache_path=cachemod.cache_file(root) if use_cache else None)

    fp = fingerprint()
    cached: cachemod.CacheFile | None = None
    if use_cache and not rebuild:
        try:
            cached = cachemod.load(stats.cache_path, fp)
        except cachemod.CacheError as exc:
            problems.append(Problem("", 0, f"{exc}; rebuilding it"))
    if cached is not None and cached.config_key != config_key:
        cached.close()
        cached = None
    old = cached.records if cached is not None else {}

    records: dict[str, cachemod.Record] = {}
    jobs: list[Job] = []
    for rel, stamp in scan.notes.items():
        rec = old.get(rel)
        if rec is not None and rec.stamp == stamp:
            records[rel] = rec
        else:
            jobs.append(Job(rel, stamp, rec.digest if rec is not None else None))

    blobs: dict[str, bytes] = {}
    loaded: dict[str, Note] = {}
    # Only a real change rewrites the cache: a file that fails to read is retried, not recorded.
    dirty = cached is None or bool(old.keys() - scan.notes.keys())
    for res in parse_all(str(root), jobs, config, progress):
        stats.hashed += 1
        if res.error is not None:
            problems.append(Problem(res.rel, res.error_line, res.error))
            continue
        dirty = True
        if res.unchanged:
            rec = old[res.rel]
            records[res.rel] = cachemod.Record(res.stamp, rec.digest, rec.facts, rec.offset, rec.length)
        else:
            stats.parsed += 1
            records[res.rel] = cachemod.Record(res.stamp, res.digest, res.facts)
            blobs[res.rel] = res.blob
            if res.note is not None:
                loaded[res.rel] = res.note

    order = sorted(records)
    records = {rel: records[rel] for rel in order}
    if use_cache and dirty:
        try:
            cachemod.save(
                stats.cache_path, fp, config_key, records,
                lambda rel, rec: blobs[rel] if rel in blobs else cached.blob(rec),
            )  # fmt: skip
            stats.cache_written = True
        except (OSError, cachemod.CacheError) as exc:
            problems.append(Problem("", 0, f"cannot write the index cache: {exc}"))

    facts = {rel: NoteFacts.from_tuple(records[rel].facts) for rel in order}
    for rel, f in facts.items():
        # A template's `{{date}}` front matter and placeholders are not broken: they are filled in later.
        if not config.is_template(rel):
            problems.extend(Problem(rel, line, message) for line, message in f.warnings)
    problems.extend(Problem("", 0, message) for message in config.notices)

    def reparse(rel: str) -> Note | None:
        res = parse_one(str(root), Job(rel, scan.notes[rel]), config, keep_note=True)
        if res.note is None:
            problems.append(Problem(rel, res.error_line, res.error or "cannot read the note"))
        return res.note

    store = NoteStore(order, loaded, blobs, cached, records, reparse)
    stats.seconds = time.perf_counter() - started
    return VaultIndex(root, config, store, facts, sorted(scan.attachments), problems, stats)


def summary(idx: VaultIndex) -> dict[str, Any]:
    """The counts `labnotes index` prints."""
    links = [r for _, link, r in idx.links() if is_checked(link)]
    # The counts `labnotes tasks` and `timeline` list: the template's tasks are no one's to do.
    content = [idx.facts[rel] for rel in idx.content_notes()]
    return {
        "vault": str(idx.vault),
        "notes": len(idx.facts),
        "tasks": sum(f.tasks for f in content),
        "open_tasks": sum(f.open_tasks for f in content),
        "entries": sum(f.entries for f in content),
        "links": len(links),
        "unresolved_links": sum(1 for r in links if not r.ok),
        "attachments": len(idx.attachments),
        "warnings": len(idx.problems),
        "parsed": idx.stats.parsed,
        "seconds": round(idx.stats.seconds, 3),
    }
