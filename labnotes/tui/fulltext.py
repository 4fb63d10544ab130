"""Full-text search for the UI: every line of every note holding all the query's words.

The store's full-text index answers (`VaultIndex.search`: words ANDed on a line, "a phrase" as
written) whenever the query has a piece it can look up. A query with none (one or two letters,
a lone Chinese character) would make the store read every note before answering; here the
newest SHORT_NOTES notes are read instead, newest first, stopping at `limit` lines, so a short
word typed on the way to a longer one answers at once (the status line says how far it looked).
Runs in a worker thread.
"""

from __future__ import annotations

from typing import Callable

from labnotes.tui.finder import Place

LIMIT = 200
# How many of the newest notes a query too short for the store's index reads.
SHORT_NOTES = 200


def search(index, query: str, *, limit: int = LIMIT, cancelled: Callable[[], bool] = lambda: False) -> list[Place]:
    from labnotes.vault.search import pieces, terms

    wanted = terms(query)
    if not wanted:
        return []
    if pieces(" ".join(wanted)):
        return [Place("line", hit.snippet, hit.note, hit.line, _name(hit.note)) for hit in index.search(query, limit=limit)]
    return newest_first(index, wanted, limit=limit, cancelled=cancelled, notes=SHORT_NOTES)


def said(query: str) -> str:
    """The search screen's status: how far a short query looked."""
    from labnotes.vault.search import pieces, terms

    wanted = terms(query)
    if not wanted or pieces(" ".join(wanted)):
        return ""
    return f"a short word: the newest {SHORT_NOTES} notes searched (3 letters or 2 Chinese characters search every note)"


def newest_first(index, wanted: list[str], *, limit: int, cancelled: Callable[[], bool], notes: int | None = None) -> list[Place]:
    """Lines holding every term, reading the notes newest first (through the guarded open), the
    first `notes` of them when given."""
    from labnotes.fs.guard import UnsafeFile, read_regular
    from labnotes.parse.files import NoteError, decode_text
    from labnotes.tui.data import note_order
    from labnotes.vault.rows import note_lines
    from labnotes.vault.search import snippet

    out: list[Place] = []
    for rel in note_order(index, set(index.notes))[:notes]:
        if cancelled():
            break
        try:
            data, _ = read_regular(index.vault / rel, inside=str(index.vault))
            text = decode_text(data, rel)
        except (OSError, UnsafeFile, NoteError):
            continue
        if not all(w in text.casefold() for w in wanted):
            continue
        for n, line in enumerate(note_lines(text), 1):
            low = line.casefold()
            if all(w in low for w in wanted):
                shown = line if len(low) == len(line) else low
                out.append(Place("line", snippet(shown, low.find(wanted[0]), len(wanted[0])), rel, n, _name(rel)))
                if len(out) >= limit:
                    return out
    return out


def _name(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".md")
