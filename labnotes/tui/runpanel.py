"""The run panel: experiments running in a thread worker, their output streaming into a log.

The worker calls the one rerun service (`Workspace.rerun`, as `labnotes rerun` does: run each,
record it, annotate its entries when asked); the UI thread only ever receives lines, ticks and
the finished records. The panel takes rows from every view, so it goes away: `c` closes it, and
a run that went well closes it by itself after `CLOSE_AFTER_S` (a failure stays until read).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, Log, ProgressBar

from labnotes.lab.records import RunRecord
from labnotes.lab.registry import Experiment
from labnotes.lab.rerun import RerunEvents, RerunPlan, RerunResult, Stopper
from labnotes.lab.runner import RunOptions
from labnotes.tui.text import verdict, verdict_text
from labnotes.workspace import Workspace

# How long a successful run's verdict stays on screen before the panel gives its rows back.
CLOSE_AFTER_S = 8.0


def describe(options: RunOptions, annotate: bool = False, seeds: tuple[int, ...] = (), cluster: bool = False) -> str:
    parts = ["quick" if options.quick else "full size", options.device]
    if seeds:
        parts.append(f"seeds {seeds[0]}-{seeds[-1]}")
    if cluster:
        parts.append("on the cluster")
    elif annotate:
        parts.append("annotate")  # a cluster run returns at submission: nothing to write yet
    return " · ".join(parts)


@dataclass
class RunSettings:
    experiments_dir: Path | None  # None: the vault names no experiments folder
    repo_root: Path
    run_log: Path | None = None
    # The UI's default: the small variant on the CPU, so a rerun takes seconds, not minutes.
    options: RunOptions = field(default_factory=lambda: RunOptions(device="cpu", quick=True))
    # Write each run's line under its entries in the notes, as `labnotes rerun --annotate` does.
    annotate: bool = False
    # A sweep, as `labnotes rerun --seeds`: one run per seed, in parallel.
    seeds: tuple[int, ...] = ()
    # Where the runs go: None here; a SlurmOptions submits them, as `labnotes rerun --on slurm`.
    slurm: Any = None

    def shown(self) -> str:
        return describe(self.options, self.annotate, self.seeds, self.slurm is not None)


class RunPanel(Vertical):
    @dataclass
    class Finished(Message):
        records: list[RunRecord]
        refused: list[str] = field(default_factory=list)  # annotations not written, one line each
        annotated: list[str] = field(default_factory=list)  # the entries written under

    class Closed(Message):
        """The panel hid: the app updates which keys the footer shows."""

    def __init__(self, settings: RunSettings, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.settings = settings
        self.running = False
        self._stopper: Stopper | None = None
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

    def start(self, workspace: Workspace, experiments: list[Experiment], entry_ids: list[str], target: str) -> bool:
        """Start the runs; False (and nothing started) while another run is going on."""
        if self.running:
            return False
        self.running = True
        self._stopping = False
        self._cancel_close()
        self.display = True
        self.query_one(Log).clear()
        self.query_one("#run-progress", ProgressBar).display = True
        s = self.settings
        self._status(Text.assemble(("running ", "bold"), (", ".join(e.id for e in experiments), "bold #7dcfff"),
                                   f"  ({s.shown()})"))  # fmt: skip
        plan = RerunPlan(tuple(experiments), tuple(entry_ids), target, s.options,
                         annotate=s.annotate and s.slurm is None, seeds=s.seeds, slurm=s.slurm)
        self._stopper = Stopper()
        self._work(workspace, plan, self._stopper)
        return True

    def _status(self, text: Text | str) -> None:
        self.query_one("#run-status", Label).update(text)

    def _events(self, annotated: list[str]) -> RerunEvents:
        log = self.query_one(Log)
        elapsed = self.query_one("#run-elapsed", Label)
        call = self.app.call_from_thread

        def write(text: str) -> None:
            call(log.write, text)

        def stderr(text: str) -> None:
            if not self._stopping:
                write(text)

        return RerunEvents(
            begin=lambda exp, argv: write("$ python " + " ".join(argv[1:]) + "\n"),  # what runs, exactly
            stdout=write,
            stderr=stderr,
            tick=lambda s: call(elapsed.update, f"{int(s) // 60}:{int(s) % 60:02d}"),
            annotated=lambda entry_id, path: annotated.append(entry_id),
            warning=lambda text: write(f"labnotes: {text}\n"),
        )

    def _work(self, workspace: Workspace, plan: RerunPlan, stopper: Stopper) -> None:
        def thread() -> None:
            annotated: list[str] = []
            try:
                result = workspace.rerun(plan, events=self._events(annotated), stopper=stopper)
            except Exception as exc:  # a run that cannot start must not take the UI down
                self.app.call_from_thread(self._failed, f"{type(exc).__name__}: {exc}")
                return
            self.app.call_from_thread(self._done, result, annotated)

        self.run_worker(thread, thread=True, exclusive=True, group="run", name="rerun")

    def _done(self, result: RerunResult, annotated: list[str]) -> None:
        self.running = False
        self._stopper = None
        self.query_one("#run-progress", ProgressBar).display = False
        self.query_one("#run-elapsed", Label).update("")
        parts = [_record_line(r) for r in result.records]
        parts += [Text(f"not annotated: {why}", "bold #f7768e") for why in result.refused]
        self._status(Text("\n").join(parts) if parts else "not run")
        if self._stopping:
            self.query_one(Log).write("\n— stopped (x) —\n")
        elif result.records and all(r.ok for r in result.records) and not result.refused:
            self._close_timer = self.set_timer(CLOSE_AFTER_S, self.close)
        self.post_message(self.Finished(result.records, result.refused, annotated))

    def _failed(self, message: str) -> None:
        self.running = False
        self._stopper = None
        self.query_one("#run-progress", ProgressBar).display = False
        self._status(Text(f"could not run: {message}", "bold #f7768e"))
        self.post_message(self.Finished([]))

    def stop(self) -> bool:
        """Ctrl-C to the running experiment (it records itself as interrupted; the rest do not
        start; asked again, it is killed); False when nothing runs."""
        if self._stopper is None:
            return False
        self._stopping = True
        self._stopper.stop()
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


def _record_line(r: RunRecord) -> Text:
    return Text.assemble((r.experiment or "?", "bold #7dcfff"), ": ", verdict_text(verdict(r)),
                         f" on {r.device_shown}", (f"  {r.duration_s:.1f} s  run {r.run_id}", "dim"))
