"""Seed sweeps: `--seeds 0-9` (or `0,3,7`, or `0-4,10`) and what a figure did over the seeds.

A finding is trusted when it holds over seeds: `summarise` says in how many of them the experiment
reproduced, and for each numeric figure its median, min and max over the runs that gave it.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from labnotes.lab.compare import _is_figure, flatten

# A sweep is launched by hand: more seeds than this is a typo (0-99999), not a plan.
MAX_SEEDS = 1000
SEED_LIMIT = 2**32  # what every experiment accepts (experiments/lib/cli.py)
_PART = re.compile(r"\s*(\d{1,10})\s*(?:-\s*(\d{1,10})\s*)?\Z")


class SeedsError(ValueError):
    """A --seeds value that is not a list of seeds; the message is one line."""


def parse_seeds(text: str) -> list[int]:
    """`0-9`, `0,3,7`, `0-4,10` -> the seeds in order, without repeats."""
    seeds: list[int] = []
    for part in text.split(","):
        m = _PART.match(part)
        if not m:
            raise SeedsError(f"--seeds: expected seeds like 0-9 or 0,3,7, got {text!r}")
        low = int(m[1])
        high = int(m[2]) if m[2] is not None else low
        if high < low:
            raise SeedsError(f"--seeds: {part.strip()} runs backwards")
        if high >= SEED_LIMIT:
            raise SeedsError(f"--seeds: a seed must be below 2**32, got {high}")
        if high - low + 1 + len(seeds) > MAX_SEEDS:
            raise SeedsError(f"--seeds: at most {MAX_SEEDS} seeds in one sweep")
        seeds.extend(range(low, high + 1))
    return list(dict.fromkeys(seeds))


@dataclass(frozen=True, slots=True)
class Spread:
    median: float
    min: float
    max: float
    runs: int  # how many runs gave this figure as a number

    def to_json(self) -> dict[str, float | int]:
        return {"median": self.median, "min": self.min, "max": self.max, "runs": self.runs}


@dataclass(frozen=True, slots=True)
class SweepSummary:
    experiment: str
    seeds: tuple[int, ...]  # the seeds with a finished run, in order
    reproduced: int  # in how many of them the experiment reproduced
    finished: int  # runs with a result
    figures: dict[str, Spread]

    def to_json(self) -> dict[str, Any]:
        return {
            "experiment": self.experiment,
            "seeds": list(self.seeds),
            "reproduced": self.reproduced,
            "finished": self.finished,
            "figures": {k: v.to_json() for k, v in self.figures.items()},
        }


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    if isinstance(value, str):  # the experiments write inf and nan as strings
        return float(value) if value in ("inf", "-inf", "nan") else None
    try:
        return float(value)
    except OverflowError:
        return None


def summarise(experiment: str, records: Iterable[Mapping[str, Any]]) -> SweepSummary:
    """Each figure over the newest run of each seed (median, min, max), and the reproduced count."""
    newest: dict[int, Mapping[str, Any]] = {}
    for r in records:
        seed = r.get("seed")
        if r.get("experiment") == experiment and isinstance(seed, int) and isinstance(r.get("result"), dict):
            newest[seed] = r
    values: dict[str, list[float]] = {}
    for r in newest.values():
        for key, value in flatten(r["result"]).items():
            number = _number(value)
            if number is not None and _is_figure(key):
                values.setdefault(key, []).append(number)
    figures = {}
    for key, got in values.items():
        finite = [v for v in got if v == v]  # nan is no point of a spread; it still counts as a run
        if finite:
            figures[key] = Spread(statistics.median(finite), min(finite), max(finite), len(got))
    return SweepSummary(
        experiment=experiment,
        seeds=tuple(sorted(newest)),
        reproduced=sum(1 for r in newest.values() if r.get("reproduced") is True),
        finished=len(newest),
        figures=figures,
    )
