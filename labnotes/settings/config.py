"""A vault's settings: Obsidian's own (`.obsidian/`) as the defaults, `.labnotes.yaml` over them.

`load_config(vault)` reads both. From `.obsidian/` (see `labnotes.settings.obsidian`): where
daily notes go and how they are named (a Moment format such as `YYYY/YYYY-MM-DD`), the daily
template, the template folders; the Obsidian Tasks plugin's settings (`tasks_plugin`).
`.labnotes.yaml` at the vault root may set any key of `VaultConfig`; setting any of
`daily_folder`, `daily_format`, `daily_name` sets the daily note's place as a whole (Obsidian's
folder and format are then not mixed in).

Validated strictly: an unknown key or a bad value is a ConfigError whose message is one line
naming the file and the key. Paths of notes and templates must stay inside the vault (no `..`,
nothing absolute); the experiments folder is the researcher's code and may be anywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from labnotes.fs.guard import UnsafeFile, read_regular
from labnotes.settings.moment import LOCALES, date_from_match, format_moment, moment_regex, reads_a_day
from labnotes.settings.obsidian import clean_path, read_obsidian
from labnotes.settings.slurm import SlurmSettings, parse_slurm
from labnotes.settings.tasks_plugin import TasksSettings, load_tasks_settings

CONFIG_NAME = ".labnotes.yaml"
# A settings file is a few lines; a bigger one is a mistake, not something to parse.
MAX_BYTES = 1 << 20
SEVERITIES = ("error", "warning", "info")
# Where a note's day is found when the daily format names none: an ISO date anywhere in the name.
ISO_DAY = r"(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})"


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class CheckConfig:
    """The `check:` section: kinds not reported, and kinds moved to another severity."""

    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VaultConfig:
    # Folder (vault-relative) of daily notes; "" is the vault root. {YYYY} {MM} {DD} are filled in.
    daily_folder: str = ""
    # A daily note's path under daily_folder, without `.md`, in Moment tokens (Obsidian's "format").
    daily_format: str = "YYYY-MM-DD"
    # The older way to say the file stem: {YYYY}, {MM}, {DD} filled in. Wins over daily_format.
    daily_name: str | None = None
    # Regex that finds a note's day in its file name (named groups Y, M, D); None: read the
    # daily format back, then an ISO date anywhere in the name.
    daily_pattern: str | None = None
    # The daily template (vault-relative), None for none: `new` then starts from an empty note.
    template: str | None = None
    # Folders whose notes are templates: no tasks, no checks, no warnings of their own.
    template_folders: tuple[str, ...] = ()
    # Single template files outside those folders (the daily template, Periodic Notes' templates).
    template_files: tuple[str, ...] = ()
    # The folder of experiments (with manifest.yaml), relative to the vault or absolute; None: none.
    experiments: str | None = None
    # Extra timestamp formats: regexes with named groups Y M D (optional) h m, tried after the built-ins.
    timestamp_formats: tuple[str, ...] = ()
    # Carry unfinished tasks into a new note; limit to these top sections (None = every section).
    carry_over: bool = True
    carry_sections: tuple[str, ...] | None = None
    # Append " ✅ YYYY-MM-DD" when a task is toggled done (the Obsidian Tasks plugin's habit).
    done_date: bool = False
    # The heading whose first table is the day's life table.
    life_section: str = "今日生活"
    # Names of days and months (`dddd`, `MMMM`) in templates and daily note names: zh-cn or en;
    # None: a template's own language (Chinese when it holds Chinese), zh-cn for note names.
    locale: str | None = None
    check: CheckConfig = CheckConfig()
    # What `rerun --on slurm` asks the scheduler for (labnotes.settings.slurm).
    slurm: SlurmSettings = SlurmSettings()
    # The vault's Obsidian Tasks settings (global filter, statuses, …), read from `.obsidian/`,
    # never from .labnotes.yaml.
    tasks: TasksSettings = TasksSettings()
    # What was passed over while reading the settings (an unreadable .obsidian file …): shown, not fatal.
    notices: tuple[str, ...] = field(default=(), compare=False, repr=False)

    # -- daily notes -------------------------------------------------------------------------

    @property
    def name_format(self) -> str:
        """The daily note's path under daily_folder in Moment tokens (daily_name translated)."""
        return _placeholders_to_moment(self.daily_name) if self.daily_name is not None else self.daily_format

    def daily_path(self, day: dt.date) -> PurePosixPath:
        """Vault-relative path of `day`'s daily note."""
        folder = fill_date_fields(self.daily_folder, day).strip("/")
        name = format_moment(day, self.name_format, self.locale or "zh-cn").strip("/")
        return PurePosixPath(folder, f"{name}.md") if folder else PurePosixPath(f"{name}.md")

    def daily_stem(self, day: dt.date) -> str:
        """The file name (without `.md`) of `day`'s daily note: what `[[…]]` links to it say."""
        return self.daily_path(day).stem

    def day_in(self, name: str) -> dt.date | None:
        """The day a file name (or link target) names, if it is a real one."""
        for regex in _day_regexes(self.daily_pattern, self.name_format):
            m = regex.search(name)
            if m is None:
                continue
            day = date_from_match(m)
            if day is not None:
                return day
        return None

    # -- templates ---------------------------------------------------------------------------

    def is_template(self, rel: str) -> bool:
        """Whether the vault path `rel` is a template (in a template folder, or a template file)."""
        lowered = rel.casefold()
        files = [t for t in (self.template, *self.template_files) if t]
        if any(lowered == t.casefold() for t in files):
            return True
        return any(f and lowered.startswith(f.casefold().rstrip("/") + "/") for f in self.template_folders)


