"""The README's side-by-side figures, read from results files: one column per file.

    python -m experiments.figures experiments/results/cpu-quick.json experiments/results/cpu.json

Each row is one claim of the note, in the README table's order, with the figure that answers
it from each results file (`run_all`'s output), so the table's "ours" columns come from a
command instead of by hand. A figure a file does not hold (an experiment left out, a failed
run) prints as "—". Nothing is run: this only reads JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

Results = dict[str, dict]  # experiment id -> its JSON result


def g(x: Any) -> str:
    """A figure as the README writes it: 3 significant digits; NaN and inf as they are."""
    if isinstance(x, str) or x is None:
        return str(x)
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int) or (isinstance(x, float) and x.is_integer() and abs(x) < 1e4):
        return f"{x:g}"
    return f"{x:.3g}"


def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def steps(r: Results, state: str) -> list[dict]:
    return r["note_states"]["states"][state]["steps"]


def losses(r: Results, state: str) -> str:
    return " → ".join(g(s["G_loss"]) for s in steps(r, state))


def born(step: dict) -> str:
    b = step.get("born")
    return "nothing" if not b else f"{b['module']} ({'inf' if b['inf'] else 'nan'})"


def _nan_dynamics_0(r: Results) -> str:
    it = r["nan_dynamics"]["iteration0"]
    return f"G_contrast {g(it['losses']['G_contrast'])}, born in {born(it)}; G_percept {g(it['losses']['G_percept'])}"


def _nan_dynamics_1(r: Results) -> str:
    s = r["nan_dynamics"]["buggy_steps"][1]
    return f"G_loss {g(s['G_loss'])}, born in {born(s)}"


def _lr(r: Results) -> str:
    return ", ".join(f"lr {k}: {pct(v)}" for k, v in r["nan_dynamics"]["lr_control_params_nan_fraction"].items())


def _style_encoder(r: Results) -> str:
    m = r["nan_dynamics"]["iteration0"]["max_abs"]
    return f"netS {g(m['netS'])}, netS of the output {g(m['netS#2'])}, netE {g(m['netE'])}"


def _depth(r: Results) -> str:
    d = r["encoder_depth"]
    a, b = d["runs"]["A_2_stages"], d["runs"]["B_3_stages"]
    return (f"{g(a['style_stage_max']['stage2'])} → {g(b['style_stage_max']['stage3'])} (x{g(d['style_max_growth_3_over_2'])}); "
            f"G_contrast {g(a['G_contrast'])} / {g(b['G_contrast'])}, G_percept {g(b['G_percept'])} at 3")


def _locator(r: Results) -> str:
    d = r["nan_locator"]
    stops = d["iteration0"]["note_stops_finite"]
    return (f"iteration 0: {sum(stops.values())} of {len(stops)} note stops finite; iteration 1 born in {born(d['iteration1'])}, "
            f"{pct(d['iteration1']['nonfinite_share'])} of module outputs non-finite")


def _magnitudes(r: Results) -> str:
    s, e = r["nan_locator"]["style_encoder_max"], r["nan_locator"]["content_encoder_max"]
    return f"netS {' → '.join(g(s[k]) for k in ('conv', 'stage1', 'stage2', 'stage3'))}; netE {g(e['stage2'])}, {g(e['stage3'])}"


def _aliased(r: Results) -> str:
    a = r["aliased_kernel"]
    f = a["encoder_factors"]["aliased"]
    return (f"x{g(a['growth_per_plain_3x3']['aliased'])} per ungrouped 3x3, x{g(f['PartialOctConv1_2'])} / x{g(f['PartialOctConv2_2'])} per 1x1, "
            f"x{g(f['PartialOctConv2_3'])} two-branch 3x3; netS {g(a['encoder_max']['aliased'])}")


def _incomplete(r: Results) -> str:
    c = r["aliased_kernel"]["incomplete_fix_calls"]["C"]
    return f"call 1 {g(c[0])}, later calls {g(c[1])}"


def _c_run(r: Results) -> str:
    c = steps(r, "C")
    return f"iteration 0 G_loss {g(c[0]['G_loss'])}, parameters NaN {pct(c[0]['params_nan_fraction'])}; iteration 1 born in {born(c[1])}"


def _ratio_swing(r: Results) -> str:
    c = r["aliased_kernel"]["ratio_max_calls"]["C"]
    return f"netS ratio max {g(c['any_layer'][0])} → {g(c['any_layer'][1])} (depthwise 2_1: {g(c['depthwise_2_1'][0])} → {g(c['depthwise_2_1'][1])})"


def _normalised(r: Results) -> str:
    n = r["normalised_mask"]
    lo = min(v[0] for v in n["normalised_mask_per_channel"])
    hi = max(v[1] for v in n["normalised_mask_per_channel"])
    f = n["first_layer"]
    return (f"mask {g(lo)} … {g(hi)}; first layer ratio {g(f['normalised']['ratio_max'])}, output {g(f['normalised']['output_max'])} "
            f"(raw {g(f['raw']['output_max'])}); deep-hole pixels valid {pct(f['normalised']['deep_hole_pixels_called_valid'])}")


def _leak(r: Results) -> str:
    n = r["normalised_mask"]["leak"]
    return f"holes' content reaching netS: raw {g(n['note_raw'])}, normalised {g(n['note_normalised'])}"


def _summed(r: Results) -> str:
    s = r["summed_masks"]
    return (f"mask {g(s['mask_max_after_1_2']['sum'])}; uniform x2 {pct(s['uniform_x2']['nvidia']['changed_share'])}, "
            f"under c75d6d6's threshold {pct(s['uniform_x2_pooled_by_1_1']['c75d6d6'])}; real sum {pct(s['real_sum_vs_union']['changed_share'])}")


def _soft(r: Results) -> str:
    s = r["soft_masks"]["seeded"]
    return (f"{pct(s['D_no_threshold']['fractional_sums'])} fractional sums, ratio {g(s['D_no_threshold']['ratio_max'])}; "
            f"threshold 0.3: {pct(s['E_threshold_0.3']['fractional_sums'])}, ratio ≤ {g(s['E_threshold_0.3']['ratio_max'])}, leak {g(s['E_threshold_0.3']['leak'])}")


def _ratio(r: Results, rule: str) -> str:
    t = r["mask_ratio"]["ratio"][rule]
    return " / ".join(f"{g(t[k]['inside'])}/{g(t[k]['border'])}/{g(t[k]['hole'])}" for k in ("k3_groups1", "k3_groups64")) + " (ungrouped / grouped)"


def _k1(r: Results) -> str:
    t = r["mask_ratio"]["ratio"]
    return f"note era k = 1: {g(t['note_era']['k1_groups1']['inside'])}; NVIDIA {g(t['nvidia']['k1_groups1']['inside'])} valid, {g(t['nvidia']['k1_groups1']['hole'])} in holes"


def _e(r: Results) -> str:
    return f"G_loss {losses(r, 'E')}"


def _f(r: Results) -> str:
    out = f"G_loss {losses(r, 'F')}"
    m = r["note_states"].get("masks", {}).get("F")
    if m:
        out += f"; a figure mask, iteration 0: {g(m['figure']['G_loss'])}"
    return out + f"; grouped ratio 64dc22a {g(r['mask_ratio']['ratio']['64dc22a']['k3_groups64']['inside'])}, {g(r['mask_ratio']['conv2d_max_diff']['64dc22a']['depthwise'])} from nn.Conv2d"


def _g(r: Results) -> str:
    c = r["softpartconv_clamp"]["softpartconv"]
    return (f"G_loss {g(steps(r, 'G')[0]['G_loss'])}; clamp saturates {pct(c['2_1']['saturated'])} of 2_1 ({g(c['2_1']['max_before_clamp'])} before), "
            f"{pct(c['3_1']['saturated'])} of 3_1; {g(r['softpartconv_clamp']['depthwise_conv2d_max_diff']['softpartconv'])} from nn.Conv2d")


def _crops(r: Results) -> str:
    s = r["independent_crops"]["seeded"]["independent"]
    return f"{pct(s['mean'])} of mask pixels wrong ({pct(s['min'])} … {pct(s['max'])}); one crop {pct(r['independent_crops']['seeded']['shared']['mean'])}"


def _efdm(r: Results) -> str:
    runs = r["efdm_size_mismatch"]["runs"]
    key = next((k for k in runs if k.startswith("E_")), None)
    if key is None:
        return "—"
    pairs = ", ".join(f"0 – {used - 1} of {of}" for of, used in runs[key]["mismatched"])
    return f"at {key[2:]} the gather uses ranks {pairs}; strict EFDM accepts: {g(runs[key]['strict_efdm_accepts'])}"


def _vgg(r: Results) -> str:
    v = r["vgg_normalisation"]
    lo = min(x[0] for x in v["vgg_input_range"]["imagenet"])
    hi = max(x[1] for x in v["vgg_input_range"]["imagenet"])
    errs = v["feature_relative_error"]["imagenet"]
    return f"the VGG sees {g(lo)} … {g(hi)}; features {pct(min(errs))} – {pct(max(errs))} off; matched {pct(max(v['feature_relative_error']['half']))}"


ROWS: list[tuple[str, Callable[[Results], str]]] = [
    ("12-01 (first loop), nan_dynamics (A)", _nan_dynamics_0),
    ("12-01 (second loop), nan_dynamics (A)", _nan_dynamics_1),
    ("12-01 16:53, nan_dynamics (A)", _lr),
    ("12-01 21:57, nan_dynamics (A)", _style_encoder),
    ("12-03 22:05, encoder_depth (A → B)", _depth),
    ("12-03 22:10 …, nan_locator (B)", _locator),
    ("12-05 16:56, nan_locator (B)", _magnitudes),
    ("12-05 17:07, 17:36, aliased_kernel (A)", _aliased),
    ("12-05 21:35, aliased_kernel (C)", _incomplete),
    ("12-05 21:35~2, note_states (C)", _c_run),
    ("12-05 22:31, 22:46, aliased_kernel (C)", _ratio_swing),
    ("12-05 23:04, normalised_mask (C)", _normalised),
    ("12-05 23:21, normalised_mask (D)", _leak),
    ("12-05 23:04, 23:57, summed_masks (C, D)", _summed),
    ("12-06 11:08, soft_masks (D → E)", _soft),
    ("12-06 11:45, mask_ratio", _k1),
    ("12-06 15:01, mask_ratio (E)", lambda r: _ratio(r, "c75d6d6")),
    ("the note's end, note_states (E)", _e),
    ("2025-03, note_states (F)", _f),
    ("2025-06, note_states (G), softpartconv_clamp", _g),
    ("unlogged, independent_crops", _crops),
    ("unlogged, efdm_size_mismatch (E)", _efdm),
    ("unlogged, vgg_normalisation (G)", _vgg),
]


def load(path: Path) -> tuple[str, Results]:
    """A results file's column heading and its experiments' results by id."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = data.get("experiments", [])
    heading = f"{path.name}: {data.get('device', '?')}, {'--quick' if data.get('quick') else 'full size'}"
    return heading, {row["id"]: row["result"] for row in rows if row.get("result")}


def figure(fn: Callable[[Results], str], results: Results) -> str:
    try:
        return fn(results)
    except (KeyError, IndexError, TypeError):
        return "—"  # the experiment is not in this file, or its run failed


def table(files: Sequence[Path]) -> str:
    columns = [load(p) for p in files]
    lines = ["| entry, experiment (state) | " + " | ".join(h for h, _ in columns) + " |", "| --- |" + " --- |" * len(columns)]
    lines += [f"| {label} | " + " | ".join(figure(fn, r) for _, r in columns) + " |" for label, fn in ROWS]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m experiments.figures", description="The README table's figures from run_all results files.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="results files written by run_all (experiments/results/*.json)")
    a = p.parse_args(argv)
    for f in a.files:
        if not f.is_file():
            p.exit(2, f"{p.prog}: error: {f}: no such file\n")
    try:
        print(table(a.files))
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError) as exc:
        p.exit(2, f"{p.prog}: error: not a run_all results file: {exc}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
