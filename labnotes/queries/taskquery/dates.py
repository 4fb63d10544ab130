"""The dates and date ranges a query names: `2024-12-05`, `today`, `+7`, `in two weeks`,
`next monday`, `this week`, `2024-12-01 2024-12-31`, `2024-W49`, `2024-12`, `2024-Q4`, `2024`.

The words every labnotes command takes (`today`, `yesterday`, `tomorrow`, `+N`, `-N`, `YYYY-MM-DD`)
plus the ones Tasks users write most in their query blocks. Weeks run Monday to Sunday.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from labnotes.parse.dates import DateError, parse_date

_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
_WEEKDAYS = {name: i for i, names in enumerate(
    [("monday", "mon"), ("tuesday", "tue", "tues"), ("wednesday", "wed"), ("thursday", "thu", "thur", "thurs"),
     ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun")]) for name in names}
_OFFSET = re.compile(r"^(in )?(\d+|[a-z]+) (day|week|month|year)s?( ago| later| from now)?$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEEK = re.compile(r"^(\d{4})-w(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-q([1-4])$")
_YEAR = re.compile(r"^\d{4}$")
_RELATIVE_RANGE = re.compile(r"^(last|this|next) (week|month|quarter|year)$")


class DateWordError(ValueError):
    pass


def _add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _shift(today: dt.date, n: int, unit: str) -> dt.date:
    if unit == "day":
        return today + dt.timedelta(days=n)
    if unit == "week":
        return today + dt.timedelta(weeks=n)
    if unit == "month":
        return _add_months(today, n)
    return _add_months(today, 12 * n)


def parse_day(text: str, today: dt.date) -> dt.date:
    """One day; DateWordError for anything else."""
    word = " ".join(text.lower().split())
    if word == "now":
        return today
    if word in ("today", "tomorrow", "yesterday") or re.fullmatch(r"[+-]\d{1,5}", word) or _ISO.match(word):
        # The words every labnotes command takes: one reader for all of them.
        try:
            return parse_date(word, today=today)
        except DateError as exc:
            raise DateWordError(str(exc)) from None
    m = _OFFSET.match(word)
    if m and (m.group(1) or m.group(4)):
        count = int(m.group(2)) if m.group(2).isdigit() else _NUMBERS.get(m.group(2))
        if count is not None:
            sign = -1 if m.group(4) == " ago" else 1
            return _shift(today, sign * count, m.group(3))
    parts = word.split()
    if len(parts) == 2 and parts[0] in ("next", "last", "this") and parts[1] in _WEEKDAYS:
        target = _WEEKDAYS[parts[1]]
        if parts[0] == "next":
            return today + dt.timedelta(days=(target - today.weekday() - 1) % 7 + 1)
        if parts[0] == "last":
            return today - dt.timedelta(days=(today.weekday() - target - 1) % 7 + 1)
        return today + dt.timedelta(days=target - today.weekday())
    if len(parts) == 1 and word in _WEEKDAYS:  # the coming one, today included
        return today + dt.timedelta(days=(_WEEKDAYS[word] - today.weekday()) % 7)
    raise DateWordError(f"cannot read the date {text!r}")


def parse_range(text: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """A day or a range of days, both ends included; DateWordError for anything else."""
    word = " ".join(text.lower().split())
    m = _RELATIVE_RANGE.match(word)
    if m:
        step = {"last": -1, "this": 0, "next": 1}[m.group(1)]
        unit = m.group(2)
        if unit == "week":
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=step)
            return monday, monday + dt.timedelta(days=6)
        if unit == "month":
            first = _add_months(today.replace(day=1), step)
            return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if unit == "quarter":
            first = _add_months(dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1), 3 * step)
            last = _add_months(first, 2)
            return first, last.replace(day=calendar.monthrange(last.year, last.month)[1])
        return dt.date(today.year + step, 1, 1), dt.date(today.year + step, 12, 31)
    try:
        if (m := _WEEK.match(word)):
            monday = dt.date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return monday, monday + dt.timedelta(days=6)
        if (m := _MONTH.match(word)):
            year, month = int(m.group(1)), int(m.group(2))
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if (m := _QUARTER.match(word)):
            first = dt.date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
            last = _add_months(first, 2)
            return first, last.replace(day=calendar.monthrange(last.year, last.month)[1])
        if _YEAR.match(word):
            return dt.date(int(word), 1, 1), dt.date(int(word), 12, 31)
    except ValueError:
        raise DateWordError(f"not a real date range: {text}") from None
    parts = word.split()
    if len(parts) == 2 and _ISO.match(parts[0]) and _ISO.match(parts[1]):
        a, b = parse_day(parts[0], today), parse_day(parts[1], today)
        return (a, b) if a <= b else (b, a)
    day = parse_day(text, today)
    return day, day


__all__ = ["DateWordError", "parse_day", "parse_range"]
