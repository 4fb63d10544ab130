"""`labnotes task` in a vault kept in git: when each line changed status, from the commits.

The test builds a repository with three commits (author dates fixed): a task written on the 1st,
carried on the 2nd, ticked that evening.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

DAY1 = "# 今日计划\n\n1. [ ] 写实验脚本\n2. [ ] 读论文\n"
DAY2_OPEN = "# 今日计划\n\n1. [ ] 写实验脚本 ([[2024-12-01]])\n2. [ ] 读论文 ([[2024-12-01]])\n"
DAY2_DONE = "# 今日计划\n\n1. [x] 写实验脚本 ([[2024-12-01]])\n2. [ ] 读论文 ([[2024-12-01]])\n"


def git(root: Path, *args: str, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ada", "GIT_AUTHOR_EMAIL": "ada@example.org",
           "GIT_COMMITTER_NAME": "Ada", "GIT_COMMITTER_EMAIL": "ada@example.org", "GIT_CONFIG_GLOBAL": os.devnull}  # fmt: skip
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout.strip()


def commit(root: Path, files: dict[str, str], message: str, date: str) -> str:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    root = tmp_path / "lab"
    root.mkdir()
    (root / ".obsidian").mkdir()
    git(root, "init", "-q")
    shas = [
        commit(root, {"Diary/2024/2024-12-01.md": DAY1}, "day 1", "2024-12-01T09:00:00+08:00"),
        commit(root, {"Diary/2024/2024-12-02.md": DAY2_OPEN}, "day 2", "2024-12-02T08:30:00+08:00"),
        commit(root, {"Diary/2024/2024-12-02.md": DAY2_DONE}, "done", "2024-12-02T21:30:00+08:00"),
    ]
    return root, shas


def run(*args: str):
    return runner.invoke(app, [*args], catch_exceptions=False)


def test_task_shows_the_commit_that_closed_it(repo) -> None:
    root, (first, _, closing) = repo
    result = run("task", "2024-12-02:3", "--vault", str(root))
    assert result.exit_code == 0, result.stderr
    assert f"git: opened in {first[:7]} on 2024-12-01 09:00 · closed in {closing[:7]} on 2024-12-02 21:30 by Ada" in result.stdout
    assert f"      git {closing[:7]}  2024-12-02 21:30  [ ] → [x]  (Ada)\n" in result.stdout
    data = json.loads(run("task", "2024-12-02:3", "--vault", str(root), "--json").stdout)
    assert data["history"]["done"] == {"commit": closing, "date": "2024-12-02T21:30:00+08:00", "author": "Ada", "from": " ", "to": "x"}
    assert [[(e["from"], e["to"]) for e in line["events"]] for line in data["history"]["lines"]] == [[(None, " ")], [(None, " "), (" ", "x")]]


def test_tasks_json_carries_opened_at_and_done_at(repo) -> None:
    root, _ = repo
    rows = json.loads(run("tasks", "--vault", str(root), "--status", "any", "--history", "--json").stdout)
    assert [(r["text"], r["opened_at"], r["done_at"]) for r in rows] == [
        ("写实验脚本", "2024-12-01T09:00:00+08:00", "2024-12-02T21:30:00+08:00"),
        ("读论文", "2024-12-01T09:00:00+08:00", None),
    ]


def test_a_change_not_yet_committed_is_said(repo) -> None:
    root, _ = repo
    note = root / "Diary/2024/2024-12-02.md"
    note.write_text(DAY2_DONE.replace("2. [ ] 读论文", "2. [x] 读论文"), encoding="utf-8")
    out = run("task", "2024-12-02:4", "--vault", str(root)).stdout
    assert "not committed yet: [x] in the work tree" in out


def test_the_second_call_reads_the_cache_not_git(repo, monkeypatch) -> None:
    from labnotes.history import open_history, repo as history_repo
    from labnotes.settings.config import VaultConfig
    from labnotes.settings.locations import cache_dir

    root, _ = repo
    first = open_history(root, VaultConfig(), cache_dir=cache_dir())
    versions = first.note("Diary/2024/2024-12-02.md").versions
    first.close()
    assert len(versions) == 2

    def no_git(*_args, **_kw):
        raise AssertionError("git was read again")

    monkeypatch.setattr(history_repo.VaultHistory, "_read", no_git)
    again = open_history(root, VaultConfig(), cache_dir=cache_dir())
    assert again.note("Diary/2024/2024-12-02.md").versions == versions
    again.close()
    # A new commit moves HEAD: the cache no longer answers.
    monkeypatch.undo()
    commit(root, {"Diary/2024/2024-12-03.md": "# 今日计划\n"}, "day 3", "2024-12-03T09:00:00+08:00")
    moved = open_history(root, VaultConfig(), cache_dir=cache_dir())
    assert moved.head != again.head
    moved.close()


def test_a_vault_outside_git_says_nothing_about_history(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "2024-12-01.md").write_text(DAY1, encoding="utf-8")
    result = run("task", "2024-12-01:3", "--vault", str(tmp_path))
    assert result.exit_code == 0 and "git" not in result.stdout and result.stderr == ""


def test_without_gitpython_one_line_says_so_and_the_rest_works(repo, monkeypatch) -> None:
    root, _ = repo
    monkeypatch.setitem(sys.modules, "git", None)  # `import git` now raises ImportError
    result = run("task", "2024-12-02:3", "--vault", str(root))
    assert result.exit_code == 0 and "[x] 写实验脚本" in result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("labnotes: warning: no git history: ")


def test_the_templates_older_versions_make_routines_too(tmp_path: Path, monkeypatch) -> None:
    # The template's reminder was reworded in its second commit: the notes written from the first
    # version still hold the old words, day after day. Those lines are a routine, not one open task.
    monkeypatch.setenv("LABNOTES_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "lab"
    root.mkdir()
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "daily-notes.json").write_text('{"folder": "Diary", "template": "Template/Daily"}', encoding="utf-8")
    git(root, "init", "-q")
    old, new = "# 今日计划\n\n1. [ ] 看看待研究标签\n2. [ ] 2\n", "# 今日计划\n\n1. [ ] 看看待研究与待整理标签\n2. [ ] \n"
    commit(root, {"Template/Daily.md": old}, "template", "2024-11-01T09:00:00+08:00")
    days = {f"Diary/2024-11-0{d}.md": old.replace("1. [ ]", "1. [x]" if d == 3 else "1. [ ]") + "3. [ ] 写实验脚本\n" for d in (2, 3, 4)}
    commit(root, days, "days", "2024-11-04T22:00:00+08:00")
    commit(root, {"Template/Daily.md": new, "Diary/2024-11-05.md": new}, "new template", "2024-11-05T09:00:00+08:00")

    result = run("routines", "--vault", str(root), "--json")
    assert result.exit_code == 0, result.stderr
    assert [(r["text"], r["done"], r["days"]) for r in json.loads(result.stdout)] == [
        ("看看待研究与待整理标签", 0, 1),
        ("看看待研究标签", 1, 3),  # as the notes have it
    ]
    listed = json.loads(run("tasks", "--vault", str(root), "--json").stdout)
    assert [(t["text"], t["carried"]) for t in listed] == [("写实验脚本", 2)]
    counts = json.loads(run("index", "--vault", str(root), "--json").stdout)
    assert (counts["tasks"], counts["routines"]) == (1, 2)
    # Outside git only the template as it is now decides: the old reminder is a task again (the
    # line ticked on the 3rd and written anew on the 4th: new work, open since the 4th).
    shutil.rmtree(root / ".git")
    listed = json.loads(run("tasks", "--vault", str(root), "--json").stdout)
    assert [(t["text"], t["first_seen"]) for t in listed] == [("写实验脚本", "2024-11-02"), ("看看待研究标签", "2024-11-04")]


def test_new_does_not_carry_an_older_templates_task(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LABNOTES_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "lab"
    root.mkdir()
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "daily-notes.json").write_text('{"folder": "Diary", "template": "Template/Daily"}', encoding="utf-8")
    git(root, "init", "-q")
    commit(root, {"Template/Daily.md": "# 今日计划\n\n- [ ] 看看待研究标签\n"}, "template", "2024-11-01T09:00:00+08:00")
    commit(root, {"Template/Daily.md": "# 今日计划\n\n- [ ] 看看待整理标签\n",
                  "Diary/2024-11-02.md": "# 今日计划\n\n- [ ] 看看待研究标签\n- [ ] 写实验脚本\n"}, "new template", "2024-11-02T22:00:00+08:00")  # fmt: skip
    result = run("new", "2024-11-03", "--dry-run", "--vault", str(root))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# 今日计划\n\n- [ ] 看看待整理标签\n- [ ] 写实验脚本 ([[2024-11-02]])\n"
