"""Every write to a note: locked, atomic, refusing rather than overwriting, leaving nothing behind.

Writers here are real processes, as when the TUI and `labnotes toggle` (or two toggles) edit one
note at once.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from labnotes.notes.edit import NoteChanged, NotWritable, read_snapshot, toggle, write_if_unchanged
from labnotes.notes.write import create_new

LINES = 8


def _note(tmp_path: Path) -> Path:
    note = tmp_path / "2024-12-01.md"
    note.write_text("# 今日计划\n" + "".join(f"{n}. [ ] task {n}\n" for n in range(1, LINES + 1)), encoding="utf-8")
    return note


def _toggler(args: tuple[str, int, int, "multiprocessing.synchronize.Barrier"]) -> list[tuple[int, str, bool]]:
    """Flip one task line again and again; report what each attempt said it did."""
    path, line, rounds, barrier = args
    barrier.wait()
    said = []
    for n in range(rounds):
        to = "x" if n % 2 == 0 else " "
        try:
            toggle(path, line, to)
        except NoteChanged:
            said.append((n, to, False))  # refused: the note moved under it, nothing written
        else:
            said.append((n, to, True))
    return said


def _status(note: Path, line: int) -> str:
    return note.read_text(encoding="utf-8").splitlines()[line - 1].split("[", 1)[1][0]


@pytest.mark.parametrize("writers, rounds", [(2, 300), (8, 100)])
def test_writers_at_once_on_one_note_lose_no_change(tmp_path, writers, rounds):
    note = _note(tmp_path)
    lines = list(range(2, 2 + writers))
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Manager().Barrier(writers)
    with ctx.Pool(writers) as pool:
        reports = pool.map(_toggler, [(str(note), line, rounds, barrier) for line in lines])
    for line, said in zip(lines, reports):
        landed = [to for _, to, ok in said if ok]
        assert landed, f"line {line}: every toggle refused"
        # The last change a writer says it made is on disk: none was overwritten by another writer.
        assert _status(note, line) == landed[-1], f"line {line}: a change that was reported done is lost"
    # Every other byte is as it was.
    text = note.read_text(encoding="utf-8")
    assert text.startswith("# 今日计划\n") and len(text.splitlines()) == LINES + 1


KILLED_WRITER = textwrap.dedent("""\
    import sys
    from labnotes.notes.edit import read_snapshot, write_if_unchanged
    snap = read_snapshot(sys.argv[1])
    print("writing", flush=True)
    write_if_unchanged(snap, b"x" * 200_000_000)
