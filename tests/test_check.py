"""`labnotes check`: each finding with a kind and a severity, exit 1 only on errors, kinds a vault
silences; no false alarms on what real vaults hold (attachment subpaths, Bases views, templates)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.queries.check import KINDS, check, counts
from labnotes.vault import build_index

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


def write(root: Path, rel: str, text: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def kinds(found) -> list[tuple[str, str, int, str]]:
    return [(f.severity, f.kind, f.line, f.note) for f in found]


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """One of each: a broken anchor, a wrong weekday, entries out of order, a repeated id, a missing
    image, a note not written yet; and what must not be reported."""
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, "2024-12-03.md",
          "1. [ ] task\n"
          "\t1. 2024-12-03-10:00 周三：wrong weekday\n"  # 2024-12-03 is a Tuesday
          "\t2. 2024-12-03-09:00 周二：earlier than the one above\n"
          "2. [[nowhere]] and [[2024-12-04#No such heading]] and [[2024-12-04#^nope]]\n"
          "3. ![[missing.png]] ![[icon.svg#icon]] ![[Movies.base#Favorites]] ![[paper.pdf#page=3]]\n")  # fmt: skip
    write(tmp_path, "a/2024-12-04.md", "1. [ ] x\n\t1. 2024-12-04-10:00 周三：one\n")
    write(tmp_path, "b/2024-12-04.md", "1. [ ] y\n\t1. 2024-12-04-10:00 周三：same id\n")
    for name in ("icon.svg", "Movies.base", "paper.pdf"):
        write(tmp_path, f"Attachments/{name}", b"\x00attachment")
    return tmp_path


def test_each_finding_has_its_kind_and_severity(vault: Path) -> None:
    found = check(build_index(vault))
    assert kinds(found) == [
        ("error", "weekday", 2, "2024-12-03.md"),
        ("warning", "out-of-order", 3, "2024-12-03.md"),
        ("error", "unresolved-anchor", 4, "2024-12-03.md"),
        ("error", "unresolved-anchor", 4, "2024-12-03.md"),
        ("info", "unresolved-link", 4, "2024-12-03.md"),
        ("warning", "missing-attachment", 5, "2024-12-03.md"),
        ("warning", "duplicate-id", 2, "b/2024-12-04.md"),
    ]
    assert counts(found) == {"error": 3, "warning": 3, "info": 1}
    # An attachment's subpath is Obsidian's to ignore (icon.svg#icon, paper.pdf#page=3), and a
    # Bases file's is a view name: none is a finding.
    assert not [f for f in found if "icon.svg" in f.message or ".base" in f.message or ".pdf" in f.message]


def test_a_vault_silences_or_moves_kinds_in_its_settings(vault: Path) -> None:
    write(vault, ".labnotes.yaml", "check:\n  ignore: [duplicate-id, unresolved-link]\n  severity: {out-of-order: error}\n")
    found = check(build_index(vault))
    assert {f.kind for f in found} == {"weekday", "out-of-order", "unresolved-anchor", "missing-attachment"}
    assert next(f for f in found if f.kind == "out-of-order").severity == "error"
    # --ignore on top of the settings.
    assert {f.kind for f in check(build_index(vault), ignore=["weekday"])} == {"out-of-order", "unresolved-anchor", "missing-attachment"}


def test_an_unknown_kind_is_a_one_line_error(vault: Path) -> None:
    result = runner.invoke(app, ["check", "--vault", str(vault), "--ignore", "speling"])
    assert result.exit_code == 2 and "unknown check kind 'speling'" in result.stderr
    write(vault, ".labnotes.yaml", "check:\n  severity: {weekdays: info}\n")
    result = runner.invoke(app, ["check", "--vault", str(vault)])
    assert result.exit_code == 2 and "unknown check kind 'weekdays'" in result.stderr


def test_exit_1_only_on_errors_and_strict_adds_warnings(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    write(tmp_path, "Home.md", "[[Not written yet]]\n")
    ok = runner.invoke(app, ["check", "--vault", str(tmp_path)])
    assert ok.exit_code == 0 and "0 errors, 0 warnings, 1 info" in ok.stderr
    assert ok.stdout == ""  # infos are counted, not listed, unless asked for
    listed = runner.invoke(app, ["check", "--vault", str(tmp_path), "--show", "info"])
    assert listed.stdout == "Home.md:1: info: unresolved-link: [[Not written yet]]: no note or attachment named 'Not written yet'\n"
    write(tmp_path, "Home.md", "[[Not written yet]]\n![[gone.png]]\n")
    warned = runner.invoke(app, ["check", "--vault", str(tmp_path)])
    assert warned.exit_code == 0
    assert warned.stdout == "Home.md:2: warning: missing-attachment: ![[gone.png]]: no note or attachment named 'gone.png'\n"
    assert runner.invoke(app, ["check", "--vault", str(tmp_path), "--strict"]).exit_code == 1
    write(tmp_path, "Home.md", "[[Home#Nowhere]]\n")
    assert runner.invoke(app, ["check", "--vault", str(tmp_path)]).exit_code == 1


def test_json_has_every_finding_with_kind_and_severity(vault: Path) -> None:
    result = runner.invoke(app, ["check", "--vault", str(vault), "--json"])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert {tuple(sorted(r)) for r in rows} == {("kind", "line", "message", "note", "severity")}
    assert {r["severity"] for r in rows} == {"error", "warning", "info"}
    assert all(r["severity"] == KINDS[r["kind"]] for r in rows)


def test_templates_are_not_checked(tmp_path: Path) -> None:
    # kepano's vault: templates with `{{date}}` front matter and links to notes each use makes.
    write(tmp_path, ".obsidian/templates.json", '{\n  "folder": "Templates"\n}')
    write(tmp_path, "Templates/Book Template.md",
          "---\ncategories:\n  - [[Books]]\ncreated: {{date}}\n---\n[[{{title}}#Notes]] [[Author]]\n")
    write(tmp_path, "Home.md", "[[Book Template]]\n")
    idx = build_index(tmp_path)
    assert check(idx) == []
    assert not [p for p in idx.problems if p.rel.startswith("Templates/")]


def test_a_link_to_a_later_day_waits_for_its_note(tmp_path: Path) -> None:
    # The template's 明天 link points at a note not written yet: that is no broken link.
    write(tmp_path, "Diary/2024-12-03.md", "[[2024-12-02|昨天]] · [[2024-12-04|明天]]\n")
    write(tmp_path, "Diary/2024-12-05.md", "[[2024-12-01]] is gone\n")
    found = check(build_index(tmp_path))
    assert [(f.note, f.kind, f.message.split(":")[0]) for f in found] == [
        ("Diary/2024-12-03.md", "unresolved-link", "[[2024-12-02|昨天]]"),
        ("Diary/2024-12-05.md", "unresolved-link", "[[2024-12-01]]"),
    ]


def test_a_clean_vault_is_quiet(tmp_path: Path) -> None:
    write(tmp_path, "2024-12-03.md", "1. [ ] task\n\t1. 2024-12-03-10:00 周二：fine\n\t2. [[Other]] [[Other#Part]] [[Other#^b1]]\n")
    write(tmp_path, "Other.md", "# Part\n\ntext ^b1\n")
    assert check(build_index(tmp_path)) == []
    result = runner.invoke(app, ["check", "--vault", str(tmp_path)])
    assert result.exit_code == 0 and result.stdout == ""


def test_an_unreadable_file_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, "bad.md", b"caf\xe9\n")
    found = check(build_index(tmp_path))
    assert kinds(found) == [("warning", "file", 1, "bad.md")]  # the line that is not UTF-8
