"""One note's text → `Note`: walk markdown-it's block tokens, read each block's inline text."""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from labnotes.settings.config import VaultConfig
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
    Table,
    Tag,
)
from labnotes.parse import frontmatter
from labnotes.parse.cells import typed_cell
from labnotes.parse.inline import Inline, scan
from labnotes.parse.markdown import MAX_NESTING, block_parser
from labnotes.parse.taskfields import add_task_fields
from labnotes.parse.timestamps import WEEKDAY_NAMES_ZH, Stamp, StampError, formats_for

_TASK = re.compile(r"\[(.)\](?=\s|$)")
# Markup that may stand before a stamp: `~~2024-12-01-16:53：…~~`, `**22:05** …`, `<mark …>`.
_LEAD = re.compile(r"(?:~~|\*\*|==|\*|_|<mark\b[^>]*>)\s*")
_DEFAULT_CONFIG = VaultConfig()


class _Positions:
    """Offsets in a block's inline text → (1-based line, 0-based column) in the source."""

    __slots__ = ("text", "src", "first", "starts", "shifts", "cursor")

    def __init__(self, text: str, src: list[str], first: int, cursor: int = -1) -> None:
        self.text = text
        self.src = src
        self.first = first  # 0-based source line of the text's first line
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)
        self.shifts: list[int | None] = [None] * len(self.starts)
        self.cursor = cursor  # table cells: where in the row to start looking

    def _shift(self, i: int) -> int:
        shift = self.shifts[i]
        if shift is None:
            end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
            line = self.text[self.starts[i] : end]
            body = line.strip()
            lead = len(line) - len(line.lstrip())
            row = self.first + i
            source = self.src[row] if row < len(self.src) else ""
            if self.cursor >= 0:
                col = source.find(body, self.cursor) if body else self.cursor
            else:
                stripped = source.rstrip()
                col = len(stripped) - len(body) if stripped.endswith(body) else source.find(body)
            shift = (col if col >= 0 else lead) - lead
            self.shifts[i] = shift
        return shift

    def at(self, offset: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        col = offset - self.starts[lo] + self._shift(lo)
        return self.first + lo + 1, max(col, 0)


@dataclass(slots=True)
class _OpenItem:
    item: ListItem
    first_inline: bool  # the next inline token is the item's own text


def _note_day(path: str, fm: dict[str, Any] | None, config: VaultConfig) -> dt.date | None:
    if fm and "date" in fm:
        value = fm["date"]
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()[:10])
            except ValueError:
                pass
    return config.day_in(PurePath(path).stem)


