"""The Notes view: a note's text with a line cursor, its links to follow, its backlinks, and a way back.

Left, every note of the vault; middle, the open note; right, where it links to and what links
to it. `enter` in the text follows the link under the cursor (`left`/`right` pick one), or opens
the task or entry of that line in its view; `space` toggles the line's task (or the task a query
block lists on that row: the note and the block's results both change); a click on a link follows it; `backspace` returns to
where you were, as a browser's back does. At 80 columns the side lists hide until `n` or `l`.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from labnotes.queries.links import backlinks
from labnotes.parse.model import Link, Note
from labnotes.printable import printable
from labnotes.tui.data import VaultData, note_order
from labnotes.tui.namelist import NameList
from labnotes.tui.notelines import NoteLines, query_block_rows
from labnotes.tui.notetext import NoteText
from labnotes.tui.text import name as shown
from labnotes.tui.toggling import toggle_and_say


@dataclass(frozen=True, slots=True)
class Visit:
    rel: str
    line: int


@dataclass
class OpenTask(Message):
    """Show the task at `rel`:`line` in the Tasks view (enter on a task line of a note)."""

    rel: str
    line: int


@dataclass
class OpenEntry(Message):
    """Show the entry at `rel`:`line` in the Timeline view (enter on an entry line of a note)."""

    rel: str
    line: int


class NotesView(Vertical):
    BINDINGS = [
        Binding("backspace", "back", "Back"),
        Binding("slash", "app.search", "Search", key_display="/"),
        Binding("n", "focus_list", "Notes list"),
        Binding("l", "focus_links", "Links"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self.current: Visit | None = None
        self.history: list[Visit] = []
        self.note: Note | None = None  # parsed in a worker after the note shows
        self.links: list[Link] = []  # the open note's links, from the store

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield NameList(id="note-list")
            with Vertical(id="note-main"):
                yield Label("", id="note-title", classes="summary")
                yield NoteText(id="note-text")
                yield Label("", id="note-hint", classes="hint")
            yield OptionList(id="note-links")

    def on_mount(self) -> None:
        self.query_one("#note-text").display = False
        self.query_one("#note-hint", Label).update(HINT)

    def focus_main(self) -> None:
        target = "#note-text" if self.current else "#note-list"
        if target == "#note-list":
            self.set_class(True, "-show-list")
        self.query_one(target).focus()

    def action_focus_list(self) -> None:
        # At 80 columns the list hides; `n` shows it, and `n` again (in it) hides it.
        if self.has_class("-show-list") and self.query_one("#note-list").has_focus and self.current:
            self.set_class(False, "-show-list")
            self.query_one("#note-text").focus()
            return
        self.set_class(True, "-show-list")
        self.query_one("#note-list").focus()

    def action_focus_links(self) -> None:
        if self.has_class("-show-links") and self.query_one("#note-links").has_focus and self.current:
            self.set_class(False, "-show-links")
            self.query_one("#note-text").focus()
            return
        self.set_class(True, "-show-links")
        self.query_one("#note-links").focus()

    def show(self, data: VaultData) -> None:
        self.data = data
        notes = self.query_one("#note-list", NameList)
        if data.index is None:
            notes.set_items([], Text)
            return
        rels = note_order(data.index, set(data.index.notes))
        if not rels:
            self.query_one("#note-title", Label).update("This vault has no notes yet.")
        cells = LIST_CELLS["note-list"]
        notes.set_items(rels, lambda rel: one_line(rel.rsplit("/", 1)[-1].removesuffix(".md"), cells=cells))
        if self.current is not None:
            if self.current.rel in data.index.notes:
                self.call_later(self._draw, self.current, False)
            else:
                self.current = None

    # -- opening notes ------------------------------------------------------------------------

    def open(self, rel: str, line: int = 1, *, remember: bool = True) -> None:
        """Show note `rel` scrolled to `line`; the note shown before goes on the back stack."""
        if self.data is None or self.data.index is None or rel not in self.data.index.notes:
            self.notify(f"No note {shown(rel)} in the vault.", severity="warning", markup=False)
            return
        if remember and self.current is not None:
            self.history.append(Visit(self.current.rel, self._top_line()))
        self.current = Visit(rel, line)
        self.set_class(False, "-show-list")  # at 80 columns the list gives the note its width back
        self.call_later(self._draw, self.current, True)

    def action_back(self) -> None:
        if not self.history:
            self.notify("Nothing to go back to.")
            return
        self.current = self.history.pop()
        self.call_later(self._draw, self.current, True)

    def _draw(self, visit: Visit, scroll: bool) -> None:
        assert self.data is not None and self.data.index is not None
        index = self.data.index
        path = self.data.vault / visit.rel
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self.notify(f"Cannot read {shown(visit.rel)}: {exc.strerror or exc}", severity="error", markup=False)
            return
        # The store's copy of the note's links, not a parse of the note (a 1,400-line note takes
        # a quarter of a second to parse): what `enter` and `space` need is parsed in a worker.
        self.note = None
        self.links = index.facts[visit.rel].link_objects()
        # After the note is on screen: a parse racing the first paint for the CPU slows it.
        self.set_timer(PARSE_AFTER_S, lambda: self._parse(visit.rel))
        day = index.note_day(visit.rel)
        self.query_one("#note-title", Label).update(
            Text.assemble((shown(visit.rel), "bold"), (f"  {day.isoformat()}" if day else "", "dim"),
                          (f"  ← {len(self.history)}" if self.history else "", "dim"))  # fmt: skip
        )
        self._resolved = {k for k, link in enumerate(self.links) if link.kind != "wiki" or index.resolve(link, visit.rel).ok}
        text = self.query_one(NoteText)
        text.display = True
        self.query_one("#note-hint").display = False
        lines = NoteLines(source, self.links, ok=self._resolved, after=query_block_rows(self._queries(visit.rel, source)))
        if scroll:
            text.set_lines(lines, visit.line)
        else:  # the same note re-read (changed on disk): the cursor stays where it was
            keep = text.line
            text.set_lines(lines, keep)
        self._fill_links(visit.rel)
        self.query_one("#note-list", NameList).select_id(visit.rel)

    @work(thread=True, exclusive=True, group="note-parse", exit_on_error=False)
    def _parse(self, rel: str) -> None:
        """The open note parsed off the UI thread: its tasks and entries, for `enter` and `space`."""
        if self.data is not None and self.data.index is not None and rel in self.data.index.notes:
            note = self.data.index.notes[rel]
            self.app.call_from_thread(self._parsed, rel, note)

    def _parsed(self, rel: str, note: Note) -> None:
        if self.current is not None and self.current.rel == rel:
            self.note = note

    def _open_note(self) -> Note | None:
        """The open note, parsed now if the worker has not yet done it (a key pressed at once)."""
        if self.note is None and self.current is not None and self.data is not None and self.data.index is not None:
            self.note = self.data.index.notes.get(self.current.rel)
        return self.note

    def selected_place(self) -> tuple[str, int] | None:
        return (self.current.rel, self.query_one(NoteText).line) if self.current is not None else None

    def _queries(self, rel: str, source: str) -> list:
        """The note's ```` ```tasks ```` blocks answered over the vault (none: nothing is run)."""
        if "```tasks" not in source and "~~~tasks" not in source:
            return []
        try:
            from labnotes.queries.taskquery.blocks import run_query_blocks
        except ImportError:  # a labnotes without task queries
            return []
        assert self.data is not None and self.data.index is not None
        try:
            return run_query_blocks(self.data.index, rel, text=source)
        except Exception as exc:  # a query must never keep the note from showing
            self.notify(f"{rel}: its query blocks could not run: {exc}", severity="warning", markup=False)
            return []

    def scroll_to_line(self, line: int) -> None:
        """Put the cursor on `line` of the open note, that line at the top."""
        self.query_one(NoteText).go_to_line(line)

    def _top_line(self) -> int:
        """The note line under the cursor: where back returns to."""
        return self.query_one(NoteText).line

    def _fill_links(self, rel: str) -> None:
        assert self.data is not None and self.data.index is not None
        index = self.data.index
        out = self.query_one("#note-links", OptionList)
        out.clear_options()
        options: list[Option | None] = [Option(Text("links", "bold"), disabled=True)]
        wiki = [(k, link) for k, link in enumerate(self.links) if link.kind == "wiki"]
        for k, link in wiki:
            style = "" if k in self._resolved else "dim strike"
            options.append(Option(one_line(("↪ " if link.embed else "→ ", "#7aa2f7"), (link_name(link), style)), id=f"out:{k}"))
        if not wiki:
            options.append(Option(Text("(none)", "dim"), disabled=True))
        options.append(None)
        back = [row for row in backlinks(index, rel) if row.note != rel]
        options.append(Option(Text(f"backlinks ({len(back)})", "bold"), disabled=True))
        for n, row in enumerate(back):
            name = row.note.rsplit("/", 1)[-1].removesuffix(".md")
            options.append(Option(one_line(("← ", "#9ece6a"), name, (f":{row.line}", "dim")), id=f"in:{n}"))
        self._backlinks = back
        out.add_options(options)
        first = next((n for n, o in enumerate(options) if o is not None and not o.disabled), None)
        if first is not None:
            out.highlighted = first - sum(1 for o in options[:first] if o is None)

    # -- following links ----------------------------------------------------------------------

    def follow(self, link: Link) -> None:
        assert self.data is not None and self.data.index is not None and self.current is not None
        if link.kind == "url":
            self.app.open_url(link.target)
            return
        res = self.data.index.resolve(link, self.current.rel)
        if res.rel is None or res.rel not in self.data.index.notes:
            self.notify(shown(f"{link.original}: {res.reason or 'not a note in the vault'}"), severity="warning", markup=False)
            return
        self.open(res.rel, res.block_line or res.heading_line or 1)

    @on(NoteText.Activated)
    def _activated(self, event: NoteText.Activated) -> None:
        """enter in the text: the link under the cursor, else the line's task or entry."""
        event.stop()
        if self.current is None:
            return
        if event.task is not None:
            self.post_message(OpenTask(*event.task))
            return
        if event.link is not None and 0 <= event.link < len(self.links):
            self.follow(self.links[event.link])
            return
        rel, note = self.current.rel, self._open_note()
        if note is None:
            self.notify(f"{shown(rel)} could not be read.", severity="warning", markup=False)
        elif any(e.line == event.line for e in note.entries):
            self.post_message(OpenEntry(rel, event.line))
        elif any(item.line == event.line and item.task is not None for item in note.list_items):
            self.post_message(OpenTask(rel, event.line))
        else:
            self.notify("No link, task or entry on this line.", timeout=2)

    @on(NoteText.ToggleTask)
    def _toggle(self, event: NoteText.ToggleTask) -> None:
        """space in the text: the task of that line, or the one a query block lists there, toggled
        as in the Tasks view; the vault is read again, so the note and its query results both show it."""
        event.stop()
        if self.current is None or self.data is None:
            return
        note = self._open_note()
        if event.task is not None:
            rel, line = event.task
        elif note is not None and any(item.line == event.line and item.task is not None for item in note.list_items):
            rel, line = self.current.rel, event.line
        else:
            self.notify("No task on this line.", timeout=2)
            return
        toggle_and_say(self, self.data, rel, line)

    @on(NameList.Picked, "#note-list")
    def _picked_note(self, event: NameList.Picked) -> None:
        if self.current is None or event.id != self.current.rel:
            self.open(event.id)
            self.query_one(NoteText).focus()  # the list may hide now (80 columns): keys go to the note

    @on(OptionList.OptionSelected, "#note-links")
    def _picked_link(self, event: OptionList.OptionSelected) -> None:
        kind, _, n = (event.option.id or "").partition(":")
        if kind == "out" and int(n) < len(self.links):
            self.follow(self.links[int(n)])
        elif kind == "in":
            row = self._backlinks[int(n)]
            self.open(row.note, row.line)


PARSE_AFTER_S = 0.3

HINT = ("Pick a note: ctrl+p or o finds one by name, heading, task or entry; / searches the text; "
        "n lists every note.")

# Cells a row of the side lists may take: their CSS width less border, padding and scrollbar.
LIST_CELLS = {"note-list": 24 - 6, "note-links": 30 - 6}


def one_line(*parts: str | tuple[str, str], cells: int = LIST_CELLS["note-links"]) -> Text:
    """A list row cut with … at the edge: a long CJK name wrapped over three rows reads worse."""
    text = Text.assemble(*((printable(p, one_line=True) if isinstance(p, str) else (printable(p[0], one_line=True), p[1])) for p in parts))
    text.truncate(cells, overflow="ellipsis")
    return text


def link_name(link: Link) -> str:
    """The heading first when there is one: in a narrow list, links into one note differ there."""
    if link.alias:
        return link.alias
    anchor = link.heading or (f"^{link.block}" if link.block else None)
    return f"#{anchor} · {link.target}" if anchor else link.target
