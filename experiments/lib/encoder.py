"""The encoder used twice: content encoder netE and style encoder netS (separate weights).

7x7 conv 3->nf, then stage 1: OctConv first stride 2 -> 1x1 to 2nf -> 3x3; stage 2: 3x3
stride 2 depthwise -> 1x1 to 4nf -> 3x3; LeakyReLU after each. `stages=3` repeats the last
stage once, as the note did on 12-03.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .octave import MaskPair, OctConv, Pair
from .pconv import Masked, PartialConv2d
from .variants import FIXED, Bugs

SLOPE = 0.2


class PlainBlock(nn.Module):
    """A partial conv and its LeakyReLU."""

    def __init__(self, conv: PartialConv2d) -> None:
        super().__init__()
        self.conv = conv

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None):
        y, m = self.conv(x, mask)
        return Masked(F.leaky_relu(y, SLOPE), m)


class OctBlock(nn.Module):
    """An octave conv and the LeakyReLU on both branches."""

    def __init__(self, conv: OctConv) -> None:
        super().__init__()
        self.conv = conv

    def forward(self, x, mask: MaskPair = None):
        (h, l), m = self.conv(x, mask)
        return Masked((F.leaky_relu(h, SLOPE), F.leaky_relu(l, SLOPE)), m)


def adaptive_pool3(x: torch.Tensor) -> torch.Tensor:
    """adaptive_avg_pool2d(x, 3) as two small matmuls: deterministic on CUDA, same values."""
    return torch.einsum("ih,bchw,jw->bcij", _pool_matrix(x.shape[-2], x), x, _pool_matrix(x.shape[-1], x))


def _pool_matrix(n: int, like: torch.Tensor) -> torch.Tensor:
    m = torch.zeros(3, n, dtype=like.dtype, device=like.device)
    for i in range(3):
        lo, hi = (i * n) // 3, -((-(i + 1) * n) // 3)
        m[i, lo:hi] = 1.0 / (hi - lo)
    return m


@dataclass
class Encoded:
    content: Pair  # the last stage's (high, low) features
    style: Pair  # the style code: each branch pooled to 3x3
    features: list  # per-stage (high, low) features
    masks: MaskPair


class Encoder(nn.Module):
    def __init__(self, nf: int = 64, stages: int = 2, bugs: Bugs = FIXED) -> None:
        super().__init__()
        if stages not in (2, 3):
            raise ValueError("stages must be 2 or 3")
        self.stages = stages
        self.conv0 = PlainBlock(PartialConv2d(3, nf, 7, padding=3, bugs=bugs))
        oct = lambda *a, **k: OctBlock(OctConv(*a, bugs=bugs, **k))  # noqa: E731
        self.oct1_1 = oct(nf, nf, 3, stride=2, padding=1, type="first")
        self.oct1_2 = oct(nf, 2 * nf, 1)
        self.oct1_3 = oct(2 * nf, 2 * nf, 3, padding=1)
        self.oct2_1 = oct(2 * nf, 2 * nf, 3, stride=2, padding=1, groups=2 * nf)
        self.oct2_2 = oct(2 * nf, 4 * nf, 1)
        self.oct2_3 = oct(4 * nf, 4 * nf, 3, padding=1)
        if stages == 3:
            self.oct3_1 = oct(4 * nf, 4 * nf, 3, stride=2, padding=1, groups=4 * nf)
            self.oct3_2 = oct(4 * nf, 4 * nf, 1)
            self.oct3_3 = oct(4 * nf, 4 * nf, 3, padding=1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> Encoded:
        y, m = self.conv0(x, mask)
        features = []
        for s in range(1, self.stages + 1):
            for j in (1, 2, 3):
                y, m = getattr(self, f"oct{s}_{j}")(y, m)
            features.append(y)
        style = (adaptive_pool3(y[0]), adaptive_pool3(y[1]))
        return Encoded(content=y, style=style, features=features, masks=m)
