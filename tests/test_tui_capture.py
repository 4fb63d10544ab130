"""Writing from the UI as a researcher logs while debugging: `a` a task into today's note (made
from the template when missing), `e` a stamped entry under a task, `E` the note in $EDITOR and
back; and notes changed on disk show by themselves."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

pytest.importorskip("textual")

from labnotes.notes.capture import entry_insertion, stamp_like, task_insertion  # noqa: E402
from labnotes.parse import parse_note  # noqa: E402
from labnotes.tasks import Task  # noqa: E402
from labnotes.tui.messages import OpenNote  # noqa: E402
from tuikit import SEED_REL, SIZE, SMALL, app_for, copy_vault, loaded, nodes, notifications, scenario  # noqa: E402

WHEN = dt.datetime(2024, 12, 7, 9, 5)


def test_a_stamp_takes_the_vaults_own_form():
    assert stamp_like("2024-12-05-17:36 周四：", WHEN) == "2024-12-07-09:05 周六："
    assert stamp_like("2024 年 12 月 1 日-21:57 周日：", WHEN) == "2024 年 12 月 7 日-09:05 周六："
    assert stamp_like("2024-12-03 22:05 Tue - ", WHEN) == "2024-12-07 09:05 Sat - "


def test_an_entry_goes_last_under_its_task_numbered_on():
    text = "## 科研\n\n1. [ ] 修改 PartialOct\n\t1. 2024-12-05-17:36 周四：发现问题\n\t\t1. 细节\n\t2. 2024-12-05-18:00 周四：再试\n\n2. [ ] 别的\n"
    note = parse_note(text, "d.md")
    ins = entry_insertion(note, text.split("\n"), 3, "2024-12-07-09:05 周六：", "又是 nan")
    assert (ins.after, ins.text) == (6, "\t3. 2024-12-07-09:05 周六：又是 nan")
    # Under an entry: the next item of the same thread, after the entry's own children.
    ins = entry_insertion(note, text.split("\n"), 4, "2024-12-07-09:05 周六：", "x")
    assert (ins.after, ins.text) == (5, "\t2. 2024-12-07-09:05 周六：x")


def test_a_task_fills_the_sections_empty_placeholder_else_goes_after_its_last_task():
    text = "## 科研\n\n1. [ ] 读论文\n2. [ ] \n\n## 工作\n\n1. [x] 周报\n\t- 子任务\n"
    note = parse_note(text, "d.md")
    ins = task_insertion(note, text.split("\n"), ("科研",), "写代码")
    assert (ins.after, ins.text, ins.replace) == (4, "2. [ ] 写代码", True)
    ins = task_insertion(note, text.split("\n"), ("工作",), "开会")
    assert (ins.after, ins.text, ins.replace) == (9, "2. [ ] 开会", False)


@scenario
async def test_a_adds_a_task_to_todays_note_made_from_the_template(tmp_path):
    vault = copy_vault(tmp_path)
    today = dt.date.today()
    note = vault / "Diary" / str(today.year) / f"{today.isoformat()}.md"
    assert not note.exists()
    async with app_for(vault).run_test(size=SMALL) as pilot:
        await loaded(pilot)
        await pilot.press("a")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#capture-section").value = screen.sections.index(("今日计划", "科研"))
        await pilot.press(*"写周报", "enter")
        await loaded(pilot)
        lines = note.read_text(encoding="utf-8").split("\n")
        added = [line for line in lines if "写周报" in line]
        assert added and added[0].endswith("[ ] 写周报")
        # It is in the 科研 section of the new note, and in the task tree.
        parsed = parse_note("\n".join(lines), note.name)
        assert next(i for i in parsed.list_items if i.text == "写周报").section == ["今日计划", "科研"]
        rows = [n.data for n in nodes(pilot.app.query_one("#task-tree")) if isinstance(n.data, Task)]
        assert any(r.text == "写周报" for r in rows)


@scenario
async def test_e_adds_a_stamped_entry_under_the_selected_task(tmp_path):
    vault = copy_vault(tmp_path)
    seed = vault / SEED_REL
    before = seed.read_text(encoding="utf-8").split("\n")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(SEED_REL, 29))  # 4. [x] 修改 PartialOct
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        stamp = pilot.app.screen.lead
        assert stamp.endswith("："), stamp  # the sample vault's form: 2024-12-05-17:36 周四：
        await pilot.press(*"loss 又是 nan", "enter")
        await loaded(pilot)
        after = seed.read_text(encoding="utf-8").split("\n")
        assert len(after) == len(before) + 1
        new = next(n for n, line in enumerate(after) if "loss 又是 nan" in line)
        assert after[new] == f"\t6. {stamp}loss 又是 nan"
        assert after[:new] + after[new + 1 :] == before  # nothing else moved
        entry = next(e for e in pilot.app.data.index.notes[SEED_REL].entries if e.text == "loss 又是 nan")
        assert entry.thread_line == 29


FAKE_EDITOR = """\
import sys
line, path = sys.argv[1], sys.argv[2]
with open(path, "a", encoding="utf-8") as fh:
    fh.write("\\n- [ ] 编辑器里加的 " + line + "\\n")
