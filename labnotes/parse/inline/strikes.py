"""Struck-through text, `~~rejected hypothesis~~` (it may run over lines)."""

from __future__ import annotations

from labnotes.parse.inline.found import Inline, RawSpan
from labnotes.parse.inline.pairs import delimited


def find_strikes(text: str, masked: str, found: Inline) -> None:
    if "~~" in masked:
        for start, end in delimited(masked, "~~", one_line=False):
            found.strikes.append(RawSpan(start, end, text[start + 2 : end - 2]))