""")


def test_a_writer_killed_mid_write_leaves_no_temp_file_and_the_note_whole(tmp_path):
    note = _note(tmp_path)
    before = note.read_bytes()
    for delay in (0.0, 0.05, 0.2):
        proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(note)], stdout=subprocess.PIPE)
        assert proc.stdout is not None and proc.stdout.readline() == b"writing\n"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL  # killed, not finished
        assert note.read_bytes() == before
    # The unnamed file has no name to leave; between its link and the rename (two system calls) a
    # kill could leave one hidden name, which the next write removes.
    toggle(note, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [note.name]


def test_a_toggle_keeps_the_notes_mode(tmp_path):
    note = _note(tmp_path)
    note.chmod(0o640)
    toggle(note, 2)
    assert stat.S_IMODE(note.stat().st_mode) == 0o640


def test_a_new_note_gets_the_mode_the_umask_gives(tmp_path):
    old = os.umask(0o022)
    try:
        create_new(tmp_path / "Diary" / "2024-12-02.md", b"# new\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "Diary" / "2024-12-02.md").stat().st_mode) == 0o644
    assert sorted(p.name for p in (tmp_path / "Diary").iterdir()) == ["2024-12-02.md"]


def test_a_new_note_never_replaces_one_made_meanwhile(tmp_path):
    (tmp_path / "n.md").write_bytes(b"mine")
    with pytest.raises(FileExistsError):
        create_new(tmp_path / "n.md", b"theirs")
    assert (tmp_path / "n.md").read_bytes() == b"mine"


def test_a_hard_linked_note_is_refused_not_split(tmp_path):
    note = _note(tmp_path)
    other = tmp_path / "backup.md"
    os.link(note, other)
    with pytest.raises(NotWritable, match="hard links"):
        toggle(note, 2)
    assert note.read_bytes() == other.read_bytes() and _status(note, 2) == " "
    assert note.stat().st_ino == other.stat().st_ino


def test_a_note_that_is_a_link_out_of_the_vault_is_not_written(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    vault.mkdir()
    outside.mkdir()
    secret = _note(outside)
    (vault / "2024-12-01.md").symlink_to(secret)
    before = secret.read_bytes()
    with pytest.raises(NotWritable, match="outside the vault"):
        toggle(vault / "2024-12-01.md", 2, vault=vault)
    assert secret.read_bytes() == before


def test_a_link_inside_the_vault_is_written_through(tmp_path):
    real = _note(tmp_path)
    link = tmp_path / "alias.md"
    link.symlink_to(real)
    toggle(link, 2, vault=tmp_path)
    assert link.is_symlink() and _status(real, 2) == "x"


def test_a_new_note_is_not_written_outside_the_vault(tmp_path):
    vault = tmp_path / "vault"
    vault.mkdir()
    with pytest.raises(NotWritable, match="outside the vault"):
        create_new(vault / ".." / "y" / "2024-12-02.md", b"x", vault=vault)
    assert not (tmp_path / "y").exists()


def test_a_fifo_is_never_read_as_a_note(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(OSError, match="not a regular file"):
        read_snapshot(tmp_path / "pipe.md")


def test_a_fifo_in_the_notes_place_is_refused_without_hanging(tmp_path):
    note = _note(tmp_path)
    snap = read_snapshot(note)
    note.unlink()
    os.mkfifo(note)
    with pytest.raises(NotWritable, match="not a regular file"):
        write_if_unchanged(snap, b"x")


# -- the same through `labnotes toggle` -----------------------------------------------------------


def _toggle_cli(*args: str):
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always keeps stderr apart
        runner = CliRunner()
    return runner.invoke(app, ["toggle", *args])


@pytest.mark.parametrize("args, says", [
    (["--to", os.fsdecode(b"\xff")], "one printable character"),  # `--to $'\xff'` in a shell
    (["--to", "\x1b"], "one printable character"),
])
def test_toggle_to_a_character_that_is_no_text_is_a_one_line_error(tmp_path, args, says):
    note = _note(tmp_path)
    before = note.read_bytes()
    result = _toggle_cli(f"{note}:2", *args)
    assert result.exit_code == 2 and says in result.stderr and result.stderr.count("\n") == 1
    assert note.read_bytes() == before


def test_toggle_of_a_5000_digit_line_is_a_one_line_error(tmp_path):
    note = _note(tmp_path)
    result = _toggle_cli(f"{note}:{'9' * 5000}")
    assert result.exit_code == 2 and "out of range" in result.stderr and result.stderr.count("\n") == 1


def test_toggle_refuses_a_note_that_links_out_of_the_vault(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    (vault / ".obsidian").mkdir(parents=True)
    outside.mkdir()
    secret = _note(outside)
    (vault / "2024-12-01.md").symlink_to(secret)
    before = secret.read_bytes()
    result = _toggle_cli("2024-12-01.md:2", "--vault", str(vault))
    assert result.exit_code == 1 and "outside the vault" in result.stderr
    assert secret.read_bytes() == before


def test_toggle_of_a_fifo_is_a_one_line_error_not_a_hang(tmp_path):
    (tmp_path / ".obsidian").mkdir()
    os.mkfifo(tmp_path / "pipe.md")
    result = _toggle_cli(f"{tmp_path / 'pipe.md'}:1", "--vault", str(tmp_path))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1  # a one-line error, and it returned
