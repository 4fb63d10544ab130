"""The run log and how two runs' figures compare."""

from __future__ import annotations

import json
import math
import multiprocessing
from datetime import datetime, timezone

import pytest

from labnotes.lab.compare import compare_runs, flatten, previous_run
from labnotes.lab.records import (
    RunLogError,
    RunRecord,
    append_record,
    check_writable,
    log_path,
    new_run_id,
    read_log,
    read_records,
    runs_for,
    verdict,
)


def record(run_id: str, experiment: str = "aliased_kernel", device: str = "cpu", seed: int = 0,
           quick: bool = True, **result) -> dict:
    return {"run_id": run_id, "experiment": experiment, "device": device, "seed": seed, "quick": quick,
            "entry_ids": ["2024-12-01@2024-12-05T17:36"],
            "result": {"id": experiment, "device": device, "seed": seed, **result} if result else None}


def test_the_log_lives_in_the_state_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("LABNOTES_STATE_DIR", str(tmp_path / "state"))
    assert log_path() == tmp_path / "state" / "runs.jsonl"


def test_records_append_one_line_each_and_read_back_in_order(tmp_path):
    log = tmp_path / "state" / "runs.jsonl"
    append_record(record("a", loss=1.0), log)
    append_record(record("b", note="中文 stays readable"), log)

    assert [r["run_id"] for r in read_records(log)] == ["a", "b"]
    assert len(log.read_bytes().splitlines()) == 2
    assert "中文" in log.read_text(encoding="utf-8")


def test_a_missing_log_is_an_empty_history(tmp_path):
    assert read_records(tmp_path / "none.jsonl") == []


def test_a_truncated_last_line_is_skipped_and_the_next_record_survives(tmp_path):
    log = tmp_path / "runs.jsonl"
    append_record(record("a"), log)
    with open(log, "ab") as fh:  # a crash in the middle of a write
        fh.write(b'{"run_id": "b", "experi')
    assert [r["run_id"] for r in read_records(log)] == ["a"]

    append_record(record("c"), log)
    assert [r["run_id"] for r in read_records(log)] == ["a", "c"]


def _append_many(args):
    log, worker = args
    for i in range(50):
        append_record({"run_id": f"{worker}-{i}", "result": {"pad": "x" * 5000}}, log)


def test_concurrent_appends_do_not_interleave(tmp_path):
    log = tmp_path / "runs.jsonl"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_append_many, [(log, w) for w in range(4)])
    # A writer that looks at the end while another's line is landing may start with an extra
    # newline: a blank line, harmless. What must never happen is two records on one line.
    lines = [line for line in log.read_bytes().splitlines() if line.strip()]
    assert len(lines) == 200
    assert all(json.loads(line)["result"]["pad"] == "x" * 5000 for line in lines)


def test_run_ids_sort_by_time_and_are_unique():
    early = new_run_id(datetime(2024, 12, 5, 17, 36, tzinfo=timezone.utc))
    late = new_run_id(datetime(2024, 12, 5, 21, 35, tzinfo=timezone.utc))
    assert early.startswith("20241205T173600Z-") and early < late
    assert len({new_run_id() for _ in range(100)}) == 100


def test_flatten_names_every_leaf_by_its_path():
    assert flatten({"buggy": {"max": 2.5, "nan": True}, "losses": [1, 2]}) == {
        "buggy.max": 2.5, "buggy.nan": True, "losses[0]": 1, "losses[1]": 2}


def test_the_same_figures_within_tolerance_are_the_same():
    old = record("a", max_abs=1.0, nan_count=0, out=float("nan"))
    new = record("b", max_abs=1.0 + 1e-9, nan_count=0, out=float("nan"))
    cmp = compare_runs(old, new)
    assert cmp.same and cmp.to_json()["drifted"] == []


def test_drifted_figures_say_old_new_and_relative_change():
    old = record("a", fixed={"max_abs": 2.0, "finite": True}, steps=10)
    new = record("b", fixed={"max_abs": 3.0, "finite": False}, steps=10, extra=1)
    cmp = compare_runs(old, new).to_json()
    assert cmp["same"] is False
    assert cmp["drifted"] == [
        {"key": "fixed.finite", "old": True, "new": False, "rel_change": None},
        {"key": "fixed.max_abs", "old": 2.0, "new": 3.0, "rel_change": 0.5},
    ]
    assert cmp["added"] == ["extra"] and cmp["removed"] == []


