"""AdaOctConv: per-sample kernels predicted from the style code, applied to content.

The kernel predictor turns the (B, S, 3, 3) style code into a grouped 3x3 kernel, a grouped
pointwise kernel and a bias per sample; AdaConv instance-normalises the content, convolves
each sample with its own kernels and then applies a learned 3x3 conv of its own. Both
predicted kernels are linear in the style code, so the output grows with its square: a
style code of 1e18 overflows float32 right here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .octave import OctConv, Pair, SLOPE, split
from .pconv import reflect_pad


class KernelPredictor(nn.Module):
    def __init__(self, ch: int, groups: int, style_ch: int, k: int = 3) -> None:
        super().__init__()
        self.ch, self.groups, self.k = ch, groups, k
        self.spatial = nn.Conv2d(style_ch, ch * ch // groups, k)
        self.pointwise = nn.Conv2d(style_ch, ch * ch // groups, 1)
        self.bias = nn.Conv2d(style_ch, ch, 1)

    def forward(self, code: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        b = code.shape[0]
        pooled = code.mean(dim=(2, 3), keepdim=True)
        spatial = self.spatial(reflect_pad(code, (self.k - 1) // 2))
        spatial = spatial.reshape(b, self.ch, self.ch // self.groups, self.k, self.k)
        pointwise = self.pointwise(pooled).reshape(b, self.ch, self.ch // self.groups, 1, 1)
        return spatial, pointwise, self.bias(pooled).reshape(b, self.ch)


class AdaConv2d(nn.Module):
    def __init__(self, ch: int, groups: int) -> None:
        super().__init__()
        self.groups = groups
        self.conv = nn.Conv2d(ch, ch, 3)  # the learned 3x3 after the per-sample kernels

    def forward(self, x: torch.Tensor, spatial: torch.Tensor, pointwise: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        x = F.instance_norm(x)
        # Each sample with its own kernels: the batch folded into the groups.
        y = reflect_pad(x.reshape(1, b * c, h, w), (spatial.shape[-1] - 1) // 2)
        y = F.conv2d(y, spatial.reshape(b * c, *spatial.shape[2:]), groups=b * self.groups)
        y = F.conv2d(y, pointwise.reshape(b * c, *pointwise.shape[2:]), bias.reshape(b * c), groups=b * self.groups)
        return self.conv(reflect_pad(y.reshape(b, c, h, w), 1))


class AdaOctConv(nn.Module):
    def __init__(self, ch: int, group_div: int, style_ch: int, oct_groups: int) -> None:
        super().__init__()
        (hi, lo), (s_hi, s_lo) = split(ch, 0.5), split(style_ch, 0.5)
        self.kernelPredictor_h = KernelPredictor(hi, hi // group_div, s_hi)
        self.kernelPredictor_l = KernelPredictor(lo, lo // group_div, s_lo)
        self.AdaConv_h = AdaConv2d(hi, hi // group_div)
        self.AdaConv_l = AdaConv2d(lo, lo // group_div)
        self.OctConv = OctConv(ch, ch, 3, padding=1, groups=oct_groups)

    def forward(self, content: Pair, style: Pair) -> Pair:
        (h, l), (sh, sl) = content, style
        h = F.leaky_relu(self.AdaConv_h(h, *self.kernelPredictor_h(sh)), SLOPE)
        l = F.leaky_relu(self.AdaConv_l(l, *self.kernelPredictor_l(sl)), SLOPE)
        (h, l), _ = self.OctConv((h, l))
        return F.leaky_relu(h, SLOPE), F.leaky_relu(l, SLOPE)
