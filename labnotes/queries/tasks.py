"""Tasks in the notes: each task once across the notes it was carried through (`list_tasks`,
`task_book`, `find_task`, `task_life`, `routines`), or one row per line (`tasks`, the
`--occurrences` view)."""

from __future__ import annotations

import datetime as dt
import weakref
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Union

from labnotes.parse.model import Entry
from labnotes.queries.filters import QueryError, matcher, parse_day, select_notes, status_char
from labnotes.tasks import Occurrence, Routine, Task, TaskBook, link_tasks
from labnotes.queries.taskbook import StoredBook, StoredTask, task_counts_of
from labnotes.tasks.identity import routine_keys
from labnotes.tasks.text import without_carry_link
from labnotes.vault import VaultIndex

@dataclass(slots=True)
class TaskRow:
    note: str
    day: str | None
    line: int
    status: str  # the character between the brackets
    text: str
    section: list[str]
    depth: int  # tasks above it in the tree (0: a top task)
    parent_line: int | None  # the line of the task above it



def tasks(
    idx: VaultIndex,
    *,
    status: str | None = None,
    section: str | None = None,
    note: str | None = None,
    since: str | None = None,
    until: str | None = None,
    grep: str | None = None,
    placeholders: bool = False,
) -> list[TaskRow]:
    """Tasks matching every filter given; empty template tasks only when `placeholders`."""
    want = status_char(status)
    match = matcher(grep)
    section_key = section.casefold() if section else None
    rels = select_notes(idx, note=note, since=parse_day(since, "--since"), until=parse_day(until, "--until"))
    rows: list[TaskRow] = []
    for t in idx.task_rows([r for r in rels if idx.facts[r].tasks], status=want, placeholders=placeholders):
        item = t.item
        if section_key and not any(section_key in s.casefold() for s in item.section):
            continue
        if not match(item.text):
            continue
        rows.append(TaskRow(t.note, t.day, item.line, item.task or "", item.text, list(item.section), t.task_depth, t.task_parent))
    return rows


# -- each task once ------------------------------------------------------------------------------
#
# The rows above are lines. Below, a task is one thing across the notes it was carried through
# (labnotes.tasks.identity): listings show it once, with its age and where it lives now.

_STORES: "weakref.WeakKeyDictionary[VaultIndex, tuple[tuple[str, ...], StoredBook]]" = weakref.WeakKeyDictionary()


def template_tasks(idx: VaultIndex) -> list[str]:
    """The task texts of the vault's daily template (empty when it has none)."""
    rel = idx.template
    if rel is None or rel not in idx.notes:
        return []
    return [i.text for i in idx.notes[rel].list_items if i.task is not None]


def link_filter(idx: VaultIndex) -> Callable[[Occurrence], bool] | None:
    """Which task lines are tasks: with an Obsidian Tasks global filter (`#task`), only the lines
    that hold it, as the plugin reads them (a checkbox without it is a plain list item there);
    None (every line) otherwise."""
    if not idx.config.tasks.global_filter:
        return None
    # The parser gives such a line no Tasks fields, so the store gives it no status type.
    return lambda o: o.status_type is not None


def _tasks_of(idx: VaultIndex) -> list[Occurrence]:
    occurrences = idx.task_occurrences()
    keep = link_filter(idx)
    return occurrences if keep is None else [o for o in occurrences if keep(o)]


def task_store(idx: VaultIndex, *, past_routines: Iterable[str] | None = None) -> StoredBook:
    """The vault's task book as the index store keeps it (queries.taskbook): linked when the notes
    changed since it was stored, else read back, each question only its rows. `past_routines`: the
    task keys of the daily template's older versions (`labnotes.history.past_template_keys`),
    routines too; None keeps what the index's book was opened with (none at first)."""
    cached = _STORES.get(idx)
    past = tuple(past_routines) if past_routines is not None else (cached[0] if cached else ())
    if cached is not None and cached[0] == past:
        return cached[1]
    stored = StoredBook(weakref.proxy(idx), routine_keys(template_tasks(idx), past))
    _STORES[idx] = (past, stored)
    return stored


