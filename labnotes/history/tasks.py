"""What the git history says about tasks: when each of a task's lines changed status, and when the
task was opened and done (the commits' author dates)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from labnotes.history.repo import VaultHistory
from labnotes.history.statuses import StatusEvent, occurrence_events, task_dates
from labnotes.tasks import Occurrence, Task, TaskBook
from labnotes.tasks.text import task_key


@dataclass(slots=True)
class TaskHistory:
    task: Task
    lines: list[tuple[Occurrence, list[StatusEvent]]]  # each occurrence with the commits that changed it
    opened: StatusEvent | None  # the commit that first held its first line
    done: StatusEvent | None  # the commit in which its done line was first done


class _Ranks:
    """Which of a note's lines with the same words and section an occurrence is (usually the first)."""

    def __init__(self, book: TaskBook) -> None:
        self._book = book
        self._by_note: dict[str, dict[tuple[str, tuple[str, ...]], list[int]]] | None = None

    def rank(self, o: Occurrence) -> int:
        if self._by_note is None:
            by_note: dict[str, dict[tuple[str, tuple[str, ...]], list[int]]] = defaultdict(lambda: defaultdict(list))
            for t in self._book.tasks:
                for x in t.occurrences:
                    by_note[x.note][(task_key(x.text), x.section)].append(x.line)
            self._by_note = by_note
        lines = sorted(self._by_note.get(o.note, {}).get((task_key(o.text), o.section), [o.line]))
        return lines.index(o.line) if o.line in lines else 0


def _done_occurrence(task: Task) -> Occurrence | None:
    if not task.done:
        return None
    first = task.latest
    for o in reversed(task.occurrences):
        if not o.done:
            break
        first = o
    return first


def task_histories(history: VaultHistory, tasks: Iterable[Task], book: TaskBook) -> list[TaskHistory]:
    """Each task's history, reading every note involved in one pass."""
    tasks = list(tasks)
    notes = history.notes(o.note for t in tasks for o in t.occurrences)
    ranks = _Ranks(book)
    out = []
    for t in tasks:
        lines = [
            (o, occurrence_events(notes[o.note], task_key(o.text), o.section, ranks.rank(o))) for o in t.occurrences
        ]
        done_occ = _done_occurrence(t)
        done_events = next((ev for o, ev in lines if o is done_occ), None)
        opened, done = task_dates(lines[0][1], done_events, done_occ.status if done_occ else None)
        out.append(TaskHistory(t, lines, opened, done))
    return out


__all__ = ["TaskHistory", "task_histories"]
