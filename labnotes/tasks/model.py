"""A task across notes: its occurrences (one line each) and what they add up to.

`Occurrence` is one task line as the vault index gives it (`VaultIndex.task_occurrences()`);
`link_tasks()` (identity.py) turns them into `Task`s and `Routine`s, gathered in a `TaskBook`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

# Status types as the Obsidian Tasks plugin names them; a plain checkbox maps to one by its character.
DONE, CANCELLED, IN_PROGRESS, TODO, NON_TASK = "DONE", "CANCELLED", "IN_PROGRESS", "TODO", "NON_TASK"
_TYPE_OF_CHAR = {"x": DONE, "X": DONE, "-": CANCELLED, "/": IN_PROGRESS, " ": TODO}


class Occurrence(NamedTuple):
    """One task line: where it is and what it says there.

    A named tuple, not a dataclass: a vault has hundreds of thousands of task lines, and linking
    them builds one each (a tuple is made several times faster than a frozen dataclass).
    """

    note: str  # vault-relative path
    day: dt.date | None  # the note's day; None for a note without one (only an explicit id links it)
    line: int  # 1-based
    status: str  # the character between the brackets
    text: str  # as the parser read it (carry-over link and fields included)
    section: tuple[str, ...] = ()
    parent_line: int | None = None  # the task above it in its note (None at the top)
    block_id: str | None = None  # `^abc` at the end of the line, without the caret
    task_id: str | None = None  # Obsidian Tasks `🆔 abc123`
    done_date: str | None = None  # `✅ YYYY-MM-DD` (or Dataview `[completion:: …]`) as written
    status_type: str | None = None  # from the vault's Tasks statuses when known, else by the character
    struck: bool = False

    @property
    def kind_of_status(self) -> str:
        return self.status_type or _TYPE_OF_CHAR.get(self.status, TODO)

    @property
    def done(self) -> bool:
        return self.kind_of_status == DONE

    @property
    def closed(self) -> bool:
        """Done or cancelled: nothing left to do on this line."""
        return self.kind_of_status in (DONE, CANCELLED)

    @property
    def place(self) -> str:
        return f"{self.note}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {
            "note": self.note,
            "day": self.day.isoformat() if self.day else None,
            "line": self.line,
            "status": self.status,
            "text": self.text,
        }


@dataclass(slots=True)
class Task:
    """One thing to do, followed through every note it was carried through."""

    id: str  # stable: `<first note's stem>#<6 hex>`, from its words (or explicit id), not its line
    kind: str  # "task" | "placeholder"
    occurrences: list[Occurrence] = field(default_factory=list)  # in time order (day, note, line)
    parent: str | None = None  # the task above its latest occurrence
    subtasks: list[str] = field(default_factory=list)  # ids of tasks whose latest occurrence is under it

    @property
    def latest(self) -> Occurrence:
        return self.occurrences[-1]

    @property
    def first(self) -> Occurrence:
        """Its first line (in time order): where it was written down."""
        return self.occurrences[0]

    @property
    def line_count(self) -> int:
        return len(self.occurrences)

    @property
    def text(self) -> str:
        from labnotes.tasks.text import without_carry_link

        return without_carry_link(self.latest.text)

    @property
    def status(self) -> str:
        return self.latest.status

    @property
    def done(self) -> bool:
        return self.latest.done

    @property
    def closed(self) -> bool:
        return self.latest.closed

    @property
    def first_seen(self) -> dt.date | None:
        return next((o.day for o in self.occurrences if o.day is not None), None)

    @property
    def last_seen(self) -> dt.date | None:
        return next((o.day for o in reversed(self.occurrences) if o.day is not None), None)

    @property
    def done_on(self) -> dt.date | None:
        """The day it was done: its `✅` date, else the first day of its final run of done lines."""
        if not self.done:
            return None
        run: list[Occurrence] = []
        for o in reversed(self.occurrences):
            if not o.done:
                break
            run.append(o)
        for o in reversed(run):
            if o.done_date:
                try:
                    return dt.date.fromisoformat(o.done_date)
                except ValueError:
                    pass
        return next((o.day for o in reversed(run) if o.day is not None), None)

    @property
    def carried(self) -> int:
        """Times it was carried (or copied) into a later day's note: its days after the first."""
        return max(0, len({o.day for o in self.occurrences if o.day is not None}) - 1)

    def days_open(self, today: dt.date) -> int | None:
        """Days from first seen to done (to its last day when cancelled, else to `today`)."""
        first = self.first_seen
        if first is None:
            return None
        if self.done:
            end = self.done_on or self.last_seen or today
        elif self.closed:
            end = self.last_seen or today
        else:
            end = today
        return max(0, (end - first).days)

    def status_changes(self) -> list[tuple[Occurrence, str | None]]:
        """The occurrences where its status differs from the one before, with the status before."""
        out: list[tuple[Occurrence, str | None]] = []
        before: str | None = None
        for o in self.occurrences:
            if o.status != before:
                out.append((o, before))
                before = o.status
        return out

    def to_json(self, today: dt.date) -> dict[str, Any]:
        first, last, done = self.first_seen, self.last_seen, self.done_on
        return {
            "id": self.id,
            "kind": self.kind,
            "text": self.text,
            "status": self.status,
            "section": list(self.latest.section),
            "note": self.latest.note,
            "line": self.latest.line,
            "first_seen": first.isoformat() if first else None,
            "last_seen": last.isoformat() if last else None,
            "done": done.isoformat() if done else None,
            "days_open": self.days_open(today),
            "carried": self.carried,
            "parent": self.parent,
            "subtasks": list(self.subtasks),
            "occurrences": [o.to_json() for o in self.occurrences],
        }


