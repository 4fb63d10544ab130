"""A task's life as the Tasks view shows it: the row of a task (once, with its age and carry
count), the row of a routine (its record), and the detail pane of either.

Reads only what the task book already holds (labnotes.tasks: occurrences in time order, status
changes) plus, for the detail pane, what a worker found: the log entries under any of its lines
and the Tasks fields of its latest line. Imports no Textual: rich's Text is what the tree takes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.text import Text

from labnotes.tui.taskcols import due_cell, priority_cell
from labnotes.tui.text import checkbox, inline, stamp

if TYPE_CHECKING:
    from labnotes.parse.model import Entry, TaskFields
    from labnotes.tasks import Routine, Task

STATUS_WORDS = {" ": "open", "/": "in progress", "x": "done", "X": "done", "-": "cancelled", ">": "forwarded"}
# A routine's record in the row: its last days, newest on the right.
RECORD_DAYS = 14


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, f"[{status}]")


def age(days: int | None) -> str:
    return "" if days is None else f"{days}d"


def task_row(t: "Task", today: dt.date, *, note: bool = False,
             fields: "tuple[str | None, str | None, str | None] | None" = None, columns: bool = False) -> Text:  # fmt: skip
    """`[/]  731d 6× 准备修改综述论文  :33`: the task once, where it lives now. Its age (days open,
    or the day it was done) and carry count come first, in columns: a long task's words are cut
    at the tree's edge, its life must not be. With `columns` (the vault's tasks have due dates or
    priorities), its due date and priority mark follow (`fields`: (due, priority, the text without
    its fields)), and the words are shown without the fields the columns show."""
    style = "dim" if t.closed else ""
    if t.done:
        when = f"✓{t.done_on:%m-%d}" if t.done_on is not None else "done"
    else:
        days = t.days_open(today)
        when = "" if t.closed or days is None else age(days)
    carried = f"{t.carried}×" if t.carried else ""
    where = f"  {_name(t.latest.note)}:{t.latest.line}" if note else f"  :{t.latest.line}"
    row = Text.assemble(checkbox(t.status), (f" {when:>6} {carried:>3} ", "dim" if t.closed else "#e0af68"))
    words = t.text
    if columns:
        due, priority, description = fields or (None, None, None)
        shown, urgency = due_cell(due, today)
        row.append(shown, "dim" if t.closed else urgency)  # a closed task's due date is no alarm
        row.append(" " + priority_cell(priority) + " ")
        words = description or words
    row.append_text(inline(words or "(empty)", style))
    row.append(where, "dim")
    return row


def routine_row(r: "Routine") -> Text:
    """`↻ 看看待研究与待整理  4/9 days · streak 1  ✓···✓·✓·✓` (its last days, newest right)."""
    days = r.days()
    record = "".join("✓" if done else "·" for _, done in days[-RECORD_DAYS:])
    return Text.assemble(
        ("↻ ", "#bb9af7"), inline(r.text), (f"  {r.done_days}/{len(days)} days", "dim"),
        (f" · streak {r.streak}" if r.streak else "", "dim"), ("  " + record, "#9ece6a"),
    )  # fmt: skip


def task_detail(
    t: "Task",
    today: dt.date,
    *,
    fields: "TaskFields | None" = None,
    entries: "list[tuple[str, Entry]] | None" = None,
    subtasks: "list[Task] | None" = None,
    history: str | None = None,
) -> Text:
    """The detail pane: id and life, the days it changed status, its fields, its sub-tasks and log.

    `entries` None: not read yet (a worker reads the notes); [] none."""
    out = Text()
    out.append_text(checkbox(t.status))
    out.append(" ")
    out.append_text(inline(t.text or "(empty)"))
    out.append(f"   {t.id}\n", "dim")
    first = t.first_seen
    if t.done:
        life = f"done {t.done_on}" if t.done_on else "done"
        days = t.days_open(today)
        if first and days is not None:
            life += f" after {days} days"
    else:
        days = t.days_open(today)
        life = status_word(t.status) + (f" {days} days" if days is not None else "")
    if first:
        life += f", since {first.isoformat()}"
    if t.carried:
        life += f" · carried {t.carried}×"
    section = " › ".join(t.latest.section)
    out.append(life, "#e0af68" if not t.closed else "")
    out.append(f" · now {t.latest.note}:{t.latest.line}" + (f" ({section})" if section else "") + "\n", "dim")
    changes = t.status_changes()
    days_in = len({o.day for o in t.occurrences if o.day is not None})
    parts = [f"{o.day.isoformat() if o.day else _name(o.note)} [{o.status}]" for o, _ in changes]
    out.append("life  ", "bold")
    out.append(" → ".join(parts) + f"  ({len(t.occurrences)} lines on {days_in} days)\n")
    if fields is not None:
        said = _fields(fields)
        if said:
            out.append("fields  ", "bold")
            out.append(said + "\n")
    if subtasks:
        open_ = sum(1 for s in subtasks if not s.closed)
        out.append("sub-tasks  ", "bold")
        out.append(f"{len(subtasks)} ({open_} open): " + " · ".join(f"[{s.status}] {s.text}" for s in subtasks[:4]) + "\n")
    if entries is None:
        out.append("log  ", "bold")
        out.append("reading …\n", "dim")
    elif entries:
        _, last = entries[-1]
        out.append("log  ", "bold")
        out.append(f"{len(entries)} entries, the last {stamp(last.timestamp, last.weekday)}: ")
        out.append_text(inline(last.text))
        out.append("\n")
    if history:
        out.append("git  ", "bold")
        out.append(history + "\n")
    out.rstrip()
    return out


def routine_detail(r: "Routine") -> Text:
    days = r.days()
    out = Text()
    out.append("↻ ", "#bb9af7")
    out.append_text(inline(r.text))
    out.append("   a routine of the daily template\n", "dim")
    if days:
        out.append(f"done on {r.done_days} of {len(days)} days ({days[0][0]} – {days[-1][0]})")
        if r.streak:
            out.append(f" · streak {r.streak}")
        last_done = next((d for d, done in reversed(days) if done), None)
        if last_done is not None:
            out.append(f" · last done {last_done}")
        out.append("\n")
        out.append("record  ", "bold")
        out.append(" ".join(f"{d:%m-%d}{'✓' if done else '·'}" for d, done in days[-RECORD_DAYS:]), "#9ece6a")
    else:
        out.append("not in any daily note yet")
    return out


def _fields(f: "TaskFields") -> str:
    said: list[str] = []
    for key, icon in (("due", "📅 due"), ("scheduled", "⏳ scheduled"), ("start", "🛫 starts"), ("created", "➕ created"),
                      ("done", "✅ done"), ("cancelled", "❌ cancelled")):  # fmt: skip
        value: Any = getattr(f, key)
        if value:
            said.append(f"{icon} {value}")
    if f.priority:
        said.append(f"priority {f.priority}")
    if f.recurrence:
        said.append(f"🔁 {f.recurrence}")
    if f.depends_on:
        said.append("⛔ " + ",".join(f.depends_on))
    if f.tags:
        said.append(" ".join(f.tags))
    return " · ".join(said)


def _name(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".md")
