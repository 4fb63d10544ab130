"""The capture dialogs: `a` a task for today's note, `e` a stamped entry; `E` the note in `$EDITOR`.

The dialogs only ask; `labnotes.notes.capture` decides where the line goes and writes it (the
same atomic, conflict-refusing write as a toggle). The app runs them (`LabnotesApp.action_add_*`).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select


@dataclass(frozen=True, slots=True)
class Captured:
    text: str
    section: tuple[str, ...] | None = None


class CaptureScreen(ModalScreen["Captured | None"]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, where: Text | str, *, lead: str = "",
                 sections: list[tuple[str, ...]] | None = None, section: tuple[str, ...] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.title_text = title
        self.where = where
        self.lead = lead
        self.sections = sections or []
        self.section = section if section in self.sections else (self.sections[0] if self.sections else None)

    def compose(self) -> ComposeResult:
        with Vertical(id="capture"):
            yield Label(self.title_text, id="capture-title")
            yield Label(self.where, id="capture-where")
            if self.sections:
                options = [(" › ".join(s) or "(no heading)", n) for n, s in enumerate(self.sections)]
                assert self.section is not None  # one of the sections, whenever there are any
                yield Select(options, value=self.sections.index(self.section), allow_blank=False, id="capture-section")
            if self.lead:
                yield Label(Text(self.lead, "#bb9af7"), id="capture-lead")
            yield Input(placeholder="what to write · enter saves · esc cancels", id="capture-text")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#capture-text")
    def _save(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.notify("Nothing to write.", severity="warning", timeout=2)
            return
        section = None
        if self.sections:
            picked = self.query_one("#capture-section", Select).value
            section = self.sections[picked if isinstance(picked, int) else 0]  # a Select without a blank
        self.dismiss(Captured(text, section))


def editor_argv(path: Path, line: int, editor: str | None = None) -> list[str]:
    """`$EDITOR` (else `$VISUAL`, else vi) opened at `line`: `+N FILE` for the vi / emacs / nano /
    micro / helix family, `-g FILE:N` for VS Code."""
    words = shlex.split(editor or os.environ.get("EDITOR") or os.environ.get("VISUAL") or "vi")
    name = Path(words[0]).name if words else "vi"
    if name in ("code", "codium", "code-insiders"):
        return [*words, "-g", f"{path}:{line}"]
    if name in ("subl", "zed"):
        return [*words, f"{path}:{line}"]
    return [*words, f"+{line}", str(path)]


def run_editor(app, path: Path, line: int) -> int | str:
    """Run the editor with the terminal handed over to it; its exit status, or why it could not run."""
    argv = editor_argv(path, line)
    try:
        with app.suspend():
            return subprocess.call(argv)
    except FileNotFoundError:
        return f"{argv[0]}: not found (set $EDITOR)"
    except Exception as exc:  # SuspendNotSupported (a headless or web driver): run it anyway
        if type(exc).__name__ != "SuspendNotSupported":
            raise
        try:
            return subprocess.call(argv, stdin=subprocess.DEVNULL)
        except FileNotFoundError:
            return f"{argv[0]}: not found (set $EDITOR)"


# -- what `a`, `e` and `E` do (the app's actions call these) -----------------------------------


def _parse(data, rel: str, snap):
    from labnotes.parse import parse_note

    text = snap.data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    return text, parse_note(text, rel, config=data.index.config)


def _changed(data, rel: str, snap) -> bool:
    """The note moved on disk since the views showed it: a line on screen may not be that line."""
    return data.stamp.get(rel) is not None and data.stamp.get(rel) != (snap.size, snap.mtime_ns)


def add_task(app, data, section_hint: tuple[str, ...] | None, done) -> None:
    """`a`: ask for a task and a section of today's daily note (made from the template, with
    yesterday's open tasks carried, when it does not exist yet), then write it there."""
    import datetime as dt

    from labnotes.notes import capture
    from labnotes.notes.edit import create_new, read_snapshot
    from labnotes.notes.newnote import TemplateMissing, daily_note_path, make_note

    index = data.index
    today = dt.date.today()
    rel = daily_note_path(index.config, today).as_posix()
    path = data.vault / rel
    created = False
    if not path.exists():
        try:
            new = make_note(data.vault, today, index.config)
            create_new(path, new.text.encode("utf-8"))
        except (TemplateMissing, OSError, ValueError) as exc:
            app.notify(f"Cannot make today's note {rel}: {exc}", title="Not added", severity="error", markup=False)
            return
        created = True
        data.restamp(rel)
    snap = read_snapshot(path)
    _, note = _parse(data, rel, snap)
    sections = capture.sections_with_tasks(note) or [tuple(h.text for h in note.headings[:1])]
    where = Text.assemble(("→ ", "dim"), (rel, "bold"), ("  (new, from the template)" if created else "", "dim"))

    def save(got: Captured | None) -> None:
        if got is None:
            return
        try:
            snap2 = read_snapshot(path)
            _, fresh = _parse(data, rel, snap2)
            ins = capture.task_insertion(fresh, snap2.data.decode("utf-8", "replace").split("\n"), got.section or (), got.text)
            capture.write(path, ins, snap2)
        except Exception as exc:  # NoteChanged, EditError, OSError: said, nothing written
            app.notify(f"{rel}: {exc}", title="Not added", severity="error", markup=False)
            return
        line = ins.after if ins.replace else ins.after + 1
        app.notify(f"{rel}:{line}  [ ] {got.text}", title="Task added", markup=False)
        done(rel, line)

    app.push_screen(CaptureScreen("Add a task to today's note", where, sections=sections, section=section_hint), save)


