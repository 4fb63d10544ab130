"""Stored link resolution, redone only for the links whose target could have changed.

A link is looked at again when it was never resolved, when a note, attachment or alias of its
name key (resolve.link_key) came, went or was re-parsed, or when the note it reached changed
(its headings and blocks may have moved). Every other link keeps what the store says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from labnotes.vault.index import VaultIndex


@dataclass(slots=True)
class _Link:  # what resolve.LinkLike asks of a link
    target: str
    heading: str | None
    block: str | None
    kind: str


def resolve_again(idx: "VaultIndex", keys: Iterable[str], paths: Iterable[str]) -> int:
    """Resolve the links that `keys` and `paths` could change; returns how many were redone."""
    resolver = idx.resolver
    store = idx.store
    with store.write() as conn:
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched_keys (key TEXT PRIMARY KEY)")
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched_paths (path TEXT PRIMARY KEY)")
        conn.execute("DELETE FROM temp.touched_keys")
        conn.execute("DELETE FROM temp.touched_paths")
        conn.executemany("INSERT OR IGNORE INTO temp.touched_keys VALUES (?)", [(k,) for k in keys])
        conn.executemany("INSERT OR IGNORE INTO temp.touched_paths VALUES (?)", [(p,) for p in paths])
        rows = conn.execute(
            "SELECT l.note_id, l.seq, n.path, l.target, l.heading, l.block, l.kind FROM links l"
            " JOIN notes n ON n.id = l.note_id"
            " WHERE l.ok IS NULL OR l.key IN (SELECT key FROM temp.touched_keys)"
            " OR l.resolved IN (SELECT path FROM temp.touched_paths)"
        ).fetchall()
        updates = []
        for note_id, seq, rel, target, heading, block, kind in rows:
            res = resolver.resolve(_Link(target, heading, block, kind), rel)
            updates.append((res.rel, res.heading_line, res.block_line, int(res.ok), res.reason, res.via, note_id, seq))
        conn.executemany(
            "UPDATE links SET resolved = ?, heading_line = ?, block_line = ?, ok = ?, reason = ?, via = ?"
            " WHERE note_id = ? AND seq = ?",
            updates,
        )
    return len(updates)
