"""Questions asked of a VaultIndex: tasks, the debugging timeline, links, metrics, check.

Each query returns plain dataclasses (`asdict` gives the `--json` shape); formatting for people is
the CLI's business. Filters on the note's day are applied before any note is read, so a narrow
query on a large vault reads few notes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from labnotes.index import VaultIndex
from labnotes.index.resolve import is_checked, is_external
from labnotes.model import Entry, ListItem, Note, task_above

STATUS_NAMES = {"open": " ", "todo": " ", "done": "x", "cancelled": "-", "canceled": "-", "in-progress": "/"}


class QueryError(ValueError):
    """A filter the user gave cannot be applied; the message says which and why."""


# -- shared filters ---------------------------------------------------------------------------


def parse_day(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise QueryError(f"{what}: expected a day as YYYY-MM-DD, got {text!r}") from None


def matcher(pattern: str | None) -> Callable[[str], bool]:
    """`--grep`: a case-insensitive regex; text that is not a valid regex is matched literally."""
    if not pattern:
        return lambda _text: True
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error:
        rx = re.compile(re.escape(pattern), re.IGNORECASE)
    return lambda text: rx.search(text) is not None


def select_notes(
    idx: VaultIndex, *, note: str | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[str]:
    """The notes a query reads, by `--note` and by day, before reading any of them."""
    if note:
        rel = idx.find_note(note)
        if rel is None:
            raise QueryError(f"no note {note!r} in the vault")
        rels = [rel]
    else:
        rels = idx.content_notes()
    if since or until:
        kept = []
        for rel in rels:
            day = idx.note_day(rel)
            if day is None or (since and day < since) or (until and day > until):
                continue
            kept.append(rel)
        rels = kept
    return rels


# -- tasks ------------------------------------------------------------------------------------


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


def status_char(status: str | None) -> str | None:
    if status is None:
        return None
    if status in STATUS_NAMES:
        return STATUS_NAMES[status]
    if len(status) == 1:
        return status
    if status == "any":
        return None
    raise QueryError(f"--status: expected open, done, cancelled, in-progress, any or one character, got {status!r}")


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
    for rel in rels:
        if not idx.facts[rel].tasks:
            continue
        n = idx.notes[rel]
        items = {i.line: i for i in n.list_items}
        for item in n.list_items:
            if item.task is None or (not placeholders and not item.text):
                continue
            if want is not None and item.task != want and not (want == "x" and item.task == "X"):
                continue
            if section_key and not any(section_key in s.casefold() for s in item.section):
                continue
            if not match(item.text):
                continue
            parent = task_above(items, item.parent_line)
            depth, up = 0, parent
            while up is not None:
                depth += 1
                up = task_above(items, up.parent_line)
            rows.append(
                TaskRow(rel, n.date, item.line, item.task, item.text, list(item.section), depth, parent.line if parent else None)
            )
    return rows


# -- timeline ---------------------------------------------------------------------------------


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


# -- links ------------------------------------------------------------------------------------


@dataclass(slots=True)
class LinkRow:
    note: str
    line: int
    col: int
    original: str
    target: str
    heading: str | None
    block: str | None
    embed: bool
    kind: str
    external: bool
    ok: bool
    resolved: str | None  # the vault path it reaches
    heading_line: int | None
    block_line: int | None
    reason: str | None


def _rows(idx: VaultIndex, keep: Callable[[str, Any, Any], bool]) -> list[LinkRow]:
    out = []
    for rel, link, res in idx.links():
        if not keep(rel, link, res):
            continue
        out.append(
            LinkRow(
                rel, link.line, link.col, link.original, link.target, link.heading, link.block, link.embed,
                link.kind, is_external(link), res.ok, res.rel, res.heading_line, res.block_line,
                res.reason if is_checked(link) else None,
            )
        )  # fmt: skip
    return out


def links(idx: VaultIndex, *, unresolved: bool = False, note: str | None = None) -> list[LinkRow]:
    """Every link, or with `unresolved` those into the vault that reach nothing (or a missing anchor)."""
    only = None
    if note:
        only = idx.find_note(note)
        if only is None:
            raise QueryError(f"no note {note!r} in the vault")
    return _rows(
        idx,
        lambda rel, link, res: (only is None or rel == only) and (not unresolved or (not res.ok and is_checked(link))),
    )


def backlinks(idx: VaultIndex, note: str) -> list[LinkRow]:
    rel = idx.find_note(note)
    if rel is None:
        raise QueryError(f"no note {note!r} in the vault")
    return _rows(idx, lambda _src, _link, res: res.rel == rel)


# -- metrics ----------------------------------------------------------------------------------


def metrics(idx: VaultIndex, *, since: str | None = None, until: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows): one row per daily note with a life table, in day order."""
    since_day, until_day = parse_day(since, "--since"), parse_day(until, "--until")
    columns: dict[str, None] = {}
    rows = []
    for day, rel in idx.daily_notes():
        if (since_day and day < since_day) or (until_day and day > until_day):
            continue
        values = idx.facts[rel].metrics
        if not values:
            continue
        columns.update(dict.fromkeys(values))
        rows.append({"day": day.isoformat(), "note": rel, **values})
    return ["day", "note", *columns], rows


