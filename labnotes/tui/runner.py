"""One rerun from the UI: the runner's `run_and_record`, then the run log, as `labnotes rerun` does.

Runs on a worker thread; output reaches the UI through `on_output` / `on_error`. Nothing here
imports Textual.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any, Callable

from labnotes.lab import runs
from labnotes.lab.registry import Experiment
from labnotes.lab.rerun import Environment, RunOptions, interrupt as stop, run_and_record
from labnotes.lab.rerun import verdict as _verdict

__all__ = ["rerun", "stop", "verdict"]


def verdict(record: dict[str, Any] | None) -> str:
    """The run's verdict in the UI's words: a run the user stopped with `x` reads "stopped"."""
    said = _verdict(record)
    return "stopped" if said == "interrupted" else said


def rerun(
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    repo_root: Path,
    log: Path | None = None,
    on_output: Callable[[str], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    tick: Callable[[float], None] | None = None,
) -> dict[str, Any]:
    """Run `exp`, append its record to the run log and return the record. The experiment's
    stderr goes to `on_error` (default: `on_output`, interleaved as a terminal shows it)."""
    record = run_and_record(
        exp, options, target=target, entry_ids=entry_ids, env=Environment(repo_root),
        on_stdout=on_output, on_stderr=on_error or on_output, on_start=on_start, tick=tick,
    )  # fmt: skip
    runs.append_record(record, log)
    return record
