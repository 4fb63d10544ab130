"""`labnotes new [DATE]` (the next daily note from the template) and `labnotes toggle NOTE:LINE`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Optional

import typer

from labnotes.cli.app import VaultOption, app, fail, say, vault_path, vault_was_named, warn


def _config(vault: Path):
    from labnotes.settings.config import ConfigError, load_config

    try:
        return load_config(vault)
    except ConfigError as exc:
        fail(str(exc))


# `-1` (yesterday's note) is a date, not an option.
@app.command(context_settings={"ignore_unknown_options": True})
def new(
    date: Optional[str] = typer.Argument(
        None, help="The note's day: today (default), tomorrow, yesterday, +N, -N or YYYY-MM-DD.", show_default=False
    ),
    vault: Optional[Path] = VaultOption,
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the note on stdout instead of writing it."),
) -> None:
    """Write the daily note for DATE from the template, carrying over unfinished tasks.

    DATE is today (default), tomorrow, yesterday, +N / -N or YYYY-MM-DD. The open tasks of the most recent earlier daily note go into the same sections, once each, with a link back. An existing note is never overwritten (exit 1); --dry-run prints the note instead.
    """
    from labnotes.notes.newnote import TemplateMissing, daily_note_path, make_note, parse_when
    from labnotes.parse import NoteError

    from labnotes.settings.locations import OutsideVault, inside_vault, is_sample

    root = vault_path(vault)
    if is_sample(root) and not dry_run and not vault_was_named(vault):
        fail("no vault given: not writing into the bundled sample vault (pass --vault DIR for yours, "
             "or --vault sample to write there)")
    config = _config(root)
    try:
        day = parse_when(date, dt.date.today())
    except ValueError as exc:
        fail(str(exc))
    rel = daily_note_path(config, day)
    if (root / rel).exists():
        fail(f"{rel.as_posix()} exists; not overwritten", 1)
    from labnotes.history import past_template_keys
    from labnotes.settings.locations import cache_dir

    # In a git vault the tasks of the template's older versions are routines too: not carried.
    past = past_template_keys(root, config, config.template, cache_dir=cache_dir()) if config.template else []
    try:
        note = make_note(root, day, config, routines=past)
    except (TemplateMissing, NoteError) as exc:
        fail(str(exc))
    try:
        target = inside_vault(root, note.path.parent, "the daily folder") / note.path.name
    except OutsideVault as exc:
        fail(str(exc))
    for unread in note.passed_over:
        warn(f"{unread} could not be read; its tasks were not carried (see `labnotes check`)")
    if note.carried:
        say(f"carried {len(note.carried)} open task(s) from {note.source}")
    from labnotes.notes.templater import commands_in

    if left := commands_in(note.text):
        warn(f"{left} Templater command(s) left as written: labnotes runs no JavaScript; Templater fills them in when Obsidian opens the note")
    if dry_run:
        source = f"from {config.template}" if config.template else "from no template (the vault's daily notes settings name none)"
        say(f"labnotes: would write {note.path.as_posix()} {source}")
        typer.echo(note.text, nl=False)
        return
    _write_new(target, note.text, root, shown=note.path.as_posix())
    typer.echo(str(target))


def _write_new(target: Path, text: str, root: Path, *, shown: str) -> None:
    """Create the note; never over one that exists (exit 1), a one-line error when it cannot be."""
    from labnotes.notes.edit import NotWritable, create_new

    try:
        create_new(target, text.encode("utf-8"), vault=root)
    except NotWritable as exc:
        fail(str(exc), 1)
    except FileExistsError:
        fail(f"{shown} exists; not overwritten", 1)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")


def _split_target(target: str) -> tuple[str, int]:
    name, sep, line = target.rpartition(":")
    line = line.strip()
    if not sep or not name or not re.fullmatch(r"[0-9]+", line):
        fail(f"expected NOTE:LINE (e.g. Diary/2024/2024-12-01.md:28), got {target!r}")
    if len(line) > 9:  # int() of 5,000 digits raises; no note has a billion lines either
        fail(f"{name}: line {line[:12]}… is out of range")
    return name, int(line)


def _find_note(name: str, vault: Optional[Path]) -> Path:
    given = Path(name).expanduser()
    if given.is_file():
        return given
    root = vault_path(vault)
    from labnotes.settings.locations import is_sample

    if is_sample(root) and not vault_was_named(vault):
        fail(f"{name}: no such file here, and no vault given: not editing the bundled sample vault "
             "(pass --vault DIR, or --vault sample to edit it)")
    for candidate in (root / name, root / f"{name}.md"):
        if candidate.is_file():
            return candidate
    if given.is_dir():
        fail(f"{name}: is a folder, not a note")
    from labnotes.cli.query import open_index

    rel = open_index(root, quiet=True).find_note(name)
    if rel is None:
        fail(f"{name}: no such note")
    return root / rel


def _vault_of(note: Path, vault: Optional[Path]) -> Path | None:
    """The vault whose settings apply: --vault, else the nearest folder above the note that is a vault."""
    from labnotes.settings.locations import vault_holding

    return vault_path(vault) if vault is not None else vault_holding(note)


@app.command()
def toggle(
    target: str = typer.Argument(..., metavar="NOTE:LINE", help="The note (path or name) and the task's 1-based line."),
    to: Optional[str] = typer.Option(None, "--to", help="Set this status character instead of flipping open/done."),
    vault: Optional[Path] = VaultOption,
) -> None:
    """Flip a task between open and done, or set its status with --to CHAR.

    TARGET is NOTE:LINE, e.g. Diary/2024/2024-12-01.md:28. Only that line changes; the note is written atomically, and not at all if it changed on disk meanwhile (exit 1). A line that is no task is exit 2.
    """
    from labnotes.settings.config import VaultConfig
    from labnotes.notes.edit import EditError, NoteChanged, NotWritable, toggle as toggle_task

    name, line = _split_target(target)
    path = _find_note(name, vault)
    home = _vault_of(path, vault)
    config = _config(home) if home is not None else VaultConfig()
    done_date = dt.date.today() if config.done_date else None
    try:
        result = toggle_task(path, line, to, done_date=done_date, tasks=config.tasks, vault=home)
    except (NoteChanged, NotWritable) as exc:
        fail(str(exc), 1)
    except EditError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{path}: {exc.strerror or exc}")
    if len(result.lines) > 1:
        # The Tasks plugin's toggle of a recurring task: the next occurrence is a new line.
        for i, text in enumerate(result.lines):
            typer.echo(f"{name}:{line + i}: {text.strip()}")
    elif not result.after and result.lines:
        typer.echo(f"{name}:{line}: {result.lines[0].strip()}  (the done line was removed: 🏁 delete; this is its next occurrence)")
    elif not result.after:
        typer.echo(f"{name}:{line}: done and removed (🏁 delete)")
    else:
        typer.echo(f"{name}:{line}: {result.after.strip()}")
