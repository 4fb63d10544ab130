"""Task identity across daily notes: a small vault whose every task's life is pinned.

The vault has a task carried by `labnotes new`'s link (in two wordings, across a skipped day), one
renamed by hand, one linked by its block id through a rename, one done in a later note, one done by
its `✅` date, a task done and then written again, the same words in another section, a task in a
note without a day, placeholders and a template routine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from labnotes.queries.tasks import find_task, list_tasks, routines, task_book, task_counts
from labnotes.queries.filters import QueryError
from labnotes.tasks import Occurrence, link_tasks
from labnotes.vault import build_index

TEMPLATE = """# 今日计划

1. [ ] 看看今日安排

## 科研

1. [ ] 
"""

NOTES = {
    "Diary/2024/2024-12-01.md": """# 今日计划

1. [x] 看看今日安排

## 科研

1. [ ] 写实验脚本
2. [ ] 读论文 A
3. [ ] 整理数据 ^data1
4. [ ] 复习昨日所学
\t1. [ ] 第一章
5. [ ] 1

## 工作

1. [ ] 报销发票
""",
    "Diary/2024/2024-12-02.md": """# 今日计划

1. [ ] 看看今日安排

## 科研

1. [ ] 写实验脚本 ([[2024-12-01]])
2. [ ] 读论文 A ([[2024-12-01]])
3. [ ] 整理全部数据 ^data1
4. [x] 复习昨日所学 ([[2024-12-01]])
\t1. [x] 第一章
5. [ ] 2

## 工作

1. [ ] 报销发票 ([[2024-12-01]])
""",
    # 2024-12-03: no note that day.
    "Diary/2024/2024-12-04.md": """# 今日计划

1. [x] 看看今日安排

## 科研

1. [ ] **写实验脚本**  ([[2024-12-02|昨天]])
2. [ ] 读论文 A 和 B
3. [x] 整理全部数据 ^data1
4. [ ] 复习昨日所学

## 工作

1. [x] 报销发票 ✅ 2024-12-03
""",
    "Diary/2024/2024-12-05.md": """# 今日计划

1. [ ] 看看今日安排

## 科研

1. [x] 写实验脚本 ([[2024-12-04]])
2. [ ] 读论文 A 和 B ([[2024-12-04]])
3. [/] 复习昨日所学 ([[2024-12-04]])

## 学业

