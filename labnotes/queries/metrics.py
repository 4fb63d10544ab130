"""The daily life tables as a time series."""

from __future__ import annotations

from typing import Any

from labnotes.queries.filters import parse_day
from labnotes.vault import VaultIndex

def metrics(idx: VaultIndex, *, since: str | None = None, until: str | None = None) -> tuple[list[str], list[dict[str, Any]]]:
    """(columns, rows): one row per daily note with a life table, in day order."""
    since_day, until_day = parse_day(since, "--since"), parse_day(until, "--until")
    columns: dict[str, None] = {}
    rows = []
    for _day_text, rel, values in idx.metrics():
        day = idx.note_day(rel)
        if day is None or (since_day and day < since_day) or (until_day and day > until_day):
            continue
        columns.update(dict.fromkeys(values))
        rows.append({"day": day.isoformat(), "note": rel, **values})
    return ["day", "note", *columns], rows
