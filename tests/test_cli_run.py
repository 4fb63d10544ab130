"""`labnotes experiments`, `rerun` and `runs` as a user runs them, over a small fake repository:
its experiments/ (fake scripts, fast), its git history, and a vault with one tab-indented note."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from labnotes.settings import locations
from labnotes.lab import provenance
from labnotes.cli.app import app
from tests.clikit import EXPERIMENT_ARGS, runner


ENTRY = "2024-12-01@2024-12-05T17:36"
LATER = "2024-12-01@2024-12-05T21:35"
NOTE = (
    "# 今日计划\n"
    "## 科研\n"
    "1. [ ] 修 PartialOct\n"
    "\t1. 2024-12-05-17:36 周四：发现问题所在\n"
    "\t\t1. `self.conv_1 = self.conv`\n"
    "\t2. 2024-12-05-21:35 周四：修改完毕 [exp:: second]\n"
    "\t3. 2024-12-05-22:31 周四：跟踪下去\n"
)
FAKE = '''\
import argparse, json, os, signal, sys, time
''' + EXPERIMENT_ARGS + '''print("measuring", a.device)
{body}
print(json.dumps({{"id": "{id}", "reproduced": True, "device": "cpu", "torch": "fake", "seed": a.seed,
                  "buggy": {{"max_abs": FIGURE, "nan": True}}}}))
'''


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def write_experiment(root: Path, exp_id: str, body: str = "", figure: str = "2.5") -> None:
    code = FAKE.format(id=exp_id, body=textwrap.dedent(body)).replace("FIGURE", figure)
    (root / "experiments" / f"{exp_id}.py").write_text(code, encoding="utf-8")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """experiments/{aliased_kernel,second,broken}.py, committed; a vault at vault/."""
    root = tmp_path / "repo"
    (root / "experiments").mkdir(parents=True)
    (root / "experiments" / "__init__.py").write_text("")
    (root / "experiments" / "manifest.yaml").write_text(textwrap.dedent(f"""\
        experiments:
          - id: aliased_kernel
            script: aliased_kernel.py
            title: Aliased mask kernel
            question: Why does the style encoder blow up?
            reproduces: ["{ENTRY}"]
          - id: second
            title: Second look
            reproduces: []
          - id: broken
            title: Broken on purpose
            reproduces: []
        """), encoding="utf-8")
    write_experiment(root, "aliased_kernel")
    write_experiment(root, "second")
    write_experiment(root, "broken", 'sys.exit("Traceback: boom")')
    (root / "vault" / ".obsidian").mkdir(parents=True)
    (root / "vault" / ".labnotes.yaml").write_text("experiments: ../experiments\n", encoding="utf-8")
    (root / "vault" / "2024-12-01.md").write_text(NOTE, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "Test")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "experiments")
    monkeypatch.setenv("LABNOTES_VAULT", str(root / "vault"))
    # The real probe imports torch in a child (seconds); test_provenance covers it.
    monkeypatch.setattr(provenance, "software",
                        lambda *a, **k: {"python": "3.11.7", "torch": "2.13.0+cpu", "cuda": None, "cudnn": None})
    return root


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_log() -> list[dict]:
    # Each experiments folder keeps its own run log.
    log = locations.runs_dir(Path(os.environ["LABNOTES_VAULT"]).parent / "experiments") / "runs.jsonl"
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]


# --- labnotes experiments ------------------------------------------------------------------------


def test_experiments_json_lists_each_experiment_with_its_entries_both_ways(repo):
    result = run("experiments", "--json")
    assert result.exit_code == 0, result.stderr
    listing = {e["id"]: e for e in json.loads(result.stdout)}

    assert listing["aliased_kernel"]["title"] == "Aliased mask kernel"
    assert listing["aliased_kernel"]["reproduces"] == [ENTRY]
    assert listing["aliased_kernel"]["entries"] == [{"id": ENTRY, "note": "2024-12-01.md", "line": 4, "via": "manifest"}]
    # `[exp:: second]` in the note links that entry, though the manifest lists none for it.
    assert listing["second"]["reproduces"] == [LATER]
    assert listing["second"]["entries"][0]["via"] == "field"
    assert listing["aliased_kernel"]["last_run"] is None


def test_experiments_shows_the_last_run(repo):
    run("rerun", "aliased_kernel", "--device", "cpu")
    result = run("experiments")
    assert result.exit_code == 0
    block = result.stdout.split("\n\n")[0]
    assert "Aliased mask kernel" in block and "Why does the style encoder blow up?" in block
    assert f"{ENTRY}  2024-12-01.md:4" in block
    assert "reproduced on cpu" in block and run_log()[0]["run_id"] in block


# --- labnotes rerun: targets ---------------------------------------------------------------------


@pytest.mark.parametrize("target", ["aliased_kernel", ENTRY, "2024-12-01:4", "2024-12-01.md:4"])
def test_rerun_each_target_form_runs_the_experiment_and_prints_its_record(repo, target):
    result = run("rerun", target, "--quick", "--device", "cpu", "--seed", "3", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)  # stdout is the record alone: the run's output went to stderr
    assert "measuring cpu" in result.stderr

    assert record["experiment"] == "aliased_kernel" and record["target"] == target
    assert record["entry_ids"] == [ENTRY]
    assert record["argv"][1:] == ["-m", "experiments.aliased_kernel", "--device", "cpu", "--quick", "--seed", "3"]
    assert record["reproduced"] is True and record["status"] == "ok" and record["exit_status"] == 0
    assert record["git"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert record["git"]["dirty"] is False
    assert record["device"] == "cpu" and record["versions"]["torch"] == "2.13.0+cpu"
    assert run_log() == [record]


def test_an_entry_linked_by_a_field_runs_that_experiment(repo):
    result = run("rerun", LATER, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["experiment"] == "second"


def test_an_entry_with_several_experiments_runs_them_all(repo):
    note = repo / "vault" / "2024-12-01.md"
    note.write_text(NOTE.replace("\t1. `self", "\t1. [exp:: second] `self"), encoding="utf-8")
    result = run("rerun", ENTRY, "--json")
    assert result.exit_code == 0, result.stderr
    assert [r["experiment"] for r in json.loads(result.stdout)] == ["aliased_kernel", "second"]


def test_human_output_names_verdict_commit_device_and_torch(repo):
    result = run("rerun", "aliased_kernel", "--device", "cpu")
    assert result.exit_code == 0
    assert "measuring cpu" in result.stdout  # the experiment's own output, streamed
    assert "aliased_kernel: reproduced" in result.stdout
    assert git(repo, "rev-parse", "HEAD")[:12] in result.stdout
    assert "torch 2.13.0+cpu" in result.stdout and "device    cpu" in result.stdout


@pytest.mark.parametrize(
    "target, message",
    [
        ("nope", "unknown target 'nope'"),
        ("2024-12-01@2024-12-05T22:31", "entry 2024-12-01@2024-12-05T22:31 has no experiment"),
        ("2024-12-01:7", "entry 2024-12-01@2024-12-05T22:31 has no experiment"),
        ("2024-12-01:5", "no log entry starts at 2024-12-01.md:5"),
        ("2024-12-01@2030-01-01T00:00", "unknown entry"),
    ],
)
def test_targets_with_no_experiment_are_a_one_line_error(repo, target, message):
    result = run("rerun", target)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stderr.startswith("labnotes: error: ")
    assert result.stdout == ""


def test_a_manifest_naming_a_file_outside_experiments_is_refused(repo):
    (repo / "escape.py").write_text("print('should never run')\n")
    manifest = repo / "experiments" / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("script: aliased_kernel.py", "script: ../escape.py"))
    result = run("rerun", "aliased_kernel")
    assert result.exit_code == 2 and "outside experiments/" in result.stderr
    assert "should never run" not in result.stdout + result.stderr


def test_a_bad_device_is_a_usage_error(repo):
    assert run("rerun", "aliased_kernel", "--device", "tpu").exit_code == 2


# --- labnotes rerun: outcomes --------------------------------------------------------------------


def test_a_failing_experiment_exits_1_and_is_recorded(repo):
    result = run("rerun", "broken", "--json")
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["status"] == "failed" and record["exit_status"] == 1
    assert "boom" in record["stderr_tail"] and run_log()[0]["status"] == "failed"


def test_a_not_reproduced_run_still_exits_0_and_says_so(repo):
    path = repo / "experiments" / "second.py"
    path.write_text(path.read_text().replace('"reproduced": True', '"reproduced": False'))
    result = run("rerun", "second")
    assert result.exit_code == 0 and "second: NOT reproduced" in result.stdout


def test_an_interrupted_run_exits_1_and_is_recorded_as_interrupted(repo):
    # The experiment gets SIGINT as it would from Ctrl-C, in the middle of its work.
    write_experiment(repo, "second", "os.kill(os.getpid(), signal.SIGINT); time.sleep(30)")
    result = run("rerun", "second", "--json")
    assert result.exit_code == 1
    [record] = run_log()
    assert record["status"] == "interrupted" and record["interrupted"] is True
    assert record["reproduced"] is None and json.loads(result.stdout) == record


def test_a_dirty_tree_is_recorded_with_its_diff(repo):
    write_experiment(repo, "aliased_kernel", figure="2.75")  # uncommitted
    result = run("rerun", "aliased_kernel", "--json")
    git_state = json.loads(result.stdout)["git"]
    assert git_state["dirty"] is True
    assert '-                  "buggy": {"max_abs": 2.5, "nan": True}}))' in git_state["diff"]
    assert '+                  "buggy": {"max_abs": 2.75, "nan": True}}))' in git_state["diff"]


def test_outside_a_git_repository_the_record_says_so(repo):
    import shutil

    shutil.rmtree(repo / ".git")
    record = json.loads(run("rerun", "aliased_kernel", "--json").stdout)
    assert record["git"]["available"] is False and "not a git repository" in record["git"]["error"]
    assert record["status"] == "ok"


# --- labnotes rerun --annotate -------------------------------------------------------------------


def test_annotate_adds_one_child_line_under_the_entry(repo):
    note = repo / "vault" / "2024-12-01.md"
    result = run("rerun", ENTRY, "--device", "cpu", "--annotate", "--json")
    assert result.exit_code == 0, result.stderr
    run_id = json.loads(result.stdout)["run_id"]

    old, new = NOTE.splitlines(keepends=True), note.read_text(encoding="utf-8").splitlines(keepends=True)
    assert new[:4] == old[:4] and new[5:] == old[4:]
    assert new[4].startswith("\t\t- `20") and new[4].endswith(
        f" rerun aliased_kernel: reproduced on cpu (run {run_id})\n")


def test_without_annotate_the_note_is_untouched(repo):
    run("rerun", ENTRY)
    assert (repo / "vault" / "2024-12-01.md").read_text(encoding="utf-8") == NOTE


def test_annotate_is_refused_when_the_note_changed_during_the_run(repo):
    note = repo / "vault" / "2024-12-01.md"
    # The researcher keeps writing while the experiment runs.
    write_experiment(repo, "aliased_kernel", f"open({str(note)!r}, 'a').write('\\t4. more\\n')")
    result = run("rerun", ENTRY, "--annotate")
    assert result.exit_code == 1
    assert "not annotated" in result.stderr and "changed" in result.stderr
    assert note.read_text(encoding="utf-8") == NOTE + "\t4. more\n"
    assert run_log()[0]["status"] == "ok"  # the run itself is still recorded


# --- labnotes rerun: bad input is a one-line error, never a traceback or a lost record ------------


def test_a_state_folder_that_is_a_file_stops_the_rerun_before_the_experiment_runs(repo, monkeypatch, tmp_path):
    (tmp_path / "state-file").write_text("")
    monkeypatch.setenv("LABNOTES_STATE_DIR", str(tmp_path / "state-file"))
    result = run("rerun", "aliased_kernel")
    assert result.exit_code == 2 and "cannot write the run log" in result.stderr
    assert "measuring" not in result.stdout + result.stderr  # it never ran, so no record was lost


def test_a_line_number_of_5000_digits_is_a_one_line_error(repo):
    result = run("rerun", "2024-12-01:" + "9" * 5000)
    assert result.exit_code == 2 and result.stderr.startswith("labnotes: error: ")
    assert result.stderr.count("\n") == 1


def test_a_date_typo_in_the_manifest_is_a_one_line_error(repo):
    manifest = repo / "experiments" / "manifest.yaml"
    manifest.write_text(manifest.read_text() + "date: 2024-02-30\n")
    result = run("experiments")
    assert result.exit_code == 2 and "manifest.yaml" in result.stderr and result.stderr.count("\n") == 1


def test_a_package_named_like_an_experiment_never_runs_instead_of_it(repo):
    package = repo / "experiments" / "aliased_kernel"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text("print('the wrong code ran')\n")
    result = run("rerun", "aliased_kernel")
    assert result.exit_code == 2 and "would run instead" in result.stderr
    assert "the wrong code ran" not in result.stdout + result.stderr


def test_bad_lines_in_the_run_log_are_warned_of_and_the_rest_is_listed(repo):
    run("rerun", "aliased_kernel")
    log = locations.runs_dir(repo / "experiments") / "runs.jsonl"
    with open(log, "a", encoding="utf-8") as fh:
        fh.write("[" * 100_000 + "\n" + '{"run_id": "x", "seed": ' + "9" * 5000 + "}\n" + '{"run_id": "y", "quick": "no"}\n')
    for command in ("runs", "experiments"):
        result = run(command)
        assert result.exit_code == 0, result.stderr
        assert result.stderr.count("skipped") == 3 and "runs.jsonl:2" in result.stderr
    assert "reproduced on cpu" in run("experiments").stdout


# --- labnotes runs -------------------------------------------------------------------------------


def test_runs_lists_history_and_sees_the_same_figures(repo):
    run("rerun", "aliased_kernel", "--device", "cpu")
    run("rerun", "aliased_kernel", "--device", "cpu")
    first, second = run_log()
    result = run("runs")
    assert result.exit_code == 0
    assert first["run_id"] in result.stdout and second["run_id"] in result.stdout
    assert f"run {second['run_id']} has the same figures as run {first['run_id']}" in result.stdout


def test_runs_lists_drifted_figures_with_old_new_and_change(repo):
    run("rerun", "aliased_kernel", "--json")
    write_experiment(repo, "aliased_kernel", figure="5.0")
    run("rerun", "aliased_kernel", "--json")
    data = json.loads(run("runs", "aliased_kernel", "--json").stdout)
    [cmp] = data["comparisons"]
    assert cmp["comparison"]["drifted"] == [{"key": "buggy.max_abs", "old": 2.5, "new": 5.0, "rel_change": 1.0}]
    human = run("runs", "aliased_kernel").stdout
    assert "buggy.max_abs: 2.5 -> 5.0  (+100.00%)" in human


def test_runs_compares_only_with_the_same_device_and_seed(repo):
    run("rerun", "aliased_kernel", "--seed", "1")
    run("rerun", "aliased_kernel", "--seed", "2")
    result = run("runs", "aliased_kernel")
    assert "has no earlier run on cpu, seed 2 to compare with" in result.stdout


def test_runs_of_one_entry(repo):
    run("rerun", "aliased_kernel")
    run("rerun", "second")
    for target in (ENTRY, "2024-12-01:4"):
        data = json.loads(run("runs", target, "--json").stdout)
        assert [r["experiment"] for r in data["runs"]] == ["aliased_kernel"]


def test_runs_of_an_unknown_target_is_an_error(repo):
    result = run("runs", "nope")
    assert result.exit_code == 2 and "unknown target" in result.stderr


def test_runs_with_no_history(repo):
    result = run("runs", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["runs"] == []


# --- the real thing ------------------------------------------------------------------------------

MAIN = "from labnotes.cli import main; main()"
REAL = Path(__file__).resolve().parent.parent
def test_the_real_aliased_kernel_experiment_reproduces_on_the_cpu(tmp_path):
    env = dict(os.environ, LABNOTES_STATE_DIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-c", MAIN, "rerun", ENTRY, "--quick", "--device", "cpu", "--json"],
        cwd=REAL, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["experiment"] == "aliased_kernel" and record["reproduced"] is True
    assert record["device"] == "cpu" and record["versions"]["torch"]
    head = subprocess.run(["git", "-C", str(REAL), "rev-parse", "HEAD"], capture_output=True, text=True)
    if head.returncode == 0:  # a checkout with history (not an export or a fresh `git init`)
        assert record["git"]["available"] and len(record["git"]["commit"]) == 40
    listed = subprocess.run([sys.executable, "-c", MAIN, "runs", "--json"], cwd=REAL, env=env,
                            capture_output=True, text=True, timeout=120)
    assert [r["run_id"] for r in json.loads(listed.stdout)["runs"]] == [record["run_id"]]
