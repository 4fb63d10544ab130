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
    conn.execute("DELETE FROM meta WHERE key = 'book_schema'")  # as a store made before them
    conn.commit()
    conn.close()
    assert not {"book_tasks", "book_routines", "book_lines"} & tables(path)

    again = build_index(vault)
    assert again.stats.parsed == 0  # the notes' rows were kept: no cold index for a new table
    assert again.notes["Diary/2024-12-02.md"].tasks[0].text == "task 1"
    again.close()
    assert {"book_tasks", "book_routines", "book_lines"} <= tables(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == storemod.SCHEMA_VERSION  # kept, not rebuilt
    conn.close()


# -- the stored book equals the book linked afresh -------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from labnotes.queries import tasks as q  # noqa: E402
from labnotes.queries import taskbook  # noqa: E402
from labnotes.queries.filters import QueryError  # noqa: E402
from labnotes.tasks import identity  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TODAY = __import__("datetime").date(2026, 12, 1)
# Real vaults to compare on as well, by hand: LABNOTES_TASK_VAULTS=/work/trials/nekasu:/work/trials/tasks-demo
EXTRA = [p for p in os.environ.get("LABNOTES_TASK_VAULTS", "").split(os.pathsep) if p]


def generated(root: Path) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from make_vault import make_vault

    make_vault(root, 60, seed=5)
    # Ids, block ids, a sub-task, a cancelled line, a note without a day: every way a line joins a task.
    (root / "Notes").mkdir()
    (root / "Notes" / "plans.md").write_text(
        "# Plans\n- [ ] write the draft 🆔 draft1 📅 2024-03-01 ^draft\n"
        "    - plain\n        - [x] outline ✅ 2024-02-20\n- [-] dropped idea ❌ 2024-02-21\n- [ ] \n"
        # One blocked by an open task, one after a done one (not blocked), one an open task waits on.
        "- [ ] review the draft ⛔ draft1 🔼\n- [x] old step 🆔 old1\n- [ ] after the old step ⛔ old1 ⏫\n",
        encoding="utf-8",
    )
    # A note whose only tasks are a template's empty placeholders: no query views (as vault_tasks).
    (root / "Notes" / "blank.md").write_text("# Blank\n- [ ] \n- [ ] \n", encoding="utf-8")
    return root


def with_global_filter(root: Path) -> Path:
    (root / ".obsidian" / "plugins" / "obsidian-tasks-plugin").mkdir(parents=True)
    (root / ".obsidian" / "plugins" / "obsidian-tasks-plugin" / "data.json").write_text(json.dumps({"globalFilter": "#task"}))
    day = root / "Daily"
    day.mkdir()
    (day / "2024-12-01.md").write_text("# Plan\n- [ ] #task write ^w1\n- [ ] not a task here\n- [x] #task read\n", encoding="utf-8")
    (day / "2024-12-02.md").write_text("# Plan\n- [x] #task write ✅ 2024-12-02\n- [ ] not a task here\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module", params=["sample", "generated", "global-filter", *EXTRA])
def vault(request, tmp_path_factory) -> Path:
    if request.param == "sample":
        return REPO / "vault"
    if request.param == "generated":
        return generated(tmp_path_factory.mktemp("generated"))
    if request.param == "global-filter":
        return with_global_filter(tmp_path_factory.mktemp("filtered"))
    return Path(request.param)


@pytest.fixture(scope="module")
def both(vault, tmp_path_factory):
    """(index, stored book read back by a second run, the book linked afresh)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LABNOTES_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        first = build_index(vault)
        assert q.task_store(first).relinked  # the first run links and stores the book
        first.close()
        idx = build_index(vault)
        stored = q.task_store(idx)
        assert not stored.relinked and stored.linked is None  # the second reads it back
        yield idx, stored, q.linked_book(idx)
        idx.close()


def test_the_stored_book_is_the_linked_book(both):
    _, stored, fresh = both
    book = stored.book()
    assert fresh.tasks, "the vault has tasks to compare"
    assert book.tasks == fresh.tasks  # ids, kinds, every line of each, parents, sub-tasks
    assert book.routines == fresh.routines
    assert q.task_counts(both[0], book=stored) == q.task_counts(both[0], book=fresh)
    assert stored.statuses() == {t.status for t in fresh.tasks if t.kind == "task"}


LISTINGS = [
    {},
    {"status": "any"},
    {"status": "done"},
    {"status": "x"},
    {"status": "X"},
    {"status": "open", "since": "2024-12-03"},
    {"status": "any", "until": "2024-12-02"},
    {"done_since": "2024-01-01"},
    {"placeholders": True, "status": "any"},
    {"section": "科研", "status": "any"},
    {"grep": "a"},
]


@pytest.mark.parametrize("filters", LISTINGS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()) or "default")
def test_every_listing_is_the_same_from_the_store(both, filters):
    idx, stored, fresh = both
    got = q.list_tasks(idx, book=stored, today=TODAY, **filters)
    want = q.list_tasks(idx, book=fresh, today=TODAY, **filters)
    assert [t.to_json(TODAY) for t in got] == [t.to_json(TODAY) for t in want]


def test_a_listing_of_one_notes_tasks_is_the_same(both):
    idx, stored, fresh = both
    for t in fresh.tasks[:: max(1, len(fresh.tasks) // 5)]:
        for rel in {o.note for o in t.occurrences}:
            got = q.list_tasks(idx, book=stored, note=rel, status="any", placeholders=True, today=TODAY)
            assert got == q.list_tasks(idx, book=fresh, note=rel, status="any", placeholders=True, today=TODAY)


def test_each_task_is_found_and_told_the_same(both):
    idx, stored, fresh = both
    for t in fresh.tasks[:: max(1, len(fresh.tasks) // 40)]:
        assert q.find_task(idx, t.id, book=stored) == t
        o = t.occurrences[0]
        assert q.find_task(idx, f"{o.note}:{o.line}", book=stored) == q.find_task(idx, f"{o.note}:{o.line}", book=fresh)
        assert q.task_life(idx, t, book=stored) == q.task_life(idx, t, book=fresh)
        for ref in [f"^{o.block_id}" for o in t.occurrences if o.block_id] + [o.task_id for o in t.occurrences if o.task_id]:
            assert q.find_task(idx, ref, book=stored) == q.find_task(idx, ref, book=fresh)
    for r in fresh.routines:
        o = r.occurrences[-1]
        with pytest.raises(QueryError, match="daily routine"):
            q.find_task(idx, f"{o.note}:{o.line}", book=stored)
    assert q.routines(idx, book=stored) == fresh.routines


# -- when it is linked again -----------------------------------------------------------------------


def test_a_changed_note_links_the_book_again_and_the_next_run_reads_it(tmp_path):
    vault = REPO / "vault"
    copy = tmp_path / "v"
    __import__("shutil").copytree(vault, copy)
    first = build_index(copy)
    before = q.task_store(first).book()
    first.close()
    daily = [p for p in sorted(copy.rglob("2024-12-0*.md")) if "[ ]" in p.read_text(encoding="utf-8")][-1]
    daily.write_text(daily.read_text(encoding="utf-8").replace("[ ]", "[x]"), encoding="utf-8")
    idx = build_index(copy)
    stored = q.task_store(idx)
    assert stored.relinked
    assert stored.book().tasks == q.linked_book(idx).tasks != before.tasks
    idx.close()
    again = build_index(copy)
    assert not q.task_store(again).relinked
    again.close()


def test_index_counts_from_the_stored_book_without_linking(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    runner = CliRunner()
    vault = str(REPO / "vault")
    first = runner.invoke(app, ["index", "--vault", vault, "--json"])
    assert first.exit_code == 0, first.output

    def no_linking(*args, **kwargs):
        raise AssertionError("the stored book must be read, not linked again")

    monkeypatch.setattr(taskbook, "link_tasks", no_linking)
    monkeypatch.setattr(identity, "link_tasks", no_linking)
    second = runner.invoke(app, ["index", "--vault", vault, "--json"])
    assert second.exit_code == 0, second.output
    counts = json.loads(second.stdout)
    assert json.loads(first.stdout) | {"seconds": 0, "parsed": 0} == counts | {"seconds": 0}
    assert (counts["tasks"], counts["routines"]) == (json.loads(first.stdout)["tasks"], 2)
    listed = runner.invoke(app, ["tasks", "--vault", vault, "--json"])
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 6


def test_a_store_that_cannot_take_the_book_answers_from_memory(tmp_path, monkeypatch):
    import sqlite3

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(taskbook.StoredBook, "_write", locked)
    idx = build_index(REPO / "vault")
    stored = q.task_store(idx)
    assert stored.linked is not None
    assert q.list_tasks(idx, book=stored, today=TODAY) == q.list_tasks(idx, book=q.linked_book(idx), today=TODAY)
    assert q.task_counts(idx, book=stored)["routines"] == 2
    idx.close()


def test_a_book_linked_while_the_notes_moved_is_not_stored(tmp_path, monkeypatch):
    import sqlite3

    copy = tmp_path / "v"
    __import__("shutil").copytree(REPO / "vault", copy)
    idx = build_index(copy)
    real_link = taskbook.StoredBook._link

    def link_then_another_process_writes(self):
        out = real_link(self)
        other = sqlite3.connect(idx.stats.cache_path)  # another labnotes, indexing a changed note
        other.execute("UPDATE meta SET value = value + 1 WHERE key = 'next_text_rowid'")
        other.commit()
        other.close()
        return out

    monkeypatch.setattr(taskbook.StoredBook, "_link", link_then_another_process_writes)
    stored = q.task_store(idx)
    assert stored.relinked
    assert idx.store.conn.execute("SELECT value FROM meta WHERE key = 'task_book'").fetchone() is None
    assert stored.linked is not None  # this run answers from the book it linked
    assert stored.book().tasks == q.linked_book(idx).tasks and stored.book().tasks
    idx.close()


def test_a_listing_reads_no_task_lines_beyond_the_first_and_latest(both):
    idx, stored, fresh = both
    got = q.list_tasks(idx, book=stored, status="any", placeholders=True, today=TODAY)
    assert got and not any(isinstance(t, taskbook.StoredTask) and t.filled for t in got)
    by_id = fresh.by_id
    for t in got:
        want = by_id[t.id]
        seen = (t.first, t.latest, t.line_count, t.first_seen, t.last_seen, t.done_on, t.carried, t.text, t.status,
                t.days_open(TODAY), t.parent, t.subtasks)  # fmt: skip
        assert seen == (want.first, want.latest, want.line_count, want.first_seen, want.last_seen, want.done_on,
                        want.carried, want.text, want.status, want.days_open(TODAY), want.parent, want.subtasks)  # fmt: skip
    assert not any(isinstance(t, taskbook.StoredTask) and t.filled for t in got)
    stored.fill(got)
    assert got == [by_id[t.id] for t in got]


def test_a_listing_by_fields_sees_each_task_as_over_the_whole_vault(both, monkeypatch):
    from labnotes.queries.taskquery import options
    from labnotes.queries.taskquery.blocks import vault_tasks

    idx, stored, _ = both
    listed = q.list_tasks(idx, book=stored, status="any", placeholders=True, today=TODAY)
    everything = {(v.note, v.line): v for v in vault_tasks(idx)}
    views = options._latest_views(idx, listed)
    for t in listed:
        place = (t.latest.note, t.latest.line)
        assert views.get(place) == everything.get(place)
    flag_sets = ({"blocked": True}, {"sort": "due"}, {"group": "status", "limit": 5}, {"priority": "medium+"})
    got = [options.select_tasks(idx, listed, options.TaskOptions.from_flags(today=TODAY, **f)) for f in flag_sets]
    monkeypatch.setattr(options, "_latest_views", lambda idx, tasks: everything)  # as it was: every task line's view
    want = [options.select_tasks(idx, listed, options.TaskOptions.from_flags(today=TODAY, **f)) for f in flag_sets]
    assert [[(name, [t.id for t in ts]) for name, ts in g] for g in got] == [[(name, [t.id for t in ts]) for name, ts in w] for w in want]


def test_a_note_another_labnotes_added_meanwhile_is_linked_on_its_day(tmp_path):
    copy = tmp_path / "v"
    __import__("shutil").copytree(REPO / "vault", copy)
    idx = build_index(copy)  # this process's index, opened before the note came
    newest = sorted(copy.rglob("2024-12-0*.md"))[-1]
    (newest.parent / "2024-12-20.md").write_text("# 今日计划\n\n1. [ ] a task of the 20th\n", encoding="utf-8")
    build_index(copy).close()  # another labnotes indexes it (and its stored book is not written yet)
    stored = q.task_store(idx)  # links from the store's rows as they are now
    (task,) = [t for t in stored.book().tasks if t.text == "a task of the 20th"]
    assert task.first_seen == __import__("datetime").date(2024, 12, 20)
    idx.close()
    fresh = build_index(copy)
    assert stored.book().tasks == q.linked_book(fresh).tasks
    fresh.close()
