"""The day words every command takes (`new DATE`, `--since`, `--until`, `--done-since`)."""

from __future__ import annotations

import datetime as dt

import pytest

from labnotes.parse.dates import DateError, parse_date, parse_optional_date
from labnotes.queries.filters import QueryError, parse_day

FRIDAY = dt.date(2024, 12, 6)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("today", FRIDAY),
        ("Yesterday", dt.date(2024, 12, 5)),
        (" tomorrow ", dt.date(2024, 12, 7)),
        ("-7", dt.date(2024, 11, 29)),
        ("+30", dt.date(2025, 1, 5)),
        ("-0", FRIDAY),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_words_users_type(typed: str, day: dt.date) -> None:
    assert parse_date(typed, today=FRIDAY) == day


@pytest.mark.parametrize("typed", ["2024-02-30", "next week", "12/06", "+", "2024-1-1", "-7d", ""])
def test_anything_else_is_a_one_line_error(typed: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(typed, today=FRIDAY, what="--since")
    assert str(err.value).startswith("--since: ") and "\n" not in str(err.value)


def test_an_offset_off_the_calendar_is_an_error_not_a_crash() -> None:
    with pytest.raises(DateError, match="off the calendar"):
        parse_date("+99999", today=dt.date(9999, 1, 1))


def test_no_day_given_is_none() -> None:
    assert parse_optional_date(None) is None
    assert parse_optional_date("  ") is None


def test_queries_read_the_same_words() -> None:
    assert parse_day("-7", "--since", today=FRIDAY) == dt.date(2024, 11, 29)
    assert parse_day(None, "--since") is None
    with pytest.raises(QueryError, match="--until: bad date 'soon'"):
        parse_day("soon", "--until")
