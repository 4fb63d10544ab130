"""`labnotes search QUERY`: every line of the vault that holds some text, best notes first."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json
from labnotes.cli.jsonout import flat


@app.command()
def search(
    words: list[str] = typer.Argument(
        ...,
        help="Words to find on one line, in any order; an argument with spaces (quoted in the shell) is a phrase, as written. Case is ignored; Chinese works too.",
        show_default=False,
        metavar="WORDS",
    ),
    vault: Optional[Path] = VaultOption,
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many lines."),
    json: bool = JsonOption,
) -> None:
    """Search the text of every note: note, line and a snippet for each line that holds WORDS.

    `labnotes search sum_mask in_mask` finds the lines with both words, in any order.
    `labnotes search "aliased kernel"` finds the phrase.
    Notes with more matching lines come first, then newer days.
    """
    from labnotes.cli.query import count, open_index
    from labnotes.vault.search import SearchError, search as run_search

    idx = open_index(vault)
    try:
        hits = run_search(idx, " ".join(_phrase(w) for w in words), limit=limit + 1)
    except SearchError as exc:
        fail(str(exc))
    more = len(hits) > limit
    hits = hits[:limit]
    if json:
        print_json([flat(h) for h in hits])
        return
    for h in hits:
        typer.echo(f"{h.note}:{h.line}  {h.snippet}")
    tail = f" (the first {limit}; --limit shows more)" if more else ""
    typer.echo(f"{count(len(hits), 'line')} in {count(len({h.note for h in hits}), 'note')}{tail}", err=True)


def _phrase(arg: str) -> str:
    """An argument the shell kept whole because it was quoted is searched as a phrase."""
    return f'"{arg}"' if len(arg.split()) > 1 and '"' not in arg else arg
