"""Benchmark the task queries on a generated vault: each task once, against the per-line listing.

    python bench/bench_tasks.py                  # 10,000 notes in a temp folder
    python bench/bench_tasks.py --notes 2000 --repeat 3
    python bench/bench_tasks.py --vault DIR      # an existing vault (its cache is warmed first)

Every phase runs on a warm index (the cache is built once first), in a fresh process, so each
figure is its own. The peer, measured in the same run, is the per-line listing that `labnotes
tasks` was before tasks were linked (now `--occurrences`). Phases:

  lines       build_index + queries.tasks.tasks(idx)          (the per-line rows: the peer)
  identity    build_index + task_occurrences + link_tasks     (each task once, routines, placeholders)
  link        link_tasks alone, on occurrences already read   (the identity pass itself: linear?)
  cli-lines   `labnotes tasks --occurrences --json`, process start included
  cli-tasks   `labnotes tasks --json`
  cli-index   `labnotes index --json` (counts tasks each once)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PHASES = ("lines", "identity", "link", "cli-lines", "cli-tasks", "cli-index")
CLI = {"cli-lines": ["tasks", "--occurrences", "--json"], "cli-tasks": ["tasks", "--json"], "cli-index": ["index", "--json"]}


def phase(name: str, vault: Path) -> dict:
    from labnotes.queries import tasks as q
    from labnotes.tasks import link_tasks
    from labnotes.tasks.identity import routine_keys
    from labnotes.vault import build_index

    started = time.perf_counter()
    idx = build_index(vault)
    if name == "lines":
        rows = q.tasks(idx, placeholders=True)
        return {"seconds": time.perf_counter() - started, "rows": len(rows)}
    occurrences = idx.task_occurrences()
    keys = routine_keys(q.template_tasks(idx))
    if name == "link":
        started = time.perf_counter()
    book = link_tasks(occurrences, routines=keys)
    return {
        "seconds": time.perf_counter() - started,
        "lines": len(occurrences),
        "tasks": len(book.real()),
        "open": sum(1 for t in book.real() if not t.closed),
    }


def run_phase(name: str, vault: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if name in CLI:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "labnotes", *CLI[name], "--vault", str(vault)], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        return {"seconds": time.perf_counter() - started}
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--vault", str(vault)], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.vault)))
        return

    with tempfile.TemporaryDirectory(prefix="labnotes-bench-tasks-") as tmp:
        os.environ.setdefault("LABNOTES_CACHE_DIR", str(Path(tmp) / "cache"))
        vault = args.vault
        if vault is None:
            sys.path.insert(0, str(HERE))
            from make_vault import make_vault

            vault = Path(tmp) / "vault"
            make_vault(vault, args.notes)
        warm = subprocess.run([sys.executable, "-m", "labnotes", "index", "--vault", str(vault)], env={**os.environ, "PYTHONPATH": str(REPO)},
                              capture_output=True, text=True)  # fmt: skip
        print(f"vault: {vault}  ({warm.stdout.strip().splitlines()[0] if warm.stdout else warm.stderr.strip()})")
        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name in PHASES:
                got = run_phase(name, vault)
                if name not in best or got["seconds"] < best[name]["seconds"]:
                    best[name] = got
        peer = best["lines"]["seconds"]
        for name in PHASES:
            got = best[name]
            extra = "  ".join(f"{k} {v}" for k, v in got.items() if k != "seconds")
            ratio = f"{got['seconds'] / peer:5.2f}× lines" if name in ("identity", "link") else ""
            print(f"{name:10} {got['seconds']:7.3f} s  {ratio:>13}  {extra}")
        print(f"best of {args.repeat}; cli-* include process start; peer: lines (the per-line listing, measured in this run)")


if __name__ == "__main__":
    main()
