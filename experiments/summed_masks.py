"""Summed octave masks: `hf, h_mask = tuple(x + y ...)` added the two branches' masks (12-05 23:57).

Where a PartialOctConv's high (or low) output is written by two convs, the note summed their
masks too, so a 1.0 mask came out as 2.0. Measured on the style encoder, correct otherwise:
  - the mask after oct1_2 (the first layer whose two branches add), summed and united;
  - a *uniform* x2 mask into oct1_3: the ratio cancels it, so nothing changes;
  - the real sum is not uniform (1 where only one branch is valid, near hole borders): how
    many of oct1_3's features it changes, by how much, and whether they all lie near a border;
  - the note's own fix, keeping only the high-to-high mask, against the union clamp(a + b, 0, 1).
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import disk_mask, images
from experiments.lib.encoder import Encoder
from experiments.lib.measure import build
from experiments.lib.octave import pool, up
from experiments.lib.scale import scale_of
from experiments.lib.variants import FIXED

ID = "summed_masks"
DESCRIPTION = "Summed octave masks: 1.0 -> 2.0, a uniform x2 is harmless, the real sum moves features near hole borders."


def into_oct1_3(enc: Encoder, x: torch.Tensor, mask: torch.Tensor):
    """oct1_3's input features and the mask pair oct1_2 hands it."""
    with torch.no_grad():
        y, m = enc.conv0(x, mask)
        y, m = enc.oct1_1(y, m)
        return enc.oct1_2(y, m)


def near_border(mask: torch.Tensor, reach: int = 2) -> torch.Tensor:
    """Pixels within `reach` of a place where the mask changes value (any channel)."""
    changes = (F.max_pool2d(mask, 3, 1, 1) != -F.max_pool2d(-mask, 3, 1, 1)).any(dim=1, keepdim=True).float()
    return F.max_pool2d(changes, 2 * reach + 1, 1, reach) > 0


def compare(enc: Encoder, y, mask_a, mask_b, border_of) -> dict:
    """oct1_3's outputs for two input masks: changed share, max change, and where the changes are."""
    with torch.no_grad():
        a, _ = enc.oct1_3(y, mask_a)
        b, _ = enc.oct1_3(y, mask_b)
    top = max(float(t.abs().max()) for t in a)
    changed_total = changed_near = values = 0
    biggest = 0.0
    for fa, fb, m in zip(a, b, border_of):
        diff = (fa - fb).abs()
        changed = diff > 1e-6 * top
        changed_total += int(changed.sum())
        changed_near += int((changed & near_border(m)).sum())
        values += diff.numel()
        biggest = max(biggest, float(diff.max()))
    return {
        "changed_share": changed_total / values,
        "max_change": biggest,
        "features_max": top,
        "changed_near_border_share": changed_near / changed_total if changed_total else 1.0,
    }


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device)
    mask = disk_mask(s.batch, s.size, opts.device)  # a round hole: no edge on the low branch's grid
    # One set of weights: the merge rule changes only the masks a layer hands on.
    encoders = {how: build(lambda: Encoder(64, 2, FIXED.but(octave_masks=how)), opts.seed, opts.device) for how in ("sum", "union", "h2h")}
    handed = {how: into_oct1_3(enc, x, mask) for how, enc in encoders.items()}
    y = handed["union"].value
    union = handed["union"].mask
    enc = encoders["union"]
    mask_max = {how: max(float(m.max()) for m in h.mask) for how, h in handed.items()}
    doubled = tuple(2 * m for m in union)
    # Hole borders: wherever a mask that reaches the branch (its own, or the other branch's
    # resampled to it) changes value, summed or united.
    (uh, ul), (sh, sl) = union, handed["sum"].mask
    borders = (torch.cat([uh, sh, up(ul), up(sl)], dim=1), torch.cat([ul, sl, pool(uh), pool(sh)], dim=1))
    uniform = compare(enc, y, union, doubled, borders)
    real_sum = compare(enc, y, union, handed["sum"].mask, borders)
    h2h = compare(enc, y, union, handed["h2h"].mask, borders)

    say(
        "mask after oct1_2, max: " + ", ".join(f"{k} {v:g}" for k, v in mask_max.items()),
        f"uniform x2 mask into oct1_3: {100 * uniform['changed_share']:.1f}% of features change (max {uniform['max_change']:.3g})",
        f"the real sum: {100 * real_sum['changed_share']:.1f}% change, by up to {real_sum['max_change']:.3g} where features reach {real_sum['features_max']:.3g}; "
        f"{100 * real_sum['changed_near_border_share']:.0f}% of them within 2 px of a hole border",
        f"the note's fix (high-to-high mask only) vs the union: {100 * h2h['changed_share']:.1f}% change, up to {h2h['max_change']:.3g}",
    )
    return {
        "reproduced": (
            mask_max["sum"] == 2.0
            and mask_max["union"] == 1.0
            and uniform["changed_share"] == 0.0
            and real_sum["changed_share"] > 0.0
            and real_sum["changed_near_border_share"] == 1.0
        ),
        "mask_max_after_oct1_2": mask_max,
        "uniform_x2": uniform,
        "real_sum_vs_union": real_sum,
        "h2h_vs_union": h2h,
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
