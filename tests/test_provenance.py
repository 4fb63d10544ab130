"""What a run record says about the code, the software and the machine."""

from __future__ import annotations

import subprocess
import sys

import pytest

from labnotes.lab import provenance


def git(repo, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path):
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "t@example.com")
    git(path, "config", "user.name", "Test")
    (path / "experiments").mkdir()
    (path / "experiments" / "fake.py").write_text("EPS = 1e-8\n")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "first")
    return path


def test_a_clean_tree_gives_commit_and_branch(repo):
    state = provenance.git_state(repo)
    assert state["available"] is True
    assert state["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert state["branch"] == "main"
    assert state["dirty"] is False and state["diff"] is None and state["untracked"] == []


def test_an_uncommitted_change_makes_the_tree_dirty_and_is_recorded_as_a_diff(repo):
    (repo / "experiments" / "fake.py").write_text("EPS = 1e-5\n")
    state = provenance.git_state(repo / "experiments")  # from a folder inside the repository too

    assert state["dirty"] is True
    assert "-EPS = 1e-8" in state["diff"] and "+EPS = 1e-5" in state["diff"]
    assert state["diff_truncated"] is False


def test_a_staged_change_is_in_the_diff_too(repo):
    (repo / "experiments" / "fake.py").write_text("EPS = 0\n")
    git(repo, "add", ".")
    assert "+EPS = 0" in provenance.git_state(repo)["diff"]


def test_a_new_untracked_file_makes_the_tree_dirty(repo):
    (repo / "experiments" / "new.py").write_text("print(1)\n")
    state = provenance.git_state(repo)
    assert state["dirty"] is True and state["untracked"] == ["experiments/new.py"]


def test_a_huge_diff_is_kept_in_part_and_says_so(repo, monkeypatch):
    monkeypatch.setattr(provenance, "MAX_DIFF_BYTES", 100)
    (repo / "experiments" / "fake.py").write_text("x = 1\n" * 1000)
    state = provenance.git_state(repo)
    assert state["diff_truncated"] is True and len(state["diff"].encode()) <= 100


def test_a_detached_head_has_no_branch(repo):
    git(repo, "checkout", "-q", "--detach")
    state = provenance.git_state(repo)
    assert state["branch"] is None and state["commit"]


def test_a_repository_without_commits_is_described_not_fatal(tmp_path):
    git(tmp_path, "init", "-q")
    (tmp_path / "a.py").write_text("")
    state = provenance.git_state(tmp_path)
    assert state["available"] is True and state["commit"] is None and state["dirty"] is True


def test_a_folder_outside_any_repository_says_so(tmp_path):
    state = provenance.git_state(tmp_path)
    assert state == {"available": False, "error": f"not a git repository: {tmp_path}"}


def test_without_gitpython_the_record_says_so(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "git", None)  # `import git` now raises ImportError
    state = provenance.git_state(tmp_path)
    assert state["available"] is False and state["error"].startswith("git unavailable")


def test_the_software_versions_come_from_the_interpreter_that_runs_experiments():
    versions = provenance.software(sys.executable)
    assert versions["python"] == ".".join(map(str, sys.version_info[:3]))
    import torch

    assert versions["torch"] == torch.__version__
    assert versions["cuda"] == torch.version.cuda
    assert versions["cuda_available"] == torch.cuda.is_available()


def test_an_interpreter_that_cannot_start_is_recorded_as_an_error(tmp_path):
    versions = provenance.software(str(tmp_path / "no-python"))
    assert versions["python"] is None and "version probe failed" in versions["error"]


def test_device_names():
    gpus = {"cuda_devices": ["NVIDIA H100 80GB HBM3", "NVIDIA A100"]}
    assert provenance.device_name("cuda", gpus) == "NVIDIA H100 80GB HBM3"
    assert provenance.device_name("cuda:1", gpus) == "NVIDIA A100"
    assert provenance.device_name("cuda:5", gpus) is None
    assert provenance.device_name("cpu", {}) == provenance.cpu_name() != ""
    assert provenance.device_name("NVIDIA H100 80GB HBM3", {}) == "NVIDIA H100 80GB HBM3"
    assert provenance.device_name(None, {}) is None


def test_host_names_the_machine():
    host = provenance.host()
    assert host["name"] and host["platform"] and host["cpu"]
