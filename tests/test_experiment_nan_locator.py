"""NaN locator: one traced pass finds what the note's manual bisection chased for three days."""

from __future__ import annotations

import pytest

from experiments import nan_locator
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(nan_locator)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_iteration_0_names_the_loss_as_the_birthplace(result):
    born = result["iteration0"]["first_nonfinite"]
    assert born["module"].startswith("loss.contrast.efdm") and born["inputs_finite"] is True
    assert result["iteration0"]["modules_traced"] > 100  # all of them, in one pass


def test_iteration_1_is_nan_from_the_first_layer_so_the_decoder_stops_were_downstream(result):
    it1 = result["iteration1"]
    assert it1["first_nonfinite"]["module"].startswith("G.netE.conv0")
    assert it1["nonfinite_share"] > 0.5
    assert all(result["iteration0"]["note_stops_finite"].values())
    assert not any(it1["note_stops_finite"].values())


def test_the_style_encoder_explodes_while_the_content_encoder_does_not(result):
    assert result["style_encoder_max"]["oct2_3"] > 1e5
    assert result["content_encoder_max"]["oct2_3"] < 1
    assert result["fixed_first_nonfinite"] == [None, None]
