"""The 3-stage EFDM size mismatch (nobody logged it): the contrastive loss compared features of different sizes.

With three stages netS's third stage has stride 1 and netE's stride 2, yet the contrastive
loss takes EFDM between netS's features of the style and netE's features of the output.
EFDM gathers the style's sorted values at the output's ranks, so with fewer output values
it silently uses only the style's smallest ranks (0 ... N - 1 of 4N) and raises nothing.
Fixed on a side branch in 2025-07 (not on main): netS's third stage at stride 2. Measured
with state E (the note's end) and the fix: every EFDM pair the loss forms, the values each
side has, the ranks used; and whether a strict EFDM (the fix's) accepts each network.
"""

from __future__ import annotations

import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import images, rect_mask
from experiments.lib.encoder import content_encoder, style_encoder
from experiments.lib.losses import ContrastiveLoss, SizeMismatch
from experiments.lib.measure import build
from experiments.lib.scale import scale_of
from experiments.lib.variants import FIXED3, E, State

ID = "efdm_size_mismatch"
DESCRIPTION = "3-stage EFDM size mismatch: which ranks the contrastive loss really uses, and the fix."


def pairs(state: State, size: int, opts: Options) -> tuple[list[tuple[int, int]], bool]:
    """(style values, values used) for each EFDM call of the contrastive loss; and whether strict EFDM accepts it."""
    batch = 2
    net_s = build(lambda: style_encoder(64, 3, state.rule, state.octave_masks, state.same_stride), opts.seed, opts.device)
    net_e = build(lambda: content_encoder(64, 3), opts.seed, opts.device)
    x = images(batch, size, opts.seed, opts.device, 2)
    with torch.no_grad():
        style = net_s(x, rect_mask(batch, size, opts.device))
        out_e, out_s = net_e(x), net_s(x, torch.ones_like(x))
        loss = ContrastiveLoss()
        loss(style.features, style.style, out_e.features, out_s.features, out_s.style, [1, 0])
        strict = ContrastiveLoss(strict=True)
        try:
            strict(style.features, style.style, out_e.features, out_s.features, out_s.style, [1, 0])
            accepted = True
        except SizeMismatch:
            accepted = False
    return loss.efdm.sizes, accepted


def measure(opts: Options) -> dict:
    size = scale_of(opts).size
    result = {}
    for name, state in (("E", E), ("fixed", FIXED3)):
        for px in sorted({size, 64}):
            sizes, accepted = pairs(state, px, opts)
            per_sample = len(sizes) // 4  # 2 samples, positive and negative
            first = sizes[:per_sample]
            mismatched = sorted({(s, t) for s, t in first if s != t})
            result[f"{name}_{px}px"] = {"pairs": first, "mismatched": mismatched, "strict_efdm_accepts": accepted}
    for key, r in result.items():
        used = ", ".join(f"ranks 0-{t - 1} of {s}" for s, t in r["mismatched"]) or "every rank"
        say(f"{key}: {len(r['pairs'])} EFDM pairs per sample; mismatched: {len(r['mismatched'])} ({used}); strict EFDM accepts: {r['strict_efdm_accepts']}")
    bug = result["E_64px"]["mismatched"] == [(256, 64)] or any(s == 4 * t for s, t in result["E_64px"]["mismatched"])
    return {
        "reproduced": bug and not result["E_64px"]["strict_efdm_accepts"] and all(not r["mismatched"] and r["strict_efdm_accepts"] for k, r in result.items() if k.startswith("fixed")),
        "runs": result,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
