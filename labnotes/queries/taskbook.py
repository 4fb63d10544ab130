"""The task book kept in the index store (tables `book_*`, docs/schema.md): the vault's task lines
linked into tasks once after the notes change, then read back — only the tasks a question lists.

Linking is one pass over every task line of the vault (seconds on 10,000 notes); a question about
tasks is then a SELECT of the rows it needs. The stored book is valid while `meta.task_book`
names the state it was linked from: the store's notes (every write of a note moves
`next_text_rowid`, every removal `stale_text_rows`), the vault's settings, the routines' words
(the daily template's, and its older versions' from git) and the identity code itself. When they
moved, the first question about tasks links again and writes the book (another process may do the
same at once: the write checks the state under the write lock and is skipped when it moved).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labnotes.queries.storedtask import StoredTask
from labnotes.tasks import Occurrence, Routine, Task, TaskBook, link_tasks
from labnotes.vault.build import source_stamps

if TYPE_CHECKING:
    from labnotes.vault import VaultIndex

# Bumped when what a stored book means changes without its code's files changing.
BOOK_VERSION = "1"
_HERE = Path(__file__).resolve().parent
_CODE = [_HERE / "taskbook.py", _HERE.parent / "tasks" / "identity.py", _HERE.parent / "tasks" / "text.py",
         _HERE.parent / "tasks" / "model.py"]  # fmt: skip
_new = tuple.__new__
# Past this many tasks asked for, read every line and keep theirs (an IN list that long costs more).
_SCAN_ABOVE = 20_000

_BLOCK = "(SELECT b.block FROM blocks b WHERE b.note_id = i.note_id AND b.line = i.line ORDER BY b.seq DESC LIMIT 1)"
# What an Occurrence is made of, after its note's path and day.
_OCCURRENCE = f"i.line, i.task, i.text, i.section, i.task_parent, {_BLOCK}, i.task_id, i.done_date, i.status_type, i.struck"


def _code_stamp() -> str:
    return ",".join([BOOK_VERSION, *source_stamps(_CODE)])


class _Rows:
    """Occurrences from rows: the note's day and a section's JSON read once each, not per line."""

    def __init__(self, idx: "VaultIndex") -> None:
        self.idx = idx
        self.days: dict[str, dt.date | None] = {}
        self.sections: dict[str, tuple[str, ...]] = {}

    def occurrence(self, rel: str, row: tuple[Any, ...], stored_day: str | None) -> Occurrence:
        day = self.days.get(rel, False)
        if day is False:
            # From the row read, not the index's notes as it opened: another labnotes may have
            # added a note since (VaultIndex.note_day reads the same column the same way).
            try:
                day = self.days[rel] = dt.date.fromisoformat(stored_day) if stored_day else None
            except ValueError:
                day = self.days[rel] = None
        raw = row[3]
        section = self.sections.get(raw)
        if section is None:
            section = self.sections[raw] = tuple(json.loads(raw)) if raw else ()
        # tuple.__new__: Occurrence is a named tuple, and this is its fastest constructor.
        return _new(Occurrence, (rel, day, row[0], row[1], row[2], section, row[4], row[5], row[6], row[7], row[8], bool(row[9])))


def task_counts_of(book: TaskBook) -> dict[str, int]:
    """What `labnotes index` counts: tasks (each once), the open ones, routines, placeholders, and
    the task lines they come from."""
    real = book.real()
    return {
        "tasks": len(real),
        "open_tasks": sum(1 for t in real if not t.closed),
        "routines": len(book.routines),
        "placeholders": len(book.placeholders()),
        "task_lines": sum(len(t.occurrences) for t in book.tasks) + sum(len(r.occurrences) for r in book.routines),
    }


class StoredBook:
    """The vault's task book as the store holds it; `TaskBook`'s questions, each a SELECT.

    `linked` is the whole book when this process had to link it and could not store it (a store
    that cannot be written): every question is answered from it then.
    """

    def __init__(self, idx: "VaultIndex", routines: Mapping[str, str | None]) -> None:
        self.idx = idx
        self.conn = idx.store.conn
        self.routine_texts = dict(routines)
        self.linked: TaskBook | None = None
        self.relinked = False  # linked in this process (the notes had changed since the stored book)
        self._whole: TaskBook | None = None
        self._ensure()

    # -- the state it was linked from ----------------------------------------------------------

    def _state(self) -> str:
        meta = dict(self.conn.execute("SELECT key, value FROM meta WHERE key IN ('next_text_rowid', 'stale_text_rows', 'config')"))
        notes = self.conn.execute("SELECT count(*) FROM notes").fetchone()[0]
        parts = [_code_stamp(), meta.get("next_text_rowid"), meta.get("stale_text_rows"), str(notes), meta.get("config"),
                 json.dumps(list(self.routine_texts.items()), ensure_ascii=False)]  # fmt: skip
        return hashlib.sha256("\n".join(str(p) for p in parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _stored_state(self) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'task_book'").fetchone()
        return row[0] if row else None

    def _ensure(self) -> None:
        if self._stored_state() == self._state():
            return
        self.relinked = True
        # One read transaction: the lines linked are those of the state named.
        self.conn.execute("BEGIN")
        try:
            state = self._state()
            book, places = self._link()
        finally:
            self.conn.execute("COMMIT")
        try:
            written = self._write(state, book, places)
        except sqlite3.Error:
            written = False  # a read-only or locked store
        if not written:
            self.linked = book  # this run answers from the book it linked

    def _link(self) -> tuple[TaskBook, dict[int, tuple[int, int, int]]]:
        """The book linked from the store's task rows, and each occurrence's row: id(occurrence) ->
        (note id, item seq, line)."""
        from labnotes.queries.tasks import link_filter

        idx = self.idx
        templates = idx.templates
        keep = link_filter(idx)
        rows = _Rows(idx)
        occurrences: list[Occurrence] = []
        places: dict[int, tuple[int, int, int]] = {}
        # Every block id at once (few notes have them): a look-up per line in SQL costs more.
        blocks = dict(((note_id, line), block) for note_id, line, block in self.conn.execute(
            "SELECT note_id, line, block FROM blocks ORDER BY note_id, seq"))  # fmt: skip
        sql = (
            f"SELECT i.note_id, i.seq, n.path, n.day, {_OCCURRENCE.replace(_BLOCK, 'NULL')} FROM tasks i JOIN notes n ON n.id = i.note_id"
            " WHERE i.task IS NOT NULL ORDER BY n.path, i.seq"
        )
        for row in self.conn.execute(sql):
            rel = row[2]
            if rel in templates:
                continue
            if blocks:
                block = blocks.get((row[0], row[4]))
                if block is not None:
                    row = (*row[:9], block, *row[10:])
            o = rows.occurrence(rel, row[4:], row[3])
            if keep is not None and not keep(o):
                continue
            occurrences.append(o)
            places[id(o)] = (row[0], row[1], row[4])
        return link_tasks(occurrences, routines=self.routine_texts), places

    def _write(self, state: str, book: TaskBook, places: dict[int, tuple[int, int, int]]) -> bool:
        """Store the book linked from `state`; False when the notes moved meanwhile (not stored)."""
        n_of = {t.id: n for n, t in enumerate(book.tasks)}
        tasks = []
        lines: list[tuple[int, int, int, int, int | None, int | None]] = []
        iso: dict[dt.date | None, str | None] = {None: None}
        for n, t in enumerate(book.tasks):
            occurrences = t.occurrences
            latest = occurrences[-1]
            if len(occurrences) == 1:  # most tasks (every placeholder): no walk over lines
                first = last = latest.day
                carried = 0
            else:
                days = [o.day for o in occurrences if o.day is not None]
                first, last = (days[0], days[-1]) if days else (None, None)
                carried = max(0, len(set(days)) - 1)
            done = t.done_on if latest.done else None
            for day in (first, last, done):
                if day not in iso:
                    iso[day] = day.isoformat()  # type: ignore[union-attr]
            start = len(lines)
            lines.extend([(start + k, *places[id(o)], n, None) for k, o in enumerate(occurrences)])
            tasks.append((
                n, t.id, t.kind, n_of.get(t.parent) if t.parent is not None else None, latest.status, int(latest.closed),
                iso[first], iso[last], iso[done], carried, len(occurrences), start, len(lines) - 1,
            ))  # fmt: skip
        for n, r in enumerate(book.routines):
            start = len(lines)
            lines.extend((start + k, *places[id(o)], None, n) for k, o in enumerate(r.occurrences))
        with self.idx.store.write() as conn:
            if self._state() != state:
                return False  # the notes moved while this process linked: the next question links again
            for table in ("book_tasks", "book_routines", "book_lines"):
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(f"INSERT INTO book_tasks VALUES ({', '.join('?' * 13)})", tasks)
            conn.executemany("INSERT INTO book_routines VALUES (?, ?, ?)", [(n, r.key, r.text) for n, r in enumerate(book.routines)])
            conn.executemany("INSERT INTO book_lines VALUES (?, ?, ?, ?, ?, ?)", lines)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('task_book', ?)", (state,))
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('task_counts', ?)", (json.dumps(task_counts_of(book)),))
        return True

    # -- reading it back -------------------------------------------------------------------------

    def _lines(self, column: str, ranges: Iterable[tuple[int, int]] | None = None) -> Iterator[tuple[int, Occurrence]]:
        """(task or routine n, occurrence) of every task's (routine's) lines, in time order; or of the
        lines in these (first seq, last seq) ranges alone."""
        head = f"SELECT l.{column}, n.path, n.day, {_OCCURRENCE}"
        joins = " JOIN tasks i ON i.note_id = l.note_id AND i.seq = l.item JOIN notes n ON n.id = l.note_id"
        rows = _Rows(self.idx)
        if ranges is None:
            for row in self.conn.execute(f"{head} FROM book_lines l{joins} WHERE l.{column} IS NOT NULL ORDER BY l.seq"):
                yield row[0], rows.occurrence(row[1], row[3:], row[2])
            return
        wanted = sorted(set(ranges))
        for start in range(0, len(wanted), 2000):
            chunk = wanted[start : start + 2000]
            values = ",".join(f"({int(a)}, {int(b)})" for a, b in chunk)
            sql = (
                f"WITH want(a, b) AS (VALUES {values}) {head} FROM want w JOIN book_lines l ON l.seq BETWEEN w.a AND w.b{joins}"
                " ORDER BY l.seq"
            )
            for row in self.conn.execute(sql):
                yield row[0], rows.occurrence(row[1], row[3:], row[2])

    def tasks(self, ns: Iterable[int] | None = None) -> list[Task]:
        """These tasks (every task when None), in book order, each with every line it had."""
        if self.linked is not None:
            return self.linked.tasks if ns is None else [self.linked.tasks[n] for n in sorted(set(ns))]
        spans: dict[int, tuple[int, int]] = {}

        def make(row: tuple[Any, ...], parent: str | None) -> Task:
            spans[row[0]] = (row[9], row[10])
            return Task(row[1], row[2], [], parent)

        found = self._heads(ns, make)
        for n, o in self._lines("task", None if ns is None else spans.values()):
            found[n].occurrences.append(o)
        return list(found.values())

    def summaries(self, ns: Iterable[int]) -> list[Task]:
        """These tasks as a listing shows them: what it prints from their summary rows and their
        first and latest lines; the other lines are read when asked for (`fill` reads many at once)."""
        if self.linked is not None:
            return self.tasks(ns)
        found = self._heads(ns, lambda row, parent: StoredTask(self, row, parent))
        ends = {t.first_seq for t in found.values()} | {t.latest_seq for t in found.values()}
        at: dict[int, list[Occurrence]] = {}
        for n, o in self._lines("task", [(s, s) for s in ends]):
            at.setdefault(n, []).append(o)
        for n, t in found.items():
            got = at[n]
            t._ends = (got[0], got[-1])
        return list(found.values())

    def fill(self, tasks: Iterable[Task]) -> None:
        """Read the lines of these stored tasks (one SELECT), before each is asked for them."""
        waiting = {t.n: t for t in tasks if isinstance(t, StoredTask) and not t.filled}
        if not waiting:
            return
        got: dict[int, list[Occurrence]] = {n: [] for n in waiting}
        for n, o in self._lines("task", [(t.first_seq, t.latest_seq) for t in waiting.values()]):
            got[n].append(o)
        for n, t in waiting.items():
            t.occurrences = got[n]

    def _heads(self, ns: Iterable[int] | None, make: Any) -> dict[int, Any]:
        """n -> a task made by `make(row, parent id)` from each book_tasks row asked for, with its
        sub-tasks' ids."""
        wanted = None if ns is None else sorted(set(ns))
        if wanted is not None and not wanted:
            return {}
        columns = "n, id, kind, parent, first_seen, last_seen, done_on, carried, lines, first_seq, latest_seq"
        if wanted is None or len(wanted) > _SCAN_ABOVE:
            head = list(self.conn.execute(f"SELECT {columns} FROM book_tasks ORDER BY n"))
            if wanted is not None:
                keep = set(wanted)
                ids = {r[0]: r[1] for r in head}
                head = [r for r in head if r[0] in keep]
            else:
                ids = {r[0]: r[1] for r in head}
        else:
            listed = ",".join(map(str, wanted))
            head = list(self.conn.execute(f"SELECT {columns} FROM book_tasks WHERE n IN ({listed}) ORDER BY n"))
            parents = sorted({r[3] for r in head if r[3] is not None})
            ids = {r[0]: r[1] for r in head}
            if parents:
                ids.update(self.conn.execute(f"SELECT n, id FROM book_tasks WHERE n IN ({','.join(map(str, parents))})"))
        found = {row[0]: make(row, ids.get(row[3]) if row[3] is not None else None) for row in head}
        subtask_sql = "SELECT parent, id FROM book_tasks WHERE parent IS NOT NULL"
        if wanted is not None and len(wanted) <= _SCAN_ABOVE:
            subtask_sql += f" AND parent IN ({','.join(map(str, wanted))})"
        for parent, task_id in self.conn.execute(subtask_sql + " ORDER BY n"):
            if parent in found:
                found[parent].subtasks.append(task_id)
        return found

    def candidates(self, where: list[str], args: list[Any], *, words: bool = False) -> list[tuple[int, str, str]]:
        """(n, text as the task's latest line has it, section JSON of that line) of the tasks whose
        summary row matches every SQL condition; text and section are "" unless `words`."""
        if words:
            sql = (
                "SELECT b.n, i.text, i.section FROM book_tasks b JOIN book_lines l ON l.seq = b.latest_seq"
                " JOIN tasks i ON i.note_id = l.note_id AND i.seq = l.item"
            )
        else:
            sql = "SELECT b.n, '', '' FROM book_tasks b"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return list(self.conn.execute(sql + " ORDER BY b.n", args))

    def routines(self) -> list[Routine]:
        if self.linked is not None:
            return self.linked.routines
        found = [Routine(text, key) for _, key, text in self.conn.execute("SELECT n, key, text FROM book_routines ORDER BY n")]
        for n, o in self._lines("routine"):
            found[n].occurrences.append(o)
        return found

    def book(self) -> TaskBook:
        """The whole book (every task, with its lines, and every routine): what the TUI lists."""
        if self.linked is not None:
            return self.linked
        if self._whole is None:
            self._whole = TaskBook(self.tasks(), self.routines())
        return self._whole

    def counts(self) -> dict[str, int]:
        """What `labnotes index` says of tasks (see queries.tasks.task_counts), in SQL."""
        if self.linked is not None:
            return task_counts_of(self.linked)
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'task_counts'").fetchone()
        if row is not None:
            return dict(json.loads(row[0]))
        tasks, open_tasks, placeholders = self.conn.execute(
            "SELECT coalesce(sum(kind = 'task'), 0), coalesce(sum(kind = 'task' AND NOT closed), 0),"
            " coalesce(sum(kind = 'placeholder'), 0) FROM book_tasks"
        ).fetchone()
        routines = self.conn.execute("SELECT count(*) FROM book_routines").fetchone()[0]
        lines = self.conn.execute("SELECT count(*) FROM book_lines").fetchone()[0]
        return {"tasks": tasks, "open_tasks": open_tasks, "routines": routines, "placeholders": placeholders, "task_lines": lines}

    def statuses(self) -> set[str]:
        """The status characters the tasks (not placeholders) stand at now."""
        if self.linked is not None:
            return {t.status for t in self.linked.tasks if t.kind == "task"}
        return {s for (s,) in self.conn.execute("SELECT DISTINCT status FROM book_tasks WHERE kind = 'task'")}

    def find(self, key: str) -> Task | None:
        """`TaskBook.find`: by id, else the first task with that 🆔 or block id on any line."""
        if self.linked is not None:
            return self.linked.find(key)
        row = self.conn.execute("SELECT n FROM book_tasks WHERE id = ? ORDER BY n LIMIT 1", (key,)).fetchone()
        if row is None:
            row = self.conn.execute(
                f"SELECT min(l.task) FROM book_lines l JOIN tasks i ON i.note_id = l.note_id AND i.seq = l.item"
                f" WHERE l.task IS NOT NULL AND (i.task_id = ? OR {_BLOCK} = ?)",
                (key, key.lstrip("^")),
            ).fetchone()
        if row is None or row[0] is None:
            return None
        return self.tasks([row[0]])[0]

    def at(self, rel: str, line: int) -> Task | Routine | None:
        """The task (else the routine) with a line at `rel:line`."""
        if self.linked is not None:
            return self.linked.by_place.get((rel, line)) or self.linked.routine_at.get((rel, line))
        note_id = self.idx.note_id(rel)
        if note_id is None:
            return None
        # A scan of book_lines: an index for this one look-up would cost more than it saves.
        rows = list(self.conn.execute("SELECT task, routine FROM book_lines WHERE note_id = ? AND line = ? ORDER BY seq", (note_id, line)))
        tasks = [t for t, _ in rows if t is not None]
        if tasks:
            return self.tasks([tasks[-1]])[0]
        routines = [r for _, r in rows if r is not None]
        return self.routines()[routines[-1]] if routines else None

    def by_ids(self, ids: Iterable[str]) -> list[Task]:
        """These tasks, in the order asked (unknown ids left out)."""
        ids = list(ids)
        if self.linked is not None:
            return [self.linked.by_id[i] for i in ids if i in self.linked.by_id]
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        ns = dict(self.conn.execute(f"SELECT id, n FROM book_tasks WHERE id IN ({marks})", ids))
        got = {t.id: t for t in self.tasks(ns.values())}
        return [got[i] for i in ids if i in got]


__all__ = ["StoredBook", "StoredTask", "task_counts_of"]
