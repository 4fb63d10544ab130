"""One pass over a note's block tokens: sections, list items, tables, paragraphs, and each block's
inline constructs and log entries, collected into the `Note`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from labnotes.parse.budget import Budget
from labnotes.parse.entries import Paragraph, read_entries
from labnotes.parse.inline import Inline, scan
from labnotes.parse.model import BlockId, Entry, Field, Heading, Highlight, Link, ListItem, Note, ParseWarning, Strike, Tag
from labnotes.parse.positions import Positions
from labnotes.parse.source import enter_heading
from labnotes.parse.tables import TableReader
from labnotes.parse.timestamps import TimestampFormats

_TASK = re.compile(r"\[(.)\](?=\s|$)")
_DIGIT = re.compile(r"\d")
CHECK_EVERY = 64  # tokens between two looks at the clock


def describe(exc: BaseException) -> str:
    """An exception in a warning's words: its type and the start of its message."""
    message = str(exc)
    return f"{type(exc).__name__}: {message[:200]}" if message else type(exc).__name__


@dataclass(slots=True)
class _OpenItem:
    item: ListItem
    first_inline: bool  # the next inline token is the item's own text


class Walk:
    """One pass over a note's block tokens: sections, list items, tables, paragraphs."""

    def __init__(
        self, note: Note, src: list[str], formats: TimestampFormats, day: dt.date | None, budget: Budget
    ) -> None:
        self.note = note
        self.src = src
        self.formats = formats
        self.day = day
        self.budget = budget
        self.section: list[str] = []
        self.open_headings: list[Heading] = []
        self.stack: list[_OpenItem] = []
        self.entries: list[Entry] = []
        self.tables = TableReader()
        self.handlers: dict[str, Callable[[list[Any], int], None]] = {
            "inline": self._inline,
            "list_item_open": self._open_item,
            "list_item_close": self._close_item,
            "table_open": lambda tokens, i: self.tables.open(_line(tokens[i]), self.section),
            "thead_open": lambda tokens, i: setattr(self.tables, "in_head", True),
            "thead_close": lambda tokens, i: setattr(self.tables, "in_head", False),
            "tr_open": lambda tokens, i: self.tables.open_row(),
            "tr_close": lambda tokens, i: self.tables.close_row(),
            "table_close": self._close_table,
        }

    def run(self, tokens: list[Any]) -> None:
        handlers = self.handlers
        for i, tok in enumerate(tokens):
            if not i % CHECK_EVERY and self.budget.spent():
                self._stop(tokens, i)
                return
            handler = handlers.get(tok.type)
            if handler is None:
                continue
            try:
                handler(tokens, i)
            except Exception as exc:  # a bug on one block costs that block, not the note
                line = _line(tok)
                self.note.warnings.append(ParseWarning(line, f"labnotes could not read this block ({describe(exc)})", "internal"))

    def _stop(self, tokens: list[Any], i: int) -> None:
        line = next((_line(t) for t in tokens[i:] if t.map), self.note.line_count or 1)
        message = (
            f"parsing took longer than this note's {self.budget.seconds:.0f} s budget: "
            f"lines {line}-{max(line, self.note.line_count)} were not read"
        )
        self.note.warnings.append(ParseWarning(line, message, "budget"))

    def _inline(self, tokens: list[Any], i: int) -> None:
        tok = tokens[i]
        opener = tokens[i - 1] if i else None
        kind = opener.type if opener is not None else ""
        first_line = tok.map[0] if tok.map else 0
        if kind == "heading_open":
            assert opener is not None
            self._heading(tok.content, int(opener.tag[1]), first_line)
        elif kind in ("th_open", "td_open"):
            cursor = self.tables.cell(tok.content, self.src, first_line)
            if _worth_scanning(tok.content):
                _collect(self.note, tok.content, Positions(tok.content, self.src, first_line, cursor), scan(tok.content))
        else:
            self._paragraph(tok.content, _content_start(tok.content, self.src, tok.map) if tok.map else first_line)

    def _heading(self, content: str, level: int, first_line: int) -> None:
        heading = Heading(first_line + 1, level, content.strip())
        self.note.headings.append(heading)
        self.section = enter_heading(self.open_headings, heading)
        found = scan(content) if _worth_scanning(content) else None
        _collect(self.note, content, Positions(content, self.src, first_line), found)

    def _open_item(self, tokens: list[Any], i: int) -> None:
        tok = tokens[i]
        start, end = tok.map if tok.map else (0, 0)
        end_line = max(end, start + 1)
        while end_line > start + 1 and not self.src[end_line - 1].strip():
            end_line -= 1
        marker = tok.markup if tok.markup in "-*+" else f"{tok.info}{tok.markup}"
        parent_line = self.stack[-1].item.line if self.stack else None
        item = ListItem(start + 1, parent_line, None, "", list(self.section), end_line, marker, len(self.stack))
        self.note.list_items.append(item)
        own_text = i + 1 < len(tokens) and tokens[i + 1].type == "paragraph_open"
        self.stack.append(_OpenItem(item, own_text))

    def _close_item(self, tokens: list[Any], i: int) -> None:
        if self.stack:
            self.stack.pop()

    def _close_table(self, tokens: list[Any], i: int) -> None:
        table = self.tables.close()
        if table is not None:
            self.note.tables.append(table)

    def _paragraph(self, content: str, first_line: int) -> None:
        """A paragraph: maybe the text of a list item, maybe stamped lines."""
        open_item = self.stack[-1] if self.stack else None
        own_text = open_item is not None and open_item.first_inline
        if open_item is not None and own_text:
            open_item.first_inline = False  # later paragraphs of the item are its body
        positions = Positions(content, self.src, first_line)
        found = scan(content) if _worth_scanning(content) else None
        _collect(self.note, content, positions, found)
        body_start = _item_text(open_item.item, content, found) if open_item is not None and own_text else 0
        if not self.formats.has_custom and not _DIGIT.search(content):
            return  # every stamp has digits: most paragraphs hold none
        paragraph = Paragraph(content, positions, found, [o.item for o in self.stack], own_text, body_start, self.section)
        self.entries.extend(read_entries(paragraph, self.formats, self.day, self.note))


