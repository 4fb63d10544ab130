"""The task filters, sorts and groups of `labnotes tasks` (`--due-before`, `--overdue`, `--tag`,
`--sort due`, `--group tag`, …), as plain functions over the query view of tasks.

The `tasks` command builds one `TaskOptions` from its flags and calls `select`; the TUI's Tasks
view can do the same. Dates are the words every command takes (parse/dates.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from labnotes.parse.dates import DateError, parse_optional_date
from labnotes.parse.model import TaskFields
from labnotes.queries.taskquery.model import PRIORITY_NAMES, PRIORITY_NUMBER, QueryTask
from labnotes.queries.taskquery.order import STATUS_TYPE_ORDER, Group, collation_key

if TYPE_CHECKING:
    from labnotes.tasks.model import Task
    from labnotes.vault import VaultIndex

T = TypeVar("T")

SORTS = ("due", "priority", "age", "note", "status")
GROUPS = ("note", "section", "tag", "status", "due", "folder")


class OptionError(ValueError):
    """A flag value that cannot be used; the message names the flag."""


@dataclass(frozen=True, slots=True)
class TaskOptions:
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    overdue: bool = False
    scheduled: dt.date | None = None  # scheduled on or before this day
    priority: str | None = None  # "high", or "medium+" for that or higher
    tag: str | None = None
    blocked: bool = False
    sort: str | None = None
    group: str | None = None
    limit: int | None = None
    today: dt.date | None = None

    @classmethod
    def from_flags(
        cls, *, due_before: str | None = None, due_after: str | None = None, overdue: bool = False,
        scheduled: str | None = None, priority: str | None = None, tag: str | None = None, blocked: bool = False,
        sort: str | None = None, group: str | None = None, limit: int | None = None, today: dt.date | None = None,
    ) -> "TaskOptions":  # fmt: skip
        """The options as typed on the command line; OptionError names a bad flag."""
        day = today or dt.date.today()
        try:
            before = parse_optional_date(due_before, today=day, what="--due-before")
            after = parse_optional_date(due_after, today=day, what="--due-after")
            sched = parse_optional_date(scheduled, today=day, what="--scheduled")
        except DateError as exc:
            raise OptionError(str(exc)) from None
        if priority is not None and priority.lower().rstrip("+") not in PRIORITY_NAMES:
            raise OptionError("--priority: expected highest, high, medium, none, low or lowest "
                              f"(a trailing + for that or higher), got {priority!r}")
        if sort is not None and sort not in SORTS:
            raise OptionError(f"--sort: expected one of {', '.join(SORTS)}, got {sort!r}")
        if group is not None and group not in GROUPS:
            raise OptionError(f"--group: expected one of {', '.join(GROUPS)}, got {group!r}")
        if limit is not None and limit < 1:
            raise OptionError(f"--limit: expected a positive number, got {limit}")
        if tag is not None and not tag.lstrip("#"):
            raise OptionError("--tag: expected a tag, e.g. paper or #paper/review")
        return cls(before, after, overdue, sched, priority.lower() if priority else None, tag, blocked, sort, group, limit, day)


def _due(t: QueryTask) -> dt.date | None:
    return t.date("due")[1]


def has_tag(t: QueryTask, tag: str) -> bool:
    """The tag itself or one nested under it: `paper` matches #paper and #paper/review, not #papers."""
    want = "#" + tag.lstrip("#").casefold()
    return any(x.casefold() == want or x.casefold().startswith(want + "/") for x in t.fields.tags)


def matches(t: QueryTask, o: TaskOptions) -> bool:
    today = o.today or dt.date.today()
    due = _due(t)
    if o.due_before is not None and (due is None or not due < o.due_before):
        return False
    if o.due_after is not None and (due is None or not due > o.due_after):
        return False
    if o.overdue and (t.done or due is None or not due < today):
        return False
    if o.scheduled is not None:
        scheduled = t.date("scheduled")[1]
        if scheduled is None or scheduled > o.scheduled:
            return False
    if o.priority is not None:
        n = PRIORITY_NUMBER[PRIORITY_NAMES[o.priority.rstrip("+")]]
        if not (t.priority_number <= n if o.priority.endswith("+") else t.priority_number == n):
            return False
    if o.tag is not None and not has_tag(t, o.tag):
        return False
    if o.blocked and not t.blocked:
        return False
    return True


def sort_key(name: str, age: Callable[[QueryTask], int | None] | None = None) -> Callable[[QueryTask], Any]:
    """`--sort`: due (soonest first, undated last), priority (highest first), age (oldest first),
    note (path, then line), status (in progress, todo, on hold, done, cancelled)."""
    if name == "due":
        return lambda t: (_due(t) is None, _due(t) or dt.date.min)
    if name == "priority":
        return lambda t: t.priority_number
    if name == "age":
        # The task's age when the caller knows it (days open), else the day of its note.
        if age is not None:
            return lambda t: -(age(t) or 0)
        return lambda t: (t.day is None, t.day or "")
    if name == "note":
        return lambda t: (collation_key(t.note), t.line)
    return lambda t: STATUS_TYPE_ORDER.get(t.fields.status_type, 9)


