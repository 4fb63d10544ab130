"""The Tasks view: each task once — carried copies, later ticks and the daily template's routines
folded in — with its age and carry count, where it lives now, and its life in the detail pane.

The tree is by the note each task lives in now (newest first) and its section there, sub-tasks
under their task, the task's log entries in that note under it; `g` groups by section, tag,
status, due day or folder instead, `s` sorts by age, due day, priority or status (the
`labnotes tasks --group/--sort` of the CLI, over the same task book). Routines come first, in a
group of their own, with their record. `space` toggles the task's latest line (its line in the
newest note) as `labnotes toggle` does, with the vault's Obsidian Tasks settings (done date, a
recurring task's next occurrence); `enter` opens that note at that line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from labnotes.queries import tasks as q
from labnotes.queries.filters import QueryError, matcher
from labnotes.tasks import Routine, Task
from labnotes.tui.data import VaultData, note_order
from labnotes.tui.messages import OpenNote
from labnotes.tui.toggling import toggle_and_say
from labnotes.tui.taskcols import due_and_priority
from labnotes.tui.tasklife import routine_detail, routine_row, task_detail, task_row
from labnotes.tui.text import checkbox, inline, name, stamp

# (label, value) of the status filter; value -> (list_tasks status, done_since, the flags of
# `labnotes tasks` it stands for: --overdue, --due-before, --blocked).
STATUS_CHOICES = [
    ("not done", "not-done"), ("open", "open"), ("in progress", "in-progress"), ("overdue", "overdue"),
    ("due in 7 days", "due-7"), ("blocked", "blocked"), ("done, 7 days", "done-7"), ("done", "done"),
    ("cancelled", "cancelled"), ("any", "any"),
]  # fmt: skip
_STATUS_QUERY: dict[str, tuple[str | None, str | None, dict[str, Any]]] = {
    "not-done": (None, None, {}), "open": ("open", None, {}), "in-progress": ("in-progress", None, {}),
    "overdue": (None, None, {"overdue": True}), "due-7": (None, None, {"due_before": "+8"}),
    "blocked": (None, None, {"blocked": True}), "done-7": (None, "-7", {}), "done": ("done", None, {}),
    "cancelled": ("cancelled", None, {}), "any": ("any", None, {}),
}  # fmt: skip
# `g` and `s` step through these (the CLI's --group / --sort words; None: the note's own order).
GROUPS = ("note", "section", "tag", "status", "due", "folder", "none")
SORTS = (None, "age", "due", "priority", "status")
# Past this many tasks only the first notes open up: a big vault's tree stays quick to draw.
EXPAND_ALL_BELOW = 400
EXPAND_FIRST_NOTES = 3


def today() -> dt.date:
    """The day ages are counted to (the snapshot tests fix it)."""
    return dt.date.today()


@dataclass(frozen=True, slots=True)
class Place:
    """Where a tree row comes from (a note, a section, an entry): enter opens the note there."""

    rel: str
    line: int


@dataclass(frozen=True, slots=True)
class Heading:
    """A group's row (routines, a tag, a due day): nothing to open."""

    name: str


@dataclass(slots=True)
class Filters:
    status: str = "not-done"
    section: str = ""
    text: str = ""
    group: str = "note"
    sort: str | None = None


class TaskTree(Tree[object]):
    BINDINGS = [
        Binding("space", "toggle_task", "Toggle task"),
        Binding("enter", "open_note", "Open note"),
        Binding("slash", "app.focus('task-text')", "Filter", key_display="/"),
        Binding("g", "group", "Group"),
        Binding("s", "sort", "Sort"),
    ]

    @dataclass
    class ToggleTask(Message):
        thing: Task | Routine

    @dataclass
    class Step(Message):
        what: str  # "group" | "sort"

    def on_resize(self) -> None:
        # The run panel opening takes rows: the cursor's row must stay in view.
        if self.cursor_line >= 0:
            self.call_after_refresh(self.scroll_to_line, self.cursor_line, False)

    def action_toggle_task(self) -> None:
        node = self.cursor_node
        if node is not None and isinstance(node.data, (Task, Routine)):
            self.post_message(self.ToggleTask(node.data))
        elif node is not None:
            node.toggle()  # a note or section: space folds it, as in any tree

    def action_open_note(self) -> None:
        node = self.cursor_node
        place = place_of(node.data) if node is not None else None
        if place is not None:
            self.post_message(OpenNote(*place))
        elif node is not None:
            node.toggle()

    def action_group(self) -> None:
        self.post_message(self.Step("group"))

    def action_sort(self) -> None:
        self.post_message(self.Step("sort"))


