"""NaN dynamics in training: where the first non-finite value is born, and what follows.

The note saw G_contrast NaN from iteration 0 and every loss NaN from iteration 1 (12-01,
12-05 21:35), and ruled out the learning rate by lowering it 1000x (12-01 16:53). Measured
on the whole network (netE, netS, decoder, VGG stand-in, both losses), note's bugs against
fixes, same seeded batch:
  - iteration 0: the tracer's first non-finite module, and the magnitudes leading to it;
  - the losses over the first iterations, without a guard;
  - the negative control: one Adam step after a NaN loss at lr 1e-4, 1e-7 and 0;
  - the guard that skips `step()` on a non-finite loss;
  - the fixed network: every loss finite.
"""

from __future__ import annotations

import copy
import math
import sys

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import build
from experiments.lib.network import Objective, PartialOct, make_batch, make_optimizer, nan_fraction, train_step
from experiments.lib.scale import scale_of
from experiments.lib.tracer import Trace, trace
from experiments.lib.variants import FIXED, NOTE_ORIGINAL, Bugs

ID = "nan_dynamics"
DESCRIPTION = "NaN dynamics: the first non-finite value, NaN losses from iteration 1, the lr control, the skip-step guard."
LEARNING_RATES = (1e-4, 1e-7, 0.0)


def setup(bugs: Bugs, opts: Options, lr: float = 1e-4):
    s = scale_of(opts)
    model = build(lambda: PartialOct(bugs), opts.seed, opts.device)
    objective = Objective(opts.seed, s.vgg_width).to(opts.device)
    return model, objective, make_optimizer(model, lr), make_batch(s.batch, s.size, opts.seed, opts.device, bugs)


def summarise(t: Trace) -> dict:
    bad = t.first_nonfinite
    return {
        "first_nonfinite": None if bad is None else {"module": bad.name, "kind": bad.kind, "nan": bad.has_nan, "inf": bad.has_inf, "inputs_finite": bad.inputs_finite},
        "max_abs": {name: t.max_abs(name) for name in ("G.netE", "G.netS", "G.dec", "G.netS#2")},
        "modules_traced": len(t.records),
    }


def run(bugs: Bugs, opts: Options, iterations: int, guard: bool = False) -> tuple[list[dict], dict]:
    """Train from the seeded start; iteration 0 runs under the tracer."""
    model, objective, opt, batch = setup(bugs, opts)
    steps, first = [], {}
    for i in range(iterations):
        if i == 0:
            with trace({"G": model, "loss": objective}) as t:
                st = train_step(model, objective, opt, batch, i, guard)
            first = summarise(t)
        else:
            st = train_step(model, objective, opt, batch, i, guard)
        steps.append({"iteration": i, **st.losses, "output_nan": st.output_nan, "stepped": st.stepped, "params_nan_fraction": st.params_nan_fraction})
    return steps, first


def lr_control(bugs: Bugs, opts: Options) -> dict[str, float]:
    """One backward of iteration 0's loss, then one Adam step per learning rate on a copy."""
    model, objective, _, batch = setup(bugs, opts)
    objective(model, batch, model(batch)).total.backward()
    fractions = {}
    for lr in LEARNING_RATES:
        twin = copy.deepcopy(model)
        for p, q in zip(model.parameters(), twin.parameters()):
            q.grad = None if p.grad is None else p.grad.clone()
        make_optimizer(twin, lr).step()
        fractions[f"{lr:g}"] = nan_fraction(twin)
    return fractions


def all_nan(step: dict) -> bool:
    return all(math.isnan(step[k]) for k in ("G_percept", "G_contrast", "G_loss"))


def all_finite(step: dict) -> bool:
    return all(math.isfinite(step[k]) for k in ("G_percept", "G_contrast", "G_loss"))


def measure(opts: Options) -> dict:
    n = scale_of(opts).iterations
    buggy, born = run(NOTE_ORIGINAL, opts, n)
    control = lr_control(NOTE_ORIGINAL, opts)
    guarded, _ = run(NOTE_ORIGINAL, opts, n, guard=True)
    fixed, fixed_born = run(FIXED, opts, n)

    bad = born["first_nonfinite"]
    say(
        f"iteration 0, note's bugs: first non-finite module {bad['module'] if bad else None} ({bad['kind'] if bad else ''}), "
        + ", ".join(f"{k} max|x| {v:.3g}" for k, v in born["max_abs"].items()),
        "losses per iteration (note's bugs): " + "; ".join(f"it{s['iteration']} percept {s['G_percept']:.3g} contrast {s['G_contrast']:.3g}" for s in buggy),
        "parameters NaN after one Adam step on the NaN loss: " + ", ".join(f"lr {k}: {100 * v:.0f}%" for k, v in control.items()),
        f"skip-step guard: steps taken {sum(s['stepped'] for s in guarded)}/{n}, parameters NaN {100 * guarded[-1]['params_nan_fraction']:.0f}%, "
        f"G_contrast still NaN every iteration: {all(math.isnan(s['G_contrast']) for s in guarded)}",
        "fixed: " + "; ".join(f"it{s['iteration']} G_loss {s['G_loss']:.4g}" for s in fixed),
    )
    first = buggy[0]
    symptom = (
        bad is not None
        and bad["module"].startswith("loss.contrast")
        and bad["inputs_finite"]
        and math.isnan(first["G_contrast"])
        and math.isfinite(first["G_percept"])
        and all(all_nan(s) and s["output_nan"] for s in buggy[1:])
        and all(v == 1.0 for v in control.values())
        and all(s["params_nan_fraction"] == 0.0 and not s["stepped"] for s in guarded)
    )
    cured = fixed_born["first_nonfinite"] is None and all(all_finite(s) and s["params_nan_fraction"] == 0.0 for s in fixed)
    return {
        "reproduced": symptom and cured,
        "iteration0": {"losses": {k: buggy[0][k] for k in ("G_percept", "G_contrast", "G_loss")}, **born},
        "buggy_steps": buggy,
        "lr_control_params_nan_fraction": control,
        "guarded_steps": guarded,
        "fixed_steps": fixed,
        "fixed_iteration0_first_nonfinite": fixed_born["first_nonfinite"],
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
