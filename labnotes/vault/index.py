"""`build_index(vault) -> VaultIndex`: every note of the vault, parsed once and kept in the store.

Startup on an unchanged vault stats the files and compares them with the stamps the store holds
(size, mtime, ctime, inode); nothing is hashed or parsed. A note whose stamp moved is hashed, and
parsed only when its text really changed; its rows are replaced in one transaction. Links are
resolved again only where a note or attachment of their name came, went or changed.

Every question is answered from the store's rows (labnotes.vault.reading); a whole note is
parsed from its file only when asked for (`idx.notes[rel]`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import labnotes
from labnotes.parse.model import Entry, Link, ListItem, Note
from labnotes.settings.config import VaultConfig, load_config
from labnotes.tasks.model import Occurrence
from labnotes.vault.parsing import Job, parse_all
from labnotes.vault.reading import NoteRow, Reader, TaskItem
from labnotes.vault.rows import task_tree
from labnotes.vault.resolve import LinkLike, Resolution, Resolver
from labnotes.vault.scan import scan_vault
from labnotes.vault.store import SCHEMA_VERSION, STALE_REBUILD_MIN, Store, StoreError, store_file

if TYPE_CHECKING:
    import networkx

PACKAGE_DIR = Path(labnotes.__file__).resolve().parent
# A cold index commits every this many notes (or this many seconds), so that another process
# never waits long for the write lock, and a crash loses at most one batch.
BATCH_NOTES = 500
BATCH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Problem:
    rel: str  # vault-relative path of the file, "" for the vault as a whole
    line: int  # 1-based; 0 when the problem is the whole file
    message: str
    code: str | None = None  # the parser's warning code, when the parser reported it

    def __str__(self) -> str:
        where = f"{self.rel}:{self.line}" if self.line else self.rel
        return f"{where}: {self.message}" if where else self.message


@dataclass(slots=True)
class IndexStats:
    seconds: float = 0.0
    parsed: int = 0  # notes parsed this run
    hashed: int = 0  # notes read because their stamp moved
    cache_written: bool = False  # the store was written this run
    cache_path: Path | None = None  # the store's database file; None when kept in memory


class NoteStore(Mapping[str, Note]):
    """`idx.notes`: a read-only mapping whose notes are parsed from their files when first read."""

    def __init__(self, reader: Reader, rows: dict[str, NoteRow], reparse: Callable[[str], Note | None]) -> None:
        self._reader = reader
        self._rows = rows
        self._loaded: dict[str, Note] = {}
        self._reparse = reparse

    def __getitem__(self, rel: str) -> Note:
        note = self._loaded.get(rel)
        if note is not None:
            return note
        if rel not in self._rows:
            raise KeyError(rel)
        # The store keeps what queries need, not whole notes: a whole note is parsed from its
        # file (a few ms; always what the file says now).
        note = self._reparse(rel)
        if note is None:
            raise KeyError(rel)
        self._loaded[rel] = note
        return note

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, rel: object) -> bool:
        return rel in self._rows

    def close(self) -> None:
        self._reader.conn.close()


class StoredFacts:
    """One note's facts (see facts.NoteFacts), read from the store part by part as asked for."""

    def __init__(self, reader: Reader, row: NoteRow) -> None:
        self._reader = reader
        self._row = row
        self.day = row.day
        self.tasks = row.tasks
        self.open_tasks = row.open_tasks
        self.entries = row.entries

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        return self._reader.aliases_of(self._row.id)

    @cached_property
    def _anchors(self) -> tuple[tuple, tuple]:
        return self._reader.anchors_of(self._row.id)

    @property
    def headings(self) -> tuple[tuple[int, int, str], ...]:
        return self._anchors[0]

    @property
    def blocks(self) -> tuple[tuple[int, str], ...]:
        return self._anchors[1]

    @cached_property
    def links(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(
            (x.line, x.col, x.original, x.target, x.heading, x.block, x.alias, x.embed, x.kind, x.size)
            for x in self._reader.part_of("links", self._row.id)
        )

    @cached_property
    def warnings(self) -> tuple[tuple[int, str], ...]:
        return tuple((w.line, w.message) for w in self._reader.part_of("warnings", self._row.id))

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return self._reader.metrics_of(self._row.id)

    def link_objects(self) -> list[Link]:
        return self._reader.part_of("links", self._row.id)


class FactsMap(Mapping[str, "StoredFacts"]):
    """`idx.facts`: per-note facts without rebuilding notes; each read from the store when asked."""

    def __init__(self, reader: Reader, rows: dict[str, NoteRow]) -> None:
        self._reader = reader
        self._rows = rows
        self._made: dict[str, StoredFacts] = {}

    def __getitem__(self, rel: str) -> StoredFacts:
        facts = self._made.get(rel)
        if facts is None:
            facts = self._made[rel] = StoredFacts(self._reader, self._rows[rel])
        return facts

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, rel: object) -> bool:
        return rel in self._rows


