"""`.labnotes.yaml` at the vault root: where daily notes live, the template, extra stamp formats.

Validated strictly: an unknown key or a bad value is a ConfigError whose message is one line
naming the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from labnotes.settings.tasks_plugin import TasksSettings, load_tasks_settings

CONFIG_NAME = ".labnotes.yaml"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class VaultConfig:
    # Folder (vault-relative) for new daily notes; {YYYY} {MM} {DD} are filled in.
    daily_folder: str = "Diary/{YYYY}"
    # File stem of a new daily note.
    daily_name: str = "{YYYY}-{MM}-{DD}"
    # Regex that finds a note's day in its file name: named groups Y, M, D.
    daily_pattern: str = r"(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})"
    # The daily template, vault-relative.
    template: str = "Template/Daily.md"
    # Extra timestamp formats: regexes with named groups Y M D (optional) h m, tried after the built-ins.
    timestamp_formats: tuple[str, ...] = ()
    # Carry unfinished tasks into a new note; limit to these top sections (None = every section).
    carry_over: bool = True
    carry_sections: tuple[str, ...] | None = None
    # Append " ✅ YYYY-MM-DD" when a task is toggled to done (the Obsidian Tasks plugin's habit).
    done_date: bool = False
    # The heading whose first table is the day's life table.
    life_section: str = "今日生活"
    # The vault's Obsidian Tasks settings (global filter, statuses, …), read from `.obsidian/`,
    # never from .labnotes.yaml.
    tasks: TasksSettings = TasksSettings()

    @property
    def daily_regex(self) -> re.Pattern[str]:
        return _compiled(self.daily_pattern)

    def day_in(self, name: str) -> dt.date | None:
        """The day `daily_pattern` finds in a file name or link target, if it is a real one."""
        m = self.daily_regex.search(name)
        if m is None:
            return None
        try:
            return dt.date(int(m.group("Y")), int(m.group("M")), int(m.group("D")))
        except (ValueError, IndexError):
            return None


@lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Settings that come from elsewhere in the vault, not from .labnotes.yaml.
_NOT_YAML_KEYS = {"tasks"}
_LIST_KEYS = {"timestamp_formats", "carry_sections"}
_BOOL_KEYS = {"carry_over", "done_date"}


def _check_regex(key: str, value: str, need: tuple[str, ...]) -> None:
    try:
        pattern = re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{CONFIG_NAME}: {key}: not a valid regular expression ({exc})") from None
    missing = [g for g in need if g not in pattern.groupindex]
    if missing:
        raise ConfigError(f"{CONFIG_NAME}: {key}: the pattern needs named groups {', '.join(missing)}")


def parse_config(data: Any) -> VaultConfig:
    if data is None:
        return VaultConfig()
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_NAME}: expected a mapping of settings, got {type(data).__name__}")
    known = {f.name for f in fields(VaultConfig)} - _NOT_YAML_KEYS
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{CONFIG_NAME}: unknown key {key!r} (known: {', '.join(sorted(known))})")
        if key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise ConfigError(f"{CONFIG_NAME}: {key}: expected true or false, got {value!r}")
        elif key in _LIST_KEYS:
            if key == "carry_sections" and value is None:
                pass
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{CONFIG_NAME}: {key}: expected a list of strings, got {value!r}")
            else:
                value = tuple(value)
        elif not isinstance(value, str) or not value:
            raise ConfigError(f"{CONFIG_NAME}: {key}: expected a non-empty string, got {value!r}")
        values[key] = value
    if "daily_pattern" in values:
        _check_regex("daily_pattern", values["daily_pattern"], ("Y", "M", "D"))
    for i, fmt in enumerate(values.get("timestamp_formats", ())):
        _check_regex(f"timestamp_formats[{i}]", fmt, ("h", "m"))
    return VaultConfig(**values)


def load_config(vault: Path) -> VaultConfig:
    """The vault's settings: .labnotes.yaml, and the Obsidian Tasks plugin's settings file."""
    return replace(_load_yaml_config(vault), tasks=load_tasks_settings(Path(vault)))


def _load_yaml_config(vault: Path) -> VaultConfig:
    path = Path(vault) / CONFIG_NAME
    if not path.is_file():
        return VaultConfig()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where}: not valid YAML") from None
    return parse_config(data)


__all__ = ["CONFIG_NAME", "ConfigError", "VaultConfig", "load_config", "parse_config"]
