"""The low-level rules every reader of a note shares (labnotes.parse.source)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from labnotes.parse import parse_note
from labnotes.parse.model import Heading
from labnotes.parse.source import (
    body_start,
    front_matter_span,
    heading_paths,
    line_ending,
    normalise,
    split_lines,
)


def test_lines_break_on_lf_crlf_and_cr_only():
    text = "\ufeffone\r\ntwo\rthree\nfour\u2028still four\x0c\n"
    assert split_lines(text) == ["\ufeffone", "two", "three", "four\u2028still four\x0c"]
    assert normalise(text) == "one\ntwo\nthree\nfour\u2028still four\x0c\n"
    assert line_ending(text) == "\r\n" and line_ending("no break") == "\n"
    assert len(split_lines(text)) == parse_note(text, "x.md").line_count


def test_front_matter_span_is_the_block_between_the_dashes():
    assert front_matter_span(["---", "a: 1", "---", "# body"]) == (1, 3)
    assert front_matter_span(["---", "a: 1", "...", "# body"]) == (1, 3)  # YAML's end marker
    assert front_matter_span(["----", "a: 1", "---", "----"]) == (1, 4)  # closed by as many dashes
    assert front_matter_span(["---", "a: 1", "    ---"]) is None  # indented four: code, no marker
    assert front_matter_span(["---", "a: 1"]) is None  # never closed: no front matter
    assert front_matter_span(["# title", "---", "a", "---"]) is None
    assert body_start(["---", "a: 1", "---", "# body"]) == 4 and body_start(["# body"]) == 1


_LINE = st.sampled_from(["---", "----", "--", "...", "....", " ---", "   ---", "    ---", "\t---", "--- ", "---x", "a: 1", "", " ", "- a", " ...", "-----", "  \t---"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=7), st.booleans())
def test_front_matter_span_agrees_with_markdown_its_front_matter_plugin(lines, final_break):
    text = "\n".join(lines) + ("\n" if final_break else "")
    tokens = MarkdownIt("commonmark").use(front_matter_plugin).parse(text)
    expected = (1, tokens[0].map[1]) if tokens and tokens[0].type == "front_matter" else None
    assert front_matter_span(normalise(text).split("\n")) == expected


def test_heading_paths_follow_levels():
    headings = [Heading(1, 1, "今日计划"), Heading(3, 2, "科研"), Heading(9, 3, "NaN"), Heading(12, 2, "学业"), Heading(20, 1, "明天")]
    assert heading_paths(headings) == [
        (1, 1, ("今日计划",)),
        (3, 2, ("今日计划", "科研")),
        (9, 3, ("今日计划", "科研", "NaN")),
        (12, 2, ("今日计划", "学业")),
        (20, 1, ("明天",)),
    ]


def test_the_parser_reads_front_matter_by_the_same_rule():
    note = parse_note("---\ntitle: x\n...\n- [ ] a task\n", "x.md")
    assert note.frontmatter == {"title": "x"} and note.tasks[0].line == 4
    unclosed = parse_note("---\ntitle: x\n- [ ] a task\n", "x.md")
    assert unclosed.frontmatter is None and unclosed.tasks[0].line == 3
