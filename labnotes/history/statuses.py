"""A note's committed versions, and when a task line changed status across them (pure).

A line is found in an older version by its words (`labnotes.tasks.text.task_key`) and section,
not by its line number: lines move as a note grows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class TaskLine:
    line: int
    status: str
    key: str
    section: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Version:
    """One commit's copy of a note: its task lines."""

    sha: str
    date: str  # the author date, ISO 8601 with its offset
    author: str
    tasks: tuple[TaskLine, ...]

    def status_of(self, key: str, section: tuple[str, ...], rank: int = 0) -> str | None:
        """The status of the `rank`-th line with these words (in this section, when it has them there)."""
        same = [t for t in self.tasks if t.key == key]
        if not same:
            return None
        here = [t for t in same if t.section == section] or same
        return here[min(rank, len(here) - 1)].status

    def to_json(self) -> list[Any]:
        return [self.sha, self.date, self.author, [[t.line, t.status, t.key, list(t.section)] for t in self.tasks]]

    @classmethod
    def from_json(cls, data: list[Any]) -> "Version":
        sha, date, author, tasks = data
        return cls(sha, date, author, tuple(TaskLine(line, status, key, tuple(section)) for line, status, key, section in tasks))


@dataclass(slots=True)
class NoteHistory:
    """Every committed version of one note, oldest first (empty when it was never committed)."""

    rel: str
    versions: list[Version] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A commit in which a task line appeared (`before` None), changed status, or went (`after` None)."""

    sha: str
    date: str
    author: str
    before: str | None
    after: str | None

    def to_json(self) -> dict[str, Any]:
        return {"commit": self.sha, "date": self.date, "author": self.author, "from": self.before, "to": self.after}


def occurrence_events(history: NoteHistory, key: str, section: tuple[str, ...], rank: int = 0) -> list[StatusEvent]:
    """The commits in which the line with these words changed: appeared, changed status, went."""
    events: list[StatusEvent] = []
    before: str | None = None
    for v in history.versions:
        now = v.status_of(key, section, rank)
        if now != before:
            events.append(StatusEvent(v.sha, v.date, v.author, before, now))
            before = now
    return events


def task_dates(
    first_events: list[StatusEvent], done_events: list[StatusEvent] | None, done_status: str | None
) -> tuple[StatusEvent | None, StatusEvent | None]:
    """(opened, done): the commit that first held the task's first line, and the one in which its
    done line first had its done status (None where the history does not show it)."""
    opened = next((e for e in first_events if e.before is None and e.after is not None), None)
    done = None
    if done_events is not None and done_status is not None:
        done = next((e for e in done_events if e.after == done_status), None)
    return opened, done


__all__ = ["NoteHistory", "StatusEvent", "TaskLine", "Version", "occurrence_events", "task_dates"]
