"""Byte-preserving edits of a note on disk: flip a task, insert a line.

Every edit works on the bytes read in a `Snapshot`, changes only the lines it means to change, and
is written by `labnotes.notes.write.write_if_unchanged` (atomic, locked, and only while the file
still holds exactly the bytes that were read, so an edit made meanwhile in Obsidian is never lost).

Lines are 1-based and split like the parser splits them (`\\r\\n`, `\\r` or `\\n`), so a line
number from `labnotes parse` names the same line here. A UTF-8 BOM is kept and is not part of line 1.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labnotes.settings.tasks_plugin import TasksSettings

from labnotes.notes.write import (
    EditError,
    NoteChanged,
    NotWritable,
    Snapshot,
    create_new,
    read_snapshot,
    write_if_unchanged,
)

BOM = b"\xef\xbb\xbf"

# A task line: list marker (maybe inside block quotes / callouts), then `[c]` followed by a space,
# a tab or the end of the line. Group "status" is the character between the brackets.
TASK_RE = re.compile(r"^(?P<lead>(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)(?P<status>[^\]\r\n])\](?=[ \t]|$)")

# The Obsidian Tasks plugin's done stamp, kept before a trailing block id (`^abc123`).
DONE_STAMP_RE = re.compile(r"[ \t]+✅[ \t]*\d{4}-\d{2}-\d{2}(?=(?:[ \t]+\^[\w-]+)?[ \t]*$)")
BLOCK_ID_TAIL_RE = re.compile(r"[ \t]+\^[\w-]+[ \t]*$")

DONE = frozenset("xX")


class NotATask(EditError):
    """The line is not a task line."""


class LineOutOfRange(EditError):
    pass


@dataclass(frozen=True, slots=True)
class ToggleResult:
    path: Path
    line: int
    old: str  # status character before
    new: str  # status character after
    before: str  # the line's text before (no line ending, no BOM)
    after: str  # and after ("" when the line was dropped)
    # With the Obsidian Tasks plugin: every line that replaced the task's line, in order (a recurring
    # task's next occurrence is one of them; none when `🏁 delete` dropped it); () otherwise.
    lines: tuple[str, ...] = ()


def _split_eol(raw: bytes) -> tuple[bytes, bytes]:
    if raw.endswith(b"\r\n"):
        return raw[:-2], b"\r\n"
    if raw.endswith((b"\n", b"\r")):
        return raw[:-1], raw[-1:]
    return raw, b""


def _lines(data: bytes) -> list[bytes]:
    # bytes.splitlines breaks on \r\n, \r and \n only: the same breaks markdown-it (the parser) uses.
    return data.splitlines(keepends=True)


def _file_eol(lines: list[bytes]) -> bytes:
    for raw in lines:
        eol = _split_eol(raw)[1]
        if eol:
            return eol
    return b"\n"


def insert_line_after(snap: Snapshot, line: int, text: str) -> bytes:
    """The note's bytes with `text` inserted as new line(s) after 1-based `line` (0 = at the top,
    after a BOM). The new lines take the file's line ending; every other byte stays as it was."""
    lines = _lines(snap.data)
    if not 0 <= line <= len(lines):
        raise LineOutOfRange(f"{snap.path}: line {line} is out of range (1-{len(lines)})")
    eol = _split_eol(lines[line - 1])[1] if line else b""
    eol = eol or _file_eol(lines)
    new = eol.join(text.encode("utf-8").splitlines()) if text else b""
    if line == 0:
        bom = BOM if snap.data.startswith(BOM) else b""
        return bom + new + eol + snap.data[len(bom):]
    head = b"".join(lines[:line])
    tail = b"".join(lines[line:])
    if not _split_eol(lines[line - 1])[1]:
        # After a last line without a line ending: the separator goes before the new text and the
        # file still ends without one, as it did.
        return head + eol + new
    return head + new + eol + tail


def next_status(old: str) -> str:
    """What a click does: open or in-progress becomes done, anything else (done, cancelled, …) open."""
    return "x" if old in (" ", "/") else " "


def _restamp(text: str, new: str, done_date: _dt.date | None) -> str:
    if done_date is None:
        return text
    text = DONE_STAMP_RE.sub("", text)
    if new not in DONE:
        return text
    stamp = f" ✅ {done_date.isoformat()}"
    tail = BLOCK_ID_TAIL_RE.search(text)
    if tail:
        return text[: tail.start()] + stamp + text[tail.start():]
    return text.rstrip(" \t") + stamp


