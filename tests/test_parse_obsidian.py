"""Link, list and stamp forms as Obsidian and researchers write them (issue 12), one fixture each.

Where Obsidian departs from CommonMark labnotes follows Obsidian, as its own metadata cache shows
(the Obsidian Tasks project's snapshots, /work/research/obsidian-oracle.md); the notes here are
written for these tests from those facts.
"""

from __future__ import annotations

from pathlib import Path

from labnotes.parse import parse_note
from labnotes.queries.links import backlinks
from labnotes.queries.links import links as all_links
from labnotes.queries.timeline import timeline
from labnotes.vault import build_index


def links(text: str, path: str = "x.md") -> list[tuple]:
    return [(x.line, x.original, x.target, x.heading, x.block, x.alias, x.embed, x.key) for x in parse_note(text, path).links]


# --- front-matter links --------------------------------------------------------------------------

PROPERTIES = """---
up: "[[Home]]"
related: ["[[A]]", "[[B#Part|bee]]", "plain text"]
sources:
  - "[[C]]"
  - https://example.org
nested: {inner: "[[Not read]]"}
unquoted: [[Also not]]
prose: "see [[Neither]] here"
---
# Body
"""


def test_a_property_that_is_a_wiki_link_or_a_list_of_them_is_a_link_on_its_line():
    assert links(PROPERTIES) == [
        (2, "[[Home]]", "Home", None, None, None, False, "up"),
        (3, "[[A]]", "A", None, None, None, False, "related.0"),
        (3, "[[B#Part|bee]]", "B", "Part", None, "bee", False, "related.1"),
        (5, "[[C]]", "C", None, None, None, False, "sources.0"),
    ]
    note = parse_note(PROPERTIES, "x.md")
    assert note.frontmatter["up"] == "[[Home]]"  # the value stays what YAML read
    assert [(x.line, x.col) for x in note.links][:2] == [(2, 5), (3, 11)]


def test_a_front_matter_links_position_is_its_text_inside_the_quotes():
    text = "---\na: '[[it''s]]'\nb: [ \"[[Q]]\" ,  '[[R]]' ]\n---\n"
    lines = text.split("\n")
    found = parse_note(text, "x.md").links
    assert [(x.line, x.col, x.original, x.target, x.key) for x in found] == [
        (2, 4, "[[it''s]]", "it's", "a"),
        (3, 6, "[[Q]]", "Q", "b.0"),
        (3, 17, "[[R]]", "R", "b.1"),
    ]
    assert all(lines[x.line - 1][x.col :].startswith(x.original) for x in found)


def test_backlinks_see_front_matter_links(tmp_path: Path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "Home.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "Project.md").write_text('---\nup: "[[Home]]"\n---\n# Project\n', encoding="utf-8")
    (tmp_path / "Log.md").write_text('---\nparents: ["[[Home]]", "[[Project]]"]\n---\n', encoding="utf-8")
    idx = build_index(tmp_path, use_cache=False)
    assert sorted((row.note, row.line) for row in backlinks(idx, "Home")) == [("Log.md", 2), ("Project.md", 2)]


def test_a_templates_placeholder_property_keeps_its_text_and_the_templates_links(tmp_path: Path):
    # kepano's templates: `{{date}}` is a mapping keyed by a mapping to YAML; Obsidian reads the
    # front matter anyway and counts the category link as a backlink of People (9 in its graph).
    template = '---\ncategories:\n  - "[[People]]"\ncreated: {{date}}\ntags: [{{title}}, person]\n---\n## Meetings\n'
    note = parse_note(template, "Templates/People Template.md")
    assert note.frontmatter == {"categories": ["[[People]]"], "created": "{{date}}", "tags": ["{{title}}", "person"]}
    assert note.warnings == []
    assert [(x.line, x.target, x.key) for x in note.links] == [(3, "People", "categories.0")]

    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    (tmp_path / "Templates").mkdir()
    (tmp_path / "Templates" / "People Template.md").write_text(template, encoding="utf-8")
    (tmp_path / "People.md").write_text("# People\n", encoding="utf-8")
    idx = build_index(tmp_path, use_cache=False)
    assert [(row.note, row.line) for row in backlinks(idx, "People")] == [("Templates/People Template.md", 3)]


def test_front_matter_yaml_cannot_build_still_gives_its_link_properties():
    text = '---\nup: "[[Home]]"\nodd: {{a}, {b}}\n---\n'
    note = parse_note(text, "x.md")
    assert note.frontmatter == {}
    assert [(w.line, w.code) for w in note.warnings] == [(3, "frontmatter")]
    assert [(x.line, x.target) for x in note.links] == [(2, "Home")]


# --- Markdown links, empty targets, block ids, code in an alias, subpaths ------------------------


def test_a_markdown_links_text_is_its_alias_and_empty_targets_are_no_links():
    text = "[the docs](Guide.md#Intro) ![a chart](chart.png) [](Guide.md) []() [text]() [[]] [[#Own heading]]\n"
    assert links(text) == [
        (1, "[the docs](Guide.md#Intro)", "Guide.md", "Intro", None, "the docs", False, None),
        (1, "![a chart](chart.png)", "chart.png", None, None, "a chart", True, None),
        (1, "[](Guide.md)", "Guide.md", None, None, None, False, None),
        (1, "[[#Own heading]]", "", "Own heading", None, None, False, None),
    ]


def test_a_wiki_link_with_nothing_before_the_bar_names_a_note_that_is_not_there(tmp_path: Path):
    # Obsidian's metadata: `[[|alias]]` links to "|alias", `[[|#alias]]` to "|" at heading "alias",
    # all unresolved -- never a link to the note that holds them.
    text = "# Own\n[[|alias]] [[|]] [[|#alias]]\n"
    assert links(text) == [
        (2, "[[|alias]]", "|alias", None, None, None, False, None),
        (2, "[[|]]", "|", None, None, None, False, None),
        (2, "[[|#alias]]", "|", "alias", None, None, False, None),
    ]
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "x.md").write_text(text, encoding="utf-8")
    idx = build_index(tmp_path, use_cache=False)
    assert backlinks(idx, "x") == []
    assert [(row.original, row.resolved) for row in all_links(idx, unresolved=True)] == [
        ("[[|alias]]", None), ("[[|]]", None), ("[[|#alias]]", None),
    ]  # fmt: skip


