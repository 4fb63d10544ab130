"""The index store (SQLite): reused when nothing changed, refreshed note by note, rebuilt when
damaged or made by another version, safe with other processes reading and writing at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from labnotes.vault import build_index
from labnotes.vault import parsing
from labnotes.vault import store as storemod

NOTE = "# 今日计划\n\n1. [ ] task {n}\n\t1. 2024-12-0{d}-10:0{n} 周{w}：entry {n}\n"


def make_notes(root: Path, count: int = 3) -> Path:
    for n in range(count):
        path = root / "Diary" / f"2024-12-0{n + 1}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(NOTE.format(n=n, d=n + 1, w="日一二三四五六"[n % 7]), encoding="utf-8")
    return root


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def closed(idx):
    idx.close()
    return idx


def test_a_second_run_parses_nothing_and_reads_no_note(tmp_path, monkeypatch):
    vault = make_notes(tmp_path / "v")
    first = closed(build_index(vault))
    assert first.stats.parsed == 3 and first.stats.cache_written

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged vault must not be read")

    monkeypatch.setattr(parsing, "parse_one", no_reading)
    second = build_index(vault)
    assert (second.stats.parsed, second.stats.hashed, second.stats.cache_written) == (0, 0, False)
    assert second.notes["Diary/2024-12-02.md"].tasks[0].text == "task 1"


def test_only_the_changed_note_is_parsed_again(tmp_path):
    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    (vault / "Diary/2024-12-02.md").write_text("# 今日计划\n\n1. [x] changed\n", encoding="utf-8")
    idx = build_index(vault)
    assert idx.stats.parsed == 1
    assert idx.notes["Diary/2024-12-02.md"].tasks[0].task == "x"
    assert idx.notes["Diary/2024-12-01.md"].tasks[0].text == "task 0"
    assert [e.text for _, e in idx.entries()] == ["entry 0", "entry 2"]


def test_a_touched_but_unchanged_note_is_hashed_not_parsed(tmp_path):
    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    bump_mtime(vault / "Diary/2024-12-01.md")
    idx = closed(build_index(vault))
    assert (idx.stats.hashed, idx.stats.parsed) == (1, 0)
    # The new stamp was recorded: the next run does not hash it again.
    assert build_index(vault).stats.hashed == 0


def test_deleted_renamed_and_changed_notes_between_runs(tmp_path):
    vault = make_notes(tmp_path / "v")
    (vault / "links.md").write_text(
        "[[2024-12-01]] [[2024-12-02]] [[renamed 2024-12-09]] [[2024-12-03#今日计划]] [[2024-12-03#新的]]\n", encoding="utf-8"
    )
    before = build_index(vault)
    assert [r.ok for _, _, r in before.links()] == [True, True, False, True, False]
    before.close()
    (vault / "Diary/2024-12-01.md").unlink()
    (vault / "Diary/2024-12-02.md").rename(vault / "Diary/renamed 2024-12-09.md")
    (vault / "Diary/2024-12-03.md").write_text("# 新的\n", encoding="utf-8")
    idx = build_index(vault)
    assert sorted(idx.notes) == ["Diary/2024-12-03.md", "Diary/renamed 2024-12-09.md", "links.md"]
    assert idx.note_day("Diary/renamed 2024-12-09.md").isoformat() == "2024-12-09"
    assert idx.stats.parsed == 2
    # The links that could change were resolved again; the link note itself was not re-read.
    assert [(r.ok, r.rel, r.heading_line) for _, _, r in idx.links()] == [
        (False, None, None),
        (False, None, None),
        (True, "Diary/renamed 2024-12-09.md", None),
        (False, "Diary/2024-12-03.md", None),
        (True, "Diary/2024-12-03.md", 1),
    ]
    assert [e.text for _, e in idx.entries()] == ["entry 1"]
    assert idx.entry("2024-12-01@2024-12-01T10:00") is None


def test_a_new_note_resolves_the_links_waiting_for_it(tmp_path):
    vault = make_notes(tmp_path / "v", count=1)
    (vault / "a.md").write_text("[[Later]] [[pic.png]]\n", encoding="utf-8")
    before = build_index(vault)
    assert [r.ok for _, _, r in before.links()] == [False, False]
    before.close()
    (vault / "sub").mkdir()
    (vault / "sub" / "later.md").write_text("# x\n", encoding="utf-8")
    (vault / "pic.png").write_bytes(b"\x89PNG")
    idx = build_index(vault)
    assert [(r.ok, r.rel) for _, _, r in idx.links()] == [(True, "sub/later.md"), (True, "pic.png")]
    assert idx.stats.parsed == 1


def test_an_alias_added_later_resolves_links_to_it(tmp_path):
    vault = make_notes(tmp_path / "v", count=1)
    (vault / "a.md").write_text("[[PartialOct]]\n", encoding="utf-8")
    (vault / "net.md").write_text("# net\n", encoding="utf-8")
    before = build_index(vault)
    assert [r.ok for _, _, r in before.links()] == [False]
    before.close()
    (vault / "net.md").write_text("---\naliases: [PartialOct]\n---\n# net\n", encoding="utf-8")
    assert [(r.ok, r.rel, r.via) for _, _, r in build_index(vault).links()] == [(True, "net.md", "alias")]


def _damage_magic(data: bytes) -> bytes:
    return b"not a database!!" + data[16:]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: b"garbage" * 1000, id="not-a-database"),
        pytest.param(_damage_magic, id="corrupt-header"),
        pytest.param(lambda data: data[:4096] + b"\xff" * (len(data) - 4096), id="corrupt-pages"),
    ],
)
def test_a_damaged_store_is_rebuilt_with_a_warning(tmp_path, damage):
    vault = make_notes(tmp_path / "v")
    path = closed(build_index(vault)).stats.cache_path
    assert path.name.endswith(".sqlite") and not Path(f"{path}-wal").exists()
    path.write_bytes(damage(path.read_bytes()))
    idx = closed(build_index(vault))
    assert idx.stats.parsed == 3 and idx.stats.cache_written
    assert any("rebuilding" in p.message for p in idx.problems)
    again = build_index(vault)  # and the rebuilt one is good
    assert again.stats.parsed == 0 and again.problems == []
    assert [t.text for rel in again.notes for t in again.notes[rel].tasks] == ["task 0", "task 1", "task 2"]


def test_an_empty_store_file_is_filled_again(tmp_path):
    vault = make_notes(tmp_path / "v")
    path = closed(build_index(vault)).stats.cache_path
    path.write_bytes(b"")
    assert closed(build_index(vault)).stats.parsed == 3
    assert build_index(vault).stats.parsed == 0


def test_damaged_rows_of_one_note_are_read_again_from_its_file(tmp_path):
    vault = make_notes(tmp_path / "v")
    path = closed(build_index(vault)).stats.cache_path
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE tasks SET section = 'not json' WHERE note_id = (SELECT id FROM notes WHERE path = 'Diary/2024-12-02.md')")
    conn.close()
    idx = build_index(vault)
    assert [t.text for rel in idx.notes for t in idx.notes[rel].tasks] == ["task 0", "task 1", "task 2"]


def test_a_store_of_another_schema_version_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    monkeypatch.setattr(storemod, "SCHEMA_VERSION", storemod.SCHEMA_VERSION + 1)
    idx = closed(build_index(vault))
    assert idx.stats.parsed == 3
    assert any("another labnotes version" in p.message for p in idx.problems)
    assert build_index(vault).problems == []


def test_an_old_database_with_other_tables_is_replaced(tmp_path):
    # An older schema: other tables, other columns, an older user_version.
    vault = make_notes(tmp_path / "v")
    path = storemod.store_file(vault.resolve())
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (path TEXT, blob BLOB)")
        conn.execute("INSERT INTO notes VALUES ('Diary/2024-12-01.md', x'00')")
        conn.execute("PRAGMA user_version = 0")
        conn.execute("CREATE TABLE meta (key TEXT, value TEXT)")
    conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 1")  # claims to be current, but is not ours
    conn.close()
    idx = build_index(vault)
    assert idx.stats.parsed == 3 and len(idx.notes) == 3


def test_the_old_pickle_cache_is_removed(tmp_path):
    vault = make_notes(tmp_path / "v")
    old = storemod.store_file(vault.resolve()).with_suffix(".idx")
    old.parent.mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"labnotes-index\n" + b"\0" * 100)
    build_index(vault)
    assert not old.exists()


def test_a_changed_config_parses_again_without_a_warning(tmp_path):
    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    (vault / ".labnotes.yaml").write_text("life_section: 生活\n", encoding="utf-8")
    idx = build_index(vault)
    assert idx.stats.parsed == 3 and idx.problems == []


def test_use_cache_false_neither_reads_nor_writes_it(tmp_path):
    vault = make_notes(tmp_path / "v")
    idx = build_index(vault, use_cache=False)
    assert idx.stats.cache_path is None and not storemod.store_file(vault.resolve()).parent.exists()
    assert len(idx.notes) == 3


def test_the_store_lives_in_LABNOTES_CACHE_DIR_one_file_per_vault(tmp_path, monkeypatch):
    monkeypatch.setenv("LABNOTES_CACHE_DIR", str(tmp_path / "mycache"))
    a, b = make_notes(tmp_path / "a"), make_notes(tmp_path / "b")
    closed(build_index(a)), closed(build_index(b))
    assert len(list((tmp_path / "mycache").glob("vault-*.sqlite"))) == 2


def test_the_store_is_no_bigger_than_needed(tmp_path):
    vault = make_notes(tmp_path / "v", count=5)
    idx = closed(build_index(vault))
    with sqlite3.connect(idx.stats.cache_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 5
    conn.close()


def test_a_cold_index_over_a_process_pool_matches_the_in_process_one(tmp_path, monkeypatch):
    vault = make_notes(tmp_path / "v", count=6)
    alone = build_index(vault, use_cache=False)
    monkeypatch.setattr(parsing, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(parsing, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parsing.use_pool([parsing.Job("x.md", parsing.Stamp(10, 0, 0, 0))])
    seen: list[tuple[int, int]] = []
    pooled = build_index(vault, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (6, 6)
    assert {r: pooled.notes[r].to_json() for r in pooled.notes} == {r: alone.notes[r].to_json() for r in alone.notes}


def test_a_note_that_keeps_failing_does_not_rewrite_the_store_each_run(tmp_path):
    vault = make_notes(tmp_path / "v")
    (vault / "binary.md").write_bytes(b"\x00 not a note")
    closed(build_index(vault))
    again = build_index(vault)
    assert not again.stats.cache_written
    assert [p.rel for p in again.problems] == ["binary.md"]


def test_a_note_that_becomes_unreadable_leaves_the_store(tmp_path):
    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    (vault / "Diary/2024-12-01.md").write_bytes(b"\x00 now binary")
    idx = build_index(vault)
    assert "Diary/2024-12-01.md" not in idx.notes
    assert [e.text for _, e in idx.entries()] == ["entry 1", "entry 2"]


# -- other processes at once ----------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from labnotes.vault import build_index
    vault, rounds, me = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    for i in range(rounds):
        note = vault / "Diary" / f"2024-12-0{1 + i % 3}.md"
        note.write_text(f"# 今日计划\\n\\n1. [ ] {me} round {i}\\n" + "\\t- 2024-12-01-10:00 周日：x\\n" * (i % 5), encoding="utf-8")
        (vault / f"{me}-{i % 4}.md").write_text(f"[[2024-12-0{1 + i % 3}]] {i}\\n", encoding="utf-8")
        idx = build_index(vault)
        assert len(idx.notes) >= 3, sorted(idx.notes)
        idx.close()
    print("ok")
    """
)

READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from labnotes.queries.summary import summary
    from labnotes.vault import build_index
    from labnotes.queries.tasks import tasks
    from labnotes.queries.links import links
    vault, rounds = Path(sys.argv[1]), int(sys.argv[2])
    for i in range(rounds):
        idx = build_index(vault)
        counts = summary(idx)
        rows = tasks(idx)
        assert all(r.text for r in rows)
        for r in links(idx):
            assert r.resolved is None or r.ok is not None
        for rel in list(idx.notes)[:3]:
            idx.notes[rel]
        idx.close()
    print("ok")
    """
)


def test_two_indexers_and_a_reader_in_other_processes_leave_a_whole_store(tmp_path):
    vault = make_notes(tmp_path / "v", count=3)
    closed(build_index(vault))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(vault), "25", "w1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen([sys.executable, "-c", WRITER, str(vault), "25", "w2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
        subprocess.Popen([sys.executable, "-c", READER, str(vault), "40"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env),
    ]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0 and out.strip() == "ok", err[-3000:]
    idx = build_index(vault)
    assert not any("rebuilding" in p.message for p in idx.problems)
    # What the store holds is what the files say.
    fresh = build_index(vault, use_cache=False)
    assert {r: idx.notes[r].to_json() for r in idx.notes} == {r: fresh.notes[r].to_json() for r in fresh.notes}
    assert [(a, b.line, c) for a, b, c in idx.links()] == [(a, b.line, c) for a, b, c in fresh.links()]
    with sqlite3.connect(idx.stats.cache_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_export_writes_a_copy_that_sqlite3_opens(tmp_path):
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    vault = make_notes(tmp_path / "v")
    out = tmp_path / "copy.sqlite"
    result = CliRunner().invoke(app, ["export", "--sqlite", str(out), "--vault", str(vault)])
    assert result.exit_code == 0, result.output
    assert not Path(f"{out}-wal").exists()
    with sqlite3.connect(out) as conn:
        rows = conn.execute(
            "SELECT n.path, i.text FROM tasks i JOIN notes n ON n.id = i.note_id WHERE i.task = ' ' ORDER BY n.path"
        ).fetchall()
        assert rows == [("Diary/2024-12-01.md", "task 0"), ("Diary/2024-12-02.md", "task 1"), ("Diary/2024-12-03.md", "task 2")]
        assert conn.execute("PRAGMA user_version").fetchone()[0] == storemod.SCHEMA_VERSION
    conn.close()
    again = CliRunner().invoke(app, ["export", "--sqlite", str(out), "--vault", str(vault)])
    assert again.exit_code == 1 and "--force" in again.stderr
    assert CliRunner().invoke(app, ["export", "--sqlite", str(out), "--vault", str(vault), "--force"]).exit_code == 0


def test_entry_ids_kept_only_where_they_are_not_stem_at_timestamp(tmp_path):
    vault = tmp_path / "v"
    (vault / "Diary").mkdir(parents=True)
    # Two entries of one minute (the second is `~2`), and a file name with a dot in its stem.
    (vault / "Diary" / "2024-12-01.md").write_text(
        "1. [ ] task\n\t1. 2024-12-01-10:00 周日：first\n\t2. 2024-12-01-10:00 周日：same minute\n", encoding="utf-8"
    )
    (vault / "Diary" / "v1.2 notes.md").write_text("- 2024-12-02-09:30 周一：dotted\n", encoding="utf-8")
    idx = build_index(vault)
    ids = [e.id for _, e in idx.entries()]
    assert ids == ["2024-12-01@2024-12-01T10:00", "2024-12-01@2024-12-01T10:00~2", "v1.2 notes@2024-12-02T09:30"]
    stored = [r[0] for r in idx.store.conn.execute("SELECT entry_id FROM entries e JOIN notes n ON n.id = e.note_id ORDER BY n.path, e.seq")]
    assert stored == [None, "2024-12-01@2024-12-01T10:00~2", None]
    for eid in ids:
        found = idx.entry(eid)
        assert found is not None and found[1].id == eid
    assert idx.entry_at("Diary/2024-12-01.md", 3).id == ids[1]
    assert [e.id for e in idx.notes["Diary/v1.2 notes.md"].entries] == [ids[2]]
    assert [r[1] for r in idx.timeline_entries()] == ids
    idx.close()


def test_a_cold_index_leaves_no_page_to_reclaim(tmp_path):
    # Part tables fill in key order and their pages split half full; the cold index compacts.
    vault = make_notes(tmp_path / "v", count=9)
    for n in range(300):
        path = vault / "Log" / f"log {n}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"- [ ] step {i} of {n} [[log {i}]] [[missing {i}]]\n" for i in range(12)), encoding="utf-8")
    idx = build_index(vault)
    assert idx.stats.parsed == 309
    path = idx.stats.cache_path
    idx.close()
    copy = tmp_path / "copy.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"VACUUM INTO '{copy}'")
    conn.close()
    assert path.stat().st_size <= copy.stat().st_size
    again = build_index(vault)
    assert again.stats.parsed == 0 and len(again.links(unresolved=True)) == 300 * 12
    again.close()


def test_a_warm_start_reads_the_notes_table_once_and_a_change_reads_it_again(tmp_path, monkeypatch):
    from labnotes.vault.reading import Reader

    vault = make_notes(tmp_path / "v")
    closed(build_index(vault))
    fresh = Reader.note_rows

    def not_again(self):
        raise AssertionError("a warm start has read the notes table already")

    monkeypatch.setattr(Reader, "note_rows", not_again)
    idx = build_index(vault)
    assert idx.stats.parsed == 0
    assert idx._rows == fresh(idx.reader)
    assert idx.facts["Diary/2024-12-02.md"].tasks == 1
    idx.close()
    monkeypatch.setattr(Reader, "note_rows", fresh)
    (vault / "Diary/2024-12-02.md").write_text("# 今日计划\n\n1. [ ] one\n2. [x] two\n", encoding="utf-8")
    (vault / "Diary/2024-12-03.md").unlink()
    idx = build_index(vault)
    assert idx.stats.parsed == 1
    assert idx.facts["Diary/2024-12-02.md"].tasks == 2 and "Diary/2024-12-03.md" not in idx.facts
    assert idx._rows == fresh(idx.reader)
    idx.close()
