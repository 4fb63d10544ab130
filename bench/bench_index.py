"""Benchmark the vault index and every query command on a generated seed-shaped vault.

    python bench/bench_index.py                       # 2,000 notes in a temp folder
    python bench/bench_index.py --notes 10000 --repeat 3
    python bench/bench_index.py --vault DIR           # an existing vault

Every figure is measured in this run, next to its peers:

  floor    a Python start plus a walk of the vault with os.scandir (whole process): no command
           that looks at every file can start faster
  start    `labnotes --help` (whole process): the CLI's start-up (typer, imports)
  raw      read every note's bytes (in process)
  bare     markdown-it-py's CommonMark parser with tables and strikethrough on every note
  cold     build_index with an empty store (process pool over all cores)
  warm     build_index again, nothing changed
  touch    one note edited, build_index again
  each query command: in process (build_index + the query function, no printing) and whole
           process (the `labnotes …` command with its output, as a user runs it)

Each in-process phase runs in a fresh process, so its peak memory (ru_maxrss; for the cold index
the largest pool worker too) is its own. Timings are medians of --repeat runs (cold: the best).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORD = "梯度"  # two characters: the short-query path
PHRASE = "partial"  # the trigram index

# (name, CLI arguments, in-process call)
QUERIES: list[tuple[str, list[str]]] = [
    ("index", ["index", "--json"]),
    ("tasks", ["tasks", "--json"]),
    ("tasks --status open --since", ["tasks", "--status", "open", "--since", "2040-01-01"]),
    ("timeline", ["timeline", "--json"]),
    ("timeline --note (one day)", ["timeline", "--note", "@FIRST@", "--json"]),
    ("timeline --since (the last week)", ["timeline", "--since", "@WEEK@", "--json"]),
    ("links", ["links", "--json"]),
    ("links --unresolved", ["links", "--unresolved", "--json"]),
    ("backlinks", ["backlinks", "@FIRST@", "--json"]),
    ("metrics", ["metrics", "--json"]),
    ("check", ["check", "--json"]),
    (f"search {PHRASE}", ["search", PHRASE, "--json"]),
    (f"search {WORD}", ["search", WORD, "--json"]),
    ("graph", ["graph", "--format", "json"]),
]


def _notes(vault: Path) -> list[Path]:
    return sorted(p for p in vault.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(vault).parts))


def _query(idx, name: str, first: str, week: str):  # noqa: ANN001 - in-process calls of each command
    from labnotes.queries import check, links, metrics, tasks, timeline
    from labnotes.queries.summary import summary
    from labnotes.vault.search import search

    calls = {
        "index": lambda: summary(idx),
        "tasks": lambda: tasks.tasks(idx),
        "tasks --status open --since": lambda: tasks.tasks(idx, status="open", since="2040-01-01"),
        "timeline": lambda: timeline.timeline(idx),
        "timeline --note (one day)": lambda: timeline.timeline(idx, note=first),
        "timeline --since (the last week)": lambda: timeline.timeline(idx, since=week),
        "links": lambda: links.links(idx),
        "links --unresolved": lambda: links.links(idx, unresolved=True),
        "backlinks": lambda: links.backlinks(idx, first),
        "metrics": lambda: metrics.metrics(idx),
        "check": lambda: check.check(idx),
        f"search {PHRASE}": lambda: search(idx, PHRASE),
        f"search {WORD}": lambda: search(idx, WORD),
        "graph": lambda: idx.graph,
    }
    return calls[name]()


def _last_week(vault: Path) -> str:
    """The day six days before the vault's last daily note (by file name): `--since` a week."""
    days = sorted(p.stem for p in _notes(vault) if len(p.stem) == 10 and p.stem[4] == "-" and p.stem[7] == "-")
    return days[-7] if len(days) >= 7 else "today"


def phase(name: str, vault: Path, first: str) -> dict:
    """Run one phase in this process; return its figures."""
    if name in ("raw", "bare"):
        files = _notes(vault)
        if name == "raw":
            started = time.perf_counter()
            total = sum(len(p.read_bytes()) for p in files)
            return {"seconds": time.perf_counter() - started, "bytes": total}
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        started = time.perf_counter()
        for path in files:
            md.parse(path.read_text(encoding="utf-8"))
        return {"seconds": time.perf_counter() - started, "notes": len(files)}

    from labnotes.vault import build_index

    if name == "touch":
        files = _notes(vault)
        target = files[len(files) // 2]
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"\n1. [ ] benchmark edit {time.time()}\n")
    week = _last_week(vault) if name.startswith("q:timeline --since") else ""
    started = time.perf_counter()
    idx = build_index(vault)
    out: dict = {"parsed": idx.stats.parsed, "hashed": idx.stats.hashed}
    if name.startswith("q:"):
        result = _query(idx, name[2:], first, week)
        out["rows"] = len(result) if hasattr(result, "__len__") else None
    out["seconds"] = time.perf_counter() - started
    return out


