"""Note text for display: markup a reader does not want to see in a one-line summary."""

from __future__ import annotations

import re

# The HTML a note's inline text really uses. Only these are dropped: `ratio<a and b>0` or
# `List<Tensor>` is text, not a tag.
HTML_TAG = re.compile(
    r"</?(?:mark|span|font|br|b|i|u|s|del|ins|sub|sup|kbd|em|strong|a|img|small|big|div|p|center|code|abbr|q)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# `<https://…>`: an autolink shows as its address.
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto|obsidian|file):[^<>\s]+)>", re.IGNORECASE)


def plain(text: str) -> str:
    """`看看<mark style="…">待研究</mark>` → `看看待研究`, whitespace collapsed."""
    if "<" in text:
        text = AUTOLINK.sub(r"\1", HTML_TAG.sub("", text))
    return " ".join(text.split())


def duration(minutes: int | None) -> str:
    """`+32m`, `+5h 04m`, `+1d 10h`: the time between two entries."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else "+"
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {mins:02d}m"
    return f"{sign}{mins}m"


def short(text: str, width: int = 90) -> str:
    text = plain(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `2 entries`."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
