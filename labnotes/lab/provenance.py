"""What a run ran on: the code (git), the software (Python, torch, CUDA, cuDNN) and the machine.

Each function answers with a plain JSON-ready dict and never raises for a missing git, a
folder that is not a repository, or a torch that will not import: the record says so instead,
because a run record with a gap is worth more than no record.
"""

from __future__ import annotations

import json
import platform
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

# A diff is kept whole up to this size; beyond it the record keeps the head and says so.
MAX_DIFF_BYTES = 1_000_000

# Run in the experiment's interpreter, so the versions are those the experiment saw.
_PROBE = r"""
import json, platform, sys
out = {"python": platform.python_version(), "executable": sys.executable}
try:
    import torch
except Exception as exc:
    out["torch"] = None
    out["torch_error"] = f"{type(exc).__name__}: {exc}"
else:
    out["torch"] = torch.__version__
    out["cuda"] = torch.version.cuda
    cudnn = torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None
    out["cudnn"] = cudnn
    out["cuda_available"] = torch.cuda.is_available()
    if out["cuda_available"]:
        out["cuda_devices"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
print(json.dumps(out))
"""


def git_state(repo_root: Path) -> dict[str, Any]:
    """Commit, branch, dirty flag and (when dirty) the diff of uncommitted changes."""
    try:
        import git
    except ImportError as exc:  # GitPython missing, or it found no git executable
        return {"available": False, "error": f"git unavailable: {_one_line(exc)}"}
    try:
        repo = git.Repo(repo_root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return {"available": False, "error": f"not a git repository: {repo_root}"}
    try:
        return _describe(repo)
    except Exception as exc:  # a broken repo or git failing must not lose the run record
        return {"available": False, "error": f"git failed: {_one_line(exc)}"}
    finally:
        repo.close()


def _describe(repo: Any) -> dict[str, Any]:
    try:
        commit: str | None = repo.head.commit.hexsha
    except ValueError:  # a repository with no commit yet
        commit = None
    branch = None if repo.head.is_detached else repo.active_branch.name
    untracked = list(repo.untracked_files)
    dirty = repo.is_dirty(untracked_files=False) or bool(untracked)
    state: dict[str, Any] = {
        "available": True,
        "root": str(repo.working_tree_dir),
        "commit": commit,
        "branch": branch,
        "dirty": dirty,
        "diff": None,
        "untracked": untracked,
    }
    if dirty and commit is not None:
        # Against HEAD: staged and unstaged changes alike, as `git diff HEAD` shows them.
        state["diff"], state["diff_truncated"] = _cap(repo.git.diff("HEAD"))
    return state


def _cap(diff: str) -> tuple[str, bool]:
    data = diff.encode("utf-8", "surrogateescape")
    if len(data) <= MAX_DIFF_BYTES:
        return diff, False
    return data[:MAX_DIFF_BYTES].decode("utf-8", "ignore"), True


def software(python: str = sys.executable, cwd: Path | None = None, timeout: float = 120) -> dict[str, Any]:
    """Python, torch, CUDA and cuDNN versions as the given interpreter sees them."""
    try:
        proc = subprocess.run(
            [python, "-c", _PROBE],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        lines = proc.stdout.strip().splitlines()
        if proc.returncode == 0 and lines:
            return json.loads(lines[-1])
        reason = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        reason = _one_line(exc)
    return {"python": None, "error": f"version probe failed: {reason}"}


def host() -> dict[str, Any]:
    return {
        "name": socket.gethostname(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu_name(),
    }


def device_name(device: str | None, versions: dict[str, Any]) -> str | None:
    """A human name for the device the experiment reported: the GPU's name, or the CPU's."""
    if not device:
        return None
    if device.startswith("cuda"):
        gpus = versions.get("cuda_devices") or []
        index = int(device.partition(":")[2] or 0)
        return gpus[index] if index < len(gpus) else None
    if device == "cpu":
        return cpu_name()
    return device  # the experiment named the device itself ("NVIDIA H100 80GB HBM3")


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0]}" if text else type(exc).__name__
