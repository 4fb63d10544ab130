"""Benchmark the task commands on a warm vault: the task book read back from the index store,
against linking every task line at each run (what every task command did before the book was
stored), against a Python start plus a walk of the vault (the floor), in one run.

    python bench/bench_tasks.py --vault DIR                 # an existing vault (indexed first if cold)
    python bench/bench_tasks.py --notes 2000                # a generated vault in a temp folder
    python bench/bench_tasks.py --vault DIR --before OLD    # also an earlier labnotes checked out in OLD
                                                            # (e.g. `git archive ccb38e3 | tar -x -C OLD`)
    python bench/bench_tasks.py --vault DIR --repeat 3      # best of 3 (by wall time) per phase

Whole-process phases (a fresh `labnotes` process each, warm store, nothing changed):

  floor        python start + os.walk of the vault (what no command can beat)
  index        `labnotes index --json`  (task counts from the stored book)
  tasks        `labnotes tasks`         (the table: tasks not done, each once)
  tasks-json   `labnotes tasks --json`  (every line of each listed task)
  open-since   `labnotes tasks --status open --since D --json`  (D: a week before the newest note)
  routines     `labnotes routines --json`
  task         `labnotes task ID --json`  (one open task's life)
  lines        `labnotes tasks --occurrences --json`  (one row per task line: the per-line peer)
  before-*     the same commands of the `--before` checkout, on the same store (see `_align`)

In-process phases (wall seconds inside one Python process):

  link         every task line read and linked afresh (`queries.tasks.linked_book`): what each task
               command paid before the book was stored
  changed      one note changed (a task line appended to the newest note, put back afterwards):
               build_index (its parse), then the relink at the first task question, split into
               reading + linking and writing the book
  changed-index  the same change, then `labnotes index --json` whole process (it relinks)

The vault's files are changed only by the `changed` phases, and put back byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CLI = [sys.executable, "-P", "-c", "from labnotes.cli.app import main; main()"]
# What the index store's fingerprint reads (labnotes.vault.build.fingerprint).
FINGERPRINTED = ["labnotes/parse", "labnotes/settings/config.py", "labnotes/vault/rows.py", "labnotes/vault/resolve.py"]


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - started, out


def _align(before: Path) -> bool:
    """Give the `--before` checkout's fingerprinted files this checkout's mtimes when their text is
    the same, so that both read one store (no second cold index); False when the parser differs."""
    pairs = []
    for name in FINGERPRINTED:
        mine = REPO / name
        files = [p for p in mine.rglob("*.py") if "__pycache__" not in p.parts] if mine.is_dir() else [mine]
        for p in files:
            theirs = before / p.relative_to(REPO)
            if not theirs.is_file() or theirs.read_bytes() != p.read_bytes():
                return False
            pairs.append((p, theirs))
    theirs_dir = before / "labnotes" / "parse"
    if sorted(p.name for p in theirs_dir.rglob("*.py")) != sorted(p.name for p in (REPO / "labnotes" / "parse").rglob("*.py")):
        return False
    for mine_file, theirs in pairs:
        st = mine_file.stat()
        os.utime(theirs, ns=(st.st_atime_ns, st.st_mtime_ns))
    return True


def _newest_note(vault: Path) -> Path:
    notes = sorted(p for p in vault.rglob("*.md") if p.stem[:4].isdigit())
    return notes[-1]


def phase(name: str, vault: Path) -> dict:
    """One in-process phase, printed as JSON by a child process."""
    gc_threshold = (50_000, 20, 100)  # as labnotes.cli.main sets it
    import gc

    gc.set_threshold(*gc_threshold)
    from labnotes.queries import taskbook
    from labnotes.queries import tasks as q
    from labnotes.vault import build_index

    if name == "link":
        idx = build_index(vault)
        started = time.perf_counter()
        book = q.linked_book(idx)
        return {"seconds": time.perf_counter() - started, "lines": sum(len(t.occurrences) for t in book.tasks), "tasks": len(book.real())}
    assert name == "changed"
    spent = {"read+link": 0.0, "write": 0.0}
    real_link, real_write = taskbook.StoredBook._link, taskbook.StoredBook._write

    def timed_link(self):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_link(self)
        finally:
            spent["read+link"] += time.perf_counter() - t

    def timed_write(self, *args):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_write(self, *args)
        finally:
            spent["write"] += time.perf_counter() - t

    taskbook.StoredBook._link = timed_link  # type: ignore[method-assign]
    taskbook.StoredBook._write = timed_write  # type: ignore[method-assign]
    started = time.perf_counter()
    idx = build_index(vault)
    built = time.perf_counter() - started
    store = q.task_store(idx)
    counts = q.task_counts(idx, book=store)
    total = time.perf_counter() - started
    return {"seconds": total, "build_index": built, "parsed": idx.stats.parsed, "relinked": store.relinked, **spent,
            "open_tasks": counts["open_tasks"]}  # fmt: skip


def _child(name: str, vault: Path, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--vault", str(vault)], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    return dict(json.loads(out.strip().splitlines()[-1]))


class _Changed:
    """A task line appended to the newest note, and the note put back byte for byte."""

    def __init__(self, vault: Path) -> None:
        self.path = _newest_note(vault)
        self.original = self.path.read_bytes()

    def __enter__(self) -> "_Changed":
        self.path.write_bytes(self.original + b"\n- [ ] a task added by bench_tasks\n")
        return self

    def __exit__(self, *exc: object) -> None:
        self.path.write_bytes(self.original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--vault", type=Path)
    parser.add_argument("--before", type=Path, help="an earlier labnotes checkout to time as a peer")
    parser.add_argument("--phase", choices=("link", "changed"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.vault.resolve())))
        return

    tmp = Path(tempfile.mkdtemp(prefix="labnotes-bench-tasks-"))
    try:
        os.environ.setdefault("LABNOTES_CACHE_DIR", str(tmp / "cache"))
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        vault = args.vault.resolve() if args.vault else None
        if vault is None:
            sys.path.insert(0, str(HERE))
            from make_vault import make_vault

            vault = tmp / "vault"
            make_vault(vault, args.notes)
        _, warm = _run([*CLI, "index", "--vault", str(vault), "--json"], env)  # cold once if it must be; links the book
        counts = json.loads(warm)
        listed = json.loads(_run([*CLI, "tasks", "--vault", str(vault), "--json"], env)[1])
        newest = max((t["last_seen"] for t in listed if t["last_seen"]), default="2024-01-01")
        since = (__import__("datetime").date.fromisoformat(newest) - __import__("datetime").timedelta(days=7)).isoformat()
        one = listed[len(listed) // 2]["id"] if listed else "none"
        commands = {
            "index": ["index", "--json"],
            "tasks": ["tasks"],
            "tasks-json": ["tasks", "--json"],
            "open-since": ["tasks", "--status", "open", "--since", since, "--json"],
            "routines": ["routines", "--json"],
            "task": ["task", one, "--json"],
            "lines": ["tasks", "--occurrences", "--json"],
        }
        phases: dict[str, list[str] | None] = {"floor": None, **commands}
        before_env = None
        if args.before is not None:
            shared = _align(args.before.resolve())
            before_env = {**os.environ, "PYTHONPATH": str(args.before.resolve())}
            if not shared:
                before_env["LABNOTES_CACHE_DIR"] = str(tmp / "cache-before")
            _run([*CLI, "index", "--vault", str(vault), "--json"], before_env)
            phases.update({f"before-{k}": v for k, v in commands.items() if k in ("index", "tasks", "tasks-json", "open-since")})
        print(f"vault: {vault}  notes {counts['notes']}, tasks {counts['tasks']} ({counts['open_tasks']} open), "
              f"{counts['placeholders']} placeholders, {counts['task_lines']} task lines; --since {since}; task {one}")  # fmt: skip
        walk = f"import os\nfor _ in os.walk({str(vault)!r}): pass"
        best: dict[str, float] = {}
        sizes: dict[str, int] = {}
        for _ in range(args.repeat):
            for name, cmd in phases.items():
                if cmd is None:
                    seconds, out = _run([sys.executable, "-c", walk], env)
                else:
                    run_env = before_env if name.startswith("before-") else env
                    assert run_env is not None
                    seconds, out = _run([*CLI, *cmd, "--vault", str(vault)], run_env)
                best[name] = min(best.get(name, seconds), seconds)
                sizes[name] = len(out)
        link = min((_child("link", vault, env) for _ in range(args.repeat)), key=lambda r: r["seconds"])
        changed = []
        for _ in range(args.repeat):
            with _Changed(vault):
                changed.append(_child("changed", vault, env))
            _child("changed", vault, env)  # the note put back: indexed and linked again, not timed
        with _Changed(vault):
            changed_index, _ = _run([*CLI, "index", "--vault", str(vault), "--json"], env)
        _run([*CLI, "index", "--vault", str(vault), "--json"], env)
        floor = best["floor"]
        print(f"{'phase':16} {'wall s':>8} {'× floor':>8} {'output':>10}")
        for name in phases:
            print(f"{name:16} {best[name]:8.3f} {best[name] / floor:8.1f} {sizes[name]:>10,} B")
        fast = min(changed, key=lambda r: r["seconds"])
        print(f"{'link (in proc)':16} {link['seconds']:8.3f}           every line read and linked: {link['lines']:,} lines, {link['tasks']:,} tasks")
        print(f"{'changed (in proc)':16} {fast['seconds']:8.3f}           build_index {fast['build_index']:.3f} (parsed {fast['parsed']}) + "
              f"read+link {fast['read+link']:.3f} + write {fast['write']:.3f}; relinked {fast['relinked']}")  # fmt: skip
        print(f"{'changed-index':16} {changed_index:8.3f} {changed_index / floor:8.1f}            whole process, relinks")
        print(f"best of {args.repeat}; load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
