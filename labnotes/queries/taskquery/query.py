"""One Tasks query block: its instructions read, then run over a vault's tasks.

A block that has a line it cannot read gives that one error (naming the line and the
instruction) and no tasks, as the plugin does; the other blocks of the note still run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from labnotes.queries.taskquery.filters import Context, Filter, InstructionError, parse_filter
from labnotes.queries.taskquery.model import QueryTask
from labnotes.queries.taskquery.order import (
    Group, Grouper, Sorter, default_sorters, group_tasks, grouper, sort_tasks, sorter,
)  # fmt: skip

_SORT = re.compile(r"^sort by ([\w.]+(?: \d+)?)( reverse)?$", re.IGNORECASE)
_GROUP = re.compile(r"^group by ([\w.]+)( reverse)?$", re.IGNORECASE)
_LIMIT = re.compile(r"^limit(?: (groups))?(?: to)? (\d+)(?: tasks?)?$", re.IGNORECASE)
# Display-only instructions: accepted, they change nothing in the results.
_LAYOUT = re.compile(r"^(?:(?:hide|show) .+|short mode|full mode|short|full|explain|ignore global query)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{\s*query\.file\.(\w+)\s*\}\}")


@dataclass(slots=True)
class QueryError:
    line: int  # the note's line of the instruction
    instruction: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: cannot read {self.instruction!r}: {self.message}"


@dataclass(slots=True)
class Query:
    filters: list[Filter] = field(default_factory=list)
    sorters: list[Sorter] = field(default_factory=list)
    groupers: list[Grouper] = field(default_factory=list)
    limit: int | None = None
    group_limit: int | None = None
    layout: list[str] = field(default_factory=list)  # hide / show / short mode …, as written
    error: QueryError | None = None


def _placeholders(text: str, query_path: str | None) -> str:
    if "{{" not in text or query_path is None:
        return text
    folder = query_path.rsplit("/", 1)[0] + "/" if "/" in query_path else "/"
    name = query_path.rsplit("/", 1)[-1]
    values = {
        "path": query_path,
        "pathWithoutExtension": query_path[:-3] if query_path.endswith(".md") else query_path,
        "folder": folder,
        "root": query_path.split("/", 1)[0] + "/" if "/" in query_path else "/",
        "filename": name,
        "filenameWithoutExtension": name[:-3] if name.endswith(".md") else name,
    }

    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in values:
            raise InstructionError(f"unknown placeholder {{{{query.file.{m.group(1)}}}}}")
        return values[m.group(1)]

    return _PLACEHOLDER.sub(fill, text)


def instructions(text: str, first_line: int) -> list[tuple[int, str]]:
    """(note line, instruction) for each instruction of a block whose first line is `first_line`:
    blank lines and `#` comments dropped, lines ending in a backslash joined to the next."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for i, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if pending is not None:
            start, head = pending
            line, pending = head + " " + line, None
        else:
            start = first_line + i
        if line.endswith("\\"):
            pending = (start, line[:-1].strip())
            continue
        if line and not line.startswith("#"):
            out.append((start, line))
    if pending is not None and pending[1]:
        out.append(pending)
    return out


def parse_query(text: str, first_line: int, *, today: dt.date, global_filter: str = "", query_path: str | None = None) -> Query:
    """The block's instructions; `error` holds the first line that cannot be read."""
    query = Query()
    ctx = Context(today, global_filter)
    for line_no, line in instructions(text, first_line):
        try:
            expanded = " ".join(_placeholders(line, query_path).split())
            if (m := _SORT.match(expanded)):
                query.sorters.append(sorter(m.group(1), bool(m.group(2)), today))
            elif (m := _GROUP.match(expanded)):
                query.groupers.append(grouper(m.group(1), bool(m.group(2))))
            elif (m := _LIMIT.match(expanded)):
                if m.group(1):
                    query.group_limit = int(m.group(2))
                else:
                    query.limit = int(m.group(2))
            elif _LAYOUT.match(expanded):
                query.layout.append(expanded)
            else:
                query.filters.append(parse_filter(expanded, ctx))
        except InstructionError as exc:
            query.error = QueryError(line_no, line, str(exc))
            return query
    query.sorters.extend(default_sorters(today))
    return query


@dataclass(slots=True)
class QueryResult:
    line: int  # the line of the block's opening fence
    end_line: int
    source: str  # the block's text
    groups: list[Group] = field(default_factory=list)
    total: int = 0  # tasks matched, before any limit
    shown: int = 0
    error: QueryError | None = None
    layout: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line, "end_line": self.end_line, "query": self.source,
            "error": None if self.error is None else {
                "line": self.error.line, "instruction": self.error.instruction, "message": self.error.message,
            },
            "total": self.total, "shown": self.shown, "layout": self.layout,
            "groups": [g.to_json() for g in self.groups],
        }  # fmt: skip


def run_query(query: Query, tasks: list[QueryTask]) -> tuple[list[Group], int, int]:
    """(groups, tasks matched, tasks shown) for a query over every task of the vault."""
    matched = [t for t in tasks if all(f(t) for f in query.filters)]
    ordered = sort_tasks(matched, query.sorters)
    if query.limit is not None:
        ordered = ordered[: query.limit]
    groups = group_tasks(ordered, query.groupers)
    if query.group_limit is not None:
        for g in groups:
            g.tasks = g.tasks[: query.group_limit]
    shown = len({(t.note, t.line) for g in groups for t in g.tasks})
    return groups, len(matched), shown


__all__ = ["Query", "QueryError", "QueryResult", "instructions", "parse_query", "run_query"]
