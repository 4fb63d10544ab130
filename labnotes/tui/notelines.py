"""A note as styled terminal lines, one per source line: what the Notes view draws.

Line N of the result is line N of the note, so "open the note at line 67" puts the cursor on
line 67, and the link under the cursor is a link of that line. Each line is drawn as Obsidian's
reading view shows it, in one terminal style: headings bold, tasks with their checkbox, tabs as
indentation, highlights, struck hypotheses, code and wiki-links as their names. A link's text
carries `{"link": K}` in its style's meta (K its index in `note.links`): a click on it hands back
the parsed link itself. Imports no Textual: the widget in `notetext.py` draws these lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import overload

from rich.style import Style
from rich.text import Text

from labnotes.printable import printable
from labnotes.parse.model import Link, Note
from labnotes.parse.source import LINE_BREAK, front_matter_span, strip_bom
from labnotes.tui.text import checkbox, inline, wiki_label

LINK_STYLE = "underline #7aa2f7"
BROKEN_STYLE = "underline dim"
HEADING_STYLES = {1: "bold underline #7aa2f7", 2: "bold #7aa2f7", 3: "bold #bb9af7"}
INDENT = "  "  # one tab of the note: deep debugging logs stay on screen at 80 columns

_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_FENCE = re.compile(r"\s*(`{3,}|~{3,})")
# Indentation, a list marker and a task's checkbox: the part of a line before its text.
_PREFIX = re.compile(r"(?P<indent>[ \t]*)(?:(?P<marker>[-*+]|\d+[.)])[ \t]+(?:\[(?P<status>.)\][ \t]+)?)?")
_MD_LINK = re.compile(r"!?\[(?P<label>[^\]]*)\]\((?P<url>[^)]*)\)")
_IMAGE = re.compile(r"\.(png|jpe?g|gif|svg|webp|bmp|pdf)$", re.IGNORECASE)


@dataclass(slots=True)
class NoteLine:
    line: int  # 1-based line of the note
    text: Text
    # (K, start, end): link K of `note.links` is drawn at text[start:end], in column order.
    links: list[tuple[int, int, int]] = field(default_factory=list)
    # A row a query block put under its fence: the task it lists (note, line). Such rows share
    # the fence's `line`; enter on one opens that task.
    task: tuple[str, int] | None = None


def query_block_rows(results) -> dict[int, list[NoteLine]]:
    """Each query block's answer as rows, by the line of its closing fence (where Obsidian shows
    the block's tasks), from the `QueryResult`s of `run_query_blocks`."""
    after: dict[int, list[NoteLine]] = {}
    for r in results or ():
        rows = after.setdefault(r.end_line, [])
        if r.error is not None:
            rows.append(NoteLine(r.end_line, Text(f"  ⚠ query: {r.error}", "bold #f7768e")))
            continue
        for g in r.groups:
            if g.names:
                rows.append(NoteLine(r.end_line, Text("  " + " › ".join(g.names), "bold #7dcfff")))
            for t in g.tasks:
                row = Text("  ")
                row.append_text(checkbox(t.status))
                row.append(" ")
                row.append_text(inline(t.text, "dim" if t.status in ("x", "X", "-") else ""))
                row.append(f"  {t.note.rsplit('/', 1)[-1].removesuffix('.md')}:{t.line}", "dim")
                row.no_wrap, row.overflow, row.end = False, "fold", ""
                rows.append(NoteLine(r.end_line, row, task=(t.note, t.line)))
        rows.append(NoteLine(r.end_line, Text(f"  {r.shown} of {r.total} tasks", "dim italic")))
    return after


def query_rows(results, lines: list[NoteLine]) -> list[NoteLine]:
    """`lines` with each query block's answer drawn under its closing fence."""
    after = query_block_rows(results)
    if not after:
        return lines
    out: list[NoteLine] = []
    for nl in lines:
        out.append(nl)
        if nl.task is None and nl.line in after:
            out.extend(after.pop(nl.line))
    return out


def note_lines(source: str, note: Note, *, ok: "set[int] | None" = None) -> list[NoteLine]:
    """Every line of `source` (parsed as `note`) drawn for the terminal. `ok`, when given, names
    the links that resolve; the others are drawn dim."""
    return list(NoteLines(source, note.links, ok=ok))


_TEXT, _FRONT, _CODE = 0, 1, 2


