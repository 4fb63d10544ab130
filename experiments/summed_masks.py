"""Summed octave masks: `hf, h_mask = tuple(x + y ...)` added the two branches' masks (12-05 23:04, 23:57).

Where a PartialOctConv's high (or low) output is written by two convs, the code summed their
masks too, so a 1.0 mask came out as 2.0. Measured on netS (2 stages, disk-shaped hole):
  - the mask after PartialOctConv1_2 (the first layer whose two branches add): summed, the
    note's fix (keep H2H), and the union clamp(a + b, 0, 1);
  - a *uniform* x2 mask into PartialOctConv1_3 and into PartialOctConv1_1: with the note-era
    ratio and NVIDIA's the ratio cancels it; with c75d6d6's 0.3 threshold, applied after the
    layer pools the mask, it does not where a pooled block has one valid pixel of four
    (0.25 fails the threshold, 0.5 passes);
  - the real sum is not uniform (1 where only one branch is valid, near hole borders): how
    many of 1_3's features it changes (NVIDIA's layer), by how much, and whether they all
    lie near a border;
  - the note's fix against the union.
"""

from __future__ import annotations

import sys

import torch
import torch.nn.functional as F

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import disk_mask, images
from experiments.lib.encoder import Encoder, style_encoder
from experiments.lib.measure import build
from experiments.lib.octave import pool, up
from experiments.lib.scale import scale_of
from experiments.lib.variants import C75D6D6, NOTE_REALIASED, NVIDIA, Rule

ID = "summed_masks"
DESCRIPTION = "Summed octave masks: 1.0 -> 2.0; a uniform x2 is harmless without the threshold, the real sum moves features near hole borders."
RULES: dict[str, Rule] = {"note_era": NOTE_REALIASED.but(kernel="own"), "c75d6d6": C75D6D6.but(kernel="own"), "nvidia": NVIDIA}


def into_1_3(enc: Encoder, x: torch.Tensor, mask: torch.Tensor):
    """PartialOctConv1_3's input features and the mask pair PartialOctConv1_2 hands it."""
    with torch.no_grad():
        y, m = enc.conv(x, mask)
        y, m = enc.PartialOctConv1_1(y, m)
        y = enc.relu(y)
        y, m = enc.PartialOctConv1_2(y, m)
        return enc.relu(y), m


def near_border(mask: torch.Tensor, reach: int = 2) -> torch.Tensor:
    """Pixels within `reach` of a place where the mask changes value (any channel)."""
    changes = (F.max_pool2d(mask, 3, 1, 1) != -F.max_pool2d(-mask, 3, 1, 1)).any(dim=1, keepdim=True).float()
    return F.max_pool2d(changes, 2 * reach + 1, 1, reach) > 0


def compare(enc: Encoder, y, mask_a, mask_b, border_of) -> dict:
    """1_3's outputs for two input masks: changed share, max change, and where the changes are."""
    with torch.no_grad():
        a, _ = enc.PartialOctConv1_3(y, mask_a)
        b, _ = enc.PartialOctConv1_3(y, mask_b)
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


def pooled_x2(rule: Rule, x: torch.Tensor, mask: torch.Tensor, opts: Options) -> float:
    """The share of PartialOctConv1_1's features a uniform x2 mask changes; its low branch pools the mask.

    The disk mask goes in as it is (not dilated by the 7x7), so its edge cuts 2x2 blocks: a
    block with one valid pixel pools to 0.25, below the 0.3 threshold, and to 0.5 when doubled.
    """
    enc = build(lambda: style_encoder(64, 2, rule, "union"), opts.seed, opts.device)
    with torch.no_grad():
        y, _ = enc.conv(x, mask)
        m = mask[:, :1].expand_as(y)
        a, _ = enc.PartialOctConv1_1(y, m)
        b, _ = enc.PartialOctConv1_1(y, 2 * m)
    top = max(float(t.abs().max()) for t in a)
    return sum(int(((p - q).abs() > 1e-6 * top).sum()) for p, q in zip(a, b)) / sum(p.numel() for p in a)


def measure(opts: Options) -> dict:
    s = scale_of(opts)
    x = images(s.batch, s.size, opts.seed, opts.device)
    mask = disk_mask(s.batch, s.size, opts.device)
    # One set of weights per rule: the merge rule changes only the masks a layer hands on.
    handed = {how: into_1_3(build(lambda: style_encoder(64, 2, NVIDIA, how), opts.seed, opts.device), x, mask) for how in ("sum", "h2h", "union")}
    mask_max = {how: max(float(m.max()) for m in h[1]) for how, h in handed.items()}
    y, union = handed["union"]
    doubled = tuple(2 * m for m in union)
    (uh, ul), (sh, sl) = union, handed["sum"][1]
    borders = (torch.cat([uh, sh, up(ul), up(sl)], dim=1), torch.cat([ul, sl, pool(uh), pool(sh)], dim=1))
    uniform = {}
    for name, rule in RULES.items():
        enc = build(lambda: style_encoder(64, 2, rule, "union"), opts.seed, opts.device)
        uniform[name] = compare(enc, y, union, doubled, borders)
    pooled = {name: pooled_x2(rule, x, mask, opts) for name, rule in RULES.items()}
    enc = build(lambda: style_encoder(64, 2, NVIDIA, "union"), opts.seed, opts.device)
    real_sum = compare(enc, y, union, handed["sum"][1], borders)
    h2h = compare(enc, y, union, handed["h2h"][1], borders)

    say(
        "mask after PartialOctConv1_2, max: " + ", ".join(f"{k} {v:g}" for k, v in mask_max.items()),
        "a uniform x2 mask into PartialOctConv1_3 changes: " + ", ".join(f"{k} {100 * v['changed_share']:.1f}%" for k, v in uniform.items()),
        "a uniform x2 mask into PartialOctConv1_1 (which pools it) changes: " + ", ".join(f"{k} {100 * v:.2f}%" for k, v in pooled.items()),
        f"the real sum (NVIDIA's layer): {100 * real_sum['changed_share']:.1f}% change, by up to {real_sum['max_change']:.3g} where features reach {real_sum['features_max']:.3g}; "
        f"{100 * real_sum['changed_near_border_share']:.0f}% of them within 2 px of a hole border",
        f"the note's fix (high-to-high mask only) vs the union: {100 * h2h['changed_share']:.1f}% change, up to {h2h['max_change']:.3g}",
    )
    return {
        "reproduced": (
            mask_max["sum"] == 2.0
            and mask_max["union"] == 1.0
            and uniform["note_era"]["changed_share"] == 0.0
            and uniform["nvidia"]["changed_share"] == 0.0
            and pooled["note_era"] == 0.0
            and pooled["nvidia"] == 0.0
            and pooled["c75d6d6"] > 0.0
            and real_sum["changed_share"] > 0.0
            and real_sum["changed_near_border_share"] == 1.0
        ),
        "mask_max_after_1_2": mask_max,
        "uniform_x2": uniform,
        "uniform_x2_pooled_by_1_1": pooled,
        "real_sum_vs_union": real_sum,
        "h2h_vs_union": h2h,
        "size": s.size,
        "batch": s.batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
