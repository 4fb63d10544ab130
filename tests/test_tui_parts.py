"""The UI's plain-Python parts, without a terminal: note Markdown for the widget, metric series,
one-line rows, and the `labnotes tui` command's wiring."""

from __future__ import annotations

import sys
from pathlib import Path

from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.parse import parse_note
from labnotes.tui.metrics import series
from labnotes.tui.notemd import link_index, render
from labnotes.tui.text import duration, inline, pad

SEED = Path(__file__).resolve().parent.parent / "vault" / "Diary" / "2024" / "2024-12-01.md"


def test_note_markdown_keeps_every_line_where_it_was():
    source = SEED.read_text(encoding="utf-8")
    out = render(source, parse_note(source, str(SEED)))
    assert len(out.split("\n")) == len(source.split("\n"))


def test_a_wiki_link_becomes_a_link_that_carries_its_index():
    text = "# 科研\n\n1. 记录在[[神经网络组件目录文件_README]] 中, 见 ![[2024-01-01#新的一年]]\n"
    note = parse_note(text, "x.md")
    lines = render(text, note).split("\n")
    assert lines[2] == "1. 记录在[神经网络组件目录文件\\_README](wiki:0) 中, 见 ↪ [2024-01-01 › 新的一年](wiki:1)"
    assert link_index("wiki:1") == 1 and link_index("https://arxiv.org") is None


def test_highlights_become_bold_and_front_matter_is_blanked():
    text = '---\ntags: [a]\n---\n看看<mark style="background: #BBFABBA6;">待研究</mark>\n'
    assert render(text, parse_note(text, "x.md")).split("\n") == ["", "", "", "看看**待研究**", ""]


def test_a_bedtime_after_midnight_counts_as_late_evening():
    rows = [{"day": "2024-12-01", "昨天睡觉时间": "23:30", "今日体重": 65.0},
            {"day": "2024-12-02", "昨天睡觉时间": "00:45", "今日体重": 64.8}]
    bed, weight = series(["day", "note", "今日体重", "昨天睡觉时间"], rows)
    assert bed.name == "昨天睡觉时间" and bed.values == [23 * 60 + 30, 24 * 60 + 45]
    assert bed.show(bed.values[-1]) == "00:45"
    assert weight.values == [65.0, 64.8]


def test_a_row_shows_what_the_markup_means():
    text = inline('看看<mark style="x">待研究</mark> ~~学习率~~ [[a#b|别名]] `conv_1`')
    assert text.plain == "看看待研究 学习率 别名 conv_1"
    assert [text.plain[s.start:s.end] for s in text.spans] == ["待研究", "学习率", "别名", "conv_1"]


def test_cjk_pads_by_terminal_cells_and_gaps_read_short():
    assert pad("17:36 周四", 12) == "17:36 周四  "  # 周四 takes four cells
    assert [duration(m) for m in (None, 32, 304, 2888)] == ["", "+32m", "+5h 04m", "+2d 0h"]


def test_tui_is_a_command():
    result = CliRunner().invoke(app, ["tui", "--help"])
    assert result.exit_code == 0 and "--vault" in result.output


def test_without_textual_the_command_says_how_to_get_it(monkeypatch):
    for name in [m for m in sys.modules if m == "textual" or m.startswith(("textual.", "labnotes.tui"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "textual", None)  # import textual now raises ModuleNotFoundError
    result = CliRunner().invoke(app, ["tui", "--vault", str(SEED.parent.parent.parent)])
    assert result.exit_code == 2
    assert "needs textual" in (result.stderr if hasattr(result, "stderr") and result.stderr else result.output)
