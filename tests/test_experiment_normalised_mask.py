"""Normalised mask: values -2.1 ... 2.6 instead of {0, 1}, and hole content leaking out."""

from __future__ import annotations

import pytest

from experiments import normalised_mask
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(normalised_mask)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_normalize_turns_a_binary_mask_into_minus_2_1_to_2_6(result):
    expected = [(-2.118, 2.249), (-2.036, 2.429), (-1.804, 2.640)]
    for (lo, hi), (want_lo, want_hi) in zip(result["normalised_mask_per_channel"], expected):
        assert lo == pytest.approx(want_lo, abs=1e-3)
        assert hi == pytest.approx(want_hi, abs=1e-3)
    assert result["raw_mask_values"] == [0.0, 1.0]


def test_hole_content_reaches_the_output_only_with_non_binary_masks(result):
    leak = result["leak"]
    assert leak["raw"] == 0.0
    assert leak["soft_binarised"] == 0.0
    assert leak["normalised"] > 0.1 * result["output_max"]
    assert leak["soft"] > 0.0


def test_the_layer_sees_fractional_and_negative_mask_sums(result):
    raw, norm = result["first_layer_mask_sums"]["raw"], result["first_layer_mask_sums"]["normalised"]
    assert (raw["min"], raw["max"], raw["fractional_share"]) == (0.0, 147.0, 0.0)  # 3 channels x 7 x 7
    assert norm["min"] < 0 and norm["fractional_share"] > 0.5
