"""CLI start-up: how long a whole `labnotes` process takes before it does any work.

Prints, for each command, the median and the fastest wall time of N whole-process runs and the
median CPU time, with the peers measured in the same run, interleaved (so a busy machine slows
all of them alike):

- `python -c pass` (the floor: the interpreter itself) and `python -c "import typer"`;
- this checkout's `labnotes --help`, `labnotes rerun --help`, `labnotes parse NOTE --json`;
- the same commands from another checkout (`--peer DIR`, e.g. a worktree of an older commit).

    .venv/bin/python bench/bench_startup.py --runs 15
    .venv/bin/python bench/bench_startup.py --runs 15 --peer /tmp/labnotes-old
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEED = "vault/Diary/2024/2024-12-01.md"


def commands(checkout: Path, label: str) -> list[tuple[str, list[str], Path]]:
    # `-m labnotes` from the checkout's root imports that checkout's package (the cwd comes first).
    lab = [sys.executable, "-m", "labnotes"]
    return [
        (f"{label}: labnotes --help", [*lab, "--help"], checkout),
        (f"{label}: labnotes rerun --help", [*lab, "rerun", "--help"], checkout),
        (f"{label}: labnotes parse NOTE --json", [*lab, "parse", SEED, "--json"], checkout),
    ]


def timed(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one whole run. The CPU time hardly moves
    on a busy machine, the wall time does: both are shown."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="runs of each command (default 15)")
    ap.add_argument("--peer", type=Path, help="another checkout to measure alongside this one")
    args = ap.parse_args()

    cases = [
        ("floor: python -c pass", [sys.executable, "-c", "pass"], REPO),
        ("floor: python -c 'import typer'", [sys.executable, "-c", "import typer"], REPO),
        *commands(REPO, "this"),
    ]
    if args.peer:
        cases += commands(args.peer.resolve(), "peer")
    for _, argv, cwd in cases:  # warm the file cache and the bytecode
        timed(argv, cwd)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in cases}
    for _ in range(args.runs):
        for name, argv, cwd in cases:
            times[name].append(timed(argv, cwd))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.runs} runs each, interleaved; load average {load:.1f} on {os.cpu_count()} cores")
    print(f"{'command':<40} {'wall median':>12} {'wall fastest':>13} {'CPU median':>11}")
    for name, got in times.items():
        walls, cpus = [w for w, _ in got], [c for _, c in got]
        print(f"{name:<40} {statistics.median(walls) * 1000:>9.0f} ms {min(walls) * 1000:>10.0f} ms"
              f" {statistics.median(cpus) * 1000:>8.0f} ms")


if __name__ == "__main__":
    main()
