"""The next daily note: the vault's template filled in, with the unfinished tasks of the most
recent earlier daily note carried over.

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

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from labnotes.settings.config import VaultConfig
from labnotes.parse.dates import parse_date
from labnotes.parse.items import ItemTree
from labnotes.parse.model import ListItem, Note
from labnotes.parse.taskfields import field_spans
from labnotes.tasks.text import is_placeholder, task_key
from labnotes.notes.template import daily_name

CLOSED = frozenset("xX->")

# The link a carry appends, at the end of a task line.
_BACKLINK_RE = re.compile(r"[ \t]*\(\[\[[^\]\n]+\]\]\)[ \t]*$")
# The indent takes block-quote / callout prefixes too, so a task carried out of a callout becomes a
# plain list item of the new note.
_MARKER_RE = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<rest>.*)$", re.S)
_BLOCK_ID_RE = re.compile(r"[ \t]\^[A-Za-z0-9-]+$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _split_lines(text: str) -> list[str]:
    """Lines as the parser counts them (\n, \r\n, \r); unlike str.splitlines, U+2028, \x0c and
    the like stay inside their line, so line numbers agree with the parsed note."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@dataclass(frozen=True, slots=True)
class Carried:
    section: tuple[str, ...]
    text: str  # the task's words as the parser read them
    line: int  # its line in the previous note
    subtasks: int  # open sub-tasks that came with it


# --- dates and places ---------------------------------------------------------------------------


def parse_when(text: str | None, today: dt.date) -> dt.date:
    """The day of `labnotes new DATE` (default today); see `labnotes.parse.dates`.
    DateError (a ValueError) with a one-line message otherwise."""
    return parse_date(text or "today", today=today)


def daily_note_path(config: VaultConfig, day: dt.date) -> Path:
    """Vault-relative path of `day`'s daily note (`daily_folder` / the daily format, `.md`)."""
    return Path(config.daily_path(day))


@dataclass(frozen=True)
class Previous:
    day: dt.date
    rel: str  # vault-relative path
    # Daily notes between it and the new day that could not be read (so were passed over).
    unreadable: tuple[str, ...] = ()


def previous_daily_note(vault: Path, day: dt.date, config: VaultConfig, *, use_cache: bool = True) -> Previous | None:
    """The most recent daily note before `day`, or None.

    A daily note is one at the configured place for its day (`daily_folder` / `daily_name`);
    in a vault laid out otherwise, one whose file name is the configured name for its day. Other
    notes that merely carry a date (`date:` in front matter, `2024-12-06 组会.md`) are not.
    """
    from labnotes.vault import build_index

    idx = build_index(vault, use_cache=use_cache)
    dated = [(d, rel) for d, rel in idx.daily_notes() if d < day]
    placed = [(d, rel) for d, rel in dated if rel == daily_note_path(config, d).as_posix()]
    named = placed or [(d, rel) for d, rel in dated if PurePosixPath(rel).stem == daily_name(config, d)]
    if not named:
        return None
    found_day, rel = named[-1]
    unreadable = []
    for problem in idx.problems:
        other = config.day_in(PurePosixPath(problem.rel).stem) if problem.rel else None
        if other is not None and found_day < other < day and problem.rel not in unreadable:
            unreadable.append(problem.rel)
    return Previous(found_day, rel, tuple(sorted(unreadable)))


# --- carry-over (pure) ---------------------------------------------------------------------------


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


