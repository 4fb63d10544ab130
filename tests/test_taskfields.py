"""Task fields as the Obsidian Tasks plugin reads them: fixture lines with the facts they must yield.

Where the plugin's documentation or its tests state a result, the expected values here are those.
"""

from __future__ import annotations

import json

import pytest

from labnotes.parse import parse_note
from labnotes.settings.config import VaultConfig, load_config
from labnotes.settings.tasks_plugin import DATA_JSON, TasksSettings, load_tasks_settings, settings_from_data


def fields_of(line: str, settings: TasksSettings | None = None):
    config = VaultConfig(tasks=settings) if settings else None
    note = parse_note(f"# Plan\n{line}\n", "note.md", config=config)
    return note.tasks[0].fields, note


# --- the emoji format ------------------------------------------------------------------------

EMOJI_NOTE = """\
- [ ] #task Has a created date ➕ 2023-04-13
- [ ] #task Has a scheduled date ⏳ 2023-04-14
- [ ] #task Has a start date 🛫 2023-04-15
- [ ] #task Has a due date 📅 2023-04-16
- [x] #task Has a done date ✅ 2023-04-17
- [-] #task Has a cancelled date ❌ 2023-04-18
- [ ] #task Lowest priority ⏬
- [ ] #task Low priority 🔽
- [ ] #task Normal priority
- [ ] #task Medium priority 🔼
- [ ] #task High priority ⏫
- [ ] #task Highest priority 🔺
- [ ] #task Is a recurring task 🔁 every day when done
- [ ] #task Keep this task when done too 🏁 keep
- [ ] #task Remove completed instance of this recurring task when done 🔁 every day 🏁 delete
- [ ] #task do this first 🆔 dcf64c
- [ ] #task do this after first and some other task ⛔ dcf64c,0h17ye
"""


def test_every_emoji_field_of_the_plugins_format_page():
    tasks = parse_note(EMOJI_NOTE, "formats.md").tasks
    got = [
        {k: v for k, v in {
            "created": f.created, "scheduled": f.scheduled, "start": f.start, "due": f.due, "done": f.done,
            "cancelled": f.cancelled, "priority": f.priority, "recurrence": f.recurrence,
            "on_completion": f.on_completion, "id": f.id, "depends_on": f.depends_on,
        }.items() if v}
        for f in (t.fields for t in tasks)
    ]
    assert got == [
        {"created": "2023-04-13"},
        {"scheduled": "2023-04-14"},
        {"start": "2023-04-15"},
        {"due": "2023-04-16"},
        {"done": "2023-04-17"},
        {"cancelled": "2023-04-18"},
        {"priority": "lowest"},
        {"priority": "low"},
        {},
        {"priority": "medium"},
        {"priority": "high"},
        {"priority": "highest"},
        {"recurrence": "every day when done"},
        {"on_completion": "keep"},
        {"recurrence": "every day", "on_completion": "delete"},
        {"id": "dcf64c"},
        {"depends_on": ["dcf64c", "0h17ye"]},
    ]
    assert tasks[3].fields.description == "#task Has a due date"
    assert tasks[3].fields.tags == ["#task"]
    # The item's own text is unchanged: listings show what the user wrote.
    assert tasks[3].text == "#task Has a due date 📅 2023-04-16"


def test_fields_mixed_with_tags_all_read_and_tags_put_back():
    # The plugin's test "supports parsing large number of values".
    f, _ = fields_of(
        "- [ ] Wobble ⏫  #tag1 ✅ 2022-07-02 #tag2  📅 2022-07-02 #tag3 ⏳ 2022-07-02 #tag4 🛫 2022-07-02 "
        "#tag5  🔁 every day  #tag6 #tag7 #tag8 #tag9 #tag10"
    )
    assert f.description == "Wobble #tag1 #tag2 #tag3 #tag4 #tag5 #tag6 #tag7 #tag8 #tag9 #tag10"
    assert (f.due, f.done, f.start, f.scheduled, f.priority) == ("2022-07-02",) * 4 + ("high",)
    assert f.tags == [f"#tag{i}" for i in range(1, 11)]
    assert f.recurrence == "every day"


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Wobble ✅2022-07-01 📅2022-07-02 ⏳2022-07-03 🛫2022-07-04 ➕2022-07-05 🔁every day",
        "- [ ] Wobble ✅ 2022-07-01 📅 2022-07-02 ⏳ 2022-07-03 🛫 2022-07-04 ➕ 2022-07-05 🔁 every day",
        "- [ ] Wobble ✅  2022-07-01 📅  2022-07-02 ⏳  2022-07-03 🛫  2022-07-04 ➕   2022-07-05 🔁  every day",
    ],
)
def test_any_number_of_spaces_after_an_emoji(line):
    f, _ = fields_of(line)
    assert (f.description, f.done, f.due, f.scheduled, f.start, f.created, f.recurrence) == (
        "Wobble", "2022-07-01", "2022-07-02", "2022-07-03", "2022-07-04", "2022-07-05", "every day",
    )


