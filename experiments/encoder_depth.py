"""Style-encoder depth: "3 stages instead of 2 stopped the NaN" (12-03 22:05), settled by the tracer.

The note deepened both encoders (the last stage repeated once) and saw the StyleEncoder's
result no longer NaN. Here only the style encoder's depth changes (the content encoder and
decoder stay as they are, so the shapes still fit) and the tracer follows the whole
iteration-0 forward pass, note's kernel against the fix, 2 stages against 3:
  - the style features' max|x| per stage;
  - G_contrast, and the first non-finite module.
"""

from __future__ import annotations

import math
import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import build
from experiments.lib.network import Objective, PartialOct, make_batch
from experiments.lib.scale import scale_of
from experiments.lib.tracer import trace
from experiments.lib.variants import FIXED, NOTE_ORIGINAL, Bugs

ID = "encoder_depth"
DESCRIPTION = "Style-encoder depth: does a third stage stop the NaN? The tracer says."


def forward(bugs: Bugs, stages: int, opts: Options) -> dict:
    s = scale_of(opts)
    model = build(lambda: PartialOct(bugs, style_stages=stages), opts.seed, opts.device)
    objective = Objective(opts.seed, s.vgg_width).to(opts.device)
    batch = make_batch(s.batch, s.size, opts.seed, opts.device, bugs)
    with trace({"G": model, "loss": objective}) as t, torch.no_grad():
        losses = objective(model, batch, model(batch)).as_floats()
    bad = t.first_nonfinite
    return {
        "style_stage_max": {f"stage{k}": t.max_abs(f"G.netS.oct{k}_3") for k in range(1, stages + 1)},
        "output_max": t.max_abs("G.dec"),
        "G_contrast": losses["G_contrast"],
        "G_percept": losses["G_percept"],
        "first_nonfinite": None if bad is None else bad.name,
    }


def measure(opts: Options) -> dict:
    runs = {f"{name}_{k}_stages": forward(bugs, k, opts) for name, bugs in (("note", NOTE_ORIGINAL), ("fixed", FIXED)) for k in (2, 3)}
    for name, r in runs.items():
        say(
            f"{name:<15} style features max|x| per stage: "
            + ", ".join(f"{v:.3g}" for v in r["style_stage_max"].values())
            + f"; G_contrast {r['G_contrast']:.3g}; first non-finite: {r['first_nonfinite']}"
        )
    deeper = runs["note_3_stages"]
    claim_supported = math.isfinite(deeper["G_contrast"]) and deeper["first_nonfinite"] is None
    say(f"the note's claim (3 stages stop the NaN) is {'supported' if claim_supported else 'not borne out'} by the measurement")
    nan_at_both = all(math.isnan(runs[f"note_{k}_stages"]["G_contrast"]) for k in (2, 3))
    fixed_finite = all(runs[f"fixed_{k}_stages"]["first_nonfinite"] is None for k in (2, 3))
    return {
        "reproduced": nan_at_both and fixed_finite,
        "claim_supported": claim_supported,
        "style_max_growth_3_over_2": deeper["style_stage_max"]["stage3"] / runs["note_2_stages"]["style_stage_max"]["stage2"],
        "runs": runs,
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
