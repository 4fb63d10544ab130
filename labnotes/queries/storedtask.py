"""A task of the stored book as a listing reads it (`StoredBook.tasks`, `.summaries`): its summary
row at once, its lines from the store only when first asked for."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from labnotes.tasks import Occurrence, Task

if TYPE_CHECKING:
    from labnotes.queries.taskbook import StoredBook

_LINES = Task.__dict__["occurrences"]  # the slot Task keeps its lines in


class StoredTask(Task):
    """A task read from the stored book for a listing: its age, carries and first and latest lines
    from the summary row; its other lines read from the store when first asked for. Equal to the
    same task linked afresh (`Task`)."""

    __slots__ = ("book", "n", "first_seq", "latest_seq", "_ends", "_first_seen", "_last_seen", "_done_on", "_carried", "_line_count")
    book: "StoredBook"
    n: int
    first_seq: int
    latest_seq: int
    _ends: tuple[Occurrence, Occurrence]
    _first_seen: dt.date | None
    _last_seen: dt.date | None
    _done_on: dt.date | None
    _carried: int
    _line_count: int

    def __init__(self, book: "StoredBook", row: tuple[Any, ...], parent: str | None) -> None:
        n, task_id, kind, _, first_seen, last_seen, done_on, carried, lines, first_seq, latest_seq = row
        self.id, self.kind, self.parent, self.subtasks = task_id, kind, parent, []
        self.book, self.n, self.first_seq, self.latest_seq = book, n, first_seq, latest_seq
        self._first_seen = dt.date.fromisoformat(first_seen) if first_seen else None
        self._last_seen = dt.date.fromisoformat(last_seen) if last_seen else None
        self._done_on = dt.date.fromisoformat(done_on) if done_on else None
        self._carried, self._line_count = carried, lines

    @property
    def occurrences(self) -> list[Occurrence]:
        try:
            return _LINES.__get__(self, Task)
        except AttributeError:
            self.book.fill([self])
            return _LINES.__get__(self, Task)

    @occurrences.setter
    def occurrences(self, value: list[Occurrence]) -> None:
        _LINES.__set__(self, value)

    @property
    def filled(self) -> bool:
        try:
            _LINES.__get__(self, Task)
        except AttributeError:
            return False
        return True

    @property
    def latest(self) -> Occurrence:
        return self._ends[1]

    @property
    def first(self) -> Occurrence:
        return self._ends[0]

    @property
    def line_count(self) -> int:
        return self._line_count

    @property
    def first_seen(self) -> dt.date | None:
        return self._first_seen

    @property
    def last_seen(self) -> dt.date | None:
        return self._last_seen

    @property
    def done_on(self) -> dt.date | None:
        return self._done_on

    @property
    def carried(self) -> int:
        return self._carried

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Task):
            return NotImplemented
        return (self.id, self.kind, self.occurrences, self.parent, self.subtasks) == (
            other.id, other.kind, other.occurrences, other.parent, other.subtasks
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]
