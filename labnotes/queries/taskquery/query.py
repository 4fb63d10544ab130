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
_LAYOUT = re.compile(
    r"^(?:(?:hide|show) .+|short mode|full mode|short|full|explain|ignore global query|view list|view tree)$", re.IGNORECASE
)
_COLUMNS = re.compile(r"^view columns by ([\w.]+)( reverse)?$", re.IGNORECASE)
_PRESET = re.compile(r"^preset (\S+)$", re.IGNORECASE)
_FUNCTION = re.compile(r"^(?:sort|group) by function\b", re.IGNORECASE)
_MAX_PRESET_DEPTH = 10
_GLOBAL = "global query: "  # marks the instructions that come from the vault's global query
_INLINE_COMMENT = re.compile(r"\{\{!.*?\}\}")
_PRESET_PLACEHOLDER = re.compile(r"\{\{\s*preset\.(\w+)\s*\}\}")
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
    blank lines, `#` comments and `{{! … }}` comments dropped, lines ending in a backslash joined to the next."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for i, raw in enumerate(text.split("\n")):
        line = _INLINE_COMMENT.sub("", raw).strip() if "{{!" in raw else raw.strip()
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


def _with_presets(
    items: list[tuple[int, str]], presets: dict[str, str], depth: int = 0
) -> list[tuple[int, str, str]]:
    """(note line, instruction as written, instruction to read): `preset NAME` lines replaced by the
    preset's instructions, `{{preset.NAME}}` by its text. An unknown name is an InstructionError."""
    out: list[tuple[int, str, str]] = []
    for line_no, line in items:
        def fill(m: re.Match[str], _line: str = line, _line_no: int = line_no) -> str:
            if m.group(1) not in presets:
                raise _PresetError(_line_no, _line, _unknown_preset(m.group(1), presets))
            return presets[m.group(1)]

        m = _PRESET.match(line.removeprefix(_GLOBAL))
        if m:
            name = m.group(1)
            if name not in presets:
                raise _PresetError(line_no, line, _unknown_preset(name, presets))
            if depth >= _MAX_PRESET_DEPTH:
                raise _PresetError(line_no, line, "presets nested too deeply (does one name itself?)")
            inner = [(line_no, i) for _, i in instructions(presets[name], line_no)]
            out.extend((n, line, text) for n, _, text in _with_presets(inner, presets, depth + 1))
        else:
            out.append((line_no, line, _PRESET_PLACEHOLDER.sub(fill, line) if "{{" in line else line))
    return out


class _PresetError(Exception):
    def __init__(self, line: int, instruction: str, message: str) -> None:
        self.line, self.instruction, self.message = line, instruction, message


def _unknown_preset(name: str, presets: dict[str, str]) -> str:
    known = ", ".join(sorted(presets)) or "none"
    return f"no preset {name!r} in the vault's Tasks settings (known: {known})"


def parse_query(
    text: str, first_line: int, *, today: dt.date, global_filter: str = "", query_path: str | None = None,
    presets: dict[str, str] | None = None, global_query: str = "",
) -> Query:
    """The block's instructions (after the vault's global query, unless the block says `ignore
    global query`); `error` holds the first line that cannot be read."""
    query = Query()
    ctx = Context(today, global_filter)
    own = instructions(text, first_line)
    if global_query and not any(line.lower() == "ignore global query" for _, line in own):
        # Its lines are no lines of the note: errors in them point at the block's first line.
        own = [(first_line, f"{_GLOBAL}{line}") for _, line in instructions(global_query, first_line)] + own
    try:
        items = _with_presets(own, presets if presets is not None else {})
    except _PresetError as exc:
        query.error = QueryError(exc.line, exc.instruction, exc.message)
        return query
    for line_no, line, readable in items:
        readable = readable.removeprefix(_GLOBAL)
        try:
            expanded = " ".join(_placeholders(readable, query_path).split())
            if _FUNCTION.match(expanded):
                raise InstructionError("'by function' runs JavaScript, which labnotes does not")
            if (m := _COLUMNS.match(expanded)):
                query.groupers.append(grouper(m.group(1), bool(m.group(2)), today))
            elif (m := _SORT.match(expanded)):
                query.sorters.append(sorter(m.group(1), bool(m.group(2)), today))
            elif (m := _GROUP.match(expanded)):
                query.groupers.append(grouper(m.group(1), bool(m.group(2)), today))
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
            origin = f" (from the preset, {readable!r})" if readable != line else ""
            query.error = QueryError(line_no, line, f"{exc}{origin}")
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
