"""The Tasks view: every note's tasks as a tree by note and section, with filters and a toggle.

The tree is the note's own outline — sub-tasks under their task, the task's log entries under it —
so `修改 PartialOct` reads as it does in Obsidian. `space` flips a task through `labnotes.notes.edit.toggle`
(the same safe edit as `labnotes toggle`); `enter` opens the note at the selected line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Tree
from textual.widgets.tree import TreeNode

from labnotes.queries.tasks import tasks
from labnotes.notes.edit import EditError, NoteChanged, ToggleResult, read_snapshot, toggle
from labnotes.queries.filters import QueryError
from labnotes.queries.tasks import TaskRow
from labnotes.tui.data import VaultData, note_order
from labnotes.tui.messages import OpenNote
from labnotes.tui.text import checkbox, inline, name, stamp

STATUS_CHOICES = [("all", "any"), ("open", "open"), ("done", "done"), ("in progress", "in-progress"), ("cancelled", "cancelled")]
# Past this many rows only the first notes open up: a big vault's tree stays quick to draw.
EXPAND_ALL_BELOW = 400
EXPAND_FIRST_NOTES = 3


@dataclass(frozen=True, slots=True)
class Place:
    """Where a tree row comes from: enter opens the note there."""

    rel: str
    line: int


@dataclass(slots=True)
class Filters:
    status: str = "any"
    section: str = ""
    text: str = ""


class TaskTree(Tree[object]):
    def on_resize(self) -> None:
        # The run panel opening takes rows: the cursor's row must stay in view.
        if self.cursor_line >= 0:
            self.call_after_refresh(self.scroll_to_line, self.cursor_line, False)

    BINDINGS = [
        Binding("space", "toggle_task", "Toggle task"),
        Binding("enter", "open_note", "Open note"),
        Binding("slash", "app.focus('task-text')", "Filter", key_display="/"),
    ]

    @dataclass
    class ToggleTask(Message):
        row: TaskRow

    def action_toggle_task(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, TaskRow):
            self.post_message(self.ToggleTask(node.data))
        elif node is not None:
            node.toggle()  # a note or section: space folds it, as in any tree

    def action_open_note(self) -> None:
        node = self.cursor_node
        place = place_of(node.data) if node is not None else None
        if place is not None:
            self.post_message(OpenNote(*place))


def place_of(data: object) -> tuple[str, int] | None:
    if isinstance(data, TaskRow):
        return data.note, data.line
    if isinstance(data, Place):
        return data.rel, data.line
    return None


class TasksView(Vertical):
    """Filters on top, the task tree below."""

    @dataclass
    class Edited(Message):
        """A note was written: the app reads the vault again."""

        rel: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self.filters = Filters()
        # Notes whose tasks are not in the tree yet: added when the note is first opened up.
        self._pending: dict[str, list[TaskRow]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Label("status", classes="filter-label")
            yield Select(STATUS_CHOICES, value="any", allow_blank=False, id="task-status")
            yield Label("section", classes="filter-label")
            yield Input(placeholder="any section", id="task-section")
            yield Label("text", classes="filter-label")
            yield Input(placeholder="words or regex  ( / )", id="task-text")
        yield Label("", id="task-summary", classes="summary")
        tree: TaskTree = TaskTree("tasks", id="task-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree

    def show(self, data: VaultData) -> None:
        """New data (first load, or the vault changed on disk): redraw, keeping the cursor's row."""
        self.data = data
        if data.index is not None and data.complete:
            self._extra_statuses()
        self.refresh_tree()

    def _extra_statuses(self) -> None:
        # Any status character the vault uses ([?], [>], [!] …) is a filter choice of its own.
        rows = self._rows(Filters())
        known = {" ", "x", "X", "-", "/"}
        extra = sorted({r.status for r in rows} - known)
        select = self.query_one("#task-status", Select)
        select.set_options(STATUS_CHOICES + [(f"[{c}]", c) for c in extra])
        select.value = self.filters.status if self.filters.status in {v for _, v in STATUS_CHOICES} | set(extra) else "any"

    def _rows(self, f: Filters) -> list[TaskRow]:
        assert self.data is not None and self.data.index is not None
        return tasks(self.data.index, status=f.status, section=f.section or None, grep=f.text or None)

    def refresh_tree(self) -> None:
        tree = self.query_one(TaskTree)
        summary = self.query_one("#task-summary", Label)
        data = self.data
        if data is None:
            return
        if data.index is None:
            tree.clear()
            summary.update(data.error or "")
            return
        if not data.complete:
            # The newest notes only, unfiltered; the rest (and the filters) once every note is read.
            rows = [r for rel in data.first_notes for r in tasks(data.index, note=rel)]
            note_count = len(data.index.notes)
        else:
            try:
                rows = self._rows(self.filters)
            except QueryError as exc:
                summary.update(str(exc))
                return
        keep = place_of(tree.cursor_node.data) if tree.cursor_node is not None else None
        opened = {n.data.rel for n in tree.root.children if isinstance(n.data, Place) and n.is_expanded}
        tree.clear()
        self._pending = fill(tree, data, rows, opened)
        if not data.complete:
            summary.update(f"the newest notes; reading all {note_count} notes …")
        elif rows:
            open_count = sum(1 for r in rows if r.status == " ")
            notes = len({r.note for r in rows})
            summary.update(f"{len(rows)} tasks, {open_count} open, in {notes} notes")
        else:
            summary.update("no tasks match")
        if keep is not None:
            select_place(tree, keep)

    @on(Tree.NodeExpanded, "#task-tree")
    def _opened(self, event: Tree.NodeExpanded) -> None:
        data = event.node.data
        if isinstance(data, Place) and data.rel in self._pending and self.data is not None:
            add_tasks(event.node, self.data, self._pending.pop(data.rel))

    @on(Select.Changed, "#task-status")
    def _status(self, event: Select.Changed) -> None:
        if event.value != self.filters.status:
            self.filters.status = str(event.value)
            self.refresh_tree()

    @on(Input.Changed, "#task-section")
    def _section(self, event: Input.Changed) -> None:
        self.filters.section = event.value.strip()
        self.refresh_tree()

    @on(Input.Changed, "#task-text")
    def _text(self, event: Input.Changed) -> None:
        self.filters.text = event.value.strip()
        self.refresh_tree()

    @on(TaskTree.ToggleTask)
    def _toggle(self, event: TaskTree.ToggleTask) -> None:
        event.stop()
        if self.data is None:
            return
        row = event.row
        try:
            result = toggle_shown(self.data, row)
        except NoteChanged:
            self.notify(f"{name(row.note)} changed on disk since it was shown, so the task was not toggled. "
                        "It is reloaded now; try again.", title="Not toggled", severity="error", markup=False)  # fmt: skip
            self.post_message(self.Edited(row.note))
            return
        except (EditError, OSError) as exc:
            self.notify(name(str(exc)), title="Not toggled", severity="error", markup=False)
            return
        row.status = result.new
        node = self.query_one(TaskTree).cursor_node
        if node is not None and node.data is row:
            node.set_label(task_label(row))
        self.notify(name(f"{row.note}:{row.line}  [{result.old}] → [{result.new}]"), markup=False)
        warn_if_sample(self.app, self.data)
        self.post_message(self.Edited(row.note))

    @on(Input.Submitted)
    def _done_typing(self) -> None:
        self.query_one(TaskTree).focus()

    def focus_main(self) -> None:
        self.query_one(TaskTree).focus()

    def selected_place(self) -> tuple[str, int] | None:
        node = self.query_one(TaskTree).cursor_node
        return place_of(node.data) if node is not None else None

    def select(self, rel: str, line: int) -> bool:
        """Cursor on the task at `rel`:`line`, its note unfolded; False when the tree lacks it."""
        tree = self.query_one(TaskTree)
        for node in tree.root.children:
            if isinstance(node.data, Place) and node.data.rel == rel:
                if rel in self._pending and self.data is not None:
                    add_tasks(node, self.data, self._pending.pop(rel))
                node.expand()
        return select_place(tree, (rel, line))


