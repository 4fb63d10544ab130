"""Filter instructions of a Tasks query, each read into a test of one task.

`done`, `not done`, `due before tomorrow`, `has scheduled date`, `path includes Diary`,
`tags include #paper`, `priority is above none`, `status.type is IN_PROGRESS`, `is blocked`,
`is recurring`, and any of them combined with AND, OR, XOR, NOT inside ( ) [ ] { } or " ".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

from labnotes.queries.taskquery.dates import DateWordError, parse_range
from labnotes.queries.taskquery.model import PRIORITY_NAMES, PRIORITY_NUMBER, QueryTask
from labnotes.settings.tasks_plugin import STATUS_TYPES

Filter = Callable[[QueryTask], bool]


class InstructionError(ValueError):
    """An instruction that cannot be read; the message says what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Context:
    today: dt.date
    global_filter: str = ""


# Date keyword in a query → the task's date field ("starts" reads the start date).
_DATE_WORDS = {"due": "due", "scheduled": "scheduled", "starts": "start", "start": "start", "done": "done",
               "created": "created", "cancelled": "cancelled", "happens": "happens"}
_HAS_DATE = re.compile(r"^(has|no) (due|scheduled|start|done|created|cancelled|happens) date$")
_INVALID_DATE = re.compile(r"^(due|scheduled|start|done|created|cancelled) date is invalid$")
_DATE_FILTER = re.compile(
    r"^(due|scheduled|starts|done|created|cancelled|happens)"
    r"(?: (on or before|on or after|in or before|in or after|before|after|on|in))? (.+)$"
)
_TEXT_FILTER = re.compile(
    r"^(description|path|heading|filename|folder|root|status\.name|recurrence|id|tags?)"
    r" (includes|does not include|include|do not include|regex matches|regex does not match) (.*)$",
    re.IGNORECASE,
)
_PRIORITY = re.compile(r"^priority is(?: (above|below|not))? (\w+)$")
_STATUS_TYPE = re.compile(r"^status\.type (is|is not) (\w+)$", re.IGNORECASE)
_FIXED: dict[str, Filter] = {
    "done": lambda t: t.done,
    "not done": lambda t: not t.done,
    "is blocked": lambda t: t.blocked,
    "is not blocked": lambda t: not t.blocked,
    "is blocking": lambda t: t.blocking,
    "is not blocking": lambda t: not t.blocking,
    "is recurring": lambda t: bool(t.fields.recurrence),
    "is not recurring": lambda t: not t.fields.recurrence,
    "has tags": lambda t: bool(t.fields.tags),
    "no tags": lambda t: not t.fields.tags,
    "has id": lambda t: bool(t.fields.id),
    "no id": lambda t: not t.fields.id,
    "has depends on": lambda t: bool(t.fields.depends_on),
    "no depends on": lambda t: not t.fields.depends_on,
    "exclude sub-items": lambda t: t.parent_line is None,
}


def parse_filter(text: str, ctx: Context) -> Filter:
    """One filter instruction (maybe a boolean combination); InstructionError when unreadable."""
    text = text.strip()
    if text[:1] in _OPENERS or text.startswith("NOT "):
        return BooleanParser(text, ctx).parse()
    return _simple(text, ctx)


def _simple(text: str, ctx: Context) -> Filter:
    line = " ".join(text.split())
    low = line.lower()
    if low in _FIXED:
        return _FIXED[low]
    if (m := _HAS_DATE.match(low)):
        want, name = m.group(1) == "has", m.group(2)
        if name == "happens":
            return lambda t: bool(t.happens()) == want
        return lambda t: t.date(name)[0] == want
    if (m := _INVALID_DATE.match(low)):
        name = m.group(1)
        return lambda t: t.date(name) == (True, None)
    if (m := _PRIORITY.match(low)):
        return _priority(m.group(1), m.group(2), line)
    if (m := _STATUS_TYPE.match(line)):
        kind = m.group(2).upper()
        if kind not in STATUS_TYPES:
            raise InstructionError(f"status.type: expected one of {', '.join(STATUS_TYPES)}, got {m.group(2)!r}")
        if m.group(1).lower() == "is":
            return lambda t: t.fields.status_type == kind
        return lambda t: t.fields.status_type != kind
    if (m := _TEXT_FILTER.match(line)):
        return _text(m.group(1).lower(), m.group(2).lower(), m.group(3), ctx)
    if (m := _DATE_FILTER.match(low)):
        return _date(_DATE_WORDS[m.group(1)], m.group(2), line[m.start(3):], ctx)
    if low.startswith("filter by function"):
        raise InstructionError("'filter by function' runs JavaScript, which labnotes does not")
    raise InstructionError("do not understand this instruction")


def _priority(how: str | None, name: str, line: str) -> Filter:
    if name not in PRIORITY_NAMES:
        raise InstructionError(f"priority: expected lowest, low, none, medium, high or highest, got {name!r}")
    n = PRIORITY_NUMBER[PRIORITY_NAMES[name]]
    if how == "above":
        return lambda t: t.priority_number < n
    if how == "below":
        return lambda t: t.priority_number > n
    if how == "not":
        return lambda t: t.priority_number != n
    return lambda t: t.priority_number == n