def place_of(data: object) -> tuple[str, int] | None:
    """The note line a row stands for: a task's latest line, a routine's latest day."""
    if isinstance(data, Task):
        return data.latest.note, data.latest.line
    if isinstance(data, Routine):
        return (data.occurrences[-1].note, data.occurrences[-1].line) if data.occurrences else None
    if isinstance(data, Place):
        return data.rel, data.line
    return None


def _key(data: object) -> object:
    """What stays the same for a row across a re-read: a task's id, a routine's words."""
    if isinstance(data, Task):
        return ("task", data.id)
    if isinstance(data, Routine):
        return ("routine", data.key)
    return data


class TasksView(Vertical):
    """Filters on top, the task tree, the selected task's life below."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self.filters = Filters()
        self.today = today()
        # Notes whose tasks are not in the tree yet: added when the note is first opened up.
        self._pending: dict[str, list[Task]] = {}
        self._views: Any = None  # (VaultData, {(note, line): QueryTask}) once a sort or group asked
        # Tasks toggled here stay listed until a filter changes, though the status filter would
        # now hide them: a task ticked done by mistake is one more space away from open again.
        self._toggled: set[str] = set()
        self._history = GitStory()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="filters"):
            yield Label("status", classes="filter-label")
            yield Select(STATUS_CHOICES, value="not-done", allow_blank=False, id="task-status")
            yield Label("section", classes="filter-label")
            yield Input(placeholder="any section", id="task-section")
            yield Label("text", classes="filter-label")
            yield Input(placeholder="words, regex, #tag  ( / )", id="task-text")
        yield Label("", id="task-summary", classes="summary")
        tree: TaskTree = TaskTree("tasks", id="task-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree
        yield Static("", id="task-detail")

    def show(self, data: VaultData) -> None:
        """New data (first load, or the vault changed on disk): redraw, keeping the cursor's row."""
        self.data = data
        self.today = today()
        if data.index is not None and data.tasks_linked:
            self._extra_statuses()
        self.refresh_tree()

    def _extra_statuses(self) -> None:
        # Any status character the vault's tasks have now ([?], [>], [!] …) is a filter choice of its own.
        assert self.data is not None and self.data.index is not None
        book = q.task_book(self.data.index)
        known = {" ", "x", "X", "-", "/"}
        extra = sorted({t.status for t in book.tasks if t.kind == "task"} - known)
        select = self.query_one("#task-status", Select)
        select.set_options(STATUS_CHOICES + [(f"[{c}]", c) for c in extra])
        values = {v for _, v in STATUS_CHOICES} | set(extra)
        select.value = self.filters.status if self.filters.status in values else "not-done"

    # -- what is shown --------------------------------------------------------------------------

    def _query(self, f: Filters) -> tuple[list[tuple[str | None, list[Task]]], list[Routine]]:
        """The tasks the filters keep, as (group name, tasks) pairs, and the routines shown."""
        assert self.data is not None and self.data.index is not None
        idx = self.data.index
        status, done_since, flags = _STATUS_QUERY.get(f.status, (f.status, None, {}))
        words = f.text.split()
        tags = [w.lstrip("#") for w in words if w.startswith("#") and len(w) > 1]
        grep = " ".join(w for w in words if not (w.startswith("#") and len(w) > 1)) or None
        found = q.list_tasks(idx, status=status, done_since=done_since, section=f.section or None, grep=grep, today=self.today)
        if self._toggled:
            book = q.task_book(idx)
            listed = {t.id for t in found}
            found += [book.by_id[i] for i in sorted(self._toggled - listed) if i in book.by_id]
        group = f.group if f.group not in ("note", "none") else None
        if tags or flags or group or f.sort:
            from labnotes.queries.taskquery.options import OptionError, TaskOptions, select_each

            try:
                opts = TaskOptions.from_flags(tag=tags[0] if tags else None, sort=f.sort, group=group, today=self.today, **flags)
            except OptionError as exc:
                raise QueryError(str(exc)) from None
            views = self._query_views()
            groups = select_each(found, lambda t: views.get((t.latest.note, t.latest.line)), opts,
                                 age=lambda t: t.days_open(self.today))  # fmt: skip
            for tag in tags[1:]:  # more than one #tag: every one of them
                groups = [(n, [t for t in ts if _has_tag(views.get((t.latest.note, t.latest.line)), tag)]) for n, ts in groups]
        else:
            groups = [(None, found)]
        routines: list[Routine] = []
        if f.status in ("not-done", "any") and not f.section and not tags:
            match = matcher(grep)
            routines = [r for r in q.routines(idx) if match(r.text)]
        return groups, routines

    def _query_views(self) -> dict[tuple[str, int], Any]:
        """Every task line as the Tasks queries see it (its fields): read once per vault read."""
        if self._views is None or self._views[0] is not self.data:
            from labnotes.queries.taskquery.blocks import vault_tasks

            assert self.data is not None and self.data.index is not None
            self._views = (self.data, {(v.note, v.line): v for v in vault_tasks(self.data.index)})
        return self._views[1]

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
        if not data.tasks_linked:
            self._preview(tree, summary, data)
            return
        try:
            groups, routines = self._query(self.filters)
        except QueryError as exc:
            summary.update(str(exc))
            return
        keep = _key(tree.cursor_node.data) if tree.cursor_node is not None else None
        opened = {n.data.rel for n in tree.root.children if isinstance(n.data, Place) and n.is_expanded}
        tree.clear()
        if routines:
            node = tree.root.add(Text(f"routines of the daily template ({len(routines)})", style="bold #bb9af7"),
                                 data=Heading("routines"), expand=True)  # fmt: skip
            for r in routines:
                node.add_leaf(routine_row(r), data=r)
        shown = [t for _, ts in groups for t in ts]
        if self.filters.group == "note":
            self._pending = fill_by_note(tree, data, shown, opened, self.today, ordered=self.filters.sort is not None)
        else:
            self._pending = {}
            for name, ts in groups:
                parent = tree.root if name is None else tree.root.add(
                    Text.assemble((name, "bold #7aa2f7"), (f"  {len(ts)}", "dim")), data=Heading(name), expand=True)  # fmt: skip
                cols = due_and_priority(data.index)
                for t in ts:
                    parent.add_leaf(task_row(t, self.today, note=True, fields=cols.get((t.latest.note, t.latest.line)),
                                             columns=bool(cols)), data=t)  # fmt: skip
        summary.update(self._summary(shown, routines))
        if keep is not None:
            select_row(tree, keep)
        self._show_detail()

    def _preview(self, tree: TaskTree, summary: Label, data: VaultData) -> None:
        """Before each task is linked across the notes: the newest notes' task lines, as written."""
        assert data.index is not None
        tree.clear()
        for rel in data.first_notes:
            day = data.index.note_day(rel)
            label = Text.assemble((name(rel), "bold"), (f"  {day.isoformat()}" if day else "", "dim"))
            note = tree.root.add(label, data=Place(rel, 1), expand=True)
            for row in data.index.task_rows([rel], placeholders=False):
                item = row.item
                note.add_leaf(Text.assemble(checkbox(item.task or " "), " ", inline(item.text), (f"  :{item.line}", "dim")),
                              data=Place(rel, item.line))  # fmt: skip
        summary.update(f"the newest notes' tasks; linking each task across {len(data.index.content_notes())} notes …")
        self.query_one("#task-detail", Static).update(Text("Each task once, with its age and history, in a moment.", "dim"))

    def _summary(self, shown: list[Task], routines: list[Routine]) -> Text:
        f = self.filters
        if not shown and not routines:
            said = "no tasks match"
        else:
            open_ = sum(1 for t in shown if not t.closed)
            notes = len({t.latest.note for t in shown})
            said = f"{len(shown)} tasks, {open_} not done, in {notes} notes"
            if routines:
                said += f" · {len(routines)} routines"
        grouped = "one list" if f.group == "none" else f"by {f.group}"
        how = f"{grouped} (g) · {('by ' + f.sort) if f.sort else 'note order'} (s)"
        return Text.assemble(said, "   ", (how, "dim"))

    # -- the detail pane ----------------------------------------------------------------------

    @on(Tree.NodeHighlighted, "#task-tree")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        detail = self.query_one("#task-detail", Static)
        node = self.query_one(TaskTree).cursor_node
        thing = node.data if node is not None else None
        if isinstance(thing, Task):
            detail.update(task_detail(thing, self.today, subtasks=self._subtasks(thing)))
            self._read_life(thing)
        elif isinstance(thing, Routine):
            detail.update(routine_detail(thing))
        elif self.data is not None and self.data.index is not None and not self.query_one(TaskTree).root.children:
            detail.update(Text("Nothing listed: change the status filter (not done is the default), or press a to add a task.", "dim"))
        else:
            detail.update(Text("space folds · enter opens the note · g groups · s sorts", "dim"))

    def _subtasks(self, t: Task) -> list[Task]:
        assert self.data is not None and self.data.index is not None
        book = q.task_book(self.data.index)
        return [book.by_id[s] for s in t.subtasks if s in book.by_id]

    @work(thread=True, exclusive=True, group="task-life", exit_on_error=False)
    def _read_life(self, t: Task) -> None:
        """The log entries under any of its lines and its latest line's fields: reads its notes."""
        data = self.data
        if data is None or data.index is None:
            return
        life = q.task_life(data.index, t)
        rows = data.index.task_rows([t.latest.note])
        item = next((r.item for r in rows if r.item.line == t.latest.line), None)
        fields = item.fields if item is not None else None
        if get_current_worker().is_cancelled:
            return
        text = task_detail(t, self.today, fields=fields, entries=life.entries, subtasks=life.subtasks)
        self.app.call_from_thread(self._detail_read, t, text)
        # Then the commits that opened and closed it, when the vault is a git work tree: the
        # first read of a big history takes a while, so the pane shows the rest meanwhile.
        said = self._history.story(data, t)
        if said and not get_current_worker().is_cancelled:
            text = task_detail(t, self.today, fields=fields, entries=life.entries, subtasks=life.subtasks, history=said)
            self.app.call_from_thread(self._detail_read, t, text)

    def _detail_read(self, t: Task, text: Text) -> None:
        node = self.query_one(TaskTree).cursor_node
        if node is not None and node.data is t:
            self.query_one("#task-detail", Static).update(text)

    # -- filters ------------------------------------------------------------------------------

    @on(Tree.NodeExpanded, "#task-tree")
    def _opened(self, event: Tree.NodeExpanded) -> None:
        data = event.node.data
        if isinstance(data, Place) and data.rel in self._pending and self.data is not None:
            add_tasks(event.node, self.data, self._pending.pop(data.rel), self.today)

    @on(Select.Changed, "#task-status")
    def _status(self, event: Select.Changed) -> None:
        if event.value != self.filters.status:
            self.filters.status = str(event.value)
            self._toggled.clear()
            self.refresh_tree()

    @on(Input.Changed, "#task-section")
    def _section(self, event: Input.Changed) -> None:
        self.filters.section = event.value.strip()
        self._toggled.clear()
        self.refresh_tree()

    @on(Input.Changed, "#task-text")
    def _text(self, event: Input.Changed) -> None:
        self.filters.text = event.value.strip()
        self._toggled.clear()
        self.refresh_tree()

    @on(TaskTree.Step)
    def _step(self, event: TaskTree.Step) -> None:
        f = self.filters
        if event.what == "group":
            f.group = GROUPS[(GROUPS.index(f.group) + 1) % len(GROUPS)]
        else:
            f.sort = SORTS[(SORTS.index(f.sort) + 1) % len(SORTS)]
        self.refresh_tree()

    @on(Input.Submitted)
    def _done_typing(self) -> None:
        self.query_one(TaskTree).focus()

    # -- toggling -----------------------------------------------------------------------------

    @on(TaskTree.ToggleTask)
    def _toggle(self, event: TaskTree.ToggleTask) -> None:
        event.stop()
        place = place_of(event.thing)
        if self.data is None or place is None:
            return
        if toggle_and_say(self, self.data, *place) and isinstance(event.thing, Task):
            self._toggled.add(event.thing.id)

    def on_unmount(self) -> None:
        self._history.close()  # saves its cache: the next start reads no git

    def focus_main(self) -> None:
        self.query_one(TaskTree).focus()

    def selected_place(self) -> tuple[str, int] | None:
        node = self.query_one(TaskTree).cursor_node
        return place_of(node.data) if node is not None else None

    def select(self, rel: str, line: int) -> bool:
        """Cursor on the task with a line at `rel`:`line` (any of its lines), its note unfolded.
        When the filters hide it (a done task, under "not done"), they are cleared to show it.
        False when it is no task the view lists (a placeholder)."""
        if self.data is None or self.data.index is None or not self.data.tasks_linked:
            return False
        book = q.task_book(self.data.index)
        task = book.by_place.get((rel, line))
        routine = book.routine_at.get((rel, line))
        if task is None and routine is None:
            return False
        key = ("task", task.id) if task is not None else ("routine", routine.key)  # type: ignore[union-attr]
        if self._show_row(key, task):
            return True
        # Hidden by a filter: show every task, then look again.
        self.filters = Filters(group=self.filters.group, sort=self.filters.sort, status="any")
        self._toggled.clear()
        self.query_one("#task-status", Select).value = "any"
        self.query_one("#task-section", Input).value = ""
        self.query_one("#task-text", Input).value = ""
        self.refresh_tree()
        return self._show_row(key, task)

    def _show_row(self, key: tuple[str, str], task: Task | None) -> bool:
        tree = self.query_one(TaskTree)
        if task is not None:
            home = task.latest.note
            for node in tree.root.children:
                if isinstance(node.data, Place) and node.data.rel == home:
                    if home in self._pending and self.data is not None:
                        add_tasks(node, self.data, self._pending.pop(home), self.today)
                    node.expand()
        return select_row(tree, key)


