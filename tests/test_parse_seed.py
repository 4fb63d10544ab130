"""The seed note parses to what a careful reader counts in it."""

from __future__ import annotations

import pytest

from labnotes.parse import read_note


@pytest.fixture(scope="module")
def seed():
    from tests.conftest import SEED

    return read_note(SEED)


def test_day_and_empty_front_matter(seed):
    assert seed.date == "2024-12-01"
    assert seed.frontmatter == {}


def test_24_tasks_9_done(seed):
    assert len(seed.tasks) == 24
    assert sum(t.task == "x" for t in seed.tasks) == 9
    assert sum(t.task == " " for t in seed.tasks) == 15


def test_template_placeholders_are_tasks_without_text(seed):
    placeholders = [t for t in seed.tasks if t.text == ""]
    assert len(placeholders) == 7  # 学业 4, 兴趣 3
    assert {tuple(t.section) for t in placeholders} == {("今日计划", "学业"), ("今日计划", "兴趣")}


def test_section_paths(seed):
    item = seed.item_at(28)
    assert item.text == "思考在代码层面如何将小波卷积与部分卷积结合"
    assert item.section == ["今日计划", "科研"]
    assert item.task == " "
    assert seed.item_at(22).section == ["今日计划"]


def test_nesting_by_tabs(seed):
    partialoct = seed.item_at(29)
    assert partialoct.text == "修改 PartialOct" and partialoct.depth == 0
    first_child = seed.item_at(30)
    assert first_child.parent_line == 29 and first_child.depth == 1
    # six tabs deep: 1. 由于结果过长 …
    deep = seed.item_at(42)
    assert deep.text.startswith("由于结果过长") and deep.depth == 6
    assert deep.parent_line == 41 and seed.item_at(41).parent_line == 40


def test_twenty_entries_in_range(seed):
    stamps = [e.timestamp for e in seed.entries]
    assert len(stamps) == 20
    assert min(stamps) == "2024-12-01T16:53"
    assert max(stamps) == "2024-12-06T15:01"


def test_two_entries_in_the_same_minute_are_told_apart(seed):
    ids = [e.id for e in seed.entries]
    assert "2024-12-01@2024-12-05T21:35" in ids
    assert "2024-12-01@2024-12-05T21:35~2" in ids
    assert len(set(ids)) == 20
    first = next(e for e in seed.entries if e.id == "2024-12-01@2024-12-05T21:35")
    second = next(e for e in seed.entries if e.id == "2024-12-01@2024-12-05T21:35~2")
    assert first.line == 96 and second.line == 97


def test_one_entry_is_struck(seed):
    struck = [e for e in seed.entries if e.struck]
    assert [e.id for e in struck] == ["2024-12-01@2024-12-01T16:53"]
    assert struck[0].line == 51 and struck[0].col == 8
    assert struck[0].text == "缩小三个数量级后发现依旧有问题, 所以不是学习率出现了问题"
    # …and the hypothesis item holding it is struck too.
    assert seed.item_at(50).struck


def test_entry_formats_in_the_seed(seed):
    by_id = {e.id: e for e in seed.entries}
    cjk = by_id["2024-12-01@2024-12-01T21:57"]
    assert cjk.weekday == "周日" and cjk.weekday_ok
    assert cjk.line == 67 and cjk.col == 8
    one_digit_hour = by_id["2024-12-01@2024-12-05T09:50"]
    assert one_digit_hour.weekday == "周四"
    assert one_digit_hour.text.startswith("发现 oct_conv_aftup_2 也有问题")


def test_entries_know_their_thread(seed):
    by_id = {e.id: e for e in seed.entries}
    # Under 方案 2 (line 71), itself under 修改 PartialOct (line 29).
    assert by_id["2024-12-01@2024-12-03T22:10"].thread_line == 71
    assert by_id["2024-12-01@2024-12-03T22:10"].parent_line == 71
    assert by_id["2024-12-01@2024-12-01T16:53"].thread_line == 29
    # A stamped task opens a thread of its own, and the entries under it join that thread.
    assert by_id["2024-12-01@2024-12-01T21:57"].thread_line == 67
    assert by_id["2024-12-01@2024-12-03T22:05"].thread_line == 67
    assert by_id["2024-12-01@2024-12-05T21:35~2"].thread_line == 97
    assert by_id["2024-12-01@2024-12-05T23:04"].thread_line == 121
    assert by_id["2024-12-01@2024-12-05T23:57"].thread_line == 121


def test_seven_wiki_links_one_embed(seed):
    wiki = [link for link in seed.links if link.kind == "wiki"]
    assert len(wiki) == 7
    embeds = [link for link in wiki if link.embed]
    assert [(e.original, e.target, e.heading, e.line, e.col) for e in embeds] == [
        ("![[2024-01-01#新的一年]]", "2024-01-01", "新的一年", 16, 0)
    ]
    headings = {link.heading for link in wiki if not link.embed}
    assert headings == {None, "基于检查结果的推理", "根据以上推理, 可以得出结论", "解决方案"}


def test_five_images_and_one_web_link(seed):
    images = [link for link in seed.links if link.kind == "markdown" and link.embed]
    assert len(images) == 5
    assert all(i.target.startswith("https://raw.githubusercontent.com/Nekasu/Blog_pics/") for i in images)
    web = [link for link in seed.links if link.kind == "markdown" and not link.embed]
    assert [(w.target, w.line, w.col) for w in web] == [("https://arxiv.org/abs/2407.05848", 27, 9)]


def test_life_table_has_six_columns_and_no_values(seed):
    (table,) = seed.tables
    assert table.line == 6
    assert table.header == ["昨天睡觉时间", "今早起床时间", "今日体重", "今日锻炼", "剩余资金 (支)", "剩余资金 (微)"]
    assert len(table.rows) == 1 and all(c.type == "empty" for c in table.rows[0])
    assert seed.metrics == {}


def test_no_colour_is_a_tag(seed):
    assert seed.tags == []


def test_highlights_with_their_colours(seed):
    colours = {h.color for h in seed.highlights}
    assert "#BBFABBA6" in colours and "#FF5582A6" in colours
    assert any(h.text == "计算过程" and h.color == "#6495EDA6" for h in seed.highlights)


def test_code_spans_hide_their_contents(seed):
    # `self.conv_1 = self.conv` holds no entry, link or tag.
    assert not any(link.line in (92, 93) for link in seed.links)
    assert seed.warnings == []
