"""Normalised mask: the masks went through the image's Normalize (12-05 23:04, 23:21).

A {0, 1} mask through ImageNet Normalize becomes about -2.1 ... 2.6 per channel, so holes are
multiplied by about -2 instead of 0. With the note-era ratio (k*k / sum, unbounded, and
every non-zero sum counting as valid) it does worse than leak: window sums that cross zero
make the ratio explode, and negative sums mark holes as valid. Measured on netS's 7x7 (state
C's rule, first call) and on the whole 2-stage netS, disk-shaped hole, same images:
  - the mask's range per channel, raw and normalised;
  - the first layer's ratio and output, and how many pixels deep in the hole its updated
    mask calls valid;
  - how much netS's output moves (relative to its largest value) when only the content
    inside the holes changes, note-era rule and NVIDIA's.
"""

from __future__ import annotations

import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import disk_mask, images, normalize
from experiments.lib.encoder import style_encoder
from experiments.lib.measure import build
from experiments.lib.pconv import PartialConv2d
from experiments.lib.scale import scale_of
from experiments.lib.variants import NOTE_REALIASED, NVIDIA, D

ID = "normalised_mask"
DESCRIPTION = "Normalised mask: its values, the first layer's exploding ratio, and content leaking out of the holes."
FIRST_CALL = NOTE_REALIASED.but(kernel="own")  # the re-alias only acts from the second call


def first_layer(x: torch.Tensor, mask: torch.Tensor, raw: torch.Tensor, opts: Options) -> dict[str, float]:
    conv = build(lambda: PartialConv2d(3, 64, 7, padding=3, rule=FIRST_CALL), opts.seed, opts.device)
    conv.keep_ratio = True
    with torch.no_grad():
        out, update = conv(x, mask)
        # Outputs whose whole 7x7 window lies in the hole: no valid pixel reaches them.
        in_hole = (conv.mask_sum(raw) == 0).expand_as(update)
    return {
        "ratio_max": float(conv.last_ratio.max()),
        "output_max": float(out.abs().max()),
        "deep_hole_pixels_called_valid": float((update[in_hole] != 0).float().mean()),
        "negative_sums": float((conv.last_count < 0).float().mean()),
    }


def leak(rule, octave_masks, x: torch.Tensor, other: torch.Tensor, mask: torch.Tensor, hole: torch.Tensor, opts: Options) -> float:
    """max change of netS's output when the pixels in `hole` are swapped for `other`'s, relative to the output's max."""
    enc = build(lambda: style_encoder(64, 2, rule, octave_masks), opts.seed, opts.device)
    swapped = torch.where(hole, other, x)
    with torch.no_grad():
        a = enc(x, mask).content
        enc = build(lambda: style_encoder(64, 2, rule, octave_masks), opts.seed, opts.device)  # a fresh first call
        b = enc(swapped, mask).content
    return max(float((p - q).abs().max()) for p, q in zip(a, b)) / max(float(p.abs().max()) for p in a)


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device, 1)
    other = images(s.batch, s.size, opts.seed, opts.device, 2)
    raw = disk_mask(s.batch, s.size, opts.device)
    normalised = normalize(raw)
    hole = raw == 0

    per_channel = [[float(normalised[:, c].min()), float(normalised[:, c].max())] for c in range(3)]
    layer = {"raw": first_layer(x, raw, raw, opts), "normalised": first_layer(x, normalised, raw, opts)}
    leaks = {}
    for name, rule, how in (("note", FIRST_CALL, D.octave_masks), ("nvidia", NVIDIA, "union")):
        for kind, mask in (("raw", raw), ("normalised", normalised)):
            leaks[f"{name}_{kind}"] = leak(rule, how, x, other, mask, hole, opts)

    say(
        "normalised mask, per channel (min, max): " + ", ".join(f"({lo:.2f}, {hi:.2f})" for lo, hi in per_channel),
        "netS's 7x7, note-era rule: " + "; ".join(
            f"{k} mask: ratio max {v['ratio_max']:.4g}, output max {v['output_max']:.4g}, {100 * v['deep_hole_pixels_called_valid']:.0f}% of the pixels deep in the hole valid after it"
            for k, v in layer.items()
        ),
        "netS output change (relative to its max) when only the holes' content changes: " + ", ".join(f"{k} {v:.3g}" for k, v in leaks.items()),
    )
    lo, hi = min(v[0] for v in per_channel), max(v[1] for v in per_channel)
    return {
        "reproduced": (
            lo < -1.0 and hi > 2.0
            and layer["normalised"]["ratio_max"] > 10 * layer["raw"]["ratio_max"]
            and layer["normalised"]["deep_hole_pixels_called_valid"] == 1.0 and layer["raw"]["deep_hole_pixels_called_valid"] == 0.0
            and leaks["note_normalised"] > 0.0 and leaks["note_raw"] == 0.0 and leaks["nvidia_raw"] == 0.0
        ),
        "normalised_mask_per_channel": per_channel,
        "raw_mask_values": sorted({float(v) for v in raw.unique()}),
        "first_layer": layer,
        "leak": leaks,
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
