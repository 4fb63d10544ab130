"""A vault's notes and facts as the store holds them: `idx.notes` (each note parsed from its file
when first read) and `idx.facts` (one note's counts, links and anchors, read part by part)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any, TypeVar

from labnotes.parse.model import Link, Note
from labnotes.vault.reading import NoteRow, Reader


V = TypeVar("V")


class _ByNote(Mapping[str, V]):
    """A read-only mapping with one value per stored note: its keys are the store's note rows."""

    _rows: Mapping[str, Any]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, rel: object) -> bool:
        return rel in self._rows


class NoteStore(_ByNote[Note]):
    """`idx.notes`: a read-only mapping whose notes are parsed from their files when first read."""

    def __init__(self, reader: Reader, rows: dict[str, NoteRow], reparse: Callable[[str], Note | None]) -> None:
        self._reader = reader
        self._rows = rows
        self._loaded: dict[str, Note] = {}
        self._reparse = reparse

    def __getitem__(self, rel: str) -> Note:
        note = self._loaded.get(rel)
        if note is not None:
            return note
        if rel not in self._rows:
            raise KeyError(rel)
        # The store keeps what queries need, not whole notes: a whole note is parsed from its
        # file (a few ms; always what the file says now).
        note = self._reparse(rel)
        if note is None:
            raise KeyError(rel)
        self._loaded[rel] = note
        return note

    def close(self) -> None:
        self._reader.conn.close()


class StoredFacts:
    """One note's facts (see facts.NoteFacts), read from the store part by part as asked for."""

    def __init__(self, reader: Reader, row: NoteRow) -> None:
        self._reader = reader
        self._row = row
        self.day = row.day
        self.tasks = row.tasks
        self.open_tasks = row.open_tasks
        self.entries = row.entries

    @cached_property
    def aliases(self) -> tuple[str, ...]:
        return self._reader.aliases_of(self._row.id)

    @cached_property
    def _anchors(self) -> tuple[tuple, tuple]:
        return self._reader.anchors_of(self._row.id)

    @property
    def headings(self) -> tuple[tuple[int, int, str], ...]:
        return self._anchors[0]

    @property
    def blocks(self) -> tuple[tuple[int, str], ...]:
        return self._anchors[1]

    @cached_property
    def links(self) -> tuple[tuple[Any, ...], ...]:
        return tuple(
            (x.line, x.col, x.original, x.target, x.heading, x.block, x.alias, x.embed, x.kind, x.size)
            for x in self._reader.part_of("links", self._row.id)
        )

    @cached_property
    def warnings(self) -> tuple[tuple[int, str], ...]:
        return tuple((w.line, w.message) for w in self._reader.part_of("warnings", self._row.id))

    @cached_property
    def metrics(self) -> dict[str, Any]:
        return self._reader.metrics_of(self._row.id)

    def link_objects(self) -> list[Link]:
        return self._reader.part_of("links", self._row.id)


class FactsMap(_ByNote["StoredFacts"]):
    """`idx.facts`: per-note facts without rebuilding notes; each read from the store when asked."""

    def __init__(self, reader: Reader, rows: dict[str, NoteRow]) -> None:
        self._reader = reader
        self._rows = rows
        self._made: dict[str, StoredFacts] = {}

    def __getitem__(self, rel: str) -> StoredFacts:
        facts = self._made.get(rel)
        if facts is None:
            facts = self._made[rel] = StoredFacts(self._reader, self._rows[rel])
        return facts


class Anchors(_ByNote["StoredFacts"]):
    """The anchors (headings, blocks) of each note, for the resolver, read only for notes reached."""

    def __init__(self, facts: FactsMap) -> None:
        self._rows = facts

    def __getitem__(self, rel: str) -> StoredFacts:
        return self._rows[rel]
