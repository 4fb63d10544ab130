"""The one table of timestamp formats that start a log entry.

A format is a regex with named groups: Y M D (the day, optional when the note's day is
known), h m (the time) and optionally eh em (the end of a time range). A vault extends the
table through `timestamp_formats` in `.labnotes.yaml`; those are tried after the built-ins.
After the stamp come an optional weekday and a separator.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

BUILTIN_FORMATS: tuple[tuple[str, str], ...] = (
    # 2024-12-03-22:05, 2024-12-05-9:50 (the seed's own form)
    ("dash", r"(?P<Y>\d{4})-(?P<M>\d{1,2})-(?P<D>\d{1,2})-(?P<h>\d{1,2}):(?P<m>\d{2})"),
    # 2024 年 12 月 1 日-21:57
    # (one `\s*` on each side of the optional dash: two in a row would split a run of spaces
    # every possible way before failing)
    ("cjk", r"(?P<Y>\d{4})\s*年\s*(?P<M>\d{1,2})\s*月\s*(?P<D>\d{1,2})\s*日\s*(?:-\s*)?(?P<h>\d{1,2}):(?P<m>\d{2})"),
    # 2024-12-03 22:05, 2024-12-03T22:05
    ("iso", r"(?P<Y>\d{4})-(?P<M>\d{2})-(?P<D>\d{2})[T ](?P<h>\d{1,2}):(?P<m>\d{2})"),
    # 8:00-9:00 盖章 (a schedule line: one entry with a start and an end)
    ("range", r"(?P<h>\d{1,2}):(?P<m>\d{2})\s*[-–~～]\s*(?P<eh>\d{1,2}):(?P<em>\d{2})"),
    # 22:05 in a note whose day is known
    ("time", r"(?P<h>\d{1,2}):(?P<m>\d{2})"),
)

_WEEKDAYS = {
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}
WEEKDAY_RE = (
    r"(?:周|星期|礼拜)[一二三四五六日天]"
    r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?(?![A-Za-z])"
)
# Chinese words may follow a stamp directly (`16:52完成…`, `**23:08留言：…**`); a ratio may not
# (`1:10的比例`).
_CJK_WORD = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_WORDS_FOLLOW = re.compile(rf"(?!的?比例){_CJK_WORD}")
# After the stamp: optional weekday, then a separator, the end of the text, or Chinese words. A
# colon before a digit is not a separator, so "22:05:30" is not a stamp followed by "30"; nor is a
# dot before one ("15:51.5"), but `2024-11-15-15:51. 为…` is.
_TAIL = (
    # A 12-hour clock: `3:45 PM`, `10:30am`, `9:00-10:30 p.m.`.
    r"(?:\s?(?P<ampm>[AaPp])\.?[Mm]\.?(?![A-Za-z]))?"
    rf"(?:\s*(?P<weekday>{WEEKDAY_RE}))?"
    r"(?P<sep>\s*[：，,]\s*|\s*:(?!\d)\s*|\.(?=\s|$)\s*|\s+-\s+|\s+|$|)"
)


def weekday_number(word: str) -> int | None:
    """0 = Monday, for 周二 / 星期二 / Tue / Tuesday."""
    word = word.strip().rstrip(".")
    if word[:1] in "周星礼":
        return _WEEKDAYS.get(word[-1])
    return _WEEKDAYS.get(word[:3].lower())


@dataclass(frozen=True, slots=True)
class Stamp:
    start: dt.datetime
    end: dt.datetime | None
    weekday: str | None
    weekday_ok: bool
    length: int  # characters consumed: stamp, weekday and separator
    format: str


@dataclass(frozen=True, slots=True)
class StampError:
    message: str


_DATED = ("dash", "cjk", "iso")


class TimestampFormats:
    """The compiled table: `match(text, day)` reads a stamp at the start of text, `trailing(text)`
    a dated stamp that ends it."""

    def __init__(self, extra: tuple[str, ...] = ()) -> None:
        self.has_custom = bool(extra)
        table = list(BUILTIN_FORMATS) + [(f"custom{i}", f) for i, f in enumerate(extra)]
        self._formats = [(name, re.compile(rf"(?:{pattern}){_TAIL}")) for name, pattern in table]
        # After a space or separator, a date and time (and a weekday) end the text.
        self._trailing = [
            (name, re.compile(rf"(?<=[\s：:，,])(?:{pattern})(?:\s*(?P<weekday>{WEEKDAY_RE}))?[\s。.]*$"))
            for name, pattern in BUILTIN_FORMATS
            if name in _DATED
        ]

    def match(self, text: str, day: dt.date | None) -> Stamp | StampError | None:
        # Cheap pre-check: every built-in stamp starts with a digit.
        if not text or (not text[0].isdigit() and not self.has_custom):
            return None
        for name, regex in self._formats:
            m = regex.match(text)
            if m is None:
                continue
            groups = m.groupdict()
            if groups.get("Y") is None and day is None:
                # A bare time means nothing without the note's day.
                continue
            if groups["sep"] == "" and m.end() < len(text) and not _WORDS_FOLLOW.match(text, m.end()):
                continue
            return _stamp(m, name, day, m.end())
        return None

    def trailing(self, text: str) -> tuple[int, Stamp | StampError] | None:
        """A dated stamp at the end of `text` (`该表格绘制完毕：2024-09-25-22:17`): where it starts, and it."""
        tail = text[-60:]
        if not any(ch.isdigit() for ch in tail):
            return None
        for name, regex in self._trailing:
            m = regex.search(text, max(0, len(text) - 200))
            if m is not None:
                return m.start(), _stamp(m, name, None, m.end() - m.start())
        return None


def _stamp(m: re.Match[str], name: str, day: dt.date | None, length: int) -> Stamp | StampError:
    groups = m.groupdict()
    try:
        if groups.get("Y") is not None:
            date = dt.date(int(groups["Y"]), int(groups["M"]), int(groups["D"]))
        else:
            assert day is not None
            date = day
        hour, end_hour = _hours(groups)
        start = dt.datetime.combine(date, dt.time(hour, int(groups["m"])))
        end = None
        if end_hour is not None:
            end = dt.datetime.combine(date, dt.time(end_hour, int(groups["em"])))
    except (ValueError, OverflowError):
        return StampError(f"timestamp {m.group(0).strip()!r} is not a real date and time")
    except (KeyError, TypeError):  # a vault's own format that lacks the hour or the minutes
        return StampError(f"timestamp {m.group(0).strip()!r}: its format names no hour (h) and minutes (m)")
    weekday = groups.get("weekday")
    ok = True
    if weekday:
        ok = weekday_number(weekday) == start.weekday()
    return Stamp(start, end, weekday, ok, length, name)


def _hours(groups: dict[str, str | None]) -> tuple[int, int | None]:
    """The start and end hours on a 24-hour clock. `am` / `pm` after a range names the end's half
    of the day, and the start's too unless that would put the start after the end
    (`11:00-1:00 pm` is 11:00 to 13:00)."""
    h, eh = groups["h"], groups.get("eh")
    if h is None:
        raise TypeError("no hour")
    hour = int(h)
    end = int(eh) if eh is not None else None
    half = (groups.get("ampm") or "").lower()
    if not half:
        return hour, end
    if not 1 <= (end if end is not None else hour) <= 12 or not 1 <= hour <= 12:
        raise ValueError("a 12-hour clock runs from 1 to 12")
    shift = 12 if half == "p" else 0
    if end is None:
        return hour % 12 + shift, None
    end = end % 12 + shift
    start = hour % 12 + shift
    return (start if start <= end else hour % 12), end


@lru_cache(maxsize=16)
def formats_for(extra: tuple[str, ...] = ()) -> TimestampFormats:
    return TimestampFormats(extra)


WEEKDAY_NAMES_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
