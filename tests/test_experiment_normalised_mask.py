"""Normalised mask: its range, the first layer's exploding ratio, leaking holes."""

from __future__ import annotations

import pytest

from experiments import normalised_mask
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(normalised_mask)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_the_normalised_mask_spans_about_minus_2_to_2_6(result):
    lo = min(c[0] for c in result["normalised_mask_per_channel"])
    hi = max(c[1] for c in result["normalised_mask_per_channel"])
    assert lo == pytest.approx(-2.12, abs=0.01) and hi == pytest.approx(2.64, abs=0.01)
    assert result["raw_mask_values"] == [0.0, 1.0]


def test_the_unbounded_ratio_reaches_419_and_the_first_conv_thousands(result):
    raw, norm = result["first_layer"]["raw"], result["first_layer"]["normalised"]
    # Real code, seeded: ratio 419, first conv output 2.5e3 - 1.4e4 against 6 - 7 with raw masks.
    assert norm["ratio_max"] == pytest.approx(419, rel=0.01)
    assert 2.4e3 <= norm["output_max"] <= 1.4e4
    assert 5 <= raw["output_max"] <= 8


def test_negative_sums_count_as_valid_so_the_hole_disappears_after_layer_one(result):
    assert result["first_layer"]["normalised"]["deep_hole_pixels_called_valid"] == 1.0
    assert result["first_layer"]["normalised"]["negative_sums"] > 0
    assert result["first_layer"]["raw"]["deep_hole_pixels_called_valid"] == 0.0


def test_hole_content_reaches_the_output_only_through_a_normalised_mask(result):
    leak = result["leak"]
    assert leak["note_raw"] == 0.0 and leak["nvidia_raw"] == 0.0
    assert leak["note_normalised"] > 0.1 and leak["nvidia_normalised"] > 0.1
