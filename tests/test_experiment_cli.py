"""The command line every experiment shares, run as a user would, and run_all."""

from __future__ import annotations

import sys
from pathlib import Path

import json
import subprocess

import pytest
import torch

from experiments import aliased_kernel
from experiments.lib.inprocess import run_quick

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_prints_one_json_object_last_and_writes_it_with_out(tmp_path):
    out = tmp_path / "r" / "mask_ratio.json"
    proc = run("-m", "experiments.mask_ratio", "--quick", "--device", "cpu", "--seed", "3", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    *summary, last = proc.stdout.strip().splitlines()
    record = json.loads(last)
    assert summary  # a human summary comes first
    assert {"id", "reproduced", "device", "torch", "seed", "quick"} <= record.keys()
    assert (record["id"], record["device"], record["seed"], record["quick"]) == ("mask_ratio", "cpu", 3, True)
    assert record["torch"] == torch.__version__
    assert json.loads(out.read_text()) == record


@pytest.mark.parametrize(
    "args, says",
    [
        (["--device", "tpu"], "invalid choice: 'tpu'"),
        (["--seed", "-1"], "seed must be a non-negative integer"),
        (["--seed", "1.5"], "seed must be a non-negative integer"),
        (["--seed", "abc"], "seed must be a non-negative integer"),
        (["--size", "50"], "size must be a multiple of 32 from 32 to 1024, got '50'"),
        (["--size", "big"], "size must be a multiple of 32"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(args, says):
    proc = run("-m", "experiments.summed_masks", "--quick", *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], proc.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_asking_for_cuda_without_one_is_a_usage_error():
    proc = run("-m", "experiments.summed_masks", "--quick", "--device", "cuda")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "python -m experiments.summed_masks: error: --device cuda: CUDA is not available on this machine (torch.cuda.is_available() is False)"
    ]


def test_the_same_seed_gives_the_same_figures_and_another_seed_other_inputs():
    first, second = run_quick(aliased_kernel, seed=5), run_quick(aliased_kernel, seed=5)
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    other = run_quick(aliased_kernel, seed=6)
    assert other["encoder_max"] != first["encoder_max"]


def test_size_changes_the_image_side_and_says_so():
    from experiments import normalised_mask

    at64 = run_quick(normalised_mask, size=64)
    assert at64["size"] == 64 and at64["size_override"] == 64
    assert "size_override" not in run_quick(normalised_mask) and run_quick(normalised_mask)["size"] == 32


def test_run_all_collects_each_result_and_its_wall_time(tmp_path):
    out = tmp_path / "results.json"
    proc = run("-m", "experiments.run_all", "--quick", "--device", "cpu", "--out", str(out), "--only", "mask_ratio", "summed_masks")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert report["device"] == "cpu" and report["device_slug"] == "cpu" and report["quick"] is True
    assert report["torch"] == torch.__version__
    assert [e["id"] for e in report["experiments"]] == ["summed_masks", "mask_ratio"]  # manifest order
    for e in report["experiments"]:
        assert e["result"]["id"] == e["id"] and e["result"]["reproduced"] is True
        assert e["wall_seconds"] > 0 and e["cpu_seconds"] > 0 and e["returncode"] == 0
        assert e["result"]["cpu_threads"] == 1  # --quick on the CPU: one thread
    assert report["all_reproduced"] is True


def test_run_all_rejects_an_unknown_experiment():
    proc = run("-m", "experiments.run_all", "--quick", "--only", "nope")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["python -m experiments.run_all: error: --only: not in the manifest: nope"]


def test_run_all_update_replaces_only_the_experiments_it_runs(tmp_path):
    out = tmp_path / "results.json"
    assert run("-m", "experiments.run_all", "--quick", "--device", "cpu", "--out", str(out), "--only", "mask_ratio").returncode == 0
    first = json.loads(out.read_text())["experiments"][0]
    proc = run("-m", "experiments.run_all", "--quick", "--device", "cpu", "--out", str(out), "--only", "summed_masks", "--update")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(out.read_text())
    assert [e["id"] for e in report["experiments"]] == ["summed_masks", "mask_ratio"]  # manifest order, both kept
    assert report["experiments"][1] == first  # the row not run again is the file's, as it was
    assert report["experiments"][0]["ran_at"] >= first["ran_at"]
    assert report["all_reproduced"] is True
    assert report["total_cpu_seconds"] == pytest.approx(sum(e["cpu_seconds"] for e in report["experiments"]), abs=0.01)
    # Rows of another kind of run are not mixed in: one line, exit 2, the file untouched.
    before = out.read_text()
    proc = run("-m", "experiments.run_all", "--quick", "--device", "cpu", "--seed", "1", "--out", str(out), "--only", "mask_ratio", "--update")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "seed 0" in proc.stderr
    assert out.read_text() == before
