"""Commands over the whole vault: index, export, timeline, links, backlinks, metrics, check, graph (tasks: cli/tasks.py).

Everything heavy (the index, networkx, rich) is imported inside the commands: `labnotes --help`
stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json, vault_path, warn
from labnotes.cli.jsonout import flat

if TYPE_CHECKING:
    from labnotes.vault import VaultIndex

# A cold index of at least this many notes shows a progress bar (on a terminal).
PROGRESS_MIN = 200
# Past this many, warnings are counted rather than listed.
MAX_WARNINGS = 10

SinceOption = typer.Option(None, "--since", help="Only from this day on: YYYY-MM-DD, today, yesterday or -N (days ago).", show_default=False)
UntilOption = typer.Option(None, "--until", help="Only up to this day: YYYY-MM-DD, today, yesterday or -N (days ago).", show_default=False)
GrepOption = typer.Option(None, "--grep", help="Only text matching this (a case-insensitive regex).", show_default=False)
NoteFilter = typer.Option(None, "--note", help="Only this note (name, vault path or file).", show_default=False)


def _progress_bar() -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress callback that opens a rich bar on stderr once a large parse starts."""
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            if total < PROGRESS_MIN or not sys.stderr.isatty():
                state["bar"] = None
            else:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

                bar = Progress(
                    TextColumn("indexing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True), transient=True,
                )  # fmt: skip
                bar.start()
                state["bar"], state["task"] = bar, bar.add_task("notes", total=total)
        if state["bar"] is not None:
            state["bar"].update(state["task"], completed=done)

    def close() -> None:
        if state.get("bar") is not None:
            state["bar"].stop()

    return update, close


def open_index(vault: Optional[Path], *, rebuild: bool = False, quiet: bool = False) -> "VaultIndex":
    """The index of the vault the options name; config errors end the command (exit 2)."""
    from labnotes.settings.config import ConfigError
    from labnotes.vault import build_index

    root = vault_path(vault)
    update, close = _progress_bar()
    try:
        idx = build_index(root, rebuild=rebuild, progress=update)
    except ConfigError as exc:
        fail(str(exc))
    finally:
        close()
    if not quiet:
        report_problems(idx)
    return idx


def report_problems(idx: "VaultIndex") -> None:
    for p in idx.problems[:MAX_WARNINGS]:
        warn(str(p))
    if len(idx.problems) > MAX_WARNINGS:
        warn(f"… and {len(idx.problems) - MAX_WARNINGS} more (`labnotes index --json` counts them, `labnotes check` lists the ones that matter)")


def _query(call: Callable[[], Any]) -> Any:
    from labnotes.queries.filters import QueryError

    try:
        return call()
    except QueryError as exc:
        fail(str(exc))


def _duration(minutes: int | None) -> str:
    from labnotes.queries.text import duration

    return duration(minutes)


def count(n: int, singular: str, plural: str | None = None) -> str:
    from labnotes.queries.text import count as _count

    return _count(n, singular, plural)


def _short(text: str, width: int = 90) -> str:
    from labnotes.queries.text import short

    return short(text, width)


# -- index ------------------------------------------------------------------------------------


@app.command()
def index(
    vault: Optional[Path] = VaultOption,
    json: bool = JsonOption,
    rebuild: bool = typer.Option(False, "--rebuild", help="Parse every note again and write the index store anew (repairs a damaged one)."),
) -> None:
    """Build or refresh the vault index and print what it holds."""
    from labnotes.queries.tasks import task_counts
    from labnotes.queries.summary import summary

    idx = open_index(vault, rebuild=rebuild, quiet=json)
    counts = summary(idx)
    # Tasks each once (not lines), with routines and placeholders counted apart: as `labnotes tasks` lists them.
    from labnotes.cli.tasks import task_book_of

    counts.update(task_counts(idx, book=task_book_of(idx)))
    if json:
        print_json(counts)
        return
    typer.echo(
        f"{counts['notes']} notes · {count(counts['tasks'], 'task')} ({counts['open_tasks']} open) · "
        f"{count(counts['routines'], 'routine')} · {count(counts['placeholders'], 'placeholder')} · "
        f"{counts['entries']} entries · {counts['links']} links ({counts['unresolved_links']} unresolved) · "
        f"{counts['warnings']} warnings"
    )
    typer.echo(f"{counts['parsed']} parsed in {counts['seconds']:.2f} s  ({counts['vault']})")


@app.command()
def export(
    sqlite: Path = typer.Option(..., "--sqlite", help="Write the index store to this SQLite file.", show_default=False),
    vault: Optional[Path] = VaultOption,
    force: bool = typer.Option(False, "--force", help="Replace FILE if it exists."),
) -> None:
    """Write a copy of the vault's index (SQLite; tables in docs/schema.md) for sqlite3, Datasette or pandas."""
    import sqlite3 as sqlite_mod

    target = sqlite.expanduser()
    if target.exists() and not force:
        fail(f"{target} exists; pass --force to replace it", 1)
    if not target.parent.is_dir():
        fail(f"no folder {target.parent}")
    idx = open_index(vault)
    try:
        idx.store.export(target)
    except (OSError, sqlite_mod.Error) as exc:
        fail(f"cannot write {target}: {exc}")
    typer.echo(f"{len(idx.notes)} notes → {target}", err=True)


# -- timeline ---------------------------------------------------------------------------------


@app.command()
def timeline(
    vault: Optional[Path] = VaultOption,
    thread: Optional[str] = typer.Option(None, "--thread", help="Only threads whose task (or a task above it) matches this.", show_default=False),
    grep: Optional[str] = GrepOption,
    since: Optional[str] = SinceOption,
    note: Optional[str] = NoteFilter,
    json: bool = JsonOption,
) -> None:
    """Log entries in time order, grouped by the task they work on, with the time between them."""
    from labnotes.queries import timeline as q

    idx = open_index(vault)
    threads = _query(lambda: q.timeline(idx, thread=thread, grep=grep, since=since, note=note))
    if json:
        print_json([{**flat(t), "minutes": t.minutes} for t in threads])
        return
    for t in threads:
        pad = "  " * t.depth
        status = f"[{t.status}] " if t.status else ""
        span = f", over {_duration(t.minutes).lstrip('+')}" if t.minutes else ""
        where = f"{t.note}:{t.line}" if t.line else t.note
        typer.echo(f"{pad}{status}{_short(t.title, 80)}  ({count(len(t.entries), 'entry', 'entries')}{span})  {where}")
        if t.path and t.depth == 0:
            typer.echo(f"{pad}  under: {_short(' › '.join(t.path), 90)}")
        for e in t.entries:
            marks = ("✗ rejected " if e.rejected else "") + ("★ finding " if e.findings else "")
            if not e.weekday_ok:
                marks += "⚠ weekday "
            when = e.timestamp.replace("T", " ")
            typer.echo(f"{pad}  {when} {e.weekday or '':<3} {_duration(e.minutes_since_previous):>8}  {marks}{_short(e.text, 80)}  :{e.line}")
        typer.echo("")
    typer.echo(f"{count(sum(len(t.entries) for t in threads), 'entry', 'entries')} in {count(len(threads), 'thread')}", err=True)


# -- links ------------------------------------------------------------------------------------


def _print_links(rows: list[Any]) -> None:
    for r in rows:
        if r.external:
            where = "(external)"
        elif not r.ok and r.reason is None:
            where = "(template placeholder, filled in when a note is made)"
        elif r.ok:
            anchor = f":{r.heading_line or r.block_line}" if (r.heading_line or r.block_line) else ""
            where = f"→ {r.resolved}{anchor}"
        else:
            where = f"✗ {r.reason}"
        typer.echo(f"{r.note}:{r.line}  {_short(r.original, 70)}  {where}")


@app.command()
def links(
    vault: Optional[Path] = VaultOption,
    unresolved: bool = typer.Option(False, "--unresolved", help="Only links into the vault that reach nothing, or a missing heading or block."),
    note: Optional[str] = NoteFilter,
    json: bool = JsonOption,
) -> None:
    """Every link in the vault and what it resolves to."""
    from labnotes.queries import links as q

    idx = open_index(vault)
    rows = _query(lambda: q.links(idx, unresolved=unresolved, note=note))
    if json:
        print_json([flat(r) for r in rows])
    else:
        _print_links(rows)
        typer.echo(count(len(rows), "link"), err=True)


@app.command()
def backlinks(
    note: str = typer.Argument(..., help="The note: its name, vault path or file.", show_default=False),
    vault: Optional[Path] = VaultOption,
    json: bool = JsonOption,
) -> None:
    """The links that reach a note."""
    from labnotes.queries import links as q

    idx = open_index(vault)
    rows = _query(lambda: q.backlinks(idx, note))
    if json:
        print_json([flat(r) for r in rows])
    else:
        _print_links(rows)
        typer.echo(count(len(rows), "backlink"), err=True)


# -- metrics ----------------------------------------------------------------------------------


@app.command()
def metrics(
    vault: Optional[Path] = VaultOption,
    fmt: str = typer.Option("csv", "--format", help="csv or json."),
    since: Optional[str] = SinceOption,
    until: Optional[str] = UntilOption,
    json: bool = typer.Option(False, "--json", help="The same as --format json."),
) -> None:
    """The daily life tables (sleep, weight, exercise, money …) as a time series."""
    import csv

    from labnotes.queries import metrics as q

    if fmt not in ("csv", "json"):
        fail(f"--format: expected csv or json, got {fmt!r}")
    idx = open_index(vault)
    columns, rows = _query(lambda: q.metrics(idx, since=since, until=until))
    if json or fmt == "json":
        print_json(rows)
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


# -- check ------------------------------------------------------------------------------------


@app.command()
def check(
    vault: Optional[Path] = VaultOption,
    json: bool = JsonOption,
    strict: bool = typer.Option(False, "--strict", help="Exit 1 on warnings too, not only on errors."),
    ignore: Optional[list[str]] = typer.Option(
        None, "--ignore", metavar="KIND", show_default=False,
        help="Leave out findings of this kind (repeat for more); `check:` in .labnotes.yaml does it for good.",
    ),  # fmt: skip
    show: str = typer.Option(
        "warning", "--show", metavar="SEVERITY",
        help="List findings of at least this severity: error, warning or info (links to notes not written yet).",
    ),  # fmt: skip
) -> None:
    """What is broken in the vault, each finding with its kind and severity.

    Errors: a link to a heading or block that is not there, a weekday that does not fall on its date, front matter that is not valid YAML, a stamp or task date that is no real date. Warnings: entries out of order, repeated entry ids, missing attachments, files labnotes cannot read. Info: links to notes not written yet. Templates are not checked.

    Exit 1 when there is an error (with --strict: or a warning), else 0. Kinds: unresolved-anchor, weekday, front-matter, stamp, task-date, out-of-order, duplicate-id, missing-attachment, file, parse, unresolved-link.
    """
    from labnotes.queries import check as q

    if show not in q.SEVERITIES:
        fail(f"--show: expected error, warning or info, got {show!r}")
    idx = open_index(vault, quiet=True)
    try:
        found = q.check(idx, ignore=ignore or ())
    except q.CheckError as exc:
        fail(str(exc))
    tally = q.counts(found)
    if json:
        print_json([flat(f) for f in found])
    else:
        shown = q.SEVERITIES[: q.SEVERITIES.index(show) + 1]
        for f in found:
            if f.severity in shown:
                typer.echo(f"{f.note}:{f.line}: {f.severity}: {f.kind}: {f.message}")
        parts = [count(tally[s], s) for s in q.SEVERITIES]
        hidden = [s for s in q.SEVERITIES if s not in shown and tally[s]]
        more = f" ({' and '.join(s + 's' for s in hidden)} not listed: --show {hidden[-1]})" if hidden else ""
        typer.echo(f"{', '.join(parts)} in {count(len(idx.notes), 'note')}{more}", err=True)
    failing = tally["error"] + (tally["warning"] if strict else 0)
    if failing:
        raise typer.Exit(1)


# -- graph ------------------------------------------------------------------------------------


@app.command()
def graph(
    vault: Optional[Path] = VaultOption,
    fmt: str = typer.Option("json", "--format", help="json, graphml, mermaid or dot."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout.", show_default=False),
) -> None:
    """The task / experiment graph: notes, sections, tasks, entries, experiments and their links."""
    from labnotes.vault.export import FORMATS, export

    if fmt not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    from labnotes.workspace import Workspace

    idx = open_index(vault)
    g = Workspace(idx.vault, index=idx).graph()
    for problem in g.graph.get("problems", []):
        warn(problem)
    text = export(g, fmt)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    typer.echo(f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges → {output}", err=True)
