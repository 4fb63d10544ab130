"""Small measurements several experiments share."""

from __future__ import annotations

import math
from typing import Callable

import torch
from torch import nn

from .pconv import PartialConv2d
from .tracer import LayerRecord, Trace
from .variants import Rule


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


def plain_conv_stack(rule: Rule, depth: int = 4) -> nn.ModuleList:
    """netS's 7x7 partial conv followed by `depth` ungrouped 3x3 partial convs, 64 -> 64."""
    layers = [PartialConv2d(3, 64, 7, padding=3, rule=rule)]
    layers += [PartialConv2d(64, 64, 3, padding=1, rule=rule) for _ in range(depth)]
    return nn.ModuleList(layers)


def build(factory: Callable[[], nn.Module], seed: int, device: torch.device) -> nn.Module:
    """A model built right after seeding, so variants start from the same weights."""
    torch.manual_seed(seed)
    return factory().to(device)


def record(r: LayerRecord | None) -> dict | None:
    """A trace record as the JSON line carries it."""
    if r is None:
        return None
    return {"module": r.name, "kind": r.kind, "nan": r.has_nan, "inf": r.has_inf, "inputs_finite": r.inputs_finite}
