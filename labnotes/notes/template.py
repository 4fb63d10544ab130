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
| `{{yesterday}}`, `{{tomorrow}}` | the daily note name of the day before / after (from `daily_name` in `.labnotes.yaml`): `2024-12-01`, `2024-12-03`; write `[[{{yesterday}}]]` for a link |
| `{{yesterday:FORMAT}}`, `{{tomorrow:FORMAT}}` | that day in a moment.js format |
| `{{monday:FORMAT}}` … `{{sunday:FORMAT}}` | that weekday of the note's week (weeks start on Monday) |

Moment.js tokens understood: YYYY YY Q M MM MMM MMMM D DD Do DDD DDDD d dd ddd dddd E e W WW w ww
(w and ww count ISO weeks, as the zh-cn locale does)
H HH h hh m mm s ss A a, and `[literal text]`. Names follow the zh-cn locale (`dddd` → 星期一,
`ddd` → 周一, `MMMM` → 十二月) unless `locale="en"` is given.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from labnotes.settings.config import VaultConfig

ZH = {
    "weekdays": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
    "weekdays_short": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "weekdays_min": ["一", "二", "三", "四", "五", "六", "日"],
    "months": ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
    "months_short": [f"{i}月" for i in range(1, 13)],
}
EN = {
    "weekdays": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "weekdays_short": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    "weekdays_min": ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    "months": [calendar.month_name[i] for i in range(1, 13)],
    "months_short": [calendar.month_abbr[i] for i in range(1, 13)],
}
LOCALES = {"zh-cn": ZH, "zh": ZH, "en": EN}

# Longest tokens first, so `MMMM` is not read as `MM` + `MM`.
_TOKEN_RE = re.compile(
    r"\[[^\]]*\]|YYYY|YY|Q|MMMM|MMM|MM|M|Do|DDDD|DDD|DD|D|dddd|ddd|dd|d|E|e|WW|W|ww|w|HH|H|hh|h|mm|m|ss|s|A|a"
)
_VAR_RE = re.compile(r"\{\{\s*(?P<name>[A-Za-z]+)\s*(?P<offset>[+-]\d+[dwMy])?\s*(?::(?P<fmt>[^}]*?))?\s*\}\}")
_WEEKDAY_VARS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _ordinal(n: int, locale: str) -> str:
    if LOCALES[locale] is ZH:
        return f"{n}日"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _meridiem(hour: int, minute: int, locale: str, upper: bool) -> str:
    if LOCALES[locale] is ZH:
        # moment's zh-cn meridiem, by the clock
        hm = hour * 100 + minute
        for limit, word in ((600, "凌晨"), (900, "早上"), (1130, "上午"), (1230, "中午"), (1800, "下午")):
            if hm < limit:
                return word
        return "晚上"
    word = "am" if hour < 12 else "pm"
    return word.upper() if upper else word


def format_moment(when: dt.date | dt.datetime, fmt: str, locale: str = "zh-cn") -> str:
    """`when` in a moment.js format string (the formats Obsidian's date settings use)."""
    names = LOCALES[locale]
    at = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())
    wd = at.weekday()  # Monday = 0
    iso_week = at.isocalendar()[1]

    def token(m: re.Match[str]) -> str:
        t = m.group(0)
        if t.startswith("["):
            return t[1:-1]
        table = {
            "YYYY": f"{at.year:04d}",
            "YY": f"{at.year % 100:02d}",
            "Q": str((at.month - 1) // 3 + 1),
            "MMMM": names["months"][at.month - 1],
            "MMM": names["months_short"][at.month - 1],
            "MM": f"{at.month:02d}",
            "M": str(at.month),
            "Do": _ordinal(at.day, locale),
            "DDDD": f"{at.timetuple().tm_yday:03d}",
            "DDD": str(at.timetuple().tm_yday),
            "DD": f"{at.day:02d}",
            "D": str(at.day),
            "dddd": names["weekdays"][wd],
            "ddd": names["weekdays_short"][wd],
            "dd": names["weekdays_min"][wd],
            "d": str((wd + 1) % 7),  # moment: Sunday = 0
            "E": str(wd + 1),  # ISO: Monday = 1
            # Locale day of week; both locales here start the week on Monday like zh-cn, but `en`
            # (moment's default) starts on Sunday.
            "e": str(wd if LOCALES[locale] is ZH else (wd + 1) % 7),
            "WW": f"{iso_week:02d}",
            "W": str(iso_week),
            "ww": f"{iso_week:02d}",
            "w": str(iso_week),
            "HH": f"{at.hour:02d}",
            "H": str(at.hour),
            "hh": f"{(at.hour % 12) or 12:02d}",
            "h": str((at.hour % 12) or 12),
            "mm": f"{at.minute:02d}",
            "m": str(at.minute),
            "ss": f"{at.second:02d}",
            "s": str(at.second),
            "A": _meridiem(at.hour, at.minute, locale, True),
            "a": _meridiem(at.hour, at.minute, locale, False),
        }
        return table[t]

    return _TOKEN_RE.sub(token, fmt)


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
    """The file stem of `day`'s daily note (`daily_name` in `.labnotes.yaml`)."""
    return fill_date_fields(config.daily_name, day)


def fill_date_fields(pattern: str, day: dt.date) -> str:
    """`{YYYY}`, `{MM}`, `{DD}` of the config's folder and name patterns."""
    return pattern.replace("{YYYY}", f"{day.year:04d}").replace("{MM}", f"{day.month:02d}").replace("{DD}", f"{day.day:02d}")


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

    return _VAR_RE.sub(safe_var, text)


__all__ = ["daily_name", "fill_date_fields", "format_moment", "render", "shift"]
