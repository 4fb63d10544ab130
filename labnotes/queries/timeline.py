"""The debugging timeline: log entries grouped by the task they work on, in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from labnotes.parse.model import Entry, ListItem, Note, task_above
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
    items_of: dict[str, dict[int, ListItem]] = {}
    for rel in select_notes(idx, note=note):
        if not idx.facts[rel].entries:
            continue
        n = idx.notes[rel]
        items = items_of[rel] = {i.line: i for i in n.list_items}
        for e in n.entries:
            if since_day and e.timestamp[:10] < since_day.isoformat():
                continue
            if not match(e.text):
                continue
            key = (rel, e.thread_line)
            t = threads.get(key)
            if t is None:
                t = threads[key] = _thread(rel, n, items, e.thread_line)
            t.entries.append(_timeline_entry(rel, e))
    kept = {k: t for k, t in threads.items() if thread_match is None or any(map(thread_match, [t.title, *t.path]))}
    for t in kept.values():
        t.entries.sort(key=lambda x: (x.timestamp, x.line))
        for prev, cur in zip(t.entries, t.entries[1:]):
            cur.minutes_since_previous = _minutes(prev.timestamp, cur.timestamp)
    return _as_tree(items_of, kept)


def _as_tree(items_of: dict[str, dict[int, ListItem]], threads: dict[tuple[str, int | None], Thread]) -> list[Thread]:
    """Threads depth-first: each followed by the threads of the tasks under it, by first entry."""
    children: dict[tuple[str, int | None] | None, list[Thread]] = {}
    for (rel, line), t in threads.items():
        parent_key = None
        if line is not None:
            items = items_of[rel]
            up = task_above(items, items[line].parent_line)
            while up is not None and (rel, up.line) not in threads:
                up = task_above(items, up.parent_line)
            if up is not None:
                parent_key = (rel, up.line)
                t.parent_line = up.line
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


def _thread(rel: str, note: Note, items: dict[int, ListItem], line: int | None) -> Thread:
    item = items.get(line) if line is not None else None
    if item is None:
        return Thread(rel, None, "(no task)", [], None)
    path: list[str] = []
    up = task_above(items, item.parent_line)
    while up is not None:
        path.insert(0, up.text)
        up = task_above(items, up.parent_line)
    return Thread(rel, item.line, item.text, path, item.task)


def _timeline_entry(rel: str, e: Entry) -> TimelineEntry:
    return TimelineEntry(e.id, rel, e.line, e.timestamp, e.weekday, e.weekday_ok, e.text, e.struck, list(e.highlights), None)
