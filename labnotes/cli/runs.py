"""`labnotes runs [TARGET]`: the run history, each experiment's newest run against its previous one,
and a seed sweep's figures over its seeds."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json, say, warn
from labnotes.cli.run import _manifest, _open_index, _resolve, _runs, _workspace

if TYPE_CHECKING:
    from labnotes.lab.records import RunRecord
    from labnotes.workspace import Workspace


# --- labnotes runs ----------------------------------------------------------------------------


def _log(ws: "Workspace") -> Path:
    """The run log; a vault that names no experiments folder has none (the end of the command)."""
    from labnotes.workspace import NO_EXPERIMENTS

    if ws.run_log is None:
        fail(NO_EXPERIMENTS)
    return ws.run_log


@app.command("runs")
def runs_command(
    target: Optional[str] = typer.Argument(None, help="An experiment id, an entry id or NOTE:LINE; default: every run."),
    wait: bool = typer.Option(False, "--wait", help="Follow the runs still queued or running on the cluster until they end."),
    seeds: bool = typer.Option(False, "--seeds", help="Each figure over the seeds (median, min, max of each seed's newest run) and in how many seeds it reproduced."),
    vault: Optional[Path] = VaultOption,
    json_out: bool = JsonOption,
) -> None:
    """The run history, and each experiment's newest run compared with its previous one."""
    from labnotes.lab.compare import compare_runs, previous_run

    from labnotes.workspace import NO_EXPERIMENTS

    ws = _workspace(vault)
    if ws.experiments_dir is None:
        warn(NO_EXPERIMENTS)
        if json_out:
            print_json({"log": None, "runs": [], "comparisons": []})
        return
    records = _collect(ws, _runs(ws), wait)
    shown = records if target is None else _runs_of(target, records, ws)
    if seeds:
        _print_seeds(shown, json_out)
        return
    comparisons = []
    for exp_id in dict.fromkeys(r.experiment for r in shown):
        newest = [r for r in shown if r.experiment == exp_id][-1]
        before = previous_run(records, newest)
        comparisons.append({
            "experiment": exp_id,
            "run": newest.run_id,
            "previous": before.run_id if before else None,
            "comparison": compare_runs(before, newest).to_json() if before and newest.result else None,
        })
    if json_out:
        print_json({"log": str(ws.run_log), "runs": [r.raw for r in shown], "comparisons": comparisons})
        return
    if not shown:
        _no_runs(target, _log(ws))
        return
    for r in shown:
        typer.echo(_history_line(r))
    for c in comparisons:
        typer.echo("\n" + _comparison_text(c, next(r for r in shown if r.run_id == c["run"])))


def _collect(ws: "Workspace", records: "list[RunRecord]", wait: bool) -> "list[RunRecord]":
    """Bring the log up to date with the cluster: states, and the results of jobs that ended."""
    import time

    from labnotes.lab.cluster import ClusterError, collect, pending

    if not pending(records):
        if wait:
            say("labnotes: no run is queued or running")
        return records
    with _Waiting(len(pending(records)), show=wait) as progress:
        while True:
            try:
                for r in collect(records, _log(ws)):
                    say(f"labnotes: run {r.run_id} ({r.experiment}, job {r['job']['id']}): {r.verdict}")
            except ClusterError as exc:
                fail(str(exc))
            records = ws.reread_runs().records
            left = pending(records)
            progress.update(len(left))
            if not wait or not left:
                return records
            time.sleep(WAIT_EVERY_S)


# How often `runs --wait` asks the scheduler (submitit's own watcher asks sacct at most this often too).
WAIT_EVERY_S = 5.0


