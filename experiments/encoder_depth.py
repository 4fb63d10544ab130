"""Encoder depth: "3 stages instead of 2 stopped the StyleEncoder's NaN" (12-03 22:05), settled by the tracer.

On 12-03 the note made both encoders 3 stages deep and saw the StyleEncoder's result no
longer NaN. The third stage the code really had is not a repeat of stage 2: in netS it is
3x3 with stride 1, grouped (128 groups on 256 channels), then 1x1 to 8nf and 3x3; the
decoder gains a stage to match. State A (2 stages) against state B (the same with 3), and
the fix at both depths, one traced iteration-0 forward pass each:
  - the style features' max|x| after each stage;
  - G_percept, G_contrast, and where the first non-finite value is born.
"""

from __future__ import annotations

import math
import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import record
from experiments.lib.scale import scale_of
from experiments.lib.tracer import trace
from experiments.lib.training import roots, setup
from experiments.lib.variants import FIXED, FIXED3, A, B, State

ID = "encoder_depth"
DESCRIPTION = "Encoder depth: does a third stage stop the NaN? State A against B, traced."


def forward(state: State, opts: Options) -> dict:
    model, objective, _, batch = setup(state, opts)
    with trace(roots(model, objective)) as t, torch.no_grad():
        losses = objective(batch, model(batch)).as_floats()
    stages = range(1, state.stages + 1)
    # The last layer of each stage, after its LeakyReLU (netS's shared `relu`, called once per layer).
    return {
        "style_stage_max": {f"stage{k}": t.max_abs(f"netS.relu#{3 * k}") for k in stages},
        "output_max": t.max_abs("netG"),
        "G_contrast": losses["G_contrast"],
        "G_percept": losses["G_percept"],
        "born": record(t.born),
    }


def measure(opts: Options) -> dict:
    runs = {"A_2_stages": forward(A, opts), "B_3_stages": forward(B, opts), "fixed_2_stages": forward(FIXED, opts), "fixed_3_stages": forward(FIXED3, opts)}
    for name, r in runs.items():
        say(
            f"{name:<15} style features max|x| per stage: "
            + ", ".join(f"{v:.3g}" for v in r["style_stage_max"].values())
            + f"; G_percept {r['G_percept']:.3g}, G_contrast {r['G_contrast']:.3g}; born: {r['born']['module'] if r['born'] else None}"
        )
    deeper = runs["B_3_stages"]
    claim_supported = math.isfinite(deeper["G_contrast"]) and deeper["born"] is None
    say(f"the note's claim (3 stages stop the NaN) is {'supported' if claim_supported else 'not borne out'} by the measurement")
    nan_at_both = math.isnan(runs["A_2_stages"]["G_contrast"]) and math.isnan(deeper["G_contrast"])
    fixed_finite = all(runs[k]["born"] is None and math.isfinite(runs[k]["G_contrast"]) for k in ("fixed_2_stages", "fixed_3_stages"))
    return {
        "reproduced": nan_at_both and fixed_finite and not claim_supported,
        "claim_supported": claim_supported,
        "style_max_growth_3_over_2": deeper["style_stage_max"]["stage3"] / runs["A_2_stages"]["style_stage_max"]["stage2"],
        "runs": runs,
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
