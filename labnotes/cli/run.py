"""`labnotes experiments`, `labnotes rerun`, `labnotes runs`: the experiments behind log entries.

Each opens the vault as a `Workspace`; `rerun` hands the run to the rerun service and only shows
what happens (`RerunEvents`).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json, say, vault_path, warn
from labnotes.cli.rerunview import RerunView, print_sweep

if TYPE_CHECKING:
    from labnotes.lab.records import RunRecord
    from labnotes.lab.registry import Registry
    from labnotes.workspace import Workspace


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class Where(str, Enum):
    local = "local"
    slurm = "slurm"


# --- shared loading ---------------------------------------------------------------------------


def _workspace(vault: Optional[Path]) -> "Workspace":
    """The vault the options name, with the experiments folder its settings name (or none)."""
    from labnotes.settings.config import ConfigError
    from labnotes.workspace import Workspace

    ws = Workspace(vault_path(vault))
    try:
        _ = ws.experiments_dir  # the settings are read here, so a bad one is a one-line error
    except ConfigError as exc:
        fail(str(exc))
    return ws


def _manifest(ws: "Workspace", context: str = "") -> "Registry":
    from labnotes.lab.registry import ManifestError

    try:
        return ws.manifest
    except ManifestError as exc:
        fail(f"{context}{exc}")


def _open_index(ws: "Workspace", *, needed: bool = False) -> bool:
    """Open the vault index; without it (a warning, or the end when `needed`) only the manifest shows."""
    try:
        _ = ws.index
    except Exception as exc:  # a broken vault must not stop listing or running experiments
        if needed:
            fail(f"cannot read the vault {ws.vault}: {exc}")
        warn(f"cannot read the vault {ws.vault}: {exc}; showing the manifest only")
        return False
    for link in ws.unknown_fields():
        warn(f"{link.rel}:{link.line}: [exp:: {link.experiment_id}] names no registered experiment")
    return True


def _registry(ws: "Workspace") -> "Registry":
    return ws.registry if ws.has_index() else ws.manifest


def _runs(ws: "Workspace") -> "list[RunRecord]":
    log = ws.runs
    for message in log.skipped:
        warn(message)
    return log.records


# --- labnotes experiments ---------------------------------------------------------------------


@app.command("experiments")
def experiments_command(vault: Optional[Path] = VaultOption, json_out: bool = JsonOption) -> None:
    """Every experiment in experiments/: its question, the entries it reproduces, its last run."""
    from labnotes.workspace import NO_EXPERIMENTS

    ws = _workspace(vault)
    if ws.experiments_dir is None:
        warn(NO_EXPERIMENTS)
        if json_out:
            print_json([])
        return
    _manifest(ws)
    _open_index(ws)
    registry = _registry(ws)
    records = _runs(ws)
    listing = []
    for exp in registry.experiments.values():
        entries = [{"id": e.id, "note": e.note, "line": e.line, "via": e.via} for e in ws.entries_of(exp)]
        mine = [r for r in records if r.experiment == exp.id]
        folder = registry.folder.parent
        listing.append({
            "id": exp.id,
            "title": exp.title,
            "question": exp.question,
            "script": exp.script.relative_to(folder).as_posix() if exp.script.is_relative_to(folder) else str(exp.script),
            "reproduces": [e["id"] for e in entries],
            "entries": entries,
            "last_run": _run_summary(mine[-1]) if mine else None,
        })
    if json_out:
        print_json(listing)
        return
    if not listing:
        warn(f"{registry.folder / 'manifest.yaml'} declares no experiments")
    for item, exp in zip(listing, registry.experiments.values()):
        mine = [r for r in records if r.experiment == exp.id]
        _print_experiment(item, mine[-1] if mine else None)


def _run_summary(record: "RunRecord") -> dict[str, Any]:
    keys = ("run_id", "ended", "status", "reproduced", "device", "device_name", "seed", "quick")
    return {k: record.get(k) for k in keys}


def _print_experiment(item: dict[str, Any], last: "RunRecord | None") -> None:
    out = [f"{item['id']}  {item['title']}"]
    if item["question"]:
        out.append(f"  question    {item['question']}")
    label = "reproduces"
    for e in item["entries"] or [{"id": "(no entry)", "note": None, "line": None, "via": "manifest"}]:
        where = f"  {e['note']}:{e['line']}" if e["note"] else ""
        via = "  [exp:: field]" if e["via"] == "field" else ""
        out.append(f"  {label:<10}  {e['id']}{where}{via}")
        label = ""
    out.append(f"  last run    {_describe_run(last)}" if last else "  last run    never")
    typer.echo("\n".join(out) + "\n")


def _describe_run(record: "RunRecord") -> str:
    return f"{record.when()} UTC  {record.verdict} on {record.device_shown}  (run {record.run_id})"


# --- labnotes rerun ---------------------------------------------------------------------------


@app.command("rerun")
def rerun_command(
    target: str = typer.Argument(..., help="An experiment id, an entry id (NOTE@YYYY-MM-DDTHH:MM), or NOTE:LINE of an entry."),
    device: Device = typer.Option(Device.auto, "--device", help="Where the experiment runs; auto picks CUDA when there is one."),
    quick: bool = typer.Option(False, "--quick", help="The experiment's small, fast variant."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed passed to the experiment."),
    seeds: Optional[str] = typer.Option(None, "--seeds", help="A sweep: one run per seed (0-9, 0,3,7 or 0-4,10), in parallel up to the cores; a summary of each figure over the seeds.", show_default=False),
    at: Optional[str] = typer.Option(None, "--at", help="Run the experiments' code as it was at this git revision (a clean worktree, removed after).", show_default=False),
    as_of_entry: bool = typer.Option(False, "--as-of-entry", help="Run the code as it was at the entry: the last commit before the entry's stamp."),
    annotate: bool = typer.Option(False, "--annotate", help="Note each run as a line under its entry in the note."),
    on: Where = typer.Option(Where.local, "--on", help="local: here, now. slurm: submit through submitit and return (labnotes runs follows the jobs)."),
    partition: Optional[str] = typer.Option(None, "--partition", help="Slurm partition.", show_default=False),
    gpus: Optional[int] = typer.Option(None, "--gpus", min=0, help="GPUs per node (Slurm).", show_default=False),
    cpus: Optional[int] = typer.Option(None, "--cpus", min=1, help="CPUs per task (Slurm).", show_default=False),
    mem_gb: Optional[float] = typer.Option(None, "--mem-gb", min=0, help="Memory in GB (Slurm).", show_default=False),
    time_min: Optional[int] = typer.Option(None, "--time-min", min=1, help="Time limit in minutes (Slurm; default 60).", show_default=False),
    sbatch: list[str] = typer.Option([], "--sbatch", help="One more sbatch option, as typed (--sbatch=--qos=high); repeat for more.", show_default=False),
    vault: Optional[Path] = VaultOption,
    json_out: bool = typer.Option(False, "--json", help="Print the run record (a list of them when the target ran several) on stdout."),
) -> None:
    """Rerun the experiment behind a log entry and append a run record to the run log.

    Exit 0 when every run exited 0 (reproduced or not) or, with --on slurm, was submitted; 1 when a run failed or was interrupted. The Slurm flags override the `slurm:` section of the vault's .labnotes.yaml.
    """
    from labnotes.lab.checkout import CheckoutError
    from labnotes.lab.cluster import ClusterError
    from labnotes.lab.records import RunLogError
    from labnotes.lab.rerun import RerunPlan
    from labnotes.lab.runner import ExperimentShadowed, RunOptions

    sweep = _sweep(seeds, seed, at, as_of_entry)
    ws = _workspace(vault)
    slurm = _slurm_options(on, ws.config.slurm, partition=partition, gpus=gpus, cpus=cpus, mem_gb=mem_gb,
                           time_min=time_min, sbatch=tuple(sbatch))
    if slurm is not None and (annotate or at or as_of_entry):
        fail("--on slurm runs the code as it is and returns at once: --annotate, --at and --as-of-entry are for local runs")
    manifest = _manifest(ws)
    if annotate or as_of_entry or manifest.get(target) is None:
        _open_index(ws, needed=annotate or as_of_entry)
    resolved = _resolve(target, ws)
    try:
        commit = _commit_of(ws, resolved, at, as_of_entry)
    except CheckoutError as exc:
        fail(str(exc))
    plan = RerunPlan(resolved.experiments, resolved.entry_ids, resolved.given,
                     RunOptions(device=device.value, quick=quick, seed=seed), annotate=annotate,
                     seeds=sweep, at=commit, slurm=slurm)
    view = RerunView(json_out, sweep=bool(sweep))
    try:
        result = ws.rerun(plan, events=view.events())
    except (RunLogError, ExperimentShadowed, CheckoutError, ClusterError) as exc:
        fail(str(exc))
    finally:
        view.close()
    _report(result, target, resolved.experiments, json_out=json_out, sweep=bool(sweep))


def _sweep(seeds: str | None, seed: int | None, at: str | None, as_of_entry: bool) -> tuple[int, ...]:
    """The seeds of a sweep (none: one run), once the flags that exclude each other are checked."""
    from labnotes.lab.seeds import SeedsError, parse_seeds

    if at and as_of_entry:
        fail("--at and --as-of-entry each name the code to run: give one")
    if seeds is not None and seed is not None:
        fail("--seed and --seeds: give one")
    try:
        return tuple(parse_seeds(seeds)) if seeds is not None else ()
    except SeedsError as exc:
        fail(str(exc))


def _report(result: Any, target: str, experiments: Any, *, json_out: bool, sweep: bool) -> None:
    """After the runs: the records (--json) or a sweep's summary, what was not run, the exit code."""
    records = result.records
    if json_out:
        print_json(records[0].raw if len(records) == 1 and not sweep else [r.raw for r in records])
    elif sweep:
        for exp in experiments:
            print_sweep(exp.id, [r for r in records if r.experiment == exp.id])
    if records and records[-1].interrupted:
        warn(f"interrupted; recorded as run {records[-1].run_id}")
    if result.not_run:
        warn(f"{result.not_run} more experiment(s) for {target} not run after the interruption")
    if result.refused:
        fail("; ".join(result.refused), code=1)
    if not result.ok:
        raise typer.Exit(1)


