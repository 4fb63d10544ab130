"""NaN dynamics: born in the loss at iteration 0, everywhere from iteration 1, at any lr."""

from __future__ import annotations

import pytest

from experiments import nan_dynamics
from experiments.lib.inprocess import is_finite, is_nan, run_quick

LOSSES = ("G_percept", "G_contrast", "G_loss")


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(nan_dynamics)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_the_first_non_finite_value_is_born_in_the_contrastive_loss(result):
    born = result["iteration0"]["first_nonfinite"]
    assert born["module"].startswith("loss.contrast.efdm")
    assert born["inf"] is True and born["inputs_finite"] is True  # EFDM's sum of squares overflows
    losses = result["iteration0"]["losses"]
    assert is_nan(losses["G_contrast"])  # inf / inf
    assert is_finite(losses["G_percept"]) and losses["G_percept"] > 1e10


def test_the_magnitudes_that_lead_there(result):
    m = result["iteration0"]["max_abs"]
    assert 1e5 < m["G.netS"] < 1e8  # style encoder: large but finite
    assert m["G.netE"] < 1  # the content encoder had its own kernel
    assert 1e10 < m["G.dec"] < 1e16  # decoder output ~ style code squared
    assert 1e15 < m["G.netS#2"] < 1e25  # style encoder of the output


def test_every_loss_is_nan_from_iteration_1(result):
    for step in result["buggy_steps"][1:]:
        assert all(is_nan(step[k]) for k in LOSSES)
        assert step["output_nan"] is True


def test_one_adam_step_after_a_nan_loss_poisons_every_parameter_at_any_learning_rate(result):
    assert result["lr_control_params_nan_fraction"] == {"0.0001": 1.0, "1e-07": 1.0, "0": 1.0}


def test_the_skip_step_guard_keeps_parameters_finite_but_not_the_loss(result):
    for step in result["guarded_steps"]:
        assert step["stepped"] is False and step["params_nan_fraction"] == 0.0
        assert is_nan(step["G_contrast"])


def test_with_the_fixes_every_loss_is_finite(result):
    assert result["fixed_iteration0_first_nonfinite"] is None
    for step in result["fixed_steps"]:
        assert all(is_finite(step[k]) for k in LOSSES)
        assert step["params_nan_fraction"] == 0.0
