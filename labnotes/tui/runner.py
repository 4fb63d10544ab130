"""One rerun from the UI: the runner's subprocess, then the same run record `labnotes rerun` writes.

Runs on a worker thread; output reaches the UI through `on_output`. Nothing here imports Textual.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from labnotes import provenance, runs
from labnotes.experiments import Experiment
from labnotes.rerun import RunOptions, make_record, run_experiment


def rerun(
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    repo_root: Path,
    log: Path | None = None,
    on_output: Callable[[str], None] | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    tick: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Run `exp`, append its record to the run log and return the record."""
    # The code's state before the run is what the experiment ran.
    git = provenance.git_state(repo_root)
    outcome = run_experiment(
        exp, options, repo_root=repo_root, python=sys.executable,
        on_stdout=on_output, on_stderr=on_output, on_start=on_start, tick=tick,
    )  # fmt: skip
    software = provenance.software(sys.executable, cwd=repo_root)
    device = (outcome.result or {}).get("device")
    record = make_record(
        outcome, exp, options,
        target=target, entry_ids=entry_ids, git=git, software=software,
        host=provenance.host(), device_name=provenance.device_name(device, software),
    )  # fmt: skip
    runs.append_record(record, log)
    return record


def stop(proc: subprocess.Popen) -> None:
    """Ctrl-C to the experiment's process group (it runs in its own), as `labnotes rerun` does."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            proc.send_signal(signal.SIGINT)
    except (ProcessLookupError, PermissionError):
        pass


def verdict(record: dict[str, Any] | None) -> str:
    """`reproduced`, `NOT reproduced`, `failed (exit 1)`, … — one word or two for a row."""
    if record is None:
        return "never run"
    status = record.get("status")
    if status != "ok":
        return {"interrupted": "interrupted", "no-result": "no result"}.get(
            status, f"failed (exit {record.get('exit_status')})"
        )
    return "reproduced" if record.get("reproduced") else "NOT reproduced"
