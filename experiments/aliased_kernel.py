"""Aliased mask kernel: `self.conv_1 = self.conv` then `constant_(self.conv_1.weight, 1)`.

The note's line meant to make an all-ones kernel for summing the mask; it gave the layer a
second name and filled the *real* weights with ones. With the note's per-channel window
(k*k) against a mask summed over all C_in channels, the ratio is 1/C_in, so each layer is a
k*k box filter of the channel mean: about x9 per 3x3 conv, x1 per 1x1. Measured here:
  - max|x| per layer through a stack of plain 3x3 partial convs and through the encoder;
  - the incomplete fix (its own kernel, but `forward` re-aliases at the end): first call
    against later calls on the same input;
  - a correct partial conv with an all-ones mask against nn.Conv2d with the same weights.
"""

from __future__ import annotations

import sys

import torch
from torch import nn

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import disk_mask, images
from experiments.lib.encoder import Encoder
from experiments.lib.measure import build, geometric_mean, growth, max_abs, plain_conv_stack
from experiments.lib.pconv import PartialConv2d
from experiments.lib.scale import scale_of
from experiments.lib.tracer import trace
from experiments.lib.variants import FIXED, NOTE_ORIGINAL

ID = "aliased_kernel"
DESCRIPTION = "Aliased mask kernel: per-layer growth, the incomplete fix, and partial conv == Conv2d."
ALIASED = FIXED.but(kernel=NOTE_ORIGINAL.kernel, window=NOTE_ORIGINAL.window)
ENCODER_LAYERS = ["conv0", "oct1_1", "oct1_2", "oct1_3", "oct2_1", "oct2_2", "oct2_3"]


def stack_growth(bugs, x: torch.Tensor, opts: Options) -> list[float]:
    """Per-layer max|x| factors through the 7x7 conv and four plain 3x3 partial convs."""
    stack = build(lambda: plain_conv_stack(bugs), opts.seed, opts.device)
    y, m, prev, factors = x, torch.ones_like(x), max_abs(x), []
    with torch.no_grad():
        for layer in stack:
            y, m = layer(y, m)
            factors.append(max_abs(y) / prev)
            prev = max_abs(y)
    return factors


def encoder_growth(bugs, x: torch.Tensor, mask: torch.Tensor, opts: Options) -> tuple[dict[str, float], float]:
    enc = build(lambda: Encoder(64, 2, bugs), opts.seed, opts.device)
    with trace(enc) as t, torch.no_grad():
        enc(x, mask)
    return growth(t, ENCODER_LAYERS, max_abs(x)), t.max_abs("oct2_3")


def calls(bugs, x: torch.Tensor, mask: torch.Tensor, opts: Options, n: int = 3) -> list[float]:
    """max|x| of the encoder's output for the same input, called n times."""
    enc = build(lambda: Encoder(64, 2, bugs), opts.seed, opts.device)
    with torch.no_grad():
        return [max_abs(enc(x, mask).content[0]) for _ in range(n)]


def conv2d_difference(bugs, x: torch.Tensor, opts: Options) -> tuple[float, float]:
    """max|partial - Conv2d| inside the image and everywhere, all-ones mask, same weights."""
    pconv = build(lambda: PartialConv2d(3, 64, 3, padding=1, bugs=bugs), opts.seed, opts.device)
    plain = nn.Conv2d(3, 64, 3, padding=1, padding_mode="reflect", bias=False).to(opts.device)
    with torch.no_grad():
        plain.weight.copy_(pconv.conv.weight)
        diff = (pconv(x, torch.ones_like(x))[0] - plain(x)).abs()
    return float(diff[..., 1:-1, 1:-1].max()), float(diff.max())


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device)
    hole = disk_mask(s.batch, s.size, opts.device)

    buggy_stack, fixed_stack = stack_growth(ALIASED, x, opts), stack_growth(FIXED, x, opts)
    per_3x3 = {"aliased": geometric_mean(buggy_stack[1:]), "fixed": geometric_mean(fixed_stack[1:])}
    (enc_buggy, end_buggy), (enc_fixed, end_fixed) = encoder_growth(ALIASED, x, hole, opts), encoder_growth(FIXED, x, hole, opts)
    realiased, own = calls(FIXED.but(kernel="realiased"), x, hole, opts), calls(FIXED, x, hole, opts)
    inside_fixed, everywhere_fixed = conv2d_difference(FIXED, x, opts)
    inside_aliased, _ = conv2d_difference(ALIASED, x, opts)

    say(
        f"growth of max|x| per plain 3x3 partial conv: aliased x{per_3x3['aliased']:.2f}, fixed x{per_3x3['fixed']:.2f}",
        "encoder, per layer (aliased): " + ", ".join(f"{k} x{v:.1f}" for k, v in enc_buggy.items()),
        f"encoder output max|x|: aliased {end_buggy:.3g}, fixed {end_fixed:.3g} (both finite: the NaN is born later, in the loss)",
        f"incomplete fix, same input, calls 1..3: {', '.join(f'{v:.3g}' for v in realiased)}; own kernel: {', '.join(f'{v:.3g}' for v in own)}",
        f"partial conv (all-ones mask) vs nn.Conv2d, same weights: max diff inside {inside_fixed:g}, at the image border {everywhere_fixed:.3g}; aliased: {inside_aliased:.3g}",
    )
    later_over_first = min(realiased[1:]) / realiased[0]
    return {
        "reproduced": (
            per_3x3["aliased"] > 2.0
            and per_3x3["fixed"] < 1.0
            and later_over_first > 10.0
            and len(set(own)) == 1
            and inside_fixed == 0.0
            and inside_aliased > 0.0
        ),
        "growth_per_plain_3x3": per_3x3,
        "plain_stack_factors": {"aliased": buggy_stack, "fixed": fixed_stack},
        "encoder_factors": {"aliased": enc_buggy, "fixed": enc_fixed},
        "encoder_max": {"aliased": end_buggy, "fixed": end_fixed},
        "incomplete_fix_calls": realiased,
        "own_kernel_calls": own,
        "incomplete_fix_later_over_first": later_over_first,
        "conv2d_max_diff": {"fixed_inside": inside_fixed, "fixed_everywhere": everywhere_fixed, "aliased_inside": inside_aliased},
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
