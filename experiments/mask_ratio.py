"""Mask ratio: the partial conv's rescaling, inside, at a hole border and in a hole (12-05 22:31 ... 12-06 15:01).

For a correct partial conv the ratio is 1 where the whole window is valid, 3 where 3 of 9
pixels are, and 0 in a hole, for any `groups` and for k = 1 (no special case needed). The
repository's mask kernel inherits the layer's `groups` in every commit, and its formula
changed three times. Measured for k in {1, 3} and groups in {1, 64} (64 channels):
  - note era (12-01 ... 12-06 15:01): window k*k over a sum across all channels;
  - c75d6d6, the note's end (E): ceil(sum / C_in), window k*k;
  - 64dc22a (F): window C_in * k * k, round and clamp;
  - SoftPartConv (G): the same window, a ratio clamped to [0, C_in * k * k];
  - NVIDIA's layer: a mask kernel that is never grouped;
and, with an all-ones mask, each one's difference from nn.Conv2d with the same weights on a
depthwise and on an ungrouped layer.
"""

from __future__ import annotations

import sys

import torch
from torch import nn

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import build
from experiments.lib.pconv import PartialConv2d
from experiments.lib.variants import C75D6D6, NOTE_REALIASED, NVIDIA, R64DC22A, SOFTPARTCONV, Rule

ID = "mask_ratio"
DESCRIPTION = "Mask ratio inside, at a border and in a hole, for every formula the code had, k = 1, 3 and groups 1, 64."
CHANNELS, SIDE = 64, 12
# Columns < 6 are valid. Row 6: column 2 sees 9 of 9 valid pixels, column 6 (the first hole
# column) sees 3 of 9, column 10 sees none.
PLACES = {"inside": 2, "border": 6, "hole": 10}
# First calls only: the re-alias (C, E) is aliased_kernel's subject.
RULES: dict[str, Rule] = {
    "note_era": NOTE_REALIASED.but(kernel="own"),
    "c75d6d6": C75D6D6.but(kernel="own"),
    "64dc22a": R64DC22A,
    "softpartconv": SOFTPARTCONV,
    "nvidia": NVIDIA,
}


def half_mask(device: torch.device) -> torch.Tensor:
    mask = torch.ones(1, CHANNELS, SIDE, SIDE, device=device)
    mask[..., 6:] = 0
    return mask


def ratios(rule: Rule, k: int, groups: int, opts: Options) -> dict[str, float]:
    layer = build(lambda: PartialConv2d(CHANNELS, CHANNELS, k, padding=k // 2, groups=groups, rule=rule), opts.seed, opts.device)
    layer.keep_ratio = True
    with torch.no_grad():
        layer(torch.randn(1, CHANNELS, SIDE, SIDE, device=opts.device), half_mask(opts.device))
    assert layer.last_ratio is not None
    return {place: float(layer.last_ratio[0, 0, 6, col]) for place, col in PLACES.items()}


def conv2d_difference(rule: Rule, groups: int, opts: Options, side: int) -> float:
    """3x3, all-ones mask: max |partial - nn.Conv2d| over the whole image, same weights."""
    layer = build(lambda: PartialConv2d(CHANNELS, CHANNELS, 3, padding=1, groups=groups, rule=rule), opts.seed, opts.device)
    plain = nn.Conv2d(CHANNELS, CHANNELS, 3, padding=1, groups=groups, padding_mode="reflect", bias=False).to(opts.device)
    gen = torch.Generator().manual_seed(opts.seed)
    x = torch.randn(2, CHANNELS, side, side, generator=gen).to(opts.device)
    with torch.no_grad():
        plain.weight.copy_(layer.conv.weight)
        diff = (layer(x, torch.ones_like(x))[0] - plain(x)).abs()
    return float(diff.max())


def measure(opts: Options) -> dict:
    table = {name: {f"k{k}_groups{g}": ratios(rule, k, g, opts) for k in (1, 3) for g in (1, CHANNELS)} for name, rule in RULES.items()}
    side = 16 if opts.quick else 64
    diff = {name: {"depthwise": conv2d_difference(rule, CHANNELS, opts, side), "ungrouped": conv2d_difference(rule, 1, opts, side)} for name, rule in RULES.items()}

    say("ratio at (inside, border with 3 of 9 valid, hole), 64 channels:")
    for name, rows in table.items():
        say(f"  {name:<13} " + "  ".join(f"{key}: " + "/".join(f"{v:.4g}" for v in r.values()) for key, r in rows.items()))
    say("all-ones mask, max |partial - nn.Conv2d| (depthwise, ungrouped): " + ", ".join(f"{k} {v['depthwise']:.3g}, {v['ungrouped']:.3g}" for k, v in diff.items()))

    right = {"inside": 1.0, "border": 3.0, "hole": 0.0}
    right_k1 = {"inside": 1.0, "border": 0.0, "hole": 0.0}
    nvidia_right = all(table["nvidia"][f"k3_groups{g}"] == right and table["nvidia"][f"k1_groups{g}"] == right_k1 for g in (1, CHANNELS))
    # The note's era was right in depthwise layers and 1/C_in in ungrouped ones; c75d6d6 the
    # other way round (9 at every valid pixel of a grouped layer); from 64dc22a on, 64 and 192.
    note_era = table["note_era"]["k3_groups64"] == right and abs(table["note_era"]["k3_groups1"]["inside"] * CHANNELS - 1) < 1e-6
    end_state = table["c75d6d6"]["k3_groups1"] == right and table["c75d6d6"]["k3_groups64"] == {"inside": 9.0, "border": 9.0, "hole": 0.0}
    later = table["64dc22a"]["k3_groups64"] == {"inside": 64.0, "border": 192.0, "hole": 0.0}
    return {
        "reproduced": nvidia_right and note_era and end_state and later and diff["nvidia"]["depthwise"] == 0.0 and diff["64dc22a"]["depthwise"] > 1.0,
        "ratio": table,
        "conv2d_max_diff": diff,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
