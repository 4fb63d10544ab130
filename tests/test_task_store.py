"""The task book in the index store: its tables, added to a store made before them without
reading any note again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from labnotes.vault import build_index
from labnotes.vault import store as storemod

NOTE = "# 今日计划\n\n1. [ ] task {n}\n"


def make_notes(root: Path, count: int = 3) -> Path:
    for n in range(count):
        path = root / "Diary" / f"2024-12-0{n + 1}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NOTE.format(n=n), encoding="utf-8")
    return root


def tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_a_store_made_before_the_book_tables_gets_them_and_keeps_its_notes(tmp_path):
    vault = make_notes(tmp_path / "v")
    idx = build_index(vault)
    path = idx.stats.cache_path
    idx.close()
    assert path is not None and {"book_tasks", "book_routines", "book_lines"} <= tables(path)
    conn = sqlite3.connect(path)
    for table in ("book_tasks", "book_routines", "book_lines"):
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    assert not {"book_tasks", "book_routines", "book_lines"} & tables(path)

    again = build_index(vault)
    assert again.stats.parsed == 0  # the notes' rows were kept: no cold index for a new table
    assert again.notes["Diary/2024-12-02.md"].tasks[0].text == "task 1"
    again.close()
    assert {"book_tasks", "book_routines", "book_lines"} <= tables(path)
    assert storemod.SCHEMA_VERSION == 2
