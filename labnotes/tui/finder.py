"""What the quick switcher finds: notes by name, alias and path, headings, tasks and entries.

Built once per vault read, off the UI thread; each keystroke is then a scan of one casefolded
string per kind, in C (`str.find`, one compiled regex), never a Python loop over every item:
that is what keeps a keystroke under 0.2 s on a 10,000-note vault (650,000 places).

- Notes and headings match fuzzily (the query's characters in order, `pocgen` finds
  `PartialOct gen`), tasks and entries by every word of the query as a substring: a fuzzy match
  over half a million log lines finds everything and means nothing.
- Better matches first: a whole-word or prefix match before a match inside a word, a note before
  a heading before a task before an entry, the newest note first, the shorter label first.
Imports no Textual.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Iterable, Iterator

from labnotes.queries.text import plain

KINDS = ("note", "heading", "task", "entry")
FUZZY_KINDS = ("note", "heading")
# Matches gathered per kind before ranking: enough to rank well, few enough to stay instant.
GATHER = 300


@dataclass(frozen=True, slots=True)
class Place:
    kind: str  # one of KINDS
    label: str  # what the row shows: a note's name, a heading's text, a task's or entry's text
    rel: str
    line: int
    detail: str = ""  # the path, an alias that matched, a stamp: shown dim after the label


class _Column:
    """One kind's places and their search text, newline-joined."""

    def __init__(self, places: list[Place], keys: list[str]) -> None:
        self.places = places
        self.hay = "\n".join(keys) + "\n"
        self.starts: list[int] = []
        pos = 0
        for key in keys:
            self.starts.append(pos)
            pos += len(key) + 1

    def item_at(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def substring(self, word: str, others: list[str], limit: int) -> Iterator[tuple[int, int]]:
        """(item, position) of items holding `word` and every one of `others`."""
        hay, found, pos = self.hay, 0, 0
        while found < limit:
            at = hay.find(word, pos)
            if at < 0:
                return
            i = self.item_at(at)
            end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(hay) - 1
            line = hay[self.starts[i] : end]
            if all(o in line for o in others):
                found += 1
                yield i, at - self.starts[i]
            pos = end + 1

    def fuzzy(self, pattern: re.Pattern[str], limit: int) -> Iterator[tuple[int, int, int]]:
        """(item, position, spread) of items holding the query's characters in order."""
        pos, found = 0, 0
        while found < limit:
            m = pattern.search(self.hay, pos)
            if m is None:
                return
            i = self.item_at(m.start())
            found += 1
            yield i, m.start(1) - self.starts[i], m.end() - m.start(1)
            end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.hay)
            pos = end


class Finder:
    def __init__(self, places: Iterable[Place]) -> None:
        by_kind: dict[str, list[Place]] = {k: [] for k in KINDS}
        for p in places:
            by_kind[p.kind].append(p)
        self.columns = {k: _Column(v, [_key(p) for p in v]) for k, v in by_kind.items()}
        self.size = sum(len(v) for v in by_kind.values())

    def find(self, query: str, limit: int = 50) -> list[Place]:
        words = query.casefold().split()
        if not words:
            return self.columns["note"].places[:limit]
        scored: list[tuple[tuple, Place]] = []
        longest = max(words, key=len)
        others = [w for w in words if w is not longest]
        for rank, kind in enumerate(KINDS):
            col = self.columns[kind]
            seen: set[int] = set()
            for i, at in col.substring(longest, others, GATHER):
                seen.add(i)
                word_start = at == 0 or not col.hay[col.starts[i] + at - 1].isalnum()
                scored.append(((0, not word_start, rank, at, len(col.places[i].label), i), col.places[i]))
            if kind in FUZZY_KINDS and len(seen) < GATHER:
                pattern = _fuzzy("".join(words))
                for i, at, spread in col.fuzzy(pattern, GATHER):
                    if i not in seen:
                        scored.append(((1, spread, rank, at, len(col.places[i].label), i), col.places[i]))
        scored.sort(key=lambda sp: sp[0])
        return [p for _, p in scored[:limit]]


def _key(p: Place) -> str:
    """The text a place is found by: its label, a tab, then its path, aliases or note name."""
    return f"{p.label}\t{p.detail}".casefold().replace("\n", " ")


def _fuzzy(chars: str) -> re.Pattern[str]:
    # Within the label only (before the tab): a long path holds almost any letters in order.
    # `^[^\t\n]*?(a)[^\t\n]*?b[^\t\n]*?c`
    gap = r"[^\t\n]*?"
    first, rest = re.escape(chars[0]), [re.escape(c) for c in chars[1:]]
    return re.compile(rf"^{gap}({first})" + "".join(gap + c for c in rest), re.MULTILINE)


def places(index) -> list[Place]:
    """Every place of a vault: notes newest first (with aliases and path), then headings, tasks
    (each once, at the line it lives on now) and entries in the same note order.

    Read from the index store's rows (a few SELECTs), never by parsing the notes: on 10,000
    notes a parse of each would take minutes."""
    from labnotes.queries.tasks import task_book
    from labnotes.tui.data import note_order

    rels = note_order(index, set(index.notes))
    rank = {rel: n for n, rel in enumerate(rels)}
    names = {rel: rel.rsplit("/", 1)[-1].removesuffix(".md") for rel in rels}
    aliases = index.aliases()
    out: list[Place] = []
    for rel in rels:
        said = aliases.get(rel)
        out.append(Place("note", names[rel], rel, 1, rel + ("  " + " · ".join(str(a) for a in said) if said else "")))
    found: list[tuple[int, int, Place]] = []
    for rel, line, _level, text in index.headings():
        if rel in rank:
            found.append((rank[rel], line, Place("heading", plain(text), rel, line, names[rel])))
    for t in task_book(index).real():
        o = t.latest
        if o.note in rank and t.text.strip():
            found.append((rank[o.note], o.line, Place("task", plain(t.text), o.note, o.line, names[o.note])))
    for rel, e in index.entries():
        if rel in rank:
            found.append((rank[rel], e.line, Place("entry", plain(e.text), rel, e.line, f"{names[rel]} {e.timestamp.replace('T', ' ')}")))
    found.sort(key=lambda x: (x[0], x[1]))
    out.extend(p for _, _, p in found)
    return out
