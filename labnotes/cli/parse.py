"""`labnotes parse NOTE`: one note, read as labnotes reads it. Needs no vault."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from labnotes.cli.app import JsonOption, app, fail, print_json, say

if TYPE_CHECKING:
    from labnotes.parse.model import Note


def _vault_config(note: Path):
    """The settings of the vault the note sits in, if any (extra timestamp formats, daily pattern)."""
    from labnotes.settings.config import ConfigError, load_config
    from labnotes.settings.locations import vault_holding

    folder = vault_holding(note)
    if folder is None:
        return None
    try:
        return load_config(folder)
    except ConfigError as exc:
        fail(str(exc))


def _outline(note: "Note") -> str:
    from labnotes.queries.text import plain as _plain

    out: list[str] = []
    tasks = note.tasks
    done = sum(1 for t in tasks if t.task in ("x", "X"))
    out.append(f"{note.path}  ({note.date or 'no day'})")
    out.append(
        f"  {len(tasks)} tasks ({done} done, {sum(1 for t in tasks if t.task == ' ')} open) · "
        f"{len(note.entries)} entries · {len(note.links)} links · {len(note.tables)} tables · "
        f"{len(note.tags)} tags · {len(note.warnings)} warnings"
    )
    items_by_line = {i.line: i for i in note.list_items}
    entries_by_line = {e.line: e for e in note.entries}
    events: list[tuple[int, str]] = []
    for h in note.headings:
        events.append((h.line, f"{'  ' * (h.level - 1)}{'#' * h.level} {h.text}"))
    base = {h.line: h.level for h in note.headings}
    level = 0
    for line in sorted(set(base) | set(items_by_line) | set(entries_by_line)):
        if line in base:
            level = base[line]
            continue
        item = items_by_line.get(line)
        entry = entries_by_line.get(line)
        if item is None and entry is None:
            continue
        indent = "  " * (level + (item.depth if item else 0))
        if entry is not None:
            mark = "✗ " if entry.struck else ""
            label = f"{mark}⏱ {entry.timestamp.replace('T', ' ')}  {_plain(entry.text)[:70]}"
        elif item is not None and item.task is not None:
            label = f"[{item.task}] {_plain(item.text)[:80]}"
        else:
            continue
        events.append((line, f"{indent}{label}  :{line}"))
    events.sort(key=lambda e: e[0])
    out.extend(text for _, text in events)
    if note.warnings:
        out.append("warnings:")
        out.extend(f"  line {w.line}: {w.message}" for w in note.warnings)
    return "\n".join(out)


@app.command()
def parse(
    note: Path = typer.Argument(..., help="A Markdown note file.", show_default=False),
    json: bool = JsonOption,
) -> None:
    """Read one note and show what labnotes sees in it: tasks, log entries, links, tables, tags.

    With --json, prints the note model documented in docs/parse-json.md.
    """
    from labnotes.parse import NoteError, read_note

    try:
        parsed = read_note(note, config=_vault_config(note))
    except NoteError as exc:
        fail(str(exc))
    if json:
        print_json(parsed.to_json())
    else:
        typer.echo(_outline(parsed))
    for w in parsed.warnings:
        say(f"{note}:{w.line}: warning: {w.message}")
