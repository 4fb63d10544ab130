"""`labnotes query NOTE[:LINE]` as a user runs it: each block's groups in order, one error line for
a block it cannot read, the other blocks still answered."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from tests.test_taskquery import DIARY, PAPER

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*args], catch_exceptions=False)


@pytest.fixture
def vault(tmp_path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "Projects").mkdir()
    (tmp_path / "Diary").mkdir()
    (tmp_path / "Projects" / "paper.md").write_text(PAPER, encoding="utf-8")
    (tmp_path / "Diary" / "2024-12-03.md").write_text(DIARY, encoding="utf-8")
    (tmp_path / "Plain.md").write_text("# No queries\n- [ ] a task\n", encoding="utf-8")
    return tmp_path


def test_every_block_in_order_with_its_groups_and_one_error_line(vault):
    result = run("query", "2024-12-03", "--vault", str(vault), "--today", "2024-12-03")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    headers = [line for line in out if line.endswith("tasks query")]
    assert headers == [f"Diary/2024-12-03.md:{n}  tasks query" for n in (6, 13, 19, 23)]
    # Block 1: sorted by due.
    first = out[1:4]
    assert [line.split("(")[-1] for line in first] == [
        "Projects/paper.md:4 › Writing)", "Projects/paper.md:8 › Review)", "Projects/paper.md:3 › Writing)",
    ]
    # Block 2: group by filename, then heading, as headings of two levels.
    assert "#### 2024-12-03" in out and "##### Today" in out and "#### paper" in out
    # Block 3: the one it cannot read.
    assert "  not run: line 20: cannot read 'due befor tomorrow': cannot read the date 'befor tomorrow'" in out
    # Block 4 still ran: limit 2 of 3.
    assert out[-1] == "2 tasks (of 3)"
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == [
        "labnotes: error: Diary/2024-12-03.md:20: tasks query at line 19: cannot read 'due befor tomorrow': "
        "cannot read the date 'befor tomorrow'"
    ]


def test_note_line_runs_only_the_block_holding_it(vault):
    result = run("query", "Diary/2024-12-03.md:8", "--vault", str(vault), "--today", "2024-12-03")
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if line.endswith("tasks query")] == [
        "Diary/2024-12-03.md:6  tasks query"
    ]


def test_json_holds_each_block_with_its_groups_and_tasks(vault):
    result = run("query", "Diary/2024-12-03.md", "--vault", str(vault), "--today", "2024-12-03", "--json")
    data = json.loads(result.stdout)
    assert data["note"] == "Diary/2024-12-03.md" and data["today"] == "2024-12-03"
    blocks = data["blocks"]
    assert [b["line"] for b in blocks] == [6, 13, 19, 23]
    assert blocks[2]["error"] == {"line": 20, "instruction": "due befor tomorrow", "message": "cannot read the date 'befor tomorrow'"}
    assert [g["headings"] for g in blocks[3]["groups"]] == [["High priority"]]
    task = blocks[0]["groups"][0]["tasks"][0]
    assert (task["note"], task["line"], task["fields"]["due"], task["fields"]["priority"]) == (
        "Projects/paper.md", 4, "2024-12-04", "medium",
    )


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["Plain"], 1, "Plain.md: no ```tasks block"),
        (["Diary/2024-12-03.md:2"], 1, "no ```tasks block at line 2"),
        (["Nowhere"], 2, "no note 'Nowhere'"),
        (["Diary/2024-12-03.md", "--today", "someday"], 2, "--today: cannot read the date 'someday'"),
    ],
)
def test_bad_targets_are_one_line_errors(vault, args, code, words):
    result = run("query", *args, "--vault", str(vault))
    assert result.exit_code == code
    assert words in result.stderr
    assert len([line for line in result.stderr.splitlines() if "error" in line]) == 1
