"""A long list of names, one row each, drawn only where it is on screen: the Notes view's list
of every note. An `OptionList` renders all its options to lay itself out (seconds for 10,000
notes, each time the Notes view first shows); this one renders the forty rows in view.

`enter` or a click on a row posts `Picked` with the row's id; the cursor row is highlighted
as an `OptionList`'s is (brighter while the list has focus).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class NameList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    NameList {
        color: $foreground;
        overflow-x: hidden;
        border: tall $border-blurred;
        padding: 0 1;
        background: $surface;
        & > .name-list--cursor {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .name-list--cursor {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    COMPONENT_CLASSES = {"name-list--cursor"}
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "pick", "Open", show=False),
    ]

    @dataclass
    class Picked(Message):
        """`enter` or a click on row `id`."""

        name_list: "NameList"
        id: str

        @property
        def control(self) -> "NameList":
            return self.name_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids: list[str] = []
        self._where: dict[str, int] = {}
        self._label: Callable[[str], Text] = Text
        self._drawn: dict[int, Strip] = {}
        self.highlighted: int | None = None

    def set_items(self, ids: list[str], label: Callable[[str], Text]) -> None:
        """Rows for `ids`, each shown as `label(id)` when it first comes on screen."""
        keep = self.highlighted_id
        self._ids = list(ids)
        self._where = {rel: n for n, rel in enumerate(self._ids)}
        self._label = label
        self._drawn = {}
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._ids))
        self.highlighted = self._where.get(keep, 0 if self._ids else None) if keep else (0 if self._ids else None)
        self.refresh()

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def highlighted_id(self) -> str | None:
        return self._ids[self.highlighted] if self.highlighted is not None and self.highlighted < len(self._ids) else None

    def index_of(self, id: str) -> int | None:
        return self._where.get(id)

    def select_id(self, id: str) -> None:
        """The cursor on row `id`, scrolled into view (nothing happens for an unknown id)."""
        n = self._where.get(id)
        if n is not None:
            self._go(n)

    # -- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        if not 0 <= row < len(self._ids):
            return Strip.blank(width, self.rich_style)
        strip = self._drawn.get(row)
        if strip is None:
            text = self._label(self._ids[row])
            strip = self._drawn[row] = Strip(list(text.render(self.app.console)), text.cell_len)
        strip = strip.extend_cell_length(width).crop(0, width)
        if row == self.highlighted:
            return strip.apply_style(self.get_component_rich_style("name-list--cursor"))
        return strip.apply_style(self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._ids))
        if self.highlighted is not None:  # first laid out (or resized): the cursor row in view
            self._go(self.highlighted)

    # -- moving -------------------------------------------------------------------------------

    def _go(self, n: int) -> None:
        if not self._ids:
            return
        self.highlighted = max(0, min(n, len(self._ids) - 1))
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_offset.y)
        if self.highlighted < top:
            self.scroll_to(y=self.highlighted, animate=False, immediate=True)
        elif self.highlighted >= top + height:
            self.scroll_to(y=self.highlighted - height + 1, animate=False, immediate=True)
        self.refresh()

    def action_move(self, step: int) -> None:
        self._go((self.highlighted if self.highlighted is not None else -1) + step)

    def action_page(self, step: int) -> None:
        self._go((self.highlighted or 0) + step * max(1, self.scrollable_content_region.height - 1))

    def action_edge(self, end: int) -> None:
        self._go(len(self._ids) - 1 if end else 0)

    def action_pick(self) -> None:
        if self.highlighted_id is not None:
            self.post_message(self.Picked(self, self.highlighted_id))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self._ids):
            self._go(row)
            self.post_message(self.Picked(self, self._ids[row]))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
