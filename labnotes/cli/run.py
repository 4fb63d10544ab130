"""`labnotes experiments`, `labnotes rerun`, `labnotes runs`: the experiments behind log entries."""

from __future__ import annotations

import sys
import time
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from labnotes.settings import locations
from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json, vault_path, warn
from labnotes.lab.rerun import verdict
from labnotes.lab.registry import (
    ManifestError,
    Registry,
    TargetError,
    load_registry,
    resolve_target,
)


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


# --- shared loading ---------------------------------------------------------------------------


def _experiments_folder(vault: Optional[Path]) -> Path | None:
    """The vault's experiments folder (`experiments:` in .labnotes.yaml, or $LABNOTES_EXPERIMENTS)."""
    from labnotes.settings.config import ConfigError, load_config

    root = vault_path(vault)
    try:
        config = load_config(root)
    except ConfigError as exc:
        fail(str(exc))
    return locations.experiments_dir(root, config.experiments)


NO_EXPERIMENTS = ("this vault names no experiments folder: set `experiments: PATH` in its .labnotes.yaml "
                  "(relative to the vault, or absolute) or $LABNOTES_EXPERIMENTS")


def _registry(vault: Optional[Path], *, needed: bool = True) -> Registry:
    """The vault's experiments; with `needed=False`, none (and a notice) when it names no folder."""
    folder = _experiments_folder(vault)
    if folder is None:
        if needed:
            fail(NO_EXPERIMENTS)
        warn(NO_EXPERIMENTS)
        return Registry({}, Path())
    try:
        return load_registry(folder)
    except ManifestError as exc:
        fail(str(exc))


def _log(registry: Registry) -> Path:
    """The run log of the registry's experiments folder: each folder keeps its own runs."""
    from labnotes.lab import runs

    return runs.log_path(locations.runs_dir(registry.folder))


def _index(vault: Optional[Path], *, needed: bool = False) -> Any:
    """The vault index, or None (with a warning) when the vault cannot be read."""
    try:
        from labnotes.vault import build_index
    except ImportError as exc:
        if needed:
            fail(f"the vault index is unavailable: {exc}")
        warn(f"the vault index is unavailable ({exc}); showing the manifest only")
        return None
    path = vault_path(vault)
    try:
        return build_index(path)
    except Exception as exc:  # a broken vault must not stop listing or running experiments
        if needed:
            fail(f"cannot read the vault {path}: {exc}")
        warn(f"cannot read the vault {path}: {exc}; showing the manifest only")
        return None


def _with_fields(registry: Registry, index: Any) -> Registry:
    if index is None:
        return registry
    # Only notes that hold an [exp:: …] field are read (the store knows which).
    registry = registry.with_fields(index.notes_with_field("exp"))
    for link in registry.field_links:
        if not link.known:
            warn(f"{link.rel}:{link.line}: [exp:: {link.experiment_id}] names no registered experiment")
    return registry


def _where(index: Any, entry_id: str) -> tuple[str | None, int | None]:
    found = index.entry(entry_id) if index is not None else None
    if not found:
        return None, None
    rel, entry = found
    return rel, entry.line


# --- labnotes experiments ---------------------------------------------------------------------


@app.command("experiments")
def experiments_command(vault: Optional[Path] = VaultOption, json_out: bool = JsonOption) -> None:
    """Every experiment in experiments/: its question, the entries it reproduces, its last run."""
    from labnotes.lab import runs

    registry = _registry(vault, needed=False)
    index = _index(vault) if registry.experiments else None
    registry = _with_fields(registry, index)
    records = runs.read_records(_log(registry)) if registry.experiments else []
    listing = []
    for exp in registry.experiments.values():
        entries = []
        for entry_id, via in registry.entries_of(exp.id):
            rel, line = _where(index, entry_id)
            entries.append({"id": entry_id, "note": rel, "line": line, "via": via})
        mine = [r for r in records if r.get("experiment") == exp.id]
        listing.append({
            "id": exp.id,
            "title": exp.title,
            "question": exp.question,
            "script": exp.script.relative_to(registry.folder.parent).as_posix()
            if exp.script.is_relative_to(registry.folder.parent) else str(exp.script),
            "reproduces": [e["id"] for e in entries],
            "entries": entries,
            "last_run": _run_summary(mine[-1]) if mine else None,
        })
    if json_out:
        print_json(listing)
        return
    if not listing and registry.experiments == {} and registry.folder != Path():
        warn(f"{registry.folder / 'manifest.yaml'} declares no experiments")
    for item in listing:
        _print_experiment(item)


