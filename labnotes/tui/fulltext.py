"""Full-text search for the UI: every line of every note holding all the query's words.

The store's full-text index answers when the vault has one (`VaultIndex.search`, the store
engineer's FTS5 table); until then the notes are read here, newest first, and the search stops
at `limit` lines, so a common word answers from the first notes. Runs in a worker thread.
"""

from __future__ import annotations

from typing import Callable

from labnotes.tui.finder import Place

LIMIT = 200


def search(index, query: str, *, limit: int = LIMIT, cancelled: Callable[[], bool] = lambda: False) -> list[Place]:
    words = query.casefold().split()
    if not words:
        return []
    store_search = getattr(index, "search", None)
    if callable(store_search):  # the store's FTS5 index, once it has landed
        return [Place("line", hit.snippet, hit.note, hit.line, _name(hit.note)) for hit in store_search(query, limit=limit)]
    from labnotes.tui.data import note_order

    out: list[Place] = []
    for rel in note_order(index, set(index.notes)):
        if cancelled():
            break
        try:
            text = (index.vault / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        folded = text.casefold()
        if not all(w in folded for w in words):
            continue
        for n, line in enumerate(text.split("\n"), 1):
            low = line.casefold()
            if all(w in low for w in words):
                out.append(Place("line", line.strip(), rel, n, _name(rel)))
                if len(out) >= limit:
                    return out
    return out


def _name(rel: str) -> str:
    return rel.rsplit("/", 1)[-1].removesuffix(".md")
