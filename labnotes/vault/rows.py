"""A parsed note as rows of the store, and back (the tables are in docs/schema.md).

The rows hold what the queries read, not the whole note (plain list items are left out; each
task keeps its place in the task tree). A whole note is parsed from its file when asked for.

Each part of the model (a heading, a list item, an entry …) is one row. The columns are the
dataclass's fields as they were when the schema was written; a field someone adds later to the
model goes into the row's `extra` JSON object, so the store keeps it and gives it back without
a schema change, until it earns a column of its own. A nested dataclass that queries read (a
task's Obsidian Tasks fields) is spread over columns of its own. Lists and mappings are JSON
text; True/False are 1/0.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import typing
from pathlib import PurePath
from typing import Any, Iterable

from labnotes.parse.model import (
    BlockId,
    Cell,
    Entry,
    Field,
    Heading,
    Link,
    ListItem,
    Note,
    ParseWarning,
    Table,
    Tag,
    TaskFields,
)
from labnotes.parse.cells import typed_cell
from labnotes.parse.items import ItemTree
from labnotes.parse.source import split_lines
from labnotes.vault.facts import OPEN, aliases_of
from labnotes.vault.resolve import is_checked, link_key
from labnotes.vault.words import index_text


@dataclasses.dataclass(frozen=True)
class Nested:
    """A dataclass-valued field of a part (`ListItem.fields`) stored as columns: `flag` says
    whether it is there at all (NULL fields), each listed field has a column, and a field the
    dataclass gains later goes into the row's `extra` under the same name."""

    attr: str
    cls: type
    flag: str
    columns: tuple[tuple[str, str], ...]  # (dataclass field, column)
    # A field stored as NULL when it equals the part's field of that name (no second copy).
    same_as: tuple[tuple[str, str], ...] = ()


@dataclasses.dataclass(frozen=True)
class Part:
    """One table: the model class it holds, the Note attribute, and its stored columns."""

    table: str
    cls: type
    attr: str
    columns: tuple[str, ...]  # model fields stored as columns, in order; the rest go to `extra`
    json_columns: frozenset[str] = frozenset()
    bool_columns: frozenset[str] = frozenset()
    nested: tuple[Nested, ...] = ()

    def extra_fields(self) -> list[str]:
        inner = {n.attr for n in self.nested}
        return [f.name for f in dataclasses.fields(self.cls) if f.name not in self.columns and f.name not in inner]

    def stored_columns(self) -> list[str]:
        """The table's columns, in the order rows are written and read (derived ones aside)."""
        out = [column_name(self, c) for c in self.columns]
        for n in self.nested:
            out += [n.flag, *(col for _, col in n.columns)]
        return out + ["extra"]


# A task's Obsidian Tasks fields (ListItem.fields), a column each: task queries filter and sort
# on them. The description is stored only where it is not the item's text.
TASK_FIELDS = Nested(
    "fields", TaskFields, "has_fields",
    (("description", "description"), ("due", "due"), ("scheduled", "scheduled"), ("start", "start"),
     ("created", "created"), ("done", "done_date"), ("cancelled", "cancelled"), ("priority", "priority"),
     ("recurrence", "recurrence"), ("id", "task_id"), ("depends_on", "depends_on"),
     ("on_completion", "on_completion"), ("tags", "task_tags"), ("status_type", "status_type"),
     ("status_name", "status_name")),
    same_as=(("description", "text"),),
)  # fmt: skip


