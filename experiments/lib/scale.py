"""How big a run is: --quick for CI on a CPU, full size otherwise."""

from __future__ import annotations

from dataclasses import dataclass

from .cli import Options


@dataclass(frozen=True)
class Scale:
    size: int  # image side, pixels
    batch: int  # >= 2: the contrastive loss needs another style in the batch
    iterations: int  # training iterations where an experiment trains


QUICK = Scale(size=32, batch=2, iterations=3)
FULL = Scale(size=128, batch=4, iterations=5)


def scale_of(opts: Options) -> Scale:
    return QUICK if opts.quick else FULL
