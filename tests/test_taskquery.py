"""The Tasks query language over a fixture vault: each instruction with the tasks it must select,
and the order and groups the plugin's docs state."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from labnotes.queries.taskquery import parse_query, query_blocks, run_query, run_query_blocks, vault_tasks
from labnotes.queries.taskquery.dates import DateWordError, parse_day, parse_range
from labnotes.settings.tasks_plugin import DATA_JSON
from labnotes.vault import build_index

TODAY = dt.date(2024, 12, 3)  # a Tuesday

PAPER = """\
# Paper
## Writing
- [ ] draft the intro #paper/writing ⏫ 📅 2024-12-06
- [ ] make figures #paper 🔼 📅 2024-12-04 🆔 figs
- [x] collect results #paper ✅ 2024-12-01
- [ ] submit #paper ⛔ figs 📅 2024-12-20
## Review
- [/] answer reviewer 2 #paper/review [due:: 2024-12-05] (priority:: high)
- [ ] water the plants 🔁 every week ⏳ 2024-12-02
- [ ] start later 🛫 2024-12-10
- [ ] impossible 📅 2024-02-30
"""

DIARY = """\
# Today
- [ ] buy milk
- [-] cancelled thing ❌ 2024-12-03
\t- [ ] a sub-task 🔽

```tasks
not done
due before 2024-12-07
sort by due
```

> [!note] in a callout
> ```tasks
> not done
> group by filename
> group by heading
> ```

```tasks
due befor tomorrow
```

