"""One fixture note per construct, with the facts labnotes must read from it."""

from __future__ import annotations

import pytest

from labnotes.settings.config import VaultConfig
from labnotes.parse import parse_note


def parse(text: str, path: str = "2024-12-03.md", **kw):
    return parse_note(text, path, **kw)


# --- front matter ---------------------------------------------------------------------------

def test_front_matter_is_yaml():
    note = parse("---\ntags: [a, b]\ndate: 2024-11-30\n---\n# Hi\n", "note.md")
    assert note.frontmatter == {"tags": ["a", "b"], "date": "2024-11-30"}
    assert note.date == "2024-11-30"
    assert note.headings[0].line == 5


def test_no_front_matter_is_null():
    assert parse("# Hi\n").frontmatter is None


def test_broken_yaml_is_a_warning_and_the_rest_parses():
    note = parse("---\ntitle: [unclosed\nx: 1\n---\n- [ ] still read\n")
    assert note.frontmatter == {}
    assert note.warnings and note.warnings[0].line in (2, 3, 4)
    assert "YAML" in note.warnings[0].message
    assert note.tasks[0].text == "still read"


def test_yaml_that_builds_python_objects_is_refused():
    note = parse("---\nx: !!python/object/apply:os.system ['echo pwned']\n---\nbody\n")
    assert note.frontmatter == {}
    assert note.warnings


def test_yaml_alias_bomb_is_refused():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n"
        for i in range(8)
    )
    note = parse("---\n" + bomb + "---\n")
    assert note.frontmatter == {}
    assert "too large" in note.warnings[0].message


# --- headings and sections ------------------------------------------------------------------

def test_sections_follow_heading_levels():
    note = parse("# A\n## B\n- one\n### C\n- two\n## D\n- three\n# E\n- four\n")
    assert [i.section for i in note.list_items] == [["A", "B"], ["A", "B", "C"], ["A", "D"], ["E"]]


# --- list items and tasks -------------------------------------------------------------------

def test_task_status_characters_are_kept_as_written():
    note = parse("- [ ] open\n- [x] done\n- [X] done too\n- [-] cancelled\n- [/] doing\n- [>] later\n- [?] odd\n- plain\n- [ab] not a task\n")
    assert [i.task for i in note.list_items] == [" ", "x", "X", "-", "/", ">", "?", None, None]
    assert note.list_items[0].text == "open"


def test_a_task_without_text_is_a_placeholder_task():
    note = parse("1. [ ] \n2. [ ]\n")
    assert [(t.task, t.text) for t in note.tasks] == [(" ", ""), (" ", "")]


def test_numbered_with_parenthesis_and_bullets():
    note = parse("1) first\n2) second\n\n* star\n+ plus\n")
    assert [i.marker for i in note.list_items] == ["1)", "2)", "*", "+"]


def test_nesting_by_spaces_and_tabs():
    note = parse("- a\n  - b\n    - c\n- d\n\t- e\n")
    assert [(i.text, i.parent_line, i.depth) for i in note.list_items] == [
        ("a", None, 0), ("b", 1, 1), ("c", 2, 2), ("d", None, 0), ("e", 4, 1)
    ]


def test_item_end_line_covers_its_children():
    note = parse("- a\n\t- b\n\t\t- c\n- d\n")
    assert note.item_at(1).end_line == 3
    assert note.item_at(4).end_line == 4


# --- entries --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "line, stamp, weekday, text",
    [
        ("- 2024-12-03-22:05 周二：测试", "2024-12-03T22:05", "周二", "测试"),
        ("- 2024-12-05-9:50 周四：一位数小时", "2024-12-05T09:50", "周四", "一位数小时"),
        ("- 2024 年 12 月 1 日-21:57 周日：中文日期", "2024-12-01T21:57", "周日", "中文日期"),
        ("- 2024年12月1日-21:57：紧凑", "2024-12-01T21:57", None, "紧凑"),
        ("- 2024-12-03 22:05 iso with space", "2024-12-03T22:05", None, "iso with space"),
        ("- 2024-12-03T22:05: iso with T", "2024-12-03T22:05", None, "iso with T"),
        ("- 2024-12-03-22:05 星期二，逗号", "2024-12-03T22:05", "星期二", "逗号"),
        ("- 2024-12-03-22:05 Tue - dash", "2024-12-03T22:05", "Tue", "dash"),
        ("- 2024-12-03-22:05, comma", "2024-12-03T22:05", None, "comma"),
        ("- 22:05 bare time on the note's day", "2024-12-03T22:05", None, "bare time on the note's day"),
        ("- ~~2024-12-03-22:05：struck~~", "2024-12-03T22:05", None, "struck"),
        ("- [x] 2024-12-03-22:05 周二：a task", "2024-12-03T22:05", "周二", "a task"),
        ("2024-12-03-22:05 周二：a paragraph", "2024-12-03T22:05", "周二", "a paragraph"),
    ],
)
def test_entry_formats(line, stamp, weekday, text):
    note = parse(line + "\n")
    (entry,) = note.entries
    assert (entry.timestamp, entry.weekday, entry.text) == (stamp, weekday, text)
    assert entry.weekday_ok
    assert entry.line == 1


