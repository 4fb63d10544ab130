"""How big a run is: --quick for CI on a CPU, full size otherwise."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .cli import Options


@dataclass(frozen=True)
class Scale:
    size: int  # image side, pixels
    batch: int  # >= 2: the contrastive loss needs another style in the batch
    iterations: int  # training iterations where an experiment trains
    vgg_width: float  # channels of the VGG stand-in relative to VGG19's


# The VGG stand-in is most of the compute and none of the point (random weights either way):
# --quick narrows it to a quarter so that CI stays fast on two shared cores.
QUICK = Scale(size=32, batch=2, iterations=2, vgg_width=0.25)
FULL = Scale(size=128, batch=4, iterations=5, vgg_width=1.0)


def scale_of(opts: Options) -> Scale:
    """--quick or full size; `--size` changes only the image side (the facts were taken at 64)."""
    s = QUICK if opts.quick else FULL
    return s if opts.size is None else replace(s, size=opts.size)
