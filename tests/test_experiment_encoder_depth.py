"""Style-encoder depth: a third stage grows the features further and G_contrast stays NaN."""

from __future__ import annotations

import pytest

from experiments import encoder_depth
from experiments.lib.inprocess import is_finite, is_nan, run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(encoder_depth)


def test_it_reproduces_and_the_note_claim_is_not_borne_out(result):
    assert result["reproduced"] is True
    assert result["claim_supported"] is False


def test_three_stages_grow_the_style_features_further(result):
    two, three = result["runs"]["note_2_stages"], result["runs"]["note_3_stages"]
    assert three["style_stage_max"]["stage3"] > 10 * two["style_stage_max"]["stage2"]
    assert result["style_max_growth_3_over_2"] > 10


def test_g_contrast_is_nan_at_either_depth_with_the_aliased_kernel_and_finite_with_the_fix(result):
    runs = result["runs"]
    assert is_nan(runs["note_2_stages"]["G_contrast"]) and is_nan(runs["note_3_stages"]["G_contrast"])
    assert runs["note_3_stages"]["first_nonfinite"].startswith("loss.contrast")
    assert is_finite(runs["fixed_2_stages"]["G_contrast"]) and is_finite(runs["fixed_3_stages"]["G_contrast"])