def test_time_range_is_one_entry_with_an_end():
    (entry,) = parse("- 8:00-9:00 盖章\n").entries
    assert (entry.timestamp, entry.end, entry.text) == ("2024-12-03T08:00", "2024-12-03T09:00", "盖章")


def test_bare_time_needs_the_notes_day():
    assert parse("- 22:05 no day known\n", "scratch.md").entries == []


def test_not_stamps():
    note = parse("- 2024-12-03 a date alone\n- 22:05:30 seconds\n- 2024-12-03-22:05abc\n- 1:1 ratio\n- `2024-12-03-22:05` in code\n")
    assert note.entries == []


def test_weekday_that_contradicts_its_date_is_a_warning():
    note = parse("- 2024-12-03-22:05 周三：wrong\n")
    assert note.entries[0].weekday_ok is False
    assert note.warnings[0].line == 1 and "周三" in note.warnings[0].message


def test_impossible_date_is_a_warning_not_an_entry():
    note = parse("- 2024-02-30-10:00：no such day\n")
    assert note.entries == []
    assert "not a real date" in note.warnings[0].message


def test_struck_entry_and_its_item():
    note = parse("- ~~hypothesis~~\n\t- ~~2024-12-03-16:53：rejected~~\n")
    assert note.item_at(1).struck
    assert note.entries[0].struck


def test_entry_thread_is_the_task_above():
    note = parse("- [ ] fix the bug\n\t- notes\n\t\t- 2024-12-03-10:00 started\n")
    assert note.entries[0].thread_line == 1
    assert note.entries[0].parent_line == 2
    assert note.entries[0].item_line == 3


def test_ids_count_same_minute_in_file_order():
    note = parse("- 2024-12-03-10:00 a\n- 2024-12-03-10:00 b\n- 2024-12-03-10:00 c\n", "notes/day.md")
    assert [e.id for e in note.entries] == ["day@2024-12-03T10:00", "day@2024-12-03T10:00~2", "day@2024-12-03T10:00~3"]


def test_entry_highlights_are_findings():
    (entry,) = parse('- 2024-12-03-10:00 found <mark style="background: #FF5582A6;">the ratio</mark>\n').entries
    assert entry.highlights == ["the ratio"]


def test_config_extends_the_formats():
    config = VaultConfig(timestamp_formats=(r"(?P<D>\d{1,2})/(?P<M>\d{1,2})/(?P<Y>\d{4}) (?P<h>\d{1,2})h(?P<m>\d{2})",))
    (entry,) = parse("- 3/12/2024 22h05 custom\n", config=config).entries
    assert entry.timestamp == "2024-12-03T22:05" and entry.text == "custom"


def test_a_vaults_format_that_names_no_hour_is_a_warning_on_the_line_not_a_crash():
    config = VaultConfig(timestamp_formats=(r"@(?P<Y>\d{4})-(?P<M>\d\d)-(?P<D>\d\d)",))
    note = parse("- first\n- @2024-12-03 no time\n- 2024-12-03-22:05 周二：still read\n", config=config)
    assert [(w.line, w.code) for w in note.warnings] == [(2, "stamp")]
    assert [e.text for e in note.entries] == ["still read"]


# --- links ----------------------------------------------------------------------------------

def links(text):
    return [(k.kind, k.target, k.heading, k.block, k.alias, k.embed, k.size, k.col) for k in parse(text).links]


def test_wiki_link_forms():
    text = "[[t]] [[t#h]] [[t#^blk]] [[t|alias]] ![[t#h]] ![[pic.png|100x145]] ![[pic.png|caption]]\n"
    assert links(text) == [
        ("wiki", "t", None, None, None, False, None, 0),
        ("wiki", "t", "h", None, None, False, None, 6),
        ("wiki", "t", None, "blk", None, False, None, 14),
        ("wiki", "t", None, None, "alias", False, None, 25),
        ("wiki", "t", "h", None, None, True, None, 37),
        ("wiki", "pic.png", None, None, None, True, "100x145", 46),
        ("wiki", "pic.png", None, None, "caption", True, None, 67),
    ]
    assert all(text[link.col :].startswith(link.original) for link in parse(text).links)


