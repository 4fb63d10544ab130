"""Carry-over into the next daily note: each rule on a small previous note and template."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labnotes.settings.config import VaultConfig
from labnotes.notes.newnote import carry_over, daily_note_path, make_note, parse_when, previous_daily_note
from labnotes.parse import parse_note

# Daily notes as the sample vault's .obsidian/daily-notes.json places them: Diary/YYYY/YYYY-MM-DD.md.
DIARY = VaultConfig(daily_folder="Diary", daily_format="YYYY/YYYY-MM-DD", template="Template/Daily.md")

PREVIOUS = """\
---

---
# 今日计划

1. [ ] 看看待研究

## 科研

1. [ ] 现在神经网络拥有什么组件
2. [x] 阅读小波卷积文章
3. [ ] 思考小波卷积与部分卷积如何结合
4. [-] 缩小学习率再训练
5. [ ] 修改 PartialOct 的 ratio
	1. 2024-12-01-10:00 周日：ratio 最大到 64
	2. [ ] 单独测试 PartialConv2d
		1. [ ] 与 nn.Conv2d 比较输出
	3. [x] 打印 sum_mask
		1. [ ] 看看 in_mask 的通道数
	4. 排查计划：
		1. [ ] 逐层加 forward hook
6. [x] 修复 mask 的 Normalize
	1. [ ] 检查 soft mask 是否二值化
7. [ ] 思考小波卷积与部分卷积如何结合
8. [ ] ~~把网络加深为 3 层~~
9. [/] 准备修改综述论文 ([[2024-11-30]])
10. [ ] 

## 学业

1. [ ] 

## 工作

1. [ ] 准备扬州会议报销工作
"""

TEMPLATE = """\
---

---
# 今日计划

1. [ ] 看看待研究

## 科研

1. [ ] 现在神经网络拥有什么组件

## 学业

1. [ ] 
2. [ ] 

## 工作

1. [ ] 

# 今日趣事

"""

# The facts: open top-level tasks move to their section with a link back; open sub-tasks come
# along (renumbered, since the log entry and the done sub-task stay behind); done, cancelled,
# struck, empty, duplicate and template tasks do not; an in-progress task keeps its status and its
# old carry link is replaced by one to this note.
EXPECTED = """\
---

---
# 今日计划

1. [ ] 看看待研究

## 科研

1. [ ] 现在神经网络拥有什么组件
2. [ ] 思考小波卷积与部分卷积如何结合 ([[2024-12-01]])
3. [ ] 修改 PartialOct 的 ratio ([[2024-12-01]])
	1. [ ] 单独测试 PartialConv2d
		1. [ ] 与 nn.Conv2d 比较输出
4. [/] 准备修改综述论文 ([[2024-12-01]])

## 学业

1. [ ] 
2. [ ] 

## 工作

1. [ ] 准备扬州会议报销工作 ([[2024-12-01]])
2. [ ] 

# 今日趣事

