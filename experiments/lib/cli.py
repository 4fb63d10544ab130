"""The command line every experiment shares, determinism, and the JSON result line.

    python -m experiments.<id> [--device auto|cpu|cuda] [--quick] [--seed N] [--out FILE]
                               [--images DIR] [--state NAME ...]   (where an experiment takes them)

Bad input (unknown device, CUDA where there is none, a negative or non-integer seed, a
folder that is not there, an unknown state) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

# cuBLAS reads this when CUDA starts; it must be set before the first CUDA call.
os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")

import torch  # noqa: E402


@dataclass(frozen=True)
class Options:
    device: torch.device
    device_name: str  # "cpu" or the CUDA device's name
    quick: bool
    seed: int
    out: Path | None
    images: Path | None = None  # a folder of real style / mask pairs (--images)
    states: tuple[str, ...] = ()  # --state: run only these of the note's states
    size: int | None = None  # --size: the image side instead of the scale's (32 quick, 128 full)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        self.exit(2, f"{self.prog}: error: {message}\n")


def _seed(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}") from None
    if value < 0 or value >= 2**32:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer below 2**32, got {text!r}")
    return value


def _size(text: str) -> int:
    try:
        value = int(text, 10)
    except ValueError:
        value = -1
    # Three stride-2 stages and the octave's half-size branch: the side must halve four times.
    if not (32 <= value <= 1024 and value % 32 == 0):
        raise argparse.ArgumentTypeError(f"size must be a multiple of 32 from 32 to 1024, got {text!r}")
    return value


def parse_options(exp_id: str, description: str, argv: Sequence[str] | None = None, takes: Sequence[str] = ()) -> Options:
    """`takes` names the optional arguments this experiment understands: "images", "states"."""
    p = _Parser(prog=f"python -m experiments.{exp_id}", description=description)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="auto: the GPU when there is one")
    p.add_argument("--quick", action="store_true", help="small sizes, for CI on a CPU")
    p.add_argument("--seed", type=_seed, default=0, help="one seed for inputs, weights and everything else")
    p.add_argument("--out", type=Path, default=None, help="also write the JSON result to this file")
    p.add_argument("--size", type=_size, default=None, metavar="PX",
                   help="image side in pixels (default 32 with --quick, else 128; the real code's figures were taken at 64)")
    if "images" in takes:
        p.add_argument("--images", type=Path, default=None, metavar="DIR",
                       help="also measure on real style / mask pairs: DIR/styles + DIR/masks, or a checkout of the researcher's repository")
    if "states" in takes:
        from .variants import STATES

        p.add_argument("--state", dest="states", action="append", choices=list(STATES), metavar="NAME",
                       help=f"run only this state (repeatable): {', '.join(STATES)}")
    a = p.parse_args(argv)
    if a.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: CUDA is not available on this machine (torch.cuda.is_available() is False)")
    images = getattr(a, "images", None)
    if images is not None and not images.is_dir():
        p.error(f"--images: {images} is not a folder")
    use_cuda = a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available())
    device = torch.device("cuda" if use_cuda else "cpu")
    name = torch.cuda.get_device_name(device) if use_cuda else "cpu"
    return Options(device, name, a.quick, a.seed, a.out, images, tuple(getattr(a, "states", None) or ()), a.size)


def make_deterministic(seed: int) -> None:
    """One seed for everything; no nondeterministic kernels, no TF32 shortcuts on CUDA."""
    torch.manual_seed(seed)
    # warn_only: a kernel without a deterministic version warns instead of stopping the run;
    # the library avoids the ones it knows (reflect-pad and adaptive-pool backward).
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


def jsonable(value: Any) -> Any:
    """Floats to 6 significant digits; inf and nan as the strings "inf", "-inf", "nan"."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return float(f"{value:.6g}")
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, torch.Tensor):
        return jsonable(value.tolist())
    raise TypeError(f"cannot put {type(value).__name__} in the result")


Measure = Callable[[Options], dict]


def result_record(exp_id: str, opts: Options, figures: dict, seconds: float) -> dict:
    """The JSON line: the contract fields first, then the experiment's figures."""
    figures = dict(figures)
    reproduced = figures.pop("reproduced")
    if not isinstance(reproduced, bool):
        raise TypeError("an experiment's 'reproduced' must be a bool computed from its figures")
    return jsonable(
        {
            "id": exp_id,
            "reproduced": reproduced,
            "device": opts.device_name,
            "torch": torch.__version__,
            "cuda": torch.version.cuda if opts.device.type == "cuda" else None,
            "seed": opts.seed,
            "quick": opts.quick,
            **({"size_override": opts.size} if opts.size is not None else {}),
            **({"images": str(opts.images)} if opts.images is not None else {}),
            "seconds": round(seconds, 3),
            **figures,
        }
    )


def threads_for(opts: Options) -> int:
    """CPU threads for a run: one for --quick on the CPU, torch's default otherwise.

    At --quick sizes (32x32, batch 2) each op is too small to share: on two cores a second
    thread saves little, and on a busy machine its OpenMP spin-waits cost several times the
    work itself (measured: one training step of state E, 5.7 s of CPU with 2 threads under
    load, 0.6 s with 1). The figures do not depend on it beyond float rounding.
    """
    return 1 if opts.quick and opts.device.type == "cpu" else torch.get_num_threads()


def run_measure(exp_id: str, measure: Measure, opts: Options) -> dict:
    """Run one experiment in this process and return its record (what tests call)."""
    make_deterministic(opts.seed)
    before = torch.get_num_threads()
    torch.set_num_threads(threads_for(opts))
    try:
        start = time.perf_counter()
        figures = measure(opts)
        return result_record(exp_id, opts, {**figures, "cpu_threads": torch.get_num_threads()}, time.perf_counter() - start)
    finally:
        torch.set_num_threads(before)


def main(exp_id: str, description: str, measure: Measure, argv: Sequence[str] | None = None, takes: Sequence[str] = ()) -> int:
    opts = parse_options(exp_id, description, argv, takes)
    record = run_measure(exp_id, measure, opts)
    line = json.dumps(record, ensure_ascii=False)
    if opts.out is not None:
        opts.out.parent.mkdir(parents=True, exist_ok=True)
        opts.out.write_text(line + "\n", encoding="utf-8")
    print(f"reproduced: {record['reproduced']}  ({record['seconds']} s on {record['device']})")
    print(line, flush=True)
    return 0


def options(device: str = "cpu", quick: bool = True, seed: int = 0, images: Path | None = None, states: tuple[str, ...] = (),
            size: int | None = None) -> Options:
    """Options for calling an experiment from Python (tests, notebooks)."""
    return Options(torch.device(device), "cpu" if device == "cpu" else torch.cuda.get_device_name(), quick, seed, None, images, states, size)


def say(*lines: str) -> None:
    """The human summary: plain lines on stdout, before the JSON line."""
    for line in lines:
        print(line)
    sys.stdout.flush()
