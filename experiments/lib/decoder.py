"""The decoder: three AdaOctConv stages, upsampling after the first two, then RGB.

It carries no masks, so it is built from correct layers whatever the encoders' bugs: the
mask kernel's aliasing lived in the partial convs of the encoders.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .adaoct import AdaOctConv
from .encoder import SLOPE
from .octave import OctConv, Pair, up
from .pconv import PartialConv2d
from .variants import FIXED, Bugs


class AfterUp(nn.Module):
    """`oct_conv_aftup`: a biased 3x3 conv per branch after the x2 upsampling."""

    def __init__(self, ch: int, bugs: Bugs = FIXED) -> None:
        super().__init__()
        half = ch // 2
        self.conv_h = PartialConv2d(half, half, 3, padding=1, bias=True, bugs=bugs)
        self.conv_l = PartialConv2d(ch - half, ch - half, 3, padding=1, bias=True, bugs=bugs)

    def forward(self, x: Pair) -> Pair:
        return self.conv_h(x[0])[0], self.conv_l(x[1])[0]


def _act(x: Pair) -> Pair:
    return F.leaky_relu(x[0], SLOPE), F.leaky_relu(x[1], SLOPE)


class Decoder(nn.Module):
    def __init__(self, nf: int = 64) -> None:
        super().__init__()
        bugs = FIXED
        style_ch = 4 * nf
        self.AdaOctConv1_1 = AdaOctConv(4 * nf, 4 * nf, style_ch, bugs=bugs)
        self.OctConv1_2 = OctConv(4 * nf, 2 * nf, 1, bugs=bugs)
        self.oct_conv_aftup_1 = AfterUp(2 * nf, bugs)
        self.AdaOctConv2_1 = AdaOctConv(2 * nf, 2 * nf, style_ch, bugs=bugs)
        self.OctConv2_2 = OctConv(2 * nf, nf, 1, bugs=bugs)
        self.oct_conv_aftup_2 = AfterUp(nf, bugs)
        self.AdaOctConv3_1 = AdaOctConv(nf, nf, style_ch, bugs=bugs)
        self.OctConv3_2 = OctConv(nf, nf // 2, 3, padding=1, type="last", bugs=bugs)
        self.conv4 = PartialConv2d(nf // 2, 3, 1, bugs=bugs)

    def forward(self, content: Pair, style: Pair) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = content
        for n in (1, 2):
            x = _act(getattr(self, f"AdaOctConv{n}_1")(x, style))
            x = _act(getattr(self, f"OctConv{n}_2")(x)[0])
            x = getattr(self, f"oct_conv_aftup_{n}")((up(x[0]), up(x[1])))
        x = _act(self.AdaOctConv3_1(x, style))
        (out, high, low), _ = self.OctConv3_2(x)
        image, _ = self.conv4(out)
        return image, high, low
