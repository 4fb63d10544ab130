"""Partial convolution: NVIDIA's layer and the researcher's variants, one `Rule` each.

With `rule=None` (or `mask=None`) the layer is a plain reflect-padded conv, which is what the
content encoder, the decoder and every conv after the masks are dropped use.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .variants import Rule

EPS = 1e-8


class Masked(NamedTuple):
    """A layer's output and its updated mask; the tracer measures `value` only."""

    value: Any
    mask: Any


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
    """`forward(x, mask)` returns `Masked(out, updated_mask)`.

    `keep_ratio = True` keeps the last ratio, count and pre-clamp output for inspection
    (`last_ratio`, `last_count`, `last_unclamped`).
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
        rule: Rule | None = None,
        zero_pad: bool = False,
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_ch, out_ch, kernel_size, stride, 0, groups=groups, bias=bias)
        self.in_ch, self.k, self.stride, self.padding, self.groups = in_ch, kernel_size, stride, padding, groups
        self.rule = rule
        self.zero_pad = zero_pad  # netE's 7x7 is nn.Conv2d's default zero padding
        self.keep_ratio = False
        self.last_ratio: torch.Tensor | None = None
        self.last_count: torch.Tensor | None = None
        self.last_unclamped: torch.Tensor | None = None
        self.calls = 0
        self._mask_is_conv = rule is not None and rule.kernel == "aliased"
        if rule is None:
            return
        self.mask_groups = 1 if rule.mask_groups == "ones" else groups
        shape = (out_ch, in_ch // self.mask_groups, kernel_size, kernel_size)
        if self._mask_is_conv:
            # The "mask kernel" is the layer itself, so filling it with ones fills the real weights.
            nn.init.constant_(self.conv.weight, 1.0)
        else:
            # The repository builds its mask kernel as a second nn.Conv2d and then fills it with
            # ones; drawing its initial weights too keeps every later layer's seeded weights
            # those of the real model (and the same across variants).
            nn.init.kaiming_uniform_(torch.empty(shape), a=math.sqrt(5))
        self.register_buffer("mask_kernel", torch.ones(shape))

    def extra_repr(self) -> str:
        return "plain" if self.rule is None else f"rule={self.rule}"

    def pad(self, x: torch.Tensor) -> torch.Tensor:
        return F.pad(x, (self.padding,) * 4) if self.zero_pad else reflect_pad(x, self.padding)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> Masked:
        self.calls += 1
        if mask is None or self.rule is None:
            return Masked(self.conv(self.pad(x)), None)
        rule = self.rule
        if rule.clamp_mask:
            mask = mask.clamp(0.0, 1.0)
        if rule.threshold is not None:
            mask = (mask > rule.threshold).to(x.dtype)
        raw = self.conv(self.pad(x * mask))
        count, ratio, update = self._ratio(mask)
        bias = self.conv.bias
        if rule.ratio == "nvidia":
            b = 0.0 if bias is None else bias.view(1, -1, 1, 1)
            out = ((raw - b) * ratio + b) * update
        else:
            out = raw * ratio  # the repository multiplies by the ratio only (0 where sum <= 0)
        if self.keep_ratio:
            self.last_count, self.last_ratio, self.last_unclamped = count, ratio, out.detach()
        if rule.clamp_out is not None:
            out = out.clamp(-rule.clamp_out, rule.clamp_out)
        if rule.kernel == "realiased":
            self._mask_is_conv = True  # the incomplete fix's last line: self.conv_1 = self.conv
        return Masked(out, update)

    @torch.no_grad()
    def mask_sum(self, mask: torch.Tensor) -> torch.Tensor:
        """The mask summed over each output's window, by whichever kernel this layer uses."""
        assert self.rule is not None
        padded = reflect_pad(mask, self.padding) if self.rule.mask_pad == "reflect" else F.pad(mask, (self.padding,) * 4)
        if self._mask_is_conv:
            # The learned conv sums the mask: its weights, its groups, and its bias if any.
            return self.conv(padded)
        return F.conv2d(padded, self.mask_kernel, None, self.stride, groups=self.mask_groups)

    @torch.no_grad()
    def _ratio(self, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        rule = self.rule
        assert rule is not None
        s = self.mask_sum(mask)
        if rule.count == "ceil_per_channel":
            s = torch.ceil(s / mask.shape[1])
        elif rule.count == "round_clamp":
            s = torch.round(s).clamp(min=0.0)
        elif rule.count == "floor_eps":
            s = s.clamp(min=EPS)
        window = float(self.k * self.k * (self.in_ch if rule.window == "k2_cin" else 1))
        if rule.ratio == "nvidia":
            ratio = window / (s + EPS) * s.clamp(0.0, 1.0)
        elif rule.ratio == "unbounded":
            ratio = torch.where(s <= 0, torch.zeros_like(s), window / s)
        else:
            ratio = (window / s).clamp(0.0, window)
        if rule.update == "clamp":
            update = s.clamp(0.0, 1.0)
        elif rule.update == "nonzero":
            update = torch.where(s != 0, torch.ones_like(s), s)
        else:
            update = torch.where(s > EPS, (s / window).clamp(0.0, 1.0), torch.zeros_like(s))
        return s, ratio, update
