"""The rules for a note's source text that every reader shares: BOM, lines and line ends, the
front-matter block, the heading path.

The parser, the writers (`labnotes.notes`), the runner and the UI all count lines and find the
front matter with these functions, so a line number means the same line everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from labnotes.parse.model import Heading

BOM = "\ufeff"
# markdown-it breaks lines on these three only; U+2028, \x0c, \v and the like stay inside a line.
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith(BOM) else text


def normalise(text: str) -> str:
    """The text the parser reads: no leading BOM, every line break a `\\n`, NUL read as U+FFFD
    (as markdown-it reads it, so positions in the text and in markdown-it's tokens agree)."""
    text = strip_bom(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    return text


def split_lines(text: str) -> list[str]:
    """Lines as the parser counts them (`\\n`, `\\r\\n`, `\\r`); no empty line after a final break.

    Line N of a note is `split_lines(text)[N - 1]`. A BOM stays at the start of line 1.
    """
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def line_ending(text: str) -> str:
    """The note's first line ending (`\\n` when it has none): new lines are written with it."""
    m = LINE_BREAK.search(text)
    return m.group(0) if m else "\n"


def _indent_width(line: str) -> tuple[int, int]:
    """(characters, columns) of the line's leading spaces and tabs; a tab runs to the next stop of 4."""
    chars = cols = 0
    for ch in line:
        if ch == " ":
            cols += 1
        elif ch == "\t":
            cols += 4 - cols % 4
        else:
            break
        chars += 1
    return chars, cols


def _closes(line: str, width: int) -> bool:
    chars, cols = _indent_width(line)
    body = line[chars:]
    if cols == 0 and body.startswith("...") and not body[3:].strip(" \t"):
        return True  # YAML's document-end marker
    if cols >= 4 or not body.startswith("-"):
        return False  # indented four columns it would be code, not a marker
    dashes = len(body) - len(body.lstrip("-"))
    return dashes >= width and not body[dashes:].strip(" \t")


def front_matter_span(lines: Sequence[str]) -> tuple[int, int] | None:
    """1-based lines of the front matter's opening and closing markers, or None when it has none.

    The block opens on line 1 with three or more dashes and closes at the first later line of at
    least as many dashes (indented less than four columns) or at `...` in column 0; an unclosed
    block is no front matter. `lines` are a note's lines without the BOM (`split_lines(normalise(t))`).
    """
    if not lines or not lines[0].startswith("---"):
        return None
    first = lines[0]
    width = len(first) - len(first.lstrip("-"))
    for k in range(1, len(lines)):
        if _closes(lines[k], width):
            return 1, k + 1
    return None


def body_start(lines: Sequence[str]) -> int:
    """1-based first line after the front matter (1 when the note has none)."""
    span = front_matter_span(lines)
    return span[1] + 1 if span else 1


def enter_heading(open_headings: list[Heading], heading: Heading) -> list[str]:
    """Close the headings `heading` ends, open it, and return the heading path it starts."""
    while open_headings and open_headings[-1].level >= heading.level:
        open_headings.pop()
    open_headings.append(heading)
    return [h.text for h in open_headings]


def heading_paths(headings: Iterable[Heading]) -> list[tuple[int, int, tuple[str, ...]]]:
    """(line, level, heading path) of every heading, in order: `["今日计划", "科研"]` under `## 科研`."""
    open_headings: list[Heading] = []
    return [(h.line, h.level, tuple(enter_heading(open_headings, h))) for h in headings]
