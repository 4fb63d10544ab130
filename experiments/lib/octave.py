"""Octave convolution over (high, low) pairs, partial when masks come along.

The low branch runs at half the high branch's resolution. `OctConv` takes `(h, l)` (or an
image for `type="first"`) and optional masks of the same shape, and returns the pair and the
masks; every conv inside is a `PartialConv2d`, which is a plain conv when the mask is None.
"""

from __future__ import annotations

from typing import Literal, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .pconv import Masked, PartialConv2d
from .variants import FIXED, Bugs, OctaveMasks

Pair = Tuple[torch.Tensor, torch.Tensor]
MaskPair = Optional[Tuple[torch.Tensor, torch.Tensor]]
OctType = Literal["first", "normal", "last"]


def pool(x: torch.Tensor | None) -> torch.Tensor | None:
    return None if x is None else F.avg_pool2d(x, 2)


def up(x: torch.Tensor | None) -> torch.Tensor | None:
    return None if x is None else F.interpolate(x, scale_factor=2.0, mode="nearest")


def merge_masks(a: torch.Tensor | None, b: torch.Tensor | None, how: OctaveMasks) -> torch.Tensor | None:
    """The mask of a branch that two convs write into."""
    if a is None or b is None:
        return None
    if how == "sum":
        return a + b  # the note's `hf, h_mask = tuple(x + y ...)`: 1.0 + 1.0 = 2.0
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
        alpha_in: float = 0.5,
        alpha_out: float = 0.5,
        type: OctType = "normal",
        bias: bool = False,
        ratios: tuple[float, float] = (1.0, 1.0),
        bugs: Bugs = FIXED,
    ) -> None:
        super().__init__()
        self.type, self.bugs, self.ratios = type, bugs, ratios
        conv = lambda i, o, g=1: PartialConv2d(i, o, kernel_size, stride, padding, g, bias, bugs)  # noqa: E731
        hi_out, lo_out = split(out_ch, alpha_out)
        hi_in, lo_in = split(in_ch, alpha_in)
        if type == "first":
            self.conv_h, self.conv_l = conv(in_ch, hi_out), conv(in_ch, lo_out)
        elif type == "last":
            self.conv_h, self.conv_l = conv(hi_in, out_ch), conv(lo_in, out_ch)
        else:
            self.depthwise = groups == in_ch and groups > 1
            if self.depthwise:
                self.H2H, self.L2L = conv(hi_in, hi_out, hi_in), conv(lo_in, lo_out, lo_in)
            else:
                self.H2H, self.L2H = conv(hi_in, hi_out), conv(lo_in, hi_out)
                self.L2L, self.H2L = conv(lo_in, lo_out), conv(hi_in, lo_out)

    def forward(self, x, mask=None):
        if self.type == "first":
            h, mh = self.conv_h(x, mask)
            l, ml = self.conv_l(pool(x), pool(mask))
            return Masked((h, l), _pair(mh, ml))
        (h, l), (mh, ml) = x, (mask if mask is not None else (None, None))
        if self.type == "last":
            oh, omh = self.conv_h(h, mh)
            ol, oml = self.conv_l(l, ml)
            ol, oml = up(ol), up(oml)
            out = oh * self.ratios[0] + ol * self.ratios[1]
            return Masked((out, oh, ol), merge_masks(omh, oml, self.bugs.octave_masks))
        if self.depthwise:
            (hh, mhh), (ll, mll) = self.H2H(h, mh), self.L2L(l, ml)
            return Masked((hh, ll), _pair(mhh, mll))
        hh, mhh = self.H2H(h, mh)
        lh, mlh = self.L2H(up(l), up(ml))
        ll, mll = self.L2L(l, ml)
        hl, mhl = self.H2L(pool(h), pool(mh))
        how = self.bugs.octave_masks
        return Masked((hh + lh, ll + hl), _pair(merge_masks(mhh, mlh, how), merge_masks(mll, mhl, how)))


def _pair(a: torch.Tensor | None, b: torch.Tensor | None) -> MaskPair:
    return None if a is None or b is None else (a, b)


class OctAct(nn.Module):
    """LeakyReLU on both branches (a module so the tracer sees activations as layers)."""

    def __init__(self, slope: float = 0.2) -> None:
        super().__init__()
        self.slope = slope

    def forward(self, x: Pair) -> Pair:
        return tuple(F.leaky_relu(t, self.slope) for t in x)  # type: ignore[return-value]