# -- check ------------------------------------------------------------------------------------


@dataclass(slots=True)
class Finding:
    kind: str  # unresolved-link, unresolved-anchor, weekday, out-of-order, duplicate-id, file
    note: str
    line: int
    message: str


def _links_ahead(idx: VaultIndex, rel: str, target: str) -> bool:
    """A link to the daily note of a later day than its own (the template's 明天 link): a note
    not written yet, not a broken link."""
    target_day, day = idx.config.day_in(target), idx.note_day(rel)
    return target_day is not None and day is not None and target_day > day


def check(idx: VaultIndex) -> list[Finding]:
    found: list[Finding] = []
    for rel, link, res in idx.links():
        if res.ok or not is_checked(link) or rel == idx.template:
            continue
        if res.rel is None and _links_ahead(idx, rel, link.target):
            continue
        kind = "unresolved-anchor" if res.rel is not None else "unresolved-link"
        found.append(Finding(kind, rel, link.line, f"{link.original}: {res.reason}"))
    seen: dict[str, tuple[str, int]] = {}
    for rel in idx.content_notes():
        for line, message in idx.facts[rel].warnings:
            # Weekday contradictions are reported below with their entry; the rest (an impossible
            # stamp, broken front matter, lists too deep to read) only the parser saw.
            if not message.startswith("weekday "):
                found.append(Finding("parse", rel, line, message))
        if not idx.facts[rel].entries:
            continue
        entries = idx.notes[rel].entries
        for e in entries:
            if not e.weekday_ok:
                found.append(Finding("weekday", rel, e.line, f"{e.weekday} does not fall on {e.timestamp[:10]}"))
            if e.id in seen:
                first = seen[e.id]
                found.append(Finding("duplicate-id", rel, e.line, f"entry id {e.id} also at {first[0]}:{first[1]}"))
            else:
                seen[e.id] = (rel, e.line)
        found.extend(_out_of_order(rel, entries))
    found.extend(
        Finding("file", p.rel, p.line, p.message) for p in idx.problems if p.rel and p.rel not in idx.facts
    )
    found.sort(key=lambda f: (f.note, f.line, f.kind))
    return found


def _out_of_order(rel: str, entries: Iterable[Entry]) -> list[Finding]:
    last: dict[int | None, Entry] = {}
    out = []
    for e in sorted(entries, key=lambda e: e.line):
        prev = last.get(e.thread_line)
        if prev is not None and e.timestamp < prev.timestamp:
            out.append(
                Finding("out-of-order", rel, e.line, f"{e.timestamp} comes after {prev.timestamp} (line {prev.line}) in the same thread")
            )
        if prev is None or e.timestamp >= prev.timestamp:
            last[e.thread_line] = e
    return out
