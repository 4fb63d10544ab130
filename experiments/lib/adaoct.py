"""AdaOctConv: per-sample kernels predicted from the style code, applied to content.

The predicted depthwise and pointwise kernels are both linear in the style code, so the
output grows with the square of the style magnitude: a style code of 1e6 gives ~1e12.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .octave import OctConv, Pair, split
from .pconv import reflect_pad
from .variants import FIXED, Bugs


class KernelPredictor(nn.Module):
    """Maps a (B, S, 3, 3) style code to depthwise (B, C, 3, 3) and pointwise kernels and a bias."""

    def __init__(self, style_ch: int, ch: int, pw_groups: int) -> None:
        super().__init__()
        self.ch, self.pw_groups = ch, pw_groups
        self.depthwise = nn.Conv2d(style_ch, ch, 3, padding=1)
        self.pointwise = nn.Linear(style_ch, ch * (ch // pw_groups))
        self.bias = nn.Linear(style_ch, ch)

    def forward(self, code: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b = code.shape[0]
        pooled = code.mean(dim=(2, 3))
        dw = self.depthwise(code).reshape(b * self.ch, 1, 3, 3)
        pw = self.pointwise(pooled).reshape(b * self.ch, self.ch // self.pw_groups, 1, 1)
        return dw, pw, self.bias(pooled).reshape(b * self.ch)


def apply_kernels(x: torch.Tensor, dw: torch.Tensor, pw: torch.Tensor, bias: torch.Tensor, pw_groups: int) -> torch.Tensor:
    """Each sample convolved with its own kernels: the batch folded into the channels."""
    b, c, h, w = x.shape
    y = F.conv2d(reflect_pad(x.reshape(1, b * c, h, w), 1), dw, groups=b * c)
    y = F.conv2d(y, pw, bias, groups=b * pw_groups)
    return y.reshape(b, c, h, w)


class AdaOctConv(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, style_ch: int, pw_groups: int = 4, bugs: Bugs = FIXED) -> None:
        super().__init__()
        (hi, lo), (s_hi, s_lo) = split(in_ch, 0.5), split(style_ch, 0.5)
        self.pw_groups = pw_groups
        self.predict_h = KernelPredictor(s_hi, hi, pw_groups)
        self.predict_l = KernelPredictor(s_lo, lo, pw_groups)
        self.OctConv = OctConv(in_ch, out_ch, 3, padding=1, bugs=bugs)

    def forward(self, content: Pair, style: Pair) -> Pair:
        (h, l), (sh, sl) = content, style
        h = apply_kernels(F.instance_norm(h), *self.predict_h(sh), self.pw_groups)
        l = apply_kernels(F.instance_norm(l), *self.predict_l(sl), self.pw_groups)
        out, _ = self.OctConv((h, l))
        return out
