"""The vault index: `VaultIndex`, every question about a vault's notes answered from the store's
rows (labnotes.vault.reading); a whole note is parsed from its file only when asked for
(`idx.notes[rel]`). `build_index` (labnotes.vault.build) makes one.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labnotes.parse.model import Entry, Link, ListItem, Note
from labnotes.settings.config import VaultConfig
from labnotes.tasks.model import Occurrence
from labnotes.vault.reading import Reader, TaskItem
from labnotes.vault.resolve import LinkLike, Resolution, Resolver
from labnotes.vault.rows import task_tree
from labnotes.vault.store import Store
from labnotes.vault.stored import Anchors, FactsMap, NoteStore, StoredFacts

if TYPE_CHECKING:
    import networkx


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
        opened = store.opened_rows()
        self._rows = opened if opened is not None else self.reader.note_rows()
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

    def task_lines(self, notes: list[str] | None = None) -> list[tuple[str, int, str, str, int | None]]:
        """(note, line, status, text, line of the task above) of every task (of `notes`), in note
        and line order: Reader.task_lines."""
        return self.reader.task_lines(self._ids(notes))

    def timeline_entries(
        self, notes: list[str] | None = None, *, since: str | None = None
    ) -> list[tuple[str, str, int, str, str | None, bool, str, bool, list[str], int | None]]:
        """(note, id, line, timestamp, weekday, weekday_ok, text, struck, highlights, thread line) of
        every entry (of `notes`; stamped on day `since`, YYYY-MM-DD, or later), in note and file
        order: what a timeline lists, without building entries."""
        return self.reader.timeline_entries(self._ids(notes), since=since)

    def entry_stamps(self, notes: list[str] | None = None) -> list[tuple[str, str, int, str, str | None, bool, int | None]]:
        """(note, id, line, timestamp, weekday, weekday_ok, thread line) of every entry (of `notes`;
        of the templates too when None), in note and file order: Reader.entry_stamps."""
        return self.reader.entry_stamps(self._ids(notes))

    def task_items_at(self, places: Iterable[tuple[str, int]]) -> dict[tuple[str, int], ListItem]:
        """The task items at these (note, line) places, with their Tasks fields, from the store's
        task rows: what a listing of tasks shows of each one's latest line. Places without a task
        are left out."""
        ids = {}
        for rel, line in places:
            row = self._rows.get(rel)
            if row is not None:
                ids[(row.id, line)] = rel
        return {(t.note, t.item.line): t.item for t in self.reader.task_items_at(ids)}

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
        return Resolver(Anchors(self.facts), self.attachments, self.reader.aliases())  # type: ignore[arg-type]

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

    def link_rows(
        self, *, notes: list[str] | None = None, to: str | None = None, unresolved: bool = False
    ) -> list[tuple[Any, ...]]:
        """`links()` as plain rows (Reader.link_rows: note, line, col, original, target, heading,
        block, embed, kind, checked, ok, resolved, heading_line, block_line, reason), for listings
        of many links; a link no process has resolved yet is resolved here."""
        rows = self.reader.link_rows(note_ids=self._ids(notes), resolved=to, unresolved=unresolved)
        if any(r[10] is None for r in rows):
            from labnotes.vault.linking import _Link

            kept = []
            for r in rows:
                if r[10] is None:
                    res = self.resolver.resolve(_Link(r[4], r[5], r[6], r[8]), r[0])
                    if (unresolved and res.ok) or (to is not None and res.rel != to):
                        continue
                    r = (*r[:10], int(res.ok), res.rel, res.heading_line, res.block_line, res.reason)
                kept.append(r)
            rows = kept
        return rows

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
