"""Two-character delimiters paired in one pass: `~~struck~~`, `==highlighted==`.

An opener is the delimiter before a character that is neither a space nor the delimiter's own;
a closer is the delimiter after such a character. Each opener takes the first closer at least one
character on; when none is left (on its line, for one-line delimiters) the search ends there, so
an unclosed `~~` costs one look ahead, not one per opener.
"""

from __future__ import annotations


def _occurrences(text: str, delim: str) -> list[int]:
    out = []
    k = text.find(delim)
    while k != -1:
        out.append(k)
        k = text.find(delim, k + 1)
    return out


def delimited(text: str, delim: str, *, one_line: bool) -> list[tuple[int, int]]:
    """(start, end) of each `delim…delim` span, in order; the inner text is text[start+2:end-2]."""
    own = delim[0]
    places = _occurrences(text, delim)
    closers = [j for j in places if j > 0 and text[j - 1] != own and not text[j - 1].isspace()]
    spans: list[tuple[int, int]] = []
    pos = c = 0
    line_end = -1
    for i in places:
        if i < pos:
            continue
        after = i + len(delim)
        if after >= len(text) or text[after] == own or text[after].isspace():
            continue
        while c < len(closers) and closers[c] < after + 1:
            c += 1
        if c == len(closers):
            break
        j = closers[c]
        if one_line:
            if line_end < i:
                line_end = text.find("\n", i)
                if line_end == -1:
                    line_end = len(text)
            if j > line_end:
                pos = line_end  # no closer on this line: later openers on it have none either
                continue
        spans.append((i, j + len(delim)))
        pos = j + len(delim)
    return spans
