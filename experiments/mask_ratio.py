"""Mask ratio: the partial conv's rescaling, inside, at a hole border and in a hole (12-05 22:31 ... 12-06 15:01).

The note saw `out * ratio` swing wildly and suspected the ratio. For a correct partial conv
the ratio is 1 where the whole window is valid, 3 where 3 of 9 pixels are, and 0 in a hole,
for any `groups` and for k = 1 too (no special case needed). Measured for k in {1, 3} and
groups in {1, 64}:
  - correct: an all-ones mask kernel that is never grouped, window C_in * k * k;
  - "grouped": the mask kernel inherits `groups`, window still C_in * k * k (64 and 192);
  - "grouped_clamped": grouped, and k * k divided by the count clamped to [0, 1] (9 and 9);
  - "channel window": window k * k against a sum over all C_in channels (the note's 11:45
    "ratio very small for k = 1" and 15:01 "sum_mask is a multiple of in_mask.shape[1]");
  - and, on a depthwise layer with an all-ones mask, the difference from nn.Conv2d.
"""

from __future__ import annotations

import sys

import torch
from torch import nn

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import build
from experiments.lib.pconv import PartialConv2d
from experiments.lib.variants import FIXED, Bugs

ID = "mask_ratio"
DESCRIPTION = "Mask ratio inside, at a border and in a hole, for k = 1, 3 and groups 1, 64."
CHANNELS, SIDE = 64, 12
# Columns < 6 are valid. Row 6: column 2 sees 9 of 9 valid pixels, column 6 (the first hole
# column) sees 3 of 9, column 10 sees none.
PLACES = {"inside": 2, "border": 6, "hole": 10}
VARIANTS: dict[str, Bugs] = {
    "correct": FIXED,
    "grouped": FIXED.but(mask_kernel="grouped"),
    "grouped_clamped": FIXED.but(mask_kernel="grouped_clamped"),
    "channel_window": FIXED.but(window="channel"),
}


def half_mask(device: torch.device) -> torch.Tensor:
    mask = torch.ones(1, CHANNELS, SIDE, SIDE, device=device)
    mask[..., 6:] = 0
    return mask


def ratios(bugs: Bugs, k: int, groups: int, opts: Options) -> dict[str, float]:
    layer = build(lambda: PartialConv2d(CHANNELS, CHANNELS, k, padding=k // 2, groups=groups, bugs=bugs), opts.seed, opts.device)
    layer.keep_ratio = True
    with torch.no_grad():
        layer(torch.randn(1, CHANNELS, SIDE, SIDE, device=opts.device), half_mask(opts.device))
    assert layer.last_ratio is not None
    return {place: float(layer.last_ratio[0, 0, 6, col]) for place, col in PLACES.items()}


def conv2d_difference(bugs: Bugs, opts: Options, side: int) -> float:
    """Depthwise 3x3, all-ones mask: max |partial - nn.Conv2d| inside the image, same weights."""
    layer = build(lambda: PartialConv2d(CHANNELS, CHANNELS, 3, padding=1, groups=CHANNELS, bugs=bugs), opts.seed, opts.device)
    plain = nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1, groups=CHANNELS, padding_mode="reflect", bias=False).to(opts.device)
    gen = torch.Generator().manual_seed(opts.seed)
    x = torch.randn(2, CHANNELS, side, side, generator=gen).to(opts.device)
    with torch.no_grad():
        plain.weight.copy_(layer.conv.weight)
        diff = (layer(x, torch.ones_like(x))[0] - plain(x)).abs()
    return float(diff[..., 1:-1, 1:-1].max())


def measure(opts: Options) -> dict:
    table = {
        name: {f"k{k}_groups{g}": ratios(bugs, k, g, opts) for k in (1, 3) for g in (1, CHANNELS)}
        for name, bugs in VARIANTS.items()
    }
    side = 16 if opts.quick else 64
    conv2d_diff = {name: conv2d_difference(bugs, opts, side) for name, bugs in VARIANTS.items()}

    say("ratio at (inside, border with 3 of 9 valid, hole):")
    for name, rows in table.items():
        say(f"  {name:<16} " + "  ".join(f"{key}: " + "/".join(f"{v:g}" for v in r.values()) for key, r in rows.items()))
    say("depthwise layer, all-ones mask, max |partial - nn.Conv2d| inside: " + ", ".join(f"{k} {v:.3g}" for k, v in conv2d_diff.items()))

    correct = table["correct"]
    right = all(correct[f"k3_groups{g}"] == {"inside": 1.0, "border": 3.0, "hole": 0.0} for g in (1, CHANNELS)) and all(
        correct[f"k1_groups{g}"] == {"inside": 1.0, "border": 0.0, "hole": 0.0} for g in (1, CHANNELS)
    )
    grouped_wrong = table["grouped"]["k3_groups64"] != correct["k3_groups64"]
    unseen_ungrouped = table["grouped"]["k3_groups1"] == correct["k3_groups1"]
    return {
        "reproduced": right and grouped_wrong and unseen_ungrouped and conv2d_diff["correct"] == 0.0 and conv2d_diff["grouped"] > 0.0,
        "ratio": table,
        "depthwise_conv2d_max_diff": conv2d_diff,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
