"""Offsets in a block's inline text → (1-based line, 0-based column) in the note's source.

markdown-it hands a block's text with the indentation and container markers (`>`, list markers)
of each line removed; the column of each line's text in the source is found once, when first asked.
"""

from __future__ import annotations

from bisect import bisect_right


class Positions:
    __slots__ = ("text", "src", "first", "starts", "shifts", "cursor", "escapes")

    def __init__(self, text: str, src: list[str], first: int, cursor: int = -1) -> None:
        self.text = text
        self.src = src
        self.first = first  # 0-based source line of the text's first line
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.shifts: list[int | None] = [None] * len(self.starts)
        self.cursor = cursor  # table cells: where in the row to start looking
        # Table cells: offsets in the text of the `|`s the source writes `\|` (one character
        # more in the source each).
        self.escapes: list[int] = _escaped_pipes(text, src[first] if first < len(src) else "", cursor) if cursor >= 0 else []

    def _shift(self, i: int) -> int:
        shift = self.shifts[i]
        if shift is None:
            end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
            line = self.text[self.starts[i] : end]
            body = line.strip()
            lead = len(line) - len(line.lstrip())
            row = self.first + i
            source = self.src[row] if row < len(self.src) else ""
            if self.cursor >= 0:
                # A table cell: its text starts after the pipe's padding (no search along the row).
                col = self.cursor
                if body:
                    while col < len(source) and source[col].isspace():
                        col += 1
            else:
                stripped = source.rstrip()
                col = len(stripped) - len(body) if stripped.endswith(body) else source.find(body)
            shift = (col if col >= 0 else lead) - lead
            self.shifts[i] = shift
        return shift

    def at(self, offset: int) -> tuple[int, int]:
        lo = max(bisect_right(self.starts, offset) - 1, 0)
        col = offset - self.starts[lo] + self._shift(lo)
        if self.escapes:
            col += bisect_right(self.escapes, offset - 1)
        return self.first + lo + 1, max(col, 0)

    def source(self, start: int, end: int) -> str:
        """The source text of text[start:end] (a table cell's `\\|` as written)."""
        if not self.escapes:
            return self.text[start:end]
        line, a = self.at(start)
        _, b = self.at(end)
        return self.src[line - 1][a:b]

    def line(self, offset: int) -> int:
        return self.first + max(bisect_right(self.starts, offset) - 1, 0) + 1


def _escaped_pipes(text: str, row: str, cursor: int) -> list[int]:
    """Offsets in a cell's text of the pipes the source row escapes, walking both from the cell's
    start; empty when the row has none (the common case: one `in`)."""
    if "\\|" not in row or "|" not in text:
        return []
    out: list[int] = []
    s = cursor
    while s < len(row) and row[s].isspace():  # markdown-it strips a cell as str.strip does
        s += 1
    for c, ch in enumerate(text):
        if s >= len(row):
            break
        if ch == "|" and row.startswith("\\|", s):
            out.append(c)
            s += 2
        else:
            s += 1
    return out
