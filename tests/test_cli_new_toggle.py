"""`labnotes new` and `labnotes toggle` end to end, on copies of the sample vault."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.settings.locations import SAMPLE_VAULT

runner = CliRunner()

CARRIED = [
    "思考在代码层面如何将小波卷积与部分卷积结合",
    "开展小波卷积与部分卷积结合的代码编写工作",
    "准备修改综述论文",
    "准备扬州会议报销工作",
]


def invoke(*args: str):
    return runner.invoke(app, list(args))


def files(vault: Path) -> dict[str, bytes]:
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in sorted(vault.rglob("*")) if p.is_file()}


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """The sample vault as it was on the evening of 2024-12-01: no daily notes after the seed."""
    copy = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, copy)
    for later in (copy / "Diary" / "2024").glob("2024-12-0[2-9].md"):
        later.unlink()
    return copy


# --- new --------------------------------------------------------------------------------------------


def test_new_writes_the_next_note_with_the_seeds_open_tasks(vault: Path) -> None:
    before = files(vault)
    result = invoke("new", "2024-12-02", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    note = vault / "Diary" / "2024" / "2024-12-02.md"
    assert result.stdout.strip() == str(note)
    after = files(vault)
    assert set(after) - set(before) == {"Diary/2024/2024-12-02.md"}
    assert all(after[k] == v for k, v in before.items())  # no other file touched

    text = note.read_text(encoding="utf-8")
    template = (vault / "Template" / "Daily.md").read_text(encoding="utf-8")
    headings = [line for line in template.splitlines() if line.startswith("#")]
    assert [line for line in text.splitlines() if line.startswith("#")] == headings
    assert "![[2024-01-01#新的一年]]" in text
    assert "[[2024-12-01|昨天]] · 2024-12-02 周一 · [[2024-12-03|明天]]" in text
    for task in CARRIED:
        assert text.count(task) == 1
        assert f"[ ] {task} ([[2024-12-01]])" in text
    assert "[x]" not in text
    assert "阅读[小波卷积文章]" not in text and "修改 PartialOct" not in text
    assert "carried 4 open task(s) from Diary/2024/2024-12-01.md" in result.stderr


def test_new_takes_a_negative_day_offset_as_a_date(vault: Path) -> None:
    import datetime as dt

    result = invoke("new", "-1", "--vault", str(vault), "--dry-run")
    assert result.exit_code == 0, result.output
    yesterday = dt.date.today() - dt.timedelta(days=1)
    assert f"· {yesterday.isoformat()} " in result.stdout


def test_new_twice_changes_nothing_and_says_exists(vault: Path) -> None:
    assert invoke("new", "2024-12-02", "--vault", str(vault)).exit_code == 0
    before = files(vault)
    result = invoke("new", "2024-12-02", "--vault", str(vault))
    assert result.exit_code == 1
    assert "exists" in result.stderr
    assert files(vault) == before


def test_dry_run_prints_the_note_and_writes_nothing(vault: Path) -> None:
    before = files(vault)
    result = invoke("new", "2024-12-02", "--vault", str(vault), "--dry-run")
    assert result.exit_code == 0
    assert "3. [ ] 开展小波卷积与部分卷积结合的代码编写工作 ([[2024-12-01]])" in result.stdout
    assert files(vault) == before


def test_new_on_new_years_day_creates_the_years_folder(vault: Path) -> None:
    result = invoke("new", "2025-01-01", "--vault", str(vault))
    assert result.exit_code == 0, result.output
    text = (vault / "Diary" / "2025" / "2025-01-01.md").read_text(encoding="utf-8")
    assert "[[2024-12-31|昨天]] · 2025-01-01 周三 · [[2025-01-02|明天]]" in text
    assert "准备扬州会议报销工作 ([[2024-12-01]])" in text  # the latest earlier note, weeks before


def test_carry_over_can_be_switched_off(vault: Path) -> None:
    (vault / ".labnotes.yaml").write_text("carry_over: false\n", encoding="utf-8")
    result = invoke("new", "2024-12-02", "--vault", str(vault), "--dry-run")
    assert result.exit_code == 0
    assert "准备扬州会议报销工作" not in result.stdout


def test_carry_sections_from_the_vault_settings(vault: Path) -> None:
    (vault / ".labnotes.yaml").write_text("carry_sections: [工作]\n", encoding="utf-8")
    out = invoke("new", "2024-12-02", "--vault", str(vault), "--dry-run").stdout
    assert "准备扬州会议报销工作 ([[2024-12-01]])" in out
    assert "思考在代码层面" not in out


@pytest.mark.parametrize("date", ["2024-02-30", "someday", "12-02"])
def test_new_with_a_bad_date_is_a_one_line_error(vault: Path, date: str) -> None:
    result = invoke("new", date, "--vault", str(vault))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("labnotes: error:")


def test_new_without_a_template_is_an_error(vault: Path) -> None:
    (vault / "Template" / "Daily.md").unlink()
    result = invoke("new", "2024-12-02", "--vault", str(vault))
    assert result.exit_code == 2
    assert "template not found" in result.stderr


def test_bad_settings_are_an_error(vault: Path) -> None:
    (vault / ".labnotes.yaml").write_text("carry_over: maybe\n", encoding="utf-8")
    result = invoke("new", "2024-12-02", "--vault", str(vault))
    assert result.exit_code == 2
    assert "carry_over" in result.stderr


# --- toggle -----------------------------------------------------------------------------------------


def seed_in(vault: Path) -> Path:
    return vault / "Diary" / "2024" / "2024-12-01.md"


def test_toggle_line_28_of_the_seed_copy(vault: Path) -> None:
    seed = seed_in(vault)
    before = seed.read_bytes().splitlines(keepends=True)
    result = invoke("toggle", f"{seed}:28")
    assert result.exit_code == 0, result.output
    after = seed.read_bytes().splitlines(keepends=True)
    assert [i + 1 for i, (a, b) in enumerate(zip(before, after)) if a != b] == [28]
    assert after[27] == "3. [x] 思考在代码层面如何将小波卷积与部分卷积结合\n".encode()
    assert "3. [x] 思考在代码层面" in result.stdout


def test_toggle_finds_a_note_by_vault_path_or_name(vault: Path) -> None:
    assert invoke("toggle", "Diary/2024/2024-12-01.md:157", "--vault", str(vault)).exit_code == 0
    assert invoke("toggle", "2024-12-01:140", "--vault", str(vault), "--to", "/").exit_code == 0
    lines = seed_in(vault).read_text(encoding="utf-8").splitlines()
    assert lines[156] == "1. [x] 准备扬州会议报销工作"
    assert lines[139] == "7. [/] 准备修改综述论文"


def test_done_date_only_when_the_vault_asks(vault: Path) -> None:
    import datetime as dt

    invoke("toggle", f"{seed_in(vault)}:28")
    assert seed_in(vault).read_text(encoding="utf-8").splitlines()[27].endswith("部分卷积结合")
    (vault / ".labnotes.yaml").write_text("done_date: true\n", encoding="utf-8")
    invoke("toggle", f"{seed_in(vault)}:140")
    assert seed_in(vault).read_text(encoding="utf-8").splitlines()[139] == (
        f"7. [x] 准备修改综述论文 ✅ {dt.date.today().isoformat()}"
    )


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("{seed}", "expected NOTE:LINE"),
        ("{seed}:abc", "expected NOTE:LINE"),
        (":28", "expected NOTE:LINE"),
        ("{seed}:0", "out of range"),
        ("{seed}:170", "out of range"),
        ("{seed}:4", "not a task"),
        ("{seed}:30", "not a task"),
        ("{vault}/nope.md:3", "no such note"),
        ("{vault}/Diary:3", "folder"),
    ],
)
def test_toggle_bad_input_is_a_one_line_error_and_changes_nothing(vault: Path, target: str, message: str) -> None:
    before = files(vault)
    result = invoke("toggle", target.format(seed=seed_in(vault), vault=vault), "--vault", str(vault))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "Traceback" not in result.output
    assert files(vault) == before


def test_toggle_to_takes_one_character(vault: Path) -> None:
    result = invoke("toggle", f"{seed_in(vault)}:28", "--to", "done")
    assert result.exit_code == 2


def test_toggle_refuses_a_note_that_changed_after_it_was_read(vault: Path, monkeypatch) -> None:
    import labnotes.notes.edit as edit

    seed = seed_in(vault)
    real_read = edit.read_snapshot

    def read_then_obsidian_saves(path):
        snap = real_read(path)
        seed.write_bytes(snap.data + "\n2024-12-01-23:59 周日：刚在 Obsidian 里补的一行\n".encode())
        return snap

    monkeypatch.setattr(edit, "read_snapshot", read_then_obsidian_saves)
    result = invoke("toggle", f"{seed}:28")
    assert result.exit_code == 1
    assert "changed since it was read" in result.stderr
    text = seed.read_text(encoding="utf-8")
    assert "刚在 Obsidian 里补的一行" in text and "3. [ ] 思考在代码层面" in text


def test_toggle_by_name_in_a_vault_with_a_bad_config_is_a_one_line_error(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".labnotes.yaml").write_text("colour: x\n", encoding="utf-8")
    (tmp_path / "n.md").write_text("- [ ] t\n", encoding="utf-8")
    result = invoke("toggle", "sub/n:1", "--vault", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown key 'colour'" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "n.md").read_text(encoding="utf-8") == "- [ ] t\n"