def task_book(idx: VaultIndex, *, past_routines: Iterable[str] | None = None) -> TaskBook:
    """Every task and routine of the vault, whole (every task with every line), read once per index
    from the store's task book (`task_store`)."""
    return task_store(idx, past_routines=past_routines).book()


def linked_book(idx: VaultIndex, *, past_routines: Iterable[str] = ()) -> TaskBook:
    """The task book linked afresh from the task lines, not read from the store: what the stored
    book must equal."""
    return link_tasks(_tasks_of(idx), routines=routine_keys(template_tasks(idx), past_routines))


Book = Union[TaskBook, StoredBook]


def _stored(idx: VaultIndex, book: Book | None) -> Book:
    if book is None:
        book = task_store(idx)
    if isinstance(book, StoredBook) and book.linked is not None:
        return book.linked
    return book


def list_tasks(
    idx: VaultIndex,
    *,
    status: str | None = None,
    section: str | None = None,
    note: str | None = None,
    since: str | None = None,
    until: str | None = None,
    done_since: str | None = None,
    grep: str | None = None,
    placeholders: bool = False,
    book: Book | None = None,
    today: dt.date | None = None,
) -> list[Task]:
    """Each task once, oldest first (by the day done, for `done_since`). By default the tasks not done (any status but done and
    cancelled); `status` picks a current status instead (`any` for all); `done_since` the tasks
    done on or after that day. `since` / `until` keep tasks seen in that span; `note` those with a
    line in that note; `section` and `grep` look at where and how the task stands now."""
    book = _stored(idx, book)
    want = status_char(status)
    since_day = parse_day(since, "--since", today=today)
    until_day = parse_day(until, "--until", today=today)
    done_day = parse_day(done_since, "--done-since", today=today)
    match = matcher(grep)
    section_key = section.casefold() if section else None
    in_note = None
    if note:
        in_note = idx.find_note(note)
        if in_note is None:
            raise QueryError(f"no note {note!r} in the vault")
    if isinstance(book, StoredBook):
        listed = _candidates(book, status, want, done_day, since_day, until_day, in_note, placeholders, section_key, grep, match)
    else:
        listed = book.tasks
    out = []
    for t in listed:
        if t.kind == "placeholder" and not placeholders:
            continue
        if done_day is not None:
            if t.done_on is None or t.done_on < done_day:
                continue
        elif status is None:
            if t.closed:
                continue
        elif want is not None and t.status != want and not (want == "x" and t.status == "X"):
            continue
        first, last = t.first_seen, t.last_seen
        if since_day and (last is None or last < since_day):
            continue
        if until_day and (first is None or first > until_day):
            continue
        # (a stored task was chosen by its lines' notes in SQL: its lines are not read for this)
        if in_note is not None and not isinstance(t, StoredTask) and all(o.note != in_note for o in t.occurrences):
            continue
        if section_key and not any(section_key in s.casefold() for s in t.latest.section):
            continue
        if not match(t.text):
            continue
        out.append(t)
    if done_day is not None:
        return sorted(out, key=lambda t: (t.done_on, _age_order(t)))
    return sorted(out, key=_age_order)


def _candidates(
    book: StoredBook, status: str | None, want: str | None, done_day: dt.date | None, since_day: dt.date | None,
    until_day: dt.date | None, in_note: str | None, placeholders: bool, section_key: str | None, grep: str | None,
    match: Callable[[str], bool],
) -> list[Task]:  # fmt: skip
    """The tasks `list_tasks` keeps, chosen on the stored book's summary rows (the same tests, in SQL
    where they can be) before any task's lines are read."""
    where: list[str] = []
    args: list[Any] = []
    if not placeholders:
        where.append("b.kind = 'task'")
    if done_day is not None:
        where.append("b.done_on >= ?")
        args.append(done_day.isoformat())
    elif status is None:
        where.append("NOT b.closed")
    elif want is not None:
        where.append("b.status IN ('x', 'X')" if want == "x" else "b.status = ?")
        args.extend([] if want == "x" else [want])
    if since_day is not None:
        where.append("b.last_seen >= ?")
        args.append(since_day.isoformat())
    if until_day is not None:
        where.append("b.first_seen <= ?")
        args.append(until_day.isoformat())
    if in_note is not None:
        note_id = book.idx.note_id(in_note)
        where.append("b.n IN (SELECT task FROM book_lines WHERE note_id = ? AND task IS NOT NULL)")
        args.append(note_id if note_id is not None else -1)
    words = bool(section_key) or grep is not None  # the latest line's words are read only for these
    ns = [
        n
        for n, text, section in book.candidates(where, args, words=words)
        if not words
        or ((not section_key or any(section_key in s.casefold() for s in json.loads(section))) and match(without_carry_link(text)))
    ]
    return book.summaries(ns)


