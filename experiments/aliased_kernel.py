"""Aliased mask kernel (12-05 16:56 ... 17:36) and the incomplete fix (12-05 21:35 ... 22:46).

`self.conv_1 = self.conv` then `constant_(self.conv_1.weight, 1)` gave the layer a second
name and filled its *real* weights with ones. With the note-era ratio (k*k over a mask sum
taken across all C_in channels: 1/C_in inside) each ungrouped layer became a box filter of
the channel mean, about x9 per 3x3 conv. The 21:35 fix built its own kernel but still ended
`forward` with `self.conv_1 = self.conv`, so from the second call on the mask was summed by
the learned weights. Measured, on the style encoder (netS) with a binary disk-shaped hole:
  - max|x| per layer through the 7x7 and four ungrouped 3x3 partial convs, and through netS;
  - the same input called three times: state C's rule (the incomplete fix) and c75d6d6's
    (the note's end, E), against a kernel of its own that stays;
  - one depthwise layer's ratio on the first and the second call (the note's 22:31 ... 22:46);
  - a correct partial conv with an all-ones mask against nn.Conv2d with the same weights.
"""

from __future__ import annotations

import sys

import torch
from torch import nn

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import disk_mask, images
from experiments.lib.encoder import style_encoder
from experiments.lib.measure import build, geometric_mean, growth, max_abs, plain_conv_stack
from experiments.lib.pconv import PartialConv2d
from experiments.lib.scale import scale_of
from experiments.lib.tracer import trace
from experiments.lib.variants import C, C75D6D6, NOTE_ALIASED, NOTE_REALIASED, NVIDIA, E

ID = "aliased_kernel"
DESCRIPTION = "Aliased mask kernel: per-layer growth, the incomplete fix's later calls, partial conv == Conv2d."
ENCODER_LAYERS = ["conv", "PartialOctConv1_1", "PartialOctConv1_2", "PartialOctConv1_3", "PartialOctConv2_1", "PartialOctConv2_2", "PartialOctConv2_3"]


def stack_growth(rule, x: torch.Tensor, opts: Options) -> list[float]:
    """Per-layer max|x| factors through the 7x7 conv and four ungrouped 3x3 partial convs."""
    stack = build(lambda: plain_conv_stack(rule), opts.seed, opts.device)
    y, m, prev, factors = x, torch.ones_like(x), max_abs(x), []
    with torch.no_grad():
        for layer in stack:
            y, m = layer(y, m)
            y = torch.nn.functional.leaky_relu(y, 0.01)
            factors.append(max_abs(y) / prev)
            prev = max_abs(y)
    return factors


def encoder_growth(rule, octave_masks, x: torch.Tensor, mask: torch.Tensor, opts: Options) -> tuple[dict[str, float], float]:
    enc = build(lambda: style_encoder(64, 2, rule, octave_masks), opts.seed, opts.device)
    with trace(enc) as t, torch.no_grad():
        out = enc(x, mask)
    return growth(t, ENCODER_LAYERS, max_abs(x)), max(max_abs(v) for v in out.content)


def calls(rule, octave_masks, x: torch.Tensor, mask: torch.Tensor, opts: Options, n: int = 3) -> tuple[list[float], dict[str, list[float]]]:
    """max|x| of netS's output (both branches) for the same input, n calls; and ratio maxima per call
    (the depthwise PartialOctConv2_1's, and the largest of any layer)."""
    enc = build(lambda: style_encoder(64, 2, rule, octave_masks), opts.seed, opts.device)
    layers = [m for m in enc.modules() if isinstance(m, PartialConv2d)]
    for layer in layers:
        layer.keep_ratio = True
    values: list[float] = []
    ratios: dict[str, list[float]] = {"depthwise_2_1": [], "any_layer": []}
    with torch.no_grad():
        for _ in range(n):
            values.append(max(max_abs(v) for v in enc(x, mask).content))
            ratios["depthwise_2_1"].append(float(enc.PartialOctConv2_1.H2H.last_ratio.max()))
            ratios["any_layer"].append(max(float(layer.last_ratio.max()) for layer in layers))
    return values, ratios