def group_names(name: str) -> Callable[[QueryTask], list[str]]:
    """`--group`: the heading(s) a task is listed under; a task with two tags is under both."""
    if name == "note":
        return lambda t: [t.note]
    if name == "section":
        return lambda t: [" › ".join(t.section) or "(no heading)"]
    if name == "tag":
        return lambda t: list(dict.fromkeys(t.fields.tags)) or ["(no tags)"]
    if name == "status":
        return lambda t: [t.fields.status_name]
    if name == "due":
        return lambda t: [due.strftime("%Y-%m-%d %A") if (due := _due(t)) else "no due date"]
    return lambda t: [t.folder]


def select(tasks: list[QueryTask], o: TaskOptions, *, age: Callable[[QueryTask], int | None] | None = None) -> list[Group]:
    """The tasks the options keep, sorted, cut to `limit`, then grouped (one group when ungrouped).
    Groups come in name order ("no due date" / "(no tags)" last); tasks keep their order inside."""
    return [Group([name] if name is not None else [], list(items)) for name, items in select_each(tasks, lambda t: t, o, age=age)]


def select_each(
    things: list[T], view: Callable[[T], QueryTask | None], o: TaskOptions, *, age: Callable[[T], int | None] | None = None
) -> list[tuple[str | None, list[T]]]:
    """`select` over anything a task can be seen as (a task across notes: its latest line), by
    `view`; a thing without a view (no Tasks fields) is kept only when no option asks about fields.
    Returns (group name or None, things) pairs."""
    views = {id(x): view(x) for x in things}
    asks_fields = any((o.due_before, o.due_after, o.overdue, o.scheduled, o.priority, o.tag, o.blocked))
    kept = [x for x in things if (v := views[id(x)]) is not None and matches(v, o) or (v is None and not asks_fields)]
    if o.sort:
        if o.sort == "age" and age is not None:
            kept.sort(key=lambda x: -(age(x) or 0))
        else:
            key = sort_key(o.sort)
            blank = _BLANK
            kept.sort(key=lambda x: key(views[id(x)] or blank))
    if o.limit is not None:
        kept = kept[: o.limit]
    if not o.group:
        return [(None, kept)]
    names = group_names(o.group)
    found: dict[str, list[T]] = {}
    for x in kept:
        for n in names(views[id(x)] or _BLANK):
            found.setdefault(n, []).append(x)
    last = {"no due date", "(no tags)", "(no heading)"}
    order = sorted(found, key=lambda n: (n in last, collation_key(n)))
    if o.group == "status":
        order = sorted(found, key=lambda n: min(STATUS_TYPE_ORDER.get((views[id(x)] or _BLANK).fields.status_type, 9) for x in found[n]))
    return [(n, found[n]) for n in order]


def asks_anything(o: TaskOptions) -> bool:
    """Whether any filter, sort, group or limit was given (else the listing stays as it was)."""
    return any((o.due_before, o.due_after, o.overdue, o.scheduled, o.priority, o.tag, o.blocked, o.sort, o.group, o.limit))


def select_tasks(idx: "VaultIndex", tasks: list["Task"], o: TaskOptions) -> list[tuple[str | None, list["Task"]]]:
    """`select_each` for tasks across notes: each seen as its latest line (with that line's Tasks
    fields, blocked when it depends on a task line that is not done), aged by its days open."""
    views = _latest_views(idx, tasks)
    today = o.today or dt.date.today()
    return select_each(
        tasks, lambda t: views.get((t.latest.note, t.latest.line)), o, age=lambda t: t.days_open(today)
    )


def _latest_views(idx: "VaultIndex", tasks: list["Task"]) -> dict[tuple[str, int], QueryTask]:
    """The query view of each task's latest line, `blocked` / `blocking` as over every task of the
    vault: only lines with a 🆔 or a ⛔ can block or be blocked, so only those are read besides
    (not every task line of the vault)."""
    from labnotes.queries.taskquery.model import link_dependencies, query_task

    places = {(t.latest.note, t.latest.line) for t in tasks}
    templates = idx.templates
    places.update(
        (rel, line)
        for rel, line in idx.store.conn.execute(
            "SELECT n.path, t.line FROM tasks t JOIN notes n ON n.id = t.note_id"
            " WHERE t.task_id IS NOT NULL OR t.depends_on IS NOT NULL"
        )
        if rel not in templates
    )
    # As VaultIndex.task_items (what vault_tasks reads): a note whose only tasks are empty template
    # placeholders has no query views.
    places = {(rel, line) for rel, line in places if rel in idx.facts and idx.facts[rel].tasks}
    views = {}
    for (rel, line), item in idx.task_items_at(places).items():
        view = query_task(rel, item, idx.facts[rel].day if rel in idx.facts else None)
        if view is not None:
            views[(rel, line)] = view
    link_dependencies(views.values())
    return views


# What a thing without Tasks fields sorts and groups as.
_BLANK = QueryTask("", 0, " ", "", [], TaskFields(description=""))


__all__ = ["GROUPS", "OptionError", "SORTS", "TaskOptions", "has_tag", "matches", "select", "select_each", "select_tasks",
           "sort_key", "asks_anything"]
