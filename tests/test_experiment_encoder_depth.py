"""Encoder depth: the real third stage grows the style features ~x500 and the NaN stays."""

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


def test_the_third_stage_grows_the_style_features_about_x500(result):
    # Real code: 7.0e6 -> 3.66e9 (x520) with the real stage 3 (stride 1, 8nf, groups 128).
    assert 300 <= result["style_max_growth_3_over_2"] <= 800


def test_g_contrast_is_nan_at_either_depth_and_3_stages_overflow_g_percept_too(result):
    runs = result["runs"]
    assert is_nan(runs["A_2_stages"]["G_contrast"]) and is_nan(runs["B_3_stages"]["G_contrast"])
    assert runs["B_3_stages"]["G_percept"] == "inf"
    assert runs["B_3_stages"]["born"]["module"].startswith("loss.")


def test_with_the_fix_both_depths_are_finite(result):
    for name in ("fixed_2_stages", "fixed_3_stages"):
        assert result["runs"][name]["born"] is None and is_finite(result["runs"][name]["G_contrast"])
