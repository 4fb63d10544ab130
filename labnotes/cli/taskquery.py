"""`labnotes query NOTE[:LINE]`: the note's ```` ```tasks ```` blocks answered over the vault."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json

if TYPE_CHECKING:
    from labnotes.queries.taskquery import QueryResult


def split_target(target: str) -> tuple[str, int | None]:
    """`NOTE:LINE` → (NOTE, LINE); a note name may itself hold colons, so only digits after the last count."""
    head, sep, tail = target.rpartition(":")
    if sep and head and tail.isdigit():
        return head, int(tail)
    return target, None


def _task_line(t) -> str:
    where = f"{t.note}:{t.line}" + (f" › {t.heading}" if t.heading else "")
    return f"- [{t.status}] {t.text}  ({where})"


def _print_result(rel: str, r: "QueryResult") -> None:
    typer.echo(f"{rel}:{r.line}  tasks query")
    if r.error is not None:
        typer.echo(f"  not run: {r.error}")
        return
    last: list[str] = []
    for group in r.groups:
        for level, name in enumerate(group.names):
            if last[: level + 1] != group.names[: level + 1]:
                typer.echo(f"{'#' * min(4 + level, 6)} {name}")
        last = group.names
        for t in group.tasks:
            typer.echo(_task_line(t))
    more = f" (of {r.total})" if r.shown != r.total else ""
    typer.echo(f"{r.shown} task{'s' if r.shown != 1 else ''}{more}")


@app.command()
def query(
    target: str = typer.Argument(..., help="NOTE or NOTE:LINE — a note (name, vault path or file); with LINE only the block holding that line.", show_default=False),
    vault: Optional[Path] = VaultOption,
    json: bool = JsonOption,
    today: Optional[str] = typer.Option(None, "--today", help="Answer as on this day (YYYY-MM-DD, +N, -N …); default: today.", show_default=False),
) -> None:
    """Answer the Obsidian Tasks query blocks (```tasks) of a note over the whole vault.

    Prints each block's groups and tasks in order, sorted and grouped as the Tasks plugin does
    (`not done`, `due before tomorrow`, `tags include #paper`, `(a) OR (b)`, `sort by due`,
    `group by filename`, `limit 10`, …). A block with an instruction labnotes cannot read gives
    one error naming its line, and the other blocks still run (exit 1).
    """
    from labnotes.cli.query import open_index
    from labnotes.parse.files import NoteError
    from labnotes.queries.taskquery import run_query_blocks
    from labnotes.queries.taskquery.dates import DateWordError, parse_day

    import datetime as dt

    name, line = split_target(target)
    day = dt.date.today()
    if today:
        try:
            day = parse_day(today, day)
        except DateWordError as exc:
            fail(f"--today: {exc}")
    idx = open_index(vault, quiet=json)
    rel = idx.find_note(name)
    if rel is None:
        fail(f"no note {name!r} in the vault {idx.vault}")
    if idx.config.tasks.problem:
        typer.echo(f"labnotes: warning: {idx.config.tasks.problem}", err=True)
    try:
        results = run_query_blocks(idx, rel, line=line, today=day)
    except NoteError as exc:
        fail(str(exc))
    if not results:
        where = f" at line {line}" if line is not None else ""
        fail(f"{rel}: no ```tasks block{where}", code=1)
    if json:
        print_json({"note": rel, "today": day.isoformat(), "blocks": [r.to_json() for r in results]})
    else:
        for i, r in enumerate(results):
            if i:
                typer.echo("")
            _print_result(rel, r)
    for r in results:
        if r.error is not None:
            typer.echo(f"labnotes: error: {rel}:{r.error.line}: tasks query at line {r.line}: cannot read {r.error.instruction!r}: {r.error.message}", err=True)
    if any(r.error is not None for r in results):
        raise typer.Exit(1)
