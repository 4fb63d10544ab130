"""Timestamped log entries: a stamp at the start of a list item's text or of a paragraph line.

An entry holds its item when the stamp opens the item's text (`- 2024-12-03-22:05 周二：…`); a
stamp that opens a later line of a paragraph starts an entry that runs to the next stamped line.
An entry's thread is the task it works on: its own item when that is a task, else the nearest
task above it.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import PurePath

from labnotes.parse.inline import Inline
from labnotes.parse.model import Entry, ListItem, Note, ParseWarning
from labnotes.parse.positions import Positions
from labnotes.parse.timestamps import WEEKDAY_NAMES_ZH, Stamp, StampError, TimestampFormats

# Markup that may stand before a stamp: `~~2024-12-01-16:53：…~~`, `**23:08留言：…**`, `<mark …>`.
_LEAD = re.compile(r"(?:~~|\*\*|==|\*|_|<mark\b[^>\n]*>)\s*")
_MARKUP = re.compile(r"~~|\*\*|==|\*|_|<mark\b[^>\n]*>")
_CLOSER = {"~~": "~~", "**": "**", "==": "==", "*": "*", "_": "_"}


@dataclass(slots=True)
class Paragraph:
    """One paragraph's text and where it sits: the list items open around it, its section."""

    content: str
    positions: Positions
    found: Inline | None
    items: list[ListItem]  # the list items open around it, outermost first
    own_text: bool  # the paragraph is the text of items[-1] (not a later paragraph of it)
    body_start: int  # where that item's words start, after `[ ] `
    section: list[str]


class _Spans:
    """Strikes and highlights of a paragraph, for questions by offset that cost a bisection
    (sorted when first asked: most paragraphs hold no entry)."""

    __slots__ = ("found", "strikes", "strike_starts", "marks", "mark_starts", "order")

    def __init__(self, found: Inline | None) -> None:
        self.found = found
        self.order: list[int] | None = None

    def _index(self) -> None:
        found = self.found
        self.strikes = found.strikes if found else []
        self.strike_starts = [s.start for s in self.strikes]
        self.marks = found.highlights if found else []
        self.order = sorted(range(len(self.marks)), key=lambda k: self.marks[k].start)
        self.mark_starts = [self.marks[k].start for k in self.order]

    def struck_at(self, offset: int) -> bool:
        if self.order is None:
            self._index()
        k = bisect_right(self.strike_starts, offset) - 1
        return k >= 0 and offset < self.strikes[k].end

    def highlights(self, start: int, end: int) -> list[str]:
        """Texts of the highlights that start in [start, end), in the order the scan found them."""
        if self.order is None:
            self._index()
        assert self.order is not None
        lo, hi = bisect_left(self.mark_starts, start), bisect_left(self.mark_starts, end)
        return [self.marks[k].text for k in sorted(self.order[lo:hi])]


def read_entries(p: Paragraph, formats: TimestampFormats, day: dt.date | None, note: Note) -> list[Entry]:
    """The entries whose stamps open the paragraph or one of its lines; warnings go to `note`."""
    spans = _Spans(p.found)
    content = p.content
    holder = p.items[-1] if p.items and p.own_text else None
    out: list[Entry] = []
    in_lines: list[Entry] = []  # entries that start a paragraph line rather than hold an item
    line_start, first = 0, True
    while line_start <= len(content):
        line_end = content.find("\n", line_start)
        if line_end == -1:
            line_end = len(content)
        begin = p.body_start if first else line_start
        lead_end = _skip_lead(content, begin)
        segment = content[lead_end:line_end]
        stamp = formats.match(segment, day) if segment[:1].isdigit() or formats.has_custom else None
        if isinstance(stamp, StampError):
            note.warnings.append(ParseWarning(p.positions.line(lead_end), stamp.message, "stamp"))
        elif stamp is not None:
            holds = holder if first else None
            limit = len(content) if holds is not None else line_end
            words = _words(segment[stamp.length :], content[begin:lead_end])
            entry = _entry(p, stamp, words, lead_end, holds, spans, spans.highlights(line_start, limit))
            out.append(entry)
            if holds is None:
                in_lines.append(entry)
            _check_weekday(stamp, entry.line, note)
        elif first and holder is not None and holder.task is not None:
            trailing = _trailing_entry(p, holder, formats, line_end, spans, note)
            if trailing is not None:
                out.append(trailing)
        first = False
        line_start = line_end + 1
    # Such an entry's body runs to the next stamped line of the paragraph, or its end.
    last_line = p.positions.first + content.count("\n") + 1
    for entry, after in zip(in_lines, in_lines[1:] + [None]):
        entry.end_line = (after.line - 1) if after is not None else max(last_line, entry.line)
    return out