def in_process(name: str, vault: Path, env: dict[str, str], first: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--vault", str(vault), "--first", first],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def whole(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    return seconds


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--vault", type=Path, help="an existing vault (default: generate one)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each phase; medians count (cold: the best)")
    ap.add_argument("--cold-repeat", type=int, default=1, help="runs of bare and cold (the slow ones)")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--first", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.phase:
        result = phase(args.phase, args.vault, args.first)
        me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result["peak_mb"] = round(max(me, kids) / 1024, 1)  # ru_maxrss is KiB on Linux
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="labnotes-bench-") as tmp:
        vault = args.vault
        if vault is None:
            vault = Path(tmp) / "vault"
            subprocess.run([sys.executable, str(HERE / "make_vault.py"), str(vault), "--notes", str(args.notes)], check=True, capture_output=True)
        cache = Path(tmp) / "cache"
        env = {**os.environ, "LABNOTES_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
        # An installed labnotes has its bytecode compiled (pip does it): without it every whole
        # process compiles every module it imports again, a tenth of a second and more.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "labnotes")], env=env, check=True)
        files = _notes(vault)
        size = sum(p.stat().st_size for p in files)
        first = files[0].relative_to(vault).as_posix()
        week = _last_week(vault)
        print(f"vault: {len(files)} notes, {size / 1e6:.1f} MB, {os.cpu_count()} CPUs, medians of {args.repeat}, load {os.getloadavg()[0]:.1f}")
        cli = [sys.executable, "-m", "labnotes"]
        table: list[tuple[str, str, str, str]] = []

        def row(label: str, seconds: float | None, peak: float | None = None, note: str = "") -> None:
            table.append((label, "" if seconds is None else f"{seconds:.3f} s", "" if peak is None else f"{peak:.0f} MB", note))
            print(f"  {label:<44} {table[-1][1]:>10} {table[-1][2]:>8}  {note}", flush=True)

        floor_code = "import os,sys\ndef walk(d):\n for e in os.scandir(d):\n  if e.name[0]=='.': continue\n  if e.is_dir(follow_symlinks=False): walk(e.path)\n  else: e.stat()\nwalk(sys.argv[1])"
        floor = median([whole([sys.executable, "-c", floor_code, str(vault)], env) for _ in range(args.repeat)])
        row("floor: python start + scandir (whole process)", floor)
        start = median([whole([*cli, "--help"], env) for _ in range(args.repeat)])
        row("labnotes --help (CLI start-up)", start)
        raw = min(in_process("raw", vault, env, first)["seconds"] for _ in range(args.repeat))
        row("raw read of every note", raw, note=f"{size / 1e6:.1f} MB")
        bare_runs = [in_process("bare", vault, env, first) for _ in range(args.cold_repeat)]
        bare = min(r["seconds"] for r in bare_runs)
        row("bare markdown-it-py (peer)", bare, bare_runs[0]["peak_mb"])
        colds = []
        for _ in range(args.cold_repeat):
            for f in cache.glob("*"):
                f.unlink()
            colds.append(in_process("cold", vault, env, first))
        cold = min(colds, key=lambda r: r["seconds"])
        row("cold index (in process)", cold["seconds"], cold["peak_mb"], f"{cold['seconds'] / bare:.2f} × bare (target ≤ 0.8)")
        store = sum(p.stat().st_size for p in cache.glob("*"))
        row("store on disk", None, None, f"{store / 1e6:.1f} MB = {store / size:.2f} × the notes (target ≤ 1)")
        warm = [in_process("warm", vault, env, first) for _ in range(args.repeat)]
        row("warm, nothing changed (in process)", median([r["seconds"] for r in warm]), warm[0]["peak_mb"])
        touch = [in_process("touch", vault, env, first) for _ in range(args.repeat)]
        row("one note changed (in process)", median([r["seconds"] for r in touch]), touch[0]["peak_mb"], f"parsed {touch[0]['parsed']}")
        touch_whole = []
        for _ in range(args.repeat):
            target = files[len(files) // 3]
            with open(target, "a", encoding="utf-8") as out:
                out.write(f"\n1. [ ] benchmark edit {time.time()}\n")
            touch_whole.append(whole([*cli, "index", "--vault", str(vault)], env))
        row("one note changed: labnotes index (whole)", median(touch_whole), note="target ≤ 0.3 s")
        for name, argv in QUERIES:
            argv = [a.replace("@FIRST@", first).replace("@WEEK@", week) for a in argv]
            runs = [in_process(f"q:{name}", vault, env, first) for _ in range(args.repeat)]
            inner = median([r["seconds"] for r in runs])
            outer = median([whole([*cli, *argv, "--vault", str(vault)], env) for _ in range(args.repeat)])
            target = 0.2 if name.startswith("search") else 0.3
            row(f"{name}: in process", inner, runs[0]["peak_mb"], f"{runs[0].get('rows')} rows")
            row(f"{name}: labnotes {' '.join(argv)} (whole)", outer, None, f"target ≤ {target} s; {outer / floor:.1f} × floor")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        print()
        print("| phase | time | peak | note |")
        print("| --- | --- | --- | --- |")
        for label, seconds, peak, note in table:
            print(f"| {label} | {seconds} | {peak} | {note} |")


if __name__ == "__main__":
    main()