"""


@scenario
async def test_E_opens_the_note_in_the_editor_at_the_line_and_shows_the_edit(tmp_path, monkeypatch):
    vault = copy_vault(tmp_path)
    editor = tmp_path / "fake_editor.py"
    editor.write_text(FAKE_EDITOR)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(SEED_REL, 29))
        await pilot.pause()
        await pilot.press("E")
        await loaded(pilot)
        assert (vault / SEED_REL).read_text(encoding="utf-8").endswith("- [ ] 编辑器里加的 +29\n")
        await pilot.press("1")  # the Tasks view, drawn from the re-read vault
        await pilot.pause()
        rows = [n.data for n in nodes(pilot.app.query_one("#task-tree")) if isinstance(n.data, Task)]
        assert any(r.text == "编辑器里加的 +29" for r in rows)


@scenario
async def test_writing_into_the_sample_vault_warns(tmp_path, monkeypatch):
    from labnotes.settings import locations

    vault = copy_vault(tmp_path)
    monkeypatch.setattr(locations, "SAMPLE_VAULT", vault)  # this copy stands in for the bundled one
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.post_message(OpenNote(SEED_REL, 29))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x", "enter")
        await loaded(pilot)
        assert "x" in (vault / SEED_REL).read_text(encoding="utf-8").split("\n")[96]
        assert any("sample vault" in n for n in notifications(pilot.app))


@scenario
async def test_a_note_saved_elsewhere_shows_within_a_second_and_a_burst_is_one_reload(tmp_path):
    vault = copy_vault(tmp_path)
    app = app_for(vault, watch_every=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        reloads = []
        original = app.reload
        app.reload = lambda: (reloads.append(1), original())[1]
        await pilot.pause(0.5)  # the watcher is up
        note = vault / "Diary" / "2024" / "2024-12-06.md"
        note.write_text(note.read_text(encoding="utf-8") + "\n- [ ] 新任务: 写周报\n", encoding="utf-8")
        texts: list[str] = []
        for _ in range(100):
            await pilot.pause(0.05)
            texts = [n.data.text for n in nodes(app.query_one("#task-tree")) if isinstance(n.data, Task)]
            if "新任务: 写周报" in texts:
                break
        assert "新任务: 写周报" in texts
        await loaded(pilot)
        reloads.clear()
        # A checkout: twenty notes rewritten in a burst.
        for n in range(20):
            (vault / "科研" / f"burst-{n}.md").write_text(f"- [ ] 第 {n} 个\n", encoding="utf-8")
        await pilot.pause(1.5)
        await loaded(pilot)
        assert len(reloads) == 1
