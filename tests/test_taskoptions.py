"""`labnotes tasks` filters, sorts and groups over the fixture vault of the query tests."""

from __future__ import annotations

import datetime as dt

import pytest

from labnotes.queries.taskquery.options import OptionError, TaskOptions, select
from tests.test_taskquery import TODAY, tasks, vault  # noqa: F401 - fixtures


def names(groups):
    return [t.fields.description.split(" #")[0].split(" 🔁")[0] for g in groups for t in g.tasks]


def opts(**kw):
    return TaskOptions.from_flags(today=TODAY, **kw)


@pytest.mark.parametrize(
    "flags, expected",
    [
        ({"due_before": "2024-12-05"}, {"make figures"}),
        ({"due_before": "+2"}, {"make figures"}),
        ({"due_after": "tomorrow"}, {"answer reviewer 2", "draft the intro", "submit"}),
        ({"overdue": True, "today": dt.date(2024, 12, 6)}, {"make figures", "answer reviewer 2"}),
        ({"scheduled": "today"}, {"water the plants"}),
        ({"priority": "high"}, {"draft the intro", "answer reviewer 2"}),
        ({"priority": "medium+"}, {"draft the intro", "answer reviewer 2", "make figures"}),
        ({"priority": "low"}, {"a sub-task"}),
        ({"tag": "paper"}, {"draft the intro", "make figures", "collect results", "submit", "answer reviewer 2"}),
        ({"tag": "#paper/review"}, {"answer reviewer 2"}),
        ({"tag": "pap"}, set()),
        ({"blocked": True}, {"submit"}),
    ],
)
def test_filters(tasks, flags, expected):  # noqa: F811
    today = flags.pop("today", TODAY)
    o = TaskOptions.from_flags(today=today, **flags)
    assert set(names(select(tasks, o))) == expected


def test_sort_by_due_and_limit(tasks):  # noqa: F811
    # Impossible dates have no day: they sort with the undated ones.
    assert names(select(tasks, opts(sort="due", limit=4))) == ["make figures", "answer reviewer 2", "draft the intro", "submit"]


def test_sort_by_priority_status_and_note(tasks):  # noqa: F811
    assert names(select(tasks, opts(sort="priority")))[:3] == ["draft the intro", "answer reviewer 2", "make figures"]
    assert names(select(tasks, opts(sort="status")))[0] == "answer reviewer 2"
    got = select(tasks, opts(sort="note"))[0].tasks
    assert [(t.note, t.line) for t in got] == sorted((t.note, t.line) for t in got)


def test_group_by_tag_lists_a_task_under_each_tag_and_untagged_last(tasks):  # noqa: F811
    groups = select(tasks, opts(group="tag"))
    assert [g.names[0] for g in groups] == ["#paper", "#paper/review", "#paper/writing", "(no tags)"]


def test_group_by_due_and_folder(tasks):  # noqa: F811
    assert [g.names[0] for g in select(tasks, opts(group="due", tag="paper"))] == [
        "2024-12-04 Wednesday", "2024-12-05 Thursday", "2024-12-06 Friday", "2024-12-20 Friday", "no due date",
    ]
    assert [g.names[0] for g in select(tasks, opts(group="folder"))] == ["Diary/", "Projects/"]


@pytest.mark.parametrize(
    "flags, words",
    [
        ({"due_before": "someday"}, "--due-before: bad date 'someday'"),
        ({"priority": "urgent"}, "--priority: expected highest"),
        ({"sort": "colour"}, "--sort: expected one of due, priority, age, note, status"),
        ({"group": "weather"}, "--group: expected one of note, section, tag, status, due, folder"),
        ({"limit": 0}, "--limit: expected a positive number"),
    ],
)
def test_bad_flags_are_one_line_errors(flags, words):
    with pytest.raises(OptionError, match=words.replace("(", r"\(")):
        opts(**flags)


# --- through `labnotes tasks` ---------------------------------------------------------------------

def run_tasks(vault, *args):  # noqa: F811 - the fixture's value, passed on
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    return CliRunner().invoke(app, ["tasks", "--vault", str(vault), *args], catch_exceptions=False)


def test_tasks_command_groups_by_tag(vault):  # noqa: F811
    result = run_tasks(vault, "--group", "tag")
    assert result.exit_code == 0
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == ["## #paper", "## #paper/review", "## #paper/writing", "## (no tags)"]


def test_tasks_command_blocked_json_carries_fields(vault):  # noqa: F811
    import json

    result = run_tasks(vault, "--blocked", "--json")
    data = json.loads(result.stdout)
    assert [(t["line"], t["fields"]["depends_on"], t["fields"]["due"]) for t in data] == [(6, ["figs"], "2024-12-20")]


def test_tasks_command_sort_due_limit(vault):  # noqa: F811
    result = run_tasks(vault, "--sort", "due", "--limit", "2", "--json")
    import json

    assert [t["fields"]["due"] for t in json.loads(result.stdout)] == ["2024-12-04", "2024-12-05"]


def test_tasks_command_without_the_new_flags_is_unchanged_but_has_fields(vault):  # noqa: F811
    import json

    data = json.loads(run_tasks(vault, "--json").stdout)
    assert {t["fields"]["description"] for t in data if t["note"] == "Diary/2024-12-03.md"} == {"buy milk", "a sub-task"}


def test_tasks_command_bad_flag_is_one_line_exit_2(vault):  # noqa: F811
    result = run_tasks(vault, "--group", "weather")
    assert result.exit_code == 2
    assert "--group: expected one of note, section, tag, status, due, folder" in result.stderr
