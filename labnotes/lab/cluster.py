"""Reruns on a Slurm cluster through submitit: submit, follow, collect, cancel.

`labnotes rerun … --on slurm` submits each run as a job (a seed sweep as one job array) and
returns: the run log gets a `queued` record per run at once, so nothing is lost when the CLI is
interrupted or restarted while the jobs run. `labnotes runs` asks the scheduler (submitit reads
`sacct`) how they are doing and collects what finished from submitit's job folder into the log,
as the same record a local run makes, plus the job id, the node and the scheduler's state.

On the node the job runs `labnotes.lab.cluster.run_on_node`, which runs the experiment exactly as
a local rerun does (`python -m experiments.<id>` as an argument list, from the experiments'
folder) and measures the software and the host there.

`LABNOTES_SUBMITIT=local` sends the very same path to submitit's LocalExecutor (jobs are local
processes): the tests and CI use it, there being no cluster here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from labnotes.lab import provenance
from labnotes.lab.records import RunRecord, append_record, iso, new_run_id, utc_now
from labnotes.lab.registry import Experiment
from labnotes.lab.runner import RunOptions, experiment_argv, run_experiment

# submitit's job states that mean the job will not run any more, and what the record says then.
_FINAL = {"COMPLETED": "ok", "FINISHED": "ok", "FAILED": "failed", "CANCELLED": "cancelled", "TIMEOUT": "failed",
          "OUT_OF_MEMORY": "failed", "NODE_FAIL": "failed", "PREEMPTED": "failed", "BOOT_FAIL": "failed",
          "DEADLINE": "failed", "INTERRUPTED": "interrupted"}
_PENDING = {"queued", "running"}


class ClusterError(Exception):
    """Submitting or asking the scheduler failed; the message is one line."""


@dataclass(frozen=True, slots=True)
class SlurmOptions:
    """What the job asks the scheduler for (`slurm:` in .labnotes.yaml, then the flags)."""

    partition: str | None = None
    gpus: int | None = None  # per node
    cpus: int | None = None  # per task
    mem_gb: float | None = None
    time_min: int = 60
    extra: tuple[str, ...] = ()  # more sbatch options, as typed: "--qos=high", "--constraint=a100"

    @classmethod
    def chosen(cls, settings: Any, **flags: Any) -> "SlurmOptions":
        """The vault's `slurm:` settings (labnotes.settings.slurm.SlurmSettings) with each flag
        given (not None, not empty) over them."""
        keys = ("partition", "gpus", "cpus", "mem_gb", "time_min", "sbatch")
        value = {key: flags[key] if flags.get(key) not in (None, ()) else getattr(settings, key) for key in keys}
        return cls(value["partition"], value["gpus"], value["cpus"], value["mem_gb"], value["time_min"] or 60,
                   tuple(value["sbatch"]))

    def parameters(self) -> dict[str, Any]:
        """submitit's `update_parameters` keywords for these options."""
        out: dict[str, Any] = {"timeout_min": self.time_min, "name": "labnotes"}
        if self.partition:
            out["slurm_partition"] = self.partition
        if self.gpus is not None:
            out["gpus_per_node"] = self.gpus
        if self.cpus is not None:
            out["cpus_per_task"] = self.cpus
        if self.mem_gb is not None:
            out["mem_gb"] = self.mem_gb
        extra: dict[str, Any] = {}
        for option in self.extra:
            key, _, value = option.lstrip("-").partition("=")
            if not key:
                raise ClusterError(f"--sbatch: expected an sbatch option like --qos=high, got {option!r}")
            extra[key] = value if value else True
        if extra:
            out["slurm_additional_parameters"] = extra
        return out


def _submitit() -> Any:
    try:
        import submitit
    except ImportError:
        raise ClusterError("--on slurm needs submitit: pip install -e '.[cluster]'") from None
    return submitit


def _executor(folder: Path, slurm: SlurmOptions) -> tuple[Any, str]:
    submitit = _submitit()
    if os.environ.get("LABNOTES_SUBMITIT") == "local":
        executor = submitit.LocalExecutor(folder=str(folder))
        executor.update_parameters(timeout_min=slurm.time_min)
        return executor, "local"
    try:
        executor = submitit.AutoExecutor(folder=str(folder), cluster="slurm")
    except RuntimeError as exc:  # no srun / sbatch here
        raise ClusterError(f"--on slurm: {str(exc).splitlines()[0]}") from None
    try:
        executor.update_parameters(**slurm.parameters())
    except ValueError as exc:
        raise ClusterError(f"slurm options: {str(exc).splitlines()[0]}") from None
    return executor, "slurm"


def run_on_node(exp: Experiment, options: RunOptions, root: str) -> dict[str, Any]:
    """What the job does on the node: the experiment's run, and where and with what it ran."""
    outcome = run_experiment(exp, options, repo_root=Path(root))
    software = provenance.software(cwd=Path(root))
    device = (outcome.result or {}).get("device")
    return {
        "argv": outcome.argv, "cwd": outcome.cwd, "started": iso(outcome.started), "ended": iso(outcome.ended),
        "duration_s": round((outcome.ended - outcome.started).total_seconds(), 3),
        "exit_status": outcome.returncode, "status": outcome.status, "interrupted": outcome.interrupted,
        "result": outcome.result, "stderr_tail": outcome.stderr_tail if outcome.status != "ok" else None,
        "software": software, "host": provenance.host(),
        "device_name": provenance.device_name(device if isinstance(device, str) else None, software),
    }


