"""Highlights: `<mark style="background: …">…</mark>` with its colour, and `==…==`."""

from __future__ import annotations

import re

from labnotes.parse.inline.found import Inline, RawSpan
from labnotes.parse.inline.pairs import delimited

_MARK_OPEN = re.compile(r"<mark\b", re.I)
_MARK_CLOSE = re.compile(r"</mark>", re.I)
_BACKGROUND = re.compile(r"background(?:-color)?\s*:\s*([^;\"']+)", re.I)


def _marks(masked: str) -> list[tuple[int, int, int, int, int]]:
    """(start, end, attributes' start, body's start, closing tag's start) of each `<mark …>…</mark>`."""
    closers = [(m.start(), m.end()) for m in _MARK_CLOSE.finditer(masked)]
    out = []
    pos = c = 0
    for m in _MARK_OPEN.finditer(masked):
        if m.start() < pos:
            continue
        gt = masked.find(">", m.end())
        if gt == -1:
            break  # no later tag is closed either
        while c < len(closers) and closers[c][0] <= gt:
            c += 1
        if c == len(closers):
            break
        close, end = closers[c]
        out.append((m.start(), end, m.end(), gt + 1, close))
        pos = end
    return out


def find_highlights(text: str, masked: str, found: Inline) -> None:
    if "<" in masked:
        for start, end, attrs, body, close in _marks(masked):
            color_match = _BACKGROUND.search(text[attrs : body - 1])
            color = color_match.group(1).strip() if color_match else None
            found.highlights.append(RawSpan(start, end, text[body:close], color))
    if "==" in masked:
        for start, end in delimited(masked, "==", one_line=True):
            found.highlights.append(RawSpan(start, end, text[start + 2 : end - 2], None))