def fill(tree: Tree[object], data: VaultData, rows: list[TaskRow], opened: set[str] = frozenset()) -> dict[str, list[TaskRow]]:
    """One node per note, newest first. A small result is drawn whole; in a big one only the first
    notes (and those open before) get their tasks now, the others when opened: a tree node costs
    ~0.1 ms, so 48,000 tasks at once would stall the screen for seconds. Returns those left."""
    assert data.index is not None
    by_note: dict[str, list[TaskRow]] = {}
    for row in rows:
        by_note.setdefault(row.note, []).append(row)
    expand_all = len(rows) <= EXPAND_ALL_BELOW
    pending: dict[str, list[TaskRow]] = {}
    for n, rel in enumerate(note_order(data.index, set(by_note))):
        note_rows = by_note[rel]
        day = data.index.note_day(rel)
        label = Text.assemble((name(rel), "bold"), (f"  {day.isoformat()}" if day else "", "dim"),
                              (f"  {len(note_rows)} tasks", "dim"))  # fmt: skip
        expand = expand_all or n < EXPAND_FIRST_NOTES or rel in opened
        note_node = tree.root.add(label, data=Place(rel, 1), expand=expand)
        if expand:
            add_tasks(note_node, data, note_rows)
        else:
            pending[rel] = note_rows
    return pending


