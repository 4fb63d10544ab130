"""`labnotes bisect`: the first commit where an experiment's symptom appears (or, `fixed`, goes away).

`git bisect run` drives it in a worktree of the experiments' repository (the user's work tree is
not touched). At each commit git checks out, `python -P -m labnotes.lab.bisect` runs the
experiment there and answers git with the verdict: the experiment's `reproduced` flag is the
symptom; a run that fails or gives no result is skipped. Every step is a run record in the log,
tagged with the bisect's id, so the runs it took can be listed after.
"""

from __future__ import annotations

import argparse
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from labnotes.lab.checkout import CheckoutError, checkout, repository_of, resolve, subject
from labnotes.lab.records import RunRecord, append_record, check_writable, read_log
from labnotes.lab.registry import Experiment
from labnotes.lab.runner import RunOptions

# git bisect run: 0 = the old state (no symptom, or with `fixed` the symptom), 1 = the new one,
# 125 = this commit cannot be judged.
GOOD, BAD, SKIP = 0, 1, 125
_FIRST = re.compile(r"^([0-9a-f]{40}) is the first (?:bad|new) commit", re.MULTILINE)


@dataclass(slots=True)
class BisectResult:
    commit: str | None  # None when git could not single one out (skipped commits in the way)
    subject: str
    runs: list[RunRecord] = field(default_factory=list)
    log: str = ""  # what git said, for when no commit was found


def bisect(exp: Experiment, good: str, bad: str, *, fixed: bool = False, options: RunOptions = RunOptions(),
           log: Path | None = None, python: str = sys.executable) -> BisectResult:
    """Find the first commit between `good` and `bad` where the symptom appears (or goes away).

    Raises CheckoutError for a revision that is not there or an experiment missing at `bad`.
    """
    log = check_writable(log)
    repo = repository_of(exp.root)
    good_commit, bad_commit = resolve(repo, good), resolve(repo, bad)
    tag = f"bisect-{secrets.token_hex(4)}"
    with checkout(exp.root, bad_commit, exp.id) as tree:
        inside = tree.experiments_root.relative_to(tree.root).as_posix()
        step = [python, "-P", "-m", "labnotes.lab.bisect", "--experiment", exp.id, "--inside", inside,
                "--device", options.device, "--log", str(log), "--tag", tag]
        step += ["--quick"] if options.quick else []
        step += ["--seed", str(options.seed)] if options.seed is not None else []
        step += ["--fixed"] if fixed else []
        git = ["git", "-C", str(tree.root)]
        subprocess.run([*git, "bisect", "start", bad_commit, good_commit], check=True, capture_output=True)
        try:
            done = subprocess.run([*git, "bisect", "run", *step], capture_output=True, text=True)
        finally:
            subprocess.run([*git, "bisect", "reset"], capture_output=True)
    said = done.stdout + done.stderr
    m = _FIRST.search(said)
    commit = m[1] if m else None
    runs = [r for r in read_log(log).records if r.get("bisect", {}).get("tag") == tag]
    return BisectResult(commit, subject(repo, commit) if commit else "", runs, said)


# --- one step, run by git bisect in the worktree ------------------------------------------------


def step(argv: list[str] | None = None) -> int:
    """Run the experiment at the commit git checked out; record it; answer git."""
    from labnotes.lab.rerun import Environment, run_and_record

    p = argparse.ArgumentParser(prog="python -m labnotes.lab.bisect")
    p.add_argument("--experiment", required=True)
    p.add_argument("--inside", default=".")
    p.add_argument("--device", default="auto")
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seed", type=int)
    p.add_argument("--fixed", action="store_true")
    p.add_argument("--log", type=Path, required=True)
    p.add_argument("--tag", required=True)
    a = p.parse_args(argv)
    root = (Path.cwd() / a.inside).resolve()
    folder = root / "experiments"
    script = folder / f"{a.experiment}.py"
    if not script.is_file():
        print(f"labnotes bisect: no {script.name} at this commit; skipped", file=sys.stderr)
        return SKIP
    exp = Experiment(a.experiment, script.resolve(), a.experiment, "", (), folder)
    options = RunOptions(device=a.device, quick=a.quick, seed=a.seed)
    record = run_and_record(exp, options, target=f"bisect {a.experiment}", entry_ids=[],
                            env=Environment(root))
    record.raw["bisect"] = {"tag": a.tag, "fixed": a.fixed}
    append_record(record, a.log)
    commit = str(record.git.get("commit") or "?")[:12]
    print(f"labnotes bisect: {commit} {record.verdict}", file=sys.stderr)
    if not record.ok or record.reproduced is None:
        return SKIP
    symptom = record.reproduced
    # Default: the old commits lack the symptom. `fixed`: the old commits have it.
    return (BAD if symptom else GOOD) if not a.fixed else (GOOD if symptom else BAD)


if __name__ == "__main__":
    try:
        sys.exit(step())
    except CheckoutError as exc:
        print(f"labnotes bisect: {exc}", file=sys.stderr)
        sys.exit(SKIP)
