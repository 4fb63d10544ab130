"""Links and backlinks, with what each resolves to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labnotes.queries.filters import QueryError
from labnotes.vault import VaultIndex
from labnotes.vault.linking import _Link
from labnotes.vault.resolve import is_external

@dataclass(slots=True)
class LinkRow:
    note: str
    line: int
    col: int
    original: str
    target: str
    heading: str | None
    block: str | None
    embed: bool
    kind: str
    external: bool
    ok: bool
    resolved: str | None  # the vault path it reaches
    heading_line: int | None
    block_line: int | None
    reason: str | None


def _rows(idx: VaultIndex, **only: Any) -> list[LinkRow]:
    # Plain rows from the store (no Link object per link): a whole vault lists 100,000s.
    external: dict[tuple[str, str], bool] = {}
    out = []
    for rel, line, col, original, target, heading, block, embed, kind, checked, ok, resolved, hline, bline, reason in idx.link_rows(**only):
        ext = external.get((target, kind))
        if ext is None:
            ext = external[(target, kind)] = is_external(_Link(target, None, None, kind))
        out.append(
            LinkRow(
                rel, line, col, original, target, heading, block, bool(embed), kind, ext, bool(ok), resolved,
                hline, bline, reason if checked else None,
            )
        )  # fmt: skip
    return out


def links(idx: VaultIndex, *, unresolved: bool = False, note: str | None = None) -> list[LinkRow]:
    """Every link, or with `unresolved` those into the vault that reach nothing (or a missing anchor)."""
    only = None
    if note:
        only = idx.find_note(note)
        if only is None:
            raise QueryError(f"no note {note!r} in the vault")
    return _rows(idx, notes=None if only is None else [only], unresolved=unresolved)


def backlinks(idx: VaultIndex, note: str) -> list[LinkRow]:
    rel = idx.find_note(note)
    if rel is None:
        raise QueryError(f"no note {note!r} in the vault")
    return _rows(idx, to=rel)
