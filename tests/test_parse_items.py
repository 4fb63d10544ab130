"""List items as a tree: two items on one line are both kept, no item is its own ancestor, walks end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from labnotes.parse import parse_note
from labnotes.parse.items import ItemTree

# Two list markers on one line, then a task under the inner one (issue 10's hang).
TWO_MARKERS = "# 今日计划\n\n- 1. plan for today\n     - [ ] a task under it\n\t\t- 2024-12-03-22:05 周二：worked on it\n"


def test_two_markers_on_one_line_are_two_items_both_kept():
    note = parse_note(TWO_MARKERS, "2024-12-03.md")
    outer, inner, task, entry_item = note.list_items
    assert (outer.line, outer.depth, outer.text, outer.parent_line) == (3, 0, "", None)
    assert (inner.line, inner.depth, inner.text, inner.parent_line) == (3, 1, "plan for today", 3)
    assert (task.line, task.task, task.text, task.parent_line, task.depth) == (4, " ", "a task under it", 3, 2)
    tree = ItemTree(note.list_items)
    assert tree.at(3) is inner  # the item whose text is on the line
    assert note.item_at(3) is inner
    assert tree.parent(inner) is outer
    assert tree.parent(task) is inner
    assert list(tree.ancestors(task)) == [inner, outer]
    assert tree.children(outer) == [inner] and tree.children(inner) == [task]
    assert tree.task_above(entry_item) is task
    assert note.entries[0].thread_line == 4


def test_no_item_is_its_own_ancestor_whatever_the_markers():
    text = "- 1. - * 2) + [ ] deep\n  - under the outer one\n       - under the numbered one\n"
    note = parse_note(text, "x.md")
    tree = ItemTree(note.list_items)
    for item in note.list_items:
        chain = list(tree.ancestors(item))
        assert item not in chain
        assert [a.depth for a in chain] == list(range(item.depth - 1, -1, -1))
    under_outer = next(i for i in note.list_items if i.text == "under the outer one")
    assert tree.parent(under_outer).depth == 0  # the bullet, not the numbered item on its line


def test_a_task_under_a_task_across_a_shared_line():
    note = parse_note("- [ ] big\n    - 1. [ ] small\n         - [ ] smaller\n", "x.md")
    tree = ItemTree(note.list_items)
    smaller = next(i for i in note.list_items if i.text == "smaller")
    assert [t.text for t in tree.tasks_above(smaller)] == ["small", "big"]
    assert tree.task_at_or_above(2).text == "small"


def _vault(tmp_path: Path) -> Path:
    (tmp_path / ".obsidian").mkdir(parents=True)
    (tmp_path / "Template").mkdir()
    (tmp_path / "Template" / "Daily.md").write_text("# 今日计划\n\n", encoding="utf-8")
    (tmp_path / "2024-12-03.md").write_text(TWO_MARKERS, encoding="utf-8")
    return tmp_path


def _labnotes(vault: Path, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env_code = (
        "import os, sys; os.environ['LABNOTES_CACHE_DIR'] = sys.argv[1]; os.environ['LABNOTES_STATE_DIR'] = sys.argv[1];"
        "from labnotes.cli import main; sys.argv = ['labnotes', *sys.argv[2:]]; main()"
    )
    # A separate process with a time limit: a walk that spins fails the test instead of hanging it.
    return subprocess.run(
        [sys.executable, "-c", env_code, str(tmp_path / "state"), *args, "--vault", str(vault)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_tasks_graph_timeline_and_new_end_on_two_markers_on_one_line(tmp_path):
    vault = _vault(tmp_path / "v")
    tasks = _labnotes(vault, "tasks", "--json", tmp_path=tmp_path)
    assert tasks.returncode == 0, tasks.stderr
    assert [(t["line"], t["text"]) for t in json.loads(tasks.stdout)] == [(4, "a task under it")]
    graph = _labnotes(vault, "graph", "--format", "json", tmp_path=tmp_path)
    assert graph.returncode == 0, graph.stderr
    timeline = _labnotes(vault, "timeline", "--json", tmp_path=tmp_path)
    assert timeline.returncode == 0, timeline.stderr
    assert [t["title"] for t in json.loads(timeline.stdout)] == ["a task under it"]
    new = _labnotes(vault, "new", "2024-12-04", "--dry-run", tmp_path=tmp_path)
    assert new.returncode == 0, new.stderr
    assert "- [ ] a task under it ([[2024-12-03]])" in new.stdout
