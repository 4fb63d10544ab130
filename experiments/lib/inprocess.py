"""Run an experiment inside this process (tests, notebooks) and put torch's global state back.

    from experiments import mask_ratio
    from experiments.lib.inprocess import run_quick
    result = run_quick(mask_ratio)          # the record the JSON line would hold
"""

from __future__ import annotations

import math
from types import ModuleType

import torch

from .cli import options, run_measure


def run_quick(module: ModuleType, seed: int = 0, **kw) -> dict:
    """`module.measure` with --quick on the CPU; determinism and the RNG are restored after.

    Keyword arguments go to `options` (`images=`, `states=`).
    """
    deterministic = torch.are_deterministic_algorithms_enabled()
    rng = torch.get_rng_state()
    try:
        return run_measure(module.ID, module.measure, options("cpu", quick=True, seed=seed, **kw))
    finally:
        torch.use_deterministic_algorithms(deterministic)
        torch.set_rng_state(rng)


def is_nan(value: object) -> bool:
    """Results carry NaN as the string "nan" (strict JSON)."""
    return value == "nan"


def is_finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)
