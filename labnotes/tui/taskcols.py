"""The due date and priority of task lines (Obsidian Tasks' 📅 and ⏫ …), for the Tasks view's
columns: one query over the store's task rows, where #15 keeps each field in a column, instead
of building every task line's fields. Imports no Textual."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.cells import cell_len

# Obsidian Tasks' own marks, highest first.
PRIORITY_MARKS = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}
DUE_CELLS = 7  # `📅12-10`
PRIORITY_CELLS = 2

# (due, priority, description): the description is the text without its fields, where it differs.
Fields = dict[tuple[str, int], tuple[str | None, str | None, str | None]]
_last: tuple[Any, Fields] | None = None  # the newest index read, and its answer


def due_and_priority(index: Any) -> Fields:
    """(note, line) -> (due, priority, description) of every task line with a due date or a
    priority (read once per index)."""
    global _last
    if _last is not None and _last[0] is index:
        return _last[1]
    rows = index.reader.conn.execute(
        "SELECT n.path, i.line, i.due, i.priority, i.description FROM tasks i JOIN notes n ON n.id = i.note_id"
        " WHERE i.task IS NOT NULL AND (i.due IS NOT NULL OR i.priority IS NOT NULL)"
    )
    out: Fields = {(path, line): (due, priority, words) for path, line, due, priority, words in rows}
    _last = (index, out)
    return out


def due_cell(due: str | None, today: dt.date) -> tuple[str, str]:
    """`📅12-10` in the colour of its urgency: red past, amber today, blue ahead; blank without."""
    if not due:
        return " " * DUE_CELLS, ""
    try:
        day = dt.date.fromisoformat(due)
    except ValueError:
        return pad_cells("📅" + due, DUE_CELLS), "dim"
    style = "bold #f7768e" if day < today else "bold #e0af68" if day == today else "#7dcfff"
    return pad_cells(f"📅{day:%m-%d}" if day.year == today.year else f"📅{day:%y-%m}", DUE_CELLS), style


def priority_cell(priority: str | None) -> str:
    return pad_cells(PRIORITY_MARKS.get(priority or "", ""), PRIORITY_CELLS)


def pad_cells(text: str, cells: int) -> str:
    while cell_len(text) > cells:
        text = text[:-1]
    return text + " " * (cells - cell_len(text))