def _eol(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group(0) if m else "\n"


def _ordered(marker: str) -> bool:
    return marker[:1].isdigit()


def _set_marker(line: str, marker: str, indent: str | None = None) -> str:
    """`line` with its list marker replaced (and its indentation, when `indent` is given)."""
    m = _MARKER_RE.match(line)
    if not m:
        return line
    return (m.group("indent") if indent is None else indent) + marker + m.group("rest")


def _marker_like(style: str, number: int) -> str:
    return f"{number}{style[-1]}" if _ordered(style) else style


@dataclass(slots=True)
class _Block:
    root: ListItem
    lines: list[str]  # the root line first (marker to be numbered), then its sub-tasks, no eol
    subtasks: int


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


def _block(root: ListItem, prev_lines: list[str], children: ItemTree, entries: set[int], link: str) -> _Block:
    own = _own_lines(root, prev_lines, children, entries)
    own[-1] = _with_link(own[-1], link)
    root_indent = _MARKER_RE.match(own[0]).group("indent")  # type: ignore[union-attr]
    lines = [_dedent(x, root_indent) for x in own]
    count = 0

    def walk(parent: ListItem) -> None:
        nonlocal count
        kids = [k for k in children.children(parent) if _is_open(k)]
        for n, kid in enumerate(kids, start=1):
            kid_lines = [_dedent(x, root_indent) for x in _own_lines(kid, prev_lines, children, entries)]
            # Sub-lists are renumbered: the done and plain siblings that stayed behind leave gaps.
            kid_lines[0] = _set_marker(kid_lines[0], _marker_like(kid.marker, n))
            lines.extend(kid_lines)
            count += 1
            walk(kid)

    walk(root)
    return _Block(root, lines, count)


def _heading_paths(note: Note) -> list[tuple[int, int, tuple[str, ...]]]:
    """(line, level, heading path) of every heading, in order."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    stack: list[tuple[int, str]] = []  # (level, text)
    for h in note.headings:
        while stack and stack[-1][0] >= h.level:
            stack.pop()
        stack.append((h.level, h.text))
        out.append((h.line, h.level, tuple(t for _, t in stack)))
    return out


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
    prev_lines = _split_lines(previous_text)
    template = parse_note(template_text, "template.md", config=config)
    held = {_norm(t.text) for t in template.tasks} | set(routines)
    children = ItemTree(previous.list_items)

    entry_lines = {e.line for e in previous.entries}
    wanted = set(config.carry_sections) if config.carry_sections is not None else None
    seen: set[str] = set()
    blocks: dict[tuple[str, ...], list[_Block]] = {}
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
    return _place(template_text, template, blocks), carried


def _place(template_text: str, template: Note, blocks: dict[tuple[str, ...], list[_Block]]) -> str:
    eol = _eol(template_text)
    lines = _split_lines(template_text)
    ends_with_eol = template_text.endswith(("\n", "\r"))
    headings = _heading_paths(template)
    body_start = _body_start(lines)
    edits: list[tuple[int, list[str]]] = []  # (insert after this 0-based index + 1, lines)
    missing: list[tuple[tuple[str, ...], list[_Block]]] = []

    for section, section_blocks in blocks.items():
        where = _section_range(section, headings, len(lines), body_start)
        if where is None:
            missing.append((section, section_blocks))
            continue
        first, last = where  # 1-based lines after the heading .. before the next heading
        top = [i for i in template.list_items if first <= i.line <= last and i.parent_line is None]
        filled = [i for i in top if not (i.task is not None and not i.text.strip())]
        if filled:
            after = filled[-1].end_line
        elif top:
            after = top[0].line - 1
        else:
            after = None
        style = top[0].marker if top else section_blocks[0].root.marker
        new_lines: list[str] = []
        # Number the whole top-level list again: template items after the insertion move down.
        start = int(top[0].marker[:-1]) if top and _ordered(top[0].marker) else 1
        before = [i for i in top if after is not None and i.line <= after]
        n = start + len(before) - 1
        for block in section_blocks:
            n += 1
            new_lines.append(_set_marker(block.lines[0], _marker_like(style, n)))
            new_lines.extend(block.lines[1:])
        for item in top:
            if after is not None and item.line > after and _ordered(item.marker):
                n += 1
                lines[item.line - 1] = _set_marker(lines[item.line - 1], _marker_like(item.marker, n))
        if after is None:
            # A section without a list: the tasks go right under the heading, set off by blank lines.
            at = first - 1
            if at < len(lines) and not lines[at].strip():
                at += 1  # keep the heading's blank line above the list
            else:
                new_lines.insert(0, "")
            if at < len(lines) and lines[at].strip():
                new_lines.append("")
            edits.append((at, new_lines))
        else:
            edits.append((after, new_lines))

    for at, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[at:at] = new

    added: tuple[str, ...] = ()
    for section, section_blocks in missing:
        # The section is not in the template: add its headings at the end, in the previous note's
        # order, without repeating a parent heading the section before it already added.
        while lines and not lines[-1].strip():
            lines.pop()
        shared = 0
        while shared < min(len(added), len(section)) and added[shared] == section[shared]:
            shared += 1
        for level, text in enumerate(section[shared:], start=shared + 1):
            lines += ["", f"{'#' * level} {text}"]
        added = section
        lines.append("")
        for n, block in enumerate(section_blocks, start=1):
            lines.append(_set_marker(block.lines[0], _marker_like(block.root.marker, n)))
            lines.extend(block.lines[1:])
    while missing and lines and not lines[-1].strip():
        lines.pop()
    out = eol.join(lines)
    return out + eol if ends_with_eol or missing else out


def _body_start(lines: list[str]) -> int:
    """1-based first line after the front matter block (1 when there is none)."""
    if lines and lines[0].strip() == "---":
        for k in range(1, len(lines)):
            if lines[k].strip() in ("---", "..."):
                return k + 2
    return 1


def _section_range(
    section: tuple[str, ...],
    headings: list[tuple[int, int, tuple[str, ...]]],
    line_count: int,
    body_start: int,
) -> tuple[int, int] | None:
    """1-based first and last line of the section's own text (up to the next heading), or None."""
    if not section:
        # Tasks above the first heading: after the front matter, before the first heading.
        first_heading = headings[0][0] if headings else line_count + 1
        return body_start, first_heading - 1
    match = next((k for k, (_, _, path) in enumerate(headings) if path == section), None)
    if match is None:
        match = next((k for k, (_, _, path) in enumerate(headings) if path[-1] == section[-1]), None)
    if match is None:
        return None
    start = headings[match][0] + 1
    end = headings[match + 1][0] - 1 if match + 1 < len(headings) else line_count
    return start, end


# --- the whole job ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewNote:
    path: Path  # vault-relative
    text: str
    source: str | None  # vault-relative path of the note the tasks came from
    carried: list[Carried]
    # Later daily notes that could not be read, so their tasks were not carried.
    passed_over: tuple[str, ...] = ()


class TemplateMissing(Exception):
    pass


def make_note(
    vault: Path,
    day: dt.date,
    config: VaultConfig,
    *,
    now: dt.datetime | None = None,
    use_cache: bool = True,
    routines: Iterable[str] = (),
) -> NewNote:
    """The daily note for `day` as it would be written (nothing is written here). `routines`: task
    words not to carry besides the template's own (its older versions', from git)."""
    from labnotes.parse import parse_note, read_text
    from labnotes.notes.template import render

    rel = daily_note_path(config, day)
    template_text = _template_text(vault, config)
    from labnotes.settings.moment import guess_locale

    locale = config.locale or guess_locale(template_text)
    text = render(template_text, day=day, now=now, title=rel.stem, config=config, locale=locale)
    if not config.carry_over:
        return NewNote(rel, text, None, [])
    found = previous_daily_note(vault, day, config, use_cache=use_cache)
    if found is None:
        return NewNote(rel, text, None, [])
    prev_text = read_text(vault / found.rel)
    previous = parse_note(prev_text, found.rel, config=config)
    text, carried = carry_over(previous, prev_text, text, config, routines=routines)
    return NewNote(rel, text, found.rel, carried, found.unreadable)


def _template_text(vault: Path, config: VaultConfig) -> str:
    """The daily template's text; "" when the vault names none (Obsidian then starts an empty note).

    Read through the guarded open, inside the vault: a template that is a symlink out of it (or a
    FIFO) is refused, so a vault's settings cannot copy an outside file into a note.
    """
    import os

    from labnotes.parse import NoteError, read_text

    if config.template is None:
        return ""
    template_path = vault / config.template
    if not template_path.exists() and not template_path.is_symlink():
        raise TemplateMissing(
            f"template not found: {config.template} (the vault's daily notes settings name it; "
            "set `template:` in .labnotes.yaml)"
        )
    try:
        # read_text keeps the template's own line endings (CRLF stays CRLF).
        return read_text(template_path, inside=os.path.realpath(vault))
    except NoteError as exc:
        raise TemplateMissing(f"the template {exc}") from None


__all__ = [
    "CLOSED",
    "Carried",
    "NewNote",
    "TemplateMissing",
    "carry_over",
    "daily_note_path",
    "make_note",
    "parse_when",
    "previous_daily_note",
]
