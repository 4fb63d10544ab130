"""Atomic, byte-preserving edits of a note on disk: the one place that writes a user's notes.

Every edit works on the bytes read in a `Snapshot`, changes only the lines it means to change, and
is written by `write_if_unchanged`: a temporary file in the note's own folder (same file system, so
the rename is atomic), fsync, then `os.replace` — but only while the file still holds exactly the
bytes that were read, so an edit made meanwhile in Obsidian is never lost.

Lines are 1-based and split like the parser splits them (`\\r\\n`, `\\r` or `\\n`), so a line
number from `labnotes parse` names the same line here. A UTF-8 BOM is kept and is not part of line 1.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labnotes.settings.tasks_plugin import TasksSettings

BOM = b"\xef\xbb\xbf"

# A task line: list marker (maybe inside block quotes / callouts), then `[c]` followed by a space,
# a tab or the end of the line. Group "status" is the character between the brackets.
TASK_RE = re.compile(r"^(?P<lead>(?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)(?P<status>[^\]\r\n])\](?=[ \t]|$)")

# The Obsidian Tasks plugin's done stamp, kept before a trailing block id (`^abc123`).
DONE_STAMP_RE = re.compile(r"[ \t]+✅[ \t]*\d{4}-\d{2}-\d{2}(?=(?:[ \t]+\^[\w-]+)?[ \t]*$)")
BLOCK_ID_TAIL_RE = re.compile(r"[ \t]+\^[\w-]+[ \t]*$")

DONE = frozenset("xX")


class EditError(Exception):
    """An edit that cannot be made; the message is one line for the user."""


class NoteChanged(EditError):
    """The file on disk is no longer the one that was read."""


class NotATask(EditError):
    """The line is not a task line."""


class LineOutOfRange(EditError):
    pass


@dataclass(frozen=True, slots=True)
class Snapshot:
    path: Path
    data: bytes
    mtime_ns: int
    size: int


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


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    """The note's bytes and the stat they were read under. Raises OSError as open() does."""
    p = Path(path)
    with open(p, "rb") as fh:
        st = os.fstat(fh.fileno())
        data = fh.read()
    return Snapshot(p, data, st.st_mtime_ns, len(data))


def _check_unchanged(snap: Snapshot) -> None:
    # The bytes decide, not the mtime: a coarse clock or a `touch` must not cause a false alarm,
    # and a same-size edit within one clock tick must not slip through.
    try:
        current = Path(snap.path).read_bytes()
    except FileNotFoundError:
        raise NoteChanged(f"{snap.path}: the file was removed since it was read") from None
    if current != snap.data:
        raise NoteChanged(f"{snap.path}: the file changed since it was read; nothing written")


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, so best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_temp(folder: Path, name: str, data: bytes, mode: int | None) -> str:
    # A hidden name, so Obsidian's file watcher does not index the half-written file.
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_if_unchanged(snap: Snapshot, new_data: bytes) -> None:
    """Replace the note with `new_data` atomically, unless it changed since `snap` was read
    (then NoteChanged, and the file is left as it is)."""
    _check_unchanged(snap)
    # Write through a symlink to the real file rather than replacing the link.
    target = Path(os.path.realpath(snap.path))
    mode = stat.S_IMODE(os.stat(target).st_mode)
    tmp = _write_temp(target.parent, target.name, new_data, mode)
    try:
        _check_unchanged(snap)  # one last look, as close to the swap as possible
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def create_new(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a new file atomically; FileExistsError when it exists (it is never overwritten).
    Missing folders are created."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.exists():
        raise FileExistsError(str(p))
    tmp = _write_temp(p.parent, p.name, data, None)
    try:
        # link() fails when the name exists, so a note created meanwhile is never clobbered.
        os.link(tmp, p)
    except FileExistsError:
        raise
    except OSError:
        # File systems without hard links: a plain rename after the check above.
        if p.exists():
            raise FileExistsError(str(p)) from None
        os.replace(tmp, p)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    _fsync_dir(p.parent)


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
) -> ToggleResult:
    """Set the status character of the task on 1-based `line` (flip open/done when `to` is None).

    `done_date`, given when the vault asks for done dates, is stamped as ` ✅ YYYY-MM-DD` when the
    task becomes done and removed when it stops being done. Pass the `snapshot` a UI displayed to
    refuse the edit (NoteChanged) when the file changed since then.
    `tasks`, the vault's Obsidian Tasks settings: when the vault uses the plugin, the toggle is the
    plugin's (its done / cancelled dates, a recurring task's next occurrence, `🏁 delete`; see
    notes/tasks_toggle.py), counted from `today`, and `done_date` is not used.
    Raises NotATask, LineOutOfRange, NoteChanged, EditError, OSError.
    """
    if to is not None and (len(to) != 1 or to in "]\r\n"):
        raise EditError(f"--to takes one character, got {to!r}")
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
        return _toggle_as_tasks_plugin(snap, lines, line, bom, eol, text, to, tasks, today or _dt.date.today())
    new = to if to is not None else next_status(old)
    after = text[: m.start("status")] + new + text[m.end("status"):]
    if not (old in DONE and new in DONE):
        # Done stays done: the completion date already there is the true one.
        after = _restamp(after, new, done_date)
    lines[line - 1] = bom + after.encode("utf-8") + eol
    if after != text:
        write_if_unchanged(snap, b"".join(lines))
    return ToggleResult(snap.path, line, old, new, text, after)


def _toggle_as_tasks_plugin(
    snap: Snapshot, lines: list[bytes], line: int, bom: bytes, eol: bytes, text: str, to: str | None,
    tasks: "TasksSettings", today: _dt.date,
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
        write_if_unchanged(snap, b"".join(replaced))
    return ToggleResult(snap.path, line, change.old, change.new, text, after, change.lines)


__all__ = [
    "BOM",
    "EditError",
    "LineOutOfRange",
    "NoteChanged",
    "NotATask",
    "Snapshot",
    "ToggleResult",
    "create_new",
    "insert_line_after",
    "next_status",
    "read_snapshot",
    "toggle",
    "write_if_unchanged",
]
