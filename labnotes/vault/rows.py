"""A parsed note as rows of the store, and back (the tables are in docs/schema.md).

The rows hold what the queries read, not the whole note (plain list items are left out; each
task keeps its place in the task tree). A whole note is parsed from its file when asked for.

Each part of the model (a heading, a list item, an entry …) is one row. The columns are the
dataclass's fields as they were when the schema was written; a field someone adds later to the
model (an id, a due date, a priority) goes into the row's `extra` JSON object, so the store
keeps it and gives it back without a schema change, until it earns a column of its own.
Lists and mappings are JSON text; True/False are 1/0.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from typing import Any, Iterable

from labnotes.parse.model import (
    BlockId,
    Cell,
    Entry,
    Field,
    Heading,
    Highlight,
    Link,
    ListItem,
    Note,
    ParseWarning,
    Strike,
    Table,
    Tag,
)
from labnotes.vault.facts import OPEN, aliases_of
from labnotes.vault.resolve import is_checked, link_key


@dataclasses.dataclass(frozen=True)
class Part:
    """One table: the model class it holds, the Note attribute, and its stored columns."""

    table: str
    cls: type
    attr: str
    columns: tuple[str, ...]  # model fields stored as columns, in order; the rest go to `extra`
    json_columns: frozenset[str] = frozenset()
    bool_columns: frozenset[str] = frozenset()

    def extra_fields(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self.cls) if f.name not in self.columns]


PARTS: tuple[Part, ...] = (
    Part("headings", Heading, "headings", ("line", "level", "text")),
    # Task items only: a plain list item's words are most of a note, and no query reads them.
    Part(
        "tasks", ListItem, "list_items",
        ("line", "parent_line", "task", "text", "section", "end_line", "marker", "depth", "struck"),
        frozenset({"section"}), frozenset({"struck"}),
    ),
    Part(
        "entries", Entry, "entries",
        ("id", "line", "col", "timestamp", "end", "weekday", "weekday_ok", "struck", "text", "parent_line",
         "item_line", "thread_line", "end_line", "section", "highlights"),
        frozenset({"section", "highlights"}), frozenset({"weekday_ok", "struck"}),
    ),
    Part(
        "links", Link, "links",
        ("line", "col", "original", "target", "heading", "block", "alias", "embed", "kind", "size"),
        frozenset(), frozenset({"embed"}),
    ),
    Part("note_tables", Table, "tables", ("line", "header", "rows", "section"), frozenset({"header", "rows", "section"})),
    Part("tags", Tag, "tags", ("line", "col", "tag")),
    Part("highlights", Highlight, "highlights", ("line", "col", "text", "color")),
    Part("strikes", Strike, "strikes", ("line", "col", "text")),
    Part("fields", Field, "fields", ("line", "key", "value")),
    Part("blocks", BlockId, "block_ids", ("line", "id")),
    Part("warnings", ParseWarning, "warnings", ("line", "message")),
)
PART = {p.table: p for p in PARTS}

# Column names that SQL keeps for itself are stored under another name.
RENAMED = {"end": "end_time", "id": "entry_id"}


def column_name(part: Part, field: str) -> str:
    if part.table == "blocks" and field == "id":
        return "block"
    return RENAMED.get(field, field)


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def row_of(part: Part, obj: Any, extra_names: list[str]) -> tuple[Any, ...]:
    out: list[Any] = []
    for name in part.columns:
        value = getattr(obj, name)
        if name in part.json_columns:
            value = _dump(_plain(value))
        elif name in part.bool_columns:
            value = int(bool(value))
        out.append(value)
    if extra_names:
        extra = {n: _plain(getattr(obj, n)) for n in extra_names}
        out.append(_dump(extra) if any(v not in (None, [], {}, "", False) for v in extra.values()) else None)
    else:
        out.append(None)
    return tuple(out)


def _cells(rows: list[list[dict[str, Any]]]) -> list[list[Cell]]:
    return [[Cell(**c) for c in row] for row in rows]


def obj_of(part: Part, row: Iterable[Any]) -> Any:
    """The model object of one stored row (columns in `part.columns` order, then `extra`)."""
    values = list(row)
    kwargs: dict[str, Any] = {}
    for name, value in zip(part.columns, values):
        if name in part.json_columns and value is not None:
            value = json.loads(value)
        elif name in part.bool_columns:
            value = bool(value)
        kwargs[name] = value
    if part.cls is Table:
        kwargs["rows"] = _cells(kwargs["rows"])
    extra = values[len(part.columns)] if len(values) > len(part.columns) else None
    if extra:
        hints = _hints(part.cls)
        kwargs.update({k: _revive(hints[k], v) for k, v in json.loads(extra).items() if k in hints})
    return part.cls(**kwargs)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _revive(hint: Any, value: Any) -> Any:
    """A JSON value back as the field's type: a mapping becomes the dataclass the hint names."""
    if isinstance(value, dict):
        for candidate in (hint, *typing.get_args(hint)):
            if dataclasses.is_dataclass(candidate):
                inner = _hints(candidate)  # type: ignore[arg-type]
                return candidate(**{k: _revive(inner[k], v) for k, v in value.items() if k in inner})
    return value