def _date(field: str, relation: str | None, value: str, ctx: Context) -> Filter:
    try:
        start, end = parse_range(value, ctx.today)
    except DateWordError as exc:
        raise InstructionError(f"{exc}") from None
    rel = relation or "on"
    tests: dict[str, Callable[[dt.date], bool]] = {
        "before": lambda d: d < start,
        "after": lambda d: d > end,
        "on": lambda d: start <= d <= end,
        "in": lambda d: start <= d <= end,
        "on or before": lambda d: d <= end,
        "in or before": lambda d: d <= end,
        "on or after": lambda d: d >= start,
        "in or after": lambda d: d >= start,
    }
    test = tests[rel]
    if field == "happens":
        return lambda t: any(d is not None and test(d) for _, d in t.happens())
    if field == "start":
        # A task without a start date can be worked on: every `starts` filter lets it through.
        def starts(t: QueryTask) -> bool:
            written, day = t.date("start")
            return not written or (day is not None and test(day))

        return starts

    def dated(t: QueryTask) -> bool:
        _, day = t.date(field)
        return day is not None and test(day)

    return dated


def _regex(value: str) -> re.Pattern[str]:
    m = re.fullmatch(r"/(.*)/([a-z]*)", value.strip())
    if not m:
        raise InstructionError(f"a regular expression goes between slashes: /…/, got {value!r}")
    flags = re.IGNORECASE if "i" in m.group(2) else 0
    try:
        return re.compile(m.group(1), flags)
    except re.error as exc:
        raise InstructionError(f"not a valid regular expression ({exc})") from None


def _text(field: str, how: str, value: str, ctx: Context) -> Filter:
    def values(t: QueryTask) -> list[str]:
        if field in ("tag", "tags"):
            return t.fields.tags
        if field == "description":
            d = t.fields.description
            return [" ".join(d.replace(ctx.global_filter, "").split()) if ctx.global_filter else d]
        if field == "path":
            return [t.note]
        if field == "heading":
            return [t.heading] if t.heading is not None else []
        if field == "status.name":
            return [t.fields.status_name]
        if field == "recurrence":
            return [t.fields.recurrence] if t.fields.recurrence else []
        if field == "id":
            return [t.fields.id] if t.fields.id else []
        return [getattr(t, field)]

    positive = how in ("includes", "include", "regex matches")
    if how.startswith("regex"):
        rx = _regex(value)

        def hit(t: QueryTask) -> bool:
            return any(rx.search(v) for v in values(t))
    else:
        needle = value.strip().lower()

        def hit(t: QueryTask) -> bool:
            return any(needle in v.lower() for v in values(t))

    return hit if positive else (lambda t: not hit(t))


# -- boolean combinations ---------------------------------------------------------------------

_OPENERS = {"(": ")", "[": "]", "{": "}", '"': '"'}
_OPERATORS = ("AND NOT", "OR NOT", "AND", "OR", "XOR", "NOT")


class BooleanParser:
    """`(a) AND ((b) OR NOT (c))`: NOT binds tightest, then XOR, AND, OR (the plugin's order)."""

    def __init__(self, text: str, ctx: Context) -> None:
        self.text, self.ctx, self.pos = text, ctx, 0
        opener = next((c for c in text if c in _OPENERS), "(")
        self.open, self.close = opener, _OPENERS[opener]

    def parse(self) -> Filter:
        result = self._or()
        self._space()
        if self.pos != len(self.text):
            raise InstructionError(f"unexpected text after the combined filter: {self.text[self.pos:]!r}")
        return result

    def _space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def _word(self, word: str) -> bool:
        self._space()
        end = self.pos + len(word)
        if self.text.startswith(word, self.pos) and (end == len(self.text) or self.text[end] in " " + self.open):
            self.pos = end
            return True
        return False

    def _or(self) -> Filter:
        left = self._and()
        while True:
            if self._word("OR NOT"):
                right = self._and()
                left = (lambda a, b: lambda t: a(t) or not b(t))(left, right)
            elif self._word("OR"):
                right = self._and()
                left = (lambda a, b: lambda t: a(t) or b(t))(left, right)
            else:
                return left

    def _and(self) -> Filter:
        left = self._xor()
        while True:
            if self._word("AND NOT"):
                right = self._xor()
                left = (lambda a, b: lambda t: a(t) and not b(t))(left, right)
            elif self._word("AND"):
                right = self._xor()
                left = (lambda a, b: lambda t: a(t) and b(t))(left, right)
            else:
                return left

    def _xor(self) -> Filter:
        left = self._not()
        while self._word("XOR"):
            right = self._not()
            left = (lambda a, b: lambda t: a(t) != b(t))(left, right)
        return left

    def _not(self) -> Filter:
        if self._word("NOT"):
            inner = self._not()
            return lambda t: not inner(t)
        return self._primary()

    def _primary(self) -> Filter:
        self._space()
        if self.pos >= len(self.text) or self.text[self.pos] != self.open:
            found = self.text[self.pos:] or "the end of the line"
            raise InstructionError(f"expected {self.open!r} to open a filter, found {found!r}")
        self.pos += 1
        self._space()
        rest = self.text[self.pos:]
        if rest[:1] == self.open or (rest.startswith("NOT ") and self.open != '"'):
            inner = self._or()
            self._space()
            if self.pos >= len(self.text) or self.text[self.pos] != self.close:
                raise InstructionError(f"a {self.open!r} is never closed")
            self.pos += 1
            return inner
        end = self._matching_close()
        body = self.text[self.pos:end]
        self.pos = end + 1
        try:
            return _simple(body, self.ctx)
        except InstructionError as exc:
            raise InstructionError(f"{body.strip()!r}: {exc}") from None

    def _matching_close(self) -> int:
        depth = 0
        i = self.pos
        while i < len(self.text):
            c = self.text[i]
            if c == self.close and depth == 0:
                return i
            if self.open != self.close:
                if c == self.open:
                    depth += 1
                elif c == self.close:
                    depth -= 1
            i += 1
        raise InstructionError(f"a {self.open!r} is never closed")


__all__ = ["Context", "Filter", "InstructionError", "parse_filter"]
