"""The ```` ```tasks ```` blocks of a note, run over the vault: what `labnotes query` prints and
what the TUI shows in place of each block."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from labnotes.parse.markdown import block_parser
from labnotes.queries.taskquery.model import QueryTask, link_dependencies, query_task
from labnotes.queries.taskquery.query import QueryResult, parse_query, run_query
from labnotes.vault import VaultIndex


@dataclass(frozen=True, slots=True)
class QueryBlock:
    line: int  # the opening fence
    end_line: int  # the closing fence (or the note's last line)
    first_line: int  # the block's first instruction line
    text: str


def _normalise(text: str) -> str:
    text = text[1:] if text.startswith("\ufeff") else text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def query_blocks(text: str) -> list[QueryBlock]:
    """Every fenced block whose language is `tasks`, in note order (also inside quotes and callouts)."""
    text = _normalise(text)
    try:
        tokens = block_parser().parse(text)
    except RecursionError:
        return []
    blocks = []
    for tok in tokens:
        if tok.type == "fence" and tok.info.strip().split(" ", 1)[0].lower() == "tasks" and tok.map:
            start, end = tok.map
            blocks.append(QueryBlock(start + 1, end, start + 2, tok.content.rstrip("\n")))
    return blocks


def vault_tasks(idx: VaultIndex) -> list[QueryTask]:
    """Every task of the vault as queries see it, with its dependencies linked."""
    found = []
    for rel, item in idx.task_items():
        t = query_task(rel, item, idx.facts[rel].day if rel in idx.facts else None)
        if t is not None:
            found.append(t)
    return link_dependencies(found)


def run_block(
    block: QueryBlock, tasks: list[QueryTask], *, today: dt.date, global_filter: str = "", query_path: str | None = None,
    presets: dict[str, str] | None = None, global_query: str = "",
) -> QueryResult:
    query = parse_query(
        block.text, block.first_line, today=today, global_filter=global_filter, query_path=query_path,
        presets=presets, global_query=global_query,
    )
    result = QueryResult(block.line, block.end_line, block.text, error=query.error, layout=query.layout)
    if query.error is None:
        result.groups, result.total, result.shown = run_query(query, tasks)
    return result


def run_query_blocks(
    idx: VaultIndex, rel: str, *, line: int | None = None, today: dt.date | None = None, text: str | None = None
) -> list[QueryResult]:
    """The results of the note's query blocks, in note order (only the block holding `line` when
    given). `text` is the note's text when the caller has it (the TUI), else it is read from disk.
    A block with an instruction it cannot read has its `error` and no groups; the others still run."""
    from labnotes.parse.files import read_text

    source = text if text is not None else read_text(idx.vault / rel)
    blocks = query_blocks(source)
    if line is not None:
        blocks = [b for b in blocks if b.line <= line <= b.end_line]
    if not blocks:
        return []
    tasks = vault_tasks(idx)
    day = today or dt.date.today()
    settings = idx.config.tasks
    presets = dict(settings.presets)
    return [
        run_block(
            b, tasks, today=day, global_filter=settings.global_filter, query_path=rel, presets=presets,
            global_query=settings.global_query,
        )
        for b in blocks
    ]


__all__ = ["QueryBlock", "query_blocks", "run_block", "run_query_blocks", "vault_tasks"]