@dataclasses.dataclass(slots=True)
class NoteRows:
    """Everything the store keeps of one note, ready to insert (no note id yet)."""

    day: str | None
    frontmatter: str | None
    line_count: int
    tasks: int
    open_tasks: int
    entries: int
    metrics: str
    aliases: list[str]
    parts: dict[str, list[tuple[Any, ...]]]
    derived: dict[str, list[tuple[Any, ...]]]  # per table in DERIVED: its derived columns, row by row
    lines: list[str]  # the note's text, line by line, for full-text search


def note_rows(note: Note, text: str) -> NoteRows:
    # Empty template placeholders (`1. [ ] `) are no tasks anyone has to do.
    counted = [i.task for i in note.list_items if i.task is not None and i.text]
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for part in PARTS:
        extra = part.extra_fields()
        parts[part.table] = [row_of(part, obj, extra) for obj in getattr(note, part.attr)]
    tasks = [i.task is not None for i in note.list_items]
    parts["tasks"] = [row for row, keep in zip(parts["tasks"], tasks) if keep]
    return NoteRows(
        day=note.date,
        frontmatter=None if note.frontmatter is None else _dump(note.frontmatter),
        line_count=note.line_count,
        tasks=len(counted),
        open_tasks=sum(1 for t in counted if t == OPEN),
        entries=len(note.entries),
        metrics=_dump({str(k): v for k, v in note.metrics.items()}),
        aliases=list(aliases_of(note.frontmatter)),
        parts=parts,
        derived={
            "links": [(link_key(x), int(is_checked(x))) for x in note.links],
            "tasks": [tree for tree, item in zip(task_tree(note), note.list_items) if item.task is not None],
            "warnings": [(getattr(w, "code", None),) for w in note.warnings],
        },
        lines=note_lines(text),
    )


def note_lines(text: str) -> list[str]:
    """The note's lines as the parser numbers them (\\n, \\r\\n and \\r end a line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# Columns worked out when a note is stored, for the queries: no model field holds them.
DERIVED: dict[str, tuple[str, ...]] = {
    # Where a link could lead (see resolve.link_key) and whether it must resolve at all.
    "links": ("key", "checked"),
    # The task above a task (through plain items) and how many tasks are above it.
    "tasks": ("task_parent", "task_depth"),
    # The parser's warning code (a stable name for the kind of problem), when it gives one.
    "warnings": ("code",),
}


def task_tree(note: Note) -> list[tuple[int | None, int]]:
    """(line of the task above, tasks above) for every item. Items are keyed by line, and a
    malformed list can make an item its own parent: each walk stops at a line it has seen, so a
    note can never hang the index."""
    items = {i.line: i for i in note.list_items}

    def above(line: int | None, seen: set[int]) -> ListItem | None:
        while line is not None and line not in seen:
            seen.add(line)
            item = items.get(line)
            if item is None:
                return None
            if item.task is not None:
                return item
            line = item.parent_line
        return None

    out = []
    for item in note.list_items:
        seen = {item.line}
        parent = above(item.parent_line, seen)
        depth, up = 0, parent
        while up is not None:
            depth += 1
            up = above(up.parent_line, seen)
        out.append((parent.line if parent else None, depth))
    return out


def select_columns(part: Part) -> str:
    return ", ".join([column_name(part, c) for c in part.columns] + ["extra"])