```tasks
(tags include #paper) AND NOT (is blocked)
not done
group by priority
limit 2
```
"""


@pytest.fixture
def vault(tmp_path):
    (tmp_path / "Projects").mkdir()
    (tmp_path / "Diary").mkdir()
    (tmp_path / "Projects" / "paper.md").write_text(PAPER, encoding="utf-8")
    (tmp_path / "Diary" / "2024-12-03.md").write_text(DIARY, encoding="utf-8")
    return tmp_path


@pytest.fixture
def tasks(vault):
    idx = build_index(vault, use_cache=False)
    return vault_tasks(idx)


def select(tasks, text: str) -> list[str]:
    query = parse_query(text, 1, today=TODAY)
    assert query.error is None, query.error
    groups, _, _ = run_query(query, tasks)
    return [t.fields.description.split(" #")[0].split(" 🔁")[0] for g in groups for t in g.tasks]


def lines_of(tasks, text: str) -> set[str]:
    return set(select(tasks, text))


# --- filters ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "instruction, expected",
    [
        ("done", {"collect results", "cancelled thing"}),
        ("not done", {"draft the intro", "make figures", "submit", "answer reviewer 2", "water the plants",
                      "start later", "impossible", "buy milk", "a sub-task"}),
        ("due before 2024-12-05", {"make figures"}),
        ("due on 2024-12-05", {"answer reviewer 2"}),
        ("due 2024-12-05", {"answer reviewer 2"}),
        ("due on or before 2024-12-05", {"make figures", "answer reviewer 2"}),
        ("due after 2024-12-06", {"submit"}),
        ("due on or after 2024-12-06", {"draft the intro", "submit"}),
        ("due before tomorrow", set()),
        ("due in this week", {"make figures", "answer reviewer 2", "draft the intro"}),
        ("due in 2024-12-04 2024-12-05", {"make figures", "answer reviewer 2"}),
        ("due before +2", {"make figures"}),
        ("due after in two weeks", {"submit"}),
        ("due in next week", set()),
        ("due in 2024-W51", {"submit"}),
        ("scheduled before today", {"water the plants"}),
        ("done on 2024-12-01", {"collect results"}),
        ("cancelled on today", {"cancelled thing"}),
        ("has due date", {"draft the intro", "make figures", "submit", "answer reviewer 2", "impossible"}),
        ("no scheduled date", None),
        ("due date is invalid", {"impossible"}),
        ("has start date", {"start later"}),
        ("happens on 2024-12-02", {"water the plants"}),
        ("has happens date", {"draft the intro", "make figures", "submit", "answer reviewer 2", "water the plants",
                              "start later", "impossible"}),
        ("priority is high", {"draft the intro", "answer reviewer 2"}),
        ("priority is above none", {"draft the intro", "make figures", "answer reviewer 2"}),
        ("priority is below none", {"a sub-task"}),
        ("priority is medium", {"make figures"}),
        ("status.type is IN_PROGRESS", {"answer reviewer 2"}),
        ("status.type is not TODO", {"collect results", "cancelled thing", "answer reviewer 2"}),
        ("status.name includes progress", {"answer reviewer 2"}),
        ("is blocked", {"submit"}),
        ("is blocking", {"make figures"}),
        ("is recurring", {"water the plants"}),
        ("tags include #paper", {"draft the intro", "make figures", "collect results", "submit", "answer reviewer 2"}),
        ("tag includes review", {"answer reviewer 2"}),
        ("tags do not include #paper", {"water the plants", "start later", "impossible", "buy milk", "cancelled thing",
                                        "a sub-task"}),
        ("no tags", {"water the plants", "start later", "impossible", "buy milk", "cancelled thing", "a sub-task"}),
        ("path includes Diary", {"buy milk", "cancelled thing", "a sub-task"}),
        ("path does not include diary", {"draft the intro", "make figures", "collect results", "submit",
                                         "answer reviewer 2", "water the plants", "start later", "impossible"}),
        ("filename includes paper", {"draft the intro", "make figures", "collect results", "submit",
                                     "answer reviewer 2", "water the plants", "start later", "impossible"}),
        ("folder includes Projects/", {"draft the intro", "make figures", "collect results", "submit",
                                       "answer reviewer 2", "water the plants", "start later", "impossible"}),
        ("heading includes review", {"answer reviewer 2", "water the plants", "start later", "impossible"}),
        ("description includes FIGURES", {"make figures"}),
        ("description regex matches /^dr/", {"draft the intro"}),
        ("description regex does not match /e/", {"buy milk", "a sub-task"}),
        ("exclude sub-items", None),
    ],
)
def test_each_filter_selects_its_tasks(tasks, instruction, expected):
    got = set(select(tasks, instruction))
    if instruction == "no scheduled date":
        assert "water the plants" not in got and "buy milk" in got
    elif instruction == "exclude sub-items":
        assert "a sub-task" not in got and "buy milk" in got
    else:
        assert got == expected


def test_starts_filters_let_tasks_without_a_start_date_through(tasks):
    got = lines_of(tasks, "starts before 2024-12-05\npath includes paper")
    # "start later" starts on the 10th; every other task has no start date, so it can be worked on.
    assert "start later" not in got and "draft the intro" in got


@pytest.mark.parametrize(
    "instruction, expected",
    [
        ("(tags include #paper) AND (priority is high)", {"draft the intro", "answer reviewer 2"}),
        ("(is blocked) OR (is blocking)", {"submit", "make figures"}),
        ("NOT (path includes paper)", {"buy milk", "cancelled thing", "a sub-task"}),
        ("(tags include #paper) AND NOT (done)", {"draft the intro", "make figures", "submit", "answer reviewer 2"}),
        ("[priority is high] XOR [status.type is IN_PROGRESS]", {"draft the intro"}),
        ("((is blocked) OR (is blocking)) AND (due after 2024-12-10)", {"submit"}),
        ("(done) OR (priority is high) AND (path includes Diary)", {"collect results", "cancelled thing"}),
        ('"description includes milk" OR "description includes intro"', {"buy milk", "draft the intro"}),
        ("(description includes (x) thing) OR (is recurring)", {"water the plants"}),
    ],
)
def test_boolean_combinations(tasks, instruction, expected):
    assert set(select(tasks, instruction)) == expected


# --- sort, group, limit ----------------------------------------------------------------------

def test_default_sort_puts_in_progress_first_then_urgency(tasks):
    got = select(tasks, "not done\npath includes paper")
    assert got[0] == "answer reviewer 2"  # IN_PROGRESS before TODO
    # Then by urgency: due soon and high priority before due soon and medium, before no date.
    assert got.index("draft the intro") < got.index("make figures") < got.index("start later")


def test_sort_by_due_puts_invalid_dates_first_and_undated_last(tasks):
    got = select(tasks, "not done\npath includes paper\nsort by due")
    assert got[:5] == ["impossible", "make figures", "answer reviewer 2", "draft the intro", "submit"]


def test_sort_by_reverse_and_priority(tasks):
    got = select(tasks, "has due date\nsort by due reverse")
    assert got[0] == "submit" and got[-1] == "impossible"
    got = select(tasks, "not done\nsort by priority")
    # Ties in priority fall back on the default sort: in progress before todo.
    assert got[:3] == ["answer reviewer 2", "draft the intro", "make figures"]
    assert got[-1] == "a sub-task"  # low is below none


def test_group_by_priority_names_and_orders_groups_as_the_plugin(tasks):
    query = parse_query("path includes paper\ngroup by priority", 1, today=TODAY)
    groups, _, _ = run_query(query, tasks)
    assert [g.names for g in groups] == [["High priority"], ["Medium priority"], ["Normal priority"]]


def test_group_by_due_uses_the_weekday_and_puts_invalid_first_undated_last(tasks):
    query = parse_query("path includes paper\ngroup by due", 1, today=TODAY)
    groups, _, _ = run_query(query, tasks)
    assert [g.names[0] for g in groups] == [
        "Invalid due date", "2024-12-04 Wednesday", "2024-12-05 Thursday", "2024-12-06 Friday",
        "2024-12-20 Friday", "No due date",
    ]


@pytest.mark.parametrize(
    "grouping, names",
    [
        ("group by filename", ["2024-12-03", "paper"]),
        ("group by folder", ["Diary/", "Projects/"]),
        ("group by root", ["Diary/", "Projects/"]),
        ("group by status", ["Done", "Todo"]),
        ("group by status.type", ["IN_PROGRESS", "TODO", "DONE", "CANCELLED"]),
        ("group by heading", ["Review", "Today", "Writing"]),
        ("group by recurring", ["Recurring", "Not Recurring"]),
    ],
)
def test_group_names(tasks, grouping, names):
    groups, _, _ = run_query(parse_query(grouping, 1, today=TODAY), tasks)
    assert [g.names[0] for g in groups] == names


def test_group_by_tags_puts_a_task_under_each_of_its_tags(tasks):
    groups, total, shown = run_query(parse_query("path includes paper\ngroup by tags", 1, today=TODAY), tasks)
    names = [g.names[0] for g in groups]
    assert names == ["(No tags)", "#paper", "#paper/review", "#paper/writing"]
    assert total == shown == 8


def test_limit_and_limit_groups(tasks):
    groups, total, shown = run_query(parse_query("not done\nlimit 3", 1, today=TODAY), tasks)
    assert (total, shown) == (9, 3)
    groups, total, shown = run_query(parse_query("group by filename\nlimit groups to 1 tasks", 1, today=TODAY), tasks)
    assert [len(g.tasks) for g in groups] == [1, 1]


def test_layout_comments_and_continuations_are_accepted(tasks):
    text = "# my query\nnot done {{! an inline comment }} \\\n  \nhide due date\nshow tree\nshort mode\nexplain\n(path includes Diary) OR \\\n(is recurring)"
    query = parse_query(text, 10, today=TODAY)
    assert query.error is None
    assert query.layout == ["hide due date", "show tree", "short mode", "explain"]
    assert set(select(tasks, text)) == {"buy milk", "a sub-task", "water the plants"}


def test_placeholders_name_the_querying_note(tasks):
    query = parse_query("path includes {{query.file.path}}", 1, today=TODAY, query_path="Diary/2024-12-03.md")
    groups, total, _ = run_query(query, tasks)
    assert total == 3


def test_the_global_filter_is_ignored_by_description_filters():
    from labnotes.parse.model import TaskFields
    from labnotes.queries.taskquery.model import QueryTask

    t = QueryTask("n.md", 1, " ", "#task buy milk", [], TaskFields(description="#task buy milk"))
    query = parse_query("description regex matches /^buy/", 1, today=TODAY, global_filter="#task")
    assert run_query(query, [t])[1] == 1


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, line, words",
    [
        ("not done\ndue befor tomorrow", 2, "cannot read the date"),
        ("not done\n\nwobble", 3, "do not understand this instruction"),
        ("sort by colour", 1, "do not know how to sort by 'colour'"),
        ("group by weather", 1, "do not know how to group by 'weather'"),
        ("priority is urgent", 1, "expected lowest, low, none, medium, high or highest"),
        ("status.type is FINISHED", 1, "expected one of TODO"),
        ("(done) AND (wobble)", 1, "'wobble': do not understand"),
        ("(done) AND (not done", 1, "never closed"),
        ("description regex matches /([/", 1, "not a valid regular expression"),
        ("filter by function task.due", 1, "JavaScript"),
    ],
)
def test_a_line_it_cannot_read_is_one_error_naming_the_line(text, line, words):
    query = parse_query(text, 1, today=TODAY)
    assert query.error is not None
    assert query.error.line == line
    assert words in query.error.message


# --- dates ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "word, day",
    [
        ("today", "2024-12-03"), ("tomorrow", "2024-12-04"), ("yesterday", "2024-12-02"), ("+7", "2024-12-10"),
        ("-1", "2024-12-02"), ("in two weeks", "2024-12-17"), ("14 days ago", "2024-11-19"),
        ("next monday", "2024-12-09"), ("last friday", "2024-11-29"), ("in 1 month", "2025-01-03"),
        ("2024-12-25", "2024-12-25"),
    ],
)
def test_date_words(word, day):
    assert parse_day(word, TODAY) == dt.date.fromisoformat(day)


@pytest.mark.parametrize(
    "word, start, end",
    [
        ("this week", "2024-12-02", "2024-12-08"), ("last week", "2024-11-25", "2024-12-01"),
        ("next month", "2025-01-01", "2025-01-31"), ("this quarter", "2024-10-01", "2024-12-31"),
        ("next year", "2025-01-01", "2025-12-31"), ("2024-02", "2024-02-01", "2024-02-29"),
        ("2024-Q1", "2024-01-01", "2024-03-31"), ("2024-12-31 2024-12-01", "2024-12-01", "2024-12-31"),
    ],
)
def test_date_ranges(word, start, end):
    assert parse_range(word, TODAY) == (dt.date.fromisoformat(start), dt.date.fromisoformat(end))


def test_a_date_that_does_not_exist_is_an_error():
    with pytest.raises(DateWordError, match="not a real date"):
        parse_day("2024-02-30", TODAY)


# --- the blocks of a note -----------------------------------------------------------------------

def test_blocks_are_found_in_order_also_in_callouts():
    blocks = query_blocks(DIARY)
    assert [(b.line, b.first_line) for b in blocks] == [(6, 7), (13, 14), (19, 20), (23, 24)]
    assert blocks[1].text == "not done\ngroup by filename\ngroup by heading"


def test_run_query_blocks_answers_each_block_and_keeps_going_after_an_error(vault):
    idx = build_index(vault, use_cache=False)
    results = run_query_blocks(idx, "Diary/2024-12-03.md", today=TODAY)
    assert len(results) == 4
    first, second, bad, last = results
    assert [t.line for g in first.groups for t in g.tasks] == [4, 8, 3]
    assert [g.names for g in second.groups][:2] == [["2024-12-03", "Today"], ["paper", "Review"]]
    assert bad.error is not None and bad.error.line == 20 and bad.groups == []
    assert (last.total, last.shown) == (3, 2)
    # LINE picks the one block holding it.
    only = run_query_blocks(idx, "Diary/2024-12-03.md", line=21, today=TODAY)
    assert [r.line for r in only] == [19]


def test_the_vaults_global_filter_decides_what_queries_see(vault):
    path = vault / DATA_JSON
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"globalFilter": "#paper"}), encoding="utf-8")
    idx = build_index(vault, use_cache=False)
    assert {t.note for t in vault_tasks(idx)} == {"Projects/paper.md"}
    assert len(vault_tasks(idx)) == 5


# --- presets, the global query, views -----------------------------------------------------------

def test_presets_expand_by_line_and_by_placeholder(tasks):
    presets = {"mine": "not done\npath includes paper", "paperish": "tags include #paper"}
    query = parse_query("preset mine\n{{preset.paperish}}\nsort by due", 1, today=TODAY, presets=presets)
    assert query.error is None
    assert [t.line for g in run_query(query, tasks)[0] for t in g.tasks][:2] == [4, 8]


def test_the_plugins_default_presets_are_there_without_settings(vault):
    from labnotes.settings.tasks_plugin import TasksSettings

    presets = dict(TasksSettings().presets)
    query = parse_query("preset this_file", 1, today=TODAY, presets=presets, query_path="Diary/2024-12-03.md")
    idx = build_index(vault, use_cache=False)
    assert run_query(query, vault_tasks(idx))[1] == 3


def test_an_unknown_preset_is_one_error_listing_the_known_ones():
    query = parse_query("not done\npreset nope", 1, today=TODAY, presets={"a": "done"})
    assert (query.error.line, query.error.instruction) == (2, "preset nope")
    assert "no preset 'nope'" in query.error.message and "known: a" in query.error.message


def test_the_global_query_comes_first_unless_ignored(tasks):
    gq = "# leave the diary out\npath does not include Diary"
    query = parse_query("not done", 1, today=TODAY, global_query=gq)
    assert {t.note for g in run_query(query, tasks)[0] for t in g.tasks} == {"Projects/paper.md"}
    query = parse_query("ignore global query\nnot done", 1, today=TODAY, global_query=gq)
    assert "Diary/2024-12-03.md" in {t.note for g in run_query(query, tasks)[0] for t in g.tasks}
    bad = parse_query("not done", 7, today=TODAY, global_query="wobble")
    assert (bad.error.line, bad.error.instruction) == (7, "global query: wobble")


def test_view_columns_groups_and_functions_are_refused_clearly(tasks):
    groups, _, _ = run_query(parse_query("path includes paper\nview columns by priority", 1, today=TODAY), tasks)
    assert [g.names[0] for g in groups] == ["High priority", "Medium priority", "Normal priority"]
    for line in ("sort by function task.lineNumber", "group by function task.status.name"):
        assert "JavaScript" in parse_query(line, 1, today=TODAY).error.message


def test_group_by_backlink_and_urgency(tasks):
    groups, _, _ = run_query(parse_query("path includes Diary\ngroup by backlink", 1, today=TODAY), tasks)
    assert [g.names[0] for g in groups] == ["2024-12-03 > Today"]
    groups, _, _ = run_query(parse_query("path includes paper\nnot done\ngroup by urgency", 1, today=TODAY), tasks)
    scores = [float(g.names[0]) for g in groups]
    assert scores == sorted(scores, reverse=True) and len(scores) > 3
