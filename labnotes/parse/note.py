"""One note's text → `Note`: walk markdown-it's block tokens, read each block's inline text.

`parse_note` never raises and never stalls: odd input becomes a warning with its line, a note
that takes longer than its budget keeps what was read so far and says where it stopped, and even
a bug of labnotes' own on one block is a warning for that block while the rest is read.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from labnotes.parse import frontmatter
from labnotes.parse.comments import blank_blocks, block_parts, comment_blocks
from labnotes.parse.entries import Paragraph, assign_ids, read_entries
from labnotes.parse.inline import Inline, scan, split_wiki
from labnotes.parse.inline.tags import find_tags
from labnotes.parse.markdown import MAX_NESTING, block_parser
from labnotes.parse.model import (
    BlockId,
    Entry,
    Field,
    Heading,
    Highlight,
    Link,
    ListItem,
    Note,
    ParseWarning,
    Strike,
    Tag,
)
from labnotes.parse.positions import Positions
from labnotes.parse.source import enter_heading, front_matter_span, normalise
from labnotes.parse.tables import TableReader
from labnotes.parse.taskfields import add_task_fields
from labnotes.parse.timestamps import TimestampFormats, formats_for
from labnotes.settings.config import VaultConfig

_TASK = re.compile(r"\[(.)\](?=\s|$)")
_ISO_DAY = re.compile(r"\s*\d{4}-\d{2}-\d{2}(?!\d)")
_DEFAULT_CONFIG = VaultConfig()
# The time one note may take: far beyond what any real note needs (a 20 MB note parses in
# well under a minute), so only a note that would stall the index or the UI is cut short.
BUDGET_S = 10.0
BUDGET_PER_MB_S = 5.0
_DIGIT = re.compile(r"\d")
_CHECK_EVERY = 64  # tokens between two looks at the clock
# Blocks whose text is literal: a `%%` in them opens no comment.
_LITERAL_BLOCKS = frozenset({"fence", "code_block", "math_block", "math_block_label", "html_block"})
# Containers whose content markdown-it tokenizes one level deeper (and drops past MAX_NESTING).
_CONTAINERS = frozenset({"blockquote_open", "list_item_open", "bullet_list_open", "ordered_list_open"})


def parse_note(
    text: str,
    path: str = "<text>",
    *,
    day: str | dt.date | None = None,
    config: VaultConfig | None = None,
    budget: float | None = None,
) -> Note:
    """Parse one note. Pure: no file access. Never raises: problems come back as warnings.

    `budget` is the CPU seconds labnotes' reading of the blocks may take (default: 10 s plus 5 s
    per MB of text); past it the note keeps what was read and a `budget` warning names the line where
    reading stopped.
    """
    # A parse allocates many small objects that all live until it ends; the cyclic collector
    # would rescan them again and again (a third of the time on a large note) for nothing.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        if budget is None:
            budget = BUDGET_S + BUDGET_PER_MB_S * len(text) / 1e6
        return _parse(text, path, day, config or _DEFAULT_CONFIG, budget)
    except Exception as exc:  # one note must never stop a vault: say so, keep the note's name
        note = Note(path=path, date=None, frontmatter=None)
        note.warnings.append(ParseWarning(1, f"labnotes could not read this note ({_describe(exc)})", "internal"))
        return note
    finally:
        if paused:
            gc.enable()


def _describe(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message[:200]}" if message else type(exc).__name__


def _clock() -> float:
    """The CPU time this thread has spent: a busy machine or a busy UI thread does not eat a note's
    budget, only the parse's own work does."""
    return time.thread_time()


def _wall() -> float:
    return time.perf_counter()


class _Budget:
    """The CPU seconds a note may take. Reading the thread's CPU clock is a system call (~10 us,
    more in a sandbox), the wall clock is not; the wall clock runs at least as fast as one thread's
    CPU time, so the CPU clock is read only once the wall clock says the budget may be spent."""

    __slots__ = ("seconds", "cpu_end", "wall_end")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.cpu_end = _clock() + seconds
        self.wall_end = _wall() + seconds

    def spent(self) -> bool:
        if self.seconds <= 0:
            return True
        if _wall() <= self.wall_end:
            return False
        left = self.cpu_end - _clock()
        if left <= 0:
            return True
        self.wall_end = _wall() + left
        return False


def _parse(text: str, path: str, day: str | dt.date | None, config: VaultConfig, budget: float) -> Note:
    text = normalise(text)
    src = text.split("\n")
    note = Note(path=path, date=None, frontmatter=None, line_count=len(src) - (1 if text.endswith("\n") else 0))
    body = _read_front_matter(note, text, src)
    note_day = _day(day) or _note_day(path, note.frontmatter, config)
    note.date = note_day.isoformat() if note_day else None
    tokens = _blocks(note, body)
    if "%%" in body:
        body, tokens, src = _without_comment_blocks(note, body, tokens, src)
    # The budget guards labnotes' own reading; markdown-it's block pass is linear in the text.
    walk = _Walk(note, src, formats_for(config.timestamp_formats), note_day, _Budget(budget))
    walk.run(tokens)
    _warn_dropped(note, tokens)
    assign_ids(note, walk.entries)
    note.metrics = _metrics(note, config)
    add_task_fields(note, src, config.tasks)
    note.tags.sort(key=lambda t: (t.line, t.col))  # a comment block's tags were read first
    note.warnings.sort(key=lambda w: w.line)
    return note