class _Waiting:
    """`runs --wait`'s progress on stderr: how many runs have ended, on a terminal."""

    def __init__(self, total: int, *, show: bool) -> None:
        self.total, self.show = total, show
        self.bar: Any = None  # a rich Progress, on a terminal

    def __enter__(self) -> "_Waiting":
        import sys

        if self.show and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("waiting for the cluster"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("runs", total=self.total)
        return self

    def update(self, left: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.total - left)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def cancel(
    run: str = typer.Argument(..., help="The run id (labnotes runs lists them) of a run queued or running on the cluster."),
    vault: Optional[Path] = VaultOption,
) -> None:
    """Cancel a run submitted with --on slurm, and record it as cancelled."""
    from labnotes.lab.cluster import ClusterError, cancel as cancel_job, pending

    ws = _workspace(vault)
    records = _runs(ws)
    mine = [r for r in records if r.run_id == run]
    if not mine:
        fail(f"no run {run!r} in {ws.run_log}")
    if not pending(mine):
        fail(f"run {run} is not queued or running (it is {mine[0].verdict})", 1)
    try:
        done = cancel_job(mine[0], _log(ws))
    except ClusterError as exc:
        fail(str(exc))
    say(f"labnotes: cancelled run {done.run_id} (job {done['job']['id']})")


def _print_seeds(shown: "list[RunRecord]", json_out: bool) -> None:
    from labnotes.lab.seeds import summarise

    # Runs are comparable over seeds only on one device and at one size.
    groups: dict[tuple[Any, ...], list[RunRecord]] = {}
    for r in shown:
        groups.setdefault((r.experiment, r.get("device"), r.quick), []).append(r)
    sweeps = []
    for (exp_id, device, quick), mine in groups.items():
        sweeps.append({**summarise(str(exp_id), mine).to_json(), "device": device, "quick": quick})
    if json_out:
        print_json(sweeps)
        return
    for s in sweeps:
        size = ", quick" if s["quick"] else ""
        typer.echo(f"{s['experiment']} on {s['device'] or '?'}{size}: reproduced in {s['reproduced']} of "
                   f"{s['finished']} seeds ({', '.join(map(str, s['seeds']))})")
        width = max((len(k) for k in s["figures"]), default=0)
        for key, f in s["figures"].items():
            typer.echo(f"  {key:<{width}}  median {f['median']:.6g}  [{f['min']:.6g}, {f['max']:.6g}]  over {f['runs']}")


def _no_runs(target: str | None, log: Path) -> None:
    warn(f"no runs of {target} yet in {log}" if target else f"no runs yet in {log}")


def _runs_of(target: str, records: "list[RunRecord]", ws: "Workspace") -> "list[RunRecord]":
    from labnotes.lab.records import runs_for

    # Records first: an experiment since removed from the manifest still has its history.
    mine = [r for r in records if target in (r.experiment, r.get("target")) or target in r.entry_ids]
    if mine:
        return mine
    manifest = _manifest(ws, f"{target!r} has no runs, and the manifest cannot be read: ")
    if manifest.get(target) is None:
        _open_index(ws)
    resolved = _resolve(target, ws)
    entry = resolved.entry_ids[0] if resolved.kind == "entry" else None
    return runs_for(records, {e.id for e in resolved.experiments}, entry)


def _history_line(r: "RunRecord") -> str:
    commit = str(r.git.get("commit") or "-")[:8] + ("*" if r.git.get("dirty") else "")
    quick = " quick" if r.quick else ""
    return (f"{r.run_id}  {r.when('started', 19)}  {r.experiment}  {r.device_shown} seed={r.seed}{quick}  "
            f"{r.verdict}  {r.duration_s:.1f}s  {commit}")


def _comparison_text(c: dict[str, Any], newest: "RunRecord") -> str:
    where = f"{newest.get('device') or '?'}, seed {newest.seed}{', quick' if newest.quick else ''}"
    if c["previous"] is None:
        return f"{c['experiment']}: run {c['run']} has no earlier run on {where} to compare with"
    cmp = c["comparison"]
    if cmp is None:
        return f"{c['experiment']}: run {c['run']} has no result to compare with run {c['previous']}"
    if cmp["same"]:
        return f"{c['experiment']}: run {c['run']} has the same figures as run {c['previous']} ({where})"
    out = [f"{c['experiment']}: run {c['run']} differs from run {c['previous']} ({where}):"]
    for d in cmp["drifted"]:
        change = f"  ({d['rel_change']:+.2%})" if d["rel_change"] is not None else ""
        out.append(f"  {d['key']}: {d['old']} -> {d['new']}{change}")
    out += [f"  {k}: new" for k in cmp["added"]] + [f"  {k}: gone" for k in cmp["removed"]]
    return "\n".join(out)
