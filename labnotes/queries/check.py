"""`labnotes check`: what in the vault is broken or contradicts itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from labnotes.parse.model import Entry
from labnotes.vault import VaultIndex
from labnotes.vault.resolve import is_checked

@dataclass(slots=True)
class Finding:
    kind: str  # unresolved-link, unresolved-anchor, weekday, out-of-order, duplicate-id, file
    note: str
    line: int
    message: str


def _links_ahead(idx: VaultIndex, rel: str, target: str) -> bool:
    """A link to the daily note of a later day than its own (the template's 明天 link): a note
    not written yet, not a broken link."""
    target_day, day = idx.config.day_in(target), idx.note_day(rel)
    return target_day is not None and day is not None and target_day > day


def check(idx: VaultIndex) -> list[Finding]:
    found: list[Finding] = []
    for rel, link, res in idx.links():
        if res.ok or not is_checked(link) or idx.is_template(rel):
            continue
        if res.rel is None and _links_ahead(idx, rel, link.target):
            continue
        kind = "unresolved-anchor" if res.rel is not None else "unresolved-link"
        found.append(Finding(kind, rel, link.line, f"{link.original}: {res.reason}"))
    seen: dict[str, tuple[str, int]] = {}
    for rel in idx.content_notes():
        for line, message in idx.facts[rel].warnings:
            # Weekday contradictions are reported below with their entry; the rest (an impossible
            # stamp, broken front matter, lists too deep to read) only the parser saw.
            if not message.startswith("weekday "):
                found.append(Finding("parse", rel, line, message))
        if not idx.facts[rel].entries:
            continue
        entries = idx.notes[rel].entries
        for e in entries:
            if not e.weekday_ok:
                found.append(Finding("weekday", rel, e.line, f"{e.weekday} does not fall on {e.timestamp[:10]}"))
            if e.id in seen:
                first = seen[e.id]
                found.append(Finding("duplicate-id", rel, e.line, f"entry id {e.id} also at {first[0]}:{first[1]}"))
            else:
                seen[e.id] = (rel, e.line)
        found.extend(_out_of_order(rel, entries))
    found.extend(
        Finding("file", p.rel, p.line, p.message) for p in idx.problems if p.rel and p.rel not in idx.facts
    )
    found.sort(key=lambda f: (f.note, f.line, f.kind))
    return found


def _out_of_order(rel: str, entries: Iterable[Entry]) -> list[Finding]:
    last: dict[int | None, Entry] = {}
    out = []
    for e in sorted(entries, key=lambda e: e.line):
        prev = last.get(e.thread_line)
        if prev is not None and e.timestamp < prev.timestamp:
            out.append(
                Finding("out-of-order", rel, e.line, f"{e.timestamp} comes after {prev.timestamp} (line {prev.line}) in the same thread")
            )
        if prev is None or e.timestamp >= prev.timestamp:
            last[e.thread_line] = e
    return out
