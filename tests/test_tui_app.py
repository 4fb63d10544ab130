"""The terminal UI driven as a person drives it: keys through Textual's Pilot, on a copy of the
sample vault, with a fake fast experiment standing in for the PartialOct ones."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Log, OptionList, Tree  # noqa: E402

from labnotes.lab import provenance  # noqa: E402
from labnotes.tasks import Task  # noqa: E402
from labnotes.queries.timeline import TimelineEntry  # noqa: E402
from labnotes.tui.app import LabnotesApp  # noqa: E402
from labnotes.tui.notes import NotesView  # noqa: E402
from labnotes.tui.messages import OpenNote  # noqa: E402
from tests.tuikit import ENTRY, REPO, SEED_REL, SIZE, app_for, loaded, nodes, put_cursor, scenario  # noqa: E402

FAKE_EXPERIMENT = """\
import argparse, json
p = argparse.ArgumentParser()
p.add_argument("--device", default="auto")
p.add_argument("--quick", action="store_true")
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
print("measuring max|x| per layer on", a.device, "quick" if a.quick else "full", flush=True)
print(json.dumps({"id": "fake_kernel", "reproduced": True, "device": a.device, "torch": "fake",
                  "seed": a.seed, "buggy": {"max_abs": 3.4e38}}))
"""


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    copy = tmp_path / "vault"
    shutil.copytree(REPO / "vault", copy)
    return copy


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository root whose experiments/ holds one fast experiment for ENTRY."""
    root = tmp_path / "repo"
    (root / "experiments").mkdir(parents=True)
    (root / "experiments" / "__init__.py").write_text("")
    (root / "experiments" / "fake_kernel.py").write_text(FAKE_EXPERIMENT)
    (root / "experiments" / "manifest.yaml").write_text(textwrap.dedent(f"""\
        experiments:
          - id: fake_kernel
            title: Fake aliased kernel
            question: Does conv_1 = conv blow the style encoder up?
            reproduces: ["{ENTRY}"]
        """))
    # The version probe imports torch in a child process: slow, and beside the point here.
    monkeypatch.setattr(provenance, "software", lambda *a, **k: {"python": "3", "torch": None})
    return root


