"""NaN locator: the tracer does in one call the bisection the note did by hand over three days.

12-03 22:10 ... 12-05 16:56: printing tensors layer by layer, the note found NaN after the
decoder's AdaOctConv1_1, then in its OctConv, then in oct_conv_aftup_2, and finally an
explosion in the StyleEncoder. One traced iteration 0 and one traced iteration 1 of the
note's network (and of the fixed one) show:
  - iteration 0: the first non-finite module and whether its inputs were finite (where the
    value is born), the style encoder's per-layer growth against the content encoder's;
  - iteration 1, after one Adam step on the NaN loss: the first non-finite module, the share
    of modules whose output is not finite, and the decoder modules the note stopped at;
  - the fixed network: no non-finite module in either iteration.
"""

from __future__ import annotations

import sys

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.measure import build
from experiments.lib.network import Objective, PartialOct, make_batch, make_optimizer, train_step
from experiments.lib.scale import scale_of
from experiments.lib.tracer import Trace, trace
from experiments.lib.variants import FIXED, NOTE_ORIGINAL, Bugs

ID = "nan_locator"
DESCRIPTION = "NaN locator: the first non-finite module in one traced pass, at iteration 0 and 1."
ENCODER_LAYERS = ["conv0", "oct1_1", "oct1_2", "oct1_3", "oct2_1", "oct2_2", "oct2_3"]
# Where the note's manual bisection stopped (12-03 22:42, 23:09; 12-05 09:50).
NOTE_STOPS = ["G.dec.AdaOctConv1_1", "G.dec.AdaOctConv1_1.OctConv", "G.dec.oct_conv_aftup_2"]


def traced_iterations(bugs: Bugs, opts: Options) -> tuple[Trace, Trace]:
    s = scale_of(opts)
    model = build(lambda: PartialOct(bugs), opts.seed, opts.device)
    objective = Objective(opts.seed, s.vgg_width).to(opts.device)
    opt = make_optimizer(model)
    batch = make_batch(s.batch, s.size, opts.seed, opts.device, bugs)
    traces = []
    for i in range(2):
        with trace({"G": model, "loss": objective}) as t:
            train_step(model, objective, opt, batch, i, guard=False)
        traces.append(t)
    return traces[0], traces[1]


def describe(t: Trace) -> dict:
    bad = t.first_nonfinite
    return {
        "first_nonfinite": None if bad is None else {"module": bad.name, "kind": bad.kind, "nan": bad.has_nan, "inf": bad.has_inf, "inputs_finite": bad.inputs_finite},
        "nonfinite_share": sum(not r.finite for r in t.records) / len(t.records),
        "modules_traced": len(t.records),
        "note_stops_finite": {name: t[name].finite for name in NOTE_STOPS},
    }


def measure(opts: Options) -> dict:
    note0, note1 = traced_iterations(NOTE_ORIGINAL, opts)
    fixed0, fixed1 = traced_iterations(FIXED, opts)
    style = {n: note0.max_abs(f"G.netS.{n}") for n in ENCODER_LAYERS}
    content = {n: note0.max_abs(f"G.netE.{n}") for n in ENCODER_LAYERS}
    it0, it1 = describe(note0), describe(note1)
    path = {name: note0.max_abs(name) for name in ("G.netS", "G.dec", "G.netS#2")}

    say(
        note0.table(["G.netS." + n for n in ENCODER_LAYERS] + ["G.netE.oct2_3", "G.dec", "G.netS#2", "loss.percept", it0["first_nonfinite"]["module"] if it0["first_nonfinite"] else "", "loss.contrast"]),
        f"iteration 0: first non-finite module {it0['first_nonfinite']}, one traced pass over {it0['modules_traced']} modules",
        f"iteration 1: first non-finite module {it1['first_nonfinite']['module'] if it1['first_nonfinite'] else None}; "
        f"{100 * it1['nonfinite_share']:.0f}% of modules non-finite; where the note stopped: "
        + ", ".join(f"{n.split('.', 1)[1]} {'finite' if ok else 'NaN'} (iteration 0: {'finite' if it0['note_stops_finite'][n] else 'NaN'})" for n, ok in it1["note_stops_finite"].items()),
        f"fixed network: first non-finite module at iteration 0: {fixed0.first_nonfinite}, at iteration 1: {fixed1.first_nonfinite}",
    )
    born = it0["first_nonfinite"]
    return {
        "reproduced": (
            born is not None
            and born["module"].startswith("loss.contrast")
            and born["inputs_finite"]
            and it1["first_nonfinite"] is not None
            and all(it0["note_stops_finite"].values())
            and not any(it1["note_stops_finite"].values())
            and fixed0.all_finite
            and fixed1.all_finite
        ),
        "iteration0": it0,
        "iteration1": it1,
        "style_encoder_max": style,
        "content_encoder_max": content,
        "explosion_path_max": path,
        "fixed_first_nonfinite": [None if t.first_nonfinite is None else t.first_nonfinite.name for t in (fixed0, fixed1)],
        "size": scale_of(opts).size,
        "batch": scale_of(opts).batch,
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv)


if __name__ == "__main__":
    sys.exit(main())
