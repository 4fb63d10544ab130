"""The two encoders: content encoder netE (plain convs, no mask) and style encoder netS (partial).

7x7 conv 3->nf (no activation after it); stage 1: OctConv first stride 2 -> 1x1 to 2nf ->
3x3; stage 2: 3x3 stride 2 depthwise (groups 128) -> 1x1 to 4nf -> 3x3; with `stages=3` the
repository's third stage: 3x3 groups 128 on 4nf (grouped, not depthwise), stride 1 in netS
and 2 in netE -> 1x1 to 8nf -> 3x3. LeakyReLU(0.01) after every octave layer. The returned
features are stages 1-2 with two stages and stages 2-3 with three, as the code returned them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .octave import MaskPair, OctAct, OctConv, Pair
from .pconv import PartialConv2d
from .variants import OctaveMasks, Rule


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
    features: list  # the (high, low) features the contrastive loss compares
    masks: MaskPair


class Encoder(nn.Module):
    """`rule=None`: the plain content encoder; a rule: the style encoder's partial convs."""

    def __init__(
        self,
        nf: int = 64,
        stages: int = 2,
        rule: Rule | None = None,
        octave_masks: OctaveMasks = "union",
        stage3_stride: int = 1,
    ) -> None:
        super().__init__()
        if stages not in (2, 3):
            raise ValueError("stages must be 2 or 3")
        self.stages, self.partial = stages, rule is not None
        self.prefix = "PartialOctConv" if self.partial else "OctConv"
        # netE's 7x7 is a biased nn.Conv2d with zero padding; netS's a partial conv, no bias.
        self.conv = PartialConv2d(3, nf, 7, padding=3, bias=not self.partial, rule=rule, zero_pad=not self.partial)
        layers = {
            "1_1": (nf, nf, 3, 2, 1, 1, "first"),
            "1_2": (nf, 2 * nf, 1, 1, 0, 1, "normal"),
            "1_3": (2 * nf, 2 * nf, 3, 1, 1, 1, "normal"),
            "2_1": (2 * nf, 2 * nf, 3, 2, 1, 128, "normal"),
            "2_2": (2 * nf, 4 * nf, 1, 1, 0, 1, "normal"),
            "2_3": (4 * nf, 4 * nf, 3, 1, 1, 1, "normal"),
        }
        if stages == 3:
            layers |= {
                "3_1": (4 * nf, 4 * nf, 3, stage3_stride, 1, 128, "normal"),
                "3_2": (4 * nf, 8 * nf, 1, 1, 0, 1, "normal"),
                "3_3": (8 * nf, 8 * nf, 3, 1, 1, 1, "normal"),
            }
        self.names = []
        for key, (i, o, k, s, p, g, t) in layers.items():
            name = f"{self.prefix}{key}"
            setattr(self, name, OctConv(i, o, k, s, p, g, type=t, rule=rule, octave_masks=octave_masks))
            self.names.append(name)
        self.relu = OctAct()

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> Encoded:
        y, m = self.conv(x, mask if self.partial else None)
        stage_out = []
        for n, name in enumerate(self.names):
            y, m = getattr(self, name)(y, m)
            y = self.relu(y)
            if n % 3 == 2:
                stage_out.append(y)
        style = (adaptive_pool3(y[0]), adaptive_pool3(y[1]))
        return Encoded(content=y, style=style, features=stage_out[-2:], masks=m)


def content_encoder(nf: int, stages: int) -> Encoder:
    return Encoder(nf, stages, None, stage3_stride=2)


def style_encoder(nf: int, stages: int, rule: Rule | None, octave_masks: OctaveMasks, same_stride: bool = False) -> Encoder:
    """netS; `same_stride` gives its third stage netE's stride 2 (the side branch's fix, 2025-07)."""
    return Encoder(nf, stages, rule, octave_masks, stage3_stride=2 if same_stride else 1)