def add_entry(app, data, rel: str, line: int, done) -> None:
    """`e`: ask for the words of a new entry under the task or entry at `rel`:`line`, stamped
    now in the vault's own stamp form, and write it."""
    import datetime as dt

    from labnotes.notes import capture
    from labnotes.notes.edit import read_snapshot

    path = data.vault / rel
    snap = read_snapshot(path)
    if _changed(data, rel, snap):
        app.notify(f"{rel} changed on disk since it was shown; it is reloaded now, try again.",
                   title="Not added", severity="error", markup=False)  # fmt: skip
        done(None, None)
        return
    text, note = _parse(data, rel, snap)
    lines = text.split("\n")
    item = next((i for i in note.list_items if i.line == line), None)
    if item is None:
        app.notify("Pick a task or an entry (a list item) to log under.", severity="warning")
        return
    stamp = capture.stamp_like(vault_stamp_form(data), dt.datetime.now())
    where = Text.assemble(("under ", "dim"), (item.text[:70], "bold"), (f"  {rel}:{line}", "dim"))

    def save(got: Captured | None) -> None:
        if got is None:
            return
        try:
            snap2 = read_snapshot(path)
            if snap2.data != snap.data:
                raise capture.EditError("the note changed on disk since the dialog opened")
            ins = capture.entry_insertion(note, lines, line, stamp, got.text)
            capture.write(path, ins, snap2)
        except Exception as exc:
            app.notify(f"{rel}: {exc}", title="Not added", severity="error", markup=False)
            return
        app.notify(f"{rel}:{ins.after + 1}  {stamp}{got.text}", title="Entry added", markup=False)
        done(rel, ins.after + 1)

    app.push_screen(CaptureScreen("Add a log entry", where, lead=stamp), save)


def vault_stamp_form(data) -> str:
    """How this vault writes a stamp: copied from its newest entry, else the seed note's form."""
    from labnotes.notes.capture import DEFAULT_STAMP, stamp_of

    entries = data.index.entries()
    for rel, entry in reversed(entries[-20:]):
        try:
            line = (data.vault / rel).read_text(encoding="utf-8", errors="replace").split("\n")[entry.line - 1]
        except (OSError, IndexError):
            continue
        form = stamp_of(line, entry)
        if form:
            return form
    return DEFAULT_STAMP