def submit(exp: Experiment, runs: list[RunOptions], *, target: str, entry_ids: list[str], root: Path,
           slurm: SlurmOptions, jobs: Path, log: Path) -> list[RunRecord]:
    """Submit one job per run (several: one job array); a `queued` record for each, in the log now."""
    executor, kind = _executor(jobs, slurm)
    git = provenance.git_state(root)  # the code the jobs run is the tree as it is at submission
    try:
        if len(runs) == 1:
            submitted = [executor.submit(run_on_node, exp, runs[0], str(root))]
        else:
            submitted = executor.map_array(run_on_node, [exp] * len(runs), runs, [str(root)] * len(runs))
    except Exception as exc:  # sbatch missing or refusing: submitit raises its own and OSError
        said = str(exc).strip().splitlines()
        raise ClusterError(f"could not submit {exp.id}: {said[-1] if said else type(exc).__name__}") from None
    records = []
    for job, options in zip(submitted, runs):
        record = RunRecord({
            "run_id": new_run_id(), "target": target, "entry_ids": list(entry_ids), "experiment": exp.id,
            "title": exp.title, "argv": experiment_argv(exp, options), "cwd": str(root), "seed": options.seed,
            "quick": options.quick, "device_requested": options.device, "device": None, "submitted": iso(utc_now()),
            "status": "queued", "interrupted": False, "reproduced": None, "result": None, "git": git,
            "job": {"executor": kind, "id": str(job.job_id), "folder": str(jobs), "state": "PENDING", "node": None},
        })
        append_record(record, log)
        records.append(record)
    return records


def pending(records: list[RunRecord]) -> list[RunRecord]:
    """The runs submitted to a scheduler that have not ended yet (by the log)."""
    return [r for r in records if r.status in _PENDING and isinstance(r.get("job"), dict)]


def _job(record: RunRecord) -> Any:
    submitit = _submitit()
    job = record["job"]
    if job.get("executor") == "local":
        return submitit.LocalJob(job["folder"], job["id"])
    return submitit.SlurmJob(job["folder"], job["id"])


def collect(records: list[RunRecord], log: Path) -> list[RunRecord]:
    """Ask about every pending run; append a record for each that changed state. Returns those."""
    changed = []
    jobs = [(record, _job(record)) for record in pending(records)]
    slurm = [job for record, job in jobs if record["job"].get("executor") != "local"]
    if slurm:
        # One sacct for every job asked about, now: submitit's own watcher would wait minutes
        # between calls in a process that asks again and again (`runs --wait`).
        slurm[0].watcher.update()
    for record, job in jobs:
        state = _state_of(job, record)
        if state == record["job"].get("state") and state not in _FINAL:
            continue
        new = _finished(record, job, state) if state in _FINAL else _moved(record, state)
        append_record(new, log)
        changed.append(new)
    return changed


def _state_of(job: Any, record: RunRecord) -> str:
    if record["job"].get("executor") == "local":
        if job.paths.result_pickle.exists():
            return "FINISHED"
        try:
            os.kill(int(record["job"]["id"]), 0)
        except (ProcessLookupError, ValueError):
            return "FAILED"  # the process is gone and left no result
        except PermissionError:
            pass
        return "RUNNING"
    try:
        said = job.watcher.get_state(job.job_id, mode="cache")
        state = (str(said).split() or ["UNKNOWN"])[0].upper()  # "CANCELLED by 123" -> CANCELLED
    except Exception as exc:  # sacct missing or failing
        raise ClusterError(f"cannot ask the scheduler about job {record['job']['id']}: {exc}") from None
    return "PENDING" if state in ("UNKNOWN", "PENDING", "REQUEUED", "CONFIGURING") else state


def _moved(record: RunRecord, state: str) -> RunRecord:
    raw = dict(record.raw)
    raw["job"] = {**record["job"], "state": state}
    raw["status"] = "running" if state in ("RUNNING", "COMPLETING") else "queued"
    return RunRecord(raw)


def _finished(record: RunRecord, job: Any, state: str) -> RunRecord:
    raw = dict(record.raw)
    node = None
    try:
        done: Mapping[str, Any] | None = job.result() if _FINAL[state] == "ok" else None
    except Exception as exc:  # the job raised, or left no result: failed, with why
        done = None
        raw["stderr_tail"] = str(exc)[-4000:]
    if done is not None:
        software = done.get("software") or {}
        result = done.get("result")
        reproduced = result.get("reproduced") if isinstance(result, dict) else None
        device = result.get("device") if isinstance(result, dict) else None
        node = (done.get("host") or {}).get("name")
        raw.update({k: done.get(k) for k in ("argv", "cwd", "started", "ended", "duration_s", "exit_status",
                                             "status", "interrupted", "result", "stderr_tail", "device_name")})
        raw.update({
            "device": device if isinstance(device, str) else None,
            "reproduced": reproduced if isinstance(reproduced, bool) else None,
            "versions": {k: software.get(k) for k in ("python", "torch", "cuda", "cudnn")},
            "host": done.get("host"),
        })
    else:
        raw["status"] = _FINAL[state] if _FINAL[state] != "ok" else "failed"
    raw["job"] = {**record["job"], "state": state, "node": node}
    return RunRecord(raw)


def cancel(record: RunRecord, log: Path) -> RunRecord:
    """Cancel a pending run's job and record it as cancelled."""
    job = _job(record)
    try:
        job.cancel(check=False)
    except Exception as exc:
        raise ClusterError(f"cannot cancel job {record['job']['id']}: {exc}") from None
    raw = dict(record.raw)
    raw.update({"status": "cancelled", "ended": iso(utc_now())})
    raw["job"] = {**record["job"], "state": "CANCELLED"}
    new = RunRecord(raw)
    append_record(new, log)
    return new
