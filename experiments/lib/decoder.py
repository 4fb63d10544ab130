"""The decoder (netG): one AdaOctConv stage per encoder stage plus one, then RGB.

Each stage: AdaOctConv -> 1x1 OctConv to half the channels -> x2 upsampling ->
`oct_conv_aftup` (a biased 3x3 conv per branch); the last stage ends in a 1x1 OctConv "last"
and a biased 1x1 conv to RGB, applied to the image and to its high and low parts. With two
encoder stages (AesFA): 4nf -> 2nf -> nf, kernel-predictor group divisors 1, 2, 4. With
three (the repository): 8nf -> 4nf -> 2nf -> nf, divisors 1, 1, 2, 4. The decoder carries
no masks: every conv in it is plain.
"""

from __future__ import annotations

import torch
from torch import nn

from .adaoct import AdaOctConv
from .octave import OctConv, Pair, split, up
from .pconv import PartialConv2d


class AfterUp(nn.Module):
    """`oct_conv_aftup`: a biased 3x3 conv per branch after the x2 upsampling."""

    def __init__(self, ch: int) -> None:
        super().__init__()
        hi, lo = split(ch, 0.5)
        self.conv_h = PartialConv2d(hi, hi, 3, padding=1, bias=True)
        self.conv_l = PartialConv2d(lo, lo, 3, padding=1, bias=True)

    def forward(self, x: Pair) -> Pair:
        return self.conv_h(up(x[0]))[0], self.conv_l(up(x[1]))[0]


class Decoder(nn.Module):
    def __init__(self, nf: int = 64, stages: int = 2) -> None:
        super().__init__()
        if stages == 2:
            widths, divs, groups = [4 * nf, 2 * nf, nf], [1, 2, 4], [4 * nf, 2 * nf, nf]
        else:
            widths, divs, groups = [8 * nf, 4 * nf, 2 * nf, nf], [1, 1, 2, 4], [4 * nf, 4 * nf, 2 * nf, nf]
        style_ch = widths[0]
        self.n = len(widths)
        for i, (ch, div, g) in enumerate(zip(widths, divs, groups), 1):
            setattr(self, f"AdaOctConv{i}_1", AdaOctConv(ch, div, style_ch, g))
            if i < self.n:
                setattr(self, f"OctConv{i}_2", OctConv(ch, widths[i], 1))
                setattr(self, f"oct_conv_aftup_{i}", AfterUp(widths[i]))
            else:
                setattr(self, f"OctConv{i}_2", OctConv(ch, nf // 2, 1, type="last"))
        self.rgb_name = f"conv{self.n + 1}"
        setattr(self, self.rgb_name, PartialConv2d(nf // 2, 3, 1, bias=True))

    def forward(self, content: Pair, style: Pair) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        x = content
        for i in range(1, self.n + 1):
            x = getattr(self, f"AdaOctConv{i}_1")(x, style)
            if i < self.n:
                x, _ = getattr(self, f"OctConv{i}_2")(x)
                x = getattr(self, f"oct_conv_aftup_{i}")(x)
        (out, high, low), _ = getattr(self, f"OctConv{self.n}_2")(x)
        rgb = getattr(self, self.rgb_name)
        return rgb(out)[0], rgb(high)[0], rgb(low)[0]