"""


def carry(previous: str = PREVIOUS, template: str = TEMPLATE, config: VaultConfig | None = None):
    note = parse_note(previous, "Diary/2024/2024-12-01.md")
    return carry_over(note, previous, template, config)


def test_the_rules_on_one_note() -> None:
    text, carried = carry()
    assert text == EXPECTED
    assert [(c.section, c.text, c.line, c.subtasks) for c in carried] == [
        (("今日计划", "科研"), "思考小波卷积与部分卷积如何结合", 12, 0),
        (("今日计划", "科研"), "修改 PartialOct 的 ratio", 14, 2),
        (("今日计划", "科研"), "准备修改综述论文 ([[2024-11-30]])", 26, 0),
        (("今日计划", "工作"), "准备扬州会议报销工作", 35, 0),
    ]


@pytest.mark.parametrize(
    "left_behind",
    [
        "阅读小波卷积文章",  # done
        "缩小学习率再训练",  # cancelled
        "把网络加深为 3 层",  # struck out
        "看看 in_mask 的通道数",  # under a done sub-task
        "逐层加 forward hook",  # inside a log entry, not a sub-task
        "检查 soft mask 是否二值化",  # its parent is done
        "ratio 最大到 64",  # a log entry stays where it was
        "2024-11-30",  # the old carry link is replaced
    ],
)
def test_left_behind(left_behind: str) -> None:
    assert left_behind not in carry()[0]


def test_each_task_is_carried_once_and_template_tasks_are_not_repeated() -> None:
    text = carry()[0]
    assert text.count("思考小波卷积与部分卷积如何结合") == 1
    assert text.count("看看待研究") == 1
    assert text.count("现在神经网络拥有什么组件") == 1


def test_carry_over_off_gives_the_template_as_is() -> None:
    assert carry(config=VaultConfig(carry_over=False)) == (TEMPLATE, [])


def test_carry_sections_limits_the_sections() -> None:
    text, carried = carry(config=VaultConfig(carry_sections=("工作",)))
    assert [c.text for c in carried] == ["准备扬州会议报销工作"]
    assert "思考小波卷积" not in text


def test_nothing_open_gives_the_template_as_is() -> None:
    assert carry(previous="# 今日计划\n\n1. [x] done\n") == (TEMPLATE, [])


def test_a_section_the_template_lacks_is_added_at_the_end() -> None:
    previous = "# 今日计划\n\n## 兴趣\n\n1. [ ] 学吉他\n"
    text, _ = carry(previous=previous)
    assert text.endswith("# 今日趣事\n\n# 今日计划\n\n## 兴趣\n\n1. [ ] 学吉他 ([[2024-12-01]])\n")


def test_two_missing_sections_share_their_parent_heading() -> None:
    previous = "# 今日计划\n\n## 兴趣\n\n1. [ ] 学吉他\n\n## 运动\n\n- [ ] 跑步\n"
    text, _ = carry(previous=previous, template="# 今日趣事\n")
    assert text == (
        "# 今日趣事\n\n# 今日计划\n\n## 兴趣\n\n1. [ ] 学吉他 ([[2024-12-01]])\n\n## 运动\n\n- [ ] 跑步 ([[2024-12-01]])\n"
    )


def test_a_section_without_a_list_gets_one_under_its_heading() -> None:
    template = "# 今日计划\n\n## 科研\n\n## 工作\n"
    previous = "# 今日计划\n\n## 科研\n\n- [ ] 写代码\n"
    assert carry(previous=previous, template=template)[0] == (
        "# 今日计划\n\n## 科研\n\n- [ ] 写代码 ([[2024-12-01]])\n\n## 工作\n"
    )


def test_a_bullet_list_in_the_template_keeps_its_bullets() -> None:
    template = "## 科研\n\n- [ ] 读论文\n"
    previous = "## 科研\n\n3. [ ] 写代码\n"
    assert carry(previous=previous, template=template)[0] == "## 科研\n\n- [ ] 读论文\n- [ ] 写代码 ([[2024-12-01]])\n"


def test_tasks_above_any_heading_go_above_the_first_heading() -> None:
    template = "---\n\n---\n# 今日生活\n"
    previous = "- [ ] 给导师回邮件\n# 今日生活\n"
    assert carry(previous=previous, template=template)[0] == (
        "---\n\n---\n\n- [ ] 给导师回邮件 ([[2024-12-01]])\n\n# 今日生活\n"
    )


def test_crlf_template_gets_crlf_lines() -> None:
    template = TEMPLATE.replace("\n", "\r\n")
    text, _ = carry(template=template)
    assert text == EXPECTED.replace("\n", "\r\n")


def test_space_indented_sub_tasks_keep_their_relative_indent() -> None:
    previous = "## 科研\n\n- [ ] 写代码\n    - [ ] 写测试\n"
    template = "## 科研\n\n"
    text, _ = carry(previous=previous, template=template)
    assert "- [ ] 写代码 ([[2024-12-01]])\n    - [ ] 写测试\n" in text


def test_a_task_written_over_two_lines_comes_whole_but_its_log_stays() -> None:
    previous = "## 科研\n\n- [ ] 写 PartialConv 的单元测试,\n  与 nn.Conv2d 比较\n  2024-12-01-10:00 周日：先写了一半\n"
    text, _ = carry(previous=previous, template="## 科研\n")
    assert text == "## 科研\n\n- [ ] 写 PartialConv 的单元测试,\n  与 nn.Conv2d 比较 ([[2024-12-01]])\n"


def test_a_task_in_a_callout_comes_out_as_a_plain_task() -> None:
    previous = "## 科研\n\n> [!todo] 待办\n> - [ ] 补充实验\n>   - [ ] 消融实验\n"
    text, carried = carry(previous=previous, template="## 科研\n")
    assert [c.text for c in carried] == ["补充实验"]
    assert text == "## 科研\n\n- [ ] 补充实验 ([[2024-12-01]])\n  - [ ] 消融实验\n"


# --- dates and places ------------------------------------------------------------------------------

TODAY = dt.date(2024, 12, 6)


@pytest.mark.parametrize(
    ("given", "day"),
    [
        (None, TODAY),
        ("today", TODAY),
        ("tomorrow", dt.date(2024, 12, 7)),
        ("Yesterday", dt.date(2024, 12, 5)),
        ("+3", dt.date(2024, 12, 9)),
        ("-6", dt.date(2024, 11, 30)),
        ("2024-12-31", dt.date(2024, 12, 31)),
    ],
)
def test_parse_when(given: str | None, day: dt.date) -> None:
    assert parse_when(given, TODAY) == day


@pytest.mark.parametrize("given", ["2024-02-30", "next week", "12/06", "+", "2024-1-1"])
def test_parse_when_refuses(given: str) -> None:
    with pytest.raises(ValueError):
        parse_when(given, TODAY)


def test_daily_note_path_follows_the_config() -> None:
    assert daily_note_path(DIARY, dt.date(2025, 1, 1)) == Path("Diary/2025/2025-01-01.md")
    custom = VaultConfig(daily_folder="日记/{YYYY}/{MM}", daily_name="{YYYY}{MM}{DD}")
    assert daily_note_path(custom, dt.date(2024, 12, 2)) == Path("日记/2024/12/20241202.md")
    assert daily_note_path(VaultConfig(daily_folder="/"), dt.date(2024, 12, 2)) == Path("2024-12-02.md")


# --- the whole note, from a vault on disk ----------------------------------------------------------


@pytest.fixture
def year_end_vault(tmp_path: Path) -> Path:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "Template").mkdir()
    (tmp_path / "Template" / "Daily.md").write_text(
        "[[{{yesterday}}]] {{date}} {{weekday}} [[{{tomorrow}}]]\n\n## 科研\n\n", encoding="utf-8"
    )
    old = tmp_path / "Diary" / "2024"
    old.mkdir(parents=True)
    (old / "2024-12-30.md").write_text("## 科研\n\n- [ ] 旧任务\n", encoding="utf-8")
    (old / "2024-12-31.md").write_text("## 科研\n\n- [ ] 写年终总结\n- [x] 跑步\n", encoding="utf-8")
    return tmp_path


def test_new_years_day_lands_in_next_years_folder_with_last_years_tasks(year_end_vault: Path) -> None:
    note = make_note(year_end_vault, dt.date(2025, 1, 1), DIARY, now=dt.datetime(2025, 1, 1, 8))
    assert note.path == Path("Diary/2025/2025-01-01.md")
    assert note.source == "Diary/2024/2024-12-31.md"
    assert note.text == "[[2024-12-31]] 2025-01-01 周三 [[2025-01-02]]\n\n## 科研\n\n- [ ] 写年终总结 ([[2024-12-31]])\n"


def test_the_most_recent_earlier_note_is_the_source_even_with_gaps(year_end_vault: Path) -> None:
    config = DIARY
    found = previous_daily_note(year_end_vault, dt.date(2025, 1, 9), config, use_cache=False)
    assert (found.day, found.rel, found.unreadable) == (dt.date(2024, 12, 31), "Diary/2024/2024-12-31.md", ())
    assert previous_daily_note(year_end_vault, dt.date(2024, 12, 31), config, use_cache=False).rel == "Diary/2024/2024-12-30.md"
    assert previous_daily_note(year_end_vault, dt.date(2024, 12, 30), config, use_cache=False) is None


def test_a_note_that_only_carries_a_date_is_no_daily_note(year_end_vault: Path) -> None:
    # Front matter `date:` or a date in a meeting note's name makes a dated note, not the day's note.
    (year_end_vault / "科研").mkdir()
    (year_end_vault / "科研" / "paper-reading.md").write_text("---\ndate: 2024-12-31\n---\n- [ ] 读完附录\n", encoding="utf-8")
    (year_end_vault / "Diary" / "2024" / "2024-12-31 组会.md").write_text("- [ ] 组会任务\n", encoding="utf-8")
    note = make_note(year_end_vault, dt.date(2025, 1, 1), DIARY)
    assert note.source == "Diary/2024/2024-12-31.md"
    assert [c.text for c in note.carried] == ["写年终总结"]


def test_an_unreadable_later_daily_note_is_named_not_silently_skipped(year_end_vault: Path) -> None:
    (year_end_vault / "Diary" / "2025").mkdir()
    (year_end_vault / "Diary" / "2025" / "2025-01-01.md").write_bytes(b"- [ ] caf\xe9\n")
    note = make_note(year_end_vault, dt.date(2025, 1, 2), DIARY)
    assert note.source == "Diary/2024/2024-12-31.md"
    assert note.passed_over == ("Diary/2025/2025-01-01.md",)


def test_line_separators_inside_a_line_do_not_shift_the_carried_task(year_end_vault: Path) -> None:
    (year_end_vault / "Diary" / "2024" / "2024-12-31.md").write_text(
        "## 科研\n\n1. [x] done one has a \u2028 line separator\n2. [x] done B\n3. [ ] open task C\n", encoding="utf-8"
    )
    note = make_note(year_end_vault, dt.date(2025, 1, 1), DIARY)
    assert [c.text for c in note.carried] == ["open task C"]
    assert "open task C ([[2024-12-31]])" in note.text and "done B" not in note.text


def test_a_day_at_the_calendars_end_leaves_what_it_cannot_name(year_end_vault: Path) -> None:
    note = make_note(year_end_vault, dt.date(9999, 12, 31), DIARY, now=dt.datetime(2025, 1, 1, 8))
    assert note.text.startswith("[[9999-12-30]] 9999-12-31 周五 [[{{tomorrow}}]]")


def test_no_earlier_note_gives_the_template_alone(year_end_vault: Path) -> None:
    note = make_note(year_end_vault, dt.date(2024, 1, 1), DIARY)
    assert note.source is None and note.carried == []
    assert note.text == "[[2023-12-31]] 2024-01-01 周一 [[2024-01-02]]\n\n## 科研\n\n"


# --- any previous note ------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_indent = st.sampled_from(["", "", "\t", "\t\t", "  ", "> "])
_marker = st.sampled_from(["-", "*", "1.", "2.", "3)"])
_status = st.sampled_from([" ", " ", "x", "-", "/", ">"])
_text = st.sampled_from(["写代码", "读论文", "", "~~划掉~~", "现在神经网络拥有什么组件", "报销 ([[2024-11-30]])"])
_line = st.one_of(
    st.builds(lambda i, m, s, t: f"{i}{m} [{s}] {t}", _indent, _marker, _status, _text),
    st.builds(lambda i, m, t: f"{i}{m} 2024-12-01-10:00 周日：{t}", _indent, _marker, _text),
    st.sampled_from(["", "# 今日计划", "## 科研", "## 工作", "## 兴趣", "```", "正文", "---"]),
)


def _shape(line: str) -> str:
    # Template list items may be renumbered when tasks are inserted above them.
    return line.lstrip("0123456789")


@settings(max_examples=120, deadline=None)
@given(lines=st.lists(_line, max_size=30), sections=st.sampled_from([None, ("科研",), ("工作", "兴趣")]))
def test_any_previous_note_keeps_the_template_and_carries_each_task_once(lines, sections) -> None:
    previous = "\n".join(lines) + "\n"
    text, carried = carry(previous=previous, config=VaultConfig(carry_sections=sections))
    out = iter(_shape(x) for x in text.splitlines())
    for line in TEMPLATE.splitlines():
        assert any(_shape(line) == got for got in out), line  # the template, in order
    # One link back per carried task, on the task's last line of text.
    assert sum(line.endswith(" ([[2024-12-01]])") for line in text.splitlines()) == len(carried)
    for task in carried:
        words = lines[task.line - 1].split("] ", 1)[1].replace(" ([[2024-11-30]])", "").strip()
        assert words in text
        if sections is not None:
            assert set(sections) & set(task.section)


# --- carried once, as task identity sees it ---------------------------------------------------------

SAME_TASK_TWICE = """\
# 今日计划

