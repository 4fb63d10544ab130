"""The Tasks view: each task once with its life across the daily notes, routines in their own
group, filters, group and sort keys, and the toggle of a task's latest line (as the Obsidian
Tasks plugin toggles it when the vault uses the plugin). On a copy of the sample vault."""

from __future__ import annotations

import datetime as dt
import json

import pytest

pytest.importorskip("textual")

from labnotes.tasks import Routine, Task  # noqa: E402
from rich.cells import cell_len  # noqa: E402
from rich.console import Console  # noqa: E402
from tuikit import SEED_REL, SIZE, SMALL, app_for, copy_vault, loaded, nodes, notifications, put_cursor, scenario  # noqa: E402

DEC6 = "Diary/2024/2024-12-06.md"
# What `labnotes tasks --vault sample` lists: the six tasks not done, each once (issue 13).
NOT_DONE = {
    "准备修改综述论文": (DEC6, 33, "/"),
    "补充近两年部分卷积相关的文献": (DEC6, 34, " "),
    "思考在代码层面如何将小波卷积与部分卷积结合": (DEC6, 31, " "),
    "开展小波卷积与部分卷积结合的代码编写工作": (DEC6, 32, " "),
    "方案 1：缩小学习率": (SEED_REL, 70, " "),
}


def tree_of(app):
    return app.query_one("#task-tree")


def listed(app) -> list[Task]:
    return [n.data for n in nodes(tree_of(app)) if isinstance(n.data, Task)]


def node_of(app, text: str):
    return next(n for n in nodes(tree_of(app)) if isinstance(n.data, Task) and n.data.text.startswith(text))


def detail(app) -> str:
    return str(app.query_one("#task-detail").render())


