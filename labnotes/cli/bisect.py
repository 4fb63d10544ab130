"""`labnotes bisect EXPERIMENT --good REV --bad REV [--fixed]`: which commit made the symptom appear."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from labnotes.cli.app import VaultOption, app, fail, print_json, say
from labnotes.cli.run import Device, _manifest, _workspace


@app.command()
def bisect(
    experiment: str = typer.Argument(..., help="The experiment whose verdict judges each commit."),
    good: str = typer.Option(..., "--good", help="A revision without the symptom (with --fixed: with it).", show_default=False),
    bad: str = typer.Option(..., "--bad", help="A revision with the symptom (with --fixed: without it).", show_default=False),
    fixed: bool = typer.Option(False, "--fixed", help="Find the first commit where the symptom goes away instead."),
    device: Device = typer.Option(Device.auto, "--device", help="Where each step runs."),
    quick: bool = typer.Option(False, "--quick", help="The experiment's small, fast variant at each step."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Random seed for every step."),
    vault: Optional[Path] = VaultOption,
    json_out: bool = typer.Option(False, "--json", help="Print the commit and the runs it took as JSON."),
) -> None:
    """Find the first commit where EXPERIMENT's symptom appears (reproduced turns true), or with
    --fixed where it goes away, driving `git bisect run` in a worktree of the experiments'
    repository (your work tree is not touched). A step whose run fails is skipped; every step is
    a run record (`labnotes runs EXPERIMENT`).

    Exit 0 when a commit was found, 1 when git could not single one out.
    """
    from labnotes.lab.bisect import bisect as run_bisect
    from labnotes.lab.checkout import CheckoutError
    from labnotes.lab.records import RunLogError
    from labnotes.lab.runner import RunOptions

    ws = _workspace(vault)
    exp = _manifest(ws).get(experiment)
    if exp is None:
        fail(f"unknown experiment {experiment!r} (labnotes experiments lists them)")
    say(f"labnotes: bisecting {exp.id} between {good} (good) and {bad} (bad){' for the fix' if fixed else ''}")
    try:
        found = run_bisect(exp, good, bad, fixed=fixed, options=RunOptions(device.value, quick, seed), log=ws.run_log)
    except (CheckoutError, RunLogError) as exc:
        fail(str(exc))
    runs = [{"run_id": r.run_id, "commit": r.git.get("commit"), "verdict": r.verdict} for r in found.runs]
    if json_out:
        print_json({"experiment": exp.id, "fixed": fixed, "commit": found.commit, "subject": found.subject, "runs": runs})
    else:
        what = "the symptom goes away" if fixed else "the symptom appears"
        if found.commit:
            typer.echo(f"{found.commit[:12]}  {found.subject}\n  first commit where {what} ({exp.id})")
        for r in runs:
            typer.echo(f"  {str(r['commit'] or '?')[:12]}  {r['verdict']:<16}  run {r['run_id']}")
    if found.commit is None:
        last = (found.log.strip().splitlines() or ["git bisect gave no answer"])[-1]
        fail(f"no single first commit: {last}", 1)
