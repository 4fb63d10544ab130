"""The debugging timeline: log entries grouped by the task they work on, in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterator

from labnotes.queries.filters import matcher, parse_day, select_notes
from labnotes.vault import VaultIndex

@dataclass(slots=True)
class TimelineEntry:
    id: str
    note: str
    line: int
    timestamp: str
    weekday: str | None
    weekday_ok: bool
    text: str
    rejected: bool  # struck through: a hypothesis the author dropped
    findings: list[str]  # highlighted text: what the author found
    minutes_since_previous: int | None  # within the thread; None for its first entry


@dataclass(slots=True)
class Thread:
    note: str
    line: int | None  # the task's line; None for entries under no task
    title: str  # the task's text
    path: list[str]  # the texts of the tasks above it, outermost first
    status: str | None
    entries: list[TimelineEntry] = field(default_factory=list)
    depth: int = 0  # threads above it in the task tree (a sub-task's thread is nested in its task's)
    parent_line: int | None = None  # the line of that enclosing thread's task

    @property
    def minutes(self) -> int:
        """First entry to last: how long the thread ran."""
        if len(self.entries) < 2:
            return 0
        return _minutes(self.entries[0].timestamp, self.entries[-1].timestamp)


def _minutes(a: str, b: str) -> int:
    return int((dt.datetime.fromisoformat(b) - dt.datetime.fromisoformat(a)).total_seconds() // 60)


@dataclass(slots=True)
class _Task:
    """What a timeline reads of a task: its line, status, text and the task above it."""

    line: int
    status: str
    text: str
    parent: int | None


def timeline(
    idx: VaultIndex,
    *,
    thread: str | None = None,
    grep: str | None = None,
    since: str | None = None,
    note: str | None = None,
) -> list[Thread]:
    """Entries grouped by the task they work on; threads ordered by their first entry."""
    since_day = parse_day(since, "--since")
    match = matcher(grep)
    thread_match = matcher(thread) if thread else None
    threads: dict[tuple[str, int | None], Thread] = {}
    # Plain rows, the --since filter in SQL: a whole vault holds 100,000s of entries and tasks.
    # The whole vault is read without a list of notes (SQLite then reads in path order, no sort).
    rels = None if note is None else [rel for rel in select_notes(idx, note=note) if idx.facts[rel].entries]
    entries = idx.timeline_entries(rels, since=since_day.isoformat() if since_day else None)
    templates = idx.templates
    if grep or (rels is None and templates):
        entries = [e for e in entries if match(e[6]) and e[0] not in templates]
    with_entries = list(dict.fromkeys(e[0] for e in entries))
    tasks_of: dict[str, dict[int, _Task]] = {}
    whole = rels is None and len(with_entries) * 2 > len(idx.notes)
    for rel, line, status, text, parent in idx.task_lines(None if whole else with_entries):
        tasks_of.setdefault(rel, {})[line] = _Task(line, status, text, parent)
    for rel, eid, line, timestamp, weekday, weekday_ok, text, struck, highlights, thread_line in entries:
        key = (rel, thread_line)
        t = threads.get(key)
        if t is None:
            t = threads[key] = _thread(rel, tasks_of.setdefault(rel, {}), thread_line)
        t.entries.append(TimelineEntry(eid, rel, line, timestamp, weekday, weekday_ok, text, struck, highlights, None))
    kept = {k: t for k, t in threads.items() if thread_match is None or any(map(thread_match, [t.title, *t.path]))}
    for t in kept.values():
        t.entries.sort(key=lambda x: (x.timestamp, x.line))
        for prev, cur in zip(t.entries, t.entries[1:]):
            cur.minutes_since_previous = _minutes(prev.timestamp, cur.timestamp)
    return _as_tree(tasks_of, kept)


def _tasks_above(tasks: dict[int, _Task], line: int | None) -> Iterator[_Task]:
    """The tasks enclosing the task at `line`, innermost first (a malformed tree cannot loop)."""
    seen: set[int] = set()
    item = tasks.get(line) if line is not None else None
    up = tasks.get(item.parent) if item is not None and item.parent is not None else None
    while up is not None and up.line not in seen:
        seen.add(up.line)
        yield up
        up = tasks.get(up.parent) if up.parent is not None else None


def _as_tree(tasks_of: dict[str, dict[int, _Task]], threads: dict[tuple[str, int | None], Thread]) -> list[Thread]:
    """Threads depth-first: each followed by the threads of the tasks under it, by first entry."""
    children: dict[tuple[str, int | None] | None, list[Thread]] = {}
    for (rel, line), t in threads.items():
        parent_key = None
        if line is not None:
            for up in _tasks_above(tasks_of[rel], line):
                if (rel, up.line) in threads:
                    parent_key = (rel, up.line)
                    t.parent_line = up.line
                    break
        children.setdefault(parent_key, []).append(t)
    out: list[Thread] = []

    def walk(key: tuple[str, int | None] | None, depth: int) -> None:
        for t in sorted(children.get(key, []), key=lambda t: (t.entries[0].timestamp, t.note, t.line or 0)):
            t.depth = depth
            out.append(t)
            if t.line is not None:
                walk((t.note, t.line), depth + 1)

    walk(None, 0)
    return out


def _thread(rel: str, tasks: dict[int, _Task], line: int | None) -> Thread:
    task = tasks.get(line) if line is not None else None
    if task is None:
        return Thread(rel, None, "(no task)", [], None)
    path = [up.text for up in _tasks_above(tasks, line)][::-1]
    return Thread(rel, task.line, task.text, path, task.status)
