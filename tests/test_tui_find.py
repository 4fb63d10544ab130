"""Finding anything: the quick switcher (names, aliases, paths, headings, tasks, entries; fuzzy),
full-text search that jumps to the line, and the charts a reader can read."""

from __future__ import annotations

import pytest

pytest.importorskip("textual")

from labnotes.lab import provenance  # noqa: E402
from labnotes.tui.finder import Finder, Place  # noqa: E402
from tuikit import SEED_REL, SIZE, SMALL, app_for, copy_vault, fake_repo, loaded, scenario, shown_for  # noqa: E402


def test_the_finder_ranks_names_first_and_matches_fuzzily():
    finder = Finder([
        Place("note", "2024-12-01", "Diary/2024/2024-12-01.md", 1, "Diary/2024/2024-12-01.md"),
        Place("note", "PartialOct 论文", "科研/PartialOct 论文.md", 1, "科研/PartialOct 论文.md  pocpaper"),
        Place("heading", "PartialOct 的结构", "科研/PartialOct 论文.md", 7, "PartialOct 论文"),
        Place("task", "修改 PartialOct", "Diary/2024/2024-12-01.md", 29, "2024-12-01"),
        Place("entry", "发现 PartialOct 的 mask 有问题", "Diary/2024/2024-12-01.md", 45, "2024-12-01"),
    ])  # fmt: skip
    assert [p.kind for p in finder.find("partialoct")] == ["note", "heading", "task", "entry"]
    assert finder.find("pocpaper")[0].label == "PartialOct 论文"  # by its alias
    assert finder.find("ptloct")[0].label == "PartialOct 论文"  # fuzzy: the letters in order
    assert [p.line for p in finder.find("mask partialoct")] == [45]  # every word, any order
    assert finder.find("zzz") == []


@scenario
async def test_ctrl_p_opens_a_note_by_alias_and_a_heading_at_its_line(tmp_path):
    vault = copy_vault(tmp_path)
    (vault / "科研" / "小波卷积.md").write_text("---\naliases: [WTConv]\n---\n# 小波卷积\n\n## 实现细节\n\n正文\n", encoding="utf-8")
    async with app_for(vault).run_test(size=SMALL) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"wtconv")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        notes = pilot.app.query_one("#notes-view")
        assert pilot.app.query_one("#views").active == "notes" and notes.current.rel == "科研/小波卷积.md"

        await pilot.press("o")  # o opens it too, as in Obsidian's quick switcher
        await pilot.pause()
        await pilot.press(*"实现细节")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert (notes.current.rel, notes.query_one("#note-text").line) == ("科研/小波卷积.md", 6)


@scenario
async def test_slash_in_notes_searches_the_text_and_jumps_to_the_line(tmp_path):
    vault = copy_vault(tmp_path)
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("3")
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"sum_mask in_mask")
        await shown_for(pilot, "sum_mask in_mask")
        hits = pilot.app.screen.hits
        assert hits and all("sum_mask" in h.label and "in_mask" in h.label for h in hits)
        assert (SEED_REL, 118) in [(h.rel, h.line) for h in hits]
        pilot.app.screen.query_one("#find-results").highlighted = [(h.rel, h.line) for h in hits].index((SEED_REL, 118))
        await pilot.press("enter")
        await pilot.pause()
        notes = pilot.app.query_one("#notes-view")
        assert (notes.current.rel, notes.query_one("#note-text").line) == (SEED_REL, 118)


@scenario
async def test_metrics_are_charts_with_dates_and_an_experiments_figures_are_charted(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "software", lambda *a, **k: {"python": "3", "torch": None})
    vault, repo = copy_vault(tmp_path), fake_repo(tmp_path)
    async with app_for(vault, repo).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("5")
        await pilot.pause()
        charts = list(pilot.app.query(".metric-chart"))
        assert charts
        drawn = ""
        for _ in range(50):  # a chart is drawn again once laid out at its size (slow on a loaded machine)
            drawn = charts[0].render().plain if hasattr(charts[0].render(), "plain") else str(charts[0].render())
            if "12-0" in drawn:
                break
            await pilot.pause(0.05)
        assert "12-0" in drawn, drawn  # days of the sample vault on the x axis

        await pilot.press("4", "r")
        await loaded(pilot)
        title = pilot.app.query_one("#exp-figure-title").render().plain
        assert "max_abs" in title and pilot.app.query_one("#exp-figure").display


@scenario
async def test_a_query_block_is_answered_in_the_note_and_enter_opens_a_listed_task(tmp_path):
    vault = copy_vault(tmp_path)
    (vault / "科研" / "看板.md").write_text("# 看板\n\n```tasks\nnot done\npath includes 2024-12-06\n```\n\n结尾\n", encoding="utf-8")
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        from labnotes.tui.messages import OpenNote

        pilot.app.post_message(OpenNote("科研/看板.md", 1))
        await pilot.pause()
        text = pilot.app.query_one("#note-text")
        listed = [nl for nl in text.lines if nl.task is not None]
        assert ("Diary/2024/2024-12-06.md", 33) in [nl.task for nl in listed]  # [/] 准备修改综述论文
        assert [nl.text.plain for nl in text.lines][-3:] == ["", "结尾", ""]  # the note goes on after it
        text._set_cursor(text.lines.index(next(nl for nl in listed if nl.task[1] == 33)))
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.query_one("#views").active == "tasks"
        row = pilot.app.query_one("#task-tree").cursor_node.data
        assert (row.latest.note, row.latest.line) == ("Diary/2024/2024-12-06.md", 33)


@scenario
async def test_a_burst_of_keys_is_one_search_and_more_results_come_at_the_lists_end(tmp_path, monkeypatch):
    from labnotes.tui import fulltext, switcher

    vault = copy_vault(tmp_path)
    (vault / "科研" / "梯度日志.md").write_text("".join(f"- 第 {n} 次: 梯度爆炸 grad_norm\n" for n in range(1, 131)), encoding="utf-8")
    asked: list[tuple[str, int]] = []
    search = fulltext.search
    monkeypatch.setattr(fulltext, "search", lambda index, q, **kw: asked.append((q, kw["limit"])) or search(index, q, **kw))
    # A pause long enough that no key of the burst below comes after it, however loaded the machine.
    monkeypatch.setattr(switcher, "DEBOUNCE_S", 2.0)
    async with app_for(vault).run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()
        await pilot.press(*"grad_norm")  # each key well within DEBOUNCE_S of the one before
        await shown_for(pilot, "grad_norm")
        screen = pilot.app.screen
        assert [q for q, _ in asked] == ["grad_norm"]  # not g, gr, gra, …
        assert len(screen.hits) == switcher.PAGE and all("grad_norm" in h.label for h in screen.hits)
        assert f"{switcher.PAGE} shown · more below" in str(screen.query_one("#find-status").render())

        for _ in range(6):  # to the end of the list: the next page comes
            await pilot.press("pagedown")
        await shown_for(pilot, "grad_norm")
        assert asked[-1] == ("grad_norm", 2 * switcher.PAGE) and len(screen.hits) == 2 * switcher.PAGE
        for _ in range(6):
            await pilot.press("pagedown")
        await shown_for(pilot, "grad_norm")
        assert len(screen.hits) == 130 and "more below" not in str(screen.query_one("#find-status").render())
        assert screen.query_one("#find-results").highlighted >= 100  # the cursor stayed where it was
