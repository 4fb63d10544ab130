"""A state's training run, every iteration under the tracer: what the note spent a week finding.

    runs = traced_run(STATES["C"], opts, iterations=3)
    runs[1]["born"]        # {'module': 'netG.AdaOctConv3_1.AdaConv_h', ...}: where iteration 1's NaN was born
    runs[0]["nan_params"]  # {'netE': 0.0, 'netS': 0.0, 'netG': 0.0}: after iteration 0's update
"""

from __future__ import annotations

import copy

import torch

from .cli import Options
from .measure import build, record
from .network import Batch, Objective, PartialOct, make_batch, make_optimizer, nan_parameter_names, train_step
from .scale import scale_of
from .tracer import Trace, trace
from .variants import State

# The networks' outputs the summaries follow: each encoder and the decoder on the batch, then
# the encoders of the output (second calls).
PATH = ("netE", "netS", "netG", "netE#2", "netS#2")


def setup(state: State, opts: Options, lr: float = 1e-4, mask: torch.Tensor | None = None, style: torch.Tensor | None = None):
    s = scale_of(opts)
    model = build(lambda: PartialOct(state), opts.seed, opts.device)
    objective = Objective(state, opts.seed, s.vgg_width).to(opts.device)
    batch = make_batch(state, s.batch, s.size, opts.seed, opts.device, mask, style)
    return model, objective, make_optimizer(model, lr), batch


def roots(model: PartialOct, objective: Objective) -> dict:
    return {"netE": model.netE, "netS": model.netS, "netG": model.netG, "loss": objective}


def summary(t: Trace) -> dict:
    return {
        "born": record(t.born),
        "first_nonfinite": record(t.first_nonfinite),
        "nonfinite_share": sum(not r.finite for r in t.records) / len(t.records),
        "max_abs": {name: t.max_abs(name) for name in PATH if name in t},
        "modules_traced": len(t.records),
    }


_RUNS: dict[tuple, list[dict]] = {}


def traced_run(state: State, opts: Options, iterations: int, guard: bool = False, keep: tuple[str, ...] = (),
               inputs: str = "seeded", mask: torch.Tensor | None = None, style: torch.Tensor | None = None) -> list[dict]:
    """Train `iterations` steps from the seeded start, each under the tracer.

    `keep` names modules whose max|x| to report per iteration as well. `mask` and `style`
    replace the seeded rectangles and style images; `inputs` names them (it is part of the
    cache key, so two different masks need two names). The same run asked for twice in one
    process (several experiments in one test session) is computed once: it is a pure
    function of its arguments.
    """
    key = (state, opts.device.type, opts.quick, opts.size, opts.seed, iterations, guard, keep, inputs, opts.images if inputs != "seeded" else None)
    if key not in _RUNS:
        model, objective, opt, batch = setup(state, opts, mask=mask, style=style)
        _RUNS[key] = run_steps(model, objective, opt, batch, iterations, guard, keep)
    return copy.deepcopy(_RUNS[key])


def run_steps(model: PartialOct, objective: Objective, opt: torch.optim.Optimizer, batch: Batch, iterations: int,
              guard: bool = False, keep: tuple[str, ...] = ()) -> list[dict]:
    steps = []
    for i in range(iterations):
        with trace(roots(model, objective)) as t:
            st = train_step(model, objective, opt, batch, i, guard)
        steps.append(
            {
                "iteration": i,
                **st.losses,
                "output_nan": st.output_nan,
                "stepped": st.stepped,
                "params_nan_fraction": st.params_nan_fraction,
                "nan_params": st.nan_params,
                "nan_param_names": nan_parameter_names(model)[:5],
                **summary(t),
                "kept": {name: (t.max_abs(name) if name in t else None) for name in keep},
            }
        )
    return steps
