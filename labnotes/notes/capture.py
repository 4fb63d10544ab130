"""Writing down while working: a task into today's note, a stamped entry under a task or entry.

Pure helpers decide what line goes where (`task_insertion`, `entry_insertion`, `stamp_like`);
`add_task` / `add_entry` write it through `edit.write_if_unchanged`: atomic, and refused
(`NoteChanged`) when the note changed since the caller read it. Only the new line is added (or
one empty template placeholder filled in); every other byte of the note stays.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from labnotes.notes.edit import EditError, Snapshot, insert_line_after, read_snapshot, write_if_unchanged
from labnotes.parse.model import Entry, Note

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# The stamp a new entry gets when the vault has no entry to copy the form of.
DEFAULT_STAMP = "2024-12-05-17:36 周四："

_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
_CJK_DATE = re.compile(r"\d{4} 年 \d{1,2} 月 \d{1,2} 日")
_TIME = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?!\d)")
_WEEKDAY = re.compile(r"(周|星期)[一二三四五六日天]|\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b")
_MARKER = re.compile(r"([ \t]*)([-*+]|\d+[.)])([ \t]+)")
_PLACEHOLDER = re.compile(r"\s*\d*\s*")


@dataclass(frozen=True, slots=True)
class Insertion:
    after: int  # 1-based line the new line goes after (0: the top)
    text: str
    replace: bool = False  # True: `after` is an empty placeholder line, filled in instead


def stamp_like(example: str, when: dt.datetime) -> str:
    """`when` written the way `example` writes a stamp: `2024-12-05-17:36 周四：` stays in that
    form, `2024 年 12 月 5 日-17:36 周四：` in its own; the separator after it is kept."""
    out = _DATE.sub(when.strftime("%Y-%m-%d"), example, count=1)
    out = _CJK_DATE.sub(f"{when.year} 年 {when.month} 月 {when.day} 日", out, count=1)
    out = _TIME.sub(f"{when.hour:02d}:{when.minute:02d}", out, count=1)

    def weekday(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1) + WEEKDAYS_ZH[when.weekday()]
        return WEEKDAYS_EN[when.weekday()]

    return _WEEKDAY.sub(weekday, out, count=1)


def stamp_of(source_line: str, entry: Entry) -> str | None:
    """The stamp as written on an entry's line (what comes between the marker and its text)."""
    rest = source_line[entry.col :]
    at = rest.find(entry.text) if entry.text else -1
    stamp = rest[:at] if at > 0 else None
    return stamp if stamp and _TIME.search(stamp) else None


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def _unit(lines: list[str]) -> str:
    """One level of the note's indentation: a tab unless the note indents lists with spaces."""
    for line in lines:
        if line.startswith("\t"):
            return "\t"
        if line.startswith("    ") and _MARKER.match(line):
            return "    "
    return "\t"


def _next_marker(marker: str) -> str:
    m = re.fullmatch(r"(\d+)([.)])", marker)
    return f"{int(m.group(1)) + 1}{m.group(2)}" if m else marker


def entry_insertion(note: Note, lines: list[str], line: int, stamp: str, text: str) -> Insertion:
    """A new entry for the task or entry at `line`: under a task, as its last child item; under
    an entry, as the next item after it (the same thread, in time order)."""
    items = {i.line: i for i in note.list_items}
    item = items.get(line)
    if item is None:
        raise EditError(f"line {line} is not a list item: pick a task or an entry")
    entry_here = any(e.item_line == line or e.line == line for e in note.entries)
    if entry_here and item.task is None:
        indent, marker = _indent_of(lines[line - 1]), _next_marker(item.marker)
        last = item.end_line
    else:
        children = [i for i in note.list_items if i.parent_line == line]
        if children:
            last_child = max(children, key=lambda i: i.line)
            indent, marker = _indent_of(lines[last_child.line - 1]), _next_marker(last_child.marker)
        else:
            indent = _indent_of(lines[line - 1]) + _unit(lines)
            marker = "1." if re.fullmatch(r"\d+[.)]", item.marker) else "-"
        last = item.end_line
    return Insertion(_trim_blank(lines, last, line), f"{indent}{marker} {stamp}{text}")


def _trim_blank(lines: list[str], last: int, first: int) -> int:
    """The last non-blank line in first..last: a new line goes right under the item's text."""
    while last > first and not lines[last - 1].strip():
        last -= 1
    return last


def sections_with_tasks(note: Note) -> list[tuple[str, ...]]:
    """The sections of a note that hold tasks (or placeholders), in the note's order."""
    seen: list[tuple[str, ...]] = []
    for i in note.list_items:
        if i.task is not None and tuple(i.section) not in seen:
            seen.append(tuple(i.section))
    return seen


def task_insertion(note: Note, lines: list[str], section: tuple[str, ...], text: str) -> Insertion:
    """A new open task at the top level of `section`: an empty template placeholder there
    (`2. [ ] `) is filled in; else it goes after the section's last task, numbered on."""
    tops = [i for i in note.list_items if tuple(i.section) == section and i.task is not None and i.depth == 0]
    for item in tops:
        if _PLACEHOLDER.fullmatch(item.text):
            m = _MARKER.match(lines[item.line - 1])
            indent, marker = (m.group(1), m.group(2)) if m else ("", item.marker)
            return Insertion(item.line, f"{indent}{marker} [ ] {text}", replace=True)
    if tops:
        last = max(tops, key=lambda i: i.line)
        indent = _indent_of(lines[last.line - 1])
        return Insertion(_trim_blank(lines, last.end_line, last.line), f"{indent}{_next_marker(last.marker)} [ ] {text}")
    heading = next((h for h in note.headings if _heading_path(note, h.line) == section), None)
    if heading is None:
        raise EditError(f"no section {' › '.join(section)} in {note.path}")
    return Insertion(heading.line, f"1. [ ] {text}")


def _heading_path(note: Note, line: int) -> tuple[str, ...]:
    path: list[tuple[int, str]] = []
    for h in note.headings:
        if h.line > line:
            break
        while path and path[-1][0] >= h.level:
            path.pop()
        path.append((h.level, h.text))
    return tuple(t for _, t in path)


def apply(snap: Snapshot, ins: Insertion) -> bytes:
    """The note's bytes with the insertion made; only that line is new or changed."""
    if not ins.replace:
        return insert_line_after(snap, ins.after, ins.text)
    lines = snap.data.splitlines(keepends=True)
    old = lines[ins.after - 1]
    body = old.rstrip(b"\r\n")
    lines[ins.after - 1] = ins.text.encode("utf-8") + old[len(body) :]
    return b"".join(lines)


def write(path: Path, ins: Insertion, snapshot: Snapshot | None = None) -> None:
    """Write the insertion atomically; NoteChanged when the note moved since `snapshot`."""
    snap = snapshot or read_snapshot(path)
    write_if_unchanged(snap, apply(snap, ins))
