"""Tables: header and rows of typed cells, and where each cell's text starts in its source line."""

from __future__ import annotations

from labnotes.parse.cells import typed_cell
from labnotes.parse.model import Cell, Table


def _pipes(line: str) -> tuple[int, list[int]]:
    """(column just after the row's opening pipe, or where its text starts when it has none; the
    later unescaped pipes). Indentation and block-quote markers (`> `) before the row are skipped."""
    prefix = 0
    while prefix < len(line) and (line[prefix] == ">" or line[prefix].isspace()):
        prefix += 1
    start = after = prefix + 1 if line.startswith("|", prefix) else prefix
    pipes = []
    pos = line.find("|", after)
    while pos != -1:
        if line[pos - 1] != "\\":
            pipes.append(pos)
        pos = line.find("|", pos + 1)
    return start, pipes


class TableReader:
    """Follows markdown-it's table tokens; one row's pipes are found once, not once per cell."""

    __slots__ = ("table", "row", "in_head", "_line", "_start", "_pipes")

    def __init__(self) -> None:
        self.table: Table | None = None
        self.row: list[Cell] | None = None
        self.in_head = False
        self._line = -1
        self._start = 0
        self._pipes: list[int] = []

    def open(self, line: int, section: list[str]) -> None:
        self.table = Table(line, [], [], list(section))

    def open_row(self) -> None:
        self.row = []

    def close_row(self) -> None:
        if self.table is not None and self.row is not None:
            if self.in_head:
                self.table.header = [c.text for c in self.row]
            else:
                self.table.rows.append(self.row)
        self.row = None

    def close(self) -> Table | None:
        table, self.table = self.table, None
        return table

    def cell(self, content: str, src: list[str], row: int) -> int:
        """Record one cell; returns the column in the source line where its text may start."""
        if row != self._line:
            self._line = row
            self._start, self._pipes = _pipes(src[row] if row < len(src) else "")
        count = len(self.row) if self.row is not None else 0
        if count == 0:
            cursor = self._start
        elif count <= len(self._pipes):
            cursor = self._pipes[count - 1] + 1
        else:
            cursor = self._pipes[-1] + 1 if self._pipes else self._start
        if self.row is not None:
            self.row.append(typed_cell(content))
        return cursor
