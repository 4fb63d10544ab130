"""Running an experiment as a child process, and the line a rerun leaves in the note."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import threading
from datetime import datetime
from pathlib import Path

import pytest

from labnotes.lab.registry import load_registry
from labnotes.lab.rerun import annotation_text, make_record
from labnotes.lab.runner import RunOptions, experiment_argv, parse_result, run_experiment
from labnotes.notes.annotate import child_line
from tests.clikit import EXPERIMENT_ARGS

# The argument handling every experiment shares; BODY is what this fake one does.
FAKE = '''\
import argparse, json, os, sys, time
''' + EXPERIMENT_ARGS + '''{body}
'''
RESULT = 'print(json.dumps({"id": "fake", "reproduced": True, "device": "cpu", "torch": "x", "seed": a.seed, "cwd": os.getcwd(), "argv": sys.argv[1:]}))'


def fake_repo(root: Path, **bodies: str):
    """A repository root with experiments/<id>.py for each body, and its registry."""
    folder = root / "experiments"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    lines = ["experiments:"]
    for exp_id, body in bodies.items():
        (folder / f"{exp_id}.py").write_text(FAKE.format(body=textwrap.dedent(body)), encoding="utf-8")
        lines += [f"  - id: {exp_id}", f"    title: {exp_id} title", '    reproduces: ["n@2024-12-05T17:36"]']
    (folder / "manifest.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_registry(folder)


def test_the_command_is_this_interpreter_running_the_registered_module(tmp_path):
    exp = fake_repo(tmp_path, fake=RESULT).get("fake")
    assert experiment_argv(exp, RunOptions("cpu", quick=True, seed=3), "/py") == [
        "/py", "-m", "experiments.fake", "--device", "cpu", "--quick", "--seed", "3"]
    assert experiment_argv(exp, RunOptions()) == [sys.executable, "-m", "experiments.fake", "--device", "auto"]


def test_a_run_streams_its_output_and_returns_its_result(tmp_path):
    exp = fake_repo(tmp_path, fake='print("step 1"); print("warming up", file=sys.stderr)\n' + RESULT).get("fake")
    out, err = [], []
    outcome = run_experiment(exp, RunOptions("cpu", seed=5), repo_root=tmp_path,
                             on_stdout=out.append, on_stderr=err.append)

    assert outcome.status == "ok" and outcome.returncode == 0 and not outcome.interrupted
    assert "step 1\n" in "".join(out) and "warming up" in "".join(err)
    assert outcome.result["reproduced"] is True
    assert outcome.result["cwd"] == str(tmp_path)  # runs from the repository root
    assert outcome.result["argv"] == ["--device", "cpu", "--seed", "5"]
    assert outcome.started <= outcome.ended


def test_a_crashing_experiment_is_a_failed_run_with_its_error(tmp_path):
    exp = fake_repo(tmp_path, fake='raise SystemExit("CUDA error: out of memory")').get("fake")
    outcome = run_experiment(exp, RunOptions(), repo_root=tmp_path)
    assert outcome.status == "failed" and outcome.returncode == 1
    assert "out of memory" in outcome.stderr_tail and outcome.result is None


def test_an_experiment_that_prints_no_result_is_not_ok(tmp_path):
    exp = fake_repo(tmp_path, fake='print("done, but no JSON")').get("fake")
    outcome = run_experiment(exp, RunOptions(), repo_root=tmp_path)
    assert (outcome.returncode, outcome.status) == (0, "no-result")


SLOW = 'print("ready", flush=True)\ntime.sleep(60)\n' + RESULT


def test_sigint_to_the_experiments_process_group_records_an_interrupted_run(tmp_path):
    exp = fake_repo(tmp_path, slow=SLOW).get("slow")
    started: list = []

    def on_stdout(text: str) -> None:
        if "ready" in text:  # only once the experiment is really running
            os.killpg(started[0].pid, signal.SIGINT)

    outcome = run_experiment(exp, RunOptions(), repo_root=tmp_path, on_start=started.append, on_stdout=on_stdout)
    assert outcome.interrupted and outcome.status == "interrupted"
    assert outcome.returncode == -signal.SIGINT
    assert (outcome.ended - outcome.started).total_seconds() < 30


def test_a_labnotes_started_with_sigint_ignored_still_stops_its_experiment(tmp_path):
    # A shell's background job (`labnotes rerun … &` in a script, cron) starts with SIGINT ignored,
    # and a child inherits that; the experiment must still stop at the SIGINT labnotes sends it.
    exp = fake_repo(tmp_path, slow=SLOW).get("slow")
    started: list = []

    def on_stdout(text: str) -> None:
        if "ready" in text:
            os.killpg(started[0].pid, signal.SIGINT)

    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        outcome = run_experiment(exp, RunOptions(), repo_root=tmp_path, on_start=started.append, on_stdout=on_stdout)
    finally:
        signal.signal(signal.SIGINT, before)
    assert outcome.interrupted and outcome.status == "interrupted"
    assert (outcome.ended - outcome.started).total_seconds() < 30
    assert outcome.argv[1:3] == ["-m", "experiments.slow"]  # the record says what ran, not how it was started


def test_ctrl_c_in_labnotes_stops_the_experiment_and_kills_one_that_ignores_it(tmp_path):
    # The terminal sends Ctrl-C to labnotes only (the child has its own process group);
    # labnotes passes it on, and kills the child when it does not stop within the grace time.
    stubborn = 'import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n' + SLOW
    exp = fake_repo(tmp_path, stubborn=stubborn).get("stubborn")
    pids: list[int] = []

    def on_stdout(text: str) -> None:
        if "ready" in text:
            threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()

    outcome = run_experiment(exp, RunOptions(), repo_root=tmp_path, grace=1.0,
                             on_start=lambda p: pids.append(p.pid), on_stdout=on_stdout)
    assert outcome.interrupted and outcome.status == "interrupted"
    assert outcome.returncode == -signal.SIGKILL
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)


@pytest.mark.parametrize(
    "stdout, result",
    [
        ('noise\n{"id": "x", "reproduced": false}\n\n', {"id": "x", "reproduced": False}),
        ('{"id": "x"}\nTraceback: boom\n', None),
        ("[1, 2]\n", None),
        ("", None),
    ],
)
def test_the_result_is_the_json_object_on_the_last_line(stdout, result):
    assert parse_result(stdout) == result


def test_a_record_says_exactly_what_ran(tmp_path):
    reg = fake_repo(tmp_path, fake=RESULT)
    exp = reg.get("fake")
    options = RunOptions("cpu", quick=True, seed=3)
    outcome = run_experiment(exp, options, repo_root=tmp_path)
    git = {"available": True, "commit": "abc", "branch": "main", "dirty": False, "diff": None}
    rec = make_record(outcome, exp, options, target="n:12", entry_ids=["n@2024-12-05T17:36"], git=git,
                      software={"python": "3.11.7", "torch": "2.13.0+cpu", "cuda": None, "cudnn": None},
                      host={"name": "lab"}, device_name="AMD EPYC", run_id="r1")

    assert rec["run_id"] == "r1" and rec["target"] == "n:12" and rec["entry_ids"] == ["n@2024-12-05T17:36"]
    assert rec["experiment"] == "fake" and rec["argv"] == outcome.argv and rec["cwd"] == str(tmp_path)
    assert (rec["seed"], rec["quick"], rec["device_requested"], rec["device"]) == (3, True, "cpu", "cpu")
    assert rec["status"] == "ok" and rec["exit_status"] == 0 and rec["interrupted"] is False
    assert rec["reproduced"] is True and rec["result"] == outcome.result
    assert rec["started"].endswith("Z") and rec["duration_s"] >= 0
    assert rec["git"] == git and rec["versions"]["torch"] == "2.13.0+cpu" and rec["host"] == {"name": "lab"}


# --- the annotation line -------------------------------------------------------------------------


def test_the_annotation_line_reads_like_the_log():
    rec = {"experiment": "aliased_kernel", "reproduced": True, "device": "cuda", "run_id": "r1"}
    when = datetime(2025, 1, 7, 10, 42)
    assert annotation_text(rec, when) == "`2025-01-07-10:42` rerun aliased_kernel: reproduced on cuda (run r1)"
    rec["reproduced"] = False
    assert "not reproduced on cuda" in annotation_text(rec, when)


def test_child_line_takes_the_indentation_of_an_existing_child():
    lines = ["\t\t\t\t1. 2024-12-05-17:36 周四：发现问题所在", "\t\t\t\t\t1. `self.conv_1 = self.conv`"]
    assert child_line(lines, 1, 2, "X") == "\t\t\t\t\t- X"


def test_child_line_adds_a_tab_in_a_tab_indented_note():
    lines = ["- top", "\t1. 2024-12-05-17:36 entry", "\t2. next"]
    assert child_line(lines, 2, 2, "X") == "\t\t- X"


def test_child_line_indents_to_the_content_column_with_spaces():
    assert child_line(["1. 2024-12-05-17:36 entry"], 1, 1, "X") == "   - X"
    assert child_line(["  - 2024-12-05-17:36 entry"], 1, 1, "X") == "    - X"


def test_child_line_for_an_entry_in_a_paragraph():
    assert child_line(["2024-12-05-17:36 in a paragraph"], 1, 1, "X") == "- X"


NOTE = (
    "# 今日计划\n"
    "1. [ ] 修 PartialOct\n"
    "\t1. 2024-12-05-17:07 周四：逐个检查 PartConv\n"
    "\t\t1. 2024-12-05-17:36 周四：发现问题所在\r\n"
    "\t\t\t1. `self.conv_1 = self.conv`\n"
    "\t\t2. 2024-12-05-21:35 周四：修改完毕\n"
)


def test_annotate_inserts_one_child_line_and_changes_nothing_else(tmp_path):
    from labnotes.notes.edit import read_snapshot
    from labnotes.notes.annotate import annotate_entry

    note = tmp_path / "2024-12-01.md"
    note.write_bytes(NOTE.encode())
    annotate_entry(read_snapshot(note), "2024-12-01@2024-12-05T17:36", "LINE")

    lines = NOTE.encode().splitlines(keepends=True)
    assert note.read_bytes() == b"".join(lines[:4]) + b"\t\t\t- LINE\r\n" + b"".join(lines[4:])


def test_annotate_goes_under_an_entry_written_over_several_lines(tmp_path):
    from labnotes.notes.edit import read_snapshot
    from labnotes.parse import read_note
    from labnotes.notes.annotate import annotate_entry

    text = "- [ ] task\n\t1. 2024-12-09-10:00 周一：first line\n\t   continuation [exp:: aliased_kernel]\n\t2. 2024-12-09-11:00 周一：later\n"
    note = tmp_path / "2024-12-09.md"
    note.write_text(text, encoding="utf-8")
    rec = {"experiment": "aliased_kernel", "reproduced": True, "device": "cpu", "run_id": "r1"}
    annotate_entry(read_snapshot(note), "2024-12-09@2024-12-09T10:00", annotation_text(rec, datetime(2026, 11, 27, 10, 42)))

    lines = note.read_text(encoding="utf-8").splitlines()
    assert lines[3] == "\t\t- `2026-11-27-10:42` rerun aliased_kernel: reproduced on cpu (run r1)"
    parsed = read_note(note)
    # The entry keeps its continuation (and its field); the run line is no new log entry.
    assert [e.id for e in parsed.entries] == ["2024-12-09@2024-12-09T10:00", "2024-12-09@2024-12-09T11:00"]
    assert [(f.line, f.key) for f in parsed.fields] == [(3, "exp")]
    assert parsed.entries[0].end_line == 4


def test_annotate_refuses_when_the_note_changed_since_it_was_read(tmp_path):
    from labnotes.notes.edit import NoteChanged, read_snapshot
    from labnotes.notes.annotate import annotate_entry

    note = tmp_path / "2024-12-01.md"
    note.write_bytes(NOTE.encode())
    snap = read_snapshot(note)
    note.write_bytes(NOTE.encode() + "\t\t3. 2024-12-05-22:31 周四：又一条\n".encode())
    with pytest.raises(NoteChanged):
        annotate_entry(snap, "2024-12-01@2024-12-05T17:36", "LINE")
    assert "LINE" not in note.read_text()


def test_annotate_refuses_an_entry_that_is_gone(tmp_path):
    from labnotes.notes.edit import read_snapshot
    from labnotes.notes.annotate import AnnotateError, annotate_entry

    note = tmp_path / "2024-12-01.md"
    note.write_bytes(NOTE.encode())
    with pytest.raises(AnnotateError, match="not in"):
        annotate_entry(read_snapshot(note), "2024-12-01@2024-12-05T09:00", "LINE")