@pytest.mark.parametrize(
    "line, field, value",
    [
        ("- [ ] a ⌛ 2021-06-20", "scheduled", "2021-06-20"),  # the other hourglass
        ("- [ ] a ⏳\ufe0f 2024-11-18", "scheduled", "2024-11-18"),  # with a variation selector
        ("- [ ] a 📆 2021-06-20", "due", "2021-06-20"),
        ("- [ ] a 🗓 2021-06-20", "due", "2021-06-20"),
        ("- [ ] a ⏫\ufe0f", "priority", "high"),
        ("- [ ] a ⛔\ufe0f F12345", "depends_on", ["F12345"]),
        ("- [ ] a ⛔ ab , CD ,  EF  ,    GK", "depends_on", ["ab", "CD", "EF", "GK"]),
        ("- [ ] a 🏁 Delete", "on_completion", "delete"),
        ("- [ ] a 🆔 Ab_cd0f-", "id", "Ab_cd0f-"),
    ],
)
def test_other_spellings_the_plugin_reads(line, field, value):
    f, _ = fields_of(line)
    assert getattr(f, field) == value
    assert f.description == "a"


def test_text_after_the_fields_stops_the_read():
    f, _ = fields_of("- [ ] 📅 2024-12-05 call Bob")
    assert f.due is None
    assert f.description == "📅 2024-12-05 call Bob"
    f, _ = fields_of("- [ ] call Bob 📅 2024-12-05 then Alice ⏫")
    assert (f.due, f.priority, f.description) == (None, "high", "call Bob 📅 2024-12-05 then Alice")


def test_an_id_with_other_characters_stays_in_the_text():
    f, _ = fields_of("- [ ] 🆔 A*bcd0f")
    assert f.id is None and f.description == "🆔 A*bcd0f"


def test_a_block_id_at_the_end_does_not_stop_the_read():
    f, _ = fields_of("- [ ] file the paper 📅 2024-12-05 ^p1")
    assert f.due == "2024-12-05" and f.description == "file the paper"


def test_tasks_in_quotes_callouts_and_numbered_lists():
    note = parse_note("> - [ ] in a quote 📅2022-07-29\n\n1. [ ] numbered ⏳ 2022-07-30\n", "n.md")
    assert [(t.fields.description, t.fields.due, t.fields.scheduled) for t in note.tasks] == [
        ("in a quote", "2022-07-29", None),
        ("numbered", None, "2022-07-30"),
    ]


def test_an_impossible_date_is_kept_and_warned_about_with_its_line():
    f, note = fields_of("- [ ] bad 📅 2024-02-30")
    assert f.due == "2024-02-30"
    assert [(w.line, w.message) for w in note.warnings] == [(2, "due date 2024-02-30 does not exist")]


def test_a_plain_item_has_no_fields():
    note = parse_note("- plain 📅 2024-12-05\n- [ ] task\n", "n.md")
    assert note.list_items[0].fields is None
    assert note.list_items[1].fields.description == "task"


# --- Dataview fields -------------------------------------------------------------------------

