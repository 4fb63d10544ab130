"""Partial convolution (Liu et al. 2018) with a switch for each of the note's variants."""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .variants import FIXED, Bugs


class Masked(NamedTuple):
    """A layer's output and its updated mask; the tracer measures `value` only."""

    value: Any
    mask: Any


EPS = 1e-8


def reflect_pad(x: torch.Tensor, p: int) -> torch.Tensor:
    """Reflect padding built from slices and flips.

    CUDA's ReflectionPad2d backward accumulates with atomics, which
    `torch.use_deterministic_algorithms` refuses; slices and `cat` have deterministic
    gradients and give the same values.
    """
    if p == 0:
        return x
    x = torch.cat([x[..., 1 : p + 1].flip(-1), x, x[..., -p - 1 : -1].flip(-1)], dim=-1)
    return torch.cat([x[..., 1 : p + 1, :].flip(-2), x, x[..., -p - 1 : -1, :].flip(-2)], dim=-2)


class PartialConv2d(nn.Module):
    """A conv whose output depends only on the valid (mask = 1) input pixels.

    `forward(x, mask)` returns `(out, update_mask)`; with `mask=None` it is a plain conv with
    reflect padding and returns `(out, None)`. `keep_ratio = True` keeps the last ratio in
    `last_ratio` for inspection.
    """

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        groups: int = 1,
        bias: bool = False,
        bugs: Bugs = FIXED,
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, kernel_size, stride, 0, groups=groups, bias=bias)
        self.in_ch, self.k, self.stride, self.padding, self.groups = in_ch, kernel_size, stride, padding, groups
        self.bugs = bugs
        self.keep_ratio = False
        self.last_ratio: torch.Tensor | None = None
        self._mask_is_conv = bugs.kernel == "aliased"
        if self._mask_is_conv:
            # The note's line: the "mask kernel" is the layer itself, so filling it with ones
            # fills the real weights.
            nn.init.constant_(self.conv.weight, 1.0)
        mask_groups = 1 if bugs.mask_kernel == "ones" else groups
        self.mask_groups = mask_groups
        self.register_buffer("mask_kernel", torch.ones(out_ch, in_ch // mask_groups, kernel_size, kernel_size))

    def extra_repr(self) -> str:
        b = self.bugs
        return f"kernel={b.kernel}, window={b.window}, mask_kernel={b.mask_kernel}"

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> Masked:
        if mask is None:
            return Masked(self.conv(reflect_pad(x, self.padding)), None)
        ratio, update = self._ratio(mask)
        raw = self.conv(reflect_pad(x * mask, self.padding))
        bias = self.conv.bias
        if bias is not None:
            b = bias.view(1, -1, 1, 1)
            out = ((raw - b) * ratio + b) * update
        else:
            out = raw * ratio * update
        if self.bugs.kernel == "realiased":
            self._mask_is_conv = True  # the incomplete fix's last line: self.conv_1 = self.conv
        return Masked(out, update)

    @torch.no_grad()
    def _ratio(self, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        k2 = self.k * self.k
        if self._mask_is_conv:
            # The learned conv sums the mask, with its own padding and groups.
            count = self.conv(reflect_pad(mask, self.padding))
        else:
            count = F.conv2d(mask, self.mask_kernel, None, self.stride, self.padding, groups=self.mask_groups)
        window = k2 if self.bugs.window == "channel" else self.in_ch * k2
        update = count.clamp(0, 1)
        if self.bugs.mask_kernel == "grouped_clamped":
            ratio = k2 / (update + EPS) * update
        else:
            ratio = window / (count + EPS) * update
        if self.keep_ratio:
            self.last_ratio = ratio.detach()
        return ratio, update
