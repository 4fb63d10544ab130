"""Template variables, as Obsidian's Daily notes and Templates plugins fill them in.

The variables (spaces inside the braces are allowed, unknown ones are left as written, as
Obsidian leaves them):

| variable | becomes (for a note on Monday 2024-12-02 written at 09:05) |
| --- | --- |
| `{{date}}` | `2024-12-02` |
| `{{date:FORMAT}}` | the day in a moment.js format: `{{date:YYYY年M月D日 dddd}}` → `2024年12月2日 星期一` |
| `{{date+1d:FORMAT}}`, `{{date-1w}}` | a day counted from the note's day: units d, w, M (months), y |
| `{{time}}`, `{{time:FORMAT}}` | the time the note is written: `09:05` (default format `HH:mm`) |
| `{{title}}` | the new note's file name without `.md`: `2024-12-02` |
| `{{weekday}}` | the day's weekday as the researcher writes it: `周一` |
| `{{yesterday}}`, `{{tomorrow}}` | the daily note name of the day before / after (the vault's daily note format): `2024-12-01`, `2024-12-03`; write `[[{{yesterday}}]]` for a link |
| `{{yesterday:FORMAT}}`, `{{tomorrow:FORMAT}}` | that day in a moment.js format |
| `{{monday:FORMAT}}` … `{{sunday:FORMAT}}` | that weekday of the note's week (weeks start on Monday) |

Templater's plain-data commands (`<% tp.date.now("YYYY-MM-DD") %>`, `<% tp.file.title %>`) are
filled in too (`labnotes.notes.templater`); its JavaScript is left for Templater.

Moment.js tokens: see `labnotes.settings.moment` (the one formatter for templates and daily note
names). Names follow the zh-cn locale (`dddd` → 星期一, `ddd` → 周一, `MMMM` → 十二月) unless
`locale="en"` is given.
"""  # noqa: E501 (a table of the variables, one row a line)

from __future__ import annotations

import calendar
import datetime as dt
import re

from labnotes.settings.config import VaultConfig, fill_date_fields
from labnotes.settings.moment import LOCALES, format_moment

_VAR_RE = re.compile(r"\{\{\s*(?P<name>[A-Za-z]+)\s*(?P<offset>[+-]\d+[dwMy])?\s*(?::(?P<fmt>[^}]*?))?\s*\}\}")
_WEEKDAY_VARS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def shift(day: dt.date, offset: str) -> dt.date:
    """`day` moved by an offset like `+1d`, `-2w`, `+1M`, `-1y` (months clamp to the month's end)."""
    n, unit = int(offset[:-1]), offset[-1]
    if unit == "d":
        return day + dt.timedelta(days=n)
    if unit == "w":
        return day + dt.timedelta(weeks=n)
    months = day.year * 12 + day.month - 1 + (n if unit == "M" else 12 * n)
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def daily_name(config: VaultConfig, day: dt.date) -> str:
    """The file stem of `day`'s daily note (the vault's daily format)."""
    return config.daily_stem(day)


def render(
    text: str,
    *,
    day: dt.date,
    now: dt.datetime | None = None,
    title: str | None = None,
    config: VaultConfig | None = None,
    locale: str = "zh-cn",
) -> str:
    """The template `text` with its variables filled in for the note of `day`."""
    config = config or VaultConfig()
    now = now or dt.datetime.now()
    title = title if title is not None else daily_name(config, day)

    def var(m: re.Match[str]) -> str:
        name, offset, fmt = m.group("name"), m.group("offset"), m.group("fmt")
        fmt = fmt.strip() if fmt is not None else None  # `{{ date : YYYY }}` as Obsidian reads it
        key = name.lower()
        if key == "date":
            when = shift(day, offset) if offset else day
            return format_moment(when, fmt or "YYYY-MM-DD", locale)
        if offset:
            return m.group(0)  # only {{date}} takes an offset
        if key == "time":
            return format_moment(now, fmt or "HH:mm", locale)
        if key == "title" and fmt is None:
            return title
        if key == "weekday" and fmt is None:
            return LOCALES[locale]["weekdays_short"][day.weekday()]
        if key in ("yesterday", "tomorrow"):
            other = day + dt.timedelta(days=-1 if key == "yesterday" else 1)
            return format_moment(other, fmt, locale) if fmt else daily_name(config, other)
        if key in _WEEKDAY_VARS and fmt:
            monday = day - dt.timedelta(days=day.weekday())
            return format_moment(monday + dt.timedelta(days=_WEEKDAY_VARS.index(key)), fmt, locale)
        return m.group(0)

    def safe_var(m: re.Match[str]) -> str:
        # A day past the calendar's ends ({{tomorrow}} of 9999-12-31, {{date+99999y}}) has no
        # name: the variable stays as written, as Obsidian leaves what it cannot fill.
        try:
            return var(m)
        except (OverflowError, ValueError):
            return m.group(0)

    from labnotes.notes.templater import fill_templater

    filled, _ = fill_templater(_VAR_RE.sub(safe_var, text), now=now, title=title, locale=locale)
    return filled


__all__ = ["daily_name", "fill_date_fields", "format_moment", "render", "shift"]
