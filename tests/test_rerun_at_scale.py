"""Reruns where researchers run them (issue 18): seed sweeps, the code as it was at a commit or an
entry, a bisect driven by an experiment, and a Slurm cluster through submitit (its local executor,
and a fake sbatch / sacct / scancel on the PATH: there is no cluster here)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from labnotes.cli.app import app
from labnotes.lab import provenance
from labnotes.lab.seeds import SeedsError, parse_seeds
from labnotes.settings import locations
from tests.clikit import EXPERIMENT_ARGS, runner


ENTRY = "2024-12-01@2024-12-05T17:36"
NOTE = "# 今日计划\n1. [ ] 修 PartialOct\n\t1. 2024-12-05-17:36 周四：发现问题所在\n"
# The experiment: its figure depends on the seed; the bug is in lib.py, whose BUG a commit flips.
EXPERIMENT = '''\
import argparse, json
from experiments import lib
''' + EXPERIMENT_ARGS + '''print(json.dumps({"id": "blowup", "reproduced": lib.BUG, "device": "cpu", "seed": a.seed,
                  "growth": 9.0 + a.seed if lib.BUG else 1.0, "nan": lib.BUG}))
'''
MANIFEST = f'experiments:\n  - id: blowup\n    title: Blow-up\n    reproduces: ["{ENTRY}"]\n'


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = dict(os.environ, GIT_AUTHOR_DATE=when or "", GIT_COMMITTER_DATE=when or "") if when else None
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env).stdout.strip()


def commit(repo: Path, message: str, when: str, bug: bool | None = None, extra: str | None = None) -> str:
    if bug is not None:
        (repo / "experiments" / "lib.py").write_text(f"BUG = {bug}\n")
    if extra is not None:
        (repo / "notes.txt").write_text(extra)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", message, when=when)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path, monkeypatch) -> dict[str, str]:
    """A repository whose bug is introduced in c2 and fixed in c4; a vault with the entry at 17:36."""
    root = tmp_path / "repo"
    (root / "experiments").mkdir(parents=True)
    (root / "experiments" / "__init__.py").write_text("")
    (root / "experiments" / "manifest.yaml").write_text(MANIFEST)
    (root / "experiments" / "blowup.py").write_text(EXPERIMENT)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "t@example.com")
    git(root, "config", "user.name", "Test")
    commits = {
        "c1": commit(root, "c1: the experiment", "2024-12-01T10:00:00+08:00", bug=False),
        "c2": commit(root, "c2: alias conv_1 to conv", "2024-12-03T10:00:00+08:00", bug=True),
        "c3": commit(root, "c3: unrelated", "2024-12-04T10:00:00+08:00", extra="x"),
        "c4": commit(root, "c4: give the mask its own kernel", "2024-12-06T10:00:00+08:00", bug=False),
        "c5": commit(root, "c5: unrelated", "2024-12-07T10:00:00+08:00", extra="y"),
    }
    (root / "vault" / ".obsidian").mkdir(parents=True)
    (root / "vault" / ".labnotes.yaml").write_text("experiments: ../experiments\n", encoding="utf-8")
    (root / "vault" / "2024-12-01.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.setenv("LABNOTES_VAULT", str(root / "vault"))
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    monkeypatch.setattr(provenance, "software", lambda *a, **k: {"python": "3", "torch": "fake"})
    return {"root": str(root), **commits}


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def log() -> list[dict]:
    # Each experiments folder keeps its own run log.
    path = locations.runs_dir(Path(os.environ["LABNOTES_VAULT"]).parent / "experiments") / "runs.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- seeds ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, seeds", [("0-4", [0, 1, 2, 3, 4]), ("0,3,7", [0, 3, 7]), ("0-2,10,1", [0, 1, 2, 10])])
def test_seed_lists_as_typed(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["", "a", "5-1", "0-99999", str(2**32)])
def test_a_seed_list_that_is_none_is_a_one_line_error(text):
    with pytest.raises(SeedsError):
        parse_seeds(text)


def test_a_seed_sweep_runs_each_seed_and_summarises_its_figures(repo):
    git(Path(repo["root"]), "checkout", "-q", repo["c3"])  # the bug is in
    result = run("rerun", ENTRY, "--seeds", "0-4", "--quick", "--json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert sorted(r["seed"] for r in records) == [0, 1, 2, 3, 4]
    assert all(r["reproduced"] and r["argv"][-2:] == ["--seed", str(r["seed"])] for r in records)
    summary = json.loads(run("runs", "blowup", "--seeds", "--json").stdout)
    [sweep] = summary
    assert (sweep["reproduced"], sweep["finished"], sweep["seeds"]) == (5, 5, [0, 1, 2, 3, 4])
    assert sweep["figures"]["growth"] == {"median": 11.0, "min": 9.0, "max": 13.0, "runs": 5}
    human = run("rerun", "blowup", "--seeds", "0-1").stdout
    assert "blowup over seeds 0, 1: reproduced in 2 of 2 on cpu" in human


# -- the code as it was -----------------------------------------------------------------------------


def test_at_runs_the_code_of_that_commit_and_leaves_the_work_tree_alone(repo):
    root = Path(repo["root"])
    before = git(root, "status", "--porcelain")
    for rev, reproduced in (("c1", False), ("c2", True), ("c4", False)):
        record = json.loads(run("rerun", "blowup", "--at", repo[rev], "--json").stdout)
        assert record["reproduced"] is reproduced, rev
        assert record["git"]["commit"] == repo[rev]  # the record names the commit that really ran
    assert git(root, "status", "--porcelain") == before and git(root, "rev-parse", "HEAD") == repo["c5"]
    assert git(root, "worktree", "list").count("\n") == 0  # the worktree is gone
    assert run("rerun", "blowup", "--at", "HEAD~3", "--json").exit_code == 0  # any revision


def test_as_of_entry_runs_the_last_commit_before_the_entrys_stamp(repo):
    # 2024-12-05 17:36 in Shanghai: after c3 (12-04), before c4 (12-06), so the bug is there.
    result = run("rerun", ENTRY, "--as-of-entry", "--json")
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["git"]["commit"] == repo["c3"] and record["reproduced"] is True


def test_an_experiment_missing_at_the_commit_is_a_one_line_error(repo):
    root = Path(repo["root"])
    (root / "experiments" / "late.py").write_text(EXPERIMENT)
    manifest = root / "experiments" / "manifest.yaml"
    manifest.write_text(MANIFEST + "  - id: late\n    title: Late\n")
    commit(root, "c6: a late experiment", "2024-12-08T10:00:00+08:00")
    result = run("rerun", "late", "--at", repo["c1"])
    assert result.exit_code == 2 and "did not exist at" in result.stderr and result.stderr.count("\n") == 1
    assert run("rerun", "blowup", "--at", "no-such-rev").exit_code == 2


# -- bisect -----------------------------------------------------------------------------------------


def test_bisect_finds_the_commit_that_brought_the_symptom(repo):
    result = run("bisect", "blowup", "--good", repo["c1"], "--bad", repo["c3"], "--json")
    assert result.exit_code == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["commit"] == repo["c2"] and found["subject"] == "c2: alias conv_1 to conv"
    assert found["runs"] and all(r["run_id"] in {x["run_id"] for x in log()} for r in found["runs"])


def test_bisect_fixed_finds_the_commit_that_made_it_go_away(repo):
    result = run("bisect", "blowup", "--good", repo["c2"], "--bad", repo["c5"], "--fixed")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(repo["c4"][:12]) and "give the mask its own kernel" in result.stdout
    assert git(Path(repo["root"]), "worktree", "list").count("\n") == 0


# -- the cluster path, on submitit's local executor -------------------------------------------------


def test_on_slurm_returns_at_submission_and_runs_collects_the_results(repo, monkeypatch):
    pytest.importorskip("submitit")
    monkeypatch.setenv("LABNOTES_SUBMITIT", "local")
    result = run("rerun", "blowup", "--on", "slurm", "--seeds", "0-2", "--json")
    assert result.exit_code == 0, result.stderr
    queued = json.loads(result.stdout)
    assert [r["status"] for r in queued] == ["queued"] * 3 and all(r["job"]["id"] for r in queued)
    waited = run("runs", "--wait", "--json")  # a later `labnotes runs`: a fresh read of the log
    assert waited.exit_code == 0, waited.stderr
    runs = {r["run_id"]: r for r in json.loads(waited.stdout)["runs"]}
    assert set(runs) == {r["run_id"] for r in queued}
    for r in runs.values():
        assert r["status"] == "ok" and r["reproduced"] is False and r["job"]["state"] == "FINISHED"
        assert r["result"]["seed"] == r["seed"] and r["host"]["name"]


# -- the Slurm path against a fake scheduler --------------------------------------------------------

FAKE_SBATCH = """\
#!{python}
import os, pathlib, shutil, sys
state = pathlib.Path(os.environ["FAKE_SLURM"])
n = len(list(state.glob("*.sbatch"))) + 4242
shutil.copy(sys.argv[-1], state / f"{{n}}.sbatch")
(state / f"{{n}}.state").write_text("PENDING")
print(f"Submitted batch job {{n}}")
"""
FAKE_SACCT = """\
#!{python}
import os, pathlib, sys
state = pathlib.Path(os.environ["FAKE_SLURM"])
print("JobID|State|NodeList")
ids = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "-j"]
for job in ids:
    f = state / f"{{job}}.state"
    if f.exists():
        print(f"{{job}}|{{f.read_text()}}|node07")