class _Anchors(Mapping[str, Any]):
    """The anchors (headings, blocks) of each note, for the resolver, read only for notes reached."""

    def __init__(self, facts: FactsMap) -> None:
        self._facts = facts

    def __getitem__(self, rel: str) -> StoredFacts:
        return self._facts[rel]

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


class VaultIndex:
    def __init__(
        self,
        vault: Path,
        config: VaultConfig,
        store: Store,
        problems: list[Problem],
        attachments: list[str],
        stats: IndexStats,
    ) -> None:
        self.vault = vault
        self.config = config
        self.store = store
        self.reader = Reader(store.conn)
        self._rows = self.reader.note_rows()
        self.notes = NoteStore(self.reader, self._rows, self._reparse)
        self.facts: Mapping[str, StoredFacts] = FactsMap(self.reader, self._rows)
        self.attachments = attachments
        self._problems = problems
        # A template's `{{date}}` front matter and placeholders are not broken: they are filled in later.
        self._warned = [
            Problem(rel, w.line, w.message, getattr(w, "code", None))
            for rel, w in self.reader.warnings()
            if not config.is_template(rel)
        ]
        self.stats = stats

    def _reparse(self, rel: str) -> Note | None:
        from labnotes.parse import NoteError, parse_note, read_text

        try:
            return parse_note(read_text(self.vault / rel, inside=str(self.vault)), rel, config=self.config)
        except NoteError as exc:
            self._problems.append(Problem(rel, 0, str(exc)))
        except Exception as exc:  # a parser bug costs this note only
            self._problems.append(Problem(rel, 0, f"labnotes could not parse this note ({type(exc).__name__}: {exc})"))
        return None

    @property
    def problems(self) -> list[Problem]:
        """What could not be read (files, the store) and every parser warning, by note."""
        return self._problems + self._warned

    @cached_property
    def _by_name(self) -> dict[str, list[int]]:
        """Note ids by file stem, case folded (what an entry id starts with)."""
        out: dict[str, list[int]] = {}
        for rel, row in self._rows.items():
            out.setdefault(_stem(rel).casefold(), []).append(row.id)
        return out

    @cached_property
    def _by_path_key(self) -> dict[str, str]:
        """Vault paths by their case-folded form (the first in path order wins)."""
        out: dict[str, str] = {}
        for rel in self._rows:
            out.setdefault(rel.casefold(), rel)
        return out

    def note_id(self, rel: str) -> int | None:
        row = self._rows.get(rel)
        return row.id if row else None

    def _ids(self, rels: list[str] | None) -> list[int] | None:
        return None if rels is None else [self._rows[r].id for r in rels if r in self._rows]

    # -- days --------------------------------------------------------------------------------

    def note_day(self, rel: str) -> dt.date | None:
        row = self._rows.get(rel)
        if row is None or not row.day:
            return None
        try:
            return dt.date.fromisoformat(row.day)
        except ValueError:
            return None

    def daily_notes(self) -> list[tuple[dt.date, str]]:
        days = [(day, rel) for rel in self._rows if (day := self.note_day(rel)) is not None]
        return sorted(days)

    @cached_property
    def template(self) -> str | None:
        """The daily template's vault path, when the vault has it."""
        return self.find_note(self.config.template) if self.config.template else None

    @cached_property
    def templates(self) -> frozenset[str]:
        """Every note that is a template (in a template folder, or named as one by the settings):
        indexed, so links to it resolve, but no one's tasks, entries or problems."""
        found = {rel for rel in self._rows if self.config.is_template(rel)}
        if self.template is not None:
            found.add(self.template)
        return frozenset(found)

    def is_template(self, rel: str) -> bool:
        return rel in self.templates

    def content_notes(self) -> list[str]:
        """Every note but the templates: what tasks, timelines and checks are about."""
        return [rel for rel in self._rows if rel not in self.templates]

    # -- entries -----------------------------------------------------------------------------

    def entries(self, notes: list[str] | None = None) -> list[tuple[str, Entry]]:
        """Every entry of the vault but the templates' (or of `notes`) in time order (ties: note,
        then line)."""
        found = self.reader.entries(note_ids=self._ids(notes))
        if notes is None and self.templates:
            return [(rel, e) for rel, e in found if rel not in self.templates]
        return list(found)

    def entries_by_note(self, notes: list[str] | None = None) -> dict[str, list[Entry]]:
        """The entries of each note that has any (or of `notes`), in file order."""
        out: dict[str, list[Entry]] = {}
        for rel, e in self.reader.entries(note_ids=self._ids(notes), order="note"):
            out.setdefault(rel, []).append(e)
        return out

    def entry(self, entry_id: str) -> tuple[str, Entry] | None:
        # An id starts with its note's file stem: only notes of that name are looked at.
        stem = entry_id.split("@", 1)[0].casefold()
        ids = self._by_name.get(stem)
        if not ids:
            return None
        for found in self.reader.entries(note_ids=ids, entry_id=entry_id, order="note"):
            return found
        return None

    def entry_at(self, rel: str, line: int) -> Entry | None:
        row = self._rows.get(rel)
        return self.reader.entry_at(row.id, line) if row is not None else None

    # -- tasks -------------------------------------------------------------------------------

    def task_rows(
        self, notes: list[str] | None = None, *, status: str | None = None, placeholders: bool = True
    ) -> list[TaskItem]:
        """Task items (of `notes`, else of every note) in note order, each with the line of the
        task above it and its depth in the task tree; `status` is the character between the
        brackets ("x" matches "X" too); `placeholders=False` leaves out empty template tasks."""
        return list(self.reader.task_items(note_ids=self._ids(notes), status=status, placeholders=placeholders))

    def task_items(self) -> list[tuple[str, ListItem]]:
        """Every task item of every content note with its note's vault path, in note and line order:
        what a query over all tasks (a Tasks query block, `labnotes query`) reads. Each item carries its
        Tasks fields (`item.fields`). Read from the store's task rows; a note whose only tasks are
        empty template placeholders is left out."""
        rels = [rel for rel in self.content_notes() if self._rows[rel].tasks]
        return [(t.note, t.item) for t in self.reader.task_items(note_ids=self._ids(rels))]

    def task_occurrences(self) -> list[Occurrence]:
        """Every task line of every note but the templates, in note order: its note, day, line,
        status, text, section, the task above it, block id, Tasks `🆔` and `✅` date.

        Whole-vault task queries read this, never whole notes: one SELECT over the task rows.
        """
        days: dict[str, dt.date | None] = {}
        rels = self.content_notes() if self.templates else None
        out: list[Occurrence] = []
        for row in self.reader.task_occurrences(self._ids(rels)):
            rel = row[0]
            if rel not in days:
                days[rel] = self.note_day(rel)
            out.append(Occurrence(rel, days[rel], *row[1:]))
        return out

    # -- names and links ---------------------------------------------------------------------

    @cached_property
    def resolver(self) -> Resolver:
        return Resolver(_Anchors(self.facts), self.attachments, self.reader.aliases())  # type: ignore[arg-type]

    def resolve(self, link: LinkLike, from_rel: str) -> Resolution:
        return self.resolver.resolve(link, from_rel)

    def links(
        self, *, notes: list[str] | None = None, to: str | None = None, unresolved: bool = False
    ) -> list[tuple[str, Link, Resolution]]:
        """Every link (of `notes`; reaching note `to`; only `unresolved` ones that must resolve)
        with what it resolves to, as stored."""
        out = []
        for rel, link, res in self.reader.links(note_ids=self._ids(notes), resolved=to, unresolved=unresolved):
            if res is None:  # another process stored it and has not resolved it yet
                res = self.resolver.resolve(link, rel)
                if unresolved and res.ok:
                    continue
            out.append((rel, link, res))
        return out

    def warnings(self, notes: list[str] | None = None) -> list[tuple[str, Any]]:
        """(note, ParseWarning) for every parser warning (of `notes`), by note and line."""
        return self.reader.warnings(self._ids(notes))

    def metrics(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(day, note, life-table row) for every daily note that has one, in day order."""
        return self.reader.metrics()

    def notes_with_field(self, key: str) -> Mapping[str, Note]:
        """The notes that hold an inline field `[key:: …]` (key case and spaces ignored)."""
        ids = set(self.reader.note_ids_with_field(key.strip()))
        return {rel: self.notes[rel] for rel, row in self._rows.items() if row.id in ids}

    def headings(self) -> list[tuple[str, int, int, str]]:
        """(note, line, level, text) of every heading, by note and line."""
        return list(self.reader.headings())

    def aliases(self) -> dict[str, list[str]]:
        """The front-matter aliases of every note that has any."""
        out: dict[str, list[str]] = {}
        for rel, alias in self.reader.aliases():
            out.setdefault(rel, []).append(alias)
        return out

    def search(self, query: str, *, limit: int | None = 50) -> list[Any]:
        """Lines holding `query`, best notes first: labnotes.vault.search.search (a list of Hit:
        .note .line .snippet .matches .day). SearchError for an empty query."""
        from labnotes.vault.search import search

        return search(self, query, limit=limit)

    def find_note(self, name_or_path: str) -> str | None:
        """A note named on the command line: its vault path, file path, stem or alias."""
        given = name_or_path.strip()
        if not given:
            return None
        as_path = Path(given).expanduser()
        if as_path.is_absolute() or "/" in given or (sys.platform == "win32" and "\\" in given):
            try:
                rel = as_path.resolve().relative_to(self.vault).as_posix()
            except (ValueError, OSError):
                rel = None
            if rel in self._rows:
                return rel
        # The usual case (a vault path, with or without .md) needs no resolver.
        if not given.startswith(("./", "../")):
            key = given.replace("\\", "/").lstrip("/").casefold()
            hit = self._by_path_key.get(key) or self._by_path_key.get(key + ".md")
            if hit is not None:
                return hit
        rel, _, _ = self.resolver.find_file(given.replace("\\", "/"), "")
        return rel if rel in self._rows else None

    def close(self) -> None:
        """Let go of the store; notes not read yet can no longer be read."""
        self.store.close()

    # -- the graph ---------------------------------------------------------------------------

    @cached_property
    def graph(self) -> "networkx.MultiDiGraph":
        """Notes, sections, tasks, entries and links; the experiments come with
        `labnotes.workspace.Workspace.graph()`, which knows where they are."""
        from labnotes.vault.graph import build_graph

        return build_graph(self)


def _stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name[:-3] if name.lower().endswith(".md") else name


def occurrences_of(note: Note, rel: str, day: dt.date | None) -> list[Occurrence]:
    """The task lines of one parsed note as `Occurrence`s (see `VaultIndex.task_occurrences`)."""
    blocks = {b.line: b.id for b in note.block_ids}
    out = []
    for item, (above, _) in zip(note.list_items, task_tree(note)):
        if item.task is None:
            continue
        fields = item.fields  # None for a checkbox the vault's Tasks global filter leaves out
        out.append(
            Occurrence(
                note=rel,
                day=day,
                line=item.line,
                status=item.task,
                text=item.text,
                section=tuple(item.section),
                parent_line=above,
                block_id=blocks.get(item.line),
                task_id=fields.id if fields else None,
                done_date=fields.done if fields else None,
                status_type=fields.status_type if fields else None,
                struck=item.struck,
            )
        )
    return out


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
    for src in sources:
        try:
            st = src.stat()
            parts.append(f"{src.relative_to(PACKAGE_DIR)}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{src.relative_to(PACKAGE_DIR)}:missing")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


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
    scan = scan_vault(root)
    problems = [Problem(p.rel, 0, p.message) for p in scan.problems]
    for rel in [r for r in scan.notes if not _encodable(r)]:
        problems.append(Problem(rel, 0, "file name is not valid UTF-8; skipped"))
        del scan.notes[rel]
    scan.attachments = [a for a in scan.attachments if _encodable(a)]
    path = store_file(root) if use_cache else None
    stats = IndexStats(cache_path=path)

    fp = fingerprint()
    try:
        store = Store(path, fp, repr(config), rebuild=rebuild)
    except StoreError as exc:
        problems.append(Problem("", 0, f"{exc}; working without it this time"))
        store = Store(None, fp, repr(config))
        stats.cache_path = None
    problems.extend(Problem("", 0, w) for w in store.warnings)
    problems.extend(Problem("", 0, message) for message in config.notices)

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
    had = store.attachments()
    now = set(scan.attachments)
    if had != now:
        store.set_attachments(now - had, had - now)
    stats.cache_written = bool(stats.parsed or restamp or gone or had != now) and path is not None

    if stats.parsed and not known:
        store.optimize_text()  # a cold index: one segment instead of one per batch
    elif stats.parsed or gone:
        _forget_stale_text(store, root)
    idx = VaultIndex(root, config, store, problems, sorted(scan.attachments), stats)
    if store.touched_keys or store.touched_paths:
        from labnotes.vault.linking import resolve_again

        resolve_again(idx, store.touched_keys, store.touched_paths)
    stats.seconds = time.perf_counter() - started
    return idx


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
