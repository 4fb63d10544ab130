"""Toggling as the Obsidian Tasks plugin does: the lines its docs and tests show after a toggle."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from labnotes.notes.edit import NoteChanged, read_snapshot, toggle
from labnotes.notes.tasks_toggle import NotATaskLine, toggle_task_line
from labnotes.settings.tasks_plugin import DATA_JSON, TasksSettings, load_tasks_settings, settings_from_data

PLUGIN = TasksSettings(present=True)  # the plugin's defaults: done and cancelled dates on, next occurrence above
D = dt.date.fromisoformat


def lines(line: str, today: str, settings: TasksSettings = PLUGIN, to: str | None = None) -> list[str]:
    return list(toggle_task_line(line, to, settings, D(today)).lines)


def test_done_appends_today_and_undone_takes_it_off():
    assert lines("- [ ] file the paper 📅 2024-12-05", "2024-12-04") == ["- [x] file the paper 📅 2024-12-05 ✅ 2024-12-04"]
    assert lines("- [x] file the paper 📅 2024-12-05 ✅ 2024-12-04", "2024-12-06") == ["- [ ] file the paper 📅 2024-12-05"]


def test_the_done_date_goes_before_a_block_id_and_keeps_a_hard_break():
    assert lines("- [ ] cite it ^ref1", "2024-12-04") == ["- [x] cite it ✅ 2024-12-04 ^ref1"]
    assert lines("\t1. [ ] cite it  ", "2024-12-04") == ["\t1. [x] cite it ✅ 2024-12-04  "]


def test_cancelled_appends_its_date_and_done_to_done_keeps_the_date():
    assert lines("- [ ] x 📅 2024-01-01", "2024-01-05", to="-") == ["- [-] x 📅 2024-01-01 ❌ 2024-01-05"]
    assert lines("- [-] x ❌ 2024-01-05", "2024-01-06") == ["- [ ] x"]
    settings = settings_from_data({"statusSettings": {"customStatuses": [
        {"symbol": "X", "name": "Checked", "nextStatusSymbol": " ", "type": "DONE"}]}})
    assert lines("- [x] x ✅ 2024-01-05", "2024-01-09", settings, to="X") == ["- [X] x ✅ 2024-01-05"]


def test_settings_without_done_dates_change_only_the_checkbox():
    settings = TasksSettings(present=True, set_done_date=False, set_cancelled_date=False)
    assert lines("- [ ] a 📅 2024-01-01", "2024-01-02", settings) == ["- [x] a 📅 2024-01-01"]


def test_the_dataview_format_writes_dataview_fields():
    settings = TasksSettings(present=True, task_format="dataview")
    assert lines("- [ ] a  [due:: 2024-01-01]", "2024-01-02", settings) == ["- [x] a  [due:: 2024-01-01]  [completion:: 2024-01-02]"]


# --- recurring tasks: the docs' "Recurring Tasks" page ------------------------------------------

def test_a_recurring_task_gets_its_next_occurrence_above_it():
    assert lines("- [ ] take out the trash 🔁 every Sunday 📅 2021-04-25", "2021-04-24") == [
        "- [ ] take out the trash 🔁 every Sunday 📅 2021-05-02",
        "- [x] take out the trash 🔁 every Sunday 📅 2021-04-25 ✅ 2021-04-24",
    ]


def test_when_done_counts_from_the_day_it_is_done():
    assert lines("- [ ] sweep the floors 🔁 every week when done ⏳ 2021-02-06", "2022-02-13") == [
        "- [ ] sweep the floors 🔁 every week when done ⏳ 2022-02-20",
        "- [x] sweep the floors 🔁 every week when done ⏳ 2021-02-06 ✅ 2022-02-13",
    ]
    assert lines("- [ ] sweep the floors 🔁 every week ⏳ 2021-02-06", "2022-02-13")[0] == (
        "- [ ] sweep the floors 🔁 every week ⏳ 2021-02-13"
    )


def test_other_dates_keep_their_distance_to_the_reference_date():
    assert lines("-   [ ] Mow the lawn 🔁 every 2 weeks ⏳ 2021-10-28 📅 2021-10-30", "2021-10-30")[0] == (
        "-   [ ] Mow the lawn 🔁 every 2 weeks ⏳ 2021-11-11 📅 2021-11-13"
    )


def test_the_next_occurrence_goes_below_with_the_next_line_setting():
    settings = TasksSettings(present=True, recurrence_on_next_line=True)
    assert lines("- [ ] do stuff 🔁 every month on the last 📅 2022-01-31", "2022-01-31", settings) == [
        "- [x] do stuff 🔁 every month on the last 📅 2022-01-31 ✅ 2022-01-31",
        "- [ ] do stuff 🔁 every month on the last 📅 2022-02-28",
    ]


def test_the_next_occurrence_drops_id_dependencies_and_block_id():
    # The plugin's test "should remove id and dependsOn after toggle RECURRING task" (done dates off there).
    settings = TasksSettings(present=True, set_done_date=False)
    line = "- [ ] should remove *id* and *dependsOn* in next recurrence 🆔 id2 ⛔ id1 🔁 every day 📅 2024-02-13 ^b1"
    assert lines(line, "2024-02-13", settings) == [
        "- [ ] should remove *id* and *dependsOn* in next recurrence 🔁 every day 📅 2024-02-14",
        "- [x] should remove *id* and *dependsOn* in next recurrence 🆔 id2 ⛔ id1 🔁 every day 📅 2024-02-13 ^b1",
    ]


def test_created_dates_on_the_next_occurrence_follow_the_setting():
    settings = TasksSettings(present=True, set_created_date=True)
    assert lines("- [ ] take out the trash 🔁 every Sunday 📅 2021-04-25", "2023-03-10", settings)[0] == (
        "- [ ] take out the trash 🔁 every Sunday ➕ 2023-03-10 📅 2021-05-02"
    )
    assert lines("- [ ] t 🔁 every day ➕ 2021-01-01 📅 2021-04-25", "2021-04-25")[0] == "- [ ] t 🔁 every day 📅 2021-04-26"


def test_custom_statuses_decide_the_done_and_next_symbols():
    # The plugin's "recurs correctly" case: D toggles to X (done), the next occurrence is "!".
    settings = settings_from_data({"statusSettings": {"customStatuses": [
        {"symbol": "D", "name": "Delegated", "nextStatusSymbol": "X", "type": "TODO"},
        {"symbol": "X", "name": "Checked", "nextStatusSymbol": "!", "type": "DONE"},
        {"symbol": "!", "name": "Important", "nextStatusSymbol": "D", "type": "TODO"},
    ]}})
    assert lines("- [D] I am task 🔁 every day 📅 2023-01-19", "2023-01-19", settings) == [
        "- [!] I am task 🔁 every day 📅 2023-01-20",
        "- [X] I am task 🔁 every day 📅 2023-01-19 ✅ 2023-01-19",
    ]


def test_undoing_a_recurring_task_writes_no_new_occurrence():
    assert lines("- [x] t 🔁 every day 📅 2021-04-25 ✅ 2021-04-25", "2021-04-26") == ["- [ ] t 🔁 every day 📅 2021-04-25"]


def test_an_impossible_reference_date_writes_no_next_occurrence():
    assert lines("- [ ] t 🔁 every day 📅 2022-02-30", "2022-02-01") == ["- [x] t 🔁 every day 📅 2022-02-30 ✅ 2022-02-01"]


# --- on completion --------------------------------------------------------------------------------

def test_delete_on_completion_drops_the_done_line():
    assert lines("- [ ] #task Remove this task when done 🏁 delete", "2024-01-02") == []
    assert lines("- [ ] #task Remove this task when done  [onCompletion:: delete]", "2024-01-02") == []
    assert lines("- [ ] #task recurring 🔁 every day 🏁 delete 📅 2024-01-01", "2024-01-01") == [
        "- [ ] #task recurring 🔁 every day 🏁 delete 📅 2024-01-02"
    ]
    # Cancelling is no completion: the line stays.
    assert lines("- [ ] gone 🏁 delete", "2024-01-02", to="-") == ["- [-] gone 🏁 delete ❌ 2024-01-02"]


def test_keep_on_completion_keeps_it():
    assert lines("- [ ] #task Keep this task when done too 🏁 keep", "2024-01-02") == [
        "- [x] #task Keep this task when done too 🏁 keep ✅ 2024-01-02"
    ]


def test_a_line_outside_the_global_filter_only_changes_its_checkbox():
    settings = TasksSettings(present=True, global_filter="#task")
    assert lines("- [ ] buy milk 🔁 every day 📅 2024-01-01", "2024-01-01", settings) == ["- [x] buy milk 🔁 every day 📅 2024-01-01"]


def test_a_line_without_a_task_is_refused():
    with pytest.raises(NotATaskLine):
        toggle_task_line("just text", None, PLUGIN, D("2024-01-01"))


# --- through notes/edit.toggle: one atomic write, refused when the note changed ------------------

def vault_with_plugin(tmp_path, settings=None):
    path = tmp_path / DATA_JSON
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(settings or {}), encoding="utf-8")
    return load_tasks_settings(tmp_path)


def test_edit_toggle_writes_the_next_occurrence_and_keeps_every_other_byte(tmp_path):
    settings = vault_with_plugin(tmp_path)
    note = tmp_path / "chores.md"
    note.write_bytes(b"\xef\xbb\xbf- [ ] trash \xf0\x9f\x94\x81 every Sunday \xf0\x9f\x93\x85 2021-04-25\r\nnext line\r\n")
    result = toggle(note, 1, tasks=settings, today=D("2021-04-24"))
    assert note.read_bytes() == (
        "\ufeff- [ ] trash 🔁 every Sunday 📅 2021-05-02\r\n"
        "- [x] trash 🔁 every Sunday 📅 2021-04-25 ✅ 2021-04-24\r\nnext line\r\n"
    ).encode("utf-8")
    assert result.after == "- [x] trash 🔁 every Sunday 📅 2021-04-25 ✅ 2021-04-24"
    assert len(result.lines) == 2


def test_edit_toggle_drops_the_line_on_delete(tmp_path):
    settings = vault_with_plugin(tmp_path)
    note = tmp_path / "n.md"
    note.write_text("# T\n- [ ] once 🏁 delete\n- [ ] other\n", encoding="utf-8")
    result = toggle(note, 2, tasks=settings, today=D("2024-01-01"))
    assert note.read_text(encoding="utf-8") == "# T\n- [ ] other\n"
    assert (result.after, result.lines) == ("", ())


def test_edit_toggle_refuses_when_the_note_changed(tmp_path):
    settings = vault_with_plugin(tmp_path)
    note = tmp_path / "n.md"
    note.write_text("- [ ] a 🔁 every day 📅 2024-01-01\n", encoding="utf-8")
    snap = read_snapshot(note)
    note.write_text("- [ ] a 🔁 every day 📅 2024-01-01\n- [ ] added in Obsidian\n", encoding="utf-8")
    with pytest.raises(NoteChanged):
        toggle(note, 1, tasks=settings, today=D("2024-01-01"), snapshot=snap)
    assert note.read_text(encoding="utf-8").count("\n") == 2


def test_without_the_plugin_toggle_is_as_before(tmp_path):
    note = tmp_path / "n.md"
    note.write_text("- [ ] a 🔁 every day 📅 2024-01-01\n", encoding="utf-8")
    toggle(note, 1, tasks=load_tasks_settings(tmp_path))
    assert note.read_text(encoding="utf-8") == "- [x] a 🔁 every day 📅 2024-01-01\n"


def test_cli_toggle_in_a_vault_with_the_plugin_writes_the_next_occurrence(tmp_path):
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    vault_with_plugin(tmp_path, {"setDoneDate": False})
    (tmp_path / "chores.md").write_text("- [ ] water 🔁 every day 📅 2024-01-01\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["toggle", "chores.md:1", "--vault", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    # The rule counts from the due date, so the day the test runs does not matter.
    assert (tmp_path / "chores.md").read_text(encoding="utf-8") == (
        "- [ ] water 🔁 every day 📅 2024-01-02\n- [x] water 🔁 every day 📅 2024-01-01\n"
    )
    assert result.stdout.splitlines() == [
        "chores.md:1: - [ ] water 🔁 every day 📅 2024-01-02",
        "chores.md:2: - [x] water 🔁 every day 📅 2024-01-01",
    ]


def test_cli_says_what_a_recurring_delete_left(tmp_path):
    from typer.testing import CliRunner

    from labnotes.cli.app import app

    vault_with_plugin(tmp_path)
    note = tmp_path / "n.md"
    note.write_text("- [ ] stretch 🔁 every day 🏁 delete 📅 2024-01-01\n- [ ] once 🏁 delete\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["toggle", "n.md:1", "--vault", str(tmp_path)], catch_exceptions=False)
    assert result.stdout == "n.md:1: - [ ] stretch 🔁 every day 🏁 delete 📅 2024-01-02  (the done line was removed: 🏁 delete; this is its next occurrence)\n"
    result = CliRunner().invoke(app, ["toggle", "n.md:2", "--vault", str(tmp_path)], catch_exceptions=False)
    assert result.stdout == "n.md:2: done and removed (🏁 delete)\n"
    assert note.read_text(encoding="utf-8") == "- [ ] stretch 🔁 every day 🏁 delete 📅 2024-01-02\n"
