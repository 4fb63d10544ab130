"""Text where no construct may start: code spans, escapes, math and comments, blanked out.

The blanks have the text's length, so offsets found in the masked copy still point into the
source. Every search pairs each opener with the first closer after it in one pass: an opener
with no closer means no later opener of its kind has one either, so the search stops there.
"""

from __future__ import annotations

import re

MASK = "\x00"  # markdown-it turns NUL into U+FFFD, so it never occurs in real text

_BACKTICKS = re.compile(r"`+")
_ESCAPE = re.compile(r"\\[!-/:-@\[-`{-~]")
# Inline math `$…$`: cannot run past the next `$` or line end, so each try is short.
_INLINE_MATH = re.compile(r"\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d)")


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span (in order of start) replaced by MASK characters."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, end in spans:
        if start < pos:
            start = pos
        if end <= start:
            continue
        out.append(text[pos:start])
        out.append(MASK * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def code_spans(text: str) -> list[tuple[int, int]]:
    """CommonMark code spans: a run of N backticks closed by the next run of exactly N."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)]
    # The next run of the same width after each run, found in one pass from the right.
    following: list[int] = [-1] * len(runs)
    last: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        width = runs[k][1] - runs[k][0]
        following[k] = last.get(width, -1)
        last[width] = k
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(runs):
        j = following[i]
        if j == -1:
            i += 1
        else:
            spans.append((runs[i][0], runs[j][1]))
            i = j + 1
    return spans


def math_spans(text: str) -> list[tuple[int, int]]:
    """`$$…$$` (any lines) and `$…$` (one line, no space inside the dollars, no digit after)."""
    spans: list[tuple[int, int]] = []
    display = True  # a `$$` with no `$$` after it: no later `$$` closes either
    i = text.find("$")
    while i != -1:
        end = -1
        if display and text.startswith("$$", i):
            close = text.find("$$", i + 3)
            if close == -1:
                display = False
            else:
                end = close + 2
        if end == -1:
            m = _INLINE_MATH.match(text, i)
            if m:
                end = m.end()
        if end == -1:
            i = text.find("$", i + 1)
        else:
            spans.append((i, end))
            i = text.find("$", end)
    return spans


def comment_spans(text: str) -> list[tuple[int, int]]:
    """`<!--…-->` within the text.

    Only HTML comments: Obsidian's metadata reads links and tags inside an inline `%% … %%` (a
    `%%` block, which hides what is in it, is cut out before markdown-it: labnotes.parse.comments).
    """
    spans: list[tuple[int, int]] = []
    start = text.find("<!--")
    while start != -1:
        close = text.find("-->", start + 4)
        if close == -1:
            break  # no later opener is closed either
        spans.append((start, close + 3))
        start = text.find("<!--", close + 3)
    return spans


def mask_literal(text: str) -> str:
    """Blank out code spans, escapes, math and HTML comments: text where no construct may start."""
    if "`" in text:
        text = blank(text, code_spans(text))
    if "\\" in text:
        text = _ESCAPE.sub(lambda m: MASK * len(m.group(0)), text)
    if "$" in text:
        text = blank(text, math_spans(text))
    if "<!--" in text:
        text = blank(text, comment_spans(text))
    return text
