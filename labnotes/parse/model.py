"""The typed model of one parsed note.

Everything downstream (vault index, graph, CLI, TUI, runner) reads these
dataclasses; `Note.to_json()` is the shape documented in docs/parse-json.md.
Lines are 1-based lines of the source file, columns 0-based character offsets
into that line (a leading BOM is not counted).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(slots=True)
class TaskFields:
    """What the Obsidian Tasks plugin reads on a task line (emoji and Dataview formats); see
    labnotes/parse/taskfields.py. Dates are `YYYY-MM-DD` as written (a warning names impossible ones)."""

    description: str  # the text without the fields (tags kept)
    due: str | None = None
    scheduled: str | None = None
    start: str | None = None
    created: str | None = None
    done: str | None = None
    cancelled: str | None = None
    priority: str | None = None  # "highest" | "high" | "medium" | "low" | "lowest"; None = normal
    recurrence: str | None = None  # the rule as written: "every week on Monday when done"
    id: str | None = None
    depends_on: list[str] = field(default_factory=list)
    on_completion: str | None = None  # "delete" | "keep"
    tags: list[str] = field(default_factory=list)  # with the '#', nested ones whole: "#paper/review"
    status_type: str = "TODO"  # the status type of the checkbox character, from the vault's Tasks statuses
    status_name: str = "Todo"


@dataclass(slots=True)
class ListItem:
    line: int
    parent_line: int | None
    # The character between the brackets, or None for a plain item.
    task: str | None
    text: str
    section: list[str]
    # Last line of the item with all its children: its body is line..end_line.
    end_line: int
    marker: str  # "-", "*", "+", "1.", "1)" ...
    depth: int  # 0 for a top-level item
    struck: bool = False
    # A task's Tasks-plugin fields; None for a plain item and for a checkbox the global filter leaves out.
    fields: TaskFields | None = None


def task_above(items: dict[int, ListItem], line: int | None) -> ListItem | None:
    """The task at `line`, or the nearest task enclosing it; `items` maps lines to a note's items.

    A line map keeps one item per line, so prefer `labnotes.parse.items.ItemTree`, which keeps
    both items of `- 1. plan`; this walk stops at a loop instead of spinning on one.
    """
    seen: set[int] = set()
    while line is not None and line not in seen:
        seen.add(line)
        item = items.get(line)
        if item is None:
            return None
        if item.task is not None:
            return item
        line = item.parent_line
    return None


@dataclass(slots=True)
class Link:
    line: int
    col: int
    original: str
    target: str
    heading: str | None
    block: str | None
    alias: str | None
    embed: bool
    kind: str  # "wiki" | "markdown" | "url"
    size: str | None = None  # "100x145" on an embedded image
    key: str | None = None  # the front-matter property that holds the link (`up`, `related.1`); None in the body


@dataclass(slots=True)
class Entry:
    id: str
    line: int
    col: int
    timestamp: str  # ISO YYYY-MM-DDTHH:MM
    end: str | None  # for a time range (`8:00-9:00 盖章`), else None
    weekday: str | None  # as written: 周二, 星期二, Tue
    weekday_ok: bool  # False when the weekday contradicts the date
    struck: bool
    text: str  # the entry's own words, after the stamp and separator
    parent_line: int | None  # the list item enclosing the entry's item
    item_line: int | None  # the list item that holds the entry (None in a paragraph)
    thread_line: int | None  # the task the entry works on: nearest task above it
    end_line: int  # last line of the entry's body (item and children)
    section: list[str]
    highlights: list[str] = field(default_factory=list)  # findings marked in its text
    # The stamp ends its task's line (`3. [x] 该表格绘制完毕：2024-09-25-22:17`): when the task was
    # done or noted, not the start of a log entry below it.
    trailing: bool = False


@dataclass(slots=True)
class Cell:
    text: str
    type: str  # "empty" | "time" | "number" | "money" | "text"
    value: Any = None
    unit: str | None = None


@dataclass(slots=True)
class Table:
    line: int
    header: list[str]
    rows: list[list[Cell]]
    section: list[str]


@dataclass(slots=True)
class Tag:
    line: int
    col: int
    tag: str  # with the leading '#'


@dataclass(slots=True)
class Highlight:
    line: int
    col: int
    text: str
    color: str | None  # the CSS background of a <mark>, None for ==text==


@dataclass(slots=True)
class Strike:
    line: int
    col: int
    text: str


@dataclass(slots=True)
class Field:
    line: int
    key: str
    value: str


@dataclass(slots=True)
class BlockId:
    line: int
    id: str


# What a warning is about, for code that acts on some kinds (`check`): never match the message.
WARNING_CODES = {
    "frontmatter": "the front matter is not valid YAML, or a value in it is not what its type says",
    "stamp": "a timestamp that names no real date or time",
    "weekday": "a weekday that contradicts the date beside it",
    "nesting": "block quotes or lists nested deeper than the parser reads",
    "budget": "the note took longer to parse than one note may; the rest was not read",
    "date": "a date in a task's fields (📅 2024-02-30, [due:: …]) that does not exist",
    "internal": "labnotes failed on this part of the note (a bug); the rest was read",
    "parse": "something else the parser could not read",
}


@dataclass(slots=True)
class ParseWarning:
    line: int
    message: str
    code: str = "parse"  # one of WARNING_CODES


@dataclass(slots=True)
class Note:
    path: str
    date: str | None
    frontmatter: dict[str, Any] | None
    headings: list[Heading] = field(default_factory=list)
    list_items: list[ListItem] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    strikes: list[Strike] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    block_ids: list[BlockId] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # The daily life table as {column header: typed value}; {} when the note has none.
    metrics: dict[str, Any] = field(default_factory=dict)
    line_count: int = 0

    @property
    def tasks(self) -> list[ListItem]:
        return [i for i in self.list_items if i.task is not None]

    def item_at(self, line: int) -> ListItem | None:
        """The innermost item starting on `line` (`- 1. plan` starts two; its text is the inner's)."""
        found = None
        for item in self.list_items:
            if item.line == line and (found is None or item.depth > found.depth):
                found = item
        return found

    def to_json(self) -> dict[str, Any]:
        """The `labnotes parse --json` object (see docs/parse-json.md)."""
        return asdict(self)
