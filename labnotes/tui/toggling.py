"""Toggling a task from a view: the same safe edit as `labnotes toggle`, said the same way.

The Tasks view (a task's latest line) and the Notes view (a task line, or a task a query block
lists) both come here; the app reads the vault again on `NoteEdited`.
"""

from __future__ import annotations

import datetime as dt

from labnotes.notes.edit import EditError, NoteChanged, ToggleResult, read_snapshot, toggle
from labnotes.tui.data import VaultData
from labnotes.tui.messages import NoteEdited
from labnotes.tui.text import name


def toggle_and_say(widget, data: VaultData, rel: str, line: int) -> bool:
    """Toggle `rel`:`line`, tell the user what changed (or why not), and ask for a re-read.
    True when the note was written."""
    try:
        result = toggle_shown(data, rel, line)
    except NoteChanged:
        widget.notify(f"{name(rel)} changed on disk since it was shown, so the task was not toggled. "
                      "It is reloaded now; try again.", title="Not toggled", severity="error", markup=False)  # fmt: skip
        widget.post_message(NoteEdited(rel))
        return False
    except (EditError, OSError) as exc:
        widget.notify(name(str(exc)), title="Not toggled", severity="error", markup=False)
        return False
    widget.notify(name(toggled_message(rel, line, result)), markup=False)
    warn_if_sample(widget.app, data)
    widget.post_message(NoteEdited(rel))
    return True


def toggle_shown(data: VaultData, rel: str, line: int) -> ToggleResult:
    """Flip the task line the user sees, through the same safe edit as `labnotes toggle` (with the
    vault's Obsidian Tasks settings: the plugin's done date and next occurrence when it is on).

    Refused (NoteChanged) when the note moved on disk since the index read it: the line on screen
    may no longer be that line. The bytes read here are the ones `toggle` checks before it writes.
    """
    assert data.index is not None
    snap = read_snapshot(data.vault / rel, vault=data.vault)
    if data.stamp.get(rel) != (snap.size, snap.mtime_ns):
        raise NoteChanged(f"{rel}: the file changed since it was shown")
    config = data.index.config
    done_date = dt.date.today() if config.done_date else None
    result = toggle(snap.path, line, done_date=done_date, snapshot=snap, tasks=config.tasks, vault=data.vault)
    data.restamp(rel)
    return result


def toggled_message(rel: str, line: int, result: ToggleResult) -> str:
    """What the toggle did, as `labnotes toggle` says it (a recurring task's next line too)."""
    said = f"{rel}:{line}  [{result.old}] → [{result.new}]"
    if len(result.lines) > 1:
        said += "  · next: " + " / ".join(s.strip() for s in result.lines if s.strip() != result.after.strip())
    elif not result.after and result.lines:
        said = f"{rel}:{line}  done and removed (🏁 delete); next: {result.lines[0].strip()}"
    elif not result.after:
        said = f"{rel}:{line}  done and removed (🏁 delete)"
    return said


def warn_if_sample(widget, data: VaultData) -> None:
    """Every write into the bundled sample vault says so, as the CLI's `toggle` and `new` do."""
    if data.is_sample:
        widget.notify(f"This is the bundled sample vault ({data.vault}): the edit changed labnotes' own copy. "
                      "Start with `labnotes tui --vault DIR` for yours.", title="Sample vault",
                      severity="warning", markup=False)  # fmt: skip
