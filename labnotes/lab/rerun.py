"""The rerun service: run the experiments behind a target, record each run, annotate when asked.

`labnotes rerun` and the TUI's run panel both call `rerun()`; they differ only in how they show
what happens (the `RerunEvents` they pass). One run after another, each recorded in the run log
as soon as it ends; Ctrl-C (or `stop`) ends the current one, which is recorded as interrupted,
and the ones after it do not start.
"""

from __future__ import annotations

import os
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

from labnotes.lab import provenance
from labnotes.lab.records import RunRecord, append_record, check_writable, iso, new_run_id
from labnotes.lab.registry import Experiment
from labnotes.lab.runner import Outcome, RunOptions, experiment_argv, interrupt, kill, run_experiment

Sink = Callable[[str], None]


def _ignore(*_: Any) -> None:
    pass


@dataclass(slots=True)
class RerunEvents:
    """What a front end wants to hear while the service runs (each callback may be left out).

    Called on the thread that runs `rerun()`; a UI passes callbacks that hand over to its own.
    """

    begin: Callable[[Experiment, list[str]], None] = _ignore  # the experiment and its exact argv
    stdout: Sink = _ignore
    stderr: Sink = _ignore
    tick: Callable[[float], None] = _ignore  # seconds since the run started, a few times a second
    recorded: Callable[[RunRecord, Path], None] = _ignore  # a finished run, and the log it went to
    annotated: Callable[[str, Path], None] = _ignore  # an entry id and the note written under it
    warning: Sink = _ignore


@dataclass(frozen=True, slots=True)
class RerunPlan:
    """What to run: the experiments, the entries they answer, how, and whether to annotate."""

    experiments: tuple[Experiment, ...]
    entry_ids: tuple[str, ...]
    target: str  # what the user asked for, as the record keeps it
    options: RunOptions = RunOptions()
    annotate: bool = False
    # A sweep: each experiment once per seed (options.seed is then not used), in parallel.
    seeds: tuple[int, ...] = ()
    # The experiments' code as it was at this commit (a full hash), in a worktree made for the run.
    at: str | None = None
    parallel: int | None = None  # runs at once in a sweep; default: one per core
    # Where the runs go: None here and now; a SlurmOptions submits them as jobs (lab/cluster.py).
    slurm: Any = None

    def runs_of(self) -> list[RunOptions]:
        """The options of each run of one experiment: one, or one per seed."""
        if not self.seeds:
            return [self.options]
        return [RunOptions(self.options.device, self.options.quick, seed) for seed in self.seeds]


@dataclass(slots=True)
class RerunResult:
    records: list[RunRecord] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # annotations not written, one line each
    not_run: int = 0  # experiments left after an interruption

    @property
    def ok(self) -> bool:
        """Every run exited 0 (or, on a cluster, was submitted)."""
        return bool(self.records) and all(r.ok or r.status == "queued" for r in self.records)