def _blocks(note: Note, body: str) -> list[Any]:
    try:
        return block_parser().parse(body)
    except RecursionError:
        note.warnings.append(ParseWarning(1, "structure nested too deeply to parse; only the text is kept", "nesting"))
    except Exception as exc:  # markdown-it's own failure: keep the front matter and the day
        note.warnings.append(ParseWarning(1, f"labnotes could not read this note's blocks ({_describe(exc)})", "internal"))
    return []


def _without_comment_blocks(note: Note, body: str, tokens: list[Any], src: list[str]) -> tuple[str, list[Any], list[str]]:
    """Blank out `%% … %%` blocks (found outside code) and read the blocks again, if there are any."""
    code: set[int] = set()
    for tok in tokens:
        if tok.type in _LITERAL_BLOCKS and tok.map:
            code.update(range(tok.map[0], tok.map[1]))
    lines = body.split("\n")
    blocks = comment_blocks(lines, code)
    if not blocks:
        return body, tokens, src
    for k, col, part in block_parts(lines, blocks):
        found = Inline()
        find_tags(part, [], found)
        note.tags.extend(Tag(k + 1, col + start, tag) for start, tag in found.tags)
    lines = blank_blocks(lines, blocks)
    body = "\n".join(lines)
    # The front matter is blank in `lines` too; the walk needs only the rest.
    return body, _blocks(note, body), lines


def _read_front_matter(note: Note, text: str, src: list[str]) -> str:
    """Read the YAML block into `note`; the text markdown-it gets, with the block blanked out."""
    span = front_matter_span(src)
    if span is None:
        return text
    last = span[1]
    note.frontmatter, warnings, links = frontmatter.load_with_links("\n".join(src[1 : last - 1]), 2)
    note.warnings.extend(warnings)
    for prop in links:
        target, heading, block, alias, size = split_wiki(prop.value[2:-2], False)
        note.links.append(Link(prop.line, prop.col, prop.text, target, heading, block, alias, False, "wiki", size, prop.key))
    # Blank lines keep every later line number; markdown-it reads nothing into them.
    return "\n".join([""] * last + src[last:])


def _day(day: str | dt.date | None) -> dt.date | None:
    if isinstance(day, str):
        try:
            return dt.date.fromisoformat(day)
        except ValueError:
            return None
    return day


def _note_day(path: str, fm: dict[str, Any] | None, config: VaultConfig) -> dt.date | None:
    if fm and "date" in fm:
        value = fm["date"]
        m = _ISO_DAY.match(value) if isinstance(value, str) else None
        if m:
            try:
                return dt.date.fromisoformat(m.group(0).strip())
            except ValueError:
                pass
    return config.day_in(PurePath(path).stem)


@dataclass(slots=True)
class _OpenItem:
    item: ListItem
    first_inline: bool  # the next inline token is the item's own text


class _Walk:
    """One pass over a note's block tokens: sections, list items, tables, paragraphs."""

    def __init__(
        self, note: Note, src: list[str], formats: TimestampFormats, day: dt.date | None, budget: "_Budget"
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
            if not i % _CHECK_EVERY and self.budget.spent():
                self._stop(tokens, i)
                return
            handler = handlers.get(tok.type)
            if handler is None:
                continue
            try:
                handler(tokens, i)
            except Exception as exc:  # a bug on one block costs that block, not the note
                line = _line(tok)
                self.note.warnings.append(ParseWarning(line, f"labnotes could not read this block ({_describe(exc)})", "internal"))

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


def _warn_dropped(note: Note, tokens: list[Any]) -> None:
    """markdown-it reads no deeper than MAX_NESTING levels and drops what lies below: say where."""
    for tok in tokens:
        if tok.nesting == 1 and tok.level >= MAX_NESTING - 1 and tok.type in _CONTAINERS and tok.map:
            first, last = tok.map[0] + 1, max(tok.map[1], tok.map[0] + 1)
            message = f"block quotes or lists nested too deeply to read: lines {first}-{last} were not read"
            note.warnings.append(ParseWarning(first, message, "nesting"))
            return


def _metrics(note: Note, config: VaultConfig) -> dict[str, Any]:
    for table in note.tables:
        if table.section and table.section[0] == config.life_section and table.rows:
            values: dict[str, Any] = {}
            for row in table.rows:
                for header, cell in zip(table.header, row):
                    if cell.type != "empty" and header not in values:
                        values[header] = cell.value
            return values
    return {}