def _parser_agrees(data: bytes, path: Path, line: int) -> bool:
    # The regex finds the bracket; the parser knows whether the line is really a list item and not
    # inside a code block, front matter or an HTML block.
    from labnotes.parse import parse_note

    text = data.decode("utf-8-sig", errors="replace")
    item = parse_note(text, str(path)).item_at(line)
    return item is not None and item.task is not None


def toggle(
    path: str | os.PathLike[str],
    line: int,
    to: str | None = None,
    *,
    done_date: _dt.date | None = None,
    snapshot: Snapshot | None = None,
    tasks: "TasksSettings | None" = None,
    today: _dt.date | None = None,
    vault: str | os.PathLike[str] | None = None,
) -> ToggleResult:
    """Set the status character of the task on 1-based `line` (flip open/done when `to` is None).

    `done_date`, given when the vault asks for done dates, is stamped as ` ✅ YYYY-MM-DD` when the
    task becomes done and removed when it stops being done. Pass the `snapshot` a UI displayed to
    refuse the edit (NoteChanged) when the file changed since then; pass the `vault` to refuse a
    note that leads outside it (NotWritable).
    `tasks`, the vault's Obsidian Tasks settings: when the vault uses the plugin, the toggle is the
    plugin's (its done / cancelled dates, a recurring task's next occurrence, `🏁 delete`; see
    notes/tasks_toggle.py), counted from `today`, and `done_date` is not used.
    Raises NotATask, LineOutOfRange, NoteChanged, NotWritable, EditError, OSError.
    """
    # Not a control character, nor a byte that is no UTF-8 (`--to $'\xff'` arrives as a surrogate).
    if to is not None and (len(to) != 1 or to == "]" or not to.isprintable()):
        raise EditError(f"--to takes one printable character, got {to!r}")
    snap = snapshot or read_snapshot(path)
    lines = _lines(snap.data)
    if not 1 <= line <= len(lines):
        raise LineOutOfRange(f"{snap.path}: line {line} is out of range (1-{len(lines)})")
    body, eol = _split_eol(lines[line - 1])
    bom = BOM if line == 1 and body.startswith(BOM) else b""
    try:
        text = body[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        raise NotATask(f"{snap.path}:{line}: not a task (the line is not UTF-8 text)") from None
    m = TASK_RE.match(text)
    if not m or not _parser_agrees(snap.data, snap.path, line):
        raise NotATask(f"{snap.path}:{line}: not a task line")
    old = m.group("status")
    if tasks is not None and tasks.present:
        return _toggle_as_tasks_plugin(snap, lines, line, bom, eol, text, to, tasks, today or _dt.date.today(), vault)
    new = to if to is not None else next_status(old)
    after = text[: m.start("status")] + new + text[m.end("status"):]
    if not (old in DONE and new in DONE):
        # Done stays done: the completion date already there is the true one.
        after = _restamp(after, new, done_date)
    lines[line - 1] = bom + after.encode("utf-8") + eol
    if after != text:
        write_if_unchanged(snap, b"".join(lines), vault=vault)
    return ToggleResult(snap.path, line, old, new, text, after)


def _toggle_as_tasks_plugin(
    snap: Snapshot, lines: list[bytes], line: int, bom: bytes, eol: bytes, text: str, to: str | None,
    tasks: "TasksSettings", today: _dt.date, vault: str | os.PathLike[str] | None,
) -> ToggleResult:
    from labnotes.notes.tasks_toggle import toggle_task_line

    change = toggle_task_line(text, to, tasks, today)
    # New lines take the file's line ending; a last line without one stays without one.
    inner = eol or _file_eol(lines)
    parts = [
        (bom if i == 0 else b"") + new.encode("utf-8") + (eol if i == len(change.lines) - 1 else inner)
        for i, new in enumerate(change.lines)
    ]
    replaced = lines[: line - 1] + parts + lines[line:]
    after = "" if change.deleted else next((t for t in change.lines if t != change.next_line), "")
    if replaced != lines:
        write_if_unchanged(snap, b"".join(replaced), vault=vault)
    return ToggleResult(snap.path, line, change.old, change.new, text, after, change.lines)


__all__ = [
    "BOM",
    "EditError",
    "LineOutOfRange",
    "NoteChanged",
    "NotATask",
    "NotWritable",
    "Snapshot",
    "ToggleResult",
    "create_new",
    "insert_line_after",
    "next_status",
    "read_snapshot",
    "toggle",
    "write_if_unchanged",
]
