"""Recurring tasks' next dates. The cases are the Obsidian Tasks plugin's own (its docs' examples
and its test table "recurs correctly"), with the dates it states."""

from __future__ import annotations

import datetime as dt

import pytest

from labnotes.tasks.recurrence import Occurrence, RecurrenceError, next_occurrence, parse_rule

D = dt.date.fromisoformat
TODAY = D("2000-01-01")  # a day far from every case: only "when done" may use it

# (rule, due, scheduled, start, today, next due, next scheduled, next start)
PLUGIN_CASES = [
    ("every 7 days", "2021-02-21", None, None, None, "2021-02-28", None, None),
    ("every 7 days when done", "2021-02-21", None, None, "2021-02-18", "2021-02-25", None, None),
    ("every 7 days when done", "2021-02-21", None, None, "2021-02-22", "2021-03-01", None, None),
    ("every day", "2021-02-21", None, None, None, "2021-02-22", None, None),
    ("every day when done", "2021-02-21", None, None, "2022-01-04", "2022-01-05", None, None),
    ("every 4 weeks", "2021-10-15", None, None, None, "2021-11-12", None, None),
    ("every 4 weeks", "2021-10-12", None, None, None, "2021-11-09", None, None),
    ("every 4 weeks", "2033-10-12", None, None, None, "2033-11-09", None, None),
    ("every 3 weeks when done", "2022-01-10", None, None, "2021-01-14", "2021-02-04", None, None),
    ("every month", "2021-10-15", None, None, None, "2021-11-15", None, None),
    ("every month when done", "2021-10-18", None, None, "2021-10-16", "2021-11-16", None, None),
    ("every month when done", "2021-10-18", None, None, "2021-10-24", "2021-11-24", None, None),
    ("every month on the 2nd Wednesday", "2021-09-08", None, None, None, "2021-10-13", None, None),
    ("every month on the 2nd Wednesday when done", "2021-09-08", None, None, "2021-09-15", "2021-10-13", None, None),
    ("every month on the 2nd Wednesday when done", "2021-09-08", None, None, "2021-10-12", "2021-10-13", None, None),
    ("every month on the 2nd Wednesday when done", "2021-09-08", None, None, "2021-10-13", "2021-11-10", None, None),
    ("every 3 months on the 3rd Thursday", "2021-04-15", None, None, None, "2021-07-15", None, None),
    ("every 3 months on the 3rd Thursday", "2021-08-19", None, None, None, "2021-11-18", None, None),
    ("every 3 months on the 3rd Thursday", "2021-09-16", None, None, None, "2021-12-16", None, None),
    ("every week on Monday, Wednesday, Friday", "2022-01-24", None, None, None, "2022-01-26", None, None),
    ("every week on Monday, Wednesday, Friday when done", "2022-01-24", None, None, "2022-01-25", "2022-01-26", None, None),
    ("every week on Monday, Wednesday, Friday when done", "2022-01-24", None, None, "2022-01-26", "2022-01-28", None, None),
    ("every 5 days", None, None, "2021-10-10", None, None, None, "2021-10-15"),
    ("every 5 days", None, "2021-10-10", None, None, None, "2021-10-15", None),
    ("every 5 days", "2021-10-11", None, "2021-10-10", None, "2021-10-16", None, "2021-10-15"),
    ("every 5 days", "2021-10-11", "2021-10-10", "2021-10-09", None, "2021-10-16", "2021-10-15", "2021-10-14"),
    ("every 10 days when done", "2021-10-09", "2021-10-07", "2021-10-05", "2021-10-04", "2021-10-14", "2021-10-12", "2021-10-10"),
    ("every 10 days when done", "2021-10-09", "2021-10-07", "2021-10-05", "2021-10-10", "2021-10-20", "2021-10-18", "2021-10-16"),
    ("every month on the 15th", "2025-08-16", "2025-08-11", "2025-08-06", None, "2025-09-15", "2025-09-10", "2025-09-05"),
    ("every month on the 15th", None, "2025-08-10", "2025-08-05", None, None, "2025-08-15", "2025-08-10"),
    ("every month", "2021-03-31", None, None, None, "2021-04-30", None, None),
    ("every month", "2021-01-29", None, None, None, "2021-02-28", None, None),
    ("every month on the 31st", "2021-01-31", None, None, None, "2021-03-31", None, None),
    ("every year on February the 29th", "2021-01-01", None, None, None, "2024-02-29", None, None),
    ("every year", "2020-02-29", None, None, None, "2021-02-28", None, None),
    ("every month when done", None, "1999-01-23", None, "2021-08-31", None, "2021-09-30", None),
    ("every 2 years when done", None, None, "1999-01-23", "2020-02-29", None, None, "2022-02-28"),
    # The plugin's Recurrence tests.
    ("every month", "2022-01-31", None, None, None, "2022-02-28", None, None),
    ("every 3 months", "2022-01-31", None, None, None, "2022-04-30", None, None),
    ("every 2 months", "2023-12-31", None, None, None, "2024-02-29", None, None),
    ("every 2 years", "2024-02-29", None, None, None, "2026-02-28", None, None),
    ("every 11 months", "2020-03-31", None, None, None, "2021-02-28", None, None),
    ("every 13 months", "2020-01-31", None, None, None, "2021-02-28", None, None),
    # The docs: "Recurring Tasks".
    ("every Sunday", "2021-04-25", None, None, None, "2021-05-02", None, None),
    ("every week when done", None, "2021-02-06", None, "2022-02-13", None, "2022-02-20", None),
    ("every week", None, "2021-02-06", None, "2022-02-13", None, "2021-02-13", None),
    ("every 2 weeks", "2021-10-30", "2021-10-28", None, None, "2021-11-13", "2021-11-11", None),
    ("every month on the last", "2022-01-31", None, None, None, "2022-02-28", None, None),
    ("every month on the last", "2022-02-28", None, None, None, "2022-03-31", None, None),
    ("every month on the last", "2022-04-30", None, None, None, "2022-05-31", None, None),
    ("every month on the 31st", "2022-03-31", None, None, None, "2022-05-31", None, None),
    ("every month on the 31st", "2022-05-31", None, None, None, "2022-07-31", None, None),
]


