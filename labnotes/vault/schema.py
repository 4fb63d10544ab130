"""The index store's tables (docs/schema.md says what each column holds): the notes, one table per
kind of row a note yields (`rows.PARTS`), link resolution, the full-text index and the task book."""

from __future__ import annotations

from typing import Any

from labnotes.vault.rows import PARTS

# Bumped whenever a table or column changes meaning; a database of another version is rebuilt.
SCHEMA_VERSION = 3
def _part_table(part: Any) -> str:
    cols = ", ".join(part.stored_columns())
    return (
        f"CREATE TABLE {part.table} (note_id INTEGER NOT NULL, seq INTEGER NOT NULL, {cols},"
        f" PRIMARY KEY (note_id, seq)) WITHOUT ROWID"
    )


SCHEMA: list[str] = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
    """CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        stem TEXT NOT NULL,
        size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
        hash BLOB NOT NULL,
        day TEXT,
        frontmatter TEXT,
        line_count INTEGER NOT NULL,
        tasks INTEGER NOT NULL, open_tasks INTEGER NOT NULL, entries INTEGER NOT NULL,
        metrics TEXT NOT NULL,
        text_rowid INTEGER NOT NULL UNIQUE)""",
    "CREATE INDEX notes_day ON notes (day)",
    "CREATE TABLE aliases (note_id INTEGER NOT NULL, alias TEXT NOT NULL, key TEXT NOT NULL)",
    "CREATE INDEX aliases_note ON aliases (note_id)",
    "CREATE INDEX aliases_key ON aliases (key)",
    "CREATE TABLE attachments (path TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID",
    *(_part_table(p) for p in PARTS),
    # Link resolution, kept with each link and redone only when its target could have changed.
    "ALTER TABLE links ADD COLUMN key TEXT",
    "ALTER TABLE links ADD COLUMN checked INTEGER NOT NULL DEFAULT 1",
    "ALTER TABLE links ADD COLUMN resolved TEXT",
    "ALTER TABLE links ADD COLUMN heading_line INTEGER",
    "ALTER TABLE links ADD COLUMN block_line INTEGER",
    "ALTER TABLE links ADD COLUMN ok INTEGER",
    "ALTER TABLE links ADD COLUMN reason TEXT",
    "ALTER TABLE links ADD COLUMN via TEXT",
    "CREATE INDEX links_key ON links (key)",
    # Backlinks look links up by the note they reach; most unresolved links reach none.
    "CREATE INDEX links_resolved ON links (resolved) WHERE resolved IS NOT NULL",
    "CREATE INDEX links_pending ON links (ok) WHERE ok IS NULL",
    "ALTER TABLE tasks ADD COLUMN task_parent INTEGER",
    "ALTER TABLE tasks ADD COLUMN task_depth INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE warnings ADD COLUMN code TEXT",
    "CREATE INDEX fields_key ON fields (key)",
    "CREATE INDEX tags_tag ON tags (tag)",
    # Every note's pieces (labnotes.vault.words), for `labnotes search`; the text itself is not
    # kept (contentless). The pieces are split on spaces only: the ascii tokenizer keeps every
    # non-ASCII character inside a token.
    "CREATE VIRTUAL TABLE note_text USING fts5 (words, content='', tokenize='ascii', detail=none, columnsize=0)",
]

# The task book (labnotes.queries.taskbook, the tasks engineer's): which task each task line is, as
# linked from the notes the store held when `meta.task_book` was written. Written after the notes
# change, at the first question about tasks; read back instead of linking every task line again.
# Added within schema 2: a store made before them, or with other book tables (`meta.book_schema`),
# gets them anew when opened (nothing else moves: they are linked again from the task rows).
BOOK_SCHEMA_VERSION = "3"
BOOK_SCHEMA: list[str] = [
    # One row per task (`n`: its place in the book, in link order), with what a listing filters on;
    # its lines are book_lines first_seq … latest_seq (a task's lines are written together).
    """CREATE TABLE IF NOT EXISTS book_tasks (
        n INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, parent INTEGER,
        status TEXT NOT NULL, closed INTEGER NOT NULL, first_seen TEXT, last_seen TEXT, done_on TEXT,
        carried INTEGER NOT NULL, lines INTEGER NOT NULL, first_seq INTEGER NOT NULL, latest_seq INTEGER NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS book_tasks_id ON book_tasks (id)",
    "CREATE INDEX IF NOT EXISTS book_tasks_parent ON book_tasks (parent) WHERE parent IS NOT NULL",
    "CREATE TABLE IF NOT EXISTS book_routines (n INTEGER PRIMARY KEY, key TEXT NOT NULL, text TEXT NOT NULL)",
    # One row per task line: the task row (`tasks` at note_id, item) it is, and the task or routine
    # it belongs to; each task's lines in a run of `seq`, in time order (the tasks' runs in book
    # order, then the routines'). No index but the rowid: a task's lines are a range of it.
    """CREATE TABLE IF NOT EXISTS book_lines (
        seq INTEGER PRIMARY KEY, note_id INTEGER NOT NULL, item INTEGER NOT NULL, line INTEGER NOT NULL,
        task INTEGER, routine INTEGER)""",
]
SCHEMA += BOOK_SCHEMA

TABLES = ["meta", "notes", "aliases", "attachments", *(p.table for p in PARTS), "note_text", "book_tasks", "book_routines", "book_lines"]
