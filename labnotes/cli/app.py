"""The Typer app, the options every command shares, and the exit-code conventions.

Exit codes: 0 success, 1 ran but found problems, 2 bad input or usage.
Data goes to stdout; diagnostics and progress to stderr.
"""

from __future__ import annotations

import gc
import importlib
import io
import sys
from pathlib import Path
from typing import Any, NoReturn, Optional, TextIO

import typer

from labnotes.printable import printable
from labnotes.settings.locations import VaultNotFound, resolve_vault

app = typer.Typer(
    name="labnotes",
    help="Your Obsidian lab notebook as a task / experiment graph: browse tasks and debugging "
    "timelines, rerun the experiment behind a log entry, start tomorrow's note.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# One module per command group; each registers its commands on `app` when imported.
COMMAND_MODULES = ("parse", "query", "tasks", "search", "edit", "run", "runs", "bisect", "tui", "taskquery")

VaultOption = typer.Option(
    None,
    "--vault",
    help="Vault folder ('sample': the bundled sample vault). Default: $LABNOTES_VAULT, else the "
    "current folder when it holds .obsidian/ or .labnotes.yaml, else the sample vault, with a notice.",
    show_default=False,
)
JsonOption = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")


def fail(message: str, code: int = 2) -> NoReturn:
    """A one-line error on stderr and the exit code (2 = bad input or usage)."""
    typer.echo(f"labnotes: error: {printable(message, one_line=True)}", err=True)
    raise typer.Exit(code)


def warn(message: str) -> None:
    typer.echo(f"labnotes: warning: {printable(message, one_line=True)}", err=True)


def notice(message: str) -> None:
    typer.echo(f"labnotes: {printable(message, one_line=True)}", err=True)


def say(message: str) -> None:
    """A line of progress or news on stderr, as it is given (`labnotes: annotated …`)."""
    typer.echo(printable(message), err=True)


def vault_path(option: Optional[Path]) -> Path:
    """The vault the options name; outside any vault, the bundled sample vault with a notice."""
    try:
        return resolve_vault(option, notice=notice)
    except VaultNotFound as exc:
        fail(str(exc))


def vault_was_named(option: Optional[Path]) -> bool:
    """Whether the user named the vault (--vault or $LABNOTES_VAULT) rather than labnotes falling back."""
    import os

    return option is not None or bool(os.environ.get("LABNOTES_VAULT"))


def print_json(data: Any) -> None:
    """`data` as JSON on stdout (json.dumps(…, ensure_ascii=False, indent=2, default=str))."""
    from labnotes.cli.jsonout import dumps

    # printable() writes what a terminal would obey as JSON's own \uXXXX escapes: the same JSON.
    sys.stdout.write(printable(dumps(data)) + "\n")


class PrintableStdout(io.TextIOBase):
    """stdout as commands write to it: every write goes through `printable()` first."""

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.raw.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.raw.errors


def _print_version(given: bool) -> None:
    # An eager option's callback runs while the arguments are read, before click asks for a
    # command: in the callback's body `labnotes --version` would only say "Missing command".
    if given:
        from labnotes import __version__

        typer.echo(f"labnotes {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(
        False, "--version", help="Print the labnotes version and exit.", is_eager=True, callback=_print_version
    ),
) -> None:
    """labnotes: your Obsidian lab notebook as a task / experiment graph."""
    # The TUI draws on the terminal itself (and escapes what it shows); every other command's
    # output is filtered.
    if ctx.invoked_subcommand != "tui" and not isinstance(sys.stdout, PrintableStdout):
        sys.stdout = PrintableStdout(sys.stdout)


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(f"labnotes.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"labnotes.cli.{name}":
                raise


_register()


def main() -> None:
    # labnotes allocates notes by the thousand and keeps them to the end; at the default
    # thresholds the cyclic collector kept rescanning them (tasks + timeline over 2,000 cached
    # notes: 2.1 s, 0.7 s with these). Cycles are still collected, less often.
    gc.set_threshold(50_000, 20, 100)
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("labnotes: interrupted", err=True)
        sys.exit(130)
