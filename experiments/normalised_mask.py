"""Normalised mask: the masks went through the image's Normalize (12-05 23:04, 23:21).

A {0, 1} mask through ImageNet Normalize becomes about -2.1 ... 2.6 per channel, so the
holes are multiplied by about -2 instead of 0 and their content reaches the output. Measured
with correct partial convs (the note's other bugs fixed), on the same images:
  - the mask's range per channel, raw and normalised, and the mask sums the layer sees;
  - how much the encoder's output moves when only the content inside the holes changes:
    raw mask, normalised mask, a blurred (soft) mask, and that soft mask binarised.
"""

from __future__ import annotations

import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import binarise, disk_mask, images, normalize, soften
from experiments.lib.encoder import Encoder
from experiments.lib.measure import build
from experiments.lib.scale import scale_of
from experiments.lib.variants import FIXED

ID = "normalised_mask"
DESCRIPTION = "Normalised mask: its values, and content leaking out of the holes."


def leak(enc: Encoder, x: torch.Tensor, other: torch.Tensor, mask: torch.Tensor, hole: torch.Tensor) -> float:
    """max change of the encoder's output when the pixels in `hole` are swapped for `other`'s."""
    swapped = torch.where(hole.bool(), other, x)
    with torch.no_grad():
        a, b = enc(x, mask).content, enc(swapped, mask).content
    return max(float((p - q).abs().max()) for p, q in zip(a, b))


def mask_counts(enc: Encoder, mask: torch.Tensor) -> tuple[float, float, float]:
    """min and max of the first layer's mask sums, and the share that are not whole numbers."""
    conv = enc.conv0.conv
    with torch.no_grad():
        count = torch.nn.functional.conv2d(mask, conv.mask_kernel, None, conv.stride, conv.padding)
    fractional = (count - count.round()).abs() > 1e-3
    return float(count.min()), float(count.max()), float(fractional.float().mean())


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device, 1)
    other = images(s.batch, s.size, opts.seed, opts.device, 2)
    raw = disk_mask(s.batch, s.size, opts.device)
    normalised, soft = normalize(raw), soften(raw)
    hole = raw == 0
    enc = build(lambda: Encoder(64, 2, FIXED), opts.seed, opts.device)

    per_channel = [[float(normalised[:, c].min()), float(normalised[:, c].max())] for c in range(3)]
    leaks = {
        "raw": leak(enc, x, other, raw, hole),
        "normalised": leak(enc, x, other, normalised, hole),
        "soft": leak(enc, x, other, soft, binarise(soft) == 0),
        "soft_binarised": leak(enc, x, other, binarise(soft), binarise(soft) == 0),
    }
    with torch.no_grad():
        output_max = max(float(t.abs().max()) for t in enc(x, raw).content)
    counts = {"raw": mask_counts(enc, raw), "normalised": mask_counts(enc, normalised)}

    say(
        "normalised mask, per channel (min, max): " + ", ".join(f"({lo:.2f}, {hi:.2f})" for lo, hi in per_channel),
        f"raw mask values: {sorted({float(v) for v in raw.unique()})}",
        f"first-layer mask sums: raw {counts['raw'][0]:g} ... {counts['raw'][1]:g}; normalised {counts['normalised'][0]:.3g} ... {counts['normalised'][1]:.3g}, {100 * counts['normalised'][2]:.0f}% not whole",
        "output change when only the holes' content changes: " + ", ".join(f"{k} {v:.3g}" for k, v in leaks.items()) + f"  (output max|x| {output_max:.3g})",
    )
    lo = min(v[0] for v in per_channel)
    hi = max(v[1] for v in per_channel)
    return {
        "reproduced": lo < -1.0 and hi > 2.0 and leaks["normalised"] > 0.0 and leaks["raw"] == 0.0 and leaks["soft_binarised"] == 0.0,
        "normalised_mask_per_channel": per_channel,
        "raw_mask_values": sorted({float(v) for v in raw.unique()}),
        "leak": leaks,
        "output_max": output_max,
        "first_layer_mask_sums": {k: {"min": v[0], "max": v[1], "fractional_share": v[2]} for k, v in counts.items()},
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
