"""Run every experiment in the manifest and write one results file for this device.

    python -m experiments.run_all [--device auto|cpu|cuda] [--quick] [--seed N] [--out FILE] [--only ID ...] [--update]

Each experiment runs in its own process, exactly as `python -m experiments.<id>` would; its
last stdout line (the JSON result) and its wall time are collected into
`experiments/results/<device-slug>.json` (`<device-slug>-quick.json` with --quick), with the
device name and the torch / CUDA / cuDNN versions. `--update` keeps the rows of the file
that is there and replaces only the experiments run now (a full-size rerun of one
experiment need not redo half an hour of the others); each row says when it ran. Progress
goes to stderr. Exit status: 0
when every experiment ran and reproduced, 1 when one failed or did not reproduce, 2 for bad
input.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Sequence

import yaml

from experiments.lib.cli import _Parser, _seed

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MANIFEST = HERE / "manifest.yaml"
TIMEOUT_S = 1800


def load_manifest(path: Path = MANIFEST) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["experiments"]


def slug(name: str) -> str:
    """"NVIDIA H100 80GB HBM3" -> "nvidia-h100-80gb-hbm3"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "device"


def run_one(exp: dict, device: str, quick: bool, seed: int) -> dict:
    cmd = [sys.executable, "-m", f"experiments.{exp['id']}", "--device", device, "--seed", str(seed)] + (["--quick"] if quick else [])
    start = time.perf_counter()
    before = _children_cpu()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as exc:
        code, out, err = None, exc.stdout or "", f"timed out after {TIMEOUT_S} s"
        out = out if isinstance(out, str) else out.decode(errors="replace")
    wall = time.perf_counter() - start
    cpu = _children_cpu() - before
    result = _last_json(out)
    return {
        "id": exp["id"],
        "title": exp.get("title"),
        "reproduces": exp.get("reproduces", []),
        "command": " ".join(["python"] + cmd[1:]),
        "returncode": code,
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "result": result,
        "error": None if code == 0 and result is not None else (err or "").strip()[-2000:],
    }


def _children_cpu() -> float:
    # CPU seconds (user + system) of finished children: on a shared machine the wall time
    # says how busy the machine was, the CPU time what the experiment cost.
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _last_json(stdout: str) -> dict | None:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        value = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def environment(device: str) -> dict:
    import torch

    use_cuda = device == "cuda" or (device == "auto" and torch.cuda.is_available())
    return {
        "device": torch.cuda.get_device_name() if use_cuda else "cpu",
        "torch": torch.__version__,
        "cuda": torch.version.cuda if use_cuda else None,
        "cudnn": torch.backends.cudnn.version() if use_cuda else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": cpu_model(),
        "cpu_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
    }


def cpu_model() -> str:
    """The processor's name ("AMD EPYC 7B13"), from /proc/cpuinfo where there is one."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _kept_rows(p: _Parser, out: Path, env: dict, quick: bool, seed: int) -> dict[str, dict]:
    """The rows of the results file `--update` adds to, by id; one of another run's kind is refused."""
    if not out.is_file():
        return {}
    try:
        old = json.loads(out.read_text(encoding="utf-8"))
        rows = {r["id"]: r for r in old["experiments"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        p.error(f"--update: {out} is not a run_all results file ({exc})")
    theirs = (old.get("device"), old.get("quick"), old.get("seed"))
    if theirs != (env["device"], quick, seed):
        p.error(f"--update: {out} holds device {theirs[0]}, quick {theirs[1]}, seed {theirs[2]}; this run is {env['device']}, {quick}, {seed}")
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    p = _Parser(prog="python -m experiments.run_all", description="Run every experiment in experiments/manifest.yaml.")
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--seed", type=_seed, default=0)
    p.add_argument("--out", type=Path, default=None, help="results file (default: experiments/results/<device-slug>.json)")
    p.add_argument("--only", nargs="+", metavar="ID", help="run only these experiments")
    p.add_argument("--update", action="store_true",
                   help="keep the results file's other rows and replace those run now (same device, size and seed only)")
    a = p.parse_args(argv)
    import torch

    if a.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: CUDA is not available on this machine (torch.cuda.is_available() is False)")
    experiments = load_manifest()
    if a.only:
        unknown = sorted(set(a.only) - {e["id"] for e in experiments})
        if unknown:
            p.error(f"--only: not in the manifest: {', '.join(unknown)}")
        experiments = [e for e in experiments if e["id"] in a.only]
    env = environment(a.device)
    device = "cuda" if env["cuda"] is not None else "cpu"
    out = a.out or HERE / "results" / f"{slug(env['device'])}{'-quick' if a.quick else ''}.json"
    kept = _kept_rows(p, out, env, a.quick, a.seed) if a.update else {}
    rows = []
    for exp in experiments:
        print(f"[run_all] {exp['id']} ...", file=sys.stderr, flush=True)
        row = run_one(exp, device, a.quick, a.seed)
        state = "reproduced" if row["result"] and row["result"].get("reproduced") else ("FAILED" if row["result"] is None else "NOT reproduced")
        print(f"[run_all] {exp['id']}: {state} in {row['wall_seconds']:.1f} s ({row['cpu_seconds']:.1f} s CPU)", file=sys.stderr, flush=True)
        rows.append({**row, "ran_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")})
    if kept:
        run_now = {r["id"]: r for r in rows}
        rows = [run_now.get(e["id"]) or kept[e["id"]] for e in load_manifest() if e["id"] in run_now or e["id"] in kept]
    report = {
        **env,
        "device_slug": slug(env["device"]),
        "quick": a.quick,
        "seed": a.seed,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "all_reproduced": all(r["result"] is not None and r["result"].get("reproduced") is True for r in rows),
        "total_wall_seconds": round(sum(r["wall_seconds"] for r in rows), 3),
        "total_cpu_seconds": round(sum(r["cpu_seconds"] for r in rows), 3),
        "experiments": rows,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out)
    for r in rows:
        res = r["result"] or {}
        print(f"{r['id']:<16} {'reproduced' if res.get('reproduced') else 'NOT reproduced' if res else 'FAILED':<15} {r['wall_seconds']:>8.1f} s {r['cpu_seconds']:>8.1f} s CPU")
    print(f"results: {out}")
    return 0 if report["all_reproduced"] else 1


if __name__ == "__main__":
    sys.exit(main())
