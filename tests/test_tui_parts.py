"""The UI's plain-Python parts, without a terminal: note Markdown for the widget, metric series,
one-line rows, and the `labnotes tui` command's wiring."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from labnotes.cli.app import app
from labnotes.parse import parse_note
from labnotes.tui.metrics import series
from labnotes.tui.notelines import note_lines
from labnotes.tui.text import duration, inline, pad

SEED = Path(__file__).resolve().parent.parent / "vault" / "Diary" / "2024" / "2024-12-01.md"


def test_a_note_is_drawn_line_for_line():
    source = SEED.read_text(encoding="utf-8")
    lines = note_lines(source, parse_note(source, str(SEED)))
    assert [nl.line for nl in lines] == list(range(1, len(source.split("\n")) + 1))
    assert lines[28].text.plain == "4. [x] 修改 PartialOct"  # line 29: the marker, the checkbox, the text


def test_a_wiki_link_shows_its_name_and_carries_its_index():
    text = "# 科研\n\n1. 记录在[[神经网络组件目录文件_README]] 中, 见 ![[2024-01-01#新的一年]]\n"
    line = note_lines(text, parse_note(text, "x.md"))[2]
    assert line.text.plain == "1. 记录在神经网络组件目录文件_README 中, 见 ↪ 2024-01-01 › 新的一年"
    assert [(k, line.text.plain[a:b]) for k, a, b in line.links] == [(0, "神经网络组件目录文件_README"), (1, "↪ 2024-01-01 › 新的一年")]
    # A click finds the link through the style's meta.
    assert all(line.text.get_style_at_offset(Console(), a).meta == {"link": k} for k, a, _ in line.links)


def test_tabs_indent_highlights_show_and_front_matter_is_dim():
    text = '---\ntags: [a]\n---\n\t\t- 看看<mark style="background: #BBFABBA6;">待研究</mark> 分母在\\[0, 1\\]之间 ^abc123\n'
    lines = note_lines(text, parse_note(text, "x.md"))
    assert [nl.text.plain for nl in lines[:3]] == ["---", "tags: [a]", "---"] and lines[0].text.style == "dim"
    assert lines[3].text.plain == "    - 看看待研究 分母在[0, 1]之间"


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


def test_a_row_shows_escapes_line_breaks_and_math_as_read():
    text = inline(r"分母在\[0, 窗口大小\]之间<br>比值 $\frac{a}{b}$ 花了 $5 和 $6 ^Gb7urLjk")
    assert text.plain == r"分母在[0, 窗口大小]之间 ↵ 比值 \frac{a}{b} 花了 $5 和 $6"


def test_the_first_screen_comes_before_tasks_are_linked_and_no_note_is_parsed(tmp_path, monkeypatch):
    import shutil

    from labnotes.parse import note as note_module
    from labnotes.tui.data import load

    vault = tmp_path / "vault"
    shutil.copytree(Path(__file__).resolve().parent.parent / "vault", vault)
    from labnotes.vault import build_index

    build_index(vault).close()  # a warm store, as on a second start
    parsed: list[str] = []
    real = note_module.parse_note
    import labnotes.parse

    def counted(*a, **k):
        parsed.append(a[1] if len(a) > 1 else k.get("name", ""))
        return real(*a, **k)

    monkeypatch.setattr(labnotes.parse, "parse_note", counted, raising=False)
    monkeypatch.setattr(note_module, "parse_note", counted)
    seen = []
    data = load(vault, None, early=lambda d: seen.append((d.tasks_linked, list(d.first_notes), d.complete)))
    assert seen[0] == (False, ["Diary/2024/2024-12-06.md", "Diary/2024/2024-12-05.md", "Diary/2024/2024-12-04.md"], False)
    assert seen[1][0] is True and seen[1][2] is False
    assert data.complete and data.tasks_linked
    # Every view reads the store's rows; a note is parsed when opened. Only the daily template is
    # read (its tasks are the routines).
    assert parsed == ["Template/Daily.md"]


def test_a_charts_day_ticks_spread_over_its_span_with_the_last_day_shown():
    from labnotes.tui.metrics import day_ticks

    days = ["2024-01-01", "2024-11-28", "2024-11-29", "2024-11-30", "2024-12-01", "2024-12-06"]
    assert day_ticks(days) == ["2024-01-01", "2024-03-26", "2024-06-19", "2024-09-12", "2024-12-06"]  # 85 days apart
    assert day_ticks(["2024-12-01", "2024-12-02", "2024-12-03"]) == ["2024-12-01", "2024-12-02", "2024-12-03"]


def test_a_search_too_short_for_the_index_reads_only_the_newest_notes_and_says_so(tmp_path):
    import shutil

    from labnotes.tui import fulltext
    from labnotes.vault import build_index

    vault = tmp_path / "vault"
    shutil.copytree(Path(__file__).resolve().parent.parent / "vault", vault)
    idx = build_index(vault)
    assert f"newest {fulltext.SHORT_NOTES} notes" in fulltext.said("lr") and fulltext.said("sum_mask") == ""
    newest = fulltext.newest_first(idx, ["partialconv"], limit=200, cancelled=lambda: False, notes=1)
    assert newest and {p.rel for p in newest} == {"Diary/2024/2024-12-06.md"}
    everywhere = fulltext.newest_first(idx, ["partialconv"], limit=200, cancelled=lambda: False)
    assert len({p.rel for p in everywhere}) > 1
    idx.close()
