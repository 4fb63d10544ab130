"""Where carried tasks go in the new note: each block into its section of the rendered template,
numbered on from the section's list; a section the template lacks is added at the end."""

from __future__ import annotations

import re
from dataclasses import dataclass

from labnotes.parse.model import ListItem, Note
from labnotes.parse.source import body_start, heading_paths, line_ending, split_lines, strip_bom

# The indent takes block-quote / callout prefixes too, so a task carried out of a callout becomes a
# plain list item of the new note.
MARKER_RE = re.compile(r"^(?P<indent>(?:[ \t]*>)*[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<rest>.*)$", re.S)

Section = tuple[str, ...]
Headings = list[tuple[int, int, Section]]


@dataclass(slots=True)
class Block:
    """One carried task as it will be written: its line (marker still to be numbered), then the
    lines of the open sub-tasks that come with it, without line endings."""

    root: ListItem
    lines: list[str]
    subtasks: int


def ordered(marker: str) -> bool:
    return marker[:1].isdigit()


def set_marker(line: str, marker: str, indent: str | None = None) -> str:
    """`line` with its list marker replaced (and its indentation, when `indent` is given)."""
    m = MARKER_RE.match(line)
    if not m:
        return line
    return (m.group("indent") if indent is None else indent) + marker + m.group("rest")


def marker_like(style: str, number: int) -> str:
    return f"{number}{style[-1]}" if ordered(style) else style


def place(template_text: str, template: Note, blocks: dict[Section, list[Block]]) -> str:
    """`template_text` with every block in its section; `template` is that text parsed."""
    eol = line_ending(template_text)
    lines = split_lines(template_text)
    ends_with_eol = template_text.endswith(("\n", "\r"))
    headings = heading_paths(template.headings)
    first_body_line = body_start(split_lines(strip_bom(template_text)))
    edits: list[tuple[int, list[str]]] = []  # (insert at this 0-based index, lines)
    missing: list[tuple[Section, list[Block]]] = []
    for section, section_blocks in blocks.items():
        where = _section_range(section, headings, len(lines), first_body_line)
        if where is None:
            missing.append((section, section_blocks))
        else:
            edits.append(_into_section(lines, template, where, section_blocks))
    for at, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[at:at] = new
    if missing:
        _append_sections(lines, missing)
    out = eol.join(lines)
    return out + eol if ends_with_eol or missing else out


def _into_section(lines: list[str], template: Note, where: tuple[int, int], blocks: list[Block]) -> tuple[int, list[str]]:
    """The insertion for one section of the template: after its last filled top-level item (an
    empty `- [ ] ` placeholder stays below), numbered on; later template items are renumbered in
    `lines` itself. A section without a list gets the tasks under its heading, set off by blanks."""
    first, last = where  # 1-based lines after the heading .. before the next heading
    top = [i for i in template.list_items if first <= i.line <= last and i.parent_line is None]
    filled = [i for i in top if not (i.task is not None and not i.text.strip())]
    after = filled[-1].end_line if filled else (top[0].line - 1 if top else None)
    style = top[0].marker if top else blocks[0].root.marker
    start = int(top[0].marker[:-1]) if top and ordered(top[0].marker) else 1
    n = start + sum(1 for i in top if after is not None and i.line <= after) - 1
    new_lines: list[str] = []
    for block in blocks:
        n += 1
        new_lines.append(set_marker(block.lines[0], marker_like(style, n)))
        new_lines.extend(block.lines[1:])
    for item in top:
        if after is not None and item.line > after and ordered(item.marker):
            n += 1
            lines[item.line - 1] = set_marker(lines[item.line - 1], marker_like(item.marker, n))
    if after is not None:
        return after, new_lines
    at = first - 1
    if at < len(lines) and not lines[at].strip():
        at += 1  # keep the heading's blank line above the list
    else:
        new_lines.insert(0, "")
    if at < len(lines) and lines[at].strip():
        new_lines.append("")
    return at, new_lines


def _append_sections(lines: list[str], missing: list[tuple[Section, list[Block]]]) -> None:
    """Sections the template lacks, added at the end in the previous note's order, without
    repeating a parent heading the section before already added."""
    added: Section = ()
    for section, section_blocks in missing:
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
            lines.append(set_marker(block.lines[0], marker_like(block.root.marker, n)))
            lines.extend(block.lines[1:])
    while lines and not lines[-1].strip():
        lines.pop()


def _section_range(section: Section, headings: Headings, line_count: int, first_body_line: int) -> tuple[int, int] | None:
    """1-based first and last line of the section's own text (up to the next heading), or None."""
    if not section:
        # Tasks above the first heading: after the front matter, before the first heading.
        first_heading = headings[0][0] if headings else line_count + 1
        return first_body_line, first_heading - 1
    match = next((k for k, (_, _, path) in enumerate(headings) if path == section), None)
    if match is None:
        match = next((k for k, (_, _, path) in enumerate(headings) if path[-1] == section[-1]), None)
    if match is None:
        return None
    start = headings[match][0] + 1
    end = headings[match + 1][0] - 1 if match + 1 < len(headings) else line_count
    return start, end
