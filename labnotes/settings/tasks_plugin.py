"""The vault's Obsidian Tasks settings: `.obsidian/plugins/obsidian-tasks-plugin/data.json`.

Read once with the vault's settings and handed to the parser through `VaultConfig.tasks`. The
file belongs to Obsidian and the plugin, not to labnotes: a missing file means the plugin's
defaults, and a broken one is never fatal (its `problem` says what was wrong, the defaults apply).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA_JSON = Path(".obsidian") / "plugins" / "obsidian-tasks-plugin" / "data.json"

# The plugin's status types; NON_TASK lines are neither open nor done.
STATUS_TYPES = ("TODO", "IN_PROGRESS", "ON_HOLD", "DONE", "CANCELLED", "NON_TASK")
OPEN_TYPES = frozenset({"TODO", "IN_PROGRESS", "ON_HOLD"})


@dataclass(frozen=True, slots=True)
class Status:
    symbol: str  # the character between the brackets
    name: str
    next_symbol: str  # what a toggle turns it into
    type: str  # one of STATUS_TYPES

    @property
    def is_done(self) -> bool:
        """Done in the plugin's sense (it is never blocked, never blocks): done, cancelled, non-task."""
        return self.type in ("DONE", "CANCELLED", "NON_TASK")


# The plugin's statuses when its settings name none (its core and default custom statuses).
DEFAULT_STATUSES: tuple[Status, ...] = (
    Status(" ", "Todo", "x", "TODO"),
    Status("x", "Done", " ", "DONE"),
    Status("/", "In Progress", "x", "IN_PROGRESS"),
    Status("-", "Cancelled", " ", "CANCELLED"),
)

# The plugin's own presets (`preset this_file`, `{{preset.this_file}}` in a query), before the vault's.
DEFAULT_PRESETS: tuple[tuple[str, str], ...] = (
    ("this_file", "path includes {{query.file.path}}"),
    ("this_folder", "folder includes {{query.file.folder}}"),
    ("this_folder_only", "filter by function task.file.folder === query.file.folder"),
    ("this_root", "root includes {{query.file.root}}"),
    ("hide_date_fields", "hide due date\nhide scheduled date\nhide start date\nhide created date\nhide done date\nhide cancelled date"),
    ("hide_non_date_fields", "hide id\nhide depends on\nhide recurrence rule\nhide on completion\nhide priority"),
    ("hide_query_elements", "hide toolbar\nhide postpone button\nhide edit button\nhide backlinks\nhide task count"),
    ("hide_everything", "preset hide_date_fields\npreset hide_non_date_fields\npreset hide_query_elements"),
)

# A symbol no setting names: the plugin's own guess by symbol, every other one is a todo.
_GUESSED_TYPES = {"x": "DONE", "X": "DONE", "/": "IN_PROGRESS", "-": "CANCELLED"}


@dataclass(frozen=True, slots=True)
class TasksSettings:
    """The settings labnotes follows; the defaults are the plugin's own defaults."""

    # True when the vault has the plugin's settings file (the vault uses Obsidian Tasks).
    present: bool = False
    # Only checkbox lines holding this text are tasks (empty: every checkbox line).
    global_filter: str = ""
    remove_global_filter: bool = False
    # "tasksPluginEmoji" or "dataview": the format written on toggle (both are read).
    task_format: str = "tasksPluginEmoji"
    set_done_date: bool = True
    set_cancelled_date: bool = True
    set_created_date: bool = False
    # Where a recurring task's next occurrence goes: False = above the done line (the default).
    recurrence_on_next_line: bool = False
    remove_scheduled_date_on_recurrence: bool = False
    statuses: tuple[Status, ...] = DEFAULT_STATUSES
    # Instructions put before every query block that does not say `ignore global query`.
    global_query: str = ""
    # Named query instructions: (name, instructions) pairs.
    presets: tuple[tuple[str, str], ...] = DEFAULT_PRESETS
    # What was wrong with data.json, when something was; the fields above are then defaults.
    problem: str | None = field(default=None, compare=False)

    def status(self, symbol: str) -> Status:
        """The status a checkbox character stands for (a made-up one for a symbol no setting names)."""
        for s in self.statuses:
            if s.symbol == symbol:
                return s
        kind = _GUESSED_TYPES.get(symbol, "TODO")
        return Status(symbol, "Unknown", " " if kind in ("DONE", "CANCELLED") else "x", kind)

    def next_status(self, status: Status) -> Status:
        return self.status(status.next_symbol) if status.next_symbol else status

    def next_recurrence_status(self, done: Status) -> Status:
        """The status of a recurring task's next occurrence: the first todo, else in-progress,
        status along the toggle chain after `done`, else a plain todo (as the plugin does)."""
        for wanted in ("TODO", "IN_PROGRESS"):
            s = self.next_status(done)
            for _ in range(len(self.statuses) + 1):
                if s.type == wanted:
                    return s
                s = self.next_status(s)
        return self.status(" ")

    def preset(self, name: str) -> str | None:
        return dict(self.presets).get(name)

    def is_task(self, body: str) -> bool:
        """Whether a checkbox line's text is a task under the global filter."""
        return not self.global_filter or self.global_filter in body


