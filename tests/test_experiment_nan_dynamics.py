"""NaN dynamics, state A: born in EFDM at iteration 0, everywhere from iteration 1, at any lr."""

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


def test_the_first_non_finite_value_is_born_in_the_contrastive_efdm(result):
    # Real code, state A: EFDM's squared sum (inf, inputs finite), G_contrast NaN, at iteration 0.
    born = result["iteration0"]["born"]
    assert born["module"].startswith("loss.contrast.efdm") and born["kind"] == "EFDM"
    assert born["inf"] is True and born["inputs_finite"] is True
    losses = result["iteration0"]["losses"]
    assert is_nan(losses["G_contrast"])
    assert is_finite(losses["G_percept"]) and losses["G_percept"] > 1e10


def test_the_magnitudes_that_lead_there(result):
    m = result["iteration0"]["max_abs"]
    assert m["netS"] == pytest.approx(1.8e6, rel=0.1)  # the style encoder: large but finite
    assert m["netE"] < 10  # the content encoder is plain: no mask, no explosion
    assert 1e11 < m["netG"] < 1e15  # decoder output ~ style code squared
    assert m["netS#2"] > 1e18  # netS of the output: its squares overflow float32


def test_every_loss_is_nan_from_iteration_1_first_in_the_content_encoder(result):
    for step in result["buggy_steps"][1:]:
        assert all(is_nan(step[k]) for k in LOSSES) and step["output_nan"] is True
    assert result["buggy_steps"][1]["born"]["module"].startswith("netE.conv")  # real code: `netE.conv`


def test_one_adam_step_after_a_nan_loss_poisons_every_parameter_at_any_learning_rate(result):
    assert result["lr_control_params_nan_fraction"] == {"0.0001": 1.0, "1e-07": 1.0, "0": 1.0}


def test_the_skip_step_guard_keeps_parameters_finite_but_not_the_loss(result):
    for step in result["guarded_steps"]:
        assert step["stepped"] is False and step["params_nan_fraction"] == 0.0
        assert is_nan(step["G_contrast"])


def test_with_the_fixes_every_loss_is_finite_and_g_contrast_is_lambda_times_batch(result):
    for step in result["fixed_steps"]:
        assert all(is_finite(step[k]) for k in LOSSES) and step["params_nan_fraction"] == 0.0
        assert step["G_contrast"] == pytest.approx(10, rel=0.1)  # lambda_cs * B at initialisation