def _check_weekday(stamp: Stamp, line: int, note: Note) -> None:
    if not stamp.weekday_ok:
        expected = WEEKDAY_NAMES_ZH[stamp.start.weekday()]
        message = f"weekday {stamp.weekday} does not match {stamp.start.date().isoformat()} ({expected})"
        note.warnings.append(ParseWarning(line, message, "weekday"))


def _trailing_entry(
    p: Paragraph, task: ListItem, formats: TimestampFormats, line_end: int, spans: _Spans, note: Note
) -> Entry | None:
    """A task whose line ends in a date and time (`3. [x] 该表格绘制完毕：2024-09-25-22:17`): the
    time it was done or noted at, an entry of the task's own thread."""
    found = formats.trailing(p.content[p.body_start : line_end])
    if found is None:
        return None
    offset, stamp = found
    at = p.body_start + offset
    if isinstance(stamp, StampError):
        note.warnings.append(ParseWarning(p.positions.line(at), stamp.message, "stamp"))
        return None
    words = p.content[p.body_start : at].rstrip(" \t：:，,")
    entry = _entry(p, stamp, words, at, task, spans, spans.highlights(0, len(p.content)))
    entry.trailing = True
    _check_weekday(stamp, entry.line, note)
    return entry


def _words(after: str, lead: str) -> str:
    """The entry's words: what follows the stamp, less the closing markup of what opened before it."""
    words = after.rstrip()
    for opener in reversed(_MARKUP.findall(lead)):
        closer = "</mark>" if opener.startswith("<") else _CLOSER[opener]
        if words.endswith(closer):
            words = words[: -len(closer)].rstrip()
    return words


def _skip_lead(content: str, pos: int) -> int:
    while True:
        m = _LEAD.match(content, pos)
        if not m:
            return pos
        pos = m.end()


def _entry(
    p: Paragraph, stamp: Stamp, words: str, at: int, holds: ListItem | None, spans: _Spans, highlights: list[str]
) -> Entry:
    line, col = p.positions.at(at)
    struck = spans.struck_at(at) or (holds is not None and holds.struck)
    if holds is not None:
        parent_line, item_line, end_line = holds.parent_line, holds.line, holds.end_line
        threads = p.items[:-1]
    else:
        enclosing = p.items[-1] if p.items else None
        parent_line, item_line, end_line = (enclosing.line if enclosing else None), None, line
        threads = p.items
    # A stamped task opens a thread of its own (its sub-items log the work on it);
    # any other entry belongs to the nearest task above it.
    if holds is not None and holds.task is not None:
        thread_line: int | None = holds.line
    else:
        thread_line = next((t.line for t in reversed(threads) if t.task is not None), None)
    return Entry(
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
        section=list(p.section),
        highlights=highlights,
    )


def assign_ids(note: Note, entries: list[Entry]) -> None:
    """`<file stem>@<timestamp>`, with `~2`, `~3`, … for later entries of the same minute."""
    stem = PurePath(note.path).stem
    seen: dict[str, int] = {}
    for entry in entries:
        count = seen.get(entry.timestamp, 0) + 1
        seen[entry.timestamp] = count
        entry.id = f"{stem}@{entry.timestamp}" + (f"~{count}" if count > 1 else "")
        note.entries.append(entry)