def test_a_block_id_right_after_an_embed_is_found():
    note = parse_note("![[version-history.png]]^version-image\n\nA paragraph ^para-1\n\n^alone\n", "x.md")
    assert [(b.line, b.id) for b in note.block_ids] == [(1, "version-image"), (3, "para-1"), (5, "alone")]
    assert parse_note("a^glued\n", "x.md").block_ids == []


def test_code_in_a_wiki_links_alias_keeps_the_link():
    assert links("[[Bugs|the `nan` in `conv2`]] and `[[not a link]]`\n") == [
        (1, "[[Bugs|the `nan` in `conv2`]]", "Bugs", None, None, "the `nan` in `conv2`", False, None)
    ]


def test_subpaths_stay_on_embeds_of_images_and_bases():
    assert links("![[lucide-cog.svg#icon]] ![[shot.png#interface|300]] ![[Movies.base#Favorites]]\n") == [
        (1, "![[lucide-cog.svg#icon]]", "lucide-cog.svg", "icon", None, None, True, None),
        (1, "![[shot.png#interface|300]]", "shot.png", "interface", None, None, True, None),
        (1, "![[Movies.base#Favorites]]", "Movies.base", "Favorites", None, None, True, None),
    ]


# --- %% comment blocks -------------------------------------------------------------------------

COMMENTED = """# Plan
%%
- [ ] a task in a comment [[Hidden]] #kept
## A heading in a comment
- 2024-12-03-22:05 周二：an entry in a comment
%%
- [ ] a task with an inline comment %% [[Seen]] #seen %%
```
%%
- [ ] a task in a code block is no task either way
```
- [ ] after the code
%% one-line comment [[Hidden too]] %%
- [ ] last
%% never closed
- [ ] hidden to the end
"""


def test_comment_blocks_hide_tasks_headings_links_and_entries_not_tags():
    note = parse_note(COMMENTED, "2024-12-03.md")
    assert [(t.line, t.text) for t in note.tasks] == [
        (7, "a task with an inline comment %% [[Seen]] #seen %%"),
        (12, "after the code"),
        (14, "last"),
    ]
    assert [h.text for h in note.headings] == ["Plan"]
    # An inline %% … %% hides nothing from Obsidian's metadata: its link and tag are read. A
    # block hides its list items, links and headings, but Obsidian still lists its tags.
    assert [x.target for x in note.links] == ["Seen"]
    assert [(t.line, t.col, t.tag) for t in note.tags] == [(3, 37, "#kept"), (7, 48, "#seen")]
    assert note.entries == []
    assert [(i.line, i.section) for i in note.list_items][:1] == [(7, ["Plan"])]


# --- list items as Obsidian reads them ---------------------------------------------------------


def test_a_numbered_item_with_any_start_nested_under_an_items_text_is_an_item():
    text = "# 今日计划\n\n1. [ ] 论文\n\t6. 风格迁移评价指标\n\t\t5. [x] 讲述此部分存在的必要性\n\t\t6. [x] 讲述常用指标\n\t7. 实验\n"
    note = parse_note(text, "2024-01-26.md")
    assert [(i.line, i.parent_line, i.task, i.text) for i in note.list_items] == [
        (3, None, " ", "论文"),
        (4, 3, None, "风格迁移评价指标"),
        (5, 4, "x", "讲述此部分存在的必要性"),
        (6, 4, "x", "讲述常用指标"),
        (7, 3, None, "实验"),
    ]