def _age_order(t: Task) -> tuple[int, str, str, int]:
    first = t.first_seen
    o = t.first
    return (0 if first else 1, first.isoformat() if first else "", o.note, o.line)


def routines(idx: VaultIndex, *, book: Book | None = None) -> list[Routine]:
    """The daily template's tasks, each with its record across the daily notes."""
    book = _stored(idx, book)
    return book.routines() if isinstance(book, StoredBook) else book.routines


def find_task(idx: VaultIndex, ref: str, *, book: Book | None = None) -> Task:
    """A task by its id (`2024-12-01#a3e971`), its Tasks `🆔` or block id, or `NOTE:LINE` of any of
    its lines. QueryError, saying what was looked for, otherwise."""
    book = _stored(idx, book)
    found = book.find(ref.strip())
    if found is not None:
        return found
    name, sep, line = ref.strip().rpartition(":")
    if sep and name and line.isdigit():
        rel = idx.find_note(name)
        if rel is None:
            raise QueryError(f"no note {name!r} in the vault")
        if isinstance(book, StoredBook):
            here = book.at(rel, int(line))
            at, routine = (here, None) if isinstance(here, Task) else (None, here)
        else:
            at, routine = book.by_place.get((rel, int(line))), book.routine_at.get((rel, int(line)))
        if at is not None:
            return at
        if routine is not None:
            raise QueryError(f"{rel}:{line} is the daily routine {routine.text!r}: see `labnotes routines`")
        raise QueryError(f"no task at {rel}:{line}")
    raise QueryError(f"no task {ref!r}: give a task id (from `labnotes tasks`) or NOTE:LINE")


@dataclass(slots=True)
class TaskLife:
    """One task's life: its lines in time order, its status changes, sub-tasks and log entries."""

    task: Task
    changes: list[tuple[Occurrence, str | None]]  # (the occurrence with a new status, the status before)
    subtasks: list[Task]
    entries: list[tuple[str, Entry]]  # (note, entry) of the log entries under any of its lines, in time order


def task_life(idx: VaultIndex, task: Task, *, book: Book | None = None) -> TaskLife:
    """What `labnotes task` shows; reads only the notes the task has lines in."""
    book = _stored(idx, book)
    entries: list[tuple[str, Entry]] = []
    for rel in dict.fromkeys(o.note for o in task.occurrences):
        if rel not in idx.notes or not idx.facts[rel].entries:
            continue
        n = idx.notes[rel]
        items = {i.line: i for i in n.list_items}
        spans = [(o.line, items[o.line].end_line) for o in task.occurrences if o.note == rel and o.line in items]
        # Under the task's item at any depth: a debugging log nests under the sub-items it tries.
        entries.extend((rel, e) for e in n.entries if any(a <= e.line <= b for a, b in spans))
    entries.sort(key=lambda pair: (pair[1].timestamp, pair[0], pair[1].line))
    if isinstance(book, StoredBook):
        subtasks = book.by_ids(task.subtasks)
    else:
        subtasks = [book.by_id[s] for s in task.subtasks if s in book.by_id]
    return TaskLife(task, task.status_changes(), subtasks, entries)


def task_counts(idx: VaultIndex, *, book: Book | None = None) -> dict[str, int]:
    """What `labnotes index` counts: tasks (each once), the open ones, routines, placeholders, and
    the task lines they come from (from the stored book: no task is built)."""
    book = _stored(idx, book)
    if isinstance(book, StoredBook):
        return book.counts()
    return task_counts_of(book)