@scenario
async def test_each_task_is_listed_once_where_it_lives_now(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        tasks = listed(pilot.app)
        assert len(tasks) == 6 and len({t.id for t in tasks}) == 6  # not 37 open lines
        by_text = {t.text: t for t in tasks}
        for text, (note, line, status) in NOT_DONE.items():
            t = by_text[text]
            assert (t.latest.note, t.latest.line, t.status) == (note, line, status)
        review = node_of(pilot.app, "准备修改综述论文")
        row = review.label.plain
        assert "6×" in row and "d " in row  # its age in days and its carry count, on its row
        # Its open sub-task under it, as the note nests them; the note's node is the 6th's.
        assert [c.data.text for c in review.children if isinstance(c.data, Task)] == ["补充近两年部分卷积相关的文献"]
        assert review.parent.parent.data.rel == DEC6
        assert tree_of(pilot.app).has_focus


@scenario
async def test_routines_come_in_their_own_group_with_their_record(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        group = tree_of(pilot.app).root.children[0]
        assert group.label.plain.startswith("routines of the daily template (2)")
        routines = [n.data for n in group.children]
        assert all(isinstance(r, Routine) for r in routines) and len(routines) == 2
        assert "4/9 days" in group.children[0].label.plain and "✓···✓·✓·✓" in group.children[0].label.plain
        # No routine copy among the tasks.
        assert not any(t.text.startswith("看看") for t in listed(pilot.app))
        put_cursor(tree_of(pilot.app), group.children[0])
        await pilot.pause()
        assert "done on 4 of 9 days" in detail(pilot.app)


@scenario
async def test_the_detail_pane_tells_the_selected_tasks_life(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        put_cursor(tree_of(pilot.app), node_of(pilot.app, "准备修改综述论文"))
        await loaded(pilot)  # the worker that reads its notes for the log entries
        said = detail(pilot.app)
        assert "since 2024-11-30" in said and "carried 6×" in said
        assert "2024-11-30 [ ] → 2024-12-04 [/]" in said  # the day it went in progress
        assert "7 lines on 7 days" in said
        assert "sub-tasks  2 (1 open)" in said


@scenario
async def test_filters_status_text_and_section(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app = pilot.app
        app.query_one("#task-status").value = "any"
        await pilot.pause()
        everything = listed(app)
        assert len(everything) > 6 and len({t.id for t in everything}) == len(everything)
        await pilot.press("slash", *"PartialOct", "enter")
        assert listed(app) and all("partialoct" in t.text.casefold() for t in listed(app))
        assert tree_of(app).has_focus  # enter leaves the filter for the tree
        app.query_one("#task-text").value = ""
        app.query_one("#task-status").value = "in-progress"
        await pilot.pause()
        assert [t.text for t in listed(app)] == ["准备修改综述论文"]
        app.query_one("#task-status").value = "any"
        app.query_one("#task-section").value = "工作"
        await pilot.pause()
        assert listed(app) and all(t.latest.section[-1] == "工作" for t in listed(app))
        assert {t.text for t in listed(app)} >= {"扬州会议报销到账"}


@scenario
async def test_a_task_with_a_rare_status_character_gets_its_own_filter(tmp_path):
    vault = copy_vault(tmp_path)
    note = vault / DEC6
    note.write_text(note.read_text(encoding="utf-8") + "\n- [?] 问问导师 batch size\n", encoding="utf-8")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.query_one("#task-status").value = "?"
        await pilot.pause()
        assert [t.text for t in listed(pilot.app)] == ["问问导师 batch size"]


@scenario
async def test_g_groups_and_s_sorts_as_the_cli_does(tmp_path):
    vault = copy_vault(tmp_path)
    note = vault / DEC6
    note.write_text(note.read_text(encoding="utf-8") + "\n## 截止\n- [ ] 投稿 #paper 📅 2024-12-20\n- [ ] 回复审稿 #paper/review 📅 2024-12-10\n",
                    encoding="utf-8")  # fmt: skip
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app = pilot.app
        await pilot.press("g")  # note -> section
        await pilot.pause()
        assert "by section (g)" in str(app.query_one("#task-summary").render())
        await pilot.press("g", "s", "s")  # -> tag; sort: as in the note -> age -> due
        await pilot.pause()
        groups = [n.label.plain.split("  ")[0] for n in tree_of(app).root.children]
        assert "#paper" in groups and "#paper/review" in groups
        app.query_one("#task-text").value = "#paper"
        await pilot.pause()
        # A #tag in the text filter is the --tag filter: nested tags match their parent.
        assert {t.text.split(" #")[0] for t in listed(app)} == {"投稿", "回复审稿"}
        app.query_one("#task-text").value = ""
        await pilot.press("g", "g", "g", "g")  # -> status, due, folder, none: one flat list
        await pilot.pause()
        assert "one list (g)" in str(app.query_one("#task-summary").render())
        order = [t.text.split(" #")[0] for t in listed(app)]
        assert order.index("回复审稿") < order.index("投稿")  # sorted by due day
        assert all(isinstance(n.data, (Task, Routine)) or n.data.name == "routines" for n in tree_of(app).root.children)


@scenario
async def test_space_toggles_the_latest_line_and_only_that_line(tmp_path):
    vault = copy_vault(tmp_path)
    dec6, dec5 = vault / DEC6, vault / "Diary/2024/2024-12-05.md"
    before, before5 = dec6.read_bytes().splitlines(keepends=True), dec5.read_bytes()
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        app = pilot.app
        task_id = node_of(app, "思考在代码层面").data.id
        put_cursor(tree_of(app), node_of(app, "思考在代码层面"))
        await pilot.press("space")
        await loaded(pilot)
        after = dec6.read_bytes().splitlines(keepends=True)
        assert [n for n, (a, b) in enumerate(zip(before, after), 1) if a != b] == [31]
        assert after[30] == before[30].replace(b"[ ]", b"[x]", 1) and len(after) == len(before)
        assert dec5.read_bytes() == before5  # its older copies stay as they were
        # Still listed (a toggle by mistake is one space from undone), now done, cursor on it.
        cursor = tree_of(app).cursor_node.data
        assert cursor.id == task_id and cursor.status == "x"
        await pilot.press("space")
        await loaded(pilot)
        assert dec6.read_bytes().splitlines(keepends=True) == before


@scenario
async def test_space_toggles_as_the_tasks_plugin_in_a_vault_that_uses_it(tmp_path):
    vault = copy_vault(tmp_path)
    plugin = vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text(json.dumps({"recurrenceOnNextLine": True}), encoding="utf-8")
    note = vault / DEC6
    text = note.read_text(encoding="utf-8") + "\n- [ ] 浇花 🔁 every week 📅 2024-12-06\n"
    note.write_text(text, encoding="utf-8")
    last = text.count("\n")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        put_cursor(tree_of(pilot.app), node_of(pilot.app, "浇花"))
        await pilot.press("space")
        await loaded(pilot)
        lines = note.read_text(encoding="utf-8").split("\n")
        today = dt.date.today().isoformat()
        # The done line with the plugin's done date, then the next occurrence a week on.
        assert lines[last - 1] == f"- [x] 浇花 🔁 every week 📅 2024-12-06 ✅ {today}"
        assert lines[last] == "- [ ] 浇花 🔁 every week 📅 2024-12-13"
        assert lines[: last - 1] == text.split("\n")[: last - 1]
        assert any("next" in n for n in notifications(pilot.app))


@scenario
async def test_a_toggle_is_refused_when_the_note_changed_on_disk(tmp_path):
    vault = copy_vault(tmp_path)
    note = vault / DEC6
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        put_cursor(tree_of(pilot.app), node_of(pilot.app, "思考在代码层面"))
        edited = "新的一行\n" + note.read_text(encoding="utf-8")  # Obsidian adds a line meanwhile
        note.write_text(edited, encoding="utf-8")
        await pilot.press("space")
        await pilot.pause()
        assert note.read_text(encoding="utf-8") == edited
        assert any("Not toggled" in n for n in notifications(pilot.app))


@scenario
async def test_enter_opens_the_note_at_the_tasks_latest_line(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        put_cursor(tree_of(pilot.app), node_of(pilot.app, "方案 1"))
        await pilot.press("enter")
        await pilot.pause()
        notes = pilot.app.query_one("#notes-view")
        assert pilot.app.query_one("#views").active == "notes"
        assert (notes.current.rel, notes.current.line) == (SEED_REL, 70)
        assert notes.query_one("#note-text").line == 70


@scenario
async def test_at_80x24_the_selected_row_stays_above_the_detail_pane(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SMALL) as pilot:
        await loaded(pilot)
        tree = tree_of(pilot.app)
        put_cursor(tree, node_of(pilot.app, "方案 1"))  # the last row
        await pilot.pause()
        shown = tree.scroll_offset.y <= tree.cursor_line < tree.scroll_offset.y + tree.scrollable_content_region.height
        assert shown and pilot.app.query_one("#task-detail").region.height == 4


@scenario
async def test_space_on_a_task_a_query_block_lists_updates_the_note_and_the_result(tmp_path):
    vault = copy_vault(tmp_path)
    (vault / "科研" / "看板.md").write_text("# 看板\n\n```tasks\nnot done\npath includes 2024-12-06\n```\n\n结尾\n", encoding="utf-8")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        from labnotes.tui.messages import OpenNote

        pilot.app.post_message(OpenNote("科研/看板.md", 1))
        await pilot.pause()
        text = pilot.app.query_one("#note-text")
        row = next(nl for nl in text.lines if nl.task == (DEC6, 31))  # [ ] 思考在代码层面如何将小波卷积与部分卷积结合
        text._set_cursor(text.lines.index(row))
        before = (vault / DEC6).read_text(encoding="utf-8").split("\n")
        await pilot.press("space")
        await loaded(pilot)
        after = (vault / DEC6).read_text(encoding="utf-8").split("\n")
        assert after[30] == before[30].replace("[ ]", "[x]", 1) and after[:30] == before[:30] and after[31:] == before[31:]
        # The block asks for tasks not done: the re-read note lists it no more; the note is still open.
        assert pilot.app.query_one("#notes-view").current.rel == "科研/看板.md"
        assert (DEC6, 31) not in [nl.task for nl in text.lines] and (DEC6, 32) in [nl.task for nl in text.lines]


@scenario
async def test_space_on_a_task_line_of_a_note_toggles_it(tmp_path):
    vault = copy_vault(tmp_path)
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        from labnotes.tui.messages import OpenNote

        pilot.app.post_message(OpenNote(SEED_REL, 70))  # [ ] 方案 1：缩小学习率
        await pilot.pause()
        assert pilot.app.query_one("#note-text").line == 70
        await pilot.press("space")
        await loaded(pilot)
        assert (vault / SEED_REL).read_text(encoding="utf-8").split("\n")[69] == "\t\t1. [x] 方案 1：缩小学习率"
        assert pilot.app.query_one("#note-text").line == 70  # the cursor stays on the line


@scenario
async def test_in_a_git_vault_the_detail_pane_names_the_commit_that_closed_the_task(tmp_path):
    pytest.importorskip("labnotes.history")  # the tasks engineer's git history (issue 13)
    git = pytest.importorskip("git")
    vault = copy_vault(tmp_path)
    repo = git.Repo.init(vault)
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "研究生").set_value("user", "email", "r@example.org")
    repo.git.add(A=True)
    repo.index.commit("notes")
    note = vault / DEC6
    lines = note.read_text(encoding="utf-8").split("\n")
    lines[30] = lines[30].replace("[ ]", "[x]", 1)  # 思考在代码层面如何将小波卷积与部分卷积结合, done
    note.write_text("\n".join(lines), encoding="utf-8")
    repo.git.add(A=True)
    done = repo.index.commit("done")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        pilot.app.query_one("#task-status").value = "done"
        await pilot.pause()
        put_cursor(tree_of(pilot.app), node_of(pilot.app, "思考在代码层面"))
        await loaded(pilot)
        await loaded(pilot)
        assert f"done in {done.hexsha[:8]}" in detail(pilot.app) and "研究生" in detail(pilot.app)


@scenario
async def test_the_status_filter_asks_for_overdue_due_soon_and_blocked_tasks(tmp_path, monkeypatch):
    from labnotes.tui import tasks as view

    monkeypatch.setattr(view, "today", lambda: dt.date(2024, 12, 6))
    vault = copy_vault(tmp_path)
    note = vault / DEC6
    note.write_text(note.read_text(encoding="utf-8") + "\n## 截止\n- [ ] 交报销单 📅 2024-12-01\n- [ ] 回复审稿 📅 2024-12-10\n"
                    "- [ ] 投稿 📅 2024-12-20\n- [ ] 跑消融实验 🆔 abl\n- [ ] 写结论 ⛔ abl\n", encoding="utf-8")  # fmt: skip
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        shown = {}
        for value in ("overdue", "due-7", "blocked"):
            pilot.app.query_one("#task-status").value = value
            await pilot.pause()
            shown[value] = sorted(t.text.split(" ")[0] for t in listed(pilot.app))
        assert shown == {"overdue": ["交报销单"], "due-7": ["交报销单", "回复审稿"], "blocked": ["写结论"]}


@scenario
async def test_enter_on_a_done_task_in_a_note_shows_it_in_tasks_though_not_done_is_the_filter(tmp_path):
    async with app_for(copy_vault(tmp_path)).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        from labnotes.tui.messages import OpenNote

        pilot.app.post_message(OpenNote(SEED_REL, 29))  # 4. [x] 修改 PartialOct
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.query_one("#views").active == "tasks"
        cursor = tree_of(pilot.app).cursor_node.data
        assert isinstance(cursor, Task) and cursor.text == "修改 PartialOct" and cursor.status == "x"
        assert pilot.app.query_one("#task-status").value == "any"


@scenario
async def test_due_dates_and_priorities_are_columns_of_their_own(tmp_path, monkeypatch):
    import datetime as dt

    from labnotes.tui import tasks

    monkeypatch.setattr(tasks, "today", lambda: dt.date(2024, 12, 6))
    vault = copy_vault(tmp_path)
    note = vault / DEC6
    note.write_text(note.read_text(encoding="utf-8") + "\n## 截止\n- [ ] 交报销单 ⏫ 📅 2024-12-01\n- [ ] 回复审稿 📅 2024-12-10\n"
                    "- [ ] 整理文献 🔽\n", encoding="utf-8")  # fmt: skip
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        rows = {n.data.text.split(" ")[0]: n.label for n in nodes(tree_of(pilot.app)) if isinstance(n.data, Task)}
        late, review, reading = rows["交报销单"], rows["回复审稿"], rows["整理文献"]
        assert "📅12-01 ⏫ 交报销单" in late.plain and "2024-12-01" not in late.plain  # the field once, as a column
        assert "📅12-10    回复审稿" in review.plain and "        🔽 整理文献" in reading.plain
        assert late.get_style_at_offset(Console(), late.plain.index("📅")).color.name == "#f7768e"  # overdue: red
        plain = rows["思考在代码层面如何将小波卷积与部分卷积结合"].plain  # no fields: blank cells, the words aligned
        assert cell_len(plain[: plain.index("思考")]) == cell_len(review.plain[: review.plain.index("回复审稿")])
