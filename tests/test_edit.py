"""Safe note edits: toggle a task, insert a line, refuse to clobber a note changed meanwhile."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from labnotes.notes.edit import (
    BOM,
    LineOutOfRange,
    NoteChanged,
    NotATask,
    EditError,
    create_new,
    insert_line_after,
    read_snapshot,
    toggle,
    write_if_unchanged,
)
from labnotes.settings.locations import SAMPLE_VAULT
from labnotes.parse import parse_note

SEED = SAMPLE_VAULT / "Diary" / "2024" / "2024-12-01.md"


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    path = tmp_path / "2024-12-01.md"
    shutil.copyfile(SEED, path)
    return path


def changed_lines(before: bytes, after: bytes) -> list[int]:
    a, b = before.splitlines(keepends=True), after.splitlines(keepends=True)
    assert len(a) == len(b)
    return [i + 1 for i, (x, y) in enumerate(zip(a, b)) if x != y]


# --- toggle on the seed note -------------------------------------------------------------


def test_toggle_seed_line_28_marks_only_that_task_done(seed_copy: Path) -> None:
    before = seed_copy.read_bytes()
    result = toggle(seed_copy, 28)
    after = seed_copy.read_bytes()
    assert changed_lines(before, after) == [28]
    assert after.splitlines()[27].decode() == "3. [x] 思考在代码层面如何将小波卷积与部分卷积结合"
    assert (result.old, result.new) == (" ", "x")


def test_toggle_twice_restores_every_byte(seed_copy: Path) -> None:
    before = seed_copy.read_bytes()
    toggle(seed_copy, 28)
    toggle(seed_copy, 28)
    assert seed_copy.read_bytes() == before


def test_toggle_done_task_reopens_it(seed_copy: Path) -> None:
    toggle(seed_copy, 27)  # 2. [x] 阅读[小波卷积文章](…)
    assert seed_copy.read_bytes().splitlines()[26].startswith("2. [ ] 阅读".encode())


def test_toggle_nested_tab_indented_task(seed_copy: Path) -> None:
    toggle(seed_copy, 70)  # \t\t1. [ ] 方案 1：缩小学习率
    assert seed_copy.read_bytes().splitlines()[69] == "\t\t1. [x] 方案 1：缩小学习率".encode()


@pytest.mark.parametrize("to", ["/", "-", ">", "x"])
def test_toggle_to_sets_the_given_status(seed_copy: Path, to: str) -> None:
    result = toggle(seed_copy, 140, to=to)
    assert seed_copy.read_bytes().splitlines()[139] == f"7. [{to}] 准备修改综述论文".encode()
    assert result.new == to


def test_toggle_to_rejects_more_than_one_character(seed_copy: Path) -> None:
    with pytest.raises(EditError):
        toggle(seed_copy, 140, to="xx")


def test_in_progress_task_flips_to_done(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("- [/] half way\n", encoding="utf-8")
    toggle(note, 1)
    assert note.read_text(encoding="utf-8") == "- [x] half way\n"


@pytest.mark.parametrize("line", [4, 10, 30, 161, 1])
def test_a_line_that_is_not_a_task_is_refused_untouched(seed_copy: Path, line: int) -> None:
    before = seed_copy.read_bytes()
    with pytest.raises(NotATask):
        toggle(seed_copy, line)
    assert seed_copy.read_bytes() == before


def test_a_task_inside_a_code_block_is_not_a_task(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("```\n- [ ] sample\n```\n", encoding="utf-8")
    with pytest.raises(NotATask):
        toggle(note, 2)


@pytest.mark.parametrize("line", [0, 170, -1])
def test_line_out_of_range(seed_copy: Path, line: int) -> None:
    with pytest.raises(LineOutOfRange):
        toggle(seed_copy, line)


# --- done dates ----------------------------------------------------------------------------


def test_done_date_is_stamped_when_asked_and_removed_on_reopen(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("1. [ ] 准备扬州会议报销工作\n", encoding="utf-8")
    toggle(note, 1, done_date=dt.date(2024, 12, 2))
    assert note.read_text(encoding="utf-8") == "1. [x] 准备扬州会议报销工作 ✅ 2024-12-02\n"
    toggle(note, 1, done_date=dt.date(2024, 12, 3))
    assert note.read_text(encoding="utf-8") == "1. [ ] 准备扬州会议报销工作\n"


def test_done_date_goes_before_a_block_id(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("- [ ] write the review ^rev1\n", encoding="utf-8")
    toggle(note, 1, done_date=dt.date(2024, 12, 2))
    assert note.read_text(encoding="utf-8") == "- [x] write the review ✅ 2024-12-02 ^rev1\n"


def test_marking_a_done_task_done_again_keeps_its_completion_date(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("- [x] old done ✅ 2024-01-02 ^blk\n", encoding="utf-8")
    toggle(note, 1, "X", done_date=dt.date(2026, 11, 27))
    assert note.read_text(encoding="utf-8") == "- [X] old done ✅ 2024-01-02 ^blk\n"


def test_no_done_date_unless_asked(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_text("- [ ] a\n", encoding="utf-8")
    toggle(note, 1)
    assert note.read_text(encoding="utf-8") == "- [x] a\n"


# --- refusing a note that changed ------------------------------------------------------------


def test_toggle_with_a_stale_snapshot_is_refused_and_keeps_the_newer_file(seed_copy: Path) -> None:
    stale = read_snapshot(seed_copy)
    newer = stale.data.replace("准备修改综述论文".encode(), "准备修改综述论文 (周三前)".encode())
    seed_copy.write_bytes(newer)
    with pytest.raises(NoteChanged):
        toggle(seed_copy, 140, snapshot=stale)
    assert seed_copy.read_bytes() == newer


def test_write_if_unchanged_refuses_a_removed_file(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"a\n")
    snap = read_snapshot(note)
    note.unlink()
    with pytest.raises(NoteChanged):
        write_if_unchanged(snap, b"b\n")
    assert not note.exists()


def test_write_if_unchanged_leaves_no_temporary_file_and_keeps_the_mode(tmp_path: Path) -> None:
    note = tmp_path / "n.md"
    note.write_bytes(b"a\n")
    os.chmod(note, 0o640)
    write_if_unchanged(read_snapshot(note), b"b\n")
    assert note.read_bytes() == b"b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n.md"]
    assert (note.stat().st_mode & 0o777) == 0o640


def test_write_goes_through_a_symlink_to_the_real_note(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"- [ ] a\n")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    toggle(link, 1)
    assert link.is_symlink()
    assert real.read_bytes() == b"- [x] a\n"


# --- insert_line_after ------------------------------------------------------------------------


def snap_of(tmp_path: Path, data: bytes):
    note = tmp_path / "n.md"
    note.write_bytes(data)
    return read_snapshot(note)


def test_insert_keeps_crlf_and_bom(tmp_path: Path) -> None:
    snap = snap_of(tmp_path, BOM + b"# t\r\n- [ ] a\r\n\tlog\r\n")
    assert insert_line_after(snap, 2, "\t- ran: ok") == BOM + b"# t\r\n- [ ] a\r\n\t- ran: ok\r\n\tlog\r\n"


def test_insert_at_the_top_goes_after_the_bom(tmp_path: Path) -> None:
    snap = snap_of(tmp_path, BOM + b"a\n")
    assert insert_line_after(snap, 0, "top") == BOM + b"top\na\n"


def test_insert_after_a_last_line_without_line_ending(tmp_path: Path) -> None:
    snap = snap_of(tmp_path, b"a\r\nb")
    assert insert_line_after(snap, 2, "c") == b"a\r\nb\r\nc"


def test_insert_several_lines_takes_the_file_line_ending(tmp_path: Path) -> None:
    snap = snap_of(tmp_path, b"a\r\nb\r\n")
    assert insert_line_after(snap, 1, "x\ny") == b"a\r\nx\r\ny\r\nb\r\n"


def test_insert_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(LineOutOfRange):
        insert_line_after(snap_of(tmp_path, b"a\n"), 2, "x")


# --- create_new -------------------------------------------------------------------------------


def test_create_new_makes_folders_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "Diary" / "2025" / "2025-01-01.md"
    create_new(path, b"one\n")
    with pytest.raises(FileExistsError):
        create_new(path, b"two\n")
    assert path.read_bytes() == b"one\n"
    assert [p.name for p in path.parent.iterdir()] == ["2025-01-01.md"]


# --- the byte-for-byte promise, for any note ----------------------------------------------------

_words = st.text(alphabet="abc 思考小波卷积\t`*[]()#~<>", max_size=12)
_indent = st.sampled_from(["", "\t", "\t\t", "  ", "    "])
_marker = st.sampled_from(["-", "*", "+", "1.", "2)", "10."])
_status = st.sampled_from([" ", "x", "X", "/", "-", ">", "?", "!"])
_task = st.builds(lambda i, m, s, w: f"{i}{m} [{s}] {w}", _indent, _marker, _status, _words)
_other = st.one_of(
    _words,
    st.builds(lambda i, m, w: f"{i}{m} {w}", _indent, _marker, _words),
    st.sampled_from(["", "# 今日计划", "## 科研", "```", "---", "> [!note]", "| a | b |"]),
)
_line = st.one_of(_task, _task, _other)
_eol = st.sampled_from(["\n", "\r\n"])


@st.composite
def notes(draw) -> bytes:
    lines = draw(st.lists(st.tuples(_line, _eol), min_size=1, max_size=25))
    text = "".join(line + eol for line, eol in lines)
    if draw(st.booleans()):
        text = text[: -len(lines[-1][1])]  # no line ending at the end
    data = text.encode("utf-8")
    return BOM + data if draw(st.booleans()) else data


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=notes(), pick=st.integers(min_value=0, max_value=10_000), task_line=st.booleans())
def test_toggling_any_line_changes_at_most_that_lines_status_char(data: bytes, pick: int, task_line: bool) -> None:
    lines = data.splitlines(keepends=True)
    assume(lines)
    line = pick % len(lines) + 1
    tasks = [i.line for i in parse_note(data.decode("utf-8-sig"), "n.md").tasks]
    if task_line and tasks:  # half the examples aim at a task, the rest at any line
        line = tasks[pick % len(tasks)]
    is_task = parse_note(data.decode("utf-8-sig"), "n.md").item_at(line)
    with tempfile.TemporaryDirectory() as folder:
        note = Path(folder) / "n.md"
        note.write_bytes(data)
        if is_task is None or is_task.task is None:
            event("not a task")
            with pytest.raises(NotATask):
                toggle(note, line)
            assert note.read_bytes() == data
            return
        event("task")
        result = toggle(note, line)
        after = note.read_bytes()
        assert sorted(p.name for p in Path(folder).iterdir()) == ["n.md"]
    new_lines = after.splitlines(keepends=True)
    assert len(new_lines) == len(lines)
    for i, (old, new) in enumerate(zip(lines, new_lines), start=1):
        if i != line:
            assert old == new
            continue
        old_s, new_s = old.decode("utf-8"), new.decode("utf-8")
        k = old_s.index("[") + 1  # the status character
        assert new_s[:k] + new_s[k + 1 :] == old_s[:k] + old_s[k + 1 :]
        assert (old_s[k], new_s[k]) == (result.old, result.new)
    assert result.new == ("x" if result.old in " /" else " ")


@settings(max_examples=40, deadline=None)
@given(data=notes(), pick=st.integers(min_value=0, max_value=10_000), text=_words.filter(bool))
def test_insert_line_after_keeps_every_other_byte(data: bytes, pick: int, text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        note = Path(folder) / "n.md"
        note.write_bytes(data)
        snap = read_snapshot(note)
    bare = data.removeprefix(BOM)
    lines = bare.splitlines(keepends=True)
    assume(lines)
    line = pick % (len(lines) + 1)
    out = insert_line_after(snap, line, text)
    assert out.startswith(BOM) == data.startswith(BOM)
    new_lines = out.removeprefix(BOM).splitlines(keepends=True)
    assert len(new_lines) == len(lines) + 1
    assert new_lines[line].rstrip(b"\r\n") == text.encode("utf-8")
    kept = new_lines[:line] + new_lines[line + 1 :]
    for k, (old, new) in enumerate(zip(lines, kept), start=1):
        if k == len(lines) == line and not old.endswith((b"\n", b"\r")):
            assert new.rstrip(b"\r\n") == old  # the old last line gains the separator, nothing else
        else:
            assert new == old
