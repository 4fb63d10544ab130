"""The index store: one SQLite database per vault in the cache folder (schema: docs/schema.md).

WAL mode: a reader never waits for a writer, and a writer waits at most `BUSY_MS` for another.
Notes are written in batches, each batch one transaction, so a note's rows are replaced whole
or not at all, and a long cold index never holds the write lock for long.

The database is a cache of the notes: whatever is wrong with it (not a database, damaged, made
by another labnotes or schema version) it is rebuilt, with a warning, never trusted half-way.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from labnotes.settings.locations import cache_dir
from labnotes.vault.reading import NoteRow
from labnotes.vault.resolve import name_key
from labnotes.vault.rows import DERIVED, PARTS, NoteRows, note_stem
from labnotes.vault.scan import Stamp
from labnotes.vault.schema import BOOK_SCHEMA, BOOK_SCHEMA_VERSION, SCHEMA, SCHEMA_VERSION, TABLES

BUSY_MS = 30_000
# Full text: one row per note (its pieces, labnotes.vault.words), rowid = notes.text_rowid, new
# for every version of the note. Old versions' rows are never deleted one by one (a contentless
# FTS5 table cannot be told what to forget before SQLite 3.43); queries join on the live rowids,
# and the table is rebuilt once stale rows outnumber live ones (and are at least this many).
STALE_REBUILD_MIN = 1_000


class StoreError(Exception):
    """The store cannot be used (and could not be rebuilt); the message says why."""


def store_file(vault: Path) -> Path:
    key = hashlib.sha256(str(vault).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return cache_dir() / f"vault-{key}.sqlite"


@dataclass(slots=True)
class Known:
    """What the store holds of a note without reading its rows."""

    id: int
    stamp: Stamp
    digest: bytes


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    return conn


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


class Store:
    """An open index store. `warnings` says what had to be rebuilt on the way in."""

    def __init__(self, path: Path | None, fingerprint: str, config_key: str, *, rebuild: bool = False) -> None:
        """The store at `path`, made or rebuilt as needed; `path=None` keeps it in memory."""
        self.path = path
        self.warnings: list[str] = []
        # What this process wrote: links whose key or target is here are resolved again.
        self.touched_keys: set[str] = set()
        self.touched_paths: set[str] = set()
        self._notes_written = False
        self._opened_rows: dict[str, NoteRow] = {}
        if path is None:
            self.conn = self._open(fingerprint, config_key)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild:
            _remove(path)
        # The pickle cache of labnotes before the store: nothing reads it any more.
        try:
            os.unlink(path.with_suffix(".idx"))
        except OSError:
            pass
        try:
            self.conn = self._open(fingerprint, config_key)
        except sqlite3.DatabaseError as exc:
            # Not a database, or a damaged one: nothing in it can be trusted.
            self.warnings.append(f"the index store {path} is damaged ({exc}); rebuilding it")
            _remove(path)
            try:
                self.conn = self._open(fingerprint, config_key)
            except sqlite3.Error as again:
                raise StoreError(f"cannot open the index store {path}: {again}") from None
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the index store {path}: {exc}") from None

    def _open(self, fingerprint: str, config_key: str) -> sqlite3.Connection:
        conn = _connect(self.path if self.path is not None else ":memory:")
        self.conn = conn
        try:
            if self.path is not None:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            if not self._current(conn, fingerprint):
                self._create(conn, fingerprint)
            if self._meta(conn, "book_schema") != BOOK_SCHEMA_VERSION:
                with self.write(conn):
                    if self._meta(conn, "book_schema") != BOOK_SCHEMA_VERSION:
                        for name in ("book_tasks", "book_routines", "book_lines"):
                            conn.execute(f"DROP TABLE IF EXISTS {name}")
                        for statement in BOOK_SCHEMA:
                            conn.execute(statement)
                        conn.execute("DELETE FROM meta WHERE key = 'task_book'")
                        conn.execute("INSERT OR REPLACE INTO meta VALUES ('book_schema', ?)", (BOOK_SCHEMA_VERSION,))
            if self._meta(conn, "config") != config_key:
                # The notes were parsed under another .labnotes.yaml: parse them all again.
                with self.write(conn):
                    if self._meta(conn, "config") != config_key:
                        self._clear_notes(conn)
                        conn.execute("INSERT OR REPLACE INTO meta VALUES ('config', ?)", (config_key,))
            # Read here, inside the checks: a damaged notes table is found now, not mid-query.
            self.known_notes = self.known()
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _current(self, conn: sqlite3.Connection, fingerprint: str) -> bool:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            return False
        if version != SCHEMA_VERSION or self._meta(conn, "fingerprint") != fingerprint:
            return False
        return True

    def _create(self, conn: sqlite3.Connection, fingerprint: str) -> None:
        with self.write(conn):
            # Another process may have made it meanwhile: look again under the write lock.
            if self._current(conn, fingerprint):
                return
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version != 0:
                self.warnings.append(
                    f"the index store {self.path} was made by another labnotes version "
                    f"(schema {version}, this is {SCHEMA_VERSION}); rebuilding it"
                )
            for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall():
                if name in TABLES or not name.startswith("note_text_"):
                    conn.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in SCHEMA:
                conn.execute(statement)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [("schema", str(SCHEMA_VERSION)), ("fingerprint", fingerprint), ("next_text_rowid", "1"), ("stale_text_rows", "0")],
            )
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    class _Write:
        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def __enter__(self) -> sqlite3.Connection:
            self.conn.execute("BEGIN IMMEDIATE")
            return self.conn

        def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
            self.conn.execute("COMMIT" if kind is None else "ROLLBACK")

    def write(self, conn: sqlite3.Connection | None = None) -> "_Write":
        """`with store.write() as conn:` one transaction, holding the write lock."""
        return Store._Write(conn or self.conn)

    def _clear_notes(self, conn: sqlite3.Connection) -> None:
        self._notes_written = True
        for table in ("notes", "aliases", "attachments", *(p.table for p in PARTS)):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("INSERT INTO note_text(note_text) VALUES ('delete-all')")
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'stale_text_rows'")

    # -- reading ---------------------------------------------------------------------------------

    def known(self) -> dict[str, Known]:
        """What the store holds of each note, by path; the notes' rows as a VaultIndex reads them
        are kept from the same SELECT (`opened_rows`), for as long as no note is written."""
        rows = self.conn.execute(
            "SELECT path, id, size, mtime_ns, ctime_ns, inode, hash, day, tasks, open_tasks, entries FROM notes ORDER BY path"
        ).fetchall()
        self._opened_rows = {r[0]: NoteRow(r[1], r[0], r[7], r[8], r[9], r[10]) for r in rows}
        return {r[0]: Known(r[1], Stamp(r[2], r[3], r[4], r[5]), r[6]) for r in rows}

    def opened_rows(self) -> "dict[str, NoteRow] | None":
        """The notes' rows as read when the store was opened (Reader.note_rows), or None when
        notes were written or dropped since: a warm start reads the notes table once."""
        return None if self._notes_written else self._opened_rows

    def attachments(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT path FROM attachments")}

    # -- writing ---------------------------------------------------------------------------------

    def replace_notes(self, batch: Iterable[tuple[str, Stamp, bytes, NoteRows]]) -> list[int]:
        """Write each note's rows, replacing what the store held of it; one transaction."""
        self._notes_written = True
        ids: list[int] = []
        with self.write() as conn:
            next_rowid = int(self._meta(conn, "next_text_rowid") or 1)
            stale = 0
            for rel, stamp, digest, rows in batch:
                stale += self._delete(conn, rel)
                cur = conn.execute(
                    "INSERT INTO notes (path, name, stem, size, mtime_ns, ctime_ns, inode, hash, day, frontmatter,"
                    " line_count, tasks, open_tasks, entries, metrics, text_rowid)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (rel, name_key(rel), note_stem(rel), *stamp, digest, rows.day, rows.frontmatter, rows.line_count,
                     rows.tasks, rows.open_tasks, rows.entries, rows.metrics, next_rowid),
                )  # fmt: skip
                note_id = cur.lastrowid
                assert note_id is not None
                ids.append(note_id)
                self.touched_keys.add(name_key(rel))
                self.touched_keys.update(a.casefold() for a in rows.aliases)
                self.touched_paths.add(rel)
                conn.executemany(
                    "INSERT INTO aliases VALUES (?, ?, ?)", [(note_id, a, a.casefold()) for a in rows.aliases]
                )
                for part in PARTS:
                    data = rows.parts.get(part.table)
                    if not data:
                        continue
                    names = ["note_id", "seq", *part.stored_columns()]
                    derived = rows.derived.get(part.table)
                    if derived is not None:
                        names += DERIVED[part.table]
                        data = [row + more for row, more in zip(data, derived)]
                    conn.executemany(
                        f"INSERT INTO {part.table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                        [(note_id, seq, *row) for seq, row in enumerate(data)],
                    )
                if rows.words:
                    conn.execute("INSERT INTO note_text (rowid, words) VALUES (?, ?)", (next_rowid, rows.words))
                next_rowid += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'next_text_rowid'", (str(next_rowid),))
            if stale:
                conn.execute("UPDATE meta SET value = value + ? WHERE key = 'stale_text_rows'", (stale,))
        return ids

    def _delete(self, conn: sqlite3.Connection, rel: str) -> int:
        row = conn.execute("SELECT id FROM notes WHERE path = ?", (rel,)).fetchone()
        if row is None:
            return 0
        note_id = row[0]
        self.touched_keys.add(name_key(rel))
        self.touched_keys.update(k for (k,) in conn.execute("SELECT key FROM aliases WHERE note_id = ?", (note_id,)))
        self.touched_paths.add(rel)
        conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        conn.execute("DELETE FROM aliases WHERE note_id = ?", (note_id,))
        for part in PARTS:
            conn.execute(f"DELETE FROM {part.table} WHERE note_id = ?", (note_id,))
        return 1  # its full-text row is stale now

    def delete_notes(self, rels: Iterable[str]) -> None:
        self._notes_written = True
        with self.write() as conn:
            stale = sum(self._delete(conn, rel) for rel in rels)
            conn.execute("UPDATE meta SET value = value + ? WHERE key = 'stale_text_rows'", (stale,))

    def restamp(self, stamps: Iterable[tuple[str, Stamp]]) -> None:
        """Notes read again whose text had not changed: only their stamp moves."""
        with self.write() as conn:
            conn.executemany(
                "UPDATE notes SET size = ?, mtime_ns = ?, ctime_ns = ?, inode = ? WHERE path = ?",
                [(*stamp, rel) for rel, stamp in stamps],
            )

    def set_attachments(self, added: Iterable[str], removed: Iterable[str]) -> None:
        added, removed = list(added), list(removed)
        self.touched_keys.update(name_key(p) for p in added + removed)
        self.touched_paths.update(removed)
        with self.write() as conn:
            conn.executemany("DELETE FROM attachments WHERE path = ?", [(p,) for p in removed])
            conn.executemany("INSERT OR REPLACE INTO attachments VALUES (?, ?)", [(p, name_key(p)) for p in added])

    def stale_text_rows(self) -> int:
        return int(self._meta(self.conn, "stale_text_rows") or 0)

    def live_text_rows(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM notes").fetchone()[0])

    def rebuild_text(self, words_of: Iterator[tuple[str, str]]) -> None:
        """Forget every stale full-text row: index the live notes' words afresh."""
        with self.write() as conn:
            conn.execute("INSERT INTO note_text(note_text) VALUES ('delete-all')")
            # New rowids above every old one, so no live row is ever taken for a stale one.
            next_rowid = int(self._meta(conn, "next_text_rowid") or 1)
            for rel, words in words_of:
                conn.execute("UPDATE notes SET text_rowid = ? WHERE path = ?", (next_rowid, rel))
                if words:
                    conn.execute("INSERT INTO note_text (rowid, words) VALUES (?, ?)", (next_rowid, words))
                next_rowid += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'next_text_rowid'", (str(next_rowid),))
            conn.execute("UPDATE meta SET value = '0' WHERE key = 'stale_text_rows'")
            conn.execute("INSERT INTO note_text(note_text) VALUES ('optimize')")

    def optimize_text(self) -> None:
        """Merge the full-text index's segments into one (smaller, faster): after a cold index."""
        with self.write() as conn:
            conn.execute("INSERT INTO note_text(note_text) VALUES ('optimize')")

    def compact(self) -> None:
        """Write the database afresh, every page full (VACUUM): after a cold index. Its tables are
        B-trees keyed by (note, row) that fill in key order, and such a tree's pages split half
        full: on 10,000 notes the store was 151 MB, 140 MB after. Skipped, with no harm done,
        when another process holds the database."""
        if self.path is None:
            return
        try:
            self.conn.execute("VACUUM")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.OperationalError:
            pass

    def export(self, dest: Path) -> None:
        """A consistent copy of the store in one file (no -wal beside it), for sqlite3, Datasette
        or pandas; written beside `dest` and renamed over it only when complete."""
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        try:
            out = sqlite3.connect(tmp)
            try:
                self.conn.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")
                out.execute("VACUUM")
            finally:
                out.close()
            os.replace(tmp, dest)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def close(self) -> None:
        self.conn.close()

