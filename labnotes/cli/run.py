"""`labnotes experiments`, `labnotes rerun`, `labnotes runs`: the experiments behind log entries.

Each opens the vault as a `Workspace`; `rerun` hands the run to the rerun service and only shows
what happens (`RerunEvents`).
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from labnotes.cli.app import JsonOption, VaultOption, app, fail, print_json, say, vault_path, warn

if TYPE_CHECKING:
    from labnotes.lab.records import RunRecord
    from labnotes.lab.registry import Registry
    from labnotes.workspace import Workspace


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


# --- shared loading ---------------------------------------------------------------------------


def _workspace(vault: Optional[Path]) -> "Workspace":
    """The vault the options name, with the experiments folder its settings name (or none)."""
    from labnotes.settings.config import ConfigError
    from labnotes.workspace import Workspace

    ws = Workspace(vault_path(vault))
    try:
        ws.experiments_dir
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
        ws.index
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
    annotate: bool = typer.Option(False, "--annotate", help="Note each run as a line under its entry in the note."),
    vault: Optional[Path] = VaultOption,
    json_out: bool = typer.Option(False, "--json", help="Print the run record (a list of them when the target ran several) on stdout."),
) -> None:
    """Rerun the experiment behind a log entry and append a run record to the run log.

    Exit 0 when every run exited 0 (reproduced or not), 1 when a run failed or was interrupted.
    """
    from labnotes.lab.records import RunLogError
    from labnotes.lab.rerun import RerunPlan
    from labnotes.lab.runner import ExperimentShadowed, RunOptions

    ws = _workspace(vault)
    manifest = _manifest(ws)
    if annotate or manifest.get(target) is None:
        _open_index(ws, needed=annotate)
    resolved = _resolve(target, ws)
    plan = RerunPlan(resolved.experiments, resolved.entry_ids, resolved.given,
                     RunOptions(device=device.value, quick=quick, seed=seed), annotate=annotate)
    view = _RerunView(json_out)
    try:
        result = ws.rerun(plan, events=view.events())
    except (RunLogError, ExperimentShadowed) as exc:
        fail(str(exc))
    finally:
        view.close()
    records = result.records
    if json_out:
        print_json(records[0].raw if len(records) == 1 else [r.raw for r in records])
    if records and records[-1].interrupted:
        warn(f"interrupted; recorded as run {records[-1].run_id}")
    if result.not_run:
        warn(f"{result.not_run} more experiment(s) for {target} not run after the interruption")
    if result.refused:
        fail("; ".join(result.refused), code=1)
    if not result.ok:
        raise typer.Exit(1)


def _resolve(target: str, ws: "Workspace") -> Any:
    from labnotes.lab.targets import TargetError, resolve_target

    try:
        return resolve_target(target, _registry(ws), ws.index if ws.has_index() else None)
    except TargetError as exc:
        fail(str(exc))


class _RerunView:
    """How `labnotes rerun` shows a run: its output streamed, a spinner on a terminal, the record."""

    def __init__(self, json_out: bool) -> None:
        self.json_out = json_out
        # With --json the experiment's own output goes to stderr: stdout holds the record alone.
        self.out_stream = "stderr" if json_out else "stdout"
        self.progress: _Progress | None = None

    def events(self) -> Any:
        from labnotes.lab.rerun import RerunEvents

        return RerunEvents(
            begin=self._begin,
            stdout=lambda text: _write(self.out_stream, text),
            stderr=lambda text: _write("stderr", text),
            tick=lambda s: self.progress.tick(s) if self.progress else None,
            recorded=self._recorded,
            annotated=lambda entry_id, path: say(f"labnotes: annotated {entry_id} in {path}"),
            warning=warn,
        )

    def _begin(self, exp: Any, argv: list[str]) -> None:
        say(f"labnotes: running {exp.id}: {' '.join(['python'] + argv[1:])}")
        self.progress = _Progress(exp.id).start()

    def _recorded(self, record: "RunRecord", log: Path) -> None:
        self.close()
        if not self.json_out:
            _print_record(record, log)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


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

    def start(self) -> "_Progress":
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

    def stop(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None


def _print_record(record: "RunRecord", log: Path) -> None:
    git = record.git
    if git.get("available"):
        dirty = ""
        if git.get("dirty"):
            changed = len(str(git.get("diff") or "").splitlines())
            dirty = f", dirty: {changed} diff lines, {len(git.get('untracked') or [])} untracked files"
        code = f"{str(git.get('commit') or 'no commit')[:12]} on {git.get('branch') or 'detached HEAD'}{dirty}"
    else:
        code = git.get("error") or "unknown"
    v = record.versions
    device = record.get("device") or f"{record.get('device_requested')} (requested)"
    if record.get("device_name") and record["device_name"] != record.get("device"):
        device += f" ({record['device_name']})"
    lines = [
        f"run {record.run_id}  {record.experiment}: {record.verdict}",
        f"  entries   {', '.join(record.entry_ids) or '-'}",
        f"  device    {device}",
        f"  seed      {record.seed}{'  (quick)' if record.quick else ''}",
        f"  commit    {code}",
        f"  versions  python {v.get('python')}, torch {v.get('torch')}, cuda {v.get('cuda') or '-'}, cudnn {v.get('cudnn') or '-'}",
        f"  took      {record.duration_s:.1f} s, exit {record.get('exit_status')}",
        f"  log       {log}",
    ]
    typer.echo("\n".join(lines))


# --- labnotes runs ----------------------------------------------------------------------------


@app.command("runs")
def runs_command(
    target: Optional[str] = typer.Argument(None, help="An experiment id, an entry id or NOTE:LINE; default: every run."),
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
    records = _runs(ws)
    shown = records if target is None else _runs_of(target, records, ws)
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
        _no_runs(target, ws.run_log)
        return
    for r in shown:
        typer.echo(_history_line(r))
    for c in comparisons:
        typer.echo("\n" + _comparison_text(c, next(r for r in shown if r.run_id == c["run"])))


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