class GitStory:
    """A task's git history in a few words (labnotes.history, the tasks engineer's: the commits in
    which its first line appeared and its done line was first done). One open history per vault
    read, used from the detail worker only. Nothing when the vault is no git work tree, or this
    labnotes has no labnotes.history."""

    def __init__(self) -> None:
        self._for: VaultData | None = None
        self._history: Any = None
        self._notice: str | None = None

    def story(self, data: VaultData, t: Task) -> str | None:
        try:
            from labnotes.history import task_histories, vault_history
        except ImportError:
            return None
        if self._for is not data:
            self.close()
            from labnotes.settings.locations import cache_dir

            assert data.index is not None
            self._for = data
            self._history, self._notice = vault_history(data.index.vault, data.index.config, cache_dir=cache_dir())
        if self._history is None:
            return self._notice
        try:
            assert data.index is not None
            (found,) = task_histories(self._history, [t], q.task_book(data.index))
        except Exception as exc:  # git failed mid-read: the pane says so, the rest stays
            return f"no history: {exc}"
        said = []
        if found.opened is not None:
            said.append(f"first in commit {found.opened.sha[:8]} {found.opened.date[:10]}")
        if found.done is not None:
            said.append(f"done in {found.done.sha[:8]} {found.done.date[:10]} by {found.done.author}")
        return " · ".join(said) or None

    def close(self) -> None:
        if self._history is not None:
            try:
                self._history.close()
            except Exception:
                pass
        self._history, self._for, self._notice = None, None, None


