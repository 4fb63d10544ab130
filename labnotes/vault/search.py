"""Full-text search over every line of every note: `search(idx, "梯度") -> [Hit]`.

The store keeps an FTS5 table of each note's pieces (labnotes.vault.words): pairs of characters
for Chinese and Japanese, which need no word breaks, and trigrams inside every other word, so
Chinese, Japanese and English are searched alike, case-insensitively, for any part of a word.
The table is contentless: it says which notes hold every piece of the query; those notes are
then read (through the guarded open) to find the lines that really hold the query and cut the
snippets. So the store stays small, and a hit is always what the file says now.

A query with no piece to look up (a single Chinese character, words shorter than three letters)
is answered by reading the notes' text (all of it, so slower on a large vault) — the same
results, just not from the index.

Ranking: notes with more matching lines first, then the newer day, then the path; lines in file
order within a note. With a limit, candidate notes are read newest first until the limit is
reached, so the ranking is among the notes read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from labnotes.fs.guard import UnsafeFile
from labnotes.vault.rows import note_lines
from labnotes.vault.words import query_pieces

if TYPE_CHECKING:
    from labnotes.vault.index import VaultIndex

SNIPPET = 100  # characters of context shown around the first match
MAX_NOTE_BYTES = 64 * 1024 * 1024
# Enough pieces to find the lines; the match itself is checked on the text.
MAX_PIECES = 16


class SearchError(ValueError):
    """A query that cannot be searched; the message says why."""


@dataclass(slots=True)
class Hit:
    note: str
    line: int
    snippet: str  # the line, cut to about SNIPPET characters around the first match
    matches: int  # times the query occurs in the line
    day: str | None


def pieces(query: str) -> list[str]:
    """The query's pieces (at most MAX_PIECES, spread over it) as FTS5 strings."""
    grams = query_pieces(query)
    if len(grams) > MAX_PIECES:
        step = (len(grams) - 1) / (MAX_PIECES - 1)
        grams = [grams[round(i * step)] for i in range(MAX_PIECES)]
    return ['"' + g.replace('"', '""') + '"' for g in grams]


def snippet(line: str, at: int, length: int) -> str:
    text = line.strip()
    at = max(0, at - (len(line) - len(line.lstrip())))
    if len(text) <= SNIPPET:
        return text
    start = max(0, min(at - SNIPPET // 3, len(text) - SNIPPET))
    cut = text[start : start + SNIPPET]
    return ("…" if start else "") + cut + ("…" if start + SNIPPET < len(text) else "")


def terms(query: str) -> list[str]:
    """The query's terms, case folded: its words, and "quoted phrases" kept whole, as in
    Obsidian's search (`sum_mask in_mask` finds lines with both words, in any order)."""
    out: list[str] = []
    for m in _TERM.finditer(query):
        phrase = m.group(1) if m.group(1) is not None else m.group(2)
        phrase = " ".join(phrase.split()).casefold()
        if phrase and phrase not in out:
            out.append(phrase)
    return out


_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def search(idx: "VaultIndex", query: str, *, limit: int | None = 50) -> list[Hit]:
    """Lines holding every word of `query` (case-insensitive; "quoted phrases" as written),
    best notes first."""
    wanted = terms(query)
    if not wanted:
        raise SearchError("empty search: give some text to look for")
    looked_up = pieces(" ".join(wanted))
    candidates = _candidates(idx, looked_up) if looked_up else list(idx.notes)
    found: list[tuple[str, list[Hit]]] = []
    total = 0
    for rel in candidates:
        hits = list(_verify(idx, rel, wanted))
        if hits:
            found.append((rel, hits))
            total += len(hits)
            if limit is not None and total >= limit and looked_up:
                break
    # Stable sorts, last key first: more lines, then the newer day (undated last), then path.
    found.sort(key=lambda pair: pair[0])
    found.sort(key=lambda pair: pair[1][0].day or "", reverse=True)
    found.sort(key=lambda pair: len(pair[1]), reverse=True)
    out = [h for _, hits in found for h in hits]
    return out if limit is None else out[:limit]


def _candidates(idx: "VaultIndex", looked_up: list[str]) -> list[str]:
    """Notes that hold every piece looked up, newest first (undated last), then by path."""
    rows = idx.store.conn.execute(
        "SELECT n.path, n.day FROM note_text t JOIN notes n ON n.text_rowid = t.rowid WHERE note_text MATCH ?",
        (" AND ".join(looked_up),),
    ).fetchall()
    rows.sort(key=lambda r: r[0])
    rows.sort(key=lambda r: r[1] or "", reverse=True)
    return [r[0] for r in rows]


def _verify(idx: "VaultIndex", rel: str, wanted: list[str]) -> Iterator[Hit]:
    from labnotes.fs.guard import read_regular
    from labnotes.parse.files import NoteError, decode_text

    try:
        data, _ = read_regular(idx.vault / rel, inside=str(idx.vault), max_bytes=MAX_NOTE_BYTES)
        text = decode_text(data, rel)
    except (OSError, UnsafeFile, NoteError):
        return
    whole = text.casefold()
    if not all(term in whole for term in wanted):
        return
    day = idx.facts[rel].day if rel in idx.facts else None
    first = wanted[0]
    for number, line in enumerate(note_lines(text), 1):
        low = line.casefold()
        if not all(term in low for term in wanted):
            continue
        at = low.find(first)
        # casefold can change a line's length (ß → ss): the snippet is cut on the folded offsets.
        shown = line if len(low) == len(line) else low
        yield Hit(rel, number, snippet(shown, at, len(first)), sum(low.count(t) for t in wanted), day)