def _line(tok: Any) -> int:
    return tok.map[0] + 1 if tok.map else 1


def _item_text(item: ListItem, content: str, found: Inline | None) -> int:
    """Read the item's task mark and words; returns where its words start."""
    body_start = 0
    m = _TASK.match(content)
    if m:
        item.task = m.group(1)
        body_start = m.end()
        while body_start < len(content) and content[body_start] in " \t":
            body_start += 1
    item.text = content[body_start:].replace("\n", " ").strip()
    if found and found.strikes and found.strikes[0].start == body_start:
        item.struck = True
    return body_start


def _worth_scanning(text: str) -> bool:
    # Most table cells and headings hold no construct at all; skip the regex pass for them.
    return any(ch in text for ch in "[]#<=~:^h$`")


def _content_start(content: str, src: list[str], span: list[int]) -> int:
    """The source line where a paragraph's text starts. markdown-it-py strips the paragraph with
    str.strip, so lines holding only \x0c, U+3000 and other such spaces (not blank to CommonMark,
    which starts the block there) are not in its text. One look per line the block spans."""
    nl = content.find("\n")
    head = (content if nl == -1 else content[:nl]).strip()
    if span[0] < len(src) and head in src[span[0]]:
        return span[0]
    for row in range(span[0] + 1, min(span[1], len(src))):
        if head in src[row]:
            return row
    return span[0]


def _collect(note: Note, content: str, positions: Positions, found: Inline | None) -> None:
    if not found:
        return
    for link in found.links:
        line, col = positions.at(link.start)
        note.links.append(
            Link(line, col, positions.source(link.start, link.end), link.target, link.heading, link.block, link.alias, link.embed,
                 link.kind, link.size)
        )
    for start, tag in found.tags:
        line, col = positions.at(start)
        note.tags.append(Tag(line, col, tag))
    for span in found.highlights:
        line, col = positions.at(span.start)
        note.highlights.append(Highlight(line, col, span.text, span.color))
    for span in found.strikes:
        line, col = positions.at(span.start)
        note.strikes.append(Strike(line, col, span.text))
    for start, key, value in found.fields:
        note.fields.append(Field(positions.line(start), key, value))
    for start, block in found.block_ids:
        note.block_ids.append(BlockId(positions.line(start), block))
