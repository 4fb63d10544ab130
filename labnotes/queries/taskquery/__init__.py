"""The Obsidian Tasks query language over a vault's tasks: filters, sort, group, limit, and the
```` ```tasks ```` blocks of a note (`run_query_blocks`)."""

from __future__ import annotations

from labnotes.queries.taskquery.blocks import QueryBlock, query_blocks, run_query_blocks, vault_tasks
from labnotes.queries.taskquery.query import QueryError, QueryResult, parse_query, run_query

__all__ = ["QueryBlock", "QueryError", "QueryResult", "parse_query", "query_blocks", "run_query", "run_query_blocks", "vault_tasks"]