def _status(raw: Any, where: str) -> Status:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected an object")
    symbol, name, nxt, kind = raw.get("symbol"), raw.get("name", ""), raw.get("nextStatusSymbol", ""), raw.get("type", "TODO")
    if not isinstance(symbol, str) or len(symbol) != 1:
        raise ValueError(f"{where}: symbol must be one character, got {symbol!r}")
    if not isinstance(name, str) or not isinstance(nxt, str) or len(nxt) > 1:
        raise ValueError(f"{where}: name and nextStatusSymbol must be text (one character for the symbol)")
    if kind not in STATUS_TYPES:
        kind = "TODO"  # the plugin reads an unknown type as a todo
    return Status(symbol, name, nxt, kind)


def settings_from_data(data: Any) -> TasksSettings:
    """The settings in a parsed data.json; ValueError names the first setting that is unusable."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    values: dict[str, Any] = {"present": True}
    for key, name in (("globalFilter", "global_filter"), ("taskFormat", "task_format"), ("globalQuery", "global_query")):
        if key in data:
            if not isinstance(data[key], str):
                raise ValueError(f"{key}: expected text, got {data[key]!r}")
            values[name] = data[key].strip() if key == "globalFilter" else data[key]
    if values.get("task_format", "tasksPluginEmoji") not in ("tasksPluginEmoji", "dataview"):
        values["task_format"] = "tasksPluginEmoji"
    for key, name in (
        ("removeGlobalFilter", "remove_global_filter"),
        ("setDoneDate", "set_done_date"),
        ("setCancelledDate", "set_cancelled_date"),
        ("setCreatedDate", "set_created_date"),
        ("recurrenceOnNextLine", "recurrence_on_next_line"),
        ("removeScheduledDateOnRecurrence", "remove_scheduled_date_on_recurrence"),
    ):
        if key in data:
            if not isinstance(data[key], bool):
                raise ValueError(f"{key}: expected true or false, got {data[key]!r}")
            values[name] = data[key]
    raw = data.get("statusSettings")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ValueError("statusSettings: expected an object")
        statuses: list[Status] = []
        for group in ("coreStatuses", "customStatuses"):
            items = raw.get(group, [])
            if not isinstance(items, list):
                raise ValueError(f"statusSettings.{group}: expected a list")
            for i, item in enumerate(items):
                s = _status(item, f"statusSettings.{group}[{i}]")
                # The first status of a symbol wins, as in the plugin.
                if all(s.symbol != t.symbol for t in statuses):
                    statuses.append(s)
        if statuses:
            values["statuses"] = tuple(statuses)
    presets = data.get("presets")
    if presets is not None:
        if not isinstance(presets, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in presets.items()):
            raise ValueError("presets: expected an object of names and instruction texts")
        values["presets"] = tuple(presets.items())
    return TasksSettings(**values)


def load_tasks_settings(vault: Path) -> TasksSettings:
    """The vault's Tasks settings; defaults (present=False) when the plugin's file is missing."""
    path = Path(vault) / DATA_JSON
    if not path.is_file():
        return TasksSettings()
    try:
        return settings_from_data(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"cannot read: {exc}"
    except json.JSONDecodeError as exc:
        problem = f"line {exc.lineno}: not valid JSON"
    except ValueError as exc:
        problem = str(exc)
    return TasksSettings(present=True, problem=f"{DATA_JSON.as_posix()}: {problem}; using the plugin's defaults")


__all__ = [
    "DATA_JSON",
    "DEFAULT_STATUSES",
    "OPEN_TYPES",
    "STATUS_TYPES",
    "Status",
    "TasksSettings",
    "load_tasks_settings",
    "settings_from_data",
]
