"""Small measurements several experiments share."""

from __future__ import annotations

import math

import torch
from torch import nn

from .tracer import Trace


def max_abs(x: torch.Tensor) -> float:
    return float(x.detach().abs().max())


def growth(trace: Trace, names: list[str], input_max: float) -> dict[str, float]:
    """max|x| of each named layer divided by that of the layer before it (the input first)."""
    out, prev = {}, input_max
    for name in names:
        cur = trace.max_abs(name)
        out[name] = cur / prev if prev else math.nan
        prev = cur
    return out


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def plain_conv_stack(bugs, depth: int = 4) -> nn.ModuleList:
    """The encoder's 7x7 conv followed by `depth` plain 3x3 partial convs, 64 -> 64."""
    from .encoder import PlainBlock
    from .pconv import PartialConv2d

    layers = [PlainBlock(PartialConv2d(3, 64, 7, padding=3, bugs=bugs))]
    layers += [PlainBlock(PartialConv2d(64, 64, 3, padding=1, bugs=bugs)) for _ in range(depth)]
    return nn.ModuleList(layers)


def build(factory, seed: int, device: torch.device) -> nn.Module:
    """A model built right after seeding, so buggy and fixed variants start from the same weights."""
    torch.manual_seed(seed)
    return factory().to(device)
