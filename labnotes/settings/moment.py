"""Moment.js date formats, the language of Obsidian's date settings (`YYYY-MM-DD`, `YYYY/[Week] ww`).

Two directions: `format_moment(day, fmt)` writes a day in a format (a daily note's path, a
template's `{{date:FORMAT}}`), and `moment_regex(fmt)` reads one back: a regex with named groups
that `date_from_match` turns into the day, so a vault whose daily notes are named
`2024年12月1日 星期日` is read as it is written.

Tokens understood: YYYY YY gggg gg GGGG GG Q M MM MMM MMMM D DD Do DDD DDDD d dd ddd dddd E e W WW
w ww (w and ww count ISO weeks, as the zh-cn locale does) H HH h hh m mm s ss A a, and
`[literal text]`. Names follow the zh-cn locale (`dddd` → 星期一, `ddd` → 周一, `MMMM` → 十二月)
unless `locale="en"` is given; reading accepts either.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

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
TOKEN_RE = re.compile(
    r"\[[^\]]*\]|YYYY|YY|gggg|gg|GGGG|GG|Q|MMMM|MMM|MM|M|Do|DDDD|DDD|DD|D|dddd|ddd|dd|d|E|e|WW|W|ww|w"
    r"|HH|H|hh|h|mm|m|ss|s|A|a"
)


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
    iso_year, iso_week, _ = at.isocalendar()

    def token(m: re.Match[str]) -> str:
        t = m.group(0)
        if t.startswith("["):
            return t[1:-1]
        table = {
            "YYYY": f"{at.year:04d}",
            "YY": f"{at.year % 100:02d}",
            # Week years: the year the (ISO) week belongs to, as in `gggg-[W]ww`.
            "gggg": f"{iso_year:04d}",
            "gg": f"{iso_year % 100:02d}",
            "GGGG": f"{iso_year:04d}",
            "GG": f"{iso_year % 100:02d}",
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

    return TOKEN_RE.sub(token, fmt)


def _names(key: str) -> list[str]:
    return [name for locale in (ZH, EN) for name in locale[key]]


def _alternatives(words: list[str]) -> str:
    # Longest first: `十一月` before `一月`, `Monday` before `Mon`.
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_MONTH_NAMES = {name.casefold(): i % 12 + 1 for key in ("months", "months_short") for i, name in enumerate(_names(key))}

# What each token reads; only the day's parts (Y, M, D, day of year) are kept as groups.
_READ = {
    "YYYY": r"(?P<Y>\d{4})",
    "YY": r"(?P<YY>\d{2})",
    "gggg": r"\d{4}", "gg": r"\d{2}", "GGGG": r"\d{4}", "GG": r"\d{2}",
    "Q": r"[1-4]",
    "MMMM": rf"(?P<Mname>{_alternatives(_names('months'))})",
    "MMM": rf"(?P<Mname>{_alternatives(_names('months_short'))})",
    "MM": r"(?P<M>\d{2})",
    "M": r"(?P<M>\d{1,2})",
    "Do": r"(?P<D>\d{1,2})(?:st|nd|rd|th|日)",
    "DDDD": r"(?P<DOY>\d{3})",
    "DDD": r"(?P<DOY>\d{1,3})",
    "DD": r"(?P<D>\d{2})",
    "D": r"(?P<D>\d{1,2})",
    "dddd": rf"(?:{_alternatives(_names('weekdays'))})",
    "ddd": rf"(?:{_alternatives(_names('weekdays_short'))})",
    "dd": rf"(?:{_alternatives(_names('weekdays_min'))})",
    "d": r"[0-6]", "E": r"[1-7]", "e": r"[0-6]",
    "WW": r"\d{2}", "W": r"\d{1,2}", "ww": r"\d{2}", "w": r"\d{1,2}",
    "HH": r"\d{2}", "H": r"\d{1,2}", "hh": r"\d{2}", "h": r"\d{1,2}",
    "mm": r"\d{2}", "m": r"\d{1,2}", "ss": r"\d{2}", "s": r"\d{1,2}",
    "A": r"\S+?", "a": r"\S+?",
}


@lru_cache(maxsize=32)
def moment_regex(fmt: str) -> str:
    """A regex that reads what `format_moment(day, fmt)` writes (either locale's names).

    A token that appears twice (`YYYY/YYYY-MM-DD`) keeps its group the first time and only
    matches digits after that, since a regex group name may appear once.
    """
    out: list[str] = []
    seen: set[str] = set()
    pos = 0
    for m in TOKEN_RE.finditer(fmt):
        out.append(re.escape(fmt[pos : m.start()]))
        pos = m.end()
        t = m.group(0)
        if t.startswith("["):
            out.append(re.escape(t[1:-1]))
            continue
        piece = _READ[t]
        group = re.match(r"\(\?P<(\w+)>", piece)
        if group:
            if group.group(1) in seen:
                piece = "(?:" + piece[len(group.group(0)) :]
            seen.add(group.group(1))
        out.append(piece)
    out.append(re.escape(fmt[pos:]))
    return "".join(out)


def reads_a_day(fmt: str) -> bool:
    """Whether a name written in `fmt` says which day it is (a year and a month and day, or a day of the year)."""
    groups = re.compile(moment_regex(fmt)).groupindex
    has_year = "Y" in groups or "YY" in groups
    return has_year and ("DOY" in groups or (("M" in groups or "Mname" in groups) and "D" in groups))


def date_from_match(m: re.Match[str]) -> dt.date | None:
    """The day a `moment_regex` match names, None when it names no real day."""
    groups = m.groupdict()
    try:
        if groups.get("Y") is not None:
            year = int(groups["Y"])
        elif groups.get("YY") is not None:
            year = 2000 + int(groups["YY"])
        else:
            return None
        if groups.get("DOY") is not None:
            day = dt.date(year, 1, 1) + dt.timedelta(days=int(groups["DOY"]) - 1)
            return day if day.year == year and int(groups["DOY"]) >= 1 else None
        if groups.get("M") is not None:
            month = int(groups["M"])
        elif groups.get("Mname") is not None:
            month = _MONTH_NAMES[groups["Mname"].casefold()]
        else:
            return None
        return dt.date(year, month, int(groups["D"])) if groups.get("D") is not None else None
    except (ValueError, KeyError, OverflowError):
        return None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def guess_locale(text: str) -> str:
    """The names a template's author would write: Chinese when the template holds any Chinese,
    else English (Obsidian's setting for its language is not in the vault)."""
    return "zh-cn" if _CJK.search(text) else "en"


__all__ = ["EN", "LOCALES", "ZH", "date_from_match", "format_moment", "guess_locale", "moment_regex", "reads_a_day"]
