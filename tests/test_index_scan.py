"""Which files are notes, and how bad input is reported while the rest of the vault is indexed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from labnotes.vault import build_index

GOOD = "# 今日计划\n\n1. [ ] keep me\n"


def write(root: Path, rel: str, text: str | bytes = GOOD) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def problems_of(idx) -> dict[str, str]:
    return {p.rel: p.message for p in idx.problems}


def test_hidden_folders_obsidian_and_trash_are_skipped(tmp_path):
    for rel in ["a.md", ".obsidian/workspace.md", ".trash/old.md", ".git/x.md", "sub/.hidden/y.md", "sub/b.md"]:
        write(tmp_path, rel)
    write(tmp_path, "pics/figure.png", b"\x89PNG")
    idx = build_index(tmp_path)
    assert list(idx.notes) == ["a.md", "sub/b.md"]
    assert idx.attachments == ["pics/figure.png"]


def test_binary_and_non_utf8_notes_are_reported_with_their_file(tmp_path):
    write(tmp_path, "ok.md")
    write(tmp_path, "binary.md", b"\x00\x01\x02 not text")
    write(tmp_path, "latin1.md", "# caf\xe9\n".encode("latin-1"))
    idx = build_index(tmp_path)
    assert list(idx.notes) == ["ok.md"]
    found = problems_of(idx)
    assert "binary" in found["binary.md"]
    assert "UTF-8" in found["latin1.md"]
    assert [p.line for p in idx.problems if p.rel == "latin1.md"] == [1]


def test_a_fixed_note_is_indexed_on_the_next_run(tmp_path):
    write(tmp_path, "latin1.md", "# caf\xe9\n".encode("latin-1"))
    assert "latin1.md" not in build_index(tmp_path).notes
    write(tmp_path, "latin1.md", "# café\n")
    assert "latin1.md" in build_index(tmp_path).notes


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_symlink_loop_is_reported_not_followed(tmp_path):
    write(tmp_path, "a/note.md")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")  # a/loop -> a
    os.symlink("self", tmp_path / "self")  # a link to itself
    idx = build_index(tmp_path)
    assert list(idx.notes) == ["a/note.md"]
    found = problems_of(idx)
    assert "loop" in found["a/loop"]
    assert "self" in found


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_symlinks_leading_out_of_the_vault_are_not_read(tmp_path):
    vault, outside = tmp_path / "vault", tmp_path / "outside"
    write(vault, "in.md")
    secret = write(outside, "secret.md", "# SECRET\n")
    os.symlink(outside, vault / "escape")
    os.symlink(secret, vault / "secret.md")
    idx = build_index(vault)
    assert list(idx.notes) == ["in.md"]
    assert "outside the vault" in problems_of(idx)["escape"]
    assert "outside the vault" in problems_of(idx)["secret.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_symlink_inside_the_vault_is_followed_once(tmp_path):
    write(tmp_path, "real/note.md")
    os.symlink(tmp_path / "real", tmp_path / "alias")  # the same folder under a second name
    os.symlink(tmp_path / "real" / "note.md", tmp_path / "linked.md")
    idx = build_index(tmp_path)
    assert sorted(idx.notes) == ["linked.md", "real/note.md"]
    assert "alias" in problems_of(idx)


def test_a_note_deleted_between_scan_and_read_is_reported(tmp_path, monkeypatch):
    from labnotes.vault import parsing

    write(tmp_path, "stays.md")
    write(tmp_path, "goes.md")
    real = parsing.parse_one

    def delete_first(root, job, config, keep_note=False):
        if job.rel == "goes.md":
            (tmp_path / "goes.md").unlink()
        return real(root, job, config, keep_note)

    monkeypatch.setattr(parsing, "parse_one", delete_first)
    idx = build_index(tmp_path)
    assert list(idx.notes) == ["stays.md"]
    assert "no such file" in problems_of(idx)["goes.md"]


def test_each_daily_notes_day_comes_from_its_name_or_front_matter(tmp_path):
    write(tmp_path, "Diary/2024/2024-12-01.md")
    write(tmp_path, "Diary/meeting 2024-12-02 notes.md")
    write(tmp_path, "Diary/undated.md", "---\ndate: 2024-12-03\n---\n# x\n")
    write(tmp_path, "Other/plain.md")
    idx = build_index(tmp_path)
    assert [(d.isoformat(), rel) for d, rel in idx.daily_notes()] == [
        ("2024-12-01", "Diary/2024/2024-12-01.md"),
        ("2024-12-02", "Diary/meeting 2024-12-02 notes.md"),
        ("2024-12-03", "Diary/undated.md"),
    ]
    assert idx.note_day("Other/plain.md") is None


def test_daily_pattern_from_the_vault_config(tmp_path):
    write(tmp_path, ".labnotes.yaml", "daily_pattern: '(?P<D>\\d{2})\\.(?P<M>\\d{2})\\.(?P<Y>\\d{4})'\n")
    write(tmp_path, "01.12.2024.md")
    idx = build_index(tmp_path)
    assert idx.note_day("01.12.2024.md").isoformat() == "2024-12-01"


def test_a_bad_config_raises_config_error(tmp_path):
    from labnotes.settings.config import ConfigError

    write(tmp_path, ".labnotes.yaml", "no_such_key: 1\n")
    with pytest.raises(ConfigError):
        build_index(tmp_path)


def test_a_note_that_cannot_be_read_is_reported_even_for_root(tmp_path, monkeypatch):
    # Permissions do not stop root, so the failing read is simulated where the parser reads.
    write(tmp_path, "ok.md")
    write(tmp_path, "locked.md")
    real = os.open

    def refusing_open(path, flags, *args, **kwargs):
        if os.fspath(path).endswith("locked.md"):
            raise PermissionError(13, "Permission denied")
        return real(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    idx = build_index(tmp_path)
    assert list(idx.notes) == ["ok.md"]
    assert problems_of(idx)["locked.md"] == "cannot read: Permission denied"
