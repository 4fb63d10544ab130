"""One-line note text for listings: markup dropped, the words kept."""

from __future__ import annotations

from labnotes.queries.text import count, duration, plain
from labnotes.tui.text import inline


def test_highlight_markup_is_dropped():
    assert plain('看看<mark style="background: #BBFABBA6;">待研究</mark>与  待整理') == "看看待研究与 待整理"


def test_angle_brackets_that_are_no_html_stay():
    # Only tags a note really uses go; `<a and b>` would be an anchor tag to Obsidian too.
    text = "检查 0<ratio and ratio>1 的情况, 以及 List<Tensor> 返回值"
    assert plain(text) == text
    assert inline(text).plain == text


def test_an_autolink_shows_its_address():
    assert plain("see <https://arxiv.org/abs/2407.05848>") == "see https://arxiv.org/abs/2407.05848"


def test_durations_and_counts():
    assert [duration(m) for m in (None, 32, 304, 2888, -5)] == ["", "+32m", "+5h 04m", "+2d 0h", "-5m"]
    assert (count(1, "entry", "entries"), count(2, "entry", "entries"), count(3, "note")) == ("1 entry", "2 entries", "3 notes")
