"""The Timeline view: log entries in time order, grouped by the task they work on.

Each entry row shows the time since the thread's previous entry, its experiments and the last
run's verdict; a struck (rejected) hypothesis is struck, a finding marked ★. `r` asks the app to
rerun the selected entry's experiments; `enter` opens the note at the entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Static, Tree
from textual.widgets.tree import TreeNode

from labnotes.lab.registry import Experiment
from labnotes.queries.timeline import Thread, TimelineEntry
from labnotes.queries.text import count
from labnotes.tui.data import VaultData
from labnotes.tui.messages import OpenNote, RunRequest
from labnotes.tui.text import checkbox, duration, inline, name, pad, stamp, verdict, verdict_text

# One mark per verdict in a row; the detail pane below the tree spells it out.
VERDICT_MARKS = {"reproduced": "✓", "NOT reproduced": "≠", "never run": "·", "stopped": "■"}
SHOWN_EXPERIMENTS = 2


class EntryTree(Tree[object]):
    def on_resize(self) -> None:
        # The run panel opening takes rows: the cursor's row must stay in view.
        if self.cursor_line >= 0:
            self.call_after_refresh(self.scroll_to_line, self.cursor_line, False)

    BINDINGS = [
        Binding("r", "rerun", "Rerun experiment"),
        Binding("f", "app.toggle_size", "Quick/full"),
        Binding("enter", "open_note", "Open note"),
    ]

    def action_rerun(self) -> None:
        self.post_message(RerunSelected())

    def action_open_note(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if isinstance(node.data, TimelineEntry):
            self.post_message(OpenNote(node.data.note, node.data.line))
        elif isinstance(node.data, Thread):
            self.post_message(OpenNote(node.data.note, node.data.line or 1))


@dataclass
class RerunSelected(Message):
    pass


class TimelineView(Vertical):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self._pending: dict[str, list[Thread]] = {}

    def compose(self) -> ComposeResult:
        yield Label("", id="timeline-summary", classes="summary")
        tree: EntryTree = EntryTree("timeline", id="timeline-tree")
        tree.show_root = False
        tree.auto_expand = False
        yield tree
        yield Static("", id="entry-detail")

    def focus_main(self) -> None:
        self.query_one(EntryTree).focus()

    def show(self, data: VaultData) -> None:
        self.data = data
        tree = self.query_one(EntryTree)
        keep = _key(tree.cursor_node.data) if tree.cursor_node is not None else None
        tree.clear()
        summary = self.query_one("#timeline-summary", Label)
        if data.index is None:
            summary.update(data.error or "")
            return
        threads = data.threads
        self._pending = fill(tree, data, threads)
        entries = sum(len(t.entries) for t in threads)
        note = f" · experiments: {data.registry_error}" if data.registry_error else ""
        summary.update(f"{count(entries, 'entry', 'entries')} in {count(len(threads), 'thread')}{note}" if threads else "no log entries")
        _ = tree.last_line  # lays out the lines, so node.line is known below
        target = _find(tree, keep) if keep else None
        if target is not None and target.line >= 0:
            tree.move_cursor(target)
        self._describe(tree.cursor_node.data if tree.cursor_node else None)

    def selected_place(self) -> tuple[str, int] | None:
        node = self.query_one(EntryTree).cursor_node
        if node is not None and isinstance(node.data, TimelineEntry):
            return node.data.note, node.data.line
        if node is not None and isinstance(node.data, Thread) and node.data.line:
            return node.data.note, node.data.line
        return None

    def select(self, rel: str, line: int) -> bool:
        """Cursor on the entry at `rel`:`line`, its note unfolded."""
        tree = self.query_one(EntryTree)
        for node in tree.root.children:
            if node.data == rel:
                if rel in self._pending and self.data is not None:
                    add_threads(node, self.data, self._pending.pop(rel))
                node.expand()
        found = next((n for n in _walk(tree) if isinstance(n.data, TimelineEntry) and (n.data.note, n.data.line) == (rel, line)), None)
        _ = tree.last_line
        if found is None or found.line < 0:
            return False
        tree.move_cursor(found)
        tree.scroll_to_node(found, animate=False)
        return True

    def selected_entry(self) -> TimelineEntry | None:
        node = self.query_one(EntryTree).cursor_node
        return node.data if node is not None and isinstance(node.data, TimelineEntry) else None

    @on(Tree.NodeExpanded, "#timeline-tree")
    def _opened(self, event: Tree.NodeExpanded) -> None:
        rel = event.node.data
        if isinstance(rel, str) and rel in self._pending and self.data is not None:
            add_threads(event.node, self.data, self._pending.pop(rel))

    @on(Tree.NodeHighlighted, "#timeline-tree")
    def _highlighted(self, event: Tree.NodeHighlighted) -> None:
        self._describe(event.node.data)

    @on(RerunSelected)
    def _rerun(self, event: RerunSelected) -> None:
        event.stop()
        entry = self.selected_entry()
        if entry is None or self.data is None:
            self.notify("Select a log entry to rerun its experiment.", severity="warning")
            return
        exps = self.data.experiments_for(entry.id)
        if not exps:
            why = self.data.registry_error or "no experiment reproduces this entry"
            self.notify(f"Nothing to rerun for {entry.id}: {why}.", severity="warning")
            return
        self.post_message(RunRequest(exps, [entry.id], entry.id))

    def _describe(self, item: object) -> None:
        detail = self.query_one("#entry-detail", Static)
        if isinstance(item, Thread):
            where = f"{item.note}:{item.line}" if item.line else item.note
            text = Text.assemble((name(" › ".join([*item.path, ""])), "dim"), inline(item.title, "bold"), ("  " + name(where), "dim"))
            text.no_wrap = False
            detail.update(text)
            return
        if not isinstance(item, TimelineEntry) or self.data is None:
            detail.update("")
            return
        text = Text.assemble((name(item.id), "bold"), ("  " + name(f"{item.note}:{item.line}"), "dim"), "\n")
        text.append_text(inline(item.text, "strike" if item.rejected else ""))
        text.no_wrap = False
        for f in item.findings:
            text.append_text(Text.assemble("\n★ ", inline(f, "black on #bbfabb")))
        for exp in self.data.experiments_for(item.id):
            text.append_text(_experiment_line(self.data, exp, "\n⚗ "))
            text.append(f"  {exp.question}", "italic dim")
        detail.update(text)


def _experiment_line(data: VaultData, exp: Experiment, lead: str) -> Text:
    last = data.last_run(exp.id)
    said = verdict(last)
    where = f" on {last.device_shown}" if last else ""
    return Text.assemble((lead, "#7dcfff"), (exp.id, "#7dcfff"), " ", verdict_text(said, where))


def _key(data: object) -> tuple[str, object] | None:
    if isinstance(data, TimelineEntry):
        return ("entry", data.id)
    if isinstance(data, Thread):
        return ("thread", (data.note, data.line))
    if isinstance(data, str):
        return ("note", data)
    return None


def _walk(tree: Tree[object]):
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _find(tree: Tree[object], key: tuple[str, object]) -> TreeNode[object] | None:
    stack = list(tree.root.children)
    while stack:
        node = stack.pop()
        if _key(node.data) == key:
            return node
        stack.extend(node.children)
    return None


# A vault with more entries than this opens with its notes folded, the newest few open.
EXPAND_ALL_BELOW = 400
EXPAND_LAST_NOTES = 3


def fill(tree: Tree[object], data: VaultData, threads: list[Thread]) -> dict[str, list[Thread]]:
    """One node per note, in the order of its first entry, its threads (nested as the tasks are)
    under it. Returns the notes left folded, whose threads are added when they are opened."""
    by_note: dict[str, list[Thread]] = {}
    for t in threads:
        by_note.setdefault(t.note, []).append(t)
    expand_all = sum(len(t.entries) for t in threads) <= EXPAND_ALL_BELOW
    pending: dict[str, list[Thread]] = {}
    for n, (rel, mine) in enumerate(by_note.items()):
        entries = sum(len(t.entries) for t in mine)
        label = Text.assemble((name(rel), "bold"), (f"  {count(len(mine), 'thread')}, {count(entries, 'entry', 'entries')}", "dim"))
        expand = expand_all or n >= len(by_note) - EXPAND_LAST_NOTES
        node = tree.root.add(label, data=rel, expand=expand)
        if expand:
            add_threads(node, data, mine)
        else:
            pending[rel] = mine
    return pending


def add_threads(note_node: TreeNode[object], data: VaultData, threads: list[Thread]) -> None:
    nodes: dict[int | None, TreeNode[object]] = {}
    for t in threads:
        parent = nodes.get(t.parent_line, note_node) if t.parent_line is not None else note_node
        span = f", over {duration(t.minutes)[1:]}" if t.minutes else ""
        label = Text.assemble(
            checkbox(t.status) if t.status else "", " " if t.status else "",
            inline(t.title, "bold" if t.status else "dim"),
            (f"  {count(len(t.entries), 'entry', 'entries')}{span}", "dim"),
            (f"  :{t.line}" if t.line else "", "dim"),
        )  # fmt: skip
        node = parent.add(label, data=t, expand=True)
        nodes[t.line] = node
        for e in t.entries:
            node.add_leaf(entry_label(data, e), data=e)


def entry_label(data: VaultData, e: TimelineEntry) -> Text:
    gap = duration(e.minutes_since_previous)
    text = Text.assemble((pad(stamp(e.timestamp, e.weekday), 21), "#bb9af7"), (f"{gap:>9}  ", "dim"))
    # Experiments before the words: a long entry is cut at the right edge, its experiments are not.
    exps = data.experiments_for(e.id)
    if exps:
        text.append("⚗ ", "#7dcfff")
        for n, exp in enumerate(exps[:SHOWN_EXPERIMENTS]):
            said = verdict(data.last_run(exp.id))
            text.append(", " if n else "")
            text.append(exp.id, "#7dcfff")
            text.append_text(verdict_text(said, shown=f" {VERDICT_MARKS.get(said, '!')}"))
        if len(exps) > SHOWN_EXPERIMENTS:
            text.append(f" +{len(exps) - SHOWN_EXPERIMENTS}", "#7dcfff")
        text.append("  ")
    if e.rejected:
        text.append("✗ ", "#f7768e")
    if e.findings:
        text.append("★ ", "bold #e0af68")
    text.append_text(inline(e.text, "strike dim" if e.rejected else ""))
    return text
