"""`sort by …` and `group by …` as the plugin orders tasks and names groups.

Every query ends with the plugin's default sort (status.type, urgency, due, priority, path), after
the user's own `sort by` lines. Group names are the plugin's (`2024-12-05 Thursday`, `No due date`,
`High priority`, `(No heading)`); a hidden `%%n%%` prefix orders some of them and is not shown.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Callable

from labnotes.queries.taskquery.filters import InstructionError
from labnotes.queries.taskquery.model import QueryTask

STATUS_TYPE_ORDER = {"IN_PROGRESS": 1, "TODO": 2, "ON_HOLD": 3, "DONE": 4, "CANCELLED": 5, "NON_TASK": 6}
_PRIORITY_GROUP = {0: "Highest", 1: "High", 2: "Medium", 3: "Normal", 4: "Low", 5: "Lowest"}
_DATES = {"due": "due", "scheduled": "scheduled", "start": "start", "starts": "start", "done": "done",
          "created": "created", "cancelled": "cancelled", "happens": "happens"}
_HIDDEN = re.compile(r"%%.*?%%")
_NUMBER = re.compile(r"(\d+)")
# ICU's root collation puts punctuation before digits and digits before letters.
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$ "


def collation_key(text: str) -> tuple[Any, ...]:
    """Close to JavaScript's `localeCompare(…, {numeric: true})`, which the plugin sorts groups with."""
    key: list[tuple[int, Any]] = []
    for part in _NUMBER.split(text):
        if not part:
            continue
        if part.isdigit():
            key.append((1, int(part)))
            continue
        for ch in part:
            idx = _PUNCTUATION.find(ch)
            key.append((0, idx) if idx >= 0 else (2, ch.casefold()))
    return (tuple(key), text)


def _date_key(written: bool, day: dt.date | None) -> tuple[int, dt.date]:
    # Invalid dates first, then dates, then no date (the plugin's order).
    if not written:
        return (2, dt.date.min)
    return (0, dt.date.min) if day is None else (1, day)


@dataclass(frozen=True, slots=True)
class Sorter:
    name: str
    key: Callable[[QueryTask], Any]
    reverse: bool = False


def sorter(field: str, reverse: bool, today: dt.date) -> Sorter:
    """One `sort by FIELD [reverse]` line; InstructionError for a field the plugin has no sort for."""
    f = field.lower()
    m = re.fullmatch(r"tag(?: (\d+))?", f)
    key: Callable[[QueryTask], Any]
    if f in _DATES:
        name = _DATES[f]
        if name == "happens":
            key = lambda t: _date_key(*t.happens_day())  # noqa: E731
        else:
            key = lambda t: _date_key(*t.date(name))  # noqa: E731
    elif f == "status":
        key = lambda t: t.done  # noqa: E731 - not done first
    elif f == "status.type":
        key = lambda t: STATUS_TYPE_ORDER.get(t.fields.status_type, 9)  # noqa: E731
    elif f == "status.name":
        key = lambda t: collation_key(t.fields.status_name)  # noqa: E731
    elif f == "priority":
        key = lambda t: t.priority_number  # noqa: E731
    elif f == "urgency":
        key = lambda t: -t.urgency(today)  # noqa: E731 - most urgent first
    elif f == "path":
        key = lambda t: collation_key(t.note)  # noqa: E731
    elif f == "filename":
        key = lambda t: collation_key(t.filename)  # noqa: E731
    elif f == "heading":
        key = lambda t: (t.heading is not None, collation_key(t.heading or ""))  # noqa: E731
    elif f == "description":
        key = lambda t: collation_key(_plain_description(t.fields.description))  # noqa: E731
    elif f == "recurring":
        key = lambda t: not t.fields.recurrence  # noqa: E731 - recurring first
    elif f == "id":
        key = lambda t: collation_key(t.fields.id or "")  # noqa: E731
    elif m:
        index = int(m.group(1) or 1) - 1
        # Tasks without that tag come first.
        key = lambda t: (len(t.fields.tags) > index, collation_key(t.fields.tags[index]) if len(t.fields.tags) > index else ())  # noqa: E731
    else:
        raise InstructionError(f"do not know how to sort by {field!r}")
    return Sorter(f, key, reverse)


def _plain_description(text: str) -> str:
    # The plugin sorts descriptions without their leading markup and links as shown.
    text = re.sub(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]", r"\1", text)
    return text.lstrip("*_=~ ").casefold()


def default_sorters(today: dt.date) -> list[Sorter]:
    return [sorter(f, False, today) for f in ("status.type", "urgency", "due", "priority", "path")]


