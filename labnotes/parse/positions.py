"""Offsets in a block's inline text → (1-based line, 0-based column) in the note's source.

markdown-it hands a block's text with the indentation and container markers (`>`, list markers)
of each line removed; the column of each line's text in the source is found once, when first asked.
"""

from __future__ import annotations

from bisect import bisect_right


class Positions:
    __slots__ = ("text", "src", "first", "starts", "shifts", "cursor")

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
        return self.first + lo + 1, max(col, 0)

    def line(self, offset: int) -> int:
        return self.first + max(bisect_right(self.starts, offset) - 1, 0) + 1
