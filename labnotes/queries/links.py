"""Links and backlinks, with what each resolves to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from labnotes.queries.filters import QueryError
from labnotes.vault import VaultIndex
from labnotes.vault.resolve import is_checked, is_external

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


def _rows(idx: VaultIndex, keep: Callable[[str, Any, Any], bool], **only: Any) -> list[LinkRow]:
    out = []
    for rel, link, res in idx.links(**only):
        if not keep(rel, link, res):
            continue
        out.append(
            LinkRow(
                rel, link.line, link.col, link.original, link.target, link.heading, link.block, link.embed,
                link.kind, is_external(link), res.ok, res.rel, res.heading_line, res.block_line,
                res.reason if is_checked(link) else None,
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
    return _rows(
        idx,
        lambda rel, link, res: (only is None or rel == only) and (not unresolved or (not res.ok and is_checked(link))),
        notes=None if only is None else [only],
        unresolved=unresolved,
    )


def backlinks(idx: VaultIndex, note: str) -> list[LinkRow]:
    rel = idx.find_note(note)
    if rel is None:
        raise QueryError(f"no note {note!r} in the vault")
    return _rows(idx, lambda _src, _link, res: res.rel == rel, to=rel)