DATAVIEW_NOTE = """\
- [ ] #task Has a created date  [created:: 2023-04-13]
- [ ] #task Has a scheduled date  [scheduled:: 2023-04-14]
- [ ] #task Has a start date  [start:: 2023-04-15]
- [ ] #task Has a due date  [due:: 2023-04-16]
- [x] #task Has a done date  [completion:: 2023-04-17]
- [-] #task Has a cancelled date  [cancelled:: 2023-04-18]
- [ ] #task High priority  (priority:: high)
- [ ] #task Is a recurring task [repeat:: every day when done]
- [ ] #task Remove this task when done  [onCompletion:: delete]
- [ ] #task do this first  [id:: dcf64c]
- [ ] #task do this after first and some other task  [dependsOn:: dcf64c,0h17ye]
- [ ] #task mixed [due:: 2024-12-05] ⏫ (start:: 2024-12-01)
- [ ] #task not a pair [due:: 2024-12-05)
"""


def test_every_dataview_field_of_the_plugins_format_page():
    f = [t.fields for t in parse_note(DATAVIEW_NOTE, "dv.md").tasks]
    assert f[0].created == "2023-04-13"
    assert f[1].scheduled == "2023-04-14"
    assert f[2].start == "2023-04-15"
    assert f[3].due == "2023-04-16" and f[3].description == "#task Has a due date"
    assert f[4].done == "2023-04-17"
    assert f[5].cancelled == "2023-04-18"
    assert f[6].priority == "high"
    assert f[7].recurrence == "every day when done"
    assert f[8].on_completion == "delete"
    assert f[9].id == "dcf64c"
    assert f[10].depends_on == ["dcf64c", "0h17ye"]
    assert (f[11].due, f[11].priority, f[11].start) == ("2024-12-05", "high", "2024-12-01")
    assert f[12].due is None


# --- tags ------------------------------------------------------------------------------------

def test_nested_tags_are_whole_and_links_hold_no_tags():
    f, _ = fields_of(
        "- [ ] Export [Cloud Feedly feeds](https://cloud.feedly.com/#opml) #context/pc_clare "
        "🔁 every 4 weeks on Sunday ⏳ 2022-05-15 #context/more_context"
    )
    assert f.description == "Export [Cloud Feedly feeds](https://cloud.feedly.com/#opml) #context/pc_clare #context/more_context"
    assert f.tags == ["#context/pc_clare", "#context/more_context"]
    assert (f.recurrence, f.scheduled) == ("every 4 weeks on Sunday", "2022-05-15")


def test_tags_in_code_are_no_tags():
    f, _ = fields_of("- [ ] fix `#define X` in #paper/review")
    assert f.tags == ["#paper/review"]


# --- the vault's Tasks settings: global filter and custom statuses ----------------------------

GLOBAL_FILTER = TasksSettings(present=True, global_filter="#task")


def test_the_global_filter_decides_which_checkboxes_are_tasks():
    note = parse_note("- [ ] #task take out the trash 📅 2024-12-05\n- [ ] buy milk 📅 2024-12-06\n", "n.md",
                      config=VaultConfig(tasks=GLOBAL_FILTER))
    first, second = note.tasks
    assert first.fields.due == "2024-12-05"
    # The global filter is no tag of the task (the plugin drops it from the tags).
    assert first.fields.tags == []
    assert second.fields is None


def test_remove_global_filter_takes_it_out_of_the_description():
    settings = TasksSettings(present=True, global_filter="#task", remove_global_filter=True)
    f, _ = fields_of("- [ ] take #task out the trash #home 📅 2024-12-05", settings)
    assert f.description == "take out the trash #home"
    assert f.tags == ["#home"]
    # Only as a word of its own: a nested tag keeps it.
    f, _ = fields_of("- [ ] #task sort #task/sub", settings)
    assert f.description == "sort #task/sub"


CUSTOM = {
    "globalFilter": "#task",
    "setDoneDate": True,
    "recurrenceOnNextLine": True,
    "taskFormat": "dataview",
    "statusSettings": {
        "coreStatuses": [
            {"symbol": " ", "name": "Todo", "nextStatusSymbol": "x", "availableAsCommand": True, "type": "TODO"},
            {"symbol": "x", "name": "Done", "nextStatusSymbol": " ", "availableAsCommand": True, "type": "DONE"},
        ],
        "customStatuses": [
            {"symbol": "/", "name": "In Progress", "nextStatusSymbol": "x", "availableAsCommand": True, "type": "IN_PROGRESS"},
            {"symbol": "-", "name": "Cancelled", "nextStatusSymbol": " ", "availableAsCommand": True, "type": "CANCELLED"},
            {"symbol": "?", "name": "Question", "nextStatusSymbol": "!", "availableAsCommand": True, "type": "NON_TASK"},
            {"symbol": "D", "name": "Delegated", "nextStatusSymbol": "X", "availableAsCommand": True, "type": "ON_HOLD"},
            {"symbol": "X", "name": "Checked", "nextStatusSymbol": "!", "availableAsCommand": True, "type": "DONE"},
            {"symbol": "!", "name": "Important", "nextStatusSymbol": "D", "availableAsCommand": True, "type": "TODO"},
        ],
    },
}


