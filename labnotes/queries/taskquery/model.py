"""What a task query acts on: one task line with its fields, note, heading and status type."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Iterable

from labnotes.parse.model import ListItem, TaskFields

# The plugin's priority numbers: what "above" and "below" compare, highest first.
PRIORITY_NUMBER = {"highest": 0, "high": 1, "medium": 2, None: 3, "low": 4, "lowest": 5}
PRIORITY_NAMES = {"highest": "highest", "high": "high", "medium": "medium", "none": None, "normal": None,
                  "low": "low", "lowest": "lowest"}
DONE_TYPES = frozenset({"DONE", "CANCELLED", "NON_TASK"})
DATE_FIELDS = ("due", "scheduled", "start", "done", "created", "cancelled")


@dataclass(slots=True)
class QueryTask:
    note: str  # vault path, "Diary/2024/2024-12-01.md"
    line: int
    status: str  # the checkbox character
    text: str  # the item's text as written
    section: list[str]  # heading path; the task's heading is the last one
    fields: TaskFields
    day: str | None = None  # the note's day
    parent_line: int | None = None  # the list item it sits under, if any
    blocked: bool = False  # depends on a task that is not done (filled in by `link_dependencies`)
    blocking: bool = False  # a task that is not done depends on it

    @property
    def done(self) -> bool:
        """Done in the plugin's sense: done, cancelled or non-task."""
        return self.fields.status_type in DONE_TYPES

    @property
    def heading(self) -> str | None:
        return self.section[-1] if self.section else None

    @property
    def filename(self) -> str:
        return self.note.rsplit("/", 1)[-1]

    @property
    def folder(self) -> str:
        return self.note.rsplit("/", 1)[0] + "/" if "/" in self.note else "/"

    @property
    def root(self) -> str:
        return self.note.split("/", 1)[0] + "/" if "/" in self.note else "/"

    @property
    def priority_number(self) -> int:
        return PRIORITY_NUMBER.get(self.fields.priority, 3)

    def date(self, name: str) -> tuple[bool, dt.date | None]:
        """(written, day) for a date field; an impossible date is written but has no day."""
        value = getattr(self.fields, name)
        if not value:
            return False, None
        try:
            return True, dt.date.fromisoformat(value)
        except ValueError:
            return True, None

    def happens(self) -> list[tuple[bool, dt.date | None]]:
        return [d for d in (self.date("start"), self.date("scheduled"), self.date("due")) if d[0]]

    def happens_day(self) -> tuple[bool, dt.date | None]:
        """The earliest of start, scheduled and due."""
        days = [d for _, d in self.happens() if d is not None]
        return (True, min(days)) if days else (False, None)

    def urgency(self, today: dt.date) -> float:
        """The plugin's urgency score (its Urgency page): due, scheduled, start and priority."""
        score = 0.0
        _, due = self.date("due")
        if due is not None:
            overdue = (today - due).days
            if overdue >= 7:
                mult = 1.0
            elif overdue >= -14:
                mult = (overdue + 14) * 0.8 / 21 + 0.2
            else:
                mult = 0.2
            score += mult * 12.0
        _, scheduled = self.date("scheduled")
        if scheduled is not None and today >= scheduled:
            score += 5.0
        _, start = self.date("start")
        if start is not None and today < start:
            score -= 3.0
        score += {"highest": 9.0, "high": 6.0, "medium": 3.9, None: 1.95, "low": 0.0, "lowest": -1.8}.get(
            self.fields.priority, 0.0
        )
        return score

    def to_json(self) -> dict:
        return {
            "note": self.note, "line": self.line, "status": self.status, "text": self.text,
            "section": list(self.section), "day": self.day, "blocked": self.blocked, "fields": asdict(self.fields),
        }  # fmt: skip


def query_task(note: str, item: ListItem, day: str | None = None) -> QueryTask | None:
    """The query view of one task item; None for a plain item or one the global filter leaves out."""
    if item.task is None or item.fields is None:
        return None
    return QueryTask(note, item.line, item.task, item.text, list(item.section), item.fields, day, item.parent_line)


def link_dependencies(tasks: Iterable[QueryTask]) -> list[QueryTask]:
    """Fill in `blocked` and `blocking` from 🆔 ids and ⛔ dependencies, over all of `tasks`
    (only direct dependencies count, and a done task is never blocked nor blocking)."""
    tasks = list(tasks)
    open_ids = {t.fields.id for t in tasks if t.fields.id and not t.done}
    wanted = {dep for t in tasks if not t.done for dep in t.fields.depends_on}
    for t in tasks:
        t.blocked = not t.done and any(dep in open_ids for dep in t.fields.depends_on)
        t.blocking = not t.done and bool(t.fields.id) and t.fields.id in wanted
    return tasks


__all__ = ["DATE_FIELDS", "PRIORITY_NAMES", "PRIORITY_NUMBER", "QueryTask", "link_dependencies", "query_task"]