## 科研

1. [ ] 写实验脚本 ([[2024-11-29]])
2. [ ] **写实验脚本**  ([[Diary/2024/2024-11-29|昨天]])
3. [ ] 2
4. [ ] 写论文 📅 2024-12-09 ⏫ ^paper1
5. [ ] 投稿 ([[2024-11-30]]) 🆔 sub1
"""


def test_a_task_under_another_wording_of_its_link_is_carried_once() -> None:
    text, carried = carry(previous=SAME_TASK_TWICE)
    assert [c.text for c in carried] == ["写实验脚本 ([[2024-11-29]])", "写论文 📅 2024-12-09 ⏫ ^paper1", "投稿 ([[2024-11-30]]) 🆔 sub1"]
    assert text.count("写实验脚本") == 1 and "[ ] 2" not in text  # a number-only placeholder stays


def test_the_link_goes_before_the_tasks_fields_and_the_block_id() -> None:
    text, _ = carry(previous=SAME_TASK_TWICE)
    assert "[ ] 写论文 ([[2024-12-01]]) 📅 2024-12-09 ⏫ ^paper1\n" in text
    assert "[ ] 投稿 ([[2024-12-01]]) 🆔 sub1\n" in text  # the old link replaced, the id kept last
    again = parse_note(text, "Diary/2024/2024-12-02.md")
    paper = next(i for i in again.tasks if i.text.startswith("写论文"))
    assert (paper.fields.due, paper.fields.priority) == ("2024-12-09", "high")  # Obsidian Tasks still reads them


def test_new_carries_into_the_same_task(tmp_path: Path) -> None:
    from labnotes.notes.edit import create_new
    from labnotes.queries.tasks import task_book
    from labnotes.vault import build_index

    from labnotes.settings.config import load_config

    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "daily-notes.json").write_text(
        '{"folder": "Diary", "format": "YYYY/YYYY-MM-DD", "template": "Template/Daily"}', encoding="utf-8"
    )
    (tmp_path / "Template").mkdir()
    (tmp_path / "Template" / "Daily.md").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "Diary" / "2024").mkdir(parents=True)
    (tmp_path / "Diary" / "2024" / "2024-12-01.md").write_text(SAME_TASK_TWICE, encoding="utf-8")
    note = make_note(tmp_path, dt.date(2024, 12, 2), load_config(tmp_path), use_cache=False)
    create_new(tmp_path / note.path, note.text.encode("utf-8"))
    book = task_book(build_index(tmp_path, use_cache=False))
    script = next(t for t in book.real() if t.text.startswith("写实验脚本") and t.latest.note.endswith("12-02.md"))
    assert [o.place for o in script.occurrences] == ["Diary/2024/2024-12-01.md:5", "Diary/2024/2024-12-02.md:11"]
    assert script.carried == 1
    paper = book.find("^paper1")
    assert paper is not None and [o.day for o in paper.occurrences] == [dt.date(2024, 12, 1), dt.date(2024, 12, 2)]