PARTS: tuple[Part, ...] = (
    Part("headings", Heading, "headings", ("line", "level", "text")),
    # Task items only: a plain list item's words are most of a note, and no query reads them.
    Part(
        "tasks", ListItem, "list_items",
        ("line", "parent_line", "task", "text", "section", "end_line", "marker", "depth", "struck"),
        frozenset({"section"}), frozenset({"struck"}), (TASK_FIELDS,),
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
    # A table's cells are stored as their text: their type, value and unit are read from it again.
    Part("note_tables", Table, "tables", ("line", "header", "rows", "section"), frozenset({"header", "rows", "section"})),
    Part("tags", Tag, "tags", ("line", "col", "tag")),
    # A note's highlights and strikes are not kept apart: no query reads them (an entry keeps its
    # own highlights; a whole note is parsed from its file).
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


# One encoder for every row (json.dumps with options makes one per call).
_dump = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _empty(value: Any) -> bool:
    return value in (None, [], {}, "", False)


def row_of(part: Part, obj: Any, extra_names: list[str]) -> tuple[Any, ...]:
    out: list[Any] = []
    for name in part.columns:
        value = getattr(obj, name)
        if part.cls is Table and name == "rows":
            value = _dump([[c.text for c in row] for row in value])
        elif name in part.json_columns:
            value = _dump(_plain(value))
        elif name in part.bool_columns:
            value = int(bool(value))
        out.append(value)
    extra = {n: _plain(getattr(obj, n)) for n in extra_names}
    for nested in part.nested:
        inner = getattr(obj, nested.attr)
        out.append(0 if inner is None else 1)
        same = dict(nested.same_as)
        for name, _ in nested.columns:
            value = None if inner is None else getattr(inner, name)
            if name in same and value == getattr(obj, same[name]):
                value = None
            elif isinstance(value, (list, tuple, dict)):
                value = _dump(_plain(value)) if value else None
            out.append(value)
        if inner is not None:
            listed = {name for name, _ in nested.columns}
            later = {f.name: _plain(getattr(inner, f.name)) for f in dataclasses.fields(inner) if f.name not in listed}
            if any(not _empty(v) for v in later.values()):
                extra[nested.attr] = later
    out.append(_dump(extra) if any(not _empty(v) for v in extra.values()) else None)
    return tuple(out)


def _cells(rows: list[list[str]]) -> list[list[Cell]]:
    return [[typed_cell(text) for text in row] for row in rows]


def obj_of(part: Part, row: Iterable[Any]) -> Any:
    """The model object of one stored row (columns in `part.stored_columns()` order)."""
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
    at = len(part.columns)
    nested_kwargs: dict[str, dict[str, Any]] = {}
    for nested in part.nested:
        present, cells = values[at], values[at + 1 : at + 1 + len(nested.columns)]
        at += 1 + len(nested.columns)
        if not present:
            kwargs[nested.attr] = None
            continue
        same = dict(nested.same_as)
        lists, defaults = _list_fields(nested.cls), _defaults(nested.cls)
        inner: dict[str, Any] = {}
        for (name, _), value in zip(nested.columns, cells):
            if value is None and name in same:
                value = kwargs[same[name]]
            elif isinstance(value, str) and name in lists:
                value = json.loads(value)
            elif value is None and name in lists:
                value = []
            if value is not None or name not in defaults:
                inner[name] = value
        nested_kwargs[nested.attr] = inner
    extra = values[at] if len(values) > at else None
    if extra:
        hints = _hints(part.cls)
        for k, v in json.loads(extra).items():
            if k in nested_kwargs and isinstance(v, dict):
                nested_kwargs[k].update({n: x for n, x in v.items() if n in _hints(_nested_cls(part, k))})
            elif k in hints:
                kwargs[k] = _revive(hints[k], v)
    for nested in part.nested:
        if nested.attr in nested_kwargs:
            inner_hints = _hints(nested.cls)
            kwargs[nested.attr] = nested.cls(**{k: _revive(inner_hints[k], v) for k, v in nested_kwargs[nested.attr].items()})
    return part.cls(**kwargs)


def _nested_cls(part: Part, attr: str) -> type:
    return next(n.cls for n in part.nested if n.attr == attr)


def _is_list(hint: Any) -> bool:
    return typing.get_origin(hint) is list or hint is list


@functools.cache
def _list_fields(cls: type) -> frozenset[str]:
    """The fields of `cls` typed as lists: asked once per class, not once per row and field
    (typing.get_origin per cell was a fifth of reading 50,000 task rows)."""
    return frozenset(name for name, hint in _hints(cls).items() if _is_list(hint))


@functools.cache
def _defaults(cls: type) -> frozenset[str]:
    """The fields of `cls` that have a default (NULL in the store may stand for it)."""
    return frozenset(
        f.name for f in dataclasses.fields(cls)
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    )  # fmt: skip


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _revive(hint: Any, value: Any) -> Any:
    """A JSON value back as the field's type: a mapping becomes the dataclass the hint names."""
    if isinstance(value, dict):
        for candidate in (hint, *typing.get_args(hint)):
            if isinstance(candidate, type) and dataclasses.is_dataclass(candidate):
                inner = _hints(candidate)
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
    words: str  # the note's pieces for full-text search (labnotes.vault.words.index_text)


def note_rows(note: Note, text: str) -> NoteRows:
    # Empty template placeholders (`1. [ ] `) are no tasks anyone has to do.
    counted = [i.task for i in note.list_items if i.task is not None and i.text]
    parts: dict[str, list[tuple[Any, ...]]] = {}
    for part in PARTS:
        extra = part.extra_fields()
        objs = getattr(note, part.attr)
        if part.table == "tasks":  # most list items are plain: no row for them
            objs = [i for i in objs if i.task is not None]
        parts[part.table] = [row_of(part, obj, extra) for obj in objs]
    # An entry's id is `<stem>@<timestamp>` but for a second entry of one minute (`~2`): stored
    # only when it is not (NULL: the reader writes it back from notes.stem), a fifth of a row.
    stem = note_stem(note.path)
    parts["entries"] = [(None, *row[1:]) if row[0] == f"{stem}@{row[3]}" else row for row in parts["entries"]]
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
            "tasks": task_tree(note, tasks_only=True),
            "warnings": [(getattr(w, "code", None),) for w in note.warnings],
        },
        words=index_text(text),
    )


def note_stem(rel: str) -> str:
    """The file name without its suffix, as entry ids begin (parse.entries.assign_ids)."""
    return PurePath(rel).stem


def note_lines(text: str) -> list[str]:
    """The note's lines as the parser numbers them (\\n, \\r\\n and \\r end a line)."""
    return split_lines(text)


# Columns worked out when a note is stored, for the queries: no model field holds them.
DERIVED: dict[str, tuple[str, ...]] = {
    # Where a link could lead (see resolve.link_key) and whether it must resolve at all.
    "links": ("key", "checked"),
    # The task above a task (through plain items) and how many tasks are above it.
    "tasks": ("task_parent", "task_depth"),
    # The parser's warning code (a stable name for the kind of problem), when it gives one.
    "warnings": ("code",),
}


def task_tree(note: Note, *, tasks_only: bool = False) -> list[tuple[int | None, int]]:
    """(line of the task above, tasks above) for every item (every task item, `tasks_only`),
    through plain items.

    Items are keyed by (line, depth) (`- 1. plan` starts two items on one line), and every walk
    goes one level up at a time, so a note can never hang the index.
    """
    tree = ItemTree(note.list_items)
    out = []
    for item in note.list_items:
        if tasks_only and item.task is None:
            continue
        above = tree.tasks_above(item)
        out.append((above[0].line if above else None, len(above)))
    return out


def select_columns(part: Part) -> str:
    return ", ".join(part.stored_columns())