def fill_by_note(
    tree: Tree[object], data: VaultData, shown: list[Task], opened: set[str], today: dt.date, *, ordered: bool
) -> dict[str, list[Task]]:
    """One node per note the tasks live in now, newest first. A small result is drawn whole; in a
    big one only the first notes (and those open before) get their tasks now, the others when
    opened: a tree node costs ~0.1 ms. Returns those left. `ordered`: keep the tasks' order
    (a sort was chosen) rather than the note's line order."""
    assert data.index is not None
    by_note: dict[str, list[Task]] = {}
    for t in shown:
        by_note.setdefault(t.latest.note, []).append(t)
    expand_all = len(shown) <= EXPAND_ALL_BELOW
    pending: dict[str, list[Task]] = {}
    for n, rel in enumerate(note_order(data.index, set(by_note))):
        ts = by_note[rel] if ordered else sorted(by_note[rel], key=lambda t: t.latest.line)
        day = data.index.note_day(rel)
        label = Text.assemble((name(rel), "bold"), (f"  {day.isoformat()}" if day else "", "dim"), (f"  {len(ts)} tasks", "dim"))
        expand = expand_all or n < EXPAND_FIRST_NOTES or rel in opened
        note_node = tree.root.add(label, data=Place(rel, 1), expand=expand)
        if expand:
            add_tasks(note_node, data, ts, today)
        else:
            pending[rel] = ts
    return pending


