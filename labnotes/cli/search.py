"""`labnotes search QUERY`: every line of the vault that holds some text, best notes first."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json


@app.command()
def search(
    query: str = typer.Argument(..., help="The text to find, as written (case ignored; Chinese works too).", show_default=False),
    vault: Optional[Path] = VaultOption,
    limit: int = typer.Option(50, "--limit", min=1, help="Show at most this many lines."),
    json: bool = JsonOption,
) -> None:
    """Search the text of every note: note, line and a snippet for each line that holds QUERY.

    Notes with more matching lines come first, then newer days. The index is FTS5 with the
    trigram tokenizer; a query of one or two characters is answered by reading the notes.
    """
    from labnotes.cli.query import count, open_index
    from labnotes.vault.search import SearchError, search as run_search

    idx = open_index(vault)
    try:
        hits = run_search(idx, query, limit=limit + 1)
    except SearchError as exc:
        fail(str(exc))
    more = len(hits) > limit
    hits = hits[:limit]
    if json:
        print_json([asdict(h) for h in hits])
        return
    for h in hits:
        typer.echo(f"{h.note}:{h.line}  {h.snippet}")
    tail = f" (the first {limit}; --limit shows more)" if more else ""
    typer.echo(f"{count(len(hits), 'line')} in {count(len({h.note for h in hits}), 'note')}{tail}", err=True)