def add_tasks(note_node: TreeNode[object], data: VaultData, note_rows: list[TaskRow]) -> None:
    """A note's tasks under its node: by section, sub-tasks under their task, entries last."""
    assert data.index is not None and isinstance(note_node.data, Place)
    rel = note_node.data.rel
    sections: dict[tuple[str, ...], TreeNode[object]] = {}
    tasks: dict[int, TreeNode[object]] = {}
    for row in note_rows:
        parent = tasks.get(row.parent_line) if row.parent_line is not None else None
        if parent is None:
            key = tuple(row.section)
            parent = sections.get(key)
            if parent is None:
                title = " › ".join(row.section) or "(no heading)"
                parent = sections[key] = note_node.add(Text(title, style="bold #7aa2f7"), data=Place(rel, row.line), expand=True)
        tasks[row.line] = parent.add(task_label(row), data=row, expand=True)
    # Each task's log entries under it, in the note's order.
    for e in data.index.notes[rel].entries:
        node = tasks.get(e.thread_line) if e.thread_line is not None else None
        if node is None:
            continue
        style = "strike dim" if e.struck else ""
        label = Text.assemble(("◷ ", "#bb9af7"), (stamp(e.timestamp, e.weekday), "#bb9af7"), "  ",
                              inline(e.text, style), (f"  :{e.line}", "dim"))  # fmt: skip
        node.add_leaf(label, data=Place(rel, e.line))
    # A task with nothing under it is a leaf, not a folder with an arrow.
    for node in tasks.values():
        if not node.children:
            node.allow_expand = False


def warn_if_sample(widget, data: VaultData) -> None:
    """Every write into the bundled sample vault says so, as the CLI's `toggle` and `new` do."""
    if data.is_sample:
        widget.notify(f"This is the bundled sample vault ({data.vault}): the edit changed labnotes' own copy. "
                      "Start with `labnotes tui --vault DIR` for yours.", title="Sample vault",
                      severity="warning", markup=False)  # fmt: skip


def task_label(row: TaskRow) -> Text:
    style = "dim" if row.status in ("x", "X", "-") else ""
    return Text.assemble(checkbox(row.status), " ", inline(row.text or "(empty)", style), (f"  :{row.line}", "dim"))


def toggle_shown(data: VaultData, row: TaskRow) -> ToggleResult:
    """Flip the task the user sees, through the same safe edit as `labnotes toggle`.

    Refused (NoteChanged) when the note moved on disk since the index read it: the line on screen
    may no longer be that line. The bytes read here are the ones `toggle` checks before it writes.
    """
    assert data.index is not None
    snap = read_snapshot(data.vault / row.note)
    if data.stamp.get(row.note) != (snap.size, snap.mtime_ns):
        raise NoteChanged(f"{row.note}: the file changed since it was shown")
    done_date = dt.date.today() if data.index.config.done_date else None
    result = toggle(snap.path, row.line, done_date=done_date, snapshot=snap, vault=data.vault)
    data.restamp(row.note)
    return result


def select_place(tree: Tree[object], place: tuple[str, int]) -> bool:
    """Put the cursor back on the row for `place`, when it is still shown (the deepest such row:
    a task rather than the section heading that starts on the same line)."""
    found = None
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        if place_of(node.data) == place:
            found = node
        stack.extend(reversed(node.children))
    _ = tree.last_line  # lays out the lines, so the node's line is known
    if found is not None and found.line >= 0:
        tree.move_cursor(found)
        tree.scroll_to_node(found, animate=False)
        return True
    return False