class Stopper:
    """Lets another thread stop a rerun: the running experiments get Ctrl-C, the rest do not start."""

    def __init__(self) -> None:
        self.stopped = False
        self._procs: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()

    def started(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs = [p for p in self._procs if p.poll() is None] + [proc]
            if self.stopped:
                interrupt(proc)

    def stop(self) -> None:
        """Ctrl-C to the running experiments; asked again, they are killed (as a second Ctrl-C does)."""
        with self._lock:
            again, self.stopped = self.stopped, True
            for proc in self._procs:
                if proc.poll() is None:
                    (kill if again else interrupt)(proc)


class Environment:
    """What every run of one session shares, found once: the software and the host."""

    def __init__(self, repo_root: Path | None = None, python: str | None = None) -> None:
        import sys

        self.repo_root = repo_root
        self.python = python or sys.executable
        self._software: dict[str, Any] | None = None
        self._host: dict[str, Any] | None = None

    def software(self, cwd: Path | None = None) -> dict[str, Any]:
        if self._software is None:
            self._software = provenance.software(self.python, cwd=cwd or self.repo_root)
        return self._software

    def host(self) -> dict[str, Any]:
        if self._host is None:
            self._host = provenance.host()
        return self._host


def rerun(
    plan: RerunPlan,
    *,
    log: Path | None = None,
    env: Environment | None = None,
    events: RerunEvents | None = None,
    stopper: Stopper | None = None,
    annotator: "Annotator | None" = None,
) -> RerunResult:
    """Run each experiment of the plan in turn, record it, and annotate its entries when asked.

    The run log is checked before anything runs (RunLogError): a record that cannot be written
    would be lost after the experiment ran for minutes.
    """
    events = events or RerunEvents()
    env = env or Environment()
    stopper = stopper or Stopper()
    log = check_writable(log)
    out = RerunResult()
    for n, exp in enumerate(plan.experiments):
        if stopper.stopped:
            out.not_run = len(plan.experiments) - n
            break
        # The notes as they are before the run: an edit made during it is caught, not overwritten.
        snaps = annotator.before_run(plan.entry_ids, events.warning) if plan.annotate and annotator else None
        if plan.slurm is not None:
            from labnotes.lab.cluster import submit
            from labnotes.settings.locations import state_dir

            records = submit(exp, plan.runs_of(), target=plan.target, entry_ids=list(plan.entry_ids),
                             root=env.repo_root or exp.root, slurm=plan.slurm, jobs=state_dir() / "jobs", log=log)
            for record in records:
                events.recorded(record, log)
        elif plan.at is None:
            records = _runs(exp, plan, env.repo_root or exp.root, env, events, stopper, log)
        else:
            from labnotes.lab.checkout import checkout

            with checkout(exp.root, plan.at, exp.id) as tree:
                records = _runs(exp, plan, tree.experiments_root, env, events, stopper, log)
        out.records += records
        if snaps is not None and annotator is not None and plan.slurm is None:
            finished = [r for r in records if r.ok]
            if finished:
                text = annotation_text(finished[0], sweep=finished if plan.seeds else ())
                out.refused += annotator.after_run(snaps, text, events.annotated)
            else:
                events.warning(f"not annotating: the run {records[-1].status}")
        if stopper.stopped or any(r.interrupted for r in records):
            stopper.stopped = True
            out.not_run = len(plan.experiments) - n - 1
            break  # Ctrl-C means stop, not "go on with the next experiment"
    return out


def _runs(exp: Experiment, plan: RerunPlan, root: Path, env: Environment, events: RerunEvents,
          stopper: Stopper, log: Path) -> list[RunRecord]:
    """Every run of one experiment (one, or one per seed), each recorded as soon as it ends."""
    def one(options: RunOptions, shown: RerunEvents) -> RunRecord:
        record = run_and_record(exp, options, target=plan.target, entry_ids=list(plan.entry_ids),
                                env=env, events=shown, on_start=stopper.started, root=root)
        with lock:  # several runs of a sweep may end at once
            events.recorded(record, append_record(record, log))
        return record

    lock = threading.Lock()
    runs = plan.runs_of()
    if len(runs) == 1:
        return [one(runs[0], events)]
    # A sweep: the runs' own output would interleave, so it is kept in each record's tail only;
    # each run is announced as it starts and shown as it ends.
    quiet = RerunEvents(begin=events.begin, warning=events.warning)
    workers = max(1, min(plan.parallel or os.cpu_count() or 1, len(runs)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="labnotes-sweep") as pool:
        futures = []
        for options in runs:
            if stopper.stopped:
                break
            futures.append(pool.submit(lambda o: None if stopper.stopped else one(o, quiet), options))
        try:
            done = [f.result() for f in futures]
        except KeyboardInterrupt:
            stopper.stop()  # the runs get Ctrl-C and record themselves as interrupted
            done = [f.result() for f in futures]
    return [r for r in done if r is not None]


class Annotator:
    """Writes a run's line under its entries (through `labnotes.notes.annotate`)."""

    def __init__(self, vault: Path, where: Callable[[str], str | None], config: Any = None) -> None:
        self.vault = vault
        self.where = where  # entry id -> the note's vault-relative path, or None
        self.config = config

    def before_run(self, entry_ids: tuple[str, ...], warning: Sink) -> list[Any]:
        from labnotes.notes.annotate import snapshots

        snaps, missing = snapshots(self.vault, [(eid, self.where(eid)) for eid in entry_ids])
        for message in missing:
            warning(message)
        return snaps

    def after_run(self, snaps: list[Any], text: str, annotated: Callable[[str, Path], None]) -> list[str]:
        from labnotes.notes.annotate import annotate_entries

        done = annotate_entries(snaps, text, config=self.config, vault=self.vault)
        for entry_id, path in done.written:
            annotated(entry_id, path)
        return done.refused


def run_and_record(
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    env: Environment | None = None,
    events: RerunEvents | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    root: Path | None = None,
) -> RunRecord:
    """Run the experiment once and return its run record (not yet in the log).

    `root`: the folder it runs from (a worktree of another commit); default the environment's."""
    env = env or Environment()
    events = events or RerunEvents()
    root = root or env.repo_root or exp.root
    events.begin(exp, experiment_argv(exp, options, env.python))
    # Read the code's state before the run: what the experiment ran is what the tree held then.
    git = provenance.git_state(root)
    outcome = run_experiment(
        exp, options, repo_root=root, python=env.python,
        on_stdout=events.stdout, on_stderr=events.stderr, on_start=on_start, tick=events.tick,
    )  # fmt: skip
    software = env.software(root)
    device = (outcome.result or {}).get("device")
    return RunRecord(make_record(
        outcome, exp, options,
        target=target, entry_ids=entry_ids, git=git, software=software,
        host=env.host(), device_name=provenance.device_name(device if isinstance(device, str) else None, software),
    ))  # fmt: skip


def make_record(
    outcome: Outcome,
    exp: Experiment,
    options: RunOptions,
    *,
    target: str,
    entry_ids: list[str],
    git: dict[str, Any],
    software: dict[str, Any],
    host: dict[str, Any],
    device_name: str | None,
    run_id: str | None = None,
) -> dict[str, Any]:
    """The run record: one JSON object that says exactly what ran, where, and what it found."""
    result = outcome.result or {}
    reproduced = result.get("reproduced")
    seed = options.seed if options.seed is not None else result.get("seed")
    device = result.get("device")
    return {
        "run_id": run_id or new_run_id(outcome.started),
        "target": target,
        "entry_ids": list(entry_ids),
        "experiment": exp.id,
        "title": exp.title,
        "argv": outcome.argv,
        "cwd": outcome.cwd,
        # What the experiment printed is its own: a field of the wrong type is left out, not kept
        # to break every later reading of the log.
        "seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        "quick": options.quick,
        "device_requested": options.device,
        "device": device if isinstance(device, str) else None,
        "device_name": device_name,
        "started": iso(outcome.started),
        "ended": iso(outcome.ended),
        "duration_s": round((outcome.ended - outcome.started).total_seconds(), 3),
        "exit_status": outcome.returncode,
        "status": outcome.status,
        "interrupted": outcome.interrupted,
        "reproduced": reproduced if isinstance(reproduced, bool) else None,
        "result": outcome.result,
        "stderr_tail": outcome.stderr_tail if outcome.status != "ok" else None,
        "git": git,
        "versions": {
            "python": software.get("python"),
            "torch": software.get("torch") or result.get("torch"),
            "cuda": software.get("cuda"),
            "cudnn": software.get("cudnn"),
            **({"error": software["error"]} if software.get("error") else {}),
        },
        "host": host,
    }


def annotation_text(record: "RunRecord | Mapping[str, Any]", now: datetime | None = None, *,
                    sweep: "tuple[RunRecord, ...] | list[RunRecord]" = ()) -> str:
    """`` `2025-01-07-10:42` rerun aliased_kernel: reproduced on cpu (run 2025…-3f9a1c) ``, or for
    a sweep `` … rerun aliased_kernel over seeds 0-4: reproduced in 5 of 5 on cpu (runs …, …) ``.

    The stamp has the note's own `YYYY-MM-DD-HH:MM` shape, in local time like the rest of it,
    inside a code span: the line records a run, it is not a new log entry of the researcher's
    (as an entry it would break the thread's time order and take over the entry's fields).
    """
    rec = RunRecord.of(record)
    more = [r for r in sweep if r is not record]
    stamp = f"`{(now or datetime.now()):%Y-%m-%d-%H:%M}`"
    if not more:
        said = "reproduced" if rec.reproduced else "not reproduced"
        return f"{stamp} rerun {rec.experiment}: {said} on {rec.device_shown} (run {rec.run_id})"
    runs = [rec, *more]
    seeds = ", ".join(str(r.seed) for r in runs)
    hits = sum(1 for r in runs if r.reproduced)
    return (f"{stamp} rerun {rec.experiment} over seeds {seeds}: reproduced in {hits} of {len(runs)} "
            f"on {rec.device_shown} (runs {', '.join(r.run_id for r in runs)})")
