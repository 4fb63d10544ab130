"""Odd task lines and odd queries never crash: a field is read or left in the text, a toggle
gives lines, a query gives tasks or one error."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from labnotes.notes.tasks_toggle import toggle_task_line
from labnotes.parse import parse_note
from labnotes.queries.taskquery import parse_query
from labnotes.settings.tasks_plugin import TasksSettings
from labnotes.tasks.recurrence import RecurrenceError, next_occurrence

PIECES = st.sampled_from([
    "📅", "⏳", "🛫", "➕", "✅", "❌", "🔺", "⏫", "🔼", "🔽", "⏬", "🔁", "🏁", "🆔", "⛔", "\ufe0f", " ", "  ",
    "2024-12-05", "2024-02-30", "every", "week", "day", "month", "on", "the", "last", "2nd", "when done", "#tag",
    "#a/b", "[due:: 2024-01-01]", "(priority:: high)", "[", "]", "(", ")", "::", ",", "delete", "keep", "abc", "^id1",
    "`", "x", "0", "31st",
])
LINE = st.lists(PIECES, max_size=14).map("".join)
TODAY = dt.date(2024, 12, 3)


@settings(max_examples=200, deadline=None)
@given(LINE)
def test_any_task_line_parses(body):
    note = parse_note(f"- [ ] {body}\n", "n.md")
    if note.tasks and note.tasks[0].fields is not None:
        f = note.tasks[0].fields
        assert isinstance(f.description, str)


@settings(max_examples=200, deadline=None)
@given(LINE, st.sampled_from([" ", "x", "-", "/", "?"]), st.sampled_from([None, "x", "-", " "]))
def test_any_task_line_toggles_into_task_lines(body, status, to):
    out = toggle_task_line(f"- [{status}] {body}", to, TasksSettings(present=True, set_created_date=True), TODAY)
    assert len(out.lines) <= 2
    assert all(line.startswith("- [") and "\n" not in line for line in out.lines)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=8).map(" ".join))
def test_any_rule_gives_dates_or_a_recurrence_error(rule):
    try:
        next_occurrence(rule, due="2024-01-31", today=TODAY)
    except RecurrenceError:
        pass


QUERY = st.lists(st.sampled_from([
    "not done", "done", "due before today", "(", ")", "AND", "OR", "NOT", "XOR", "[", "]", '"', "{", "}",
    "tags include #x", "sort by due", "group by tags", "limit 3", "priority is", "above", "high", "path includes",
    "\\", "\n", "preset this_file", "{{query.file.path}}", "{{preset.x}}", "regex matches", "/a(/", "happens",
]), max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(QUERY)
def test_any_query_reads_or_gives_one_error(text):
    q = parse_query(text, 1, today=TODAY, presets=dict(TasksSettings().presets), query_path="a/b.md")
    assert q.error is None or (q.error.line >= 1 and q.error.message)
