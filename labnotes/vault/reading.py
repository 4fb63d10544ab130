"""Reading the index store: the rows a question needs, turned back into the model's objects.

Whole-vault questions are answered from rows, one SELECT each, never by reading notes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

from labnotes.parse.model import Entry, Link, ListItem
from labnotes.vault.resolve import Resolution
from labnotes.vault.rows import PART, obj_of, select_columns


@dataclass(slots=True)
class NoteRow:
    """What the notes table says of one note, loaded for every note at start (cheap)."""

    id: int
    path: str
    day: str | None
    tasks: int
    open_tasks: int
    entries: int


@dataclass(slots=True)
class TaskItem:
    """A task item as the task queries need it, with its place in the task tree."""

    note: str
    day: str | None
    item: ListItem
    task_parent: int | None  # line of the task above it, through plain items
    task_depth: int  # tasks above it


_ENTRY = PART["entries"]
_ITEM = PART["tasks"]
_LINK = PART["links"]
_RESOLUTION = "resolved, heading_line, block_line, ok, reason, via"
# An entry's id, stored only where it is not `<stem>@<timestamp>` (rows.note_rows).
_ENTRY_ID = "coalesce(e.entry_id, n.stem || '@' || e.timestamp)"
# The entries' columns in stored order, read from `entries e JOIN notes n`.
_ENTRY_COLUMNS = ", ".join(_ENTRY_ID if c == "entry_id" else f"e.{c}" for c in select_columns(_ENTRY).split(", "))


class Reader:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def note_rows(self) -> dict[str, NoteRow]:
        rows = self.conn.execute("SELECT id, path, day, tasks, open_tasks, entries FROM notes ORDER BY path")
        return {r[1]: NoteRow(*r) for r in rows}

    # -- per note, for the facts ---------------------------------------------------------------

    def part_of(self, table: str, note_id: int) -> list[Any]:
        if table == "entries":
            return [e for _, e in self.entries(note_ids=[note_id], order="note")]
        part = PART[table]
        rows = self.conn.execute(f"SELECT {select_columns(part)} FROM {table} WHERE note_id = ? ORDER BY seq", (note_id,))
        return [obj_of(part, r) for r in rows]

    def aliases_of(self, note_id: int) -> tuple[str, ...]:
        return tuple(a for (a,) in self.conn.execute("SELECT alias FROM aliases WHERE note_id = ? ORDER BY rowid", (note_id,)))

    def metrics_of(self, note_id: int) -> dict[str, Any]:
        row = self.conn.execute("SELECT metrics FROM notes WHERE id = ?", (note_id,)).fetchone()
        return json.loads(row[0]) if row else {}

    def anchors_of(self, note_id: int) -> tuple[tuple, tuple]:
        headings = tuple(self.conn.execute("SELECT line, level, text FROM headings WHERE note_id = ? ORDER BY seq", (note_id,)))
        blocks = tuple(self.conn.execute("SELECT line, block FROM blocks WHERE note_id = ? ORDER BY seq", (note_id,)))
        return headings, blocks

    # -- whole-vault rows -------------------------------------------------------------------------

    def paths(self) -> list[str]:
        return [p for (p,) in self.conn.execute("SELECT path FROM notes ORDER BY path")]

    def attachments(self) -> list[str]:
        return [p for (p,) in self.conn.execute("SELECT path FROM attachments ORDER BY path")]

    def aliases(self) -> list[tuple[str, str]]:
        return list(self.conn.execute("SELECT n.path, a.alias FROM aliases a JOIN notes n ON n.id = a.note_id ORDER BY n.path, a.rowid"))

    def entries(
        self, *, note_ids: Iterable[int] | None = None, entry_id: str | None = None, order: str = "time"
    ) -> Iterator[tuple[str, Entry]]:
        where, args = _where(note_ids, "e.note_id")
        if entry_id is not None:
            where.append(f"{_ENTRY_ID} = ?")
            args.append(entry_id)
        sql = f"SELECT n.path, {_ENTRY_COLUMNS} FROM entries e JOIN notes n ON n.id = e.note_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY e.timestamp, n.path, e.line" if order == "time" else " ORDER BY n.path, e.seq"
        for row in self.conn.execute(sql, args):
            yield row[0], obj_of(_ENTRY, row[1:])

    def entry_at(self, note_id: int, line: int) -> Entry | None:
        row = self.conn.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM entries e JOIN notes n ON n.id = e.note_id"
            " WHERE e.note_id = ? AND (e.line = ? OR e.item_line = ?) ORDER BY e.seq LIMIT 1",
            (note_id, line, line),
        ).fetchone()
        return obj_of(_ENTRY, row) if row else None

    def task_items(
        self, *, note_ids: Iterable[int] | None = None, status: str | None = None, placeholders: bool = True
    ) -> Iterator[TaskItem]:
        """Task items in note order (path, then line), filtered in SQL where it can."""
        cols = ", ".join(f"i.{c}" for c in select_columns(_ITEM).split(", "))
        where, args = _where(note_ids, "i.note_id")
        where.append("i.task IS NOT NULL")
        if not placeholders:
            where.append("i.text != ''")
        if status is not None:
            where.append("i.task IN (?, ?)" if status == "x" else "i.task = ?")
            args.extend(["x", "X"] if status == "x" else [status])
        sql = (
            f"SELECT n.path, n.day, i.task_parent, i.task_depth, {cols} FROM tasks i JOIN notes n ON n.id = i.note_id"
            f" WHERE {' AND '.join(where)} ORDER BY n.path, i.seq"
        )
        for row in self.conn.execute(sql, args):
            yield TaskItem(row[0], row[1], obj_of(_ITEM, row[4:]), row[2], row[3])

    def task_items_at(self, places: Iterable[tuple[int, int]]) -> Iterator[TaskItem]:
        """The task items at these (note id, line) places, in no particular order: a listing of
        a few thousand tasks builds only their items, not every task row's."""
        cols = ", ".join(f"i.{c}" for c in select_columns(_ITEM).split(", "))
        wanted = sorted(set(places))
        for start in range(0, len(wanted), 2000):  # well under SQLite's bound on parameters
            chunk = wanted[start : start + 2000]
            values = ",".join("(?, ?)" for _ in chunk)
            sql = (
                f"WITH want(note_id, line) AS (VALUES {values})"
                f" SELECT n.path, n.day, i.task_parent, i.task_depth, {cols} FROM want w"
                " JOIN tasks i ON i.note_id = w.note_id AND i.line = w.line JOIN notes n ON n.id = i.note_id"
                " WHERE i.task IS NOT NULL"
            )
            for row in self.conn.execute(sql, [x for pair in chunk for x in pair]):
                yield TaskItem(row[0], row[1], obj_of(_ITEM, row[4:]), row[2], row[3])

    def task_lines(self, note_ids: Iterable[int] | None = None) -> list[tuple[str, int, str, str, int | None]]:
        """(note, line, status, text, line of the task above) of every task, in note order: what a
        timeline shows of the tasks its entries work on, without building items."""
        where, args = _where(note_ids, "i.note_id")
        where.append("i.task IS NOT NULL")
        sql = (
            "SELECT n.path, i.line, i.task, i.text, i.task_parent FROM tasks i JOIN notes n ON n.id = i.note_id"
            f" WHERE {' AND '.join(where)} ORDER BY n.path, i.seq"
        )
        return self.conn.execute(sql, args).fetchall()

    def timeline_entries(
        self, note_ids: Iterable[int] | None = None, *, since: str | None = None
    ) -> list[tuple[str, str, int, str, str | None, bool, str, bool, list[str], int | None]]:
        """(note, id, line, timestamp, weekday, weekday_ok, text, struck, highlights, thread line)
        of every entry (of `note_ids`; stamped on day `since` or later), in note and file order."""
        rows = self._entries("e.text, e.struck, e.highlights, e.thread_line", note_ids, since)
        return [
            (r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6], bool(r[7]), json.loads(r[8]) if r[8] != "[]" else [], r[9])
            for r in rows
        ]

    def entry_stamps(self, note_ids: Iterable[int] | None = None) -> list[tuple[str, str, int, str, str | None, bool, int | None]]:
        """(note, id, line, timestamp, weekday, weekday_ok, thread line) of every entry (of
        `note_ids`), in note and file order: what `check` reads of entries."""
        return [(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in self._entries("e.thread_line", note_ids, None)]

    def _entries(self, more: str, note_ids: Iterable[int] | None, since: str | None) -> sqlite3.Cursor:
        """Every entry's (note, id, line, timestamp, weekday, weekday_ok, then the `more` columns),
        in note and file order."""
        where, args = _where(note_ids, "e.note_id")
        if since is not None:
            where.append("substr(e.timestamp, 1, 10) >= ?")
            args.append(since)
        sql = (
            f"SELECT n.path, {_ENTRY_ID}, e.line, e.timestamp, e.weekday, e.weekday_ok, {more}"
            " FROM entries e JOIN notes n ON n.id = e.note_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.conn.execute(sql + " ORDER BY n.path, e.seq", args)

    def task_occurrences(self, note_ids: Iterable[int] | None = None) -> Iterator[tuple[Any, ...]]:
        """(note, line, status, text, section, task above, block id, 🆔, ✅, status type, struck)
        of every task row, in note order: what `tasks.Occurrence` holds, without building items."""
        where, args = _where(note_ids, "i.note_id")
        where.append("i.task IS NOT NULL")
        sql = (
            "SELECT n.path, i.line, i.task, i.text, i.section, i.task_parent,"
            " (SELECT b.block FROM blocks b WHERE b.note_id = i.note_id AND b.line = i.line ORDER BY b.seq DESC LIMIT 1),"
            " i.task_id, i.done_date, i.status_type, i.struck"
            f" FROM tasks i JOIN notes n ON n.id = i.note_id WHERE {' AND '.join(where)} ORDER BY n.path, i.seq"
        )
        for row in self.conn.execute(sql, args):
            yield (row[0], row[1], row[2], row[3], tuple(json.loads(row[4])), *row[5:10], bool(row[10]))

    def links(
        self, *, note_ids: Iterable[int] | None = None, resolved: str | None = None, unresolved: bool = False
    ) -> Iterator[tuple[str, Link, Resolution | None]]:
        cols = ", ".join(f"l.{c}" for c in select_columns(_LINK).split(", "))
        where, args = _where(note_ids, "l.note_id")
        if resolved is not None:
            where.append("l.resolved = ?")
            args.append(resolved)
        if unresolved:
            where.append("l.checked = 1 AND (l.ok = 0 OR l.ok IS NULL)")
        sql = f"SELECT n.path, {_RESOLUTION}, {cols} FROM links l JOIN notes n ON n.id = l.note_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY n.path, l.seq"
        for row in self.conn.execute(sql, args):
            rel, res = row[0], row[1:7]
            link = obj_of(_LINK, row[7:])
            yield rel, link, None if res[3] is None else Resolution(res[0], res[1], res[2], bool(res[3]), res[4], res[5])

    def link_rows(
        self, *, note_ids: Iterable[int] | None = None, resolved: str | None = None, unresolved: bool = False
    ) -> list[tuple[Any, ...]]:
        """(note, line, col, original, target, heading, block, embed, kind, checked, ok, resolved,
        heading_line, block_line, reason) of each link, in note and link order: what a listing of
        links prints, without building a Link per row (a whole vault holds 100,000s). `ok` is
        None for a link that no process has resolved yet."""
        where, args = _where(note_ids, "l.note_id")
        if resolved is not None:
            where.append("l.resolved = ?")
            args.append(resolved)
        if unresolved:
            where.append("l.checked = 1 AND (l.ok = 0 OR l.ok IS NULL)")
        sql = (
            "SELECT n.path, l.line, l.col, l.original, l.target, l.heading, l.block, l.embed, l.kind, l.checked,"
            " l.ok, l.resolved, l.heading_line, l.block_line, l.reason FROM links l JOIN notes n ON n.id = l.note_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY n.path, l.seq"
        return self.conn.execute(sql, args).fetchall()

    def link_counts(self) -> tuple[int, int]:
        """(checked links, unresolved ones), the template's left in: `index` counts every note."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(sum(ok = 0 OR ok IS NULL), 0) FROM links WHERE checked = 1"
        ).fetchone()
        return int(row[0]), int(row[1])

    def warnings(self, note_ids: Iterable[int] | None = None) -> list[tuple[str, Any]]:
        part = PART["warnings"]
        cols = ", ".join(f"w.{c}" for c in select_columns(part).split(", "))
        where, args = _where(note_ids, "w.note_id")
        sql = f"SELECT n.path, {cols} FROM warnings w JOIN notes n ON n.id = w.note_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY n.path, w.seq"
        return [(row[0], obj_of(part, row[1:])) for row in self.conn.execute(sql, args)]

    def metrics(self) -> list[tuple[str, str, dict[str, Any]]]:
        rows = self.conn.execute("SELECT day, path, metrics FROM notes WHERE day IS NOT NULL AND metrics != '{}' ORDER BY day, path")
        return [(day, path, json.loads(m)) for day, path, m in rows]

    def headings(self) -> Iterator[tuple[str, int, int, str]]:
        yield from self.conn.execute(
            "SELECT n.path, h.line, h.level, h.text FROM headings h JOIN notes n ON n.id = h.note_id ORDER BY n.path, h.seq"
        )

    def note_ids_with_field(self, key: str) -> list[int]:
        return [i for (i,) in self.conn.execute("SELECT DISTINCT note_id FROM fields WHERE lower(trim(key)) = ?", (key.lower(),))]


def _where(note_ids: Iterable[int] | None, column: str) -> tuple[list[str], list[Any]]:
    if note_ids is None:
        return [], []
    ids = sorted(set(note_ids))
    return [f"{column} IN ({','.join(str(int(i)) for i in ids) or 'NULL'})"], []
