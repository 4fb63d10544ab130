"""Template variables, each with the value an Obsidian user expects."""

from __future__ import annotations

import datetime as dt

import pytest

from labnotes.settings.config import VaultConfig
from labnotes.notes.template import daily_name, format_moment, render, shift

MONDAY = dt.date(2024, 12, 2)
AT_0905 = dt.datetime(2024, 12, 2, 9, 5, 7)


def fill(text: str, day: dt.date = MONDAY, **kw) -> str:
    return render(text, day=day, now=AT_0905, **kw)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{{date}}", "2024-12-02"),
        ("{{date:YYYY-MM-DD}}", "2024-12-02"),
        ("{{date:YYYY年M月D日 dddd}}", "2024年12月2日 星期一"),
        ("{{date:ddd}} {{date:dd}} {{date:d}} {{date:E}}", "周一 一 1 1"),
        ("{{date:MMMM MMM Q}}", "十二月 12月 4"),
        ("{{date:Do DDD DDDD}}", "2日 337 337"),
        ("{{date:gggg [W]WW}}", "2024 W49"),
        ("{{date:YY/MM/DD}}", "24/12/02"),
        ("{{ date : YYYY }}", "2024"),
        ("{{time}}", "09:05"),
        ("{{time:HH:mm:ss}}", "09:05:07"),
        ("{{time:h:mm A}}", "9:05 上午"),
        ("{{title}}", "2024-12-02"),
        ("{{weekday}}", "周一"),
        ("{{yesterday}}", "2024-12-01"),
        ("{{tomorrow}}", "2024-12-03"),
        ("{{yesterday:M月D日 ddd}}", "12月1日 周日"),
        ("[[{{yesterday}}]] · [[{{tomorrow}}]]", "[[2024-12-01]] · [[2024-12-03]]"),
        ("{{date+1d}}", "2024-12-03"),
        ("{{date-1w:YYYY-MM-DD}}", "2024-11-25"),
        ("{{date+1M:MM-DD}}", "01-02"),
        ("{{date+1y}}", "2025-12-02"),
        ("{{monday:MM-DD}} … {{sunday:MM-DD}}", "12-02 … 12-08"),
        ("{{date:[今天是] dddd}}", "今天是 星期一"),
    ],
)
def test_variables(template: str, expected: str) -> None:
    assert fill(template) == expected


def test_unknown_variables_and_plain_braces_stay_as_written() -> None:
    text = "{{foo}} {{ title:x }} {single} {{time+1d}} `{{`"
    assert fill(text) == text


def test_title_is_the_new_notes_file_name() -> None:
    assert fill("# {{title}}", title="2024-12-02 周一") == "# 2024-12-02 周一"


def test_weekday_of_each_day_of_the_seed_week() -> None:
    week = [fill("{{weekday}}", day=dt.date(2024, 12, 1) + dt.timedelta(days=k)) for k in range(7)]
    assert week == ["周日", "周一", "周二", "周三", "周四", "周五", "周六"]


def test_english_names_when_asked() -> None:
    assert fill("{{date:dddd, MMMM Do}} {{time:h:mm a}}", locale="en") == "Monday, December 2nd 9:05 am"


def test_yesterday_and_tomorrow_follow_the_vaults_daily_name() -> None:
    config = VaultConfig(daily_name="{YYYY}{MM}{DD}")
    assert fill("{{yesterday}}|{{tomorrow}}", config=config) == "20241201|20241203"


def test_links_across_a_years_end() -> None:
    assert fill("[[{{yesterday}}]] {{date}} [[{{tomorrow}}]]", day=dt.date(2024, 12, 31)) == (
        "[[2024-12-30]] 2024-12-31 [[2025-01-01]]"
    )
    assert fill("{{yesterday}}", day=dt.date(2025, 1, 1)) == "2024-12-31"


def test_iso_week_at_a_years_end() -> None:
    # 2024-12-30 is in ISO week 1 of 2025, as moment's W says.
    assert format_moment(dt.date(2024, 12, 30), "W") == "1"


def test_month_shift_clamps_to_the_months_end() -> None:
    assert shift(dt.date(2024, 1, 31), "+1M") == dt.date(2024, 2, 29)
    assert shift(dt.date(2024, 2, 29), "+1y") == dt.date(2025, 2, 28)


def test_meridiem_in_chinese_follows_the_clock() -> None:
    times = [dt.datetime(2024, 12, 2, h, 0) for h in (3, 7, 10, 12, 15, 20)]
    assert [format_moment(t, "A") for t in times] == ["凌晨", "早上", "上午", "中午", "下午", "晚上"]


def test_daily_name_default() -> None:
    assert daily_name(VaultConfig(), dt.date(2025, 1, 1)) == "2025-01-01"


def test_the_sample_template_renders_without_leftover_variables() -> None:
    from labnotes.settings.locations import SAMPLE_VAULT

    text = (SAMPLE_VAULT / "Template" / "Daily.md").read_text(encoding="utf-8")
    out = fill(text)
    assert "{{" not in out
    assert "[[2024-12-01|昨天]] · 2024-12-02 周一 · [[2024-12-03|明天]]" in out


# --- Templater's plain-data commands ----------------------------------------------------------

from labnotes.notes.templater import commands_in, fill_templater  # noqa: E402

NOW = dt.datetime(2024, 12, 1, 21, 57)  # the note for 2024-12-02 written the evening before


@pytest.mark.parametrize(
    "template, expected",
    [
        ('# <% tp.date.now("YYYY-MM-DD") %> - <% tp.date.now("dddd") %>', "# 2024-12-01 - 星期日"),
        ('<% tp.date.now("YYYY-MM-DD", -1) %>|<% tp.date.now() %>', "2024-11-30|2024-12-01"),
        # The day the note's title names, as phd-logs' and the Tasks demo's templates say it.
        ('<% tp.date.now("YYYY-MM-DD", 1, tp.file.title, "YYYY-MM-DD") %>', "2024-12-03"),
        ("<% tp.file.title %>", "2024-12-02"),
        ('<%_ tp.date.tomorrow("MM-DD") _%> <% tp.date.yesterday() %>', "12-02 2024-11-30"),
        ('<% tp.file.creation_date() %>', "2024-12-01 21:57"),
        ("#<% tp.date.now('YYYY') %> #<% tp.date.now('YYYY-MM') %>", "#2024 #2024-12"),
    ],
)
def test_templater_dates_and_title_are_filled(template: str, expected: str) -> None:
    assert fill_templater(template, now=NOW, title="2024-12-02") == (expected, 0)


@pytest.mark.parametrize(
    "command",
    [
        "<%* let x = tp.date.now() %>",
        "<% tp.user.greeting() %>",
        '<% tp.date.now("YYYY", 1, tp.file.title) %>',  # a reference without its format
        '<% tp.date.now("YYYY", 0, tp.file.title, "MMM D") %>',  # the title is not in that format
        "<% yesterday %>",
        '<% tp.date.now("YYYY") + "!" %>',
    ],
)
def test_other_templater_commands_are_left_for_templater(command: str) -> None:
    assert fill_templater(f"a {command} b", now=NOW, title="2024-12-02") == (f"a {command} b", 1)
    assert commands_in(f"a {command} b") == 1


def test_render_fills_obsidian_variables_and_templater_commands() -> None:
    out = render("{{date}} <% tp.date.now('YYYY-MM-DD', 0, tp.file.title, 'YYYY-MM-DD') %>", day=dt.date(2024, 12, 2), now=NOW)
    assert out == "2024-12-02 2024-12-02"
