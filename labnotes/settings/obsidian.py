"""What a vault's `.obsidian/` folder already says about its daily notes and templates.

Read, never written: the Daily notes core plugin (`daily-notes.json`: folder, Moment format,
template), the Templates core plugin (`templates.json`: folder), and, when present, the Periodic
Notes plugin (its daily note settings win over the core plugin's while it is enabled, as in
Obsidian) and Templater (its templates folder). A file that is missing, unreadable or not what
Obsidian writes is passed over with a notice; Obsidian's own defaults fill the gaps (daily notes
at the vault root named `YYYY-MM-DD`, no template).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from labnotes.fs.guard import UnsafeFile, read_regular

CONFIG_FOLDER = ".obsidian"
# Settings files are a few hundred bytes; anything this big is not one.
MAX_BYTES = 1 << 20
PERIODS = ("daily", "weekly", "monthly", "quarterly", "yearly")


@dataclass(slots=True)
class ObsidianSettings:
    """The parts of `.obsidian/` labnotes uses; None where the vault says nothing."""

    daily_folder: str | None = None
    daily_format: str | None = None
    daily_template: str | None = None
    template_folders: list[str] = field(default_factory=list)
    # Templates named one by one (Periodic Notes' weekly, monthly … templates).
    template_files: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _read_json(path: Path, notices: list[str]) -> Any:
    if not path.exists():
        return None
    try:
        data, _ = read_regular(path, max_bytes=MAX_BYTES)
        return json.loads(data.decode("utf-8-sig"))
    except UnsafeFile as exc:
        notices.append(f"{path}: {exc.reason.replace('; not read', '')}, passed over")
        return None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        notices.append(f"{path}: not readable as Obsidian writes it ({type(exc).__name__}), passed over")
        return None


def clean_path(value: Any) -> str | None:
    """A vault-relative folder or file as Obsidian stores it (`/Diary/`, `Diary`, ``) -> `Diary`;
    None for anything that is not a plain path inside the vault."""
    if not isinstance(value, str):
        return None
    text = value.strip().replace("\\", "/").strip("/")
    if "\0" in text:
        return None
    parts = PurePosixPath(text).parts if text else ()
    if any(p == ".." for p in parts) or (parts and ":" in parts[0]):
        return None
    return "/".join(p for p in parts if p != ".")


def note_path(value: Any) -> str | None:
    """A template as Obsidian names it (`Template/Daily`, `Templates/Daily.md`) -> its file."""
    path = clean_path(value)
    if not path:
        return None
    return path if path.lower().endswith(".md") else f"{path}.md"


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _enabled_plugins(folder: Path, notices: list[str]) -> set[str]:
    data = _read_json(folder / "community-plugins.json", notices)
    return {p for p in data if isinstance(p, str)} if isinstance(data, list) else set()


def _periodic(data: Any) -> dict[str, dict[str, Any]]:
    """Periodic Notes' settings per period, in either of the shapes its versions write."""
    if not isinstance(data, dict):
        return {}
    out: dict[str, dict[str, Any]] = {}
    # 1.x: {"daily": {"enabled", "folder", "format", "template"}, "weekly": {…}}
    for period in PERIODS:
        if isinstance(data.get(period), dict):
            out[period] = data[period]
    # 2.x (beta): {"calendarSets": [{"day": {"enabled", "folder", "format", "templatePath"}, "week": …}]}
    sets = data.get("calendarSets")
    if isinstance(sets, list) and sets and isinstance(sets[0], dict):
        names = {"day": "daily", "week": "weekly", "month": "monthly", "quarter": "quarterly", "year": "yearly"}
        for key, period in names.items():
            item = sets[0].get(key)
            if isinstance(item, dict):
                out.setdefault(period, {**item, "template": item.get("templatePath", item.get("template"))})
    return out


def read_obsidian(vault: Path) -> ObsidianSettings:
    folder = Path(vault) / CONFIG_FOLDER
    found = ObsidianSettings()
    if not folder.is_dir():
        return found
    notices = found.notices

    daily = _read_json(folder / "daily-notes.json", notices)
    if isinstance(daily, dict):
        found.daily_folder = clean_path(daily.get("folder"))
        found.daily_format = _text(daily.get("format"))
        found.daily_template = note_path(daily.get("template"))
        if daily.get("folder") and found.daily_folder is None:
            notices.append(f"{folder / 'daily-notes.json'}: folder {daily.get('folder')!r} is not inside the vault, passed over")

    templates = _read_json(folder / "templates.json", notices)
    if isinstance(templates, dict) and clean_path(templates.get("folder")):
        found.template_folders.append(clean_path(templates.get("folder")))  # type: ignore[arg-type]

    plugins = folder / "plugins"
    enabled = _enabled_plugins(folder, notices)
    templater = _read_json(plugins / "templater-obsidian" / "data.json", notices)
    if isinstance(templater, dict):
        where = clean_path(templater.get("templates_folder"))
        if where and where not in found.template_folders:
            found.template_folders.append(where)

    periods = _periodic(_read_json(plugins / "periodic-notes" / "data.json", notices))
    for item in periods.values():
        template = note_path(item.get("template"))
        if template and template not in found.template_files:
            found.template_files.append(template)
    day = periods.get("daily")
    if day and day.get("enabled") and "periodic-notes" in enabled:
        # While Periodic Notes is on, it makes the daily notes; its empty fields mean Obsidian's defaults.
        found.daily_folder = clean_path(day.get("folder"))
        found.daily_format = _text(day.get("format"))
        found.daily_template = note_path(day.get("template"))
    if found.daily_template and found.daily_template not in found.template_files:
        found.template_files.insert(0, found.daily_template)
    return found


__all__ = ["CONFIG_FOLDER", "ObsidianSettings", "clean_path", "note_path", "read_obsidian"]
