"""Tasks as they stand in the notes: one row per task line, with its place in the task tree."""

from __future__ import annotations

from dataclasses import dataclass

from labnotes.queries.filters import matcher, parse_day, select_notes, status_char
from labnotes.vault import VaultIndex

@dataclass(slots=True)
class TaskRow:
    note: str
    day: str | None
    line: int
    status: str  # the character between the brackets
    text: str
    section: list[str]
    depth: int  # tasks above it in the tree (0: a top task)
    parent_line: int | None  # the line of the task above it



def tasks(
    idx: VaultIndex,
    *,
    status: str | None = None,
    section: str | None = None,
    note: str | None = None,
    since: str | None = None,
    until: str | None = None,
    grep: str | None = None,
    placeholders: bool = False,
) -> list[TaskRow]:
    """Tasks matching every filter given; empty template tasks only when `placeholders`."""
    want = status_char(status)
    match = matcher(grep)
    section_key = section.casefold() if section else None
    rels = select_notes(idx, note=note, since=parse_day(since, "--since"), until=parse_day(until, "--until"))
    rows: list[TaskRow] = []
    for t in idx.task_rows([r for r in rels if idx.facts[r].tasks], status=want, placeholders=placeholders):
        item = t.item
        if section_key and not any(section_key in s.casefold() for s in item.section):
            continue
        if not match(item.text):
            continue
        rows.append(TaskRow(t.note, t.day, item.line, item.task or "", item.text, list(item.section), t.task_depth, t.task_parent))
    return rows
