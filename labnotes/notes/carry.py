"""Carry-over: which of the previous daily note's tasks go into the new one, and how they read.

`carry_over()` is pure (previous note + its text + rendered template + config → new text), so every
rule can be tested on strings. The rules:

- an open task (any status but done `x`/`X`, cancelled `-` and forwarded `>`) is carried into the
  same section (heading path) of the new note, with a link back to the note it came from:
  ` ([[2024-12-01]])`, replacing the link an earlier carry added, so the links form a chain;
- only tasks with no task above them are carried on their own; an open task under a done task
  stays (its parent is finished), and so does one inside a log entry under an open task;
- an open task's open sub-tasks (directly under it) come with it; its log entries, plain items,
  done sub-tasks and continuation lines stay where they were;
- the link goes after the task's words, before its Obsidian Tasks fields (`📅 2024-12-05`) and
  block id, so the plugin still reads them;
- not carried: placeholders (`1. [ ] `, `1. [ ] 1`), struck-out tasks, a task the template already
  holds (a routine), and a second line of the same task: lines are compared as task identity
  compares them (`labnotes.tasks.text.task_key`: whitespace, markup, fields and the carry-over link
  in any wording aside), so each task is carried once;
- `carry_over: false` turns it off; `carry_sections: [科研, 工作]` limits it to tasks under those
  headings (at any level).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from labnotes.notes.placing import MARKER_RE, Block, marker_like, place, set_marker
from labnotes.parse.items import ItemTree
from labnotes.parse.model import ListItem, Note
from labnotes.parse.source import split_lines
from labnotes.parse.taskfields import field_spans
from labnotes.settings.config import VaultConfig
from labnotes.tasks.text import is_placeholder, task_key

CLOSED = frozenset("xX->")

# The link a carry appends, at the end of a task line.
_BACKLINK_RE = re.compile(r"[ \t]*\(\[\[[^\]\n]+\]\]\)[ \t]*$")
_BLOCK_ID_RE = re.compile(r"[ \t]\^[A-Za-z0-9-]+$")


@dataclass(frozen=True, slots=True)
class Carried:
    section: tuple[str, ...]
    text: str  # the task's words as the parser read them
    line: int  # its line in the previous note
    subtasks: int  # open sub-tasks that came with it


def _norm(text: str) -> str:
    """The words that make two lines the same task, as task identity compares them (whitespace,
    markup, fields and the carry-over link in any wording left out)."""
    return task_key(text)


def _is_open(item: ListItem) -> bool:
    if item.task is None or item.task in CLOSED or item.struck or is_placeholder(item.text):
        return False
    # A custom status of the vault's Tasks settings may be done or cancelled whatever its character.
    return item.fields is None or item.fields.status_type not in ("DONE", "CANCELLED", "NON_TASK")


def _with_link(line: str, link: str) -> str:
    """`line` with the carry-over link `([[link]])` in place of any earlier one: after the task's
    words, before its Obsidian Tasks fields and block id, so the plugin still reads them."""
    line = line.rstrip(" \t")
    block = _BLOCK_ID_RE.search(line)
    tail = block.group(0).strip() if block else ""
    head = line[: block.start()] if block else line
    spans = field_spans(head)
    if spans:
        start = min(sp.start for sp in spans)
        tail = (head[start:].strip() + " " + tail).strip()
        head = head[:start]
    head = _BACKLINK_RE.sub("", head.rstrip(" \t")).rstrip(" \t")
    return f"{head} ([[{link}]])" + (f" {tail}" if tail else "")


def _own_lines(item: ListItem, prev_lines: list[str], children: ItemTree, entries: set[int]) -> list[str]:
    """The item's line and the continuation lines of its first paragraph: its words, without the
    log entries, later paragraphs and sub-items that stay behind."""
    kids = children.children(item)
    limit = min(item.end_line, kids[0].line - 1) if kids else item.end_line
    out = [prev_lines[item.line - 1]]
    for k in range(item.line + 1, limit + 1):
        if k > len(prev_lines) or not prev_lines[k - 1].strip() or k in entries:
            break
        out.append(prev_lines[k - 1])
    return out


def _dedent(line: str, prefix: str) -> str:
    return line[len(prefix):] if line.startswith(prefix) else line


def _block(root: ListItem, prev_lines: list[str], children: ItemTree, entries: set[int], link: str) -> Block:
    own = _own_lines(root, prev_lines, children, entries)
    own[-1] = _with_link(own[-1], link)
    root_indent = MARKER_RE.match(own[0]).group("indent")  # type: ignore[union-attr]
    lines = [_dedent(x, root_indent) for x in own]
    count = 0

    def walk(parent: ListItem) -> None:
        nonlocal count
        kids = [k for k in children.children(parent) if _is_open(k)]
        for n, kid in enumerate(kids, start=1):
            kid_lines = [_dedent(x, root_indent) for x in _own_lines(kid, prev_lines, children, entries)]
            # Sub-lists are renumbered: the done and plain siblings that stayed behind leave gaps.
            kid_lines[0] = set_marker(kid_lines[0], marker_like(kid.marker, n))
            lines.extend(kid_lines)
            count += 1
            walk(kid)

    walk(root)
    return Block(root, lines, count)


def carry_over(
    previous: Note,
    previous_text: str,
    template_text: str,
    config: VaultConfig | None = None,
    *,
    link: str | None = None,
    routines: Iterable[str] = (),
) -> tuple[str, list[Carried]]:
    """The new note's text: `template_text` (already rendered) with `previous`'s open tasks added.

    `link` is the link target written after each carried task (default: the previous note's file
    stem). `routines`: more task words (`task_key`) that are not carried, e.g. the tasks of the
    template's older versions. Returns the text and what was carried, in the previous note's order.
    """
    from labnotes.parse import parse_note

    config = config or VaultConfig()
    if not config.carry_over:
        return template_text, []
    link = link or Path(previous.path).stem
    # The parser's line breaks (\n, \r\n, \r), not str.splitlines' (U+2028, \x0c, … too).
    prev_lines = split_lines(previous_text)
    template = parse_note(template_text, "template.md", config=config)
    held = {_norm(t.text) for t in template.tasks} | set(routines)
    children = ItemTree(previous.list_items)

    entry_lines = {e.line for e in previous.entries}
    wanted = set(config.carry_sections) if config.carry_sections is not None else None
    seen: set[str] = set()
    blocks: dict[tuple[str, ...], list[Block]] = {}
    carried: list[Carried] = []
    for item in previous.list_items:
        key = _norm(item.text)
        if not _is_open(item) or children.task_above(item) is not None or key in held or key in seen:
            continue
        if wanted is not None and not wanted.intersection(item.section):
            continue
        seen.add(key)
        block = _block(item, prev_lines, children, entry_lines, link)
        blocks.setdefault(tuple(item.section), []).append(block)
        carried.append(Carried(tuple(item.section), item.text, item.line, block.subtasks))
    if not blocks:
        return template_text, []
    return place(template_text, template, blocks), carried
