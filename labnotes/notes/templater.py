"""The part of Templater's `<% … %>` syntax that is plain data, filled in as Templater would.

Templater templates are JavaScript; labnotes runs none of it. The commands that only name a date
or the note's title are filled in; every other command (`<%* … %>` blocks, user functions, web
requests) stays as written, for Templater to run when Obsidian opens the note, and is counted so
the user can be told.

| command | becomes |
| --- | --- |
| `<% tp.file.title %>` | the new note's name |
| `<% tp.date.now("FORMAT") %>`, `tp.date.now("FORMAT", N)` | today (the day the note is written), N days on |
| `<% tp.date.now("FORMAT", N, tp.file.title, "TITLE FORMAT") %>` | the day the note's title names, N days on |
| `<% tp.date.tomorrow("FORMAT") %>`, `tp.date.yesterday("FORMAT")` | today ± 1 |
| `<% tp.file.creation_date("FORMAT") %>` | now |

FORMAT defaults to `YYYY-MM-DD` (`YYYY-MM-DD HH:mm` for `creation_date`), as in Templater.
"""

from __future__ import annotations

import datetime as dt
import re

from labnotes.settings.moment import date_from_match, format_moment, moment_regex

_COMMAND = re.compile(r"<%(?P<kind>[*+]?)[-_]?(?P<body>.*?)[-_]?%>", re.S)
_CALL = re.compile(
    r"\s*tp\.(?P<name>file\.title|date\.now|date\.tomorrow|date\.yesterday|file\.creation_date)"
    r"\s*(?:\((?P<args>[^()]*)\))?\s*\Z",
    re.S,
)
_ARG = re.compile(r"\s*(?:\"(?P<dq>[^\"\\]*)\"|'(?P<sq>[^'\\]*)'|(?P<int>[+-]?\d{1,6})|(?P<title>tp\.file\.title))\s*(?:,|\Z)")


def _args(text: str | None) -> list[object] | None:
    """The call's arguments (str, int, or the title marker), None when one is not plain data."""
    out: list[object] = []
    pos, text = 0, (text or "").strip()
    while pos < len(text):
        m = _ARG.match(text, pos)
        if m is None:
            return None
        if m.group("int") is not None:
            out.append(int(m.group("int")))
        elif m.group("title") is not None:
            out.append(_TITLE)
        else:
            out.append(m.group("dq") if m.group("dq") is not None else m.group("sq"))
        pos = m.end()
    return out


_TITLE = object()


def _day_of(title: str, fmt: str) -> dt.date | None:
    m = re.fullmatch(moment_regex(fmt), title)
    return date_from_match(m) if m else None


def _fill(body: str, *, now: dt.datetime, title: str, locale: str) -> str | None:
    call = _CALL.match(body)
    if call is None:
        return None
    name, args = call.group("name"), _args(call.group("args"))
    if args is None or (call.group("args") is None) != (name == "file.title"):
        return None
    if name == "file.title":
        return title
    fmt = args[0] if args and isinstance(args[0], str) and args[0] else None
    if name == "file.creation_date":
        return format_moment(now, fmt or "YYYY-MM-DD HH:mm", locale) if len(args) <= 1 else None
    if name in ("date.tomorrow", "date.yesterday"):
        if len(args) > 1:
            return None
        return format_moment(now.date() + dt.timedelta(days=1 if name == "date.tomorrow" else -1), fmt or "YYYY-MM-DD", locale)
    offset = args[1] if len(args) > 1 else 0
    if not isinstance(offset, int) or len(args) == 3 or len(args) > 4:
        return None
    base: dt.date | None = now.date()
    if len(args) == 4:
        reference, ref_format = args[2], args[3]
        if reference is not _TITLE or not isinstance(ref_format, str):
            return None
        base = _day_of(title, ref_format)
    if base is None:
        return None
    return format_moment(base + dt.timedelta(days=offset), fmt or "YYYY-MM-DD", locale)


def fill_templater(text: str, *, now: dt.datetime, title: str, locale: str = "zh-cn") -> tuple[str, int]:
    """`text` with Templater's plain-data commands filled in, and how many commands are left."""
    left = 0

    def one(m: re.Match[str]) -> str:
        nonlocal left
        filled = None
        if not m.group("kind"):
            try:
                filled = _fill(m.group("body"), now=now, title=title, locale=locale)
            except (OverflowError, ValueError):
                filled = None
        if filled is None:
            left += 1
            return m.group(0)
        return filled

    if "<%" not in text:
        return text, 0
    return _COMMAND.sub(one, text), left


def commands_in(text: str) -> int:
    """How many Templater commands `text` holds (those labnotes left for Templater)."""
    return len(_COMMAND.findall(text)) if "<%" in text else 0


__all__ = ["commands_in", "fill_templater"]