"""
FAKE_SCANCEL = """\
#!{python}
import os, pathlib, sys
state = pathlib.Path(os.environ["FAKE_SLURM"])
(state / f"{{sys.argv[1]}}.state").write_text("CANCELLED by 0")
(state / "scancel.log").open("a").write(" ".join(sys.argv[1:]) + "\\n")
"""


@pytest.fixture
def fake_slurm(tmp_path, monkeypatch) -> Path:
    pytest.importorskip("submitit")
    bin_dir, state = tmp_path / "bin", tmp_path / "slurm"
    bin_dir.mkdir()
    state.mkdir()
    # submitit looks for srun to be sure it is on a cluster; the jobs here run without it.
    for name, body in (("sbatch", FAKE_SBATCH), ("sacct", FAKE_SACCT), ("scancel", FAKE_SCANCEL), ("srun", "#!/bin/sh\n")):
        path = bin_dir / name
        path.write_text(body.format(python=sys.executable))
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_SLURM", str(state))
    # Each test stands for a fresh `labnotes` process; the fake's job ids repeat between tests, so
    # submitit's per-process memory of finished jobs must not carry over.
    import submitit

    submitit.SlurmJob.watcher.clear()
    return state


def run_job_on_the_cluster(state: Path, job: str, *, exit_ok: bool = True) -> None:
    """What the cluster does: run the job's command (submitit's runner) as on a node, then say so."""
    script = (state / f"{job}.sbatch").read_text()
    folder = next(line.split()[-1] for line in script.splitlines() if "submitit.core._submit" in line)
    env = dict(os.environ, SLURM_JOB_ID=job, SLURM_NTASKS="1", SLURM_PROCID="0", SLURM_LOCALID="0",
               SLURM_NODEID="0", SLURM_JOB_NODELIST="node07", SLURM_JOB_NUM_NODES="1", SUBMITIT_EXECUTOR="slurm")
    (state / f"{job}.state").write_text("RUNNING")
    subprocess.run([sys.executable, "-u", "-m", "submitit.core._submit", folder.strip("'")], env=env, check=False)
    (state / f"{job}.state").write_text("COMPLETED" if exit_ok else "FAILED")


def test_the_slurm_path_submits_what_was_asked_and_follows_the_jobs_states(repo, fake_slurm):
    result = run("rerun", "blowup", "--on", "slurm", "--partition", "gpu", "--gpus", "1", "--cpus", "8",
                 "--mem-gb", "32", "--time-min", "30", "--sbatch", "--qos=high", "--json")
    assert result.exit_code == 0, result.stderr
    queued = json.loads(result.stdout)
    assert queued["status"] == "queued" and queued["job"]["id"] == "4242"
    script = (fake_slurm / "4242.sbatch").read_text()
    for line in ("#SBATCH --partition=gpu", "#SBATCH --gpus-per-node=1", "#SBATCH --cpus-per-task=8",
                 "#SBATCH --mem=32GB", "#SBATCH --time=30", "#SBATCH --qos=high"):
        assert line in script

    assert json.loads(run("runs", "--json").stdout)["runs"][0]["status"] == "queued"
    (fake_slurm / "4242.state").write_text("RUNNING")
    assert json.loads(run("runs", "--json").stdout)["runs"][0]["status"] == "running"
    # The CLI is gone meanwhile; the next `runs` (a new process would do the same) collects it.
    run_job_on_the_cluster(fake_slurm, "4242")
    [done] = json.loads(run("runs", "--json").stdout)["runs"]
    assert done["status"] == "ok" and done["reproduced"] is False
    assert done["job"] == {**queued["job"], "state": "COMPLETED", "node": done["host"]["name"]}
    assert len(log()) == 3  # queued, running, done: the log says what happened, in order


def test_a_failed_and_a_cancelled_job_are_recorded_as_such(repo, fake_slurm):
    first = json.loads(run("rerun", "blowup", "--on", "slurm", "--json").stdout)
    second = json.loads(run("rerun", "blowup", "--on", "slurm", "--json").stdout)
    (fake_slurm / f"{first['job']['id']}.state").write_text("FAILED")
    cancelled = run("cancel", second["run_id"])
    assert cancelled.exit_code == 0, cancelled.stderr
    assert (fake_slurm / "scancel.log").read_text().split()[0] == second["job"]["id"]
    runs = {r["run_id"]: r for r in json.loads(run("runs", "--json").stdout)["runs"]}
    assert runs[first["run_id"]]["status"] == "failed" and runs[first["run_id"]]["job"]["state"] == "FAILED"
    assert runs[second["run_id"]]["status"] == "cancelled"
    assert "failed" in run("runs").stdout
    assert run("cancel", second["run_id"]).exit_code == 1  # not pending any more


def test_slurm_flags_without_on_slurm_are_an_error(repo):
    result = run("rerun", "blowup", "--partition", "gpu")
    assert result.exit_code == 2 and "only with --on slurm" in result.stderr


def test_the_vaults_slurm_settings_are_asked_for_and_a_flag_wins_over_them(repo, fake_slurm):
    settings = Path(os.environ["LABNOTES_VAULT"]) / ".labnotes.yaml"
    settings.write_text("experiments: ../experiments\nslurm:\n  partition: a100\n  gpus: 2\n  time_min: 90\n"
                        "  sbatch: ['--account=lab']\n", encoding="utf-8")
    result = run("rerun", "blowup", "--on", "slurm", "--time-min", "15", "--json")
    assert result.exit_code == 0, result.stderr
    script = (fake_slurm / f"{json.loads(result.stdout)['job']['id']}.sbatch").read_text()
    for line in ("#SBATCH --partition=a100", "#SBATCH --gpus-per-node=2", "#SBATCH --time=15", "#SBATCH --account=lab"):
        assert line in script


@pytest.mark.parametrize("section, says", [
    ("  gpus: -1\n", "slurm: gpus: expected a whole number of at least 0"),
    ("  partiton: gpu\n", "slurm: unknown key 'partiton'"),
    ("  sbatch: qos=high\n", "slurm: sbatch: expected a list of sbatch options"),
])
def test_a_bad_slurm_setting_is_a_one_line_error_naming_it(repo, section, says):
    settings = Path(os.environ["LABNOTES_VAULT"]) / ".labnotes.yaml"
    settings.write_text("experiments: ../experiments\nslurm:\n" + section, encoding="utf-8")
    result = run("rerun", "blowup", "--on", "slurm")
    assert result.exit_code == 2 and says in result.stderr and "Traceback" not in result.stderr
