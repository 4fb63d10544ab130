"""The task commands: `tasks` (each task once, or `--occurrences` for lines), `task` (one task's
life) and `routines` (the daily template's tasks and their record).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, print_json, warn
from labnotes.cli.query import GrepOption, NoteFilter, SinceOption, UntilOption, _query, _short, count, open_index

if TYPE_CHECKING:
    from labnotes.history import VaultHistory
    from labnotes.queries.taskbook import StoredBook
    from labnotes.tasks import Task
    from labnotes.vault import VaultIndex


def _history(idx: "VaultIndex") -> "VaultHistory | None":
    """The vault's git history: None, silently, when the vault is in no repository; None with a
    one-line notice when GitPython or git is missing or the repository cannot be read."""
    from labnotes.history import vault_history
    from labnotes.settings.locations import cache_dir

    history, notice = vault_history(idx.vault, idx.config, cache_dir=cache_dir())
    if notice:
        warn(notice)
    return history


def task_book_of(idx: "VaultIndex") -> "StoredBook":
    """The vault's tasks as every task command reads them, from the index store's task book (linked
    again only when the notes changed): the tasks of the daily template's older versions (from
    git, when the vault is in a repository) are routines too."""
    from labnotes.history.template import task_store

    return task_store(idx)


def _short_date(iso: str) -> str:
    """`2024-12-02T21:30:00+08:00` → `2024-12-02 21:30`."""
    return iso[:16].replace("T", " ")


def _status_word(status: str) -> str:
    return {" ": "open", "/": "in progress", "x": "done", "X": "done", "-": "cancelled", ">": "forwarded"}.get(status, f"[{status}]")


def _age(days: int | None) -> str:
    return "age unknown" if days is None else count(days, "day")


def _print_task(t: "Task", today: dt.date, depth: int) -> None:
    typer.echo("\n".join(_task_lines(t, today, depth)))


def _task_lines(t: "Task", today: dt.date, depth: int) -> list[str]:
    """A task as a listing prints it: its words, then its life and place."""
    pad = "  " * depth
    head = f"{pad}[{t.status}] {_short(t.text, 100 - 2 * depth)}"
    first = t.first_seen
    if t.done:
        when = f"done {t.done_on}" if t.done_on else "done"
        life = f"{when} after {_age(t.days_open(today))}" if first else when
    else:
        life = f"{_status_word(t.status)} {_age(t.days_open(today))}" + (f", since {first}" if first else "")
    carried = f" · carried {t.carried}×" if t.carried else ""
    section = " › ".join(t.latest.section)
    return [head, f"{pad}    {life}{carried} · {t.latest.place}" + (f" ({section})" if section else "") + f" · {t.id}"]


@app.command()
def tasks(
    vault: Optional[Path] = VaultOption,
    status: Optional[str] = typer.Option(
        None, "--status",
        help="Current status: open, done, cancelled, in-progress, any, or the character between the brackets. "
        "Default: every task not done or cancelled.",
        show_default=False,
    ),  # fmt: skip
    done_since: Optional[str] = typer.Option(
        None, "--done-since", help="Tasks done on or after this day (YYYY-MM-DD, today, yesterday, -7 …).", show_default=False
    ),
    section: Optional[str] = typer.Option(None, "--section", help="Only tasks under a heading containing this.", show_default=False),
    note: Optional[str] = NoteFilter,
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    grep: Optional[str] = GrepOption,
    placeholders: bool = typer.Option(False, "--placeholders", help="Also list empty or number-only template tasks (`1. [ ] 1`)."),
    occurrences: bool = typer.Option(False, "--occurrences", help="One row per task line, as trees under their note and section."),
    due_before: Optional[str] = typer.Option(None, "--due-before", help="Only tasks due before this day (📅 / [due:: …]; YYYY-MM-DD, today, +7 …).", show_default=False),
    due_after: Optional[str] = typer.Option(None, "--due-after", help="Only tasks due after this day.", show_default=False),
    overdue: bool = typer.Option(False, "--overdue", help="Only tasks not done whose due day has passed."),
    scheduled: Optional[str] = typer.Option(None, "--scheduled", help="Only tasks scheduled (⏳) on or before this day, e.g. today.", show_default=False),
    priority: Optional[str] = typer.Option(None, "--priority", help="highest, high, medium, none, low or lowest; a trailing + for that or higher (medium+).", show_default=False),
    tag: Optional[str] = typer.Option(None, "--tag", help="Only tasks with this tag or one nested under it (paper matches #paper/review).", show_default=False),
    blocked: bool = typer.Option(False, "--blocked", help="Only tasks that depend (⛔) on a task not done yet."),
    sort: Optional[str] = typer.Option(None, "--sort", help="due, priority, age, note or status.", show_default=False),
    group: Optional[str] = typer.Option(None, "--group", help="note, section, tag, status, due or folder.", show_default=False),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many tasks.", show_default=False),
    history: bool = typer.Option(
        False, "--history", help="When the vault is a git work tree: when each task was opened and done, from the commits (opened_at, done_at)."
    ),
    json: bool = JsonOption,
) -> None:
    """Each task once — carried copies, later ticks and template routines folded in — with its age, carry count and where it lives now.

    By default the tasks not done (open, in progress, any status but done and cancelled), oldest
    first. A task is one thing across the daily notes it was carried through: linked by its id
    (`🆔 abc`, `^abc`), by the carry-over link `labnotes new` writes, or by the same words in the same
    section of an earlier daily note. `labnotes task ID` shows one task's life; `labnotes routines`
    the daily template's tasks.
    """
    if occurrences:
        if done_since:
            from labnotes.cli.app import fail

            fail("--done-since lists tasks, not lines: leave out --occurrences")
        _occurrences(vault, status, section, note, since, until, grep, placeholders, json)
        return
    from labnotes.queries import tasks as q

    idx = open_index(vault)
    today = dt.date.today()
    book = task_book_of(idx)
    found = _query(
        lambda: q.list_tasks(
            idx, status=status, section=section, note=note, since=since, until=until, done_since=done_since,
            grep=grep, placeholders=placeholders, book=book, today=today,
        )
    )  # fmt: skip
    from labnotes.cli.app import fail
    from labnotes.queries.taskquery.options import OptionError, TaskOptions, asks_anything, select_tasks

    try:
        opts = TaskOptions.from_flags(
            due_before=due_before, due_after=due_after, overdue=overdue, scheduled=scheduled, priority=priority,
            tag=tag, blocked=blocked, sort=sort, group=group, limit=limit, today=today,
        )  # fmt: skip
    except OptionError as exc:
        fail(str(exc))
    if json or history:
        book.fill(found)  # every line of each task listed, in one read
    dates: dict[str, tuple[Any, Any]] = {}
    if history:
        dates = _git_dates(idx, found, book)
    if asks_anything(opts):
        # Filtered, sorted or grouped by the tasks' fields: a flat list (under group headings).
        groups = select_tasks(idx, found, opts)
        if json:
            items = _items_by_place(idx, [t for _, ts in groups for t in ts])
            print_json([_task_json(idx, t, today, items, dates if history else None) for _, ts in groups for t in ts])
            return
        shown = 0
        grouped: list[str] = []  # written at once: an echo per line is most of a long listing's time
        for name, ts in groups:
            if name is not None:
                grouped.append(f"## {name}")
            for t in ts:
                grouped.extend(_task_lines(t, today, 0))
            shown += len(ts)
        if grouped:
            typer.echo("\n".join(grouped))
        typer.echo(count(shown, "task"), err=True)
        return
    if json:
        items = _items_by_place(idx, found)
        print_json([_task_json(idx, t, today, items, dates if history else None) for t in found])
        return
    listed = {t.id: t for t in found}
    children: dict[str, list[Task]] = {}
    roots = []
    for t in found:
        if t.parent in listed:
            children.setdefault(t.parent, []).append(t)
        else:
            roots.append(t)

    out: list[str] = []  # written at once: an echo per line is most of a long listing's time

    def show(t: "Task", depth: int) -> None:
        out.extend(_task_lines(t, today, depth))
        if t.id in dates:
            opened, done = dates[t.id]
            said = [f"opened {_short_date(opened.date)} ({opened.sha[:7]})"] if opened else []
            said += [f"done {_short_date(done.date)} ({done.sha[:7]})"] if done else []
            if said:
                out.append(f"{'  ' * depth}    git: {' · '.join(said)}")
        for kid in children.get(t.id, []):
            show(kid, depth + 1)

    for t in roots:
        show(t, 0)
    if out:
        typer.echo("\n".join(out))
    lines = sum(t.line_count for t in found)
    typer.echo(f"{count(len(found), 'task')} ({count(lines, 'line')} in the notes)", err=True)


def _items_by_place(idx: Any, tasks: list["Task"]) -> dict[tuple[str, int], Any]:
    """The item of each task's latest line by (note, line), from the store's task rows: listing
    many tasks must neither parse the note of each nor build every task row of the vault."""
    return idx.task_items_at((t.latest.note, t.latest.line) for t in tasks)


def _task_json(
    idx: Any,
    t: "Task",
    today: dt.date,
    items: dict[tuple[str, int], Any] | None = None,
    dates: dict[str, tuple[Any, Any]] | None = None,
) -> dict[str, Any]:
    """A task's JSON with the Obsidian Tasks fields of its latest line (null when it has none), and
    with `opened_at` / `done_at` from git when `dates` (from `--history`) is given."""
    data = t.to_json(today)
    if items is not None:
        item = items.get((t.latest.note, t.latest.line))
    else:
        item = idx.notes[t.latest.note].item_at(t.latest.line) if t.latest.note in idx.notes else None
    from labnotes.cli.jsonout import flat  # asdict without its deep copy of every plain value

    data["fields"] = flat(item.fields) if item is not None and item.fields is not None else None
    if dates is not None:
        opened, done = dates.get(t.id, (None, None))
        data["opened_at"] = opened.date if opened else None
        data["done_at"] = done.date if done else None
    return data


def _git_dates(idx: "VaultIndex", found: list["Task"], book: Any) -> dict[str, tuple[Any, Any]]:
    from labnotes.history import HistoryUnavailable, task_histories

    hist = _history(idx)
    if hist is None:
        return {}
    try:
        return {h.task.id: (h.opened, h.done) for h in task_histories(hist, found, book.book())}
    except HistoryUnavailable as exc:
        warn(str(exc))
        return {}
    finally:
        hist.close()


def _occurrences(
    vault: Optional[Path], status: Optional[str], section: Optional[str], note: Optional[str],
    since: Optional[str], until: Optional[str], grep: Optional[str], placeholders: bool, json: bool,
) -> None:  # fmt: skip
    from labnotes.queries import tasks as q

    idx = open_index(vault)
    rows = _query(lambda: q.tasks(idx, status=status, section=section, note=note, since=since, until=until, grep=grep, placeholders=placeholders))
    if json:
        from labnotes.cli.jsonout import flat

        print_json([flat(r) for r in rows])
        return
    last_note, last_section = None, None
    for r in rows:
        if r.note != last_note:
            typer.echo(f"{r.note}" + (f"  ({r.day})" if r.day else ""))
            last_note, last_section = r.note, None
        if r.section != last_section:
            typer.echo(f"  {' › '.join(r.section) or '(no heading)'}")
            last_section = r.section
        typer.echo(f"    {'  ' * r.depth}[{r.status}] {_short(r.text)}  :{r.line}")
    typer.echo(count(len(rows), "task line"), err=True)


@app.command()
def task(
    ref: str = typer.Argument(..., help="A task id (from `labnotes tasks`), its 🆔 or ^block id, or NOTE:LINE of any of its lines.", show_default=False),
    vault: Optional[Path] = VaultOption,
    json: bool = JsonOption,
) -> None:
    """One task's life: each line it had in the notes, its status changes, its sub-tasks and the log entries under it."""
    from labnotes.queries import tasks as q

    idx = open_index(vault)
    today = dt.date.today()
    book = task_book_of(idx)
    t = _query(lambda: q.find_task(idx, ref, book=book))
    life = q.task_life(idx, t, book=book)
    from labnotes.history import HistoryUnavailable, task_histories

    hist = _history(idx)
    story = None
    if hist is not None:
        try:
            (story,) = task_histories(hist, [t], book.book())
        except HistoryUnavailable as exc:
            warn(str(exc))
        finally:
            hist.close()
    if json:
        data: dict[str, Any] = _task_json(idx, t, today)
        data["changes"] = [{"day": o.day.isoformat() if o.day else None, "note": o.note, "line": o.line, "from": before, "to": o.status} for o, before in life.changes]
        data["subtasks"] = [s.to_json(today) for s in life.subtasks]
        data["entries"] = [{"id": e.id, "note": rel, "line": e.line, "timestamp": e.timestamp, "text": e.text} for rel, e in life.entries]
        data["history"] = None
        if story is not None:
            data["history"] = {
                "opened": story.opened.to_json() if story.opened else None,
                "done": story.done.to_json() if story.done else None,
                "lines": [{"note": o.note, "line": o.line, "events": [e.to_json() for e in events]} for o, events in story.lines],
            }
        print_json(data)
        return
    _print_task(t, today, 0)
    changed = {(o.note, o.line): before for o, before in life.changes}
    events_of = {(o.note, o.line): events for o, events in story.lines} if story is not None else {}
    if story is not None:
        said = []
        if story.opened:
            said.append(f"opened in {story.opened.sha[:7]} on {_short_date(story.opened.date)}")
        if story.done:
            said.append(f"closed in {story.done.sha[:7]} on {_short_date(story.done.date)} by {story.done.author}")
        if said:
            typer.echo(f"    git: {' · '.join(said)}")
    typer.echo("\nlines")
    for o in t.occurrences:
        mark = ""
        if (o.note, o.line) in changed and changed[(o.note, o.line)] is not None:
            mark = f"  [{changed[(o.note, o.line)]}] → [{o.status}]"
        typer.echo(f"  {o.day or '(no day)'}  [{o.status}]  {o.place}{mark}")
        for e in events_of.get((o.note, o.line), []):
            what = f"added as [{e.after}]" if e.before is None else (f"[{e.before}] → [{e.after}]" if e.after is not None else "removed")
            typer.echo(f"      git {e.sha[:7]}  {_short_date(e.date)}  {what}  ({e.author})")
        last = events_of.get((o.note, o.line))
        if story is not None and last and last[-1].after != o.status:
            typer.echo(f"      not committed yet: [{o.status}] in the work tree")
    if life.subtasks:
        typer.echo("\nsub-tasks")
        for s in life.subtasks:
            typer.echo(f"  [{s.status}] {_short(s.text, 80)}  {s.latest.place} · {s.id}")
    if life.entries:
        typer.echo("\nlog entries")
        for rel, entry in life.entries:
            typer.echo(f"  {entry.timestamp.replace('T', ' ')}  {_short(entry.text, 80)}  {rel}:{entry.line}")


@app.command()
def routines(vault: Optional[Path] = VaultOption, json: bool = JsonOption) -> None:
    """The daily template's tasks, each once, with its record: done on N of M days and the current streak."""
    from labnotes.queries import tasks as q

    idx = open_index(vault)
    found = q.routines(idx, book=task_book_of(idx))
    if json:
        print_json([r.to_json() for r in found])
        return
    for r in found:
        days = r.days()
        typer.echo(f"{_short(r.text, 100)}")
        span = f"{days[0][0]} – {days[-1][0]}" if days else "no days yet"
        typer.echo(f"    done on {r.done_days} of {count(len(days), 'day')} ({span}) · streak {r.streak}")
        # The last weeks as a strip, newest last: ✓ done, · not.
        typer.echo("    " + "".join("✓" if done else "·" for _, done in days[-60:]))
    typer.echo(count(len(found), "routine"), err=True)
