"""What a vault holds, in counts: the figures `labnotes index` prints."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from labnotes.vault import VaultIndex


def summary(idx: VaultIndex) -> dict[str, Any]:
    """The counts `labnotes index` prints."""
    links, unresolved = idx.reader.link_counts()
    # The counts `labnotes tasks` and `timeline` list: the template's tasks are no one's to do.
    content = [idx.facts[rel] for rel in idx.content_notes()]
    return {
        "vault": str(idx.vault),
        "notes": len(idx.facts),
        "tasks": sum(f.tasks for f in content),
        "open_tasks": sum(f.open_tasks for f in content),
        "entries": sum(f.entries for f in content),
        "links": links,
        "unresolved_links": unresolved,
        "attachments": len(idx.attachments),
        "warnings": len(idx.problems),
        "parsed": idx.stats.parsed,
        "seconds": round(idx.stats.seconds, 3),
    }