def _slurm_options(on: "Where", settings: Any, **flags: Any) -> Any:
    """The Slurm request: the vault's `slurm:` settings, each flag given over them; None for a
    local run, where a Slurm flag is an error."""
    from labnotes.lab.cluster import SlurmOptions

    given = {key: value for key, value in flags.items() if value not in (None, ())}
    if on is not Where.slurm:
        if given:
            fail(f"{', '.join('--' + key.replace('_', '-') for key in given)}: only with --on slurm")
        return None
    return SlurmOptions.chosen(settings, **flags)


def _commit_of(ws: "Workspace", resolved: Any, at: str | None, as_of_entry: bool) -> str | None:
    """The commit `--at` or `--as-of-entry` names (a full hash), None for the code as it is."""
    from labnotes.lab.checkout import CheckoutError, commit_before, repository_of, resolve

    if not at and not as_of_entry:
        return None
    repo = repository_of(ws.repo_root)
    if at:
        return resolve(repo, at)
    if resolved.kind != "entry":
        raise CheckoutError("--as-of-entry needs an entry (NOTE@YYYY-MM-DDTHH:MM or NOTE:LINE), not an experiment id")
    import datetime as dt

    found = ws.index.entry(resolved.entry_ids[0])
    if found is None:
        raise CheckoutError(f"--as-of-entry: entry {resolved.entry_ids[0]} is not in the vault {ws.vault}")
    commit = commit_before(repo, dt.datetime.fromisoformat(found[1].timestamp))
    say(f"labnotes: the code as of {found[1].timestamp.replace('T', ' ')}: commit {commit[:12]}")
    return commit


def _resolve(target: str, ws: "Workspace") -> Any:
    from labnotes.lab.targets import TargetError, resolve_target

    try:
        return resolve_target(target, _registry(ws), ws.index if ws.has_index() else None)
    except TargetError as exc:
        fail(str(exc))