def add_tasks(note_node: TreeNode[object], data: VaultData, ts: list[Task], today: dt.date) -> None:
    """A note's tasks under its node: by section, sub-tasks under their task, entries last."""
    assert data.index is not None and isinstance(note_node.data, Place)
    rel = note_node.data.rel
    sections: dict[tuple[str, ...], TreeNode[object]] = {}
    by_id: dict[str, TreeNode[object]] = {}
    by_line: dict[int, TreeNode[object]] = {}
    cols = due_and_priority(data.index)
    for t in ts:
        parent = by_id.get(t.parent) if t.parent is not None else None
        if parent is None:
            key = tuple(t.latest.section)
            parent = sections.get(key)
            if parent is None:
                title = " › ".join(key) or "(no heading)"
                parent = sections[key] = note_node.add(Text(title, style="bold #7aa2f7"), data=Place(rel, t.latest.line), expand=True)
        row = task_row(t, today, fields=cols.get((t.latest.note, t.latest.line)), columns=bool(cols))
        by_id[t.id] = by_line[t.latest.line] = parent.add(row, data=t, expand=True)
    # Each task's log entries in this note under it, in the note's order (read from the store's rows).
    for e in data.index.entries_by_note([rel]).get(rel, []):
        node = by_line.get(e.thread_line) if e.thread_line is not None else None
        if node is None:
            continue
        style = "strike dim" if e.struck else ""
        label = Text.assemble(("◷ ", "#bb9af7"), (stamp(e.timestamp, e.weekday), "#bb9af7"), "  ",
                              inline(e.text, style), (f"  :{e.line}", "dim"))  # fmt: skip
        node.add_leaf(label, data=Place(rel, e.line))
    # A task with nothing under it is a leaf, not a folder with an arrow.
    for node in by_id.values():
        if not node.children:
            node.allow_expand = False


def _has_tag(view: Any, tag: str) -> bool:
    from labnotes.queries.taskquery.options import has_tag

    return view is not None and has_tag(view, tag)


def select_row(tree: Tree[object], key: object) -> bool:
    """Put the cursor on the row for `key` (a task's id, a routine, a place), when it is shown
    (the deepest such row: a task rather than the section heading that starts on its line)."""
    found = None
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        data = node.data
        if _key(data) == key:
            found = node
        stack.extend(reversed(node.children))
    _ = tree.last_line  # lays out the lines, so the node's line is known
    if found is not None and found.line >= 0:
        tree.move_cursor(found)
        tree.scroll_to_node(found, animate=False)
        return True
    return False