def conv2d_difference(rule, x: torch.Tensor, opts: Options) -> tuple[float, float]:
    """max|partial - Conv2d| inside the image and everywhere, all-ones mask, same weights."""
    pconv = build(lambda: PartialConv2d(3, 64, 3, padding=1, rule=rule), opts.seed, opts.device)
    plain = nn.Conv2d(3, 64, 3, padding=1, padding_mode="reflect", bias=False).to(opts.device)
    with torch.no_grad():
        plain.weight.copy_(pconv.conv.weight)
        diff = (pconv(x, torch.ones_like(x))[0] - plain(x)).abs()
    return float(diff[..., 1:-1, 1:-1].max()), float(diff.max())


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device)
    hole = disk_mask(s.batch, s.size, opts.device)

    aliased_stack, fixed_stack = stack_growth(NOTE_ALIASED, x, opts), stack_growth(NVIDIA, x, opts)
    per_3x3 = {"aliased": geometric_mean(aliased_stack[1:]), "fixed": geometric_mean(fixed_stack[1:])}
    (enc_aliased, end_aliased), (enc_fixed, end_fixed) = encoder_growth(NOTE_ALIASED, "sum", x, hole, opts), encoder_growth(NVIDIA, "union", x, hole, opts)
    c_calls, c_ratios = calls(NOTE_REALIASED, C.octave_masks, x, hole, opts)
    e_calls, e_ratios = calls(C75D6D6, E.octave_masks, x, hole, opts)
    own_calls, own_ratios = calls(NOTE_REALIASED.but(kernel="own"), C.octave_masks, x, hole, opts)
    inside_fixed, everywhere_fixed = conv2d_difference(NVIDIA, x, opts)
    inside_zero_pad, everywhere_zero_pad = conv2d_difference(NVIDIA.but(mask_pad="zeros"), x, opts)
    inside_aliased, _ = conv2d_difference(NOTE_ALIASED, x, opts)

    fmt = lambda v: ", ".join(f"{a:.3g}" for a in v)  # noqa: E731
    say(
        f"growth of max|x| per ungrouped 3x3 partial conv: aliased x{per_3x3['aliased']:.2f}, correct x{per_3x3['fixed']:.2f}",
        "netS per layer (aliased, state A's rule): " + ", ".join(f"{k.replace('PartialOctConv', '')} x{v:.1f}" for k, v in enc_aliased.items()),
        f"netS output max|x|: aliased {end_aliased:.3g}, correct {end_fixed:.3g} (both finite: the NaN is born later, in the loss)",
        f"the same input, calls 1..3: state C's rule (re-aliased) {fmt(c_calls)}; c75d6d6 (E) {fmt(e_calls)}; own kernel {fmt(own_calls)}",
        f"ratio max per call, depthwise 2_1 / any layer: state C {fmt(c_ratios['depthwise_2_1'])} / {fmt(c_ratios['any_layer'])}; "
        f"E {fmt(e_ratios['depthwise_2_1'])} / {fmt(e_ratios['any_layer'])}; own kernel {fmt(own_ratios['depthwise_2_1'])} / {fmt(own_ratios['any_layer'])}",
        f"correct partial conv (all-ones mask) vs nn.Conv2d, same weights: mask padded like the features {everywhere_fixed:g} everywhere; "
        f"zero-padded mask {inside_zero_pad:g} inside, {everywhere_zero_pad:.3g} at the border; aliased {inside_aliased:.3g}",
    )
    return {
        "reproduced": (
            per_3x3["aliased"] > 2.0
            and per_3x3["fixed"] < 1.0
            and min(c_calls[1:]) / c_calls[0] > 1e6
            and min(e_calls[1:]) / e_calls[0] > 100
            and len(set(own_calls)) == 1
            and everywhere_fixed == 0.0
            and inside_zero_pad == 0.0
            and inside_aliased > 0.0
        ),
        "growth_per_plain_3x3": per_3x3,
        "plain_stack_factors": {"aliased": aliased_stack, "fixed": fixed_stack},
        "encoder_factors": {"aliased": enc_aliased, "fixed": enc_fixed},
        "encoder_max": {"aliased": end_aliased, "fixed": end_fixed},
        "incomplete_fix_calls": {"C": c_calls, "E": e_calls, "own": own_calls},
        "ratio_max_calls": {"C": c_ratios, "E": e_ratios, "own": own_ratios},
        "conv2d_max_diff": {
            "fixed_everywhere": everywhere_fixed,
            "zero_padded_mask_inside": inside_zero_pad,
            "zero_padded_mask_everywhere": everywhere_zero_pad,
            "aliased_inside": inside_aliased,
        },
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
