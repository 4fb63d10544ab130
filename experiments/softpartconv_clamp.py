"""SoftPartConv's clamp (nobody logged it): the grouped-ratio error hidden, not fixed.

The researcher's final layer (2025-06) is not NVIDIA's: its mask kernel still inherits the
layer's `groups`, so a depthwise layer's ratio is 64 inside and 192 at a 3-of-9 border, and
`clamp(out, -1, 1)` after every layer keeps the network finite. Measured on netS (state G:
3 stages, images normalised with 0.5) and on one layer, against NVIDIA's layer (the fix):
  - per octave layer, the share of outputs the clamp saturates and the largest value before it;
  - a depthwise layer with an all-ones mask against nn.Conv2d with the same weights.
"""

from __future__ import annotations

import sys

import torch
from torch import nn

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import images, rect_mask
from experiments.lib.encoder import style_encoder
from experiments.lib.measure import build
from experiments.lib.pconv import PartialConv2d
from experiments.lib.scale import scale_of
from experiments.lib.variants import NVIDIA, SOFTPARTCONV, G, Rule

ID = "softpartconv_clamp"
DESCRIPTION = "SoftPartConv: the share of outputs its clamp saturates per layer, and its difference from nn.Conv2d."


def saturation(rule: Rule, opts: Options) -> dict[str, dict[str, float]]:
    s = scale_of(opts)
    enc = build(lambda: style_encoder(64, 3, rule, G.octave_masks), opts.seed, opts.device)
    layers = {name: [m for m in getattr(enc, name).modules() if isinstance(m, PartialConv2d)] for name in ["conv"] + enc.names}
    layers["conv"] = [enc.conv]
    for convs in layers.values():
        for c in convs:
            c.keep_ratio = True
    with torch.no_grad():
        enc(images(s.batch, s.size, opts.seed, opts.device, 2, G.image_norm), rect_mask(s.batch, s.size, opts.device))
    out = {}
    for name, convs in layers.items():
        values = [c.last_unclamped for c in convs]
        total = sum(v.numel() for v in values)
        out[name.replace("PartialOctConv", "")] = {
            "saturated": sum(int((v.abs() > 1.0).sum()) for v in values) / total,
            "max_before_clamp": max(float(v.abs().max()) for v in values),
        }
    return out


def conv2d_difference(rule: Rule, opts: Options) -> float:
    side = 16 if opts.quick else 64
    layer = build(lambda: PartialConv2d(64, 64, 3, padding=1, groups=64, rule=rule), opts.seed, opts.device)
    plain = nn.Conv2d(64, 64, 3, padding=1, groups=64, padding_mode="reflect", bias=False).to(opts.device)
    x = torch.randn(2, 64, side, side, generator=torch.Generator().manual_seed(opts.seed)).to(opts.device)
    with torch.no_grad():
        plain.weight.copy_(layer.conv.weight)
        return float((layer(x, torch.ones_like(x))[0] - plain(x)).abs().max())


def measure(opts: Options) -> dict:
    soft, fixed = saturation(SOFTPARTCONV, opts), saturation(NVIDIA, opts)
    diff = {"softpartconv": conv2d_difference(SOFTPARTCONV, opts), "nvidia": conv2d_difference(NVIDIA, opts)}
    say(
        "SoftPartConv, outputs saturated by clamp(-1, 1) (largest before it): "
        + ", ".join(f"{k} {100 * v['saturated']:.0f}% ({v['max_before_clamp']:.3g})" for k, v in soft.items()),
        "NVIDIA's layer, outputs beyond +-1 (largest): " + ", ".join(f"{k} {100 * v['saturated']:.0f}% ({v['max_before_clamp']:.3g})" for k, v in fixed.items()),
        f"depthwise layer, all-ones mask, max |layer - nn.Conv2d|: SoftPartConv {diff['softpartconv']:.3g}, NVIDIA {diff['nvidia']:g}",
    )
    return {
        "reproduced": soft["2_1"]["saturated"] > 0.05 and soft["2_1"]["max_before_clamp"] > 10 and diff["softpartconv"] > 0.5 and diff["nvidia"] == 0.0,
        "softpartconv": soft,
        "nvidia": fixed,
        "depthwise_conv2d_max_diff": diff,
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
