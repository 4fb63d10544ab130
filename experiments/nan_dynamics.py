"""NaN dynamics in training, state A (12-01): where the first non-finite value is born, and what follows.

The note saw G_contrast NaN from iteration 0 and every loss NaN from iteration 1 (12-01),
and ruled out the learning rate by lowering it 1000x (12-01 16:53). Measured on the whole
network of 12-01 (aliased kernel, summed masks, normalised masks, 2 stages; netE plain,
decoder, VGG stand-in, both losses) against the fix, same seeded batch:
  - iteration 0: where the first non-finite value is born, and the magnitudes leading to it;
  - the losses over the first iterations, without a guard;
  - the negative control: one Adam step after a NaN loss at lr 1e-4, 1e-7 and 0;
  - a guard that skips `step()` on a non-finite loss;
  - the fixed network: every loss finite.
"""

from __future__ import annotations

import copy
import math
import sys

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.network import make_optimizer, nan_fraction
from experiments.lib.scale import scale_of
from experiments.lib.training import setup, traced_run
from experiments.lib.variants import FIXED, A, State

ID = "nan_dynamics"
DESCRIPTION = "NaN dynamics, state A: the first non-finite value, NaN losses from iteration 1, the lr control, the skip-step guard."
LEARNING_RATES = (1e-4, 1e-7, 0.0)
ITERATIONS = 3
LOSSES = ("G_percept", "G_contrast", "G_loss")


def lr_control(state: State, opts: Options) -> dict[str, float]:
    """One backward of iteration 0's loss, then one Adam step per learning rate on a copy."""
    model, objective, _, batch = setup(state, opts)
    objective(batch, model(batch)).total.backward()
    fractions = {}
    for lr in LEARNING_RATES:
        twin = copy.deepcopy(model)
        for p, q in zip(model.parameters(), twin.parameters()):
            q.grad = None if p.grad is None else p.grad.clone()
        make_optimizer(twin, lr).step()
        fractions[f"{lr:g}"] = nan_fraction(twin)
    return fractions


def all_nan(step: dict) -> bool:
    return all(math.isnan(step[k]) for k in LOSSES)


def all_finite(step: dict) -> bool:
    return all(math.isfinite(step[k]) for k in LOSSES)


def measure(opts: Options) -> dict:
    n = ITERATIONS  # note_states' three iterations: in one process the runs are shared
    buggy = traced_run(A, opts, n)
    control = lr_control(A, opts)
    guarded = traced_run(A, opts, n, guard=True)
    fixed = traced_run(FIXED, opts, n)

    born = buggy[0]["born"]
    say(
        f"iteration 0, state A: born in {born['module'] if born else None} ({born['kind'] if born else ''}, inputs finite); "
        + ", ".join(f"{k} max|x| {v:.3g}" for k, v in buggy[0]["max_abs"].items()),
        "losses per iteration (state A): " + "; ".join(f"it{s['iteration']} percept {s['G_percept']:.3g} contrast {s['G_contrast']:.3g}" for s in buggy),
        f"iteration 1: born in {buggy[1]['born']['module'] if buggy[1]['born'] else None}; {100 * buggy[1]['nonfinite_share']:.0f}% of module outputs non-finite",
        "parameters NaN after one Adam step on the NaN loss: " + ", ".join(f"lr {k}: {100 * v:.0f}%" for k, v in control.items()),
        f"skip-step guard: steps taken {sum(s['stepped'] for s in guarded)}/{n}, parameters NaN {100 * guarded[-1]['params_nan_fraction']:.0f}%, "
        f"G_contrast still NaN every iteration: {all(math.isnan(s['G_contrast']) for s in guarded)}",
        "fixed: " + "; ".join(f"it{s['iteration']} G_loss {s['G_loss']:.4g}" for s in fixed),
    )
    first = buggy[0]
    symptom = (
        born is not None
        and born["module"].startswith("loss.contrast")
        and born["inf"]
        and math.isnan(first["G_contrast"])
        and math.isfinite(first["G_percept"])
        and all(all_nan(s) and s["output_nan"] for s in buggy[1:])
        and all(v == 1.0 for v in control.values())
        and all(s["params_nan_fraction"] == 0.0 and not s["stepped"] for s in guarded)
    )
    cured = all(s["born"] is None and all_finite(s) and s["params_nan_fraction"] == 0.0 for s in fixed)
    return {
        "reproduced": symptom and cured,
        "iteration0": {"losses": {k: first[k] for k in LOSSES}, "born": born, "max_abs": first["max_abs"], "modules_traced": first["modules_traced"]},
        "buggy_steps": buggy,
        "lr_control_params_nan_fraction": control,
        "guarded_steps": guarded,
        "fixed_steps": fixed,
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