def _run_summary(record: dict[str, Any]) -> dict[str, Any]:
    keys = ("run_id", "ended", "status", "reproduced", "device", "device_name", "seed", "quick")
    return {k: record.get(k) for k in keys}


def _print_experiment(item: dict[str, Any]) -> None:
    out = [f"{item['id']}  {item['title']}"]
    if item["question"]:
        out.append(f"  question    {item['question']}")
    label = "reproduces"
    for e in item["entries"] or [{"id": "(no entry)", "note": None, "line": None, "via": "manifest"}]:
        where = f"  {e['note']}:{e['line']}" if e["note"] else ""
        via = "  [exp:: field]" if e["via"] == "field" else ""
        out.append(f"  {label:<10}  {e['id']}{where}{via}")
        label = ""
    last = item["last_run"]
    out.append(f"  last run    {_describe_run(last)}" if last else "  last run    never")
    typer.echo("\n".join(out) + "\n")


def _describe_run(record: dict[str, Any]) -> str:
    when = (record.get("ended") or "?")[:16].replace("T", " ")
    device = record.get("device") or record.get("device_requested") or "?"
    return f"{when} UTC  {verdict(record)} on {device}  (run {record.get('run_id')})"


# --- labnotes rerun ---------------------------------------------------------------------------


@app.command("rerun")
def rerun_command(
    target: str = typer.Argument(..., help="An experiment id, an entry id (NOTE@YYYY-MM-DDTHH:MM), or NOTE:LINE of an entry."),
    device: Device = typer.Option(Device.auto, "--device", help="Where the experiment runs; auto picks CUDA when there is one."),
    quick: bool = typer.Option(False, "--quick", help="The experiment's small, fast variant."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed passed to the experiment."),
    annotate: bool = typer.Option(False, "--annotate", help="Note each run as a line under its entry in the note."),
    vault: Optional[Path] = VaultOption,
    json_out: bool = typer.Option(False, "--json", help="Print the run record (a list of them when the target ran several) on stdout."),
) -> None:
    """Rerun the experiment behind a log entry and append a run record to the run log.

    Exit 0 when every run exited 0 (reproduced or not), 1 when a run failed or was interrupted.
    """
    from labnotes.lab import runs
    from labnotes.lab.rerun import Environment, RunOptions

    registry = _registry(vault)
    needs_index = annotate or registry.get(target) is None
    index = _index(vault, needed=annotate) if needs_index else None
    try:
        resolved = resolve_target(target, _with_fields(registry, index), index)
    except TargetError as exc:
        fail(str(exc))
    options = RunOptions(device=device.value, quick=quick, seed=seed)
    # Experiments run as `python -m experiments.<id>` from the folder that holds experiments/.
    env = Environment(registry.folder.parent)
    records: list[dict[str, Any]] = []
    refused: list[str] = []
    for exp in resolved.experiments:
        snaps = _snapshots(index, resolved.entry_ids) if annotate else []
        record = _run_one(exp, options, resolved, env, json_out)
        records.append(record)
        log = runs.append_record(record, _log(registry))
        if not json_out:
            _print_record(record, log)
        if annotate:
            refused += _annotate(record, snaps, index)
        if record["interrupted"]:
            warn(f"interrupted; recorded as run {record['run_id']}")
            break  # Ctrl-C means stop, not "go on with the next experiment"
    if json_out:
        print_json(records[0] if len(records) == 1 else records)
    skipped = len(resolved.experiments) - len(records)
    if skipped:
        warn(f"{skipped} more experiment(s) for {target} not run after the interruption")
    if refused:
        fail("; ".join(refused), code=1)
    if any(r["status"] != "ok" for r in records):
        raise typer.Exit(1)


def _run_one(exp: Any, options: Any, resolved: Any, env: Any, json_out: bool) -> dict[str, Any]:
    from labnotes.lab.rerun import experiment_argv, run_and_record

    argv = experiment_argv(exp, options)
    typer.echo(f"labnotes: running {exp.id}: {' '.join(['python'] + argv[1:])}", err=True)
    # With --json the experiment's own output goes to stderr: stdout holds the record alone.
    out_stream = "stderr" if json_out else "stdout"
    with _Progress(exp.id) as progress:
        return run_and_record(
            exp, options,
            target=resolved.given, entry_ids=list(resolved.entry_ids), env=env,
            on_stdout=lambda text: _write(out_stream, text),
            on_stderr=lambda text: _write("stderr", text),
            tick=progress.tick,
        )  # fmt: skip


def _write(stream: str, text: str) -> None:
    # Looked up at each call: while the spinner runs, rich swaps sys.std* for proxies that print
    # above it.
    target = getattr(sys, stream)
    target.write(text)
    target.flush()


class _Progress:
    """A spinner with the elapsed time on stderr, only when stderr is a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.live: Any = None
        self.started = time.monotonic()

    def __enter__(self) -> "_Progress":
        from rich.console import Console

        console = Console(stderr=True)
        if console.is_terminal:
            from rich.live import Live
            from rich.spinner import Spinner

            self.spinner = Spinner("dots", text=self._text(0))
            # Redirect stdout into the live display only when it goes to the same terminal:
            # piped stdout must stay the experiment's output, untouched.
            self.live = Live(self.spinner, console=console, transient=True, refresh_per_second=8,
                             redirect_stdout=sys.stdout.isatty(), redirect_stderr=True)
            self.live.start()
        return self

    def _text(self, seconds: float) -> str:
        return f"running {self.name}  {int(seconds) // 60}:{int(seconds) % 60:02d}  (Ctrl-C stops it)"

    def tick(self, seconds: float) -> None:
        if self.live is not None:
            self.spinner.update(text=self._text(seconds))

    def __exit__(self, *exc: Any) -> None:
        if self.live is not None:
            self.live.stop()


def _print_record(record: dict[str, Any], log: Path) -> None:
    git = record.get("git") or {}
    if git.get("available"):
        dirty = ""
        if git.get("dirty"):
            changed = len((git.get("diff") or "").splitlines())
            dirty = f", dirty: {changed} diff lines, {len(git.get('untracked') or [])} untracked files"
        code = f"{(git.get('commit') or 'no commit')[:12]} on {git.get('branch') or 'detached HEAD'}{dirty}"
    else:
        code = git.get("error") or "unknown"
    v = record.get("versions") or {}
    device = record.get("device") or f"{record.get('device_requested')} (requested)"
    if record.get("device_name") and record["device_name"] != record.get("device"):
        device += f" ({record['device_name']})"
    lines = [
        f"run {record['run_id']}  {record['experiment']}: {verdict(record)}",
        f"  entries   {', '.join(record['entry_ids']) or '-'}",
        f"  device    {device}",
        f"  seed      {record.get('seed')}{'  (quick)' if record.get('quick') else ''}",
        f"  commit    {code}",
        f"  versions  python {v.get('python')}, torch {v.get('torch')}, cuda {v.get('cuda') or '-'}, cudnn {v.get('cudnn') or '-'}",
        f"  took      {record['duration_s']:.1f} s, exit {record['exit_status']}",
        f"  log       {log}",
    ]
    typer.echo("\n".join(lines))


def _snapshots(index: Any, entry_ids: tuple[str, ...]) -> list[tuple[str, Any]]:
    """Each entry's note as read now, before the run, so a later edit is caught, not overwritten."""
    from labnotes.notes.edit import read_snapshot

    snaps = []
    for entry_id in entry_ids:
        rel, _ = _where(index, entry_id)
        if rel is None:
            warn(f"not annotating {entry_id}: it is not in the vault {index.vault}")
            continue
        snaps.append((entry_id, read_snapshot(Path(index.vault) / rel)))
    return snaps


def _annotate(record: dict[str, Any], snaps: list[tuple[str, Any]], index: Any) -> list[str]:
    """Write the rerun line under each entry; returns the refusals (one line each)."""
    from labnotes.notes.edit import EditError, read_snapshot
    from labnotes.lab.rerun import AnnotateError, annotate_entry, annotation_text

    if record["status"] != "ok":
        warn(f"not annotating: the run {record['status']}")
        return []
    text = annotation_text(record)
    refused = []
    written: dict[Path, bytes] = {}
    for entry_id, snap in snaps:
        path = Path(snap.path)
        if path in written:
            # A second entry in a note we just wrote: go on from our own write, if it is still there.
            snap = read_snapshot(path)
            if snap.data != written[path]:
                refused.append(f"{path} changed while annotating; {entry_id} not annotated")
                continue
        try:
            written[path] = annotate_entry(snap, entry_id, text, config=getattr(index, "config", None))
        except (EditError, AnnotateError) as exc:
            refused.append(f"{entry_id} not annotated: {exc}")
        else:
            typer.echo(f"labnotes: annotated {entry_id} in {path}", err=True)
    return refused


# --- labnotes runs ----------------------------------------------------------------------------


@app.command("runs")
def runs_command(
    target: Optional[str] = typer.Argument(None, help="An experiment id, an entry id or NOTE:LINE; default: every run."),
    vault: Optional[Path] = VaultOption,
    json_out: bool = JsonOption,
) -> None:
    """The run history, and each experiment's newest run compared with its previous one."""
    from labnotes.lab import runs

    folder = _experiments_folder(vault)
    if folder is None:
        warn(NO_EXPERIMENTS)
        if json_out:
            print_json({"log": None, "runs": [], "comparisons": []})
        return
    log = runs.log_path(locations.runs_dir(folder))
    records = runs.read_records(log)
    shown = records if target is None else _runs_of(target, records, vault, folder)
    comparisons = []
    for exp_id in dict.fromkeys(r.get("experiment") for r in shown):
        newest = [r for r in shown if r.get("experiment") == exp_id][-1]
        before = runs.previous_run(records, newest)
        comparisons.append({
            "experiment": exp_id,
            "run": newest.get("run_id"),
            "previous": before.get("run_id") if before else None,
            "comparison": runs.compare_runs(before, newest).to_json() if before and newest.get("result") else None,
        })
    if json_out:
        print_json({"log": str(log), "runs": shown, "comparisons": comparisons})
        return
    if not shown:
        warn(f"no runs of {target} yet in {log}" if target else f"no runs yet in {log}")
        return
    for r in shown:
        typer.echo(_history_line(r))
    for c in comparisons:
        typer.echo("\n" + _comparison_text(c, next(r for r in shown if r.get("run_id") == c["run"])))


def _runs_of(target: str, records: list[dict[str, Any]], vault: Optional[Path], folder: Path) -> list[dict[str, Any]]:
    from labnotes.lab import runs

    # Records first: an experiment since removed from the manifest still has its history.
    mine = [r for r in records if target in (r.get("experiment"), r.get("target")) or target in (r.get("entry_ids") or [])]
    if mine:
        return mine
    try:
        registry = load_registry(folder)
    except ManifestError as exc:
        fail(f"{target!r} has no runs, and the manifest cannot be read: {exc}")
    index = None if registry.get(target) else _index(vault)
    try:
        resolved = resolve_target(target, _with_fields(registry, index), index)
    except TargetError as exc:
        fail(str(exc))
    entry = resolved.entry_ids[0] if resolved.kind == "entry" else None
    return runs.runs_for(records, {e.id for e in resolved.experiments}, entry)


def _history_line(r: dict[str, Any]) -> str:
    git = r.get("git") or {}
    commit = (git.get("commit") or "-")[:8] + ("*" if git.get("dirty") else "")
    when = (r.get("started") or "?")[:19].replace("T", " ")
    device = r.get("device") or r.get("device_requested") or "?"
    quick = " quick" if r.get("quick") else ""
    return (f"{r.get('run_id')}  {when}  {r.get('experiment')}  {device} seed={r.get('seed')}{quick}  "
            f"{verdict(r)}  {r.get('duration_s', 0):.1f}s  {commit}")


def _comparison_text(c: dict[str, Any], newest: dict[str, Any]) -> str:
    where = f"{newest.get('device') or '?'}, seed {newest.get('seed')}{', quick' if newest.get('quick') else ''}"
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