def fill_date_fields(pattern: str, day: dt.date) -> str:
    """`{YYYY}`, `{MM}`, `{DD}` of the folder and name patterns."""
    return pattern.replace("{YYYY}", f"{day.year:04d}").replace("{MM}", f"{day.month:02d}").replace("{DD}", f"{day.day:02d}")


def _placeholders_to_moment(pattern: str) -> str:
    out, pos = [], 0
    for m in re.finditer(r"\{(YYYY|MM|DD)\}", pattern):
        if m.start() > pos:
            out.append(f"[{pattern[pos:m.start()]}]")
        out.append(m.group(1))
        pos = m.end()
    if pos < len(pattern):
        out.append(f"[{pattern[pos:]}]")
    return "".join(out)


@lru_cache(maxsize=16)
def _day_regexes(pattern: str | None, name_format: str) -> tuple[re.Pattern[str], ...]:
    if pattern is not None:
        return (re.compile(pattern),)
    stem = name_format.rsplit("/", 1)[-1]
    found = [re.compile(moment_regex(stem))] if reads_a_day(stem) else []
    return (*found, re.compile(ISO_DAY))


# -- reading .labnotes.yaml ----------------------------------------------------------------------

_KEYS = {
    f.name for f in fields(VaultConfig) if f.name not in ("template_files", "notices", "tasks")
}
_DAILY_KEYS = {"daily_folder", "daily_format", "daily_name"}
_BOOL_KEYS = {"carry_over", "done_date"}
_OPTIONAL = {"daily_pattern", "template", "experiments", "daily_name", "carry_sections", "locale"}


def _fail(key: str, message: str) -> ConfigError:
    return ConfigError(f"{CONFIG_NAME}: {key}: {message}")


def _check_regex(key: str, value: str, need: tuple[str, ...]) -> re.Pattern[str]:
    try:
        pattern = re.compile(value)
    except (re.error, RecursionError, OverflowError) as exc:
        raise _fail(key, f"not a valid regular expression ({exc})") from None
    missing = [g for g in need if g not in pattern.groupindex]
    if missing:
        raise _fail(key, f"the pattern needs named groups {', '.join(missing)}")
    return pattern


def _check_stamp_format(key: str, value: str) -> None:
    """A stamp format must name a whole day or none of it, and cannot match empty text: a
    format that lacks a part would pass here and fail on the first note it reads."""
    groups = _check_regex(key, value, ("h", "m")).groupindex
    day = [g for g in ("Y", "M", "D") if g in groups]
    if day and len(day) < 3:
        raise _fail(key, f"names {', '.join(day)} of the day but not {', '.join(g for g in 'YMD' if g not in day)}: give all three or none")
    if ("eh" in groups) != ("em" in groups):
        raise _fail(key, "a time range needs both eh and em")
    for name in groups:
        if name not in ("Y", "M", "D", "h", "m", "eh", "em"):
            raise _fail(key, f"unknown group {name!r} (known: Y M D h m eh em)")
    if re.compile(value).match("") is not None:
        raise _fail(key, "the pattern matches empty text")