@pytest.mark.parametrize("rule, due, scheduled, start, today, next_due, next_scheduled, next_start", PLUGIN_CASES)
def test_next_dates_as_the_plugin_computes_them(rule, due, scheduled, start, today, next_due, next_scheduled, next_start):
    got = next_occurrence(rule, due=due, scheduled=scheduled, start=start, today=D(today) if today else TODAY)
    want = Occurrence(
        start=D(next_start) if next_start else None,
        scheduled=D(next_scheduled) if next_scheduled else None,
        due=D(next_due) if next_due else None,
    )
    assert got == want


def test_every_month_walks_down_to_the_last_day_and_stays_there():
    # The docs' sequence for "every month" from 31 October 2021.
    due, seen = D("2021-10-31"), []
    for _ in range(5):
        due = next_occurrence("every month", due=due, today=TODAY).due
        seen.append(due.isoformat())
    assert seen == ["2021-11-30", "2021-12-30", "2022-01-30", "2022-02-28", "2022-03-28"]


@pytest.mark.parametrize(
    "rule, due, next_due",
    [
        ("every weekday", "2024-12-06", "2024-12-09"),  # Friday → Monday
        ("every weekday", "2024-12-09", "2024-12-10"),
        ("every week on Tuesday, Friday", "2024-12-03", "2024-12-06"),
        ("every 3 weeks on Friday", "2024-12-06", "2024-12-27"),
        ("every month on the 1st", "2024-12-05", "2025-01-01"),
        ("every month on the last Friday", "2024-12-01", "2024-12-27"),
        ("every month on the 2nd last Friday", "2024-12-01", "2024-12-20"),
        ("every 6 months on the 2nd Wednesday", "2024-12-11", "2025-06-11"),
        ("every January on the 15th", "2024-12-05", "2025-01-15"),
        ("every February on the last", "2024-12-05", "2025-02-28"),
        ("every April and December on the 1st and 24th", "2024-12-05", "2024-12-24"),
        ("every April and December on the 1st and 24th", "2024-12-24", "2025-04-01"),
        ("every year", "2024-12-05", "2025-12-05"),
        ("every 3 days", "2024-12-30", "2025-01-02"),
    ],
)
def test_the_docs_example_rules(rule, due, next_due):
    assert next_occurrence(rule, due=due, today=TODAY).due == D(next_due)


def test_a_rule_without_dates_recurs_without_dates():
    assert next_occurrence("every week", today=TODAY) == Occurrence()


def test_an_impossible_reference_date_loses_the_recurrence():
    assert next_occurrence("every day", due="2022-02-30", today=TODAY) is None


def test_an_impossible_lower_date_takes_the_new_reference_day():
    got = next_occurrence("every day", due="2022-02-27", scheduled="2022-02-30", today=TODAY)
    assert got == Occurrence(scheduled=D("2022-02-28"), due=D("2022-02-28"))


def test_remove_scheduled_date_on_recurrence():
    got = next_occurrence("every month", start="2022-01-01", scheduled="2022-01-04", due="2022-01-10",
                          today=TODAY, remove_scheduled=True)
    assert got == Occurrence(start=D("2022-02-01"), due=D("2022-02-10"))
    # The only date is kept.
    assert next_occurrence("every month", scheduled="2022-01-04", today=TODAY, remove_scheduled=True).scheduled
    # With start preferred over scheduled as the reference: the plugin's "when done" case.
    got = next_occurrence("every 3 days when done", start="2022-01-01", scheduled="2022-01-04",
                          today=D("2022-01-10"), remove_scheduled=True)
    assert got == Occurrence(start=D("2022-01-13"))


def test_rule_text_is_kept_with_when_done():
    rule = parse_rule("every  week on Monday   when done")
    assert rule.text == "every week on Monday when done" and rule.when_done


@pytest.mark.parametrize(
    "text, words",
    [
        ("each week", "starts with 'every'"),
        ("every", "every what?"),
        ("every fortnight", "cannot read 'fortnight'"),
        ("every day for 3 times", "'for …' is not supported"),
        ("every week on the 3rd", "weekly rule cannot name a day of the month"),
        ("every 0 days", "at least 1"),
    ],
)
def test_rules_it_cannot_read_say_why(text, words):
    with pytest.raises(RecurrenceError, match=words):
        parse_rule(text)