async def until(pilot, done, seconds: float = 60) -> None:
    """Let the app run until `done()` holds (or the time is up): a big note's Markdown takes more
    than one refresh to draw on a busy machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done() and loop.time() < deadline:
        await pilot.pause(0.05)


# -- Tasks: tests/test_tui_tasks.py ---------------------------------------------------------


# -- Notes ------------------------------------------------------------------------------------


@scenario
async def test_follow_a_wiki_link_then_go_back(vault):
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        notes = pilot.app.query_one(NotesView)
        pilot.app.post_message(OpenNote(SEED_REL, 1))
        await pilot.pause()
        await pilot.press("l")  # the links list
        links = pilot.app.query_one("#note-links", OptionList)
        k = next(k for k, link in enumerate(notes.note.links) if link.target == "神经网络组件目录文件_README")
        links.highlighted = links.get_option_index(f"out:{k}")
        await pilot.press("enter")
        await pilot.pause()
        assert notes.current.rel == "科研/神经网络组件目录文件_README.md"
        await pilot.press("backspace")
        await pilot.pause()
        assert notes.current.rel == SEED_REL


@scenario
async def test_a_heading_link_opens_the_target_at_its_heading(vault):
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        notes = pilot.app.query_one(NotesView)
        pilot.app.post_message(OpenNote(SEED_REL))
        await pilot.pause()
        link = next(x for x in notes.note.links if x.heading == "解决方案")
        notes.follow(link)
        await pilot.pause()
        target = pilot.app.data.index.notes[notes.current.rel]
        heading = next(h for h in target.headings if h.text == "解决方案")
        assert notes.current.line == heading.line > 1


@scenario
async def test_backlinks_list_the_notes_that_link_here(vault):
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote("科研/2024年12月1日_G_contrast函数检查.md"))
        links = pilot.app.query_one("#note-links", OptionList)
        await until(pilot, lambda: links.option_count > 0)
        prompts = [str(links.get_option_at_index(i).prompt) for i in range(links.option_count)]
        assert any(p.startswith("← 2024-12-01:") for p in prompts)


# -- Timeline and reruns ----------------------------------------------------------------------


@scenario
async def test_timeline_shows_partialoct_entries_with_experiments_and_a_rerun_result(vault, repo):
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        tree = pilot.app.query_one("#timeline-tree", Tree)
        entry = next(n for n in nodes(tree) if isinstance(n.data, TimelineEntry) and n.data.id == ENTRY)
        assert "⚗ fake_kernel ·" in entry.label.plain  # linked, never run
        struck = next(n for n in nodes(tree) if isinstance(n.data, TimelineEntry) and n.data.rejected)
        assert any("strike" in str(s.style) for s in struck.label.spans)

        put_cursor(tree, entry)
        await pilot.press("r")
        await loaded(pilot)  # the run, then the reload its record triggers
        status = pilot.app.query_one("#run-status").render().plain
        assert "fake_kernel: reproduced on cpu" in status
        panel = pilot.app.query_one("#run-panel").region  # on screen, above the footer
        assert panel.height >= 8 and panel.bottom <= SIZE[1] - 1
        assert "measuring max|x| per layer on cpu quick" in "\n".join(pilot.app.query_one(Log).lines)
        assert "⚗ fake_kernel ✓" in tree.cursor_node.label.plain
        record = (vault.parent / "runs.jsonl").read_text(encoding="utf-8")
        assert '"experiment": "fake_kernel"' in record and ENTRY in record and '"quick": true' in record


@scenario
async def test_with_annotate_on_a_rerun_writes_its_line_under_the_entry_as_the_cli_does(vault, repo):
    note = vault / SEED_REL
    before = note.read_text(encoding="utf-8").splitlines(keepends=True)
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        tree = pilot.app.query_one("#timeline-tree", Tree)
        entry = next(n for n in nodes(tree) if isinstance(n.data, TimelineEntry) and n.data.id == ENTRY)
        put_cursor(tree, entry)
        await pilot.press("A", "r")  # annotate on, then rerun
        await loaded(pilot)
        assert "annotate" in pilot.app.sub_title
    after = note.read_text(encoding="utf-8").splitlines(keepends=True)
    [added] = [line for line in after if line not in before]
    run_id = json.loads((vault.parent / "runs.jsonl").read_text(encoding="utf-8"))["run_id"]
    assert added.rstrip("\n").endswith(f"rerun fake_kernel: reproduced on cpu (run {run_id})")
    assert len(after) == len(before) + 1


@scenario
async def test_experiments_view_runs_the_highlighted_experiment_at_full_size(vault, repo):
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("4")
        assert "Does conv_1 = conv" in pilot.app.query_one("#exp-about").render().plain
        await pilot.press("f", "r")
        await loaded(pilot)
        assert "full" in "\n".join(pilot.app.query_one(Log).lines)
        runs = pilot.app.query_one("#exp-runs")
        assert runs.row_count == 1


@scenario
async def test_an_entry_without_experiment_says_so(vault, repo):
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("2")
        tree = pilot.app.query_one("#timeline-tree", Tree)
        plain = next(n for n in nodes(tree) if isinstance(n.data, TimelineEntry) and n.data.note != SEED_REL)
        put_cursor(tree, plain)
        await pilot.press("r")
        await pilot.pause()
        assert not pilot.app.query_one("#run-panel").display
        assert any("Nothing to rerun" in n.message for n in pilot.app._notifications)


# -- Live, help, odd sizes --------------------------------------------------------------------


@scenario
async def test_a_note_changed_on_disk_shows_without_a_restart(vault):
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        note = vault / "Diary" / "2024" / "2024-12-06.md"
        note.write_text(note.read_text(encoding="utf-8") + "\n- [ ] 新任务: 写周报\n", encoding="utf-8")
        pilot.app.check_disk()  # what the periodic watch does
        await loaded(pilot)
        await loaded(pilot)
        texts = [n.data.text for n in nodes(pilot.app.query_one("#task-tree", Tree)) if isinstance(n.data, Task)]
        assert "新任务: 写周报" in texts


@scenario
async def test_help_opens_and_closes_and_q_quits(vault):
    app = app_for(vault)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert type(app.screen).__name__ != "HelpScreen"
        await pilot.press("q")
    assert app.return_code == 0


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
@scenario
async def test_every_view_draws_on_a_small_terminal(vault, size):
    async with app_for(vault).run_test(size=size) as pilot:
        await loaded(pilot)
        for key in "23451":
            await pilot.press(key)
            await pilot.pause()


@scenario
async def test_an_empty_vault_opens_with_nothing_to_show(tmp_path):
    empty = tmp_path / "empty"
    (empty / ".obsidian").mkdir(parents=True)
    async with app_for(empty).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert pilot.app.query_one("#task-summary").render().plain.startswith("no tasks match")
        for key in "2345":
            await pilot.press(key)
            await pilot.pause()
        assert pilot.app.query_one("#timeline-summary").render().plain.startswith("no log entries")


@scenario
async def test_a_generated_vault_lists_each_carried_task_once(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from make_vault import make_vault
    finally:
        sys.path.remove(str(REPO / "bench"))
    big = tmp_path / "big"
    make_vault(big, 30)  # 30 seed-shaped daily notes: every task copied forward day after day
    async with app_for(big).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        tree = pilot.app.query_one("#task-tree", Tree)
        tasks = [n.data for n in nodes(tree) if isinstance(n.data, Task)]
        assert tasks and len({t.id for t in tasks}) == len(tasks)
        # The seed's open tasks once each, living in the newest note, carried through the others.
        newest = [t for t in tasks if t.latest.note.endswith("2020-01-30.md")]
        assert newest and max(t.carried for t in newest) == 29
        notes = [n for n in tree.root.children if getattr(n.data, "rel", None)]
        assert notes[0].data.rel.endswith("2020-01-30.md")  # newest first


@scenario
async def test_a_first_index_says_how_far_it_is_in_the_header(vault):
    app = app_for(vault)
    said = []
    original = LabnotesApp._say_indexing

    def record(self, where):
        said.append(where)
        original(self, where)

    LabnotesApp._say_indexing = record
    try:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            assert any(w is not None and w[0] <= w[1] for w in said)  # "indexing N of M notes …"
            assert "indexing" not in app.sub_title  # and the header says the vault again when done
    finally:
        LabnotesApp._say_indexing = original