def test_markdown_links_images_and_urls():
    text = "see [doc](other.md#Part) ![alt](img/a.png) <https://x.org/a> and https://y.org/b.\n"
    assert all(text[link.col :].startswith(link.original) for link in parse(text).links)
    assert links("see [doc](other.md#Part) ![alt](img/a.png) <https://x.org/a> and https://y.org/b.\n") == [
        ("markdown", "other.md", "Part", None, "doc", False, None, 4),  # the link's text is its alias
        ("markdown", "img/a.png", None, None, "alt", True, None, 25),
        ("url", "https://x.org/a", None, None, None, False, None, 43),
        ("url", "https://y.org/b", None, None, None, False, None, 65),
    ]


def test_original_is_the_exact_source_text():
    note = parse("- top\n\t- a [[x#y|z]] b\n")
    assert note.links[0].original == "[[x#y|z]]"
    assert (note.links[0].line, note.links[0].col) == (2, 5)


def test_nothing_inside_code_or_math_counts():
    text = "`[[no]] #no` and ``[[no`` $[[no]] #no$ \\[[no]]\n\n```\n- [ ] [[no]] #no\n2024-12-03-10:00 no\n```\n\n    [[indented code]]\n\n$$\n[[no]]\n$$\n"
    note = parse(text)
    assert note.links == [] and note.tags == [] and note.tasks == [] and note.entries == []


# --- tags, block ids, fields ----------------------------------------------------------------

def test_tags_and_things_that_are_not_tags():
    note = parse('# Heading\n#tag one #nested/tag, #中文标签 <span style="color: #BBFABBA6">x</span> https://a.org/#frag [[n#h]] #123 C#\n')
    assert [t.tag for t in note.tags] == ["#tag", "#nested/tag", "#中文标签"]
    assert [t.col for t in note.tags] == [0, 9, 22]


def test_block_ids_and_inline_fields():
    note = parse("- a step ^step-1\n- [exp:: aliased_kernel] and (mood:: good)\nstatus:: done\n")
    assert [(b.line, b.id) for b in note.block_ids] == [(1, "step-1")]
    assert [(f.line, f.key, f.value) for f in note.fields] == [(2, "exp", "aliased_kernel"), (2, "mood", "good"), (3, "status", "done")]


# --- highlights and strikes -----------------------------------------------------------------

def test_highlights_and_strikes():
    note = parse('a ==key== b <mark style="background: #FF5582A6;">red</mark> ~~gone~~\n')
    assert [(h.text, h.color, h.col) for h in note.highlights] == [("red", "#FF5582A6", 12), ("key", None, 2)]
    assert [(s.text, s.col) for s in note.strikes] == [("gone", 60)]


# --- tables ---------------------------------------------------------------------------------

def test_life_table_becomes_metrics():
    text = (
        "# 今日生活\n\n| 昨天睡觉时间 | 今早起床时间 | 今日体重 | 今日锻炼 | 剩余资金 (支) | 剩余资金 (微) |\n"
        "| --- | --- | --- | --- | --- | --- |\n| 0:45 | 8:10 | 65.2 kg | 跑步 3 km | ¥1,234.50 | 856.20 元 |\n"
    )
    note = parse(text)
    cells = note.tables[0].rows[0]
    assert [(c.type, c.value, c.unit) for c in cells] == [
        ("time", "00:45", None), ("time", "08:10", None), ("number", 65.2, "kg"),
        ("text", "跑步 3 km", None), ("money", 1234.5, "¥"), ("money", 856.2, "元"),
    ]
    assert note.metrics == {"昨天睡觉时间": "00:45", "今早起床时间": "08:10", "今日体重": 65.2,
                            "今日锻炼": "跑步 3 km", "剩余资金 (支)": 1234.5, "剩余资金 (微)": 856.2}


def test_tag_in_a_table_cell_has_its_column():
    note = parse("| a | b |\n| - | - |\n| x | #t |\n")
    assert [(t.line, t.col) for t in note.tags] == [(3, 6)]


# --- positions survive CRLF, BOM, tabs, CJK -------------------------------------------------

def test_positions_with_crlf_bom_tabs_and_cjk():
    text = "\ufeff# 标题\r\n\r\n- [ ] 中文 [[目标]]\r\n\t- 2024-12-03-10:00 周二：中 #标签\r\n"
    note = parse(text)
    assert note.headings[0].line == 1
    assert (note.links[0].line, note.links[0].col) == (3, 9)
    assert (note.entries[0].line, note.entries[0].col) == (4, 3)
    assert (note.tags[0].line, note.tags[0].col) == (4, 25)
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[2][9:].startswith("[[目标]]")
    assert lines[3][25:].startswith("#标签")


def test_a_paragraph_entry_runs_to_the_next_stamped_line():
    note = parse("22:05 first\n[exp:: mask_ratio]\n22:30 second\nmore of it\n")
    assert [(e.line, e.end_line) for e in note.entries] == [(1, 2), (3, 4)]
