"""What the index must know of a note without unpickling it: its day, names, anchors, links, counts.

A warm start loads only these (plain tuples, read with `marshal`); the full `Note` is read from the
cache when a query asks for it. Resolving links and counting needs nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from labnotes.parse.model import Link, Note

OPEN = " "


@dataclass(slots=True)
class NoteFacts:
    day: str | None
    aliases: tuple[str, ...]
    headings: tuple[tuple[int, int, str], ...]  # (line, level, text)
    blocks: tuple[tuple[int, str], ...]  # (line, id)
    links: tuple[tuple[Any, ...], ...]  # Link fields, in field order
    tasks: int
    open_tasks: int
    entries: int
    warnings: tuple[tuple[int, str, str], ...]  # (line, message, code): see parse.model.WARNING_CODES
    metrics: dict[str, Any]  # the life-table row; values kept to what marshal can store

    @classmethod
    def of(cls, note: Note) -> "NoteFacts":
        # Empty template placeholders (`1. [ ] `) are no tasks anyone has to do.
        tasks = [i.task for i in note.list_items if i.task is not None and i.text]
        return cls(
            day=note.date,
            aliases=aliases_of(note.frontmatter),
            headings=tuple((h.line, h.level, h.text) for h in note.headings),
            blocks=tuple((b.line, b.id) for b in note.block_ids),
            links=tuple(
                (x.line, x.col, x.original, x.target, x.heading, x.block, x.alias, x.embed, x.kind, x.size, x.key)
                for x in note.links
            ),
            tasks=len(tasks),
            open_tasks=sum(1 for t in tasks if t == OPEN),
            entries=len(note.entries),
            warnings=tuple((w.line, w.message, w.code) for w in note.warnings),
            metrics={str(k): _plain(v) for k, v in note.metrics.items()},
        )

    def to_tuple(self) -> tuple[Any, ...]:
        return (
            self.day, self.aliases, self.headings, self.blocks, self.links,
            self.tasks, self.open_tasks, self.entries, self.warnings, self.metrics,
        )  # fmt: skip

    @classmethod
    def from_tuple(cls, data: tuple[Any, ...]) -> "NoteFacts":
        return cls(*data)

    def link_objects(self) -> list[Link]:
        return [Link(*t) for t in self.links]


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def aliases_of(frontmatter: dict[str, Any] | None) -> tuple[str, ...]:
    """`aliases:` (a list or one string, as Obsidian accepts) and the older `alias:`."""
    if not frontmatter:
        return ()
    found: list[str] = []
    for key in ("aliases", "alias"):
        value = frontmatter.get(key)
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",")] if key == "alias" else [value]
        if isinstance(value, (list, tuple)):
            found.extend(str(v).strip() for v in value if v is not None and str(v).strip())
    return tuple(dict.fromkeys(found))