@dataclass(slots=True)
class Routine:
    """A task the daily template writes every day: one record, not one open task per day."""

    text: str  # as the template has it
    key: str
    occurrences: list[Occurrence] = field(default_factory=list)  # in time order

    def days(self) -> list[tuple[dt.date, bool]]:
        """Each day it appears on, and whether it was done that day (done in any of that day's notes)."""
        by_day: dict[dt.date, bool] = {}
        for o in self.occurrences:
            if o.day is not None:
                by_day[o.day] = by_day.get(o.day, False) or o.done
        return sorted(by_day.items())

    @property
    def done_days(self) -> int:
        return sum(1 for _, done in self.days() if done)

    @property
    def streak(self) -> int:
        """The days in a row, back from its latest day, on which it was done (0 when the latest was not)."""
        n = 0
        for _, done in reversed(self.days()):
            if not done:
                break
            n += 1
        return n

    def to_json(self) -> dict[str, Any]:
        days = self.days()
        last_done = next((d for d, done in reversed(days) if done), None)
        return {
            "text": self.text,
            "days": len(days),
            "done": self.done_days,
            "streak": self.streak,
            "first_seen": days[0][0].isoformat() if days else None,
            "last_seen": days[-1][0].isoformat() if days else None,
            "last_done": last_done.isoformat() if last_done else None,
            "record": [{"day": d.isoformat(), "done": done} for d, done in days],
        }


@dataclass
class TaskBook:
    """Every task and routine of a vault, with lookups by id and by place (built when first asked)."""

    tasks: list[Task]
    routines: list[Routine]

    @cached_property
    def by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.tasks}

    @cached_property
    def by_place(self) -> dict[tuple[str, int], Task]:
        return {(o.note, o.line): t for t in self.tasks for o in t.occurrences}

    @cached_property
    def routine_at(self) -> dict[tuple[str, int], Routine]:
        return {(o.note, o.line): r for r in self.routines for o in r.occurrences}

    def real(self) -> list[Task]:
        """The tasks someone has to do: not placeholders."""
        return [t for t in self.tasks if t.kind == "task"]

    def placeholders(self) -> list[Task]:
        return [t for t in self.tasks if t.kind == "placeholder"]

    def find(self, key: str) -> Task | None:
        """A task by its id, or by its Tasks `🆔` / block id (`^abc`) on any occurrence."""
        found = self.by_id.get(key)
        if found is not None:
            return found
        bare = key.lstrip("^")
        for t in self.tasks:
            if any(o.task_id == key or o.block_id == bare for o in t.occurrences):
                return t
        return None
