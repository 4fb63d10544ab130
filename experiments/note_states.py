"""The note's states, end to end: each snapshot of the network through three traced training steps.

A 12-01 (aliased kernel, summed masks, 2 stages, normalised masks), B 12-03 (3 stages),
C 12-05 21:35 (own kernel, re-aliased at the end of forward), D 12-05 23:57 (H2H mask, raw
masks), E c75d6d6 (the note's end: 0.3 threshold, ceil(sum / C_in)), F 64dc22a (re-alias
removed), G SoftPartConv, and the fix (NVIDIA's layer), each from the same seed. Per
iteration: the losses, where the first non-finite value was born (the first module whose
inputs were finite and output was not), and which networks' parameters are NaN after the
update. The claims measured: C is finite at iteration 0, its parameters clean after the
step, and NaN at iteration 1, born in the decoder's AdaConv (12-05 21:35~2: "still NaN, not
inf, from iteration 1"); E, where the note ended, trains without NaN at enormous losses.
"""

from __future__ import annotations

import math
import sys

import torch

from experiments.lib import cli
from experiments.lib.cli import Options, say
from experiments.lib.data import blob_mask, pipeline_mask
from experiments.lib.images import ImageError, pipeline_pairs
from experiments.lib.scale import scale_of
from experiments.lib.training import traced_run
from experiments.lib.variants import STATES

ID = "note_states"
DESCRIPTION = "The note's states A-G and the fix, each through three traced training steps."
ITERATIONS = 3
DEFAULT = ("A", "B", "C", "D", "E", "F", "G", "fixed")
# The states whose iteration-0 loss is measured under a second, figure-like seeded mask.
MASK_STUDY = ("F", "fixed")


def finite(step: dict) -> bool:
    return all(math.isfinite(step[k]) for k in ("G_percept", "G_contrast", "G_loss"))


def verdicts(runs: dict[str, list[dict]]) -> dict[str, bool]:
    """Each claim of the facts, judged on the runs that were made (a state not run: no verdict)."""
    out: dict[str, bool] = {}
    if "A" in runs:
        a = runs["A"]
        born = a[0]["born"] or {}
        out["A_nan_born_in_efdm_at_iteration_0"] = born.get("module", "").startswith("loss.") and born.get("kind") == "EFDM" and math.isnan(a[0]["G_contrast"])
        out["A_every_loss_nan_from_iteration_1"] = all(not finite(s) and math.isnan(s["G_loss"]) for s in a[1:])
    if "C" in runs:
        c = runs["C"]
        born = c[1]["born"] or {}
        out["C_finite_at_iteration_0"] = finite(c[0]) and c[0]["params_nan_fraction"] == 0.0
        out["C_nan_at_iteration_1_born_in_the_decoders_adaconv"] = math.isnan(c[1]["G_loss"]) and born.get("kind") == "AdaConv2d" and born.get("module", "").startswith("netG.")
    for name in ("E", "F", "G", "fixed"):
        if name in runs:
            out[f"{name}_finite"] = all(finite(s) and s["params_nan_fraction"] == 0.0 for s in runs[name])
    return out


def mask_verdicts(masks: dict[str, dict]) -> dict[str, bool]:
    """F's loss moves by orders of magnitude with the mask's shape; the fix's stays an untrained model's."""
    out: dict[str, bool] = {}
    if "F" in masks:
        out["F_loss_set_by_the_mask"] = masks["F"]["figure"]["G_loss"] > 100 * masks["F"]["rect"]["G_loss"]
    if "fixed" in masks:
        out["fixed_bounded_under_either_mask"] = all(math.isfinite(m["G_loss"]) and m["G_loss"] < 1e4 for m in masks["fixed"].values())
    return out


