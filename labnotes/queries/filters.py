"""What every query shares: the filters a user gives (`--since`, `--grep`, `--note`, `--status`)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from labnotes.parse.dates import DateError, parse_optional_date
from labnotes.vault import VaultIndex

STATUS_NAMES = {"open": " ", "todo": " ", "done": "x", "cancelled": "-", "canceled": "-", "in-progress": "/"}


class QueryError(ValueError):
    """A filter the user gave cannot be applied; the message says which and why."""



def parse_day(text: str | None, what: str, *, today: dt.date | None = None) -> dt.date | None:
    """A `--since`-like option: the words of `labnotes.parse.dates`, None when not given."""
    try:
        return parse_optional_date(text, today=today, what=what)
    except DateError as exc:
        raise QueryError(str(exc)) from None


def matcher(pattern: str | None) -> Callable[[str], bool]:
    """`--grep`: a case-insensitive regex; text that is not a valid regex is matched literally."""
    if not pattern:
        return lambda _text: True
    try:
        rx = re.compile(pattern, re.IGNORECASE)
    except re.error:
        rx = re.compile(re.escape(pattern), re.IGNORECASE)
    return lambda text: rx.search(text) is not None


def select_notes(
    idx: VaultIndex, *, note: str | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[str]:
    """The notes a query reads, by `--note` and by day, before reading any of them."""
    if note:
        rel = idx.find_note(note)
        if rel is None:
            raise QueryError(f"no note {note!r} in the vault")
        rels = [rel]
    else:
        rels = idx.content_notes()
    if since or until:
        kept = []
        for rel in rels:
            day = idx.note_day(rel)
            if day is None or (since and day < since) or (until and day > until):
                continue
            kept.append(rel)
        rels = kept
    return rels


def status_char(status: str | None) -> str | None:
    if status is None:
        return None
    if status in STATUS_NAMES:
        return STATUS_NAMES[status]
    if len(status) == 1:
        return status
    if status == "any":
        return None
    raise QueryError(f"--status: expected open, done, cancelled, in-progress, any or one character, got {status!r}")
