"""The quick switcher (`ctrl+p` or `o`, as in Obsidian) and the full-text search (`/` in Notes,
`ctrl+f` anywhere): a line to type in, the places found below, `enter` opens one.

Both are the same screen over a different `find(query, limit) -> list[Hit]`; the app opens the
chosen hit in the Notes view at its line. The switcher answers every keystroke at once (`Finder`
is an in-memory scan); the search waits for a pause in the typing (DEBOUNCE_S), then runs in a
worker, the newest query replacing an older one. A page of places shows first; scrolling to the
end of the list asks for the next page.
"""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.timer import Timer
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from labnotes.tui.finder import Place as Hit
from labnotes.tui.text import inline

# Places shown at first, and added each time the cursor (or the scroll) reaches the list's end.
PAGE = 40
# Typing faster than this is one search, for the last query: a burst of keys does not queue a
# search (and a repaint of the list) for each prefix on the way.
DEBOUNCE_S = 0.06

ICONS = {"note": ("▤ ", "#7aa2f7"), "heading": ("# ", "#bb9af7"), "task": ("☐ ", "#e0af68"),
         "entry": ("◷ ", "#bb9af7"), "line": ("  ", "")}  # fmt: skip


class FindScreen(ModalScreen[Hit | None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
        Binding("pagedown", "move(10)", show=False),
        Binding("pageup", "move(-10)", show=False),
    ]

    def __init__(self, title: str, placeholder: str, find: Callable[[str, int], list[Hit]], *,
                 in_thread: bool = False, status: Callable[[str], str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.find = find
        self.in_thread = in_thread
        self.status = status
        self.hits: list[Hit] = []
        self.query_text = ""  # what the input says now
        self.shown_for: tuple[str, int] | None = None  # the query and limit the list shows
        self.limit = PAGE
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield Label(self.title_text, id="find-title")
            yield Input(placeholder=self.placeholder, id="find-input")
            yield OptionList(id="find-results")
            yield Label("", id="find-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("")
        self.watch(self.query_one(OptionList), "scroll_y", self._scrolled, init=False)

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text, self.limit = event.value, PAGE
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if self.in_thread and event.value.strip():
            self._pending = self.set_timer(DEBOUNCE_S, lambda: self._search(event.value))
        else:
            self._search(event.value)

    def _search(self, query: str) -> None:
        self._pending = None
        if query != self.query_text:  # typed on since: that query's own search comes
            return
        if self.in_thread and not query.strip():
            self._show(query, self.limit, [])  # nothing to search for
        elif self.in_thread:
            self._search_in_thread(query, self.limit)
        else:
            self._show(query, self.limit, self.find(query, self.limit))

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def _search_in_thread(self, query: str, limit: int) -> None:
        hits = self.find(query, limit)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, limit, hits)

    def _show(self, query: str, limit: int, hits: list[Hit]) -> None:
        if not self.is_mounted or query != self.query_text:
            return
        results = self.query_one(OptionList)
        keep = results.highlighted if self.shown_for is not None and self.shown_for[0] == query else None
        self.hits = hits
        results.clear_options()
        cells = max(20, (results.size.width or 96) - 4)
        results.add_options([Option(hit_label(h, cells), id=str(n)) for n, h in enumerate(hits)])
        if hits:
            results.highlighted = min(keep, len(hits) - 1) if keep is not None else 0
        self.shown_for = (query, limit)
        said = self.status(query) if self.status else ""
        if query.strip() and not hits:
            said = f"nothing found for {query.strip()!r}" + (f" · {said}" if said else "")
        elif hits:
            more = " · more below" if len(hits) >= limit else ""
            said = f"{len(hits)} shown{more} · enter opens · esc closes" + (f" · {said}" if said else "")
        self.query_one("#find-status", Label).update(said)

    def _more(self) -> None:
        """The list's end reached: the next page, if the last answer was a full one."""
        if self.shown_for is None or self.shown_for != (self.query_text, self.limit) or len(self.hits) < self.limit:
            return
        self.limit += PAGE
        self._search(self.query_text)

    def _scrolled(self, y: float) -> None:
        results = self.query_one(OptionList)
        if results.max_scroll_y and y >= results.max_scroll_y:
            self._more()

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            now = results.highlighted or 0
            results.highlighted = max(0, min(now + step, results.option_count - 1))
            if now + step >= results.option_count - 1:
                self._more()

    @on(Input.Submitted, "#find-input")
    def _submitted(self) -> None:
        results = self.query_one(OptionList)
        if results.highlighted is not None and self.hits:
            self.dismiss(self.hits[results.highlighted])

    @on(OptionList.OptionSelected, "#find-results")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[int(event.option.id or 0)])


def hit_label(h: Hit, cells: int = 92) -> Text:
    icon, style = ICONS.get(h.kind, ("  ", ""))
    text = Text.assemble((icon, style))
    text.append_text(inline(h.label, "bold" if h.kind == "note" else ""))
    text.append(f"  {h.detail}" if h.detail else "", "dim")
    if h.kind != "note":
        text.append(f":{h.line}", "dim")
    text.truncate(cells, overflow="ellipsis")  # one row a place: a wrapped list reads as more places
    return text
