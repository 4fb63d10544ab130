"""The Obsidian Tasks fields of one task line: dates, priority, recurrence, id, dependencies.

Read as the plugin reads them: from the end of the line backwards, one field at a time, until
nothing more matches — so text after the fields stops the read, and `📅 2024-12-05 call Bob`
has no due date. Tags at the end may sit between fields (`#a 📅 2024-12-05 #b`): they are set aside
and put back on the description. Both formats are read on every line: the emoji format
(`📅 2024-12-05`, `⏫`, `🔁 every week`) and Dataview fields (`[due:: 2024-12-05]`,
`(priority:: high)`); the plugin's own setting only says which one it writes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from labnotes.parse.inline import scan
from labnotes.parse.model import Note, ParseWarning, TaskFields
from labnotes.settings.tasks_plugin import TasksSettings

_VS16 = "\ufe0f?"  # an optional emoji variation selector, as typed on some keyboards
_DATE = r"(\d{4}-\d{2}-\d{2})"
_ID = r"[a-zA-Z0-9\-_]+"
_IDS = rf"{_ID}(?: *, *{_ID} *)*"

_PRIORITY_EMOJI = {"🔺": "highest", "⏫": "high", "🔼": "medium", "🔽": "low", "⏬": "lowest"}


def _emoji(symbols: str, value: str) -> re.Pattern[str]:
    return re.compile(f"(?:{symbols}){_VS16} *{value}$")


def _dataview(key: str, value: str) -> re.Pattern[str]:
    # [key:: value] or (key:: value), never a mixed pair; a trailing comma is allowed.
    inner = f" *{key}:: *{value} *"
    return re.compile(rf"(?:\[{inner}\]|\({inner}\))(?: *,)?$")


# In the plugin's order of trying; each name is tried in both formats.
_FIELDS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("priority", re.compile(f"(🔺|⏫|🔼|🔽|⏬){_VS16}$"), _dataview("priority", "(highest|high|medium|low|lowest)")),
    ("done", _emoji("✅", _DATE), _dataview("completion", _DATE)),
    ("cancelled", _emoji("❌", _DATE), _dataview("cancelled", _DATE)),
    ("due", _emoji("📅|📆|🗓", _DATE), _dataview("due", _DATE)),
    ("scheduled", _emoji("⏳|⌛", _DATE), _dataview("scheduled", _DATE)),
    ("start", _emoji("🛫", _DATE), _dataview("start", _DATE)),
    ("created", _emoji("➕", _DATE), _dataview("created", _DATE)),
    ("recurrence", _emoji("🔁", r"([a-zA-Z0-9, !]+)"), _dataview("repeat", r"([a-zA-Z0-9, !]+)")),
    ("on_completion", _emoji("🏁", r"([a-zA-Z]+)"), _dataview("onCompletion", r"([a-zA-Z]+)")),
    ("tag", re.compile(r'(?:^|\s)#[^ !@#$%^&*(),.?":{}|<>]+$'), re.compile(r"(?!)")),
    ("id", _emoji("🆔", f"({_ID})"), _dataview("id", f"({_ID})")),
    ("depends_on", _emoji("⛔", f"({_IDS})"), _dataview("dependsOn", f"({_IDS})")),
)
# The characters one of which a field's emoji form needs: a field whose triggers are absent is not tried.
_TRIGGERS = {
    "priority": "🔺⏫🔼🔽⏬", "done": "✅", "cancelled": "❌", "due": "📅📆🗓", "scheduled": "⏳⌛", "start": "🛫",
    "created": "➕", "recurrence": "🔁", "on_completion": "🏁", "tag": "#", "id": "🆔", "depends_on": "⛔",
}
_DATES = ("done", "cancelled", "due", "scheduled", "start", "created")
_MAX_RUNS = 20  # the plugin's guard against a line that never stops matching

# A line with none of these cannot hold a field: most lines skip the backwards read.
_MAYBE = re.compile("[🔺⏫🔼🔽⏬✅❌📅📆🗓⏳⌛🛫➕🔁🏁🆔⛔#]|::")
# A task's source line: quotes / callouts, indentation, list marker, checkbox, then its text.
_TASK_LINE = re.compile(r"^[\s>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[(.)\][ \t]*(.*)$")
_BLOCK_ID = re.compile(r" \^[a-zA-Z0-9-]+$")
_SPACES = re.compile(r"\s{2,}")


def add_task_fields(note: Note, src: list[str], settings: TasksSettings) -> None:
    """Give each task item of a parsed note its fields, read from its own source line."""
    tags: dict[int, list[str]] = {}
    for tag in note.tags:
        tags.setdefault(tag.line, []).append(tag.tag)
    for item in note.list_items:
        if item.task is None:
            continue
        raw = src[item.line - 1] if item.line <= len(src) else ""
        m = _TASK_LINE.match(raw)
        body = m.group(2) if m else item.text
        item.fields = read_task_fields(body, item.line, item.task, settings, note.warnings, line_tags=tags.get(item.line, []))


def read_task_fields(
    body: str, line: int, status: str, settings: TasksSettings, warnings: list[ParseWarning],
    line_tags: list[str] | None = None,
) -> TaskFields | None:
    """The fields of the task whose text after `[status]` is `body` (one source line), or None
    when the vault's global filter leaves the line out. Impossible dates add a warning.
    `line_tags`, the tags the parser found on that line, saves scanning the text for them again."""
    body = body.strip()
    tail = _BLOCK_ID.search(body)
    if tail:
        body = body[: tail.start()].rstrip()
    if not settings.is_task(body):
        return None
    kind = settings.status(status)
    fields = TaskFields(description=body, status_type=kind.type, status_name=kind.name)
    if _MAYBE.search(body):
        _read_backwards(fields, body, line, warnings)
    if settings.global_filter and settings.remove_global_filter:
        # Only the filter as a word of its own: `#task/sub` keeps its `#task`.
        alone = re.compile(rf"(?<!\S){re.escape(settings.global_filter)}(?!\S)")
        fields.description = _SPACES.sub(" ", alone.sub("", fields.description)).strip()
    if "#" in fields.description:
        # Fields hold no tags, so the line's tags are the description's.
        tags = line_tags if line_tags is not None else [tag for _, tag in scan(fields.description).tags]
        fields.tags = [t for t in tags if t != settings.global_filter] if settings.global_filter else list(tags)
    return fields


@dataclass(frozen=True, slots=True)
class FieldSpan:
    """Where one field sits in a task's text (offsets into the text given to `field_spans`)."""

    name: str  # "due", "priority", "recurrence", "tag", …
    start: int
    end: int
    value: str | None
    dataview: bool  # written as `[key:: value]` / `(key:: value)`