def sort_tasks(tasks: list[QueryTask], sorters: list[Sorter]) -> list[QueryTask]:
    """Sorted by each sorter in turn (the first decides first); stable, so ties keep file order."""
    out = list(tasks)
    for s in reversed(sorters):
        out.sort(key=s.key, reverse=s.reverse)
    return out


@dataclass(frozen=True, slots=True)
class Grouper:
    name: str
    names: Callable[[QueryTask], list[str]]  # a task may be in several groups (one per tag)
    reverse: bool = False


def _date_group(field: str) -> Callable[[QueryTask], list[str]]:
    def names(t: QueryTask) -> list[str]:
        written, day = t.happens_day() if field == "happens" else t.date(field)
        if not written:
            return [f"No {field} date"]
        if day is None:
            return [f"%%0%% Invalid {field} date"]
        return [day.strftime("%Y-%m-%d %A")]

    return names


def grouper(field: str, reverse: bool, today: dt.date | None = None) -> Grouper:
    f = field.lower()
    names: Callable[[QueryTask], list[str]]
    if f in _DATES:
        names = _date_group(_DATES[f])
    elif f == "filename":
        names = lambda t: [t.filename[:-3] if t.filename.lower().endswith(".md") else t.filename]  # noqa: E731
    elif f == "path":
        names = lambda t: [t.note[:-3] if t.note.lower().endswith(".md") else t.note]  # noqa: E731
    elif f == "folder":
        names = lambda t: [t.folder]  # noqa: E731
    elif f == "root":
        names = lambda t: [t.root]  # noqa: E731
    elif f == "heading":
        names = lambda t: [t.heading or "(No heading)"]  # noqa: E731
    elif f == "status":
        names = lambda t: ["Done" if t.done else "Todo"]  # noqa: E731
    elif f == "status.type":
        names = lambda t: [f"%%{STATUS_TYPE_ORDER.get(t.fields.status_type, 9)}%%{t.fields.status_type}"]  # noqa: E731
    elif f == "status.name":
        names = lambda t: [t.fields.status_name]  # noqa: E731
    elif f in ("tags", "tag"):
        names = lambda t: list(dict.fromkeys(t.fields.tags)) or ["(No tags)"]  # noqa: E731
    elif f == "priority":
        names = lambda t: [f"%%{t.priority_number}%%{_PRIORITY_GROUP[t.priority_number]} priority"]  # noqa: E731
    elif f == "recurring":
        names = lambda t: ["%%0%%Recurring" if t.fields.recurrence else "%%1%%Not Recurring"]  # noqa: E731
    elif f == "recurrence":
        names = lambda t: [t.fields.recurrence or "None"]  # noqa: E731
    elif f == "id":
        names = lambda t: [t.fields.id or "No id"]  # noqa: E731
    elif f == "backlink":
        names = lambda t: [_stem(t.filename) + (f" > {t.heading}" if t.heading else "")]  # noqa: E731
    elif f == "urgency" and today is not None:
        # Most urgent first; the hidden prefix orders the scores, which may be negative.
        names = lambda t: [f"%%{100 - t.urgency(today):08.2f}%%{t.urgency(today):.2f}"]  # noqa: E731
    else:
        raise InstructionError(f"do not know how to group by {field!r}")
    return Grouper(f, names, reverse)


def _stem(name: str) -> str:
    return name[:-3] if name.lower().endswith(".md") else name


@dataclass(slots=True)
class Group:
    names: list[str]  # one heading per `group by` line, hidden order prefixes removed
    tasks: list[QueryTask]

    def to_json(self) -> dict[str, Any]:
        return {"headings": self.names, "tasks": [t.to_json() for t in self.tasks]}


def group_tasks(tasks: list[QueryTask], groupers: list[Grouper]) -> list[Group]:
    """Tasks (already sorted) into groups, the groups ordered by their names at each level."""
    if not groupers:
        return [Group([], list(tasks))]
    found: dict[tuple[str, ...], list[QueryTask]] = {}
    for task in tasks:
        paths: list[tuple[str, ...]] = [()]
        for g in groupers:
            paths = [p + (n,) for p in paths for n in g.names(task)]
        for p in paths:
            found.setdefault(p, []).append(task)
    keys = list(found)
    for level in reversed(range(len(groupers))):
        keys.sort(key=lambda k: collation_key(k[level]), reverse=groupers[level].reverse)
    return [Group([_HIDDEN.sub("", n).strip() for n in k], found[k]) for k in keys]


__all__ = ["Group", "Grouper", "Sorter", "collation_key", "default_sorters", "group_tasks", "grouper", "sort_tasks", "sorter"]
