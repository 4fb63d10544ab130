"""Benchmark the task queries on a generated vault: each task once, against the per-line listing.

    python bench/bench_tasks.py                  # 10,000 notes in a temp folder
    python bench/bench_tasks.py --notes 2000 --repeat 3
    python bench/bench_tasks.py --vault DIR      # an existing vault (its cache is warmed first)
    python bench/bench_tasks.py --before DIR     # also time an earlier labnotes checked out in DIR
                                                 # (e.g. `git archive 50310fa | tar -x -C DIR`)

Every phase runs on a warm index (the cache is built once first), in a fresh process, so each
figure is its own; wall and CPU seconds are both given (on a shared machine CPU is the steadier).
The peer, measured in the same run, is the per-line listing that `labnotes tasks` was before tasks
were linked (now `--occurrences`). Phases:

  lines       build_index + queries.tasks.tasks(idx)          (the per-line rows: the peer)
  identity    build_index + task_occurrences + link_tasks     (each task once, routines, placeholders)
  link        link_tasks alone, on occurrences already read   (the identity pass itself: linear?)
  cli-lines   `labnotes tasks --occurrences --json`, process start included
  cli-tasks   `labnotes tasks --json`
  cli-index   `labnotes index --json` (counts tasks each once)
  before-cli-tasks / before-cli-index   the same commands of the `--before` checkout (its own cache)
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PHASES = ("lines", "identity", "link", "cli-lines", "cli-tasks", "cli-index")
CLI = {"cli-lines": ["tasks", "--occurrences", "--json"], "cli-tasks": ["tasks", "--json"], "cli-index": ["index", "--json"]}
BEFORE = {"before-cli-tasks": ["tasks", "--json"], "before-cli-index": ["index", "--json"]}


def phase(name: str, vault: Path) -> dict:
    # As the CLI runs: labnotes.cli.main sets these thresholds (notes by the thousand stay alive).
    gc.set_threshold(50_000, 20, 100)
    from labnotes.queries import tasks as q
    from labnotes.tasks import link_tasks
    from labnotes.tasks.identity import routine_keys
    from labnotes.vault import build_index

    wall, cpu = time.perf_counter(), time.process_time()
    idx = build_index(vault)
    if name == "lines":
        rows = q.tasks(idx, placeholders=True)
        return {"seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu, "rows": len(rows)}
    occurrences = idx.task_occurrences()
    keys = routine_keys(q.template_tasks(idx))
    if name == "link":
        wall, cpu = time.perf_counter(), time.process_time()
    book = link_tasks(occurrences, routines=keys)
    return {
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "lines": len(occurrences),
        "tasks": len(book.real()),
        "open": sum(1 for t in book.real() if not t.closed),
    }


def _timed(cmd: list[str], env: dict[str, str]) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": time.perf_counter() - started, "cpu": cpu}


def run_phase(name: str, vault: Path, before: Path | None, before_cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cli = [sys.executable, "-c", "from labnotes.cli.app import main; main()"]
    if name in CLI:
        return _timed([*cli, *CLI[name], "--vault", str(vault)], env)
    if name in BEFORE:
        assert before is not None
        old = {**os.environ, "PYTHONPATH": str(before), "LABNOTES_CACHE_DIR": str(before_cache)}
        return _timed([*cli, *BEFORE[name], "--vault", str(vault)], old)
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--vault", str(vault)], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--before", type=Path, help="an earlier labnotes checkout to time as a peer")
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.vault)))
        return

    with tempfile.TemporaryDirectory(prefix="labnotes-bench-tasks-") as tmp:
        os.environ.setdefault("LABNOTES_CACHE_DIR", str(Path(tmp) / "cache"))
        before_cache = Path(tmp) / "cache-before"
        vault = args.vault
        if vault is None:
            sys.path.insert(0, str(HERE))
            from make_vault import make_vault

            vault = Path(tmp) / "vault"
            make_vault(vault, args.notes)
        cli = [sys.executable, "-c", "from labnotes.cli.app import main; main()", "index", "--vault", str(vault)]
        warm = subprocess.run(cli, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True)
        print(f"vault: {vault}  ({warm.stdout.strip().splitlines()[0] if warm.stdout.strip() else warm.stderr.strip()})")
        phases = list(PHASES)
        if args.before is not None:
            old = {**os.environ, "PYTHONPATH": str(args.before), "LABNOTES_CACHE_DIR": str(before_cache)}
            subprocess.run(cli, env=old, check=True, capture_output=True)
            phases += list(BEFORE)
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name in phases:
                got = run_phase(name, vault, args.before, before_cache)
                if name not in best or got["cpu"] < best[name]["cpu"]:
                    best[name] = got
        peer = best["lines"]
        for name in phases:
            got = best[name]
            extra = "  ".join(f"{k} {v}" for k, v in got.items() if k not in ("seconds", "cpu"))
            ratio = f"{got['cpu'] / peer['cpu']:5.2f}× lines" if name in ("identity", "link") else ""
            print(f"{name:17} wall {got['seconds']:7.3f} s  cpu {got['cpu']:7.3f} s  {ratio:>12}  {extra}")
        print(f"best of {args.repeat} by CPU; cli-* include process start; peer: lines (the per-line listing, this run)")


if __name__ == "__main__":
    main()