def field_spans(text: str) -> list[FieldSpan]:
    """The fields at the end of a task's text (its block id already taken off), last one first,
    read as the plugin reads them. Tags among the fields are spans too (name "tag")."""
    spans: list[FieldSpan] = []
    text = text.rstrip()
    if not _MAYBE.search(text):
        return spans
    dataview_too = "::" in text
    tried = [f for f in _FIELDS if dataview_too or any(c in text for c in _TRIGGERS[f[0]])]
    for _ in range(_MAX_RUNS + 1):
        matched = False
        for name, emoji, dataview in tried:
            m = emoji.search(text)
            is_dataview = False
            if m is None and "::" in text:
                m = dataview.search(text)
                is_dataview = m is not None
            if m is None:
                continue
            matched = True
            value = next((g for g in m.groups() if g is not None), None)
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()) if name == "tag" else 0)
            spans.append(FieldSpan(name, start, m.end(), value, is_dataview))
            text = text[: m.start()].rstrip()
        if not matched:
            break
    return spans


def _read_backwards(fields: TaskFields, text: str, line: int, warnings: list[ParseWarning]) -> None:
    spans = field_spans(text)
    trailing_tags: list[str] = []
    for span in spans:
        name, value = span.name, span.value
        if name == "tag":
            trailing_tags.insert(0, text[span.start : span.end])
        elif name == "priority":
            assert value is not None
            fields.priority = _PRIORITY_EMOJI.get(value, value.lower())
        elif name == "recurrence":
            assert value is not None
            fields.recurrence = value.strip()
        elif name == "on_completion":
            assert value is not None
            action = value.lower()
            # Any other word means "nothing special", as in the plugin.
            fields.on_completion = action if action in ("delete", "keep") else None
        elif name == "depends_on":
            assert value is not None
            fields.depends_on = [i for i in value.replace(" ", "").split(",") if i]
        else:
            setattr(fields, name, value)
            if name in _DATES and value is not None and not _real_day(value):
                warnings.append(ParseWarning(line, f"{name} date {value} does not exist", "date"))
    head = text[: spans[-1].start].strip() if spans else text
    if trailing_tags:
        head = f"{head} {' '.join(trailing_tags)}" if head else " ".join(trailing_tags)
    fields.description = head


def _real_day(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


__all__ = ["FieldSpan", "add_task_fields", "field_spans", "read_task_fields"]
