"""The vault commands as a user runs them: data on stdout, diagnostics on stderr, exit 0 / 1 / 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.settings.locations import SAMPLE_VAULT

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [*args], catch_exceptions=False)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "2024-12-03.md").write_text(
        "# 今日计划\n\n1. [ ] fix it\n\t1. 2024-12-03-22:10 周二：start\n\t2. 2024-12-03-23:00 周二：<mark>found</mark>\n"
        "2. [x] done thing [[Other]]\n",
        encoding="utf-8",
    )
    (tmp_path / "Other.md").write_text("# Other\n", encoding="utf-8")
    return tmp_path


def test_index_json_is_one_object_of_counts(vault):
    result = run("index", "--vault", str(vault), "--json")
    assert result.exit_code == 0
    counts = json.loads(result.stdout)
    assert {k: counts[k] for k in ("notes", "tasks", "open_tasks", "entries", "links", "unresolved_links", "warnings")} == {
        "notes": 2, "tasks": 2, "open_tasks": 1, "entries": 2, "links": 1, "unresolved_links": 0, "warnings": 0,
    }  # fmt: skip
    assert "seconds" in counts


def test_index_prints_counts_and_time(vault):
    result = run("index", "--vault", str(vault))
    assert result.exit_code == 0
    assert "2 notes" in result.stdout and "2 entries" in result.stdout and " s " in result.stdout


def test_tasks_json_and_text(vault):
    rows = json.loads(run("tasks", "--vault", str(vault), "--status", "open", "--json").stdout)
    assert [(r["note"], r["line"], r["text"], r["section"]) for r in rows] == [("2024-12-03.md", 3, "fix it", ["今日计划"])]
    text = run("tasks", "--vault", str(vault)).stdout
    assert text.startswith("[ ] fix it\n    open ") and "since 2024-12-03 · 2024-12-03.md:3 (今日计划)" in text
    assert "done thing" not in text  # done: not listed unless asked for


def test_tasks_occurrences_is_the_per_line_view(vault):
    rows = json.loads(run("tasks", "--vault", str(vault), "--occurrences", "--status", "open", "--json").stdout)
    assert [(r["note"], r["line"], r["text"], r["section"]) for r in rows] == [("2024-12-03.md", 3, "fix it", ["今日计划"])]
    text = run("tasks", "--vault", str(vault), "--occurrences").stdout
    assert "[ ] fix it  :3" in text and "[x] done thing" in text


def test_timeline_shows_the_gap_and_marks_findings(vault):
    result = run("timeline", "--vault", str(vault))
    assert "+50m" in result.stdout and "★ finding" in result.stdout
    threads = json.loads(run("timeline", "--vault", str(vault), "--json").stdout)
    assert [e["minutes_since_previous"] for e in threads[0]["entries"]] == [None, 50]


def test_links_backlinks_and_unresolved(vault):
    assert "→ Other.md" in run("links", "--vault", str(vault)).stdout
    assert json.loads(run("links", "--vault", str(vault), "--unresolved", "--json").stdout) == []
    rows = json.loads(run("backlinks", "Other", "--vault", str(vault), "--json").stdout)
    assert [(r["note"], r["line"]) for r in rows] == [("2024-12-03.md", 6)]


def test_backlinks_of_an_unknown_note_is_exit_2(vault):
    result = run("backlinks", "Nobody", "--vault", str(vault))
    assert result.exit_code == 2 and "no note 'Nobody'" in result.stderr


def test_check_exits_1_when_it_finds_errors_0_when_clean(vault):
    assert run("check", "--vault", str(vault)).exit_code == 0
    (vault / "bad.md").write_text("[[missing]]\n", encoding="utf-8")
    result = run("check", "--vault", str(vault), "--json")
    # A note not written yet is worth knowing (info), not an error.
    assert result.exit_code == 0
    assert [(f["kind"], f["severity"]) for f in json.loads(result.stdout)] == [("unresolved-link", "info")]
    (vault / "bad.md").write_text("[[bad#No such heading]]\n", encoding="utf-8")
    assert run("check", "--vault", str(vault)).exit_code == 1


def test_metrics_csv(vault):
    (vault / "2024-12-04.md").write_text("# 今日生活\n\n| 今日体重 |\n| --- |\n| 66 kg |\n", encoding="utf-8")
    result = run("metrics", "--vault", str(vault))
    assert result.stdout.splitlines() == ["day,note,今日体重", "2024-12-04,2024-12-04.md,66"]


@pytest.mark.parametrize("fmt", ["json", "graphml", "mermaid", "dot"])
def test_graph_to_a_file(vault, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    result = run("graph", "--vault", str(vault), "--format", fmt, "-o", str(out))
    assert result.exit_code == 0 and out.stat().st_size > 0 and "nodes" in result.stderr


def test_a_bad_config_is_one_line_and_exit_2(vault):
    (vault / ".labnotes.yaml").write_text("bogus: 1\n", encoding="utf-8")
    for command in ("index", "tasks", "timeline", "links", "metrics", "check", "graph"):
        result = run(command, "--vault", str(vault))
        assert result.exit_code == 2, command
        assert result.stderr.startswith("labnotes: error: ") and result.stderr.count("\n") == 1


def test_problems_go_to_stderr_and_the_rest_is_indexed(vault):
    (vault / "binary.md").write_bytes(b"\x00\x01")
    result = run("tasks", "--vault", str(vault), "--json")
    assert result.exit_code == 0 and len(json.loads(result.stdout)) == 1  # the open task; the done one is not listed
    assert "binary.md" in result.stderr and "warning" in result.stderr


def test_sample_vault_timeline_reads_the_seed():
    result = run("timeline", "--vault", str(SAMPLE_VAULT), "--note", "2024-12-01", "--json")
    threads = json.loads(result.stdout)
    assert sum(len(t["entries"]) for t in threads) == 20
    assert threads[0]["title"] == "修改 PartialOct"


def test_help_does_not_import_networkx():
    import subprocess
    import sys

    code = "import sys; from labnotes.cli.app import app; print('networkx' in sys.modules, 'labnotes.vault' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False"]


def test_dates_take_the_same_words_everywhere(vault):
    assert "[ ] fix it" in run("tasks", "--vault", str(vault), "--until", "today").stdout
    assert run("tasks", "--vault", str(vault), "--since", "tomorrow", "--json").stdout.strip() == "[]"
    bad = run("timeline", "--vault", str(vault), "--since", "last week")
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines() == [
        "labnotes: error: --since: bad date 'last week': use today, yesterday, tomorrow, +N, -N (days from today) or YYYY-MM-DD"
    ]
