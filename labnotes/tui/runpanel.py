"""The run panel: an experiment running in a thread worker, its output streaming into a log.

The worker wraps `labnotes.tui.runner.rerun` (the runner's subprocess function plus the run
record); the UI thread only ever receives lines, ticks and the finished record. The panel takes
rows from every view, so it goes away: `c` closes it, and a run that went well closes it by
itself after `CLOSE_AFTER_S` (a failure stays until read).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, Log, ProgressBar
from textual.worker import get_current_worker

from labnotes.lab.registry import Experiment
from labnotes.lab.rerun import RunOptions, experiment_argv
from labnotes.tui import runner
from labnotes.tui.text import verdict_text


# How long a successful run's verdict stays on screen before the panel gives its rows back.
CLOSE_AFTER_S = 8.0


def describe(options: RunOptions) -> str:
    return f"{'quick' if options.quick else 'full size'} · {options.device}"


@dataclass
class RunSettings:
    experiments_dir: Path | None  # None: the vault names no experiments folder
    repo_root: Path
    run_log: Path | None = None
    # The UI's default: the small variant on the CPU, so a rerun takes seconds, not minutes.
    options: RunOptions = field(default_factory=lambda: RunOptions(device="cpu", quick=True))


class RunPanel(Vertical):
    @dataclass
    class Finished(Message):
        records: list[dict[str, Any]]

    class Closed(Message):
        """The panel hid: the app updates which keys the footer shows."""

    def __init__(self, settings: RunSettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.running = False
        self._proc: subprocess.Popen | None = None
        # Set by `x`: what the experiment prints on stderr from then on is Python's
        # KeyboardInterrupt traceback, which says nothing the word "stopped" does not.
        self._stopping = False
        self._close_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="run-head"):
            yield Label("", id="run-status")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="run-progress")
            yield Label("", id="run-elapsed")
        yield Log(id="run-log", max_lines=5000)

    def start(self, experiments: list[Experiment], entry_ids: list[str], target: str) -> bool:
        """Start the runs; False (and nothing started) while another run is going on."""
        if self.running:
            return False
        self.running = True
        self._stopping = False
        self._cancel_close()
        self.display = True
        self.query_one(Log).clear()
        self.query_one("#run-progress", ProgressBar).display = True
        self._status(Text.assemble(("running ", "bold"), (", ".join(e.id for e in experiments), "bold #7dcfff"),
                                   f"  ({describe(self.settings.options)})"))  # fmt: skip
        self._work(experiments, entry_ids, target, self.settings.options)
        return True

    def _status(self, text: Text | str) -> None:
        self.query_one("#run-status", Label).update(text)

    def _work(self, experiments: list[Experiment], entry_ids: list[str], target: str, options: RunOptions) -> None:
        log = self.query_one(Log)
        bar = self.query_one("#run-progress", ProgressBar)
        elapsed = self.query_one("#run-elapsed", Label)

        def body() -> list[dict[str, Any]]:
            records = []
            worker = get_current_worker()
            for exp in experiments:
                if worker.is_cancelled:
                    break
                argv = experiment_argv(exp, options)  # what runs, exactly
                self.app.call_from_thread(log.write, "$ python " + " ".join(argv[1:]) + "\n")
                record = runner.rerun(
                    exp, options, target=target, entry_ids=entry_ids,
                    repo_root=self.settings.repo_root, log=self.settings.run_log,
                    on_output=lambda text: self.app.call_from_thread(log.write, text),
                    on_error=lambda text: None if self._stopping else self.app.call_from_thread(log.write, text),
                    on_start=self._started,
                    tick=lambda s: self.app.call_from_thread(elapsed.update, f"{int(s) // 60}:{int(s) % 60:02d}"),
                )  # fmt: skip
                records.append(record)
                if record.get("interrupted"):
                    break
            return records

        def done(records: list[dict[str, Any]]) -> None:
            self.running = False
            self._proc = None
            bar.display = False
            elapsed.update("")
            parts = [Text.assemble((r["experiment"], "bold #7dcfff"), ": ", _verdict_text(r),
                                   f" on {r.get('device') or r.get('device_requested')}",
                                   (f"  {r.get('duration_s', 0):.1f} s  run {r.get('run_id')}", "dim"))
                     for r in records]  # fmt: skip
            self._status(Text("\n").join(parts) if parts else "not run")
            if self._stopping:
                log.write("\n— stopped (x) —\n")
            elif records and all(r.get("status") == "ok" for r in records):
                self._close_timer = self.set_timer(CLOSE_AFTER_S, self.close)
            self.post_message(self.Finished(records))

        def thread() -> None:
            try:
                records = body()
            except Exception as exc:  # a run that cannot start must not take the UI down
                self.app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
                return
            self.app.call_from_thread(done, records)

        self.run_worker(thread, thread=True, exclusive=True, group="run", name="rerun")

    def _failed(self, message: str) -> None:
        self.running = False
        self._proc = None
        self.query_one("#run-progress", ProgressBar).display = False
        self._status(Text(f"could not run: {message}", "bold #f7768e"))
        self.post_message(self.Finished([]))

    def _started(self, proc: subprocess.Popen) -> None:
        self._proc = proc

    def stop(self) -> bool:
        """Ctrl-C to the running experiment (it records itself as interrupted); False when
        nothing runs."""
        if self._proc is None:
            return False
        self._stopping = True
        runner.stop(self._proc)
        self._status(Text("stopping …", "bold #e0af68"))
        return True

    def close(self) -> None:
        """Give the panel's rows back to the views (a running experiment keeps it open)."""
        self._cancel_close()
        if not self.running:
            self.display = False
            self.post_message(self.Closed())

    def _cancel_close(self) -> None:
        if self._close_timer is not None:
            self._close_timer.stop()
            self._close_timer = None


def _verdict_text(record: dict[str, Any]) -> Text:
    return verdict_text(runner.verdict(record))