def write_settings(vault, data):
    path = vault / DATA_JSON
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")


def test_custom_statuses_and_settings_are_read_from_the_vault(tmp_path):
    write_settings(tmp_path, CUSTOM)
    settings = load_config(tmp_path).tasks
    assert (settings.present, settings.global_filter, settings.task_format) == (True, "#task", "dataview")
    assert settings.recurrence_on_next_line is True
    assert settings.status("D").name == "Delegated" and settings.status("D").type == "ON_HOLD"
    assert settings.status("?").type == "NON_TASK"
    # The plugin's own example: D toggles to X (done), and the next recurrence is "!" (a todo).
    assert settings.next_status(settings.status("D")).symbol == "X"
    assert settings.next_recurrence_status(settings.status("X")).symbol == "!"
    note = parse_note("- [D] #task ask Ana\n- [?] #task why\n- [>] #task moved\n", "n.md", config=load_config(tmp_path))
    assert [(t.fields.status_type, t.fields.status_name) for t in note.tasks] == [
        ("ON_HOLD", "Delegated"), ("NON_TASK", "Question"), ("TODO", "Unknown"),
    ]


def test_without_the_plugins_file_the_plugins_defaults_apply(tmp_path):
    settings = load_tasks_settings(tmp_path)
    assert settings == TasksSettings() and not settings.present
    assert (settings.set_done_date, settings.recurrence_on_next_line, settings.global_filter) == (True, False, "")
    assert [s.type for s in map(settings.status, " x/-")] == ["TODO", "DONE", "IN_PROGRESS", "CANCELLED"]


@pytest.mark.parametrize(
    "data, words",
    [
        ("{not json", "line 1: not valid JSON"),
        ({"globalFilter": 3}, "globalFilter: expected text"),
        ({"setDoneDate": "yes"}, "setDoneDate: expected true or false"),
        ({"statusSettings": {"customStatuses": [{"symbol": "ab"}]}}, "customStatuses[0]: symbol must be one character"),
    ],
)
def test_a_broken_settings_file_is_one_problem_and_the_defaults(tmp_path, data, words):
    write_settings(tmp_path, data)
    settings = load_tasks_settings(tmp_path)
    assert settings.present and words in settings.problem
    assert settings.problem.startswith(".obsidian/plugins/obsidian-tasks-plugin/data.json: ")
    assert settings.global_filter == "" and settings.statuses == TasksSettings().statuses


def test_tasks_is_no_labnotes_yaml_key(tmp_path):
    from labnotes.settings.config import ConfigError

    (tmp_path / ".labnotes.yaml").write_text("tasks: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'tasks'"):
        load_config(tmp_path)


def test_settings_from_data_keeps_the_first_status_of_a_symbol():
    settings = settings_from_data({"statusSettings": {"coreStatuses": [
        {"symbol": " ", "name": "Todo", "nextStatusSymbol": "x", "type": "TODO"},
        {"symbol": " ", "name": "Again", "nextStatusSymbol": "x", "type": "DONE"},
    ]}})
    assert settings.status(" ").name == "Todo"


# --- the JSON of `labnotes parse` -----------------------------------------------------------

def test_fields_are_in_the_parse_json():
    note = parse_note("- [ ] file it ⏫ 📅 2024-12-05 #paper\n- plain\n", "n.md")
    items = note.to_json()["list_items"]
    assert items[0]["fields"]["due"] == "2024-12-05"
    assert items[0]["fields"]["priority"] == "high"
    assert items[0]["fields"]["tags"] == ["#paper"]
    assert items[1]["fields"] is None