class NoteLines(Sequence[NoteLine]):
    """A note's rows (its lines, and query blocks' answers under their fences), each drawn the
    first time it is asked for: a 1,400-line note opens by drawing the forty lines on screen.

    `links` are the note's links in `note.links` order (the store's copy will do: K is an index
    into them). Which lines are front matter or code is found in one cheap pass up front, as a
    fence changes how every line after it reads."""

    def __init__(self, source: str, links: Sequence[Link], *, ok: "set[int] | None" = None,
                 after: "dict[int, list[NoteLine]] | None" = None) -> None:  # fmt: skip
        # The parser's line breaks (\n, \r\n, \r), so line N here is line N of the note.
        self._raw = LINE_BREAK.split(strip_bom(source))
        self._ok = ok
        self._by_line: dict[int, list[tuple[int, Link]]] = {}
        for k, link in enumerate(links):
            self._by_line.setdefault(link.line, []).append((k, link))
        front = front_matter_span(self._raw)
        front_end = front[1] if front else 0
        kinds = bytearray(len(self._raw))
        fence: str | None = None
        for n, raw in enumerate(self._raw):
            if n < front_end:
                kinds[n] = _FRONT
                continue
            m = _FENCE.match(raw) if fence is not None or "`" in raw or "~" in raw else None
            if fence is not None or m:
                if m and (fence is None or m.group(1).startswith(fence)):
                    fence = m.group(1)[:3] if fence is None else None
                kinds[n] = _CODE
        self._kinds = kinds
        # A slot is a note line (0-based) drawn when asked for, or a ready query row.
        after = after or {}
        self._slots: list[int | NoteLine] = []
        for n in range(len(self._raw)):
            self._slots.append(n)
            if n + 1 in after:
                self._slots.extend(after[n + 1])
        self._drawn: dict[int, NoteLine] = {}

    def __len__(self) -> int:
        return len(self._slots)

    @overload
    def __getitem__(self, i: int) -> NoteLine: ...
    @overload
    def __getitem__(self, i: slice) -> list[NoteLine]: ...
    def __getitem__(self, i: "int | slice") -> "NoteLine | list[NoteLine]":
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        slot = self._slots[i]
        if not isinstance(slot, int):
            return slot
        nl = self._drawn.get(slot)
        if nl is None:
            nl = self._drawn[slot] = self._draw(slot)
        return nl

    def line_of(self, i: int) -> int:
        """The 1-based note line of row `i`, without drawing it."""
        slot = self._slots[i]
        return slot + 1 if isinstance(slot, int) else slot.line

    def has_links(self, i: int) -> bool:
        slot = self._slots[i]
        return isinstance(slot, int) and self._kinds[slot] == _TEXT and slot + 1 in self._by_line

    def _draw(self, n: int) -> NoteLine:
        raw, kind = self._raw[n], self._kinds[n]
        if kind == _FRONT:
            return NoteLine(n + 1, Text(printable(raw), "dim"))
        if kind == _CODE:
            return NoteLine(n + 1, Text(printable(raw.expandtabs(4)), "#e6a86e"))
        links = sorted(self._by_line.get(n + 1, []), key=lambda kl: kl[1].col)
        return _line(n + 1, raw, links, self._ok)


def _line(n: int, raw: str, links: list[tuple[int, Link]], ok: "set[int] | None") -> NoteLine:
    heading = _HEADING.match(raw)
    if heading:
        level = len(heading.group(1))
        text = Text(heading.group(1) + " ", "dim")
        start = heading.start(2)
        style = HEADING_STYLES.get(level, "bold")
    else:
        prefix = _PREFIX.match(raw)
        assert prefix is not None  # every part of it is optional
        indent = prefix.group("indent").replace("\t", INDENT)
        text = Text(indent)
        if prefix.group("marker"):
            text.append(prefix.group("marker") + " ", "dim")
        status = prefix.group("status")
        if status is not None:
            text.append_text(checkbox(status))
            text.append(" ")
        start = prefix.end()
        style = "dim" if status in ("x", "X", "-") else ""
    placed: list[tuple[int, int, int]] = []
    pos = start
    for k, link in links:
        end = link.col + len(link.original)
        if link.col < pos or raw[link.col : end] != link.original:
            continue  # the parser and this line disagree (or the link sits in the prefix): leave it as text
        text.append_text(inline(raw[pos : link.col], style))
        begin = len(text.plain)
        look = LINK_STYLE if ok is None or k in ok else BROKEN_STYLE
        text.append(_label(link), Style.parse(look) + Style(meta={"link": k}))
        placed.append((k, begin, len(text.plain)))
        pos = end
    text.append_text(inline(raw[pos:], style))
    if heading:
        text.stylize(style, len(heading.group(1)) + 1)
    text.no_wrap = False
    text.overflow = "fold"
    text.end = ""
    return NoteLine(n, text, placed)


def _label(link: Link) -> str:
    """A link as Obsidian shows it: its alias, else `note › heading`; an embed with a mark."""
    if link.kind == "wiki":
        label = wiki_label(link.original.lstrip("!")[2:-2])
    elif link.kind == "markdown":
        m = _MD_LINK.fullmatch(link.original)
        label = (m.group("label") or m.group("url")) if m else link.original
    else:
        label = link.original
    if link.embed:
        return ("🖼 " if _IMAGE.search(link.target or "") else "↪ ") + label
    return label
