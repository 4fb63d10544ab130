"""The open note's text with a line cursor: only the lines on screen are drawn, so a 1,400-line
note opens as fast as a 40-line one.

The cursor is a note line; `left`/`right` pick one of its links; `enter` says what is under the
cursor (`Activated`), and the Notes view decides: follow the link, open the task. Long lines wrap
at the widget's width. The view scrolls by note lines, as an editor does (the scroll offset is the
line at the top): where a row lands never depends on how the lines above it wrap, so nothing off
screen is drawn or wrapped (Textual's line API).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from labnotes.tui.notelines import NoteLine, NoteLines

CURSOR_STYLE = Style(bgcolor="#283457")
IDLE_CURSOR_STYLE = Style(bgcolor="#1f2335")
LINK_CURSOR_STYLE = Style(reverse=True)


class NoteText(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "Top", show=False),
        Binding("end", "edge(1)", "Bottom", show=False),
        Binding("left", "link(-1)", "Previous link", show=False),
        Binding("right,tab", "link(1)", "Next link", show=False),
        Binding("enter", "activate", "Follow link / open task"),
        Binding("space", "toggle_task", "Toggle task"),
    ]

    @dataclass
    class Activated(Message):
        """`enter` (or a click on a link): `link` is the index in `note.links`, or None."""

        line: int
        link: int | None
        task: tuple[str, int] | None = None  # a query block's row: the task it lists

    @dataclass
    class ToggleTask(Message):
        """`space`: toggle the task on `line`, or the task a query block lists there (`task`)."""

        line: int
        task: tuple[str, int] | None = None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: Sequence[NoteLine] = []
        self.cursor = 0  # index into self.lines
        self.link_cursor: int | None = None  # index into the cursor line's links
        self._index: dict[int, int] = {}  # note line -> its first row index
        self._width = 0  # the width the cached strips were wrapped at
        self._wrapped: dict[int, list[Strip]] = {}  # line index -> its rows at that width
        self._frame: tuple[tuple[int, int, int], list[tuple[int, int]]] | None = None
        # The top line asked for before the view had its size (a note opened while hidden).
        self._want_top: int | None = None

    # -- content ------------------------------------------------------------------------------

    def set_lines(self, lines: Sequence[NoteLine], line: int = 1) -> None:
        self.lines = lines
        line_of = lines.line_of if isinstance(lines, NoteLines) else (lambda i: lines[i].line)
        # Query results add rows that carry their fence's line: note line -> first row of it.
        self._index = {}
        for i in range(len(lines)):
            self._index.setdefault(line_of(i), i)
        self._wrapped = {}
        self._frame = None
        self._fit()
        self.go_to_line(line)

    @property
    def line(self) -> int:
        """The 1-based note line under the cursor."""
        return self._line_of(self.cursor) if self.lines else 1

    def _line_of(self, i: int) -> int:
        lines = self.lines
        return lines.line_of(i) if isinstance(lines, NoteLines) else lines[i].line

    def _has_links(self, i: int) -> bool:
        lines = self.lines
        return lines.has_links(i) and bool(lines[i].links) if isinstance(lines, NoteLines) else bool(lines[i].links)

    def go_to_line(self, line: int) -> None:
        """Cursor on `line`, that line at the top of the view (one line of context above)."""
        if not self.lines:
            return
        self.cursor = self._index.get(line, max(0, min(line - 1, len(self.lines) - 1)))
        self.link_cursor = None
        top = max(0, self.cursor - 1) if line > 1 else 0
        if not self.size.height:
            self._want_top = top
        self._scroll_top(top)
        self._scroll_to_cursor()
        self.refresh()

    def top_line(self) -> int:
        """The note line at the top of the view now: where `back` returns to."""
        return self._line_of(min(self._top(), len(self.lines) - 1)) if self.lines else 1

    # -- layout: rows of a line, the frame on screen ------------------------------------------

    def _view_width(self) -> int:
        return max(10, self.scrollable_content_region.width or self.size.width or 80)

    def _view_height(self) -> int:
        return max(1, self.scrollable_content_region.height or self.size.height or 1)

    def _top(self) -> int:
        return int(self.scroll_offset.y)

    def _rows_of(self, i: int) -> list[Strip]:
        """Line `i` wrapped at the current width, as strips (drawn once per width)."""
        rows = self._wrapped.get(i)
        if rows is None:
            rows = self._wrapped[i] = _wrap(self.app.console, self.lines[i].text, self._width)
        return rows

    def _fit(self) -> None:
        """Re-wrap for the current width and size the scroll range: the last line can come up
        only as far as the view still ends with the note's end (a few lines drawn, not all)."""
        width, height = self._view_width(), self._view_height()
        if width != self._width:
            self._width = width
            self._wrapped = {}
        self._frame = None
        n = len(self.lines)
        top, rows = n, 0
        while top > 0 and rows + len(self._rows_of(top - 1)) <= height:
            top -= 1
            rows += len(self._rows_of(top))
        last_top = min(top, n - 1) if n else 0
        self.virtual_size = Size(width, last_top + height)

    def _frame_rows(self) -> list[tuple[int, int]]:
        """(line index, row within it) for each screen row, from the line at the top."""
        top, height = self._top(), self._view_height()
        key = (top, self._width, height)
        if self._frame is not None and self._frame[0] == key:
            return self._frame[1]
        rows: list[tuple[int, int]] = []
        i = top
        while len(rows) < height and i < len(self.lines):
            rows.extend((i, k) for k in range(len(self._rows_of(i))))
            i += 1
        self._frame = (key, rows[:height])
        return self._frame[1]

    def _scroll_top(self, top: int) -> None:
        self.scroll_to(y=max(0, min(top, self.max_scroll_y)), animate=False, immediate=True)

    # -- drawing ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._fit()
        if self._want_top is not None and self.size.height:
            self._settle()
        elif self.lines:
            self._scroll_to_cursor()

    def _settle(self) -> None:
        """The first time the view has a size: the top line a note was opened at, then the cursor."""
        assert self._want_top is not None
        self._fit()
        self._scroll_top(self._want_top)
        self._want_top = None
        self._scroll_to_cursor()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The width is looked up once a frame: a region lookup per row costs more than the row.
        if self.lines and self._view_width() != self._width:
            self._fit()
        if self._want_top is not None and self.size.height:  # drawn before its Resize came
            self._settle()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self._width or self._view_width()
        frame = self._frame_rows() if self.lines else []
        if not 0 <= y < len(frame):
            return Strip.blank(width, self.rich_style)
        index, k = frame[y]
        rows = self._rows_of(index)
        strip = rows[k] if k < len(rows) else Strip([], 0)
        if index == self.cursor:
            if self.link_cursor is not None:
                links = self.lines[index].links
                if self.link_cursor < len(links):
                    _, start, end = links[self.link_cursor]
                    text = self.lines[index].text.copy()
                    text.stylize(LINK_CURSOR_STYLE, start, end)
                    drawn = _wrap(self.app.console, text, self._width)
                    strip = drawn[k] if k < len(drawn) else strip
            # The cursor row stands out while the text has focus, and stays faintly marked without.
            strip = strip.extend_cell_length(width).apply_style(CURSOR_STYLE if self.has_focus else IDLE_CURSOR_STYLE)
        return strip.crop(0, width).apply_style(self.rich_style)

    # -- moving -------------------------------------------------------------------------------

    def _scroll_to_cursor(self, index: int | None = None) -> None:
        """Scroll as little as shows every row of line `index` (the cursor's)."""
        index = self.cursor if index is None else index
        if not self.lines:
            return
        top, height = self._top(), self._view_height()
        if index < top:
            self._scroll_top(index)
            return
        rows = 0
        if index - top < height:  # else it is below the screen for sure: no need to wrap the lines between
            for i in range(top, index + 1):
                rows += len(self._rows_of(i))
                if rows > height:
                    break
            if rows <= height:
                return
        # Bring lines up until the cursor's last row is on screen (a line taller than the view:
        # its first row at the top).
        new_top, rows = index, len(self._rows_of(index))
        while new_top > top and rows + len(self._rows_of(new_top - 1)) <= height:
            new_top -= 1
            rows += len(self._rows_of(new_top))
        self._scroll_top(new_top)

    def _set_cursor(self, index: int) -> None:
        if not self.lines:
            return
        self.cursor = max(0, min(index, len(self.lines) - 1))
        self.link_cursor = None
        self._scroll_to_cursor()
        self.refresh()

    def action_move(self, step: int) -> None:
        self._set_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        """A screen of rows on: the cursor moves by as many lines as fill the view."""
        if not self.lines:
            return
        height, i, rows = self._view_height(), self.cursor, 0
        while 0 <= i + step < len(self.lines) and rows + len(self._rows_of(i + step)) <= height:
            i += step
            rows += len(self._rows_of(i))
        self._set_cursor(i if i != self.cursor else self.cursor + step)

    def action_edge(self, end: int) -> None:
        self._set_cursor(len(self.lines) - 1 if end else 0)

    def action_link(self, step: int) -> None:
        """The next (or previous) link of the cursor line; past its last, the next line's."""
        if not self.lines:
            return
        links = self.lines[self.cursor].links
        if self.link_cursor is None and links:
            self.link_cursor = 0 if step > 0 else len(links) - 1
        elif self.link_cursor is not None and 0 <= self.link_cursor + step < len(links):
            self.link_cursor += step
        else:
            self._next_line_link(step)
            return
        self.refresh()

    def _next_line_link(self, step: int) -> None:
        i = self.cursor + step
        while 0 <= i < len(self.lines) and not self._has_links(i):
            i += step
        if 0 <= i < len(self.lines):
            self._set_cursor(i)
            self.link_cursor = 0 if step > 0 else len(self.lines[i].links) - 1
        self.refresh()

    def action_activate(self) -> None:
        if not self.lines:
            return
        nl = self.lines[self.cursor]
        link = None
        if nl.links:
            link = nl.links[self.link_cursor or 0][0]
        self.post_message(self.Activated(nl.line, link, nl.task))

    def action_toggle_task(self) -> None:
        if self.lines:
            nl = self.lines[self.cursor]
            self.post_message(self.ToggleTask(nl.line, nl.task))

    def on_click(self, event: events.Click) -> None:
        frame = self._frame_rows() if self.lines else []
        if not 0 <= event.y < len(frame):
            return
        index = frame[event.y][0]
        self._set_cursor(index)
        k = event.style.meta.get("link") if event.style else None
        if isinstance(k, int):
            links = self.lines[index].links
            self.link_cursor = next((n for n, (kk, _, _) in enumerate(links) if kk == k), None)
            self.post_message(self.Activated(self.lines[index].line, k))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def _wrap(console, text: Text, width: int) -> list[Strip]:
    """`text` as the rows it takes at `width` (rich's wrap only for a line wider than that)."""
    if not text.plain:
        return [Strip([], 0)]
    if text.cell_len <= width:
        return [Strip(list(text.render(console)), text.cell_len)]
    return [Strip(list(part.render(console)), part.cell_len) for part in text.wrap(console, width, overflow="fold")]
