"""Note text for display: markup a reader does not want to see in a one-line summary."""

from __future__ import annotations

import re

_HTML = re.compile(r"</?[A-Za-z][^<>]*>")


def plain(text: str) -> str:
    """`看看<mark style="…">待研究</mark>` → `看看待研究`, whitespace collapsed."""
    if "<" in text:
        text = _HTML.sub("", text)
    return " ".join(text.split())


def short(text: str, width: int = 90) -> str:
    text = plain(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def count(n: int, singular: str, plural: str | None = None) -> str:
    """`1 entry`, `2 entries`."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
