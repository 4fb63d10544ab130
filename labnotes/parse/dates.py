"""The one reader of the days users type: `today`, `yesterday`, `tomorrow`, `+N`, `-N`, `YYYY-MM-DD`.

Every command that takes a day (`new DATE`, `--since`, `--until`, `--done-since`, query dates)
reads it here, so the same words work everywhere and a bad one gets the same one-line message.
"""

from __future__ import annotations

import datetime as dt
import re

WORDS = "today, yesterday, tomorrow, +N, -N (days from today) or YYYY-MM-DD"

_NAMED = {"today": 0, "tomorrow": 1, "yesterday": -1}
_OFFSET = re.compile(r"[+-]\d{1,5}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


class DateError(ValueError):
    """A day the user typed that is none of the accepted words; the message is one line."""


def parse_date(text: str, *, today: dt.date | None = None, what: str | None = None) -> dt.date:
    """The day `text` names, counted from `today` (default: the local date).

    `what` names the option in the error (`--since: …`). Raises DateError otherwise, also for an
    impossible day such as 2024-02-30 and for an offset that leaves the calendar.
    """
    prefix = f"{what}: " if what else ""
    word = text.strip().lower()
    base = today or dt.date.today()
    if word in _NAMED or _OFFSET.fullmatch(word):
        days = _NAMED[word] if word in _NAMED else int(word)
        try:
            return base + dt.timedelta(days=days)
        except OverflowError:
            raise DateError(f"{prefix}{text.strip()} days from {base} is off the calendar") from None
    if _ISO.fullmatch(word):
        try:
            return dt.date.fromisoformat(word)
        except ValueError:
            raise DateError(f"{prefix}not a real date: {text.strip()}") from None
    raise DateError(f"{prefix}bad date {text!r}: use {WORDS}")


def parse_optional_date(text: str | None, *, today: dt.date | None = None, what: str | None = None) -> dt.date | None:
    """`parse_date`, with None or an empty string meaning no day given."""
    if text is None or not text.strip():
        return None
    return parse_date(text, today=today, what=what)


__all__ = ["WORDS", "DateError", "parse_date", "parse_optional_date"]
