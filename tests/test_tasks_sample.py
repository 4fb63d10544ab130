"""`labnotes tasks`, `task` and `routines` on the bundled sample vault, as a user runs them.

Checked by hand against the notes: of the 37 open task lines, 6 tasks are really not done — two
carried day after day since 12-01, the review paper in progress since 11-30 with its open sub-task,
and two open sub-tasks of finished work in the seed note's debugging log. The rest are copies, tasks
a later note ticks, the template's two routines and its empty placeholders.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.settings.locations import SAMPLE_VAULT

try:
    runner = CliRunner(mix_stderr=False)
except TypeError:  # click >= 8.2 always keeps stderr apart
    runner = CliRunner()

NOT_DONE = [  # (status, first seen, carried, where it lives now, words)
    ("/", "2024-11-30", 6, "Diary/2024/2024-12-06.md:33", "准备修改综述论文"),
    (" ", "2024-12-01", 5, "Diary/2024/2024-12-06.md:31", "思考在代码层面如何将小波卷积与部分卷积结合"),
    (" ", "2024-12-01", 0, "Diary/2024/2024-12-01.md:40", "首先查看该损失函数的输入"),
    (" ", "2024-12-01", 0, "Diary/2024/2024-12-01.md:70", "方案 1：缩小学习率"),
    (" ", "2024-12-01", 5, "Diary/2024/2024-12-06.md:32", "开展小波卷积与部分卷积结合的代码编写工作"),
    (" ", "2024-12-04", 2, "Diary/2024/2024-12-06.md:34", "补充近两年部分卷积相关的文献"),
]


def run(*args: str):
    return runner.invoke(app, [*args], catch_exceptions=False)


def listed(vault: Path) -> list[dict]:
    result = run("tasks", "--vault", str(vault), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_tasks_lists_the_six_not_done_each_once() -> None:
    rows = listed(SAMPLE_VAULT)
    assert [(r["status"], r["first_seen"], r["carried"], f"{r['note']}:{r['line']}") for r in rows] == [x[:4] for x in NOT_DONE]
    assert all(r["text"].startswith(x[4]) for r, x in zip(rows, NOT_DONE))
    assert len({r["id"] for r in rows}) == 6
    review = rows[0]
    assert [o["day"] for o in review["occurrences"]] == [
        "2024-11-30", "2024-12-01", "2024-12-02", "2024-12-03", "2024-12-04", "2024-12-05", "2024-12-06",
    ]  # fmt: skip
    assert rows[5]["parent"] == review["id"] and rows[5]["id"] in review["subtasks"]


def test_the_old_per_line_view_is_still_there() -> None:
    result = run("tasks", "--vault", str(SAMPLE_VAULT), "--occurrences", "--status", "open", "--json")
    lines = json.loads(result.stdout)
    assert len(lines) == 37  # what `labnotes tasks --status open` said before tasks were linked
    assert sum(1 for r in lines if r["text"].startswith("思考在代码层面")) == 6


def test_routines_are_the_templates_two_with_their_record() -> None:
    result = run("routines", "--vault", str(SAMPLE_VAULT), "--json")
    got = json.loads(result.stdout)
    record = [("2024-11-28", True), ("2024-11-29", False), ("2024-11-30", False), ("2024-12-01", False),
              ("2024-12-02", True), ("2024-12-03", False), ("2024-12-04", True), ("2024-12-05", False), ("2024-12-06", True)]  # fmt: skip
    assert [r["text"][:7] for r in got] == ["看看<mark", "现在神经网络拥"]
    for r in got:
        assert [(d["day"], d["done"]) for d in r["record"]] == record
        assert (r["days"], r["done"], r["streak"]) == (9, 4, 1)
    text = run("routines", "--vault", str(SAMPLE_VAULT)).stdout
    assert "看看待研究与待整理, 近日安排标签\n    done on 4 of 9 days (2024-11-28 – 2024-12-06) · streak 1\n    ✓···✓·✓·✓\n" in text


def test_index_counts_tasks_routines_and_placeholders_apart() -> None:
    counts = json.loads(run("index", "--vault", str(SAMPLE_VAULT), "--json").stdout)
    assert {k: counts[k] for k in ("tasks", "open_tasks", "routines", "placeholders")} == {
        "tasks": 38, "open_tasks": 6, "routines": 2, "placeholders": 60,
    }  # fmt: skip


def test_task_shows_one_tasks_life() -> None:
    result = run("task", "Diary/2024/2024-12-04.md:29", "--vault", str(SAMPLE_VAULT), "--json")
    life = json.loads(result.stdout)
    assert life["text"] == "准备修改综述论文" and life["status"] == "/"
    assert [(c["day"], c["from"], c["to"]) for c in life["changes"]] == [("2024-11-30", None, " "), ("2024-12-04", " ", "/")]
    assert [(s["text"], s["status"]) for s in life["subtasks"]] == [("整理审稿意见, 列出需要补充的实验", "x"), ("补充近两年部分卷积相关的文献", " ")]
    seed_task = json.loads(run("task", "2024-12-01:29", "--vault", str(SAMPLE_VAULT), "--json").stdout)
    assert seed_task["text"] == "修改 PartialOct"
    # Its debugging log, at every depth under it, in time order: 11 entries from 12-01 16:53 to 12-05 21:35.
    entries = [e["id"] for e in seed_task["entries"]]
    assert (len(entries), entries[0], entries[-1]) == (11, "2024-12-01@2024-12-01T16:53", "2024-12-01@2024-12-05T21:35")
    text = run("task", life["id"], "--vault", str(SAMPLE_VAULT)).stdout
    assert "  2024-12-04  [/]  Diary/2024/2024-12-04.md:29  [ ] → [/]\n" in text and "\nsub-tasks\n" in text


def test_a_bad_task_reference_is_one_line() -> None:
    result = run("task", "2024-12-04:5", "--vault", str(SAMPLE_VAULT))
    assert result.exit_code == 2
    assert result.stderr.strip() == "labnotes: error: no task at Diary/2024/2024-12-04.md:5"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    shutil.copytree(SAMPLE_VAULT, root)
    return root


def test_ids_are_stable_under_an_edit_elsewhere(sample_copy: Path) -> None:
    before = {r["text"]: r["id"] for r in listed(sample_copy)}
    seed = sample_copy / "Diary/2024/2024-12-01.md"
    seed.write_text(seed.read_text(encoding="utf-8").replace("# 今日计划", "# 今日计划\n\n一行新的说明。\n", 1), encoding="utf-8")
    last = sample_copy / "Diary/2024/2024-12-06.md"
    last.write_text(last.read_text(encoding="utf-8").replace("修正 PartialConv 中 ratio 的计算", "修正 PartialConv 的 ratio"), encoding="utf-8")
    after = listed(sample_copy)
    assert {r["text"]: r["id"] for r in after} == before
    assert [r["line"] for r in after if r["note"].endswith("12-01.md")] == [43, 73]  # the lines moved, the ids did not