def _check_vault_path(key: str, value: str) -> str:
    cleaned = clean_path(value)
    if cleaned is None or value.strip().startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:", value.strip()):
        raise _fail(key, f"{value!r} is not a path inside the vault (no '..', nothing absolute)")
    return cleaned


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(key, f"expected a list of strings, got {_short(value)}")
    return tuple(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_section(value: Any) -> CheckConfig:
    if value is None:
        return CheckConfig()
    if not isinstance(value, dict):
        raise _fail("check", f"expected a mapping (ignore:, severity:), got {_short(value)}")
    ignore: tuple[str, ...] = ()
    severity: list[tuple[str, str]] = []
    for key, item in value.items():
        if key == "ignore":
            ignore = _strings("check.ignore", item if item is not None else [])
        elif key == "severity":
            if not isinstance(item, dict):
                raise _fail("check.severity", f"expected a mapping of kind: error|warning|info, got {_short(item)}")
            for kind, level in item.items():
                if not isinstance(kind, str) or level not in SEVERITIES:
                    raise _fail(f"check.severity.{kind}", f"expected error, warning or info, got {_short(level)}")
                severity.append((kind, level))
        else:
            raise _fail("check", f"unknown key {key!r} (known: ignore, severity)")
    return CheckConfig(ignore, tuple(severity))


def _value(key: str, value: Any) -> Any:
    if key in _OPTIONAL and value is None:
        return None
    if key == "check":
        return _check_section(value)
    if key == "slurm":
        try:
            return parse_slurm(value)
        except ValueError as exc:
            raise _fail("slurm", str(exc)) from None
    if key in _BOOL_KEYS:
        if not isinstance(value, bool):
            raise _fail(key, f"expected true or false, got {_short(value)}")
        return value
    if key in ("timestamp_formats", "carry_sections", "template_folders"):
        items = _strings(key, value)
        if key == "template_folders":
            return tuple(_check_vault_path(key, v) for v in items)
        if key == "timestamp_formats":
            for i, fmt in enumerate(items):
                _check_stamp_format(f"timestamp_formats[{i}]", fmt)
        return items
    if key == "daily_folder" and isinstance(value, str) and value.strip() in ("", "/"):
        return ""  # the vault root, as Obsidian's empty folder setting
    if not isinstance(value, str) or not value.strip():
        raise _fail(key, f"expected a non-empty string, got {_short(value)}")
    if key == "locale" and value not in LOCALES:
        raise _fail(key, f"expected one of {', '.join(LOCALES)}, got {_short(value)}")
    if key == "daily_pattern":
        _check_regex(key, value, ("Y", "M", "D"))
    elif key == "template":
        return _check_vault_path(key, value)
    elif key == "daily_folder":
        return _check_vault_path(key, value)
    elif key in ("daily_format", "daily_name"):
        probe = VaultConfig(daily_name=value) if key == "daily_name" else VaultConfig(daily_format=value)
        written = str(probe.daily_path(dt.date(2024, 12, 31)))
        if any(part in ("..", ".") for part in PurePosixPath(written).parts) or written in (".md", "/.md"):
            raise _fail(key, f"{value!r} does not make a file name inside the daily folder")
    return value


def parse_config(data: Any, base: VaultConfig | None = None) -> VaultConfig:
    """`.labnotes.yaml`'s mapping over `base` (default: labnotes' defaults)."""
    base = base or VaultConfig()
    if data is None:
        return base
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_NAME}: expected a mapping of settings, got {type(data).__name__}")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key not in _KEYS:
            raise ConfigError(f"{CONFIG_NAME}: unknown key {_short(key)} (known: {', '.join(sorted(_KEYS))})")
        values[key] = _value(key, value)
    if _DAILY_KEYS & values.keys():
        # The place of daily notes is set as a whole: Obsidian's folder and format are not mixed in.
        for key in _DAILY_KEYS - values.keys():
            values[key] = getattr(VaultConfig(), key)
    merged = {f.name: getattr(base, f.name) for f in fields(VaultConfig)}
    merged.update(values)
    return VaultConfig(**merged)


def obsidian_defaults(vault: Path) -> VaultConfig:
    """The settings `.obsidian/` gives, over labnotes' defaults (Obsidian's own)."""
    found = read_obsidian(vault)
    values: dict[str, Any] = {"notices": tuple(found.notices)}
    if found.daily_folder is not None:
        values["daily_folder"] = found.daily_folder
    if found.daily_format is not None:
        values["daily_format"] = found.daily_format
    values["template"] = found.daily_template
    values["template_folders"] = tuple(found.template_folders)
    values["template_files"] = tuple(found.template_files)
    values["tasks"] = load_tasks_settings(Path(vault))
    return VaultConfig(**values)


class _Loader(yaml.SafeLoader):
    """YAML without dates: a settings value such as `2024-02-30` stays text instead of failing."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_yaml(path: Path, what: str = CONFIG_NAME) -> Any:
    """The YAML in `path`; ConfigError (one line, naming the file and line) for anything odd."""
    try:
        # The guarded open: a FIFO or device named like a settings file is refused, not waited on.
        data, _ = read_regular(path, max_bytes=MAX_BYTES)
        text = data.decode("utf-8-sig")
    except UnsafeFile as exc:
        raise ConfigError(f"{path}: {exc.reason.replace('a note', 'a ' + what)}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}:{where} not valid YAML ({problem})") from None
    except (ValueError, OverflowError, RecursionError, TypeError) as exc:
        # An explicit `!!timestamp 2024-02-30`, an int past Python's 4,300 digits, a nesting too deep.
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"{path}: a value cannot be read ({first[:120]})") from None


def load_config(vault: Path) -> VaultConfig:
    base = obsidian_defaults(Path(vault))
    path = Path(vault) / CONFIG_NAME
    if not path.exists() and not path.is_symlink():
        return base
    data = read_yaml(path)
    try:
        return parse_config(data, base)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {str(exc).removeprefix(CONFIG_NAME + ': ')}") from None


__all__ = [
    "CONFIG_NAME",
    "CheckConfig",
    "ConfigError",
    "SEVERITIES",
    "VaultConfig",
    "fill_date_fields",
    "load_config",
    "obsidian_defaults",
    "parse_config",
    "read_yaml",
]
