"""The persistent cache: reused when nothing changed, refreshed note by note, rebuilt when damaged."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from labnotes.vault import build_index
from labnotes.vault import cache as cachemod
from labnotes.vault import parsing

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


def test_a_second_run_parses_nothing_and_reads_no_note(tmp_path, monkeypatch):
    vault = make_notes(tmp_path / "v")
    first = build_index(vault)
    assert first.stats.parsed == 3 and first.stats.cache_written

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged vault must not be read")

    monkeypatch.setattr(parsing, "parse_one", no_reading)
    second = build_index(vault)
    assert (second.stats.parsed, second.stats.hashed, second.stats.cache_written) == (0, 0, False)
    assert second.notes["Diary/2024-12-02.md"].tasks[0].text == "task 1"


def test_only_the_changed_note_is_parsed_again(tmp_path):
    vault = make_notes(tmp_path / "v")
    build_index(vault)
    (vault / "Diary/2024-12-02.md").write_text("# 今日计划\n\n1. [x] changed\n", encoding="utf-8")
    idx = build_index(vault)
    assert idx.stats.parsed == 1
    assert idx.notes["Diary/2024-12-02.md"].tasks[0].task == "x"
    assert idx.notes["Diary/2024-12-01.md"].tasks[0].text == "task 0"


def test_a_touched_but_unchanged_note_is_hashed_not_parsed(tmp_path):
    vault = make_notes(tmp_path / "v")
    build_index(vault)
    bump_mtime(vault / "Diary/2024-12-01.md")
    idx = build_index(vault)
    assert (idx.stats.hashed, idx.stats.parsed) == (1, 0)
    # The new mtime was recorded: the next run does not hash it again.
    assert build_index(vault).stats.hashed == 0


def test_deleted_and_renamed_notes(tmp_path):
    vault = make_notes(tmp_path / "v")
    build_index(vault)
    (vault / "Diary/2024-12-01.md").unlink()
    (vault / "Diary/2024-12-02.md").rename(vault / "Diary/renamed 2024-12-09.md")
    idx = build_index(vault)
    assert sorted(idx.notes) == ["Diary/2024-12-03.md", "Diary/renamed 2024-12-09.md"]
    assert idx.note_day("Diary/renamed 2024-12-09.md").isoformat() == "2024-12-09"
    assert idx.stats.parsed == 1


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[: len(data) // 2], id="cut-short"),
        pytest.param(lambda data: b"garbage" * 100, id="not-a-cache"),
        pytest.param(lambda data: data[:40] + b"\xff" * 50 + data[90:], id="corrupt-header"),
    ],
)
def test_a_damaged_cache_is_rebuilt_with_a_warning(tmp_path, damage):
    vault = make_notes(tmp_path / "v")
    path = build_index(vault).stats.cache_path
    path.write_bytes(damage(path.read_bytes()))
    idx = build_index(vault)
    assert idx.stats.parsed == 3 and idx.stats.cache_written
    assert any("rebuilding" in p.message for p in idx.problems)
    assert build_index(vault).stats.parsed == 0  # and the rebuilt one is good


def test_a_damaged_note_inside_an_intact_cache_is_read_again_from_its_file(tmp_path):
    vault = make_notes(tmp_path / "v")
    path = build_index(vault).stats.cache_path
    data = bytearray(path.read_bytes())
    data[-20:] = b"\x00" * 20  # inside the last pickled note
    path.write_bytes(bytes(data))
    idx = build_index(vault)
    assert [t.text for rel in idx.notes for t in idx.notes[rel].tasks] == ["task 0", "task 1", "task 2"]


def test_a_cache_from_another_version_is_rebuilt_with_a_warning(tmp_path, monkeypatch):
    vault = make_notes(tmp_path / "v")
    build_index(vault)
    monkeypatch.setattr(cachemod, "FORMAT", cachemod.FORMAT + 1)
    idx = build_index(vault)
    assert idx.stats.parsed == 3
    assert any("another labnotes version" in p.message for p in idx.problems)


def test_a_changed_config_parses_again_without_a_warning(tmp_path):
    vault = make_notes(tmp_path / "v")
    build_index(vault)
    (vault / ".labnotes.yaml").write_text("life_section: 生活\n", encoding="utf-8")
    idx = build_index(vault)
    assert idx.stats.parsed == 3 and idx.problems == []


def test_use_cache_false_neither_reads_nor_writes_it(tmp_path):
    vault = make_notes(tmp_path / "v")
    idx = build_index(vault, use_cache=False)
    assert idx.stats.cache_path is None and not any(cachemod.cache_file(vault.resolve()).parent.glob("*"))


def test_the_cache_lives_in_LABNOTES_CACHE_DIR_one_file_per_vault(tmp_path, monkeypatch):
    monkeypatch.setenv("LABNOTES_CACHE_DIR", str(tmp_path / "mycache"))
    a, b = make_notes(tmp_path / "a"), make_notes(tmp_path / "b")
    build_index(a), build_index(b)
    assert len(list((tmp_path / "mycache").glob("vault-*.idx"))) == 2


def test_two_writers_at_once_leave_a_whole_cache(tmp_path):
    vault = make_notes(tmp_path / "v", count=5)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            for _ in range(5):
                build_index(vault, use_cache=True)
                (vault / "Diary/2024-12-01.md").write_text(f"# x\n{threading.get_ident()}\n", encoding="utf-8")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    idx = build_index(vault)
    assert not any("rebuilding" in p.message for p in idx.problems)
    assert not list(idx.stats.cache_path.parent.glob("*.tmp"))


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


def test_a_note_that_keeps_failing_does_not_rewrite_the_cache_each_run(tmp_path):
    vault = make_notes(tmp_path / "v")
    (vault / "binary.md").write_bytes(b"\x00 not a note")
    build_index(vault)
    again = build_index(vault)
    assert not again.stats.cache_written
    assert [p.rel for p in again.problems] == ["binary.md"]
