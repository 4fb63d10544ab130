"""The open note's text with a line cursor: drawn line by line, so a 1,400-line note opens at once.

The cursor is a note line; `left`/`right` pick one of its links; `enter` says what is under the
cursor (`Activated`), and the Notes view decides: follow the link, open the task. Long lines wrap
at the widget's width; only the rows on screen are rendered (Textual's line API).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from labnotes.tui.notelines import NoteLine

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
        self.lines: list[NoteLine] = []
        self.cursor = 0  # index into self.lines
        self.link_cursor: int | None = None  # index into the cursor line's links
        # (line index, row text) at the current width; a row becomes a Strip when first drawn.
        self._rows: list[tuple[int, Text]] = []
        self._strips: dict[int, Strip] = {}
        self._first_row: list[int] = []  # line index -> its first row
        self._width = 0

    # -- content ------------------------------------------------------------------------------

    def set_lines(self, lines: list[NoteLine], line: int = 1) -> None:
        self.lines = lines
        # Query results add rows that carry their fence's line: note line -> first row of it.
        self._index: dict[int, int] = {}
        for i, nl in enumerate(lines):
            self._index.setdefault(nl.line, i)
        self._width = 0  # rows are laid out again at the next render
        self.cursor = self._index.get(line, max(0, min(line - 1, len(lines) - 1)))
        self.link_cursor = None
        self._layout()
        self.go_to_line(line)

    @property
    def line(self) -> int:
        """The 1-based note line under the cursor."""
        return self.lines[self.cursor].line if self.lines else 1

    def go_to_line(self, line: int) -> None:
        """Cursor on `line`, that line at the top of the view (one line of context above)."""
        if not self.lines:
            return
        self.cursor = getattr(self, "_index", {}).get(line, max(0, min(line - 1, len(self.lines) - 1)))
        self.link_cursor = None
        self._layout()
        top = self._first_row[self.cursor] if self._first_row else 0
        self.scroll_to(y=max(0, top - 1) if line > 1 else 0, animate=False, immediate=True)
        self.refresh()

    def top_line(self) -> int:
        """The note line at the top of the view now: where `back` returns to."""
        self._layout()
        y = int(self.scroll_offset.y)
        return self._rows[y][0] + 1 if 0 <= y < len(self._rows) else 1

    def _layout(self) -> None:
        width = max(10, self.scrollable_content_region.width or self.size.width or 80)
        if width == self._width and self._rows:
            return
        self._width = width
        console = self.app.console
        rows: list[tuple[int, Text]] = []
        first: list[int] = []
        for i, nl in enumerate(self.lines):
            first.append(len(rows))
            # Only a line wider than the view needs wrapping (rich's wrap is the costly part).
            if cell_len(nl.text.plain) <= width:
                rows.append((i, nl.text))
            else:
                rows.extend((i, part) for part in nl.text.wrap(console, width, overflow="fold"))
        self._rows, self._first_row = rows, first
        self._strips = {}
        self.virtual_size = Size(width, len(rows))

    def _strip(self, row: int) -> Strip:
        strip = self._strips.get(row)
        if strip is None:
            text = self._rows[row][1]
            console = self.app.console
            strip = self._strips[row] = Strip(list(text.render(console)), text.cell_len) if text.plain else Strip([], 0)
        return strip

    def _draw_line(self, console, nl: NoteLine, width: int, highlight: "tuple[int, int] | None") -> list[Strip]:
        text = nl.text
        if highlight is not None:
            text = text.copy()
            text.stylize(LINK_CURSOR_STYLE, *highlight)
        if not text.plain:
            return [Strip([], 0)]
        lines = text.wrap(console, width, overflow="fold")
        return [Strip(list(part.render(console)), part.cell_len) for part in lines]

    # -- drawing ------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        keep = self.cursor
        self._layout()
        if self.lines:
            self._scroll_to_cursor(keep)

    def render_line(self, y: int) -> Strip:
        self._layout()
        row = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, self.rich_style)
        index = self._rows[row][0]
        strip = self._strip(row)
        if index == self.cursor:
            if self.link_cursor is not None:
                _, start, end = self.lines[index].links[self.link_cursor]
                drawn = self._draw_line(self.app.console, self.lines[index], self._width, (start, end))
                strip = drawn[row - self._first_row[index]] if row - self._first_row[index] < len(drawn) else strip
            # The cursor row stands out while the text has focus, and stays faintly marked without.
            strip = strip.extend_cell_length(width).apply_style(CURSOR_STYLE if self.has_focus else IDLE_CURSOR_STYLE)
        return strip.crop(0, width).apply_style(self.rich_style)

    # -- moving -------------------------------------------------------------------------------

    def _scroll_to_cursor(self, index: int | None = None) -> None:
        index = self.cursor if index is None else index
        if not self._first_row:
            return
        first = self._first_row[index]
        last = (self._first_row[index + 1] - 1) if index + 1 < len(self._first_row) else len(self._rows) - 1
        height = self.scrollable_content_region.height or 1
        top = int(self.scroll_offset.y)
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif last >= top + height:
            self.scroll_to(y=max(first, last - height + 1) if last - first < height else first, animate=False, immediate=True)

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
        height = self.scrollable_content_region.height or 1
        row = self._first_row[self.cursor] + step * height if self._first_row else 0
        row = max(0, min(row, len(self._rows) - 1))
        self._set_cursor(self._rows[row][0] if self._rows else 0)

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
        while 0 <= i < len(self.lines) and not self.lines[i].links:
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
        row = int(self.scroll_offset.y) + event.y
        if not 0 <= row < len(self._rows):
            return
        index = self._rows[row][0]
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
