"""NaN locator: one traced pass does the bisection the note did by hand over three days (12-03 22:10 ... 12-05 16:56).

From 12-03 22:10 the note printed tensors layer by layer in state B (3 stages, aliased
kernel, normalised masks): NaN after the decoder's AdaOctConv1_1 (22:42), then in its
OctConv (23:09), then in oct_conv_aftup_2 (12-05 09:50), and finally an explosion in the
StyleEncoder (16:56). Two traced iterations of state B and of the fix show:
  - iteration 0: where the first non-finite value is born, and netS's growth per stage
    against netE's (the note's 16:56 comparison);
  - iteration 1, after one Adam step on the NaN loss: where the NaN is born, the share of
    modules whose output is not finite, and the decoder modules the note stopped at;
  - the fixed network: nothing non-finite in either iteration.
"""

from __future__ import annotations

import sys

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import record
from experiments.lib.network import train_step
from experiments.lib.scale import scale_of
from experiments.lib.tracer import Trace, trace
from experiments.lib.training import roots, setup
from experiments.lib.variants import FIXED3, B, State

ID = "nan_locator"
DESCRIPTION = "NaN locator, state B: the first non-finite module in one traced pass, at iteration 0 and 1."
# Where the note's manual bisection stopped (12-03 22:42, 23:09; 12-05 09:50).
NOTE_STOPS = ["netG.AdaOctConv1_1", "netG.AdaOctConv1_1.OctConv", "netG.oct_conv_aftup_2"]
STAGE_ENDS = {"input": None, "conv": "conv", "stage1": "relu#3", "stage2": "relu#6", "stage3": "relu#9"}


def traced_iterations(state: State, opts: Options) -> tuple[Trace, Trace]:
    model, objective, opt, batch = setup(state, opts)
    traces = []
    for i in range(2):
        with trace(roots(model, objective)) as t:
            train_step(model, objective, opt, batch, i)
        traces.append(t)
    return traces[0], traces[1]


def describe(t: Trace) -> dict:
    return {
        "born": record(t.born),
        "first_nonfinite": record(t.first_nonfinite),
        "nonfinite_share": sum(not r.finite for r in t.records) / len(t.records),
        "modules_traced": len(t.records),
        "note_stops_finite": {name: t[name].finite for name in NOTE_STOPS},
    }


def per_stage(t: Trace, net: str) -> dict[str, float]:
    return {k: t.max_abs(f"{net}.{v}") for k, v in STAGE_ENDS.items() if v is not None}


def measure(opts: Options) -> dict:
    note0, note1 = traced_iterations(B, opts)
    fixed0, fixed1 = traced_iterations(FIXED3, opts)
    style, content = per_stage(note0, "netS"), per_stage(note0, "netE")
    it0, it1 = describe(note0), describe(note1)

    say(
        note0.table([f"netS.{v}" for v in STAGE_ENDS.values() if v] + [f"netE.{v}" for v in STAGE_ENDS.values() if v] + ["netG", "netS#2", "loss.percept", "loss.contrast"]),
        f"iteration 0: born in {it0['born']}, one traced pass over {it0['modules_traced']} module calls",
        f"iteration 1: born in {it1['born']['module'] if it1['born'] else None}; {100 * it1['nonfinite_share']:.0f}% of module outputs non-finite; where the note stopped: "
        + ", ".join(f"{n.split('.', 1)[1]} {'finite' if ok else 'NaN'} (iteration 0: {'finite' if it0['note_stops_finite'][n] else 'NaN'})" for n, ok in it1["note_stops_finite"].items()),
        f"fixed network: born at iteration 0: {fixed0.born}, at iteration 1: {fixed1.born}",
    )
    born = it0["born"]
    return {
        "reproduced": (
            born is not None
            and born["module"].startswith("loss.")
            and it1["born"] is not None
            and all(it0["note_stops_finite"].values())
            and not any(it1["note_stops_finite"].values())
            and fixed0.all_finite
            and fixed1.all_finite
        ),
        "iteration0": it0,
        "iteration1": it1,
        "style_encoder_max": style,
        "content_encoder_max": content,
        "fixed_born": [record(t.born) for t in (fixed0, fixed1)],
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
