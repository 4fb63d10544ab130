"""The quick switcher (`ctrl+p` or `o`, as in Obsidian) and the full-text search (`/` in Notes,
`ctrl+f` anywhere): a line to type in, the places found below, `enter` opens one.

Both are the same screen over a different `find(query) -> list[Hit]`; the app opens the chosen
hit in the Notes view at its line. The switcher answers every keystroke at once (`Finder` is an
in-memory scan); the search runs in a worker, the newest query replacing an older one.
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
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from labnotes.tui.finder import Place as Hit
from labnotes.tui.text import inline

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

    def __init__(self, title: str, placeholder: str, find: Callable[[str], list[Hit]], *,
                 in_thread: bool = False, status: Callable[[str], str] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.find = find
        self.in_thread = in_thread
        self.status = status
        self.hits: list[Hit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="find"):
            yield Label(self.title_text, id="find-title")
            yield Input(placeholder=self.placeholder, id="find-input")
            yield OptionList(id="find-results")
            yield Label("", id="find-status")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._search("")

    @on(Input.Changed, "#find-input")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, query: str) -> None:
        if self.in_thread:
            self._search_in_thread(query)
        else:
            self._show(query, self.find(query))

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def _search_in_thread(self, query: str) -> None:
        hits = self.find(query)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[Hit]) -> None:
        if not self.is_mounted:
            return
        self.hits = hits
        results = self.query_one(OptionList)
        results.clear_options()
        cells = max(20, (results.size.width or 96) - 4)
        results.add_options([Option(hit_label(h, cells), id=str(n)) for n, h in enumerate(hits)])
        if hits:
            results.highlighted = 0
        said = self.status(query) if self.status else ""
        if query.strip() and not hits:
            said = f"nothing found for {query.strip()!r}" + (f" · {said}" if said else "")
        elif hits:
            said = f"{len(hits)} shown · enter opens · esc closes" + (f" · {said}" if said else "")
        self.query_one("#find-status", Label).update(said)

    def action_move(self, step: int) -> None:
        results = self.query_one(OptionList)
        if results.option_count:
            now = results.highlighted or 0
            results.highlighted = max(0, min(now + step, results.option_count - 1))

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