1. [ ] 写实验脚本
""",
    "Projects/PartialOct.md": "# PartialOct\n\n- [ ] 写 README\n",
}

D1, D2, D4, D5 = (dt.date(2024, 12, d) for d in (1, 2, 4, 5))


def write_vault(root: Path, notes: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    # The daily template is the one Obsidian's Daily notes settings name, as Obsidian writes them.
    (root / ".obsidian" / "daily-notes.json").write_text(
        '{\n  "folder": "Diary",\n  "format": "YYYY/YYYY-MM-DD",\n  "template": "Template/Daily"\n}', encoding="utf-8"
    )
    (root / "Template").mkdir(exist_ok=True)
    (root / "Template" / "Daily.md").write_text(TEMPLATE, encoding="utf-8")
    for rel, text in notes.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def lab(tmp_path: Path):
    return build_index(write_vault(tmp_path / "lab", NOTES))


def life(task) -> tuple:
    return (
        task.text,
        [(o.day, o.status) for o in task.occurrences],
        task.first_seen,
        task.last_seen,
        task.done_on,
        task.carried,
    )


def test_every_task_has_its_life(lab) -> None:
    lives = [life(t) for t in task_book(lab).real()]
    expected = [
        # By the carry-over link, in two wordings, across the skipped 3rd; done in a later note.
        ("写实验脚本", [(D1, " "), (D2, " "), (D4, " "), (D5, "x")], D1, D5, D5, 3),
        # By its block id, though renamed on the 2nd; done on the 4th.
        ("整理全部数据 ^data1", [(D1, " "), (D2, " "), (D4, "x")], D1, D4, D4, 2),
        # Done on the 2nd, with its sub-task.
        ("复习昨日所学", [(D1, " "), (D2, "x")], D1, D2, D2, 1),
        ("第一章", [(D1, " "), (D2, "x")], D1, D2, D2, 1),
        # Done by its ✅ date, a day before the note that ticks it.
        ("报销发票 ✅ 2024-12-03", [(D1, " "), (D2, " "), (D4, "x")], D1, D4, dt.date(2024, 12, 3), 2),
        # Renamed by hand on the 4th: the old words stop on the 2nd, the new ones start anew.
        ("读论文 A", [(D1, " "), (D2, " ")], D1, D2, None, 1),
        ("读论文 A 和 B", [(D4, " "), (D5, " ")], D4, D5, None, 1),
        # Written again after it was done: new work, not the old task reopened.
        ("复习昨日所学", [(D4, " "), (D5, "/")], D4, D5, None, 1),
        # The same words in another section are another task.
        ("写实验脚本", [(D5, " ")], D5, D5, None, 0),
        # A note without a day: its task has no first day, and links to nothing by its words.
        ("写 README", [(None, " ")], None, None, None, 0),
    ]
    assert sorted(lives, key=repr) == sorted(expected, key=repr)


def test_the_open_list_is_each_task_not_done_once(lab) -> None:
    today = dt.date(2024, 12, 6)
    listed = list_tasks(lab, today=today)
    assert [(t.text, t.status, t.latest.place, t.days_open(today)) for t in listed] == [
        ("读论文 A", " ", "Diary/2024/2024-12-02.md:8", 5),
        ("读论文 A 和 B", " ", "Diary/2024/2024-12-05.md:8", 2),
        ("复习昨日所学", "/", "Diary/2024/2024-12-05.md:9", 2),
        ("写实验脚本", " ", "Diary/2024/2024-12-05.md:13", 1),
        ("写 README", " ", "Projects/PartialOct.md:3", None),
    ]


def test_done_since_answers_what_was_finished(lab) -> None:
    done = list_tasks(lab, done_since="2024-12-03")
    assert [(t.text, t.done_on) for t in done] == [  # in the order they were done
        ("报销发票 ✅ 2024-12-03", dt.date(2024, 12, 3)),
        ("整理全部数据 ^data1", D4),
        ("写实验脚本", D5),
    ]
    assert list_tasks(lab, done_since="-1", today=D5) == [t for t in done if t.done_on >= D4]


def test_sub_tasks_know_their_parent(lab) -> None:
    book = task_book(lab)
    parent = find_task(lab, "Diary/2024/2024-12-01.md:10", book=book)
    child = find_task(lab, "Diary/2024/2024-12-02.md:11", book=book)
    assert (child.text, child.parent, parent.subtasks) == ("第一章", parent.id, [child.id])


def test_placeholders_and_routines_are_apart(lab) -> None:
    book = task_book(lab)
    assert [(o.day, o.text) for t in book.placeholders() for o in t.occurrences] == [(D1, "1"), (D2, "2")]
    assert "1" not in [t.text for t in list_tasks(lab, status="any")]
    assert "1" in [t.text for t in list_tasks(lab, status="any", placeholders=True)]
    (routine,) = routines(lab)
    assert (routine.text, routine.days(), routine.done_days, routine.streak) == (
        "看看今日安排", [(D1, True), (D2, False), (D4, True), (D5, False)], 2, 0,
    )  # fmt: skip
    assert task_counts(lab) == {"tasks": 10, "open_tasks": 5, "routines": 1, "placeholders": 2, "task_lines": 28}


def test_a_task_is_found_by_id_block_id_or_any_of_its_lines(lab) -> None:
    book = task_book(lab)
    t = find_task(lab, "2024-12-04:9", book=book)  # a note's name is enough
    assert t.text == "整理全部数据 ^data1"
    assert find_task(lab, t.id, book=book) is t
    assert find_task(lab, "^data1", book=book) is t
    with pytest.raises(QueryError, match="daily routine"):
        find_task(lab, "Diary/2024/2024-12-04.md:3", book=book)
    with pytest.raises(QueryError, match="no task at Diary/2024/2024-12-04.md:5"):
        find_task(lab, "2024-12-04:5", book=book)
    with pytest.raises(QueryError, match="no task 'nope'"):
        find_task(lab, "nope", book=book)


def test_ids_survive_edits_elsewhere(tmp_path: Path) -> None:
    before = {t.text + str(t.first_seen): t.id for t in task_book(build_index(write_vault(tmp_path / "a", NOTES))).tasks}
    edited = dict(NOTES)
    # Lines added above every task, another task reworded, a new task in the middle of a list.
    edited["Diary/2024/2024-12-01.md"] = "---\ntags: [lab]\n---\n\n" + NOTES["Diary/2024/2024-12-01.md"].replace(
        "2. [ ] 读论文 A\n", "2. [ ] 读论文 A\n3. [ ] 新任务\n"
    )
    edited["Diary/2024/2024-12-05.md"] = NOTES["Diary/2024/2024-12-05.md"].replace("1. [ ] 写实验脚本\n", "1. [ ] 写实验报告\n")
    after = {t.text + str(t.first_seen): t.id for t in task_book(build_index(write_vault(tmp_path / "b", edited))).tasks}
    kept = {k: v for k, v in before.items() if k in after}
    assert len(kept) == len(before) - 1  # only the reworded task is gone
    assert all(after[k] == v for k, v in kept.items())


def occ(note: str, day: int | None, line: int, status: str, text: str, **kw) -> Occurrence:
    return Occurrence(note, dt.date(2024, 12, day) if day else None, line, status, text, ("计划",), **kw)


def test_an_obsidian_tasks_id_links_across_a_rename_and_into_a_note_without_a_day() -> None:
    book = link_tasks([
        occ("a.md", 1, 3, " ", "draft the paper 🆔 p1", task_id="p1"),
        occ("b.md", 2, 5, " ", "draft the paper, section 2 🆔 p1", task_id="p1"),
        occ("c.md", None, 9, "x", "paper drafted 🆔 p1 ✅ 2024-12-03", task_id="p1", done_date="2024-12-03"),
    ])  # fmt: skip
    (t,) = book.tasks
    assert (t.done_on, t.carried, t.latest.place) == (dt.date(2024, 12, 3), 1, "c.md:9")
    assert t.id.startswith("a#") and book.find("p1") is t
    # Without the id the reworded lines are three tasks.
    assert len(link_tasks([occ(o.note, o.day and o.day.day, o.line, o.status, o.text) for o in t.occurrences]).tasks) == 3


def test_one_note_gives_a_task_one_line() -> None:
    book = link_tasks([
        occ("a.md", 1, 3, " ", "call Bob"),
        occ("a.md", 1, 4, " ", "call Bob"),
        occ("b.md", 2, 3, " ", "call Bob"),
        occ("b.md", 2, 4, " ", "call Bob"),
    ])  # fmt: skip
    assert [[o.place for o in t.occurrences] for t in book.tasks] == [["a.md:3", "b.md:3"], ["a.md:4", "b.md:4"]]
    assert [t.id for t in book.tasks] == [book.tasks[0].id, book.tasks[0].id + "~2"]


def test_words_compare_without_markup_spacing_or_fields() -> None:
    book = link_tasks([
        occ("a.md", 1, 3, " ", '看看<mark style="background: #BBFABBA6;">待研究</mark>标签 📅 2024-12-09'),
        occ("b.md", 2, 3, " ", "看看 ==待研究== 标签 ([[a]])"),
        occ("c.md", 3, 3, "x", "看看**待研究**标签 ✅ 2024-12-03 ^k2"),
    ])  # fmt: skip
    assert len(book.tasks) == 1 and book.tasks[0].done_on == dt.date(2024, 12, 3)


def test_a_heading_that_names_the_day_is_the_same_section_every_day() -> None:
    # A Templater daily template (`# <% tp.date.now("YYYY-MM-DD") %> - <% tp.date.now("dddd") %>`) gives
    # each note its own top heading; the task under it is still one task, carried day after day.
    def line(note: str, day: int, section: tuple[str, ...], status: str, text: str) -> Occurrence:
        return Occurrence(note, dt.date(2026, 1, day), 4, status, text, section)

    book = link_tasks([
        line("2026-01-01.md", 1, ("2026-01-01 - Thursday", "🏃 Wellness"), " ", "Exercise/Gym"),
        line("2026-01-02.md", 2, ("2026-01-02 - Friday", "🏃 Wellness"), " ", "Exercise/Gym"),
        line("2026-01-04.md", 4, ("2026 年 1 月 4 日 周日", "🏃 Wellness"), "x", "Exercise/Gym"),
        # Another section is still another task.
        line("2026-01-04.md", 4, ("2026-01-04 - Sunday", "Work"), " ", "Exercise/Gym"),
    ])  # fmt: skip
    assert [([o.day.day for o in t.occurrences], t.done_on, t.carried) for t in book.tasks] == [
        ([1, 2, 4], dt.date(2026, 1, 4), 2),
        ([4], None, 0),
    ]
    assert book.tasks[0].latest.section == ("2026 年 1 月 4 日 周日", "🏃 Wellness")  # shown as written


def test_with_a_global_filter_only_the_plugins_tasks_are_tasks(tmp_path: Path) -> None:
    # Obsidian Tasks with the global filter `#task`: a checkbox without it is a plain list item there
    # (a shopping list), so it is no task here either.
    notes = {"Diary/2024/2024-12-01.md": "# 今日计划\n\n- [ ] #task 写实验脚本\n- [ ] 牛奶\n- [x] #task 读论文\n"}
    vault = write_vault(tmp_path / "lab", notes)
    plugin = vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text('{"globalFilter": "#task"}', encoding="utf-8")
    idx = build_index(vault)
    assert [(t.text, t.status) for t in list_tasks(idx, status="any")] == [("#task 写实验脚本", " "), ("#task 读论文", "x")]
    assert task_counts(idx)["tasks"] == 2
    # Without the filter every checkbox is a task.
    (plugin / "data.json").write_text("{}", encoding="utf-8")
    assert [t.text for t in list_tasks(build_index(vault), status="any")] == ["#task 写实验脚本", "牛奶", "#task 读论文"]


def test_the_items_of_a_few_places_are_read_as_every_task_row_has_them(lab) -> None:
    rel = "Diary/2024/2024-12-04.md"
    every = {(t.note, t.item.line): t.item for t in lab.task_rows()}
    got = lab.task_items_at([(rel, 9), (rel, 3), (rel, 5), ("nope.md", 1)])  # line 5 is a heading
    assert got == {(rel, 9): every[(rel, 9)], (rel, 3): every[(rel, 3)]}
    assert (got[(rel, 9)].text, got[(rel, 9)].task, got[(rel, 9)].fields.status_type) == ("整理全部数据 ^data1", "x", "DONE")
