"""Odd input never stops a parse: no traceback, no hang, no executed code; positions stay in the file."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labnotes.parse import NoteError, parse_note, read_note

# Text built from the characters that matter to the parser, so hypothesis hits real constructs.
_ALPHABET = st.sampled_from(list("abc 中文\t\n\r-*+1.)[]x!#|^~=`$:：，<>/\\_") + ["\ufeff", "[[", "]]", "~~", "==", "- [ ] ", "2024-12-03-22:05 周二：", "22:05 ", "<mark style=\"background: #FF5582A6;\">", "</mark>", "---\n", "```\n", "| a | b |\n| - | - |\n"])
notes = st.lists(_ALPHABET, max_size=80).map("".join)


def _source_lines(text: str) -> list[str]:
    text = text.lstrip("\ufeff") if text.startswith("\ufeff") else text
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes)
def test_any_text_parses_and_every_position_lies_inside_the_file(text):
    note = parse_note(text, "2024-12-03.md")
    lines = _source_lines(text)
    positioned = [*note.links, *note.tags, *note.entries, *note.highlights, *note.strikes]
    for thing in positioned:
        assert 1 <= thing.line <= len(lines)
        assert 0 <= thing.col <= len(lines[thing.line - 1])
    for thing in [*note.headings, *note.list_items, *note.tables, *note.warnings, *note.fields, *note.block_ids]:
        assert 1 <= thing.line <= len(lines)
    for link in note.links:
        assert lines[link.line - 1][link.col :].startswith(link.original.split("\n")[0])
    note.to_json()


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode_never_raises(text):
    parse_note(text, "x.md").to_json()


def test_lists_nested_past_what_markdown_it_reads_warn_with_the_lines_left_unread():
    text = "".join("  " * i + "- level\n" for i in range(300)) + "\n# After\n- [ ] later task\n"
    note = parse_note(text, "deep.md")
    # markdown-it drops the deepest item and everything its list runs on to: the note says so.
    assert [(w.line, w.code) for w in note.warnings] == [(60, "nesting")]
    assert note.warnings[0].message == "block quotes or lists nested too deeply to read: lines 60-303 were not read"
    assert len(note.list_items) == 60


def test_block_quotes_nested_past_what_markdown_it_reads_warn_and_the_rest_is_read():
    text = "# A\n" + ">" * 130 + " deep [[link]]\n\n- [ ] later task\n"
    note = parse_note(text, "deep.md")
    assert [(w.line, w.code) for w in note.warnings] == [(2, "nesting")]
    assert "lines 2-2 were not read" in note.warnings[0].message
    assert [t.text for t in note.tasks] == ["later task"]
    shallow = parse_note("# A\n" + ">" * 100 + " deep [[link]]\n", "ok.md")
    assert [link.target for link in shallow.links] == ["link"] and not shallow.warnings


def test_unbalanced_markup_parses():
    note = parse_note("~~open ==open <mark>open [[open ![[ `open $open\n- [ ] still a task\n", "x.md")
    assert [t.text for t in note.tasks] == ["still a task"]


def test_20_mb_note_parses(tmp_path):
    # 20 MB, and over 100,000 tasks; most of the bytes are a pasted log in a code block, which
    # the parser reads in one linear pass (every task is a list item to build: that is the cost).
    seedish = "- [ ] task [[link]] #tag\n\t- 2024-12-03-22:05 周二：entry\n"
    tasks = seedish * 100_001
    line = "2024-12-03 22:05:17 step 1234 loss nan grad_norm inf lr 1e-4\n"
    log = "```\n" + line * ((20_000_000 - len(tasks.encode())) // len(line)) + "```\n"
    path = tmp_path / "big.md"
    path.write_text(tasks + log, encoding="utf-8")
    assert path.stat().st_size >= 19_900_000
    note = read_note(path)
    assert len(note.tasks) > 100_000


def test_not_utf8_names_file_and_line(tmp_path):
    path = tmp_path / "latin.md"
    path.write_bytes("line one\ncaf\xe9\n".encode("latin-1"))
    try:
        read_note(path)
    except NoteError as exc:
        assert str(exc).startswith(f"{path}:2: not UTF-8")
    else:
        raise AssertionError("expected NoteError")


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    try:
        read_note(path)
    except NoteError as exc:
        assert "binary" in str(exc)
    else:
        raise AssertionError("expected NoteError")


def test_parser_imports_no_textual_torch_or_git():
    code = (
        "import sys; import labnotes.parse, labnotes.parse.model, labnotes.settings.config;"
        "from labnotes.parse import read_note; read_note(sys.argv[1]);"
        "bad = [m for m in ('textual', 'torch', 'git', 'networkx') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    from tests.conftest import SEED

    result = subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_line_of_only_a_form_feed_or_ideographic_space_keeps_the_next_lines_positions():
    # markdown-it starts the paragraph on such a line, and its text (stripped) on the next one.
    text = "## Feet\n\x0c\n![[shot.png]] 22:05\n\n> \u3000\n> [[In a quote]] #tag\n"
    note = parse_note(text, "x.md")
    assert [(x.line, x.col, x.original) for x in note.links] == [(3, 0, "![[shot.png]]"), (6, 2, "[[In a quote]]")]
    assert [(t.line, t.col) for t in note.tags] == [(6, 17)]


def test_links_in_table_cells_keep_their_source_text_and_place_past_escaped_pipes_and_quote_markers():
    # The Obsidian help vault writes `[[note\|alias]]` in tables (the pipe escaped) and tables
    # inside block quotes; every link's `original` is the text at its line and column.
    text = (
        "| Form | Example |\n| --- | --- |\n| `x` | [[Internal links#Block\\|Block refs]] #tag [[z]] |\n\n"
        "> | a | b |\n> | - | - |\n> | [[x]] | ![[Engelbart.jpg\\|200]] |\n"
    )
    note = parse_note(text, "x.md")
    lines = text.split("\n")
    assert [(x.line, x.col, x.original, x.target, x.alias, x.size) for x in note.links] == [
        (3, 8, "[[Internal links#Block\\|Block refs]]", "Internal links", "Block refs", None),
        (3, 50, "[[z]]", "z", None, None),
        (7, 4, "[[x]]", "x", None, None),
        (7, 12, "![[Engelbart.jpg\\|200]]", "Engelbart.jpg", None, "200"),
    ]
    assert all(lines[x.line - 1][x.col :].startswith(x.original) for x in note.links)
    assert [(t.line, t.col) for t in note.tags] == [(3, 45)]


def test_front_matter_warnings_and_links_keep_their_lines_past_a_line_separator():
    # YAML counts U+2028 as a line break, a note does not: positions are the note's.
    text = '---\nnote: "a\u2028b\u2028\u2028c"\nup: "[[Home]]"\nwhen: 2024-02-30\n---\n# Body\n'
    note = parse_note(text, "x.md")
    assert [(x.line, x.col, x.original) for x in note.links] == [(3, 5, "[[Home]]")]
    assert [(w.line, w.code) for w in note.warnings] == [(4, "frontmatter")]
    broken = parse_note("---\nnote: a\u2028\u2028\u2028b\n---\n", "x.md")
    assert [(w.line, w.code) for w in broken.warnings] == [(2, "frontmatter")]  # YAML says line 5


def test_a_cell_that_opens_with_an_ideographic_space_keeps_its_links_place():
    text = "| a | b |\n| - | - |\n| `x` | \u3000See [[Previews#Description\\|Description]]. |\n"
    (link,) = parse_note(text, "x.md").links
    assert text.split("\n")[2][link.col :].startswith(link.original) and link.original.startswith("[[Previews")
