"""Octave convolution over (high, low) pairs; partial when it has a rule and masks come along.

The low branch runs at half the high branch's resolution. As in AesFA, a "normal" layer's
high-to-high conv has ceil(groups - alpha * groups) groups, its low-to-low ceil(alpha *
groups), the cross convs `groups`; a layer is depthwise (no cross convs) when groups equals
its input channels. A layer with groups 128 on 256 channels (the third stage) is therefore
grouped but not depthwise.
"""

from __future__ import annotations

import math
from typing import Literal, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .pconv import Masked, PartialConv2d
from .variants import OctaveMasks, Rule

Pair = Tuple[torch.Tensor, torch.Tensor]
MaskPair = Optional[Tuple[torch.Tensor, torch.Tensor]]
OctType = Literal["first", "normal", "last"]
SLOPE = 0.01  # nn.LeakyReLU's default, which every activation of the network uses


def pool(x: torch.Tensor | None) -> torch.Tensor | None:
    return None if x is None else F.avg_pool2d(x, 2)


def up(x: torch.Tensor | None) -> torch.Tensor | None:
    return None if x is None else F.interpolate(x, scale_factor=2.0, mode="nearest")


def merge_masks(a: torch.Tensor | None, b: torch.Tensor | None, how: OctaveMasks) -> torch.Tensor | None:
    """The mask of a branch that two convs write into."""
    if a is None or b is None:
        return None
    if how == "sum":
        return a + b  # `hf, h_mask = tuple(x + y ...)`: 1.0 + 1.0 = 2.0
    if how == "h2h":
        return a
    return (a + b).clamp(0, 1)


def split(channels: int, alpha: float) -> tuple[int, int]:
    high = int(channels * (1 - alpha))
    return high, channels - high


class OctConv(nn.Module):
    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        groups: int = 1,
        alpha: float = 0.5,
        type: OctType = "normal",
        rule: Rule | None = None,
        octave_masks: OctaveMasks = "union",
    ) -> None:
        super().__init__()
        self.type, self.octave_masks = type, octave_masks
        conv = lambda i, o, g=1: PartialConv2d(i, o, kernel_size, stride, padding, g, False, rule)  # noqa: E731
        hi_out, lo_out = split(out_ch, alpha)
        hi_in, lo_in = split(in_ch, alpha)
        self.depthwise = type == "normal" and groups == in_ch
        if type == "first":
            self.conv_h, self.conv_l = conv(in_ch, hi_out), conv(in_ch, lo_out)
        elif type == "last":
            self.conv_h, self.conv_l = conv(hi_in, out_ch), conv(lo_in, out_ch)
        else:
            # The repository builds these in two different orders (partial: L2L, H2H, L2H, H2L;
            # plain: L2L, L2H, H2L, H2H); following them keeps seeded weights those of the code.
            self.L2L = conv(lo_in, lo_out, math.ceil(alpha * groups))
            if rule is not None:
                self.H2H = conv(hi_in, hi_out, math.ceil(groups - alpha * groups))
            if not self.depthwise:
                self.L2H, self.H2L = conv(lo_in, hi_out, groups), conv(hi_in, lo_out, groups)
            if rule is None:
                self.H2H = conv(hi_in, hi_out, math.ceil(groups - alpha * groups))

    def forward(self, x, mask=None, ratios: tuple[float, float] = (1.0, 1.0)):
        if self.type == "first":
            h, mh = self.conv_h(x, mask)
            l, ml = self.conv_l(pool(x), pool(mask))
            return Masked((h, l), _pair(mh, ml))
        (h, l), (mh, ml) = x, (mask if mask is not None else (None, None))
        if self.type == "last":
            oh, _ = self.conv_h(h, mh)
            ol, _ = self.conv_l(up(l), up(ml))
            return Masked((oh * ratios[0] + ol * ratios[1], oh, ol), None)
        if self.depthwise:
            (hh, mhh), (ll, mll) = self.H2H(h, mh), self.L2L(l, ml)
            return Masked((hh, ll), _pair(mhh, mll))
        hh, mhh = self.H2H(h, mh)
        lh, mlh = self.L2H(up(l), up(ml))
        ll, mll = self.L2L(l, ml)
        hl, mhl = self.H2L(pool(h), pool(mh))
        how = self.octave_masks
        return Masked((hh + lh, ll + hl), _pair(merge_masks(mhh, mlh, how), merge_masks(mll, mhl, how)))


def _pair(a: torch.Tensor | None, b: torch.Tensor | None) -> MaskPair:
    return None if a is None or b is None else (a, b)


class OctAct(nn.Module):
    """LeakyReLU(0.01) on both branches (a module, so the tracer sees activations as layers)."""

    def forward(self, x: Pair) -> Pair:
        return F.leaky_relu(x[0], SLOPE), F.leaky_relu(x[1], SLOPE)
