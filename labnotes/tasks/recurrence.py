"""A recurring task's next dates, from its rule text (`every week on Monday when done`).

The Obsidian Tasks plugin reads the rule with rrule.js, a port of python-dateutil's rrule; this
module reads the same words into dateutil's rrule and then applies the plugin's own rules on top:
- the reference date is the due date, else the scheduled date, else the start date (with
  "remove scheduled date on recurrence": due, start, scheduled); the other dates keep their distance
  to it; with no date at all the next occurrence has none;
- `when done` counts from the day the task is done instead of the reference date;
- `every month` / `every N months` / `every year` that land on a day the month lacks (31 April)
  move back to the month's last day, while a rule that names the day (`on the 31st`) skips such
  months, as the iCalendar rules say.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil import rrule as du

_WEEKDAYS = {
    "monday": du.MO, "tuesday": du.TU, "wednesday": du.WE, "thursday": du.TH, "friday": du.FR,
    "saturday": du.SA, "sunday": du.SU,
    "mon": du.MO, "tue": du.TU, "tues": du.TU, "wed": du.WE, "thu": du.TH, "thur": du.TH, "thurs": du.TH,
    "fri": du.FR, "sat": du.SA, "sun": du.SU,
}
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")]
    )
    for name in names
}
_UNITS = {"day": du.DAILY, "week": du.WEEKLY, "month": du.MONTHLY, "year": du.YEARLY}
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
_WORD_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}


class RecurrenceError(ValueError):
    """A rule that cannot be read; the message says which word."""


@dataclass(frozen=True, slots=True)
class Rule:
    text: str  # as written, "when done" included
    freq: int  # dateutil's DAILY, WEEKLY, MONTHLY, YEARLY
    interval: int = 1
    weekdays: tuple[du.weekday, ...] = ()  # with an n for "the 2nd Wednesday", "the last Friday"
    monthdays: tuple[int, ...] = ()  # 1..31, or -1 for "the last"
    months: tuple[int, ...] = ()
    when_done: bool = False

    def _rrule(self, start: dt.date) -> du.rrule:
        return du.rrule(
            self.freq,  # type: ignore[arg-type]  # one of dateutil's frequency constants
            dtstart=dt.datetime.combine(start, dt.time()),
            interval=self.interval,
            byweekday=self.weekdays or None,
            bymonthday=self.monthdays or None,
            bymonth=self.months or None,
        )

    def next_after(self, start: dt.date, after: dt.date) -> dt.date | None:
        """The first day after `after` of the rule counted from `start` (the plugin's `nextAfter`)."""
        nxt = self._after(self._rrule(start), after)
        if nxt is None:
            return None
        # A month or year that lacks the day: step back a day at a time until the next date is the
        # right number of months (years) on, so 31 January + 1 month is 28 February, not 31 March.
        if self.freq == du.MONTHLY and not self.monthdays and not self.weekdays:
            while nxt is not None and _months_between(after, nxt) > self.interval:
                after -= dt.timedelta(days=1)
                nxt = self._after(self._rrule(after), after)
        elif self.freq == du.YEARLY and not self.months:
            while nxt is not None and nxt.year - after.year > self.interval:
                after -= dt.timedelta(days=1)
                nxt = self._after(self._rrule(after), after)
        return nxt

    @staticmethod
    def _after(rule: du.rrule, day: dt.date) -> dt.date | None:
        found = rule.after(dt.datetime.combine(day, dt.time(23, 59, 59)))
        return found.date() if found is not None else None


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def _ordinal(word: str) -> int | None:
    if word in _WORD_ORDINALS:
        return _WORD_ORDINALS[word]
    m = _ORDINAL.match(word)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def parse_rule(text: str) -> Rule:
    """Read `every …` as the plugin does; RecurrenceError names what it could not read."""
    original = " ".join(text.split())
    words = re.findall(r"[a-z0-9]+", original.lower())
    when_done = words[-2:] == ["when", "done"]
    if when_done:
        words = words[:-2]
    if not words or words[0] != "every":
        raise RecurrenceError(f"a recurrence rule starts with 'every', got {original!r}")
    words = [w for w in words[1:] if w != "and"]
    interval = 1
    if words and words[0].isdigit():
        interval = int(words.pop(0))
        if interval < 1:
            raise RecurrenceError(f"{original!r}: the interval must be at least 1")
    if not words:
        raise RecurrenceError(f"{original!r}: every what? (day, week, month, year, a weekday or a month)")
    freq, weekdays, months = _unit(words, original)
    monthdays = _qualifiers(words, original, weekdays, months)
    if freq == du.WEEKLY and monthdays:
        raise RecurrenceError(f"{original!r}: a weekly rule cannot name a day of the month")
    return Rule(original, freq, interval, tuple(weekdays), tuple(monthdays), tuple(months), when_done)


def _weekday(word: str) -> du.weekday | None:
    return _WEEKDAYS.get(word) or _WEEKDAYS.get(word.rstrip("s"))


def _unit(words: list[str], original: str) -> tuple[int, list[du.weekday], list[int]]:
    """The frequency the word after `every` names (consumed from `words`), with the weekdays or
    months it lists: `every day`, `every weekday`, `every monday and friday`, `every january`."""
    head = words.pop(0)
    unit = head[:-1] if head.endswith("s") and head[:-1] in _UNITS else head
    if unit in _UNITS:
        return _UNITS[unit], [], []
    if head in ("weekday", "weekdays"):
        return du.WEEKLY, [du.MO, du.TU, du.WE, du.TH, du.FR], []
    if _weekday(head) is not None:
        weekdays = [_weekday(head)]
        while words and _weekday(words[0]) is not None:
            weekdays.append(_weekday(words.pop(0)))
        return du.WEEKLY, [w for w in weekdays if w is not None], []
    if head in _MONTHS:
        months = [_MONTHS[head]]
        while words and words[0] in _MONTHS:
            months.append(_MONTHS[words.pop(0)])
        return du.YEARLY, [], months
    raise RecurrenceError(f"{original!r}: cannot read {head!r} (expected day, week, month, year, a weekday or a month)")


def _qualifiers(words: list[str], original: str, weekdays: list[du.weekday], months: list[int]) -> list[int]:
    """Read the rest (`on the 1st`, `on the 2nd last friday`, `in june`) into `weekdays` and
    `months`; returns the days of the month it names."""
    monthdays: list[int] = []
    while words:
        word = words.pop(0)
        if word in ("on", "the", "of", "day"):
            continue
        if word == "in":
            while words and words[0] in _MONTHS:
                months.append(_MONTHS[words.pop(0)])
        elif word in _WEEKDAYS:
            weekdays.append(_WEEKDAYS[word])
        elif word in _MONTHS:
            months.append(_MONTHS[word])
        else:
            monthdays.extend(_ordinal_day(word, words, original, weekdays))
    return monthdays


def _ordinal_day(word: str, words: list[str], original: str, weekdays: list[du.weekday]) -> list[int]:
    """`2nd` alone is a day of the month; `2nd friday` or `2nd last friday` a weekday of it."""
    n = _ordinal(word)
    if n is None:
        if word in ("for", "until", "at", "times"):
            raise RecurrenceError(f"{original!r}: '{word} …' is not supported in a task's rule")
        raise RecurrenceError(f"{original!r}: cannot read {word!r}")
    if words and words[0] == "last" and n > 0:  # "the 2nd last Friday"
        words.pop(0)
        n = -n
    if words and words[0] in _WEEKDAYS:
        weekdays.append(_WEEKDAYS[words.pop(0)](n))
        return []
    return [n]


@dataclass(frozen=True, slots=True)
class Occurrence:
    """The dates of one occurrence of a recurring task."""

    start: dt.date | None = None
    scheduled: dt.date | None = None
    due: dt.date | None = None


def _day(value: str | dt.date | None) -> tuple[dt.date | None, bool]:
    """(the day, whether a date was written at all): an impossible date is written but no day."""
    if value is None or value == "":
        return None, False
    if isinstance(value, dt.date):
        return value, True
    try:
        return dt.date.fromisoformat(value), True
    except ValueError:
        return None, True


def next_occurrence(
    rule: str | Rule,
    *,
    due: str | dt.date | None = None,
    scheduled: str | dt.date | None = None,
    start: str | dt.date | None = None,
    today: dt.date,
    remove_scheduled: bool = False,
) -> Occurrence | None:
    """The next occurrence's dates when the task is done on `today`; None when there is none
    (an impossible reference date loses the recurrence, as in the plugin). RecurrenceError for a
    rule that cannot be read."""
    parsed = rule if isinstance(rule, Rule) else parse_rule(rule)
    dates = {"due": _day(due), "scheduled": _day(scheduled), "start": _day(start)}
    order = ("due", "start", "scheduled") if remove_scheduled else ("due", "scheduled", "start")
    ref_name = next((name for name in order if dates[name][1]), None)
    if ref_name is not None and dates[ref_name][0] is None:
        return None
    reference = dates[ref_name][0] if ref_name else None
    if parsed.when_done or reference is None:
        nxt = parsed.next_after(today, today)
    else:
        nxt = parsed.next_after(reference, reference)
    if nxt is None:
        return None
    if reference is None:
        return Occurrence()

    def moved(name: str) -> dt.date | None:
        day, written = dates[name]
        if not written:
            return None
        # An impossible lower date takes the reference date's new day, as in the plugin.
        return nxt + (day - reference) if day is not None else nxt

    drop_scheduled = remove_scheduled and (dates["start"][1] or dates["due"][1])
    return Occurrence(
        start=moved("start"),
        scheduled=None if drop_scheduled else moved("scheduled"),
        due=moved("due"),
    )


__all__ = ["Occurrence", "RecurrenceError", "Rule", "next_occurrence", "parse_rule"]