def test_timings_and_versions_are_not_figures():
    old = record("a", seconds=1.5, torch="2.11.0", cuda="13.0", encoder={"seconds": 0.2, "max": 1.0})
    new = record("b", seconds=9.0, torch="2.13.0", cuda=None, encoder={"seconds": 0.9, "max": 1.0})
    assert compare_runs(old, new).same


def test_a_nan_where_there_was_a_number_is_drift():
    cmp = compare_runs(record("a", loss=0.5), record("b", loss=float("nan")))
    [drift] = cmp.drifted
    assert drift.key == "loss" and math.isnan(drift.new) and drift.rel_change is None


def test_the_previous_run_is_the_last_one_on_the_same_device_seed_and_size():
    log = [
        record("1", loss=1.0),
        record("2", device="cuda", loss=1.0),
        record("3", seed=7, loss=1.0),
        record("4", quick=False, loss=1.0),
        record("5", experiment="other", loss=1.0),
        record("6"),  # interrupted: no result to compare with
        record("7", loss=1.1),
    ]
    assert previous_run(log, log[-1])["run_id"] == "1"
    assert previous_run(log, log[0]) is None


def test_runs_for_filters_by_experiment_or_entry():
    log = [record("1"), record("2", experiment="other")]
    log[1]["entry_ids"] = []
    assert [r["run_id"] for r in runs_for(log, {"other"})] == ["2"]
    assert [r["run_id"] for r in runs_for(log, entry_id="2024-12-01@2024-12-05T17:36")] == ["1"]
    assert [r["run_id"] for r in runs_for(log)] == ["1", "2"]


# --- a run log is a file on the user's disk: read it defensively ------------------------------------


def test_a_bad_line_is_skipped_with_a_warning_naming_it_and_the_rest_is_read(tmp_path):
    log = tmp_path / "runs.jsonl"
    append_record(record("a"), log)
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("[" * 100_000 + "\n")  # nested past what json.loads can read
        fh.write('{"run_id": "big", "seed": ' + "9" * 5000 + "}\n")  # past Python's int digit limit
        fh.write('{"run_id": "typed", "duration_s": "slow"}\n')  # a field of the wrong type
        fh.write('{"run_id": "flag", "seed": true}\n')  # a bool is no seed
        fh.write('"just a string"\n')
    append_record(record("b"), log)

    got = read_log(log)
    assert [r["run_id"] for r in got.records] == ["a", "b"]
    assert [w.split(": skipped, ")[0] for w in got.skipped] == [f"{log}:{n}" for n in (2, 3, 4, 5, 6)]
    assert "nested too deeply" in got.skipped[0] and "'duration_s' is str" in got.skipped[2]


def test_a_record_read_back_answers_the_shared_rules():
    ok = RunRecord({"run_id": "r", "status": "ok", "reproduced": True, "device_requested": "auto"})
    assert (ok.verdict, ok.device_shown, ok.tone) == ("reproduced", "auto", "good")
    ran = RunRecord({"run_id": "r", "status": "ok", "reproduced": False, "device": "cuda:0", "device_requested": "auto"})
    assert (ran.verdict, ran.device_shown, ran.tone) == ("NOT reproduced", "cuda:0", "surprise")
    broke = RunRecord({"run_id": "r", "status": "failed", "exit_status": 3})
    assert (broke.verdict, broke.device_shown, broke.tone) == ("failed (exit 3)", "?", "bad")
    assert verdict(None) == "never run"


def test_a_state_folder_that_is_a_file_is_a_clear_error_before_anything_runs(tmp_path):
    (tmp_path / "state").write_text("not a folder")
    with pytest.raises(RunLogError, match="cannot write the run log"):
        check_writable(tmp_path / "state" / "runs.jsonl")


def test_a_result_nested_as_deep_as_json_allows_still_compares():
    deep: object = 1.0
    for _ in range(5000):
        deep = {"x": deep}
    assert list(flatten(deep)) == [".".join(["x"] * 5000)]