def _normalise(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_note(
    text: str,
    path: str = "<text>",
    *,
    day: str | dt.date | None = None,
    config: VaultConfig | None = None,
) -> Note:
    """Parse one note. Pure: no file access, never raises on odd input (it warns instead)."""
    # A parse allocates many small objects that all live until it ends; the cyclic collector
    # would rescan them again and again (a third of the time on a large note) for nothing.
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        return _parse(text, path, day, config or _DEFAULT_CONFIG)
    finally:
        if paused:
            gc.enable()


def _parse(text: str, path: str, day: str | dt.date | None, config: VaultConfig) -> Note:
    text = _normalise(text)
    src = text.split("\n")
    note = Note(path=path, date=None, frontmatter=None, line_count=len(src) - (1 if text.endswith("\n") else 0))
    warnings = note.warnings
    formats = formats_for(config.timestamp_formats)

    try:
        tokens = block_parser().parse(text)
    except RecursionError:
        warnings.append(ParseWarning(1, "structure nested too deeply to parse; only the text is kept"))
        tokens = []

    if tokens and tokens[0].type == "front_matter":
        note.frontmatter, fm_warnings = frontmatter.load(tokens[0].content, tokens[0].map[0] + 2)
        warnings.extend(fm_warnings)

    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day)
        except ValueError:
            day = None
    note_day = day or _note_day(path, note.frontmatter, config)
    note.date = note_day.isoformat() if note_day else None

    headings: list[Heading] = []
    section: list[str] = []
    open_headings: list[Heading] = []
    stack: list[_OpenItem] = []
    raw_entries: list[tuple[Stamp, Entry]] = []
    table: Table | None = None
    table_row: list | None = None
    in_head = False
    deepest = 0

    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        kind = tok.type
        if kind == "inline":
            parent = tokens[i - 1].type if i else ""
            first_line = tok.map[0] if tok.map else 0
            content = tok.content
            if parent == "heading_open":
                level = int(tokens[i - 1].tag[1])
                heading = Heading(first_line + 1, level, content.strip())
                headings.append(heading)
                while open_headings and open_headings[-1].level >= level:
                    open_headings.pop()
                open_headings.append(heading)
                section = [h.text for h in open_headings]
                _collect(note, content, _Positions(content, src, first_line), scan(content) if _worth_scanning(content) else None)
            elif parent in ("th_open", "td_open"):
                cursor = _cell_cursor(src, first_line, tok, table_row)
                positions = _Positions(content, src, first_line, cursor)
                if table_row is not None:
                    table_row.append(typed_cell(content))
                if _worth_scanning(content):
                    _collect(note, content, positions, scan(content))
            else:
                _read_block(note, content, src, first_line, stack, section, formats, note_day, raw_entries)
        elif kind == "list_item_open":
            depth = len(stack)
            deepest = max(deepest, depth)
            start, end = tok.map if tok.map else (0, 0)
            end_line = max(end, start + 1)
            while end_line > start + 1 and not src[end_line - 1].strip():
                end_line -= 1
            marker = tok.markup if tok.markup in "-*+" else f"{tok.info}{tok.markup}"
            parent_line = stack[-1].item.line if stack else None
            item = ListItem(start + 1, parent_line, None, "", list(section), end_line, marker, depth)
            note.list_items.append(item)
            stack.append(_OpenItem(item, tokens[i + 1].type == "paragraph_open" if i + 1 < n else False))
        elif kind == "list_item_close":
            if stack:
                stack.pop()
        elif kind == "table_open":
            table = Table(tok.map[0] + 1 if tok.map else 1, [], [], list(section))
        elif kind == "tr_open":
            table_row = []
        elif kind == "tr_close":
            if table is not None and table_row is not None:
                if in_head:
                    table.header = [c.text for c in table_row]
                else:
                    table.rows.append(table_row)
            table_row = None
        elif kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "table_close":
            if table is not None:
                note.tables.append(table)
            table = None
        i += 1

    if deepest >= MAX_NESTING // 2 - 2 or (tokens and _dropped_tail(tokens, src)):
        deepest_line = max((i.line for i in note.list_items if i.depth == deepest), default=1)
        warnings.append(
            ParseWarning(deepest_line, f"lists nested deeper than {deepest + 1} levels; the rest of the note was not read")
        )

    note.headings = headings
    _finish_entries(note, raw_entries)
    note.metrics = _metrics(note, config)
    add_task_fields(note, src, config.tasks)
    note.warnings.sort(key=lambda w: w.line)
    return note


def _worth_scanning(text: str) -> bool:
    # Most table cells and headings hold no construct at all; skip the regex pass for them.
    return any(ch in text for ch in "[]#<=~:^h$`")


def _cell_cursor(src: list[str], row: int, tok: Any, cells: list | None) -> int:
    line = src[row] if row < len(src) else ""
    # Column just after the pipe that opens this cell.
    count = len(cells) if cells is not None else 0
    pos = -1
    seen = -1
    start = line.find("|")
    if start == -1 or line[: start].strip():
        seen = 0
        pos = 0
        if count == 0:
            return 0
    else:
        pos = start + 1
        seen = 0
    while seen < count:
        nxt = line.find("|", pos)
        while nxt > 0 and line[nxt - 1] == "\\":
            nxt = line.find("|", nxt + 1)
        if nxt == -1:
            return pos
        pos = nxt + 1
        seen += 1
    return pos


