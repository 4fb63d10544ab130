"""Benchmark the vault index on a generated seed-shaped vault, against bare markdown-it-py.

    python bench/bench_index.py                 # 2,000 notes in a temp folder
    python bench/bench_index.py --notes 500 --repeat 3
    python bench/bench_index.py --vault DIR     # an existing vault

Each phase runs in a fresh process, so its peak memory (ru_maxrss; for the cold index, the
largest pool worker too) is its own. The peer is measured in the same run: markdown-it-py's
CommonMark parser with tables and strikethrough, on every note, in one process. Phases:

  bare     read + MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse, every note
  cold     build_index with an empty cache (process pool over all cores)
  warm     build_index again, nothing changed (stat + cache header; nothing hashed or parsed)
  summary  warm build_index plus the counts `labnotes index` prints (resolves every link)
  touch    one note edited, build_index again
  cli      `labnotes index --json` as a user runs it, process start included
"""

from __future__ import annotations

import argparse
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
TARGETS = {"cold": "≤ 0.8 × bare", "warm": "≤ 5 % of cold", "touch": "< 0.5 s"}


def _notes(vault: Path) -> list[Path]:
    return sorted(p for p in vault.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(vault).parts))


def phase(name: str, vault: Path) -> dict:
    """Run one phase in this process; return its figures."""
    if name == "bare":
        from markdown_it import MarkdownIt

        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        files = _notes(vault)
        started = time.perf_counter()
        for path in files:
            md.parse(path.read_text(encoding="utf-8"))
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "notes": len(files)}

    from labnotes.vault import build_index, summary

    if name == "touch":
        target = _notes(vault)[len(_notes(vault)) // 2]
        with open(target, "a", encoding="utf-8") as out:
            out.write(f"\n1. [ ] benchmark edit {time.time()}\n")
    started = time.perf_counter()
    idx = build_index(vault)
    extra = {}
    if name == "summary":
        counts = summary(idx)
        extra = {k: counts[k] for k in ("notes", "tasks", "entries", "links", "unresolved_links")}
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "parsed": idx.stats.parsed, "hashed": idx.stats.hashed, **extra}


def run_phase(name: str, vault: Path, env: dict[str, str]) -> dict:
    if name == "cli":
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from labnotes.cli import main; main()", "index", "--json", "--vault", str(vault)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        return {"seconds": time.perf_counter() - started}
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--vault", str(vault)],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--notes", type=int, default=2000)
    ap.add_argument("--vault", type=Path, help="an existing vault (default: generate one)")
    ap.add_argument("--repeat", type=int, default=1, help="runs of bare and cold; the best counts")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.phase:
        result = phase(args.phase, args.vault)
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
        env = {**os.environ, "LABNOTES_CACHE_DIR": str(Path(tmp) / "cache"), "PYTHONPATH": str(REPO)}
        files = _notes(vault)
        size = sum(p.stat().st_size for p in files)
        print(f"vault: {len(files)} notes, {size / 1e6:.1f} MB, {os.cpu_count()} CPUs")

        best: dict[str, dict] = {}
        for _ in range(args.repeat):
            for name in ("bare", "cold"):
                if name == "cold":
                    for f in (Path(tmp) / "cache").glob("*"):
                        f.unlink()
                r = run_phase(name, vault, env)
                if name not in best or r["seconds"] < best[name]["seconds"]:
                    best[name] = r
        for name in ("warm", "summary", "touch", "cli"):
            best[name] = run_phase(name, vault, env)

        bare, cold = best["bare"]["seconds"], best["cold"]["seconds"]
        rows = [
            ("bare markdown-it-py (peer)", bare, "", best["bare"]),
            ("cold index", cold, f"{cold / bare:.2f} × bare   (target {TARGETS['cold']})", best["cold"]),
            ("warm, nothing changed", best["warm"]["seconds"], f"{100 * best['warm']['seconds'] / cold:.1f} % of cold   (target {TARGETS['warm']})", best["warm"]),
            ("warm + counts (labnotes index)", best["summary"]["seconds"], f"{100 * best['summary']['seconds'] / cold:.1f} % of cold", best["summary"]),
            ("one note changed", best["touch"]["seconds"], f"(target {TARGETS['touch']})", best["touch"]),
            ("`labnotes index --json`, whole process", best["cli"]["seconds"], "", best["cli"]),
        ]
        for label, seconds, note, r in rows:
            peak = f"{r['peak_mb']:>7.1f} MB peak" if "peak_mb" in r else " " * 15
            print(f"{label:<40} {seconds:8.3f} s  {peak}  {note}")
        print(json.dumps({k: {kk: vv for kk, vv in v.items()} for k, v in best.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