def mask_study(opts: Options, runs: dict[str, list[dict]]) -> dict[str, dict]:
    """Iteration 0 of F and the fix with the seeded rectangles (the runs above) and a figure mask.

    The figure mask is a seeded figure (a few ellipses) through the pipeline's Resize and crop,
    soft along its edges like the repository's mask files.
    """
    s = scale_of(opts)
    figure = pipeline_mask(blob_mask(s.batch, s.size, opts.seed), opts.seed)
    out: dict[str, dict] = {}
    for name in (n for n in MASK_STUDY if n in runs):
        rect = runs[name][0]
        fig = traced_run(STATES[name], opts, 1, inputs="figure mask", mask=figure)[0]
        out[name] = {label: {"G_loss": st["G_loss"], "netS_max_abs": st["max_abs"]["netS"]} for label, st in (("rect", rect), ("figure", fig))}
        say(f"state {name}, iteration 0, by mask: two rectangles G_loss {rect['G_loss']:.3g} (netS {rect['max_abs']['netS']:.3g}); "
            f"a figure G_loss {fig['G_loss']:.3g} (netS {fig['max_abs']['netS']:.3g})")
    return out


def real_pairs(opts: Options) -> tuple[torch.Tensor, torch.Tensor]:
    """The first `batch` style / mask pairs of `--images`, as the pipeline made them; a bad folder ends the run."""
    assert opts.images is not None
    s = scale_of(opts)
    try:
        return pipeline_pairs(opts.images, s.batch, s.size)
    except ImageError as exc:
        raise SystemExit(f"python -m experiments.{ID}: error: {exc}") from None


def on_images(opts: Options, names: tuple[str, ...], pairs: tuple[torch.Tensor, torch.Tensor]) -> dict:
    """The same states on real style / mask pairs (the content stays seeded: the repository has none)."""
    styles, masks = pairs
    runs = {name: traced_run(STATES[name], opts, ITERATIONS, inputs="images", mask=masks, style=styles) for name in names}
    for name, steps in runs.items():
        say(f"state {name} on {opts.images}: G_loss " + " -> ".join(f"{st['G_loss']:.3g}" for st in steps))
    return {"pairs": len(styles), "mask_values_fractional": float(((masks > 0) & (masks < 1)).float().mean()),
            "states": {name: {"steps": steps} for name, steps in runs.items()}}


def measure(opts: Options) -> dict:
    names = opts.states or DEFAULT
    pairs = real_pairs(opts) if opts.images is not None else None  # a bad folder fails before minutes of work
    runs = {name: traced_run(STATES[name], opts, ITERATIONS) for name in names}
    for name, steps in runs.items():
        say(f"state {name}: {STATES[name].title}")
        for s in steps:
            born = s["born"]
            nan = ", ".join(f"{k} {100 * v:.0f}%" for k, v in s["nan_params"].items())
            say(
                f"  it{s['iteration']}: G_loss {s['G_loss']:.3g} (percept {s['G_percept']:.3g}, contrast {s['G_contrast']:.3g}); "
                f"born: {born['module'] + (' (inf)' if born['inf'] else ' (nan)') if born else 'nothing non-finite'}; NaN parameters after the step: {nan}"
            )
    masks = mask_study(opts, runs)
    judged = {**verdicts(runs), **mask_verdicts(masks)}
    say("claims: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in judged.items()))
    # Reproduced when the two claims the issue names hold: C's NaN at iteration 1 and E finite.
    needed = [k for k in ("C_finite_at_iteration_0", "C_nan_at_iteration_1_born_in_the_decoders_adaconv", "E_finite") if k in judged]
    return {
        "reproduced": bool(needed) and all(judged[k] for k in needed) and all(judged.values()),
        "claims": judged,
        "states": {name: {"title": STATES[name].title, "steps": steps} for name, steps in runs.items()},
        "masks": masks,
        **({"images": on_images(opts, names, pairs)} if pairs is not None else {}),
    }


def main(argv: list[str] | None = None) -> int:
    return cli.main(ID, DESCRIPTION, measure, argv, takes=("states", "images"))


if __name__ == "__main__":
    sys.exit(main())
