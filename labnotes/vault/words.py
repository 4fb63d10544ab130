"""The pieces of a text that the full-text index keeps (see search.py), for notes and queries alike.

Chinese and Japanese are written without spaces, so a run of those characters gives its
overlapping **pairs** (`梯度爆炸` → `梯度 度爆 爆炸`; a character on its own is kept alone); every
other word gives its overlapping **trigrams** (`partial` → `par art rti tia ial`), so any piece of
three letters or more inside a word is found, as with SQLite's trigram tokenizer. Text is case
folded first. A query's pieces are all in every note that holds the query, so the index narrows
the notes to read and the text itself decides; a query with no piece (one CJK character, words
under three letters) is answered by reading the notes.

Pairs for CJK and trigrams only inside words keep the index a fraction of the trigram
tokenizer's size (a third to a tenth on the vaults measured; bench/bench_index.py).
"""

from __future__ import annotations

import re

# Scripts written without spaces: kana, CJK ideographs (and extension A, compatibility forms), Hangul.
CJK = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# Letters and digits (not `_`: the index's tokenizer splits there).
WORD = re.compile(r"[^\W_]+")


def pieces(text: str) -> set[str]:
    """The distinct pieces of `text` (see the module's docstring)."""
    return _pieces(text, lone_characters=True)


def _pieces(text: str, *, lone_characters: bool) -> set[str]:
    folded = text.casefold()
    out: set[str] = set()
    # Each distinct run and word once: a note repeats most of its words.
    for run in set(CJK.findall(folded)):
        if len(run) > 1:
            out.update(run[i : i + 2] for i in range(len(run) - 1))
        elif lone_characters:
            out.add(run)
    for word in set(WORD.findall(CJK.sub(" ", folded))):
        if len(word) >= 3:
            out.update(word[i : i + 3] for i in range(len(word) - 2))
    return out


def index_text(text: str) -> str:
    """What the full-text table is given for a note: its pieces, space-separated."""
    return " ".join(sorted(pieces(text)))


def query_pieces(query: str) -> list[str]:
    """The pieces every note holding `query` has; a lone CJK character is not one (a note holds
    it inside pairs), so it is left to the text check."""
    return sorted(_pieces(query, lone_characters=False))