def _read_block(
    note: Note,
    content: str,
    src: list[str],
    first_line: int,
    stack: list[_OpenItem],
    section: list[str],
    formats: Any,
    note_day: dt.date | None,
    raw_entries: list[tuple[Stamp, Entry]],
) -> None:
    """A paragraph: maybe the text of a list item, maybe stamped lines."""
    open_item = stack[-1] if stack else None
    own_text = open_item is not None and open_item.first_inline
    if own_text:
        open_item.first_inline = False  # later paragraphs of the item are its body
    positions = _Positions(content, src, first_line)
    found = scan(content) if _worth_scanning(content) else None
    _collect(note, content, positions, found)

    body_start = 0
    item = open_item.item if open_item else None
    if own_text and item is not None:
        m = _TASK.match(content)
        if m:
            item.task = m.group(1)
            body_start = m.end()
            while body_start < len(content) and content[body_start] in " \t":
                body_start += 1
        item.text = content[body_start:].replace("\n", " ").strip()
        if found and found.strikes and found.strikes[0].start == body_start:
            item.struck = True

    # Stamps at the start of the paragraph and of each of its lines.
    line_start = 0
    first = True
    in_lines: list[Entry] = []  # entries that start a paragraph line rather than hold an item
    while line_start <= len(content):
        line_end = content.find("\n", line_start)
        if line_end == -1:
            line_end = len(content)
        begin = body_start if first else line_start
        lead_end = begin
        while True:
            m = _LEAD.match(content, lead_end)
            if not m:
                break
            lead_end = m.end()
        segment = content[lead_end:line_end]
        stamp = formats.match(segment, note_day) if segment[:1].isdigit() or formats._has_custom else None
        if isinstance(stamp, StampError):
            note.warnings.append(ParseWarning(positions.at(lead_end)[0], stamp.message))
        elif stamp is not None:
            line, col = positions.at(lead_end)
            struck = bool(found and any(s.start <= lead_end < s.end for s in found.strikes)) or bool(
                first and own_text and item is not None and item.struck
            )
            holds_item = first and own_text and item is not None
            if holds_item:
                assert item is not None
                parent_line, item_line, end_line = item.parent_line, item.line, item.end_line
                threads = [o.item for o in stack[:-1]]
            else:
                parent_line = item.line if item is not None else None
                item_line, end_line = None, line
                threads = [o.item for o in stack]
            # A stamped task opens a thread of its own (its sub-items log the work on it);
            # any other entry belongs to the nearest task above it.
            if holds_item and item is not None and item.task is not None:
                thread_line = item.line
            else:
                thread_line = next((t.line for t in reversed(threads) if t.task is not None), None)
            words = segment[stamp.length :].rstrip()
            if struck and words.endswith("~~"):
                words = words[:-2].rstrip()
            highlights = []
            if found:
                highlights = [h.text for h in found.highlights if line_start <= h.start < (len(content) if holds_item else line_end)]
            entry = Entry(
                id="",
                line=line,
                col=col,
                timestamp=stamp.start.strftime("%Y-%m-%dT%H:%M"),
                end=stamp.end.strftime("%Y-%m-%dT%H:%M") if stamp.end else None,
                weekday=stamp.weekday,
                weekday_ok=stamp.weekday_ok,
                struck=struck,
                text=words,
                parent_line=parent_line,
                item_line=item_line,
                thread_line=thread_line,
                end_line=end_line,
                section=list(section),
                highlights=highlights,
            )
            raw_entries.append((stamp, entry))
            if not holds_item:
                in_lines.append(entry)
            if not stamp.weekday_ok:
                expected = WEEKDAY_NAMES_ZH[stamp.start.weekday()]
                note.warnings.append(
                    ParseWarning(line, f"weekday {stamp.weekday} does not match {stamp.start.date().isoformat()} ({expected})")
                )
        first = False
        line_start = line_end + 1
    # Such an entry's body runs to the next stamped line of the paragraph, or its end.
    last_line = first_line + content.count("\n") + 1
    for entry, after in zip(in_lines, in_lines[1:] + [None]):
        entry.end_line = (after.line - 1) if after is not None else max(last_line, entry.line)


def _collect(note: Note, content: str, positions: _Positions, found: Inline | None) -> None:
    if not found:
        return
    for link in found.links:
        line, col = positions.at(link.start)
        note.links.append(
            Link(line, col, content[link.start : link.end], link.target, link.heading, link.block, link.alias, link.embed, link.kind, link.size)
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
        note.fields.append(Field(positions.at(start)[0], key, value))
    for start, block in found.block_ids:
        note.block_ids.append(BlockId(positions.at(start)[0], block))


def _finish_entries(note: Note, raw: list[tuple[Stamp, Entry]]) -> None:
    stem = PurePath(note.path).stem
    seen: dict[str, int] = {}
    for _, entry in raw:
        count = seen.get(entry.timestamp, 0) + 1
        seen[entry.timestamp] = count
        entry.id = f"{stem}@{entry.timestamp}" + (f"~{count}" if count > 1 else "")
        note.entries.append(entry)


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


def _dropped_tail(tokens: list[Any], src: list[str]) -> bool:
    """markdown-it stops at maxNesting and silently drops the rest; notice it."""
    last = 0
    for tok in tokens:
        if tok.map and tok.map[1] > last:
            last = tok.map[1]
    return any(line.strip() for line in src[last:])