def test_a_task_whose_text_starts_with_a_number_is_one_task_as_its_writer_meant():
    # Obsidian's metadata has a second, numbered item inside each of these (Tasks issue 3481);
    # labnotes keeps the one task the checkbox was written for (Nekasu 2024-10-29: `2. [ ] 2. 根据 …`).
    note = parse_note("- [ ] 1. #task Task 1\n- [ ] 3) #task Task 3\n2. [ ] 2. 根据想法构建\n", "x.md")
    assert [(i.line, i.task, i.text) for i in note.list_items] == [
        (1, " ", "1. #task Task 1"),
        (2, " ", "3) #task Task 3"),
        (3, " ", "2. 根据想法构建"),
    ]


def test_outside_a_list_and_for_an_empty_item_commonmark_still_holds():
    note = parse_note("Some words\n5. go on the same paragraph\n\n- a\n  text\n  5.\n", "x.md")
    assert [(i.line, i.text) for i in note.list_items] == [(4, "a text 5.")]


# --- stamps as researchers type them -----------------------------------------------------------

STAMPS = """# 今日计划

1. [ ] 综述
\t1. 16:52完成, 使用 photoroom 去掉背景
\t2. **23:08留言：这个任务完成了一半, 明天接着来吧**
\t3. ==22:40 找到了原因==
\t4. 2024-11-13-16:32完成所有裁剪
\t5. 2024-11-15-15:51. 为研一分配了服务器
\t6. [x] 该表格绘制完毕：2024-09-25-22:17
\t7. 1:10的比例最好
\t8. 看了 v2:10 的日志, 在 22:05 之后才出现
\t9. 22:05 Monitoring the loss
\t10. 15:51.5 秒
"""


def test_stamps_followed_by_words_inside_markup_or_after_a_dot_open_entries():
    note = parse_note(STAMPS, "2024-01-21.md")
    assert [(e.line, e.timestamp, e.text, e.trailing) for e in note.entries] == [
        (4, "2024-01-21T16:52", "完成, 使用 photoroom 去掉背景", False),
        (5, "2024-01-21T23:08", "留言：这个任务完成了一半, 明天接着来吧", False),
        (6, "2024-01-21T22:40", "找到了原因", False),
        (7, "2024-11-13T16:32", "完成所有裁剪", False),
        (8, "2024-11-15T15:51", "为研一分配了服务器", False),
        (9, "2024-09-25T22:17", "该表格绘制完毕", True),
        (12, "2024-01-21T22:05", "Monitoring the loss", False),  # a word, not a weekday
    ]
    assert [e.weekday for e in note.entries] == [None] * 7
    assert not note.warnings


def test_a_twelve_hour_clock_is_read_as_written():
    text = (
        "- 3:45 PM group meeting\n- 10:30am call with Sam\n- 12:15 am still training\n"
        "- 9:00-10:30 p.m. talk\n- 11:00-1:00 pm seminar\n- 8:00 Amsterdam trip\n- 13:00 pm typo\n"
    )
    note = parse_note(text, "2024-12-03.md")
    assert [(e.line, e.timestamp[11:], e.end[11:] if e.end else None, e.text) for e in note.entries] == [
        (1, "15:45", None, "group meeting"),
        (2, "10:30", None, "call with Sam"),
        (3, "00:15", None, "still training"),
        (4, "21:00", "22:30", "talk"),
        (5, "11:00", "13:00", "seminar"),
        (6, "08:00", None, "Amsterdam trip"),  # a word, not "am"
    ]
    assert [(w.line, w.code) for w in note.warnings] == [(7, "stamp")]


def test_a_stamp_that_ends_a_task_line_is_that_tasks_time_in_the_timeline(tmp_path: Path):
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / "2024-09-23.md").write_text(
        "# 今日计划\n\n1. [ ] 综述\n\t1. [x] 该表格绘制完毕：2024-09-25-22:17\n\t2. [x] 没有时间的任务\n", encoding="utf-8"
    )
    note = parse_note((tmp_path / "2024-09-23.md").read_text(encoding="utf-8"), "2024-09-23.md")
    (entry,) = note.entries
    assert (entry.line, entry.item_line, entry.thread_line, entry.trailing) == (4, 4, 4, True)
    assert note.tasks[1].text == "该表格绘制完毕：2024-09-25-22:17"  # the task keeps its words
    idx = build_index(tmp_path, use_cache=False)
    (thread,) = timeline(idx)
    assert (thread.title, thread.path, [e.text for e in thread.entries]) == ("该表格绘制完毕：2024-09-25-22:17", ["综述"], ["该表格绘制完毕"])
