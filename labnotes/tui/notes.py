"""The Notes view: a note drawn as Markdown, its links to follow, its backlinks, and a way back.

Left, every note of the vault; middle, the open note; right, where it links to and what links
to it. Following a link (enter on the right, or a click in the text) opens the target at its
heading; `backspace` returns to where you were, as a browser's back does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Markdown, OptionList
from textual.widgets.markdown import MarkdownBlock
from textual.widgets.option_list import Option

from labnotes.queries.links import backlinks
from labnotes.parse.model import Link, Note
from labnotes.tui import notemd
from labnotes.tui.data import VaultData, note_order


@dataclass(frozen=True, slots=True)
class Visit:
    rel: str
    line: int


class NoteMarkdown(Markdown):
    """The note's Markdown; links are handled here, never opened in a browser."""


class NotesView(Vertical):
    BINDINGS = [
        Binding("backspace", "back", "Back"),
        Binding("o", "focus_list", "Notes list"),
        Binding("l", "focus_links", "Links"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self.current: Visit | None = None
        self.history: list[Visit] = []
        self.note: Note | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield OptionList(id="note-list")
            with Vertical(id="note-main"):
                yield Label("", id="note-title", classes="summary")
                with VerticalScroll(id="note-scroll"):
                    yield NoteMarkdown("", id="note-body", open_links=False)
            yield OptionList(id="note-links")

    def focus_main(self) -> None:
        target = "#note-scroll" if self.current else "#note-list"
        self.query_one(target).focus()

    def action_focus_list(self) -> None:
        self.query_one("#note-list").focus()

    def action_focus_links(self) -> None:
        self.query_one("#note-links").focus()

    def show(self, data: VaultData) -> None:
        self.data = data
        notes = self.query_one("#note-list", OptionList)
        notes.clear_options()
        if data.index is None:
            return
        rels = note_order(data.index, set(data.index.notes))
        if not rels:
            self.query_one("#note-title", Label).update("This vault has no notes yet.")
        notes.add_options([Option(one_line(rel.rsplit("/", 1)[-1].removesuffix(".md"), cells=LIST_CELLS["note-list"]), id=rel) for rel in rels])
        if self.current is not None:
            if self.current.rel in data.index.notes:
                self.call_later(self._draw, self.current, False)
            else:
                self.current = None

    # -- opening notes ------------------------------------------------------------------------

    def open(self, rel: str, line: int = 1, *, remember: bool = True) -> None:
        """Show note `rel` scrolled to `line`; the note shown before goes on the back stack."""
        if self.data is None or self.data.index is None or rel not in self.data.index.notes:
            self.notify(f"No note {rel} in the vault.", severity="warning")
            return
        if remember and self.current is not None:
            self.history.append(Visit(self.current.rel, self._top_line()))
        self.current = Visit(rel, line)
        self.call_later(self._draw, self.current, True)

    def action_back(self) -> None:
        if not self.history:
            self.notify("Nothing to go back to.")
            return
        self.current = self.history.pop()
        self.call_later(self._draw, self.current, True)

    async def _draw(self, visit: Visit, scroll: bool) -> None:
        assert self.data is not None and self.data.index is not None
        index = self.data.index
        path = self.data.vault / visit.rel
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            self.notify(f"Cannot read {visit.rel}: {exc.strerror or exc}", severity="error")
            return
        self.note = index.notes[visit.rel]
        day = index.note_day(visit.rel)
        self.query_one("#note-title", Label).update(
            Text.assemble((visit.rel, "bold"), (f"  {day.isoformat()}" if day else "", "dim"),
                          (f"  ← {len(self.history)}" if self.history else "", "dim"))  # fmt: skip
        )
        md = self.query_one(NoteMarkdown)
        await md.update(notemd.render(source, self.note))
        self._fill_links(visit.rel)
        note_list = self.query_one("#note-list", OptionList)
        try:
            note_list.highlighted = note_list.get_option_index(visit.rel)
        except Exception:
            pass
        if scroll:
            self.call_after_refresh(self.scroll_to_line, visit.line)

    # Not `_scroll_to`: that is Textual's own (private) method with another signature.
    def scroll_to_line(self, line: int) -> None:
        """Scroll the open note so that the block holding `line` is at the top."""
        block = block_at(self.query_one(NoteMarkdown), line)
        scroller = self.query_one("#note-scroll", VerticalScroll)
        if block is None or line <= 1:
            scroller.scroll_home(animate=False)
            return
        scroller.scroll_to_widget(block, animate=False, top=True)

    def _top_line(self) -> int:
        """The note line at the top of the view now: where back returns to."""
        md = self.query_one(NoteMarkdown)
        scroller = self.query_one("#note-scroll", VerticalScroll)
        top = scroller.scroll_offset.y + scroller.region.y
        best = 1
        for block in md.query(MarkdownBlock):
            if block.region.y <= top and block.source_range:
                best = max(best, block.source_range[0] + 1)
        return best if scroller.scroll_offset.y else 1

    def _fill_links(self, rel: str) -> None:
        assert self.data is not None and self.data.index is not None and self.note is not None
        index = self.data.index
        out = self.query_one("#note-links", OptionList)
        out.clear_options()
        options: list[Option | None] = [Option(Text("links", "bold"), disabled=True)]
        wiki = [(k, link) for k, link in enumerate(self.note.links) if link.kind == "wiki"]
        for k, link in wiki:
            res = index.resolve(link, rel)
            style = "" if res.ok else "dim strike"
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

    # -- following links ----------------------------------------------------------------------

    def follow(self, link: Link) -> None:
        assert self.data is not None and self.data.index is not None and self.current is not None
        if link.kind == "url":
            self.app.open_url(link.target)
            return
        res = self.data.index.resolve(link, self.current.rel)
        if res.rel is None or res.rel not in self.data.index.notes:
            self.notify(f"{link.original}: {res.reason or 'not a note in the vault'}", severity="warning")
            return
        self.open(res.rel, res.block_line or res.heading_line or 1)

    @on(Markdown.LinkClicked)
    def _clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        k = notemd.link_index(event.href)
        if k is not None and self.note is not None and 0 <= k < len(self.note.links):
            self.follow(self.note.links[k])
        elif "://" in event.href:
            self.app.open_url(event.href)

    @on(OptionList.OptionSelected, "#note-list")
    def _picked_note(self, event: OptionList.OptionSelected) -> None:
        if event.option.id and (self.current is None or event.option.id != self.current.rel):
            self.open(event.option.id)

    @on(OptionList.OptionSelected, "#note-links")
    def _picked_link(self, event: OptionList.OptionSelected) -> None:
        kind, _, n = (event.option.id or "").partition(":")
        if kind == "out" and self.note is not None:
            self.follow(self.note.links[int(n)])
        elif kind == "in":
            row = self._backlinks[int(n)]
            self.open(row.note, row.line)


# Cells a row of the side lists may take: their CSS width less border, padding and scrollbar.
LIST_CELLS = {"note-list": 24 - 6, "note-links": 30 - 6}


def one_line(*parts: str | tuple[str, str], cells: int = LIST_CELLS["note-links"]) -> Text:
    """A list row cut with … at the edge: a long CJK name wrapped over three rows reads worse."""
    text = Text.assemble(*parts)
    text.truncate(cells, overflow="ellipsis")
    return text


def link_name(link: Link) -> str:
    """The heading first when there is one: in a narrow list, links into one note differ there."""
    if link.alias:
        return link.alias
    anchor = link.heading or (f"^{link.block}" if link.block else None)
    return f"#{anchor} · {link.target}" if anchor else link.target


def block_at(md: Markdown, line: int) -> MarkdownBlock | None:
    """The innermost block whose source holds 1-based `line` (or the first one after it)."""
    best: MarkdownBlock | None = None
    after: MarkdownBlock | None = None
    for block in md.query(MarkdownBlock):
        start, end = block.source_range
        if start == end == 0:
            continue
        if start < line <= end:
            if best is None or (end - start) <= (best.source_range[1] - best.source_range[0]):
                best = block
        elif start >= line and after is None:
            after = block
    return best or after
