"""Toggling a task as the Obsidian Tasks plugin does, as a pure function of the task's line.

Done appends `✅ today` (cancelled `❌ today`) when the plugin's settings say so, and leaving
done takes the date off; a recurring task toggled done gets its next occurrence on a new line
(above the done one, or below with the plugin's "next line" setting) with its dates moved by the
rule, its done, cancelled, id and dependency fields dropped; `🏁 delete` drops the done line.
Unlike the plugin, which writes the whole line anew, only the fields that change are edited: the
rest of the line keeps its bytes and its order.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from labnotes.parse.taskfields import FieldSpan, field_spans
from labnotes.settings.tasks_plugin import TasksSettings
from labnotes.tasks.recurrence import RecurrenceError, next_occurrence

# Quotes / callouts, indentation, list marker, then `[c]` and the rest of the line.
_TASK = re.compile(r"^(?P<lead>(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)(?P<status>[^\]\r\n])\](?P<rest>(?=[ \t]|$).*)$")
_BLOCK_ID = re.compile(r"[ \t]+\^[a-zA-Z0-9-]+$")

_EMOJI = {"done": "✅", "cancelled": "❌", "created": "➕"}
_DATAVIEW = {"done": "completion", "cancelled": "cancelled", "created": "created"}


class NotATaskLine(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class TaskToggle:
    old: str  # status character before
    new: str  # the toggled task's status character
    lines: tuple[str, ...]  # what replaces the task's line, in order: 0, 1 or 2 lines
    next_line: str | None = None  # the next occurrence of a recurring task, when one was written
    deleted: bool = False  # the done line was dropped (🏁 delete)


@dataclass(slots=True)
class _Line:
    lead: str  # up to and including "["
    rest_head: str  # the whitespace after "]"
    core: str  # the task's text without its block id and trailing whitespace
    block_id: str  # " ^abc", or ""
    tail: str  # trailing whitespace (a Markdown hard break is kept)

    def render(self, status: str, core: str | None = None, block_id: str | None = None) -> str:
        core = self.core if core is None else core
        block = self.block_id if block_id is None else block_id
        return f"{self.lead}{status}]{self.rest_head}{core}{block}{self.tail}"


def _split(line: str) -> tuple[_Line, str]:
    m = _TASK.match(line)
    if not m:
        raise NotATaskLine(line)
    rest = m.group("rest")
    content = rest.lstrip(" \t")
    head = rest[: len(rest) - len(content)]
    body = content.rstrip()
    tail = content[len(body):]
    block = _BLOCK_ID.search(body)
    block_id = body[block.start():] if block else ""
    core = body[: block.start()].rstrip() if block else body
    return _Line(m.group("lead"), head, core, block_id, tail), m.group("status")


def _field(name: str, day: dt.date, dataview: bool) -> str:
    if dataview:
        return f"  [{_DATAVIEW[name]}:: {day.isoformat()}]"
    return f" {_EMOJI[name]} {day.isoformat()}"


def _remove(core: str, spans: list[FieldSpan]) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        core = core[: span.start].rstrip(" \t") + core[span.end:]
    return core


def _replace_value(core: str, span: FieldSpan, value: str) -> str:
    text = core[span.start : span.end]
    assert span.value is not None
    at = text.rfind(span.value)
    return core[: span.start] + text[:at] + value + text[at + len(span.value):] + core[span.end:]


def _insert_before_dates(core: str, spans: list[FieldSpan], text: str) -> str:
    # The plugin writes the created date before start, scheduled and due.
    dates = [s for s in spans if s.name in ("start", "scheduled", "due")]
    if not dates:
        return core.rstrip() + text
    first = min(s.start for s in dates)
    return core[:first].rstrip(" \t") + text + " " + core[first:]


def _value(spans: list[FieldSpan], name: str) -> str | None:
    return next((s.value for s in spans if s.name == name), None)


def toggle_task_line(line: str, to: str | None, settings: TasksSettings, today: dt.date) -> TaskToggle:
    """The lines that replace a task's line when it is toggled (to `to`, else to its next status).
    Raises NotATaskLine for a line that holds no task."""
    parts, old = _split(line)
    old_status = settings.status(old)
    new_status = settings.status(to) if to is not None else settings.next_status(old_status)
    new = new_status.symbol
    if not settings.is_task(parts.core):
        # Not a Tasks task (the global filter leaves it out): only the checkbox changes.
        return TaskToggle(old, new, (parts.render(new),))

    spans = field_spans(parts.core)
    dataview = settings.task_format == "dataview"
    core = parts.core
    # The done and cancelled dates follow the status type: set when it is entered, kept while it
    # stays, taken off when it is left.
    for name, kind, enabled in (("done", "DONE", settings.set_done_date), ("cancelled", "CANCELLED", settings.set_cancelled_date)):
        own = [s for s in spans if s.name == name]
        if new_status.type == kind and old_status.type == kind:
            continue
        if own:
            core = _remove(core, own)
            spans = field_spans(core)
        if new_status.type == kind and enabled:
            core = core.rstrip() + _field(name, today, dataview)
            spans = field_spans(core)
    done_line = parts.render(new, core)

    became_done = new_status.type == "DONE" and old_status.type != "DONE"
    next_line = _next_occurrence(parts, settings, today, new_status, dataview) if became_done else None
    delete = became_done and (_value(field_spans(parts.core), "on_completion") or "").lower() == "delete"
    lines: list[str] = [] if delete else [done_line]
    if next_line is not None:
        lines = lines + [next_line] if settings.recurrence_on_next_line else [next_line] + lines
    return TaskToggle(old, new, tuple(lines), next_line, delete)


def _next_occurrence(parts: _Line, settings: TasksSettings, today: dt.date, done_status, dataview: bool) -> str | None:
    spans = field_spans(parts.core)
    rule = _value(spans, "recurrence")
    if not rule:
        return None
    try:
        occurrence = next_occurrence(
            rule, due=_value(spans, "due"), scheduled=_value(spans, "scheduled"), start=_value(spans, "start"),
            today=today, remove_scheduled=settings.remove_scheduled_date_on_recurrence,
        )  # fmt: skip
    except RecurrenceError:
        return None
    if occurrence is None:
        return None
    core = parts.core
    # Right to left, so the spans still to do keep their offsets.
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        if span.name in ("done", "cancelled", "id", "depends_on") or (span.name == "created" and not settings.set_created_date):
            core = _remove(core, [span])
        elif span.name in ("due", "scheduled", "start"):
            day = getattr(occurrence, span.name)
            core = _remove(core, [span]) if day is None else _replace_value(core, span, day.isoformat())
        elif span.name == "created":
            core = _replace_value(core, span, today.isoformat())
    if settings.set_created_date and not any(s.name == "created" for s in spans):
        core = _insert_before_dates(core, field_spans(core), _field("created", today, dataview))
    status = settings.next_recurrence_status(done_status).symbol
    # A block id names one line: the new occurrence gets none.
    return parts.render(status, core, block_id="")


__all__ = ["NotATaskLine", "TaskToggle", "toggle_task_line"]
