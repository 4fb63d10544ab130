"""Summed octave masks: 1.0 -> 2.0; harmless when uniform, not under the threshold, bounded when real."""

from __future__ import annotations

import pytest

from experiments import summed_masks
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(summed_masks)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_the_summed_mask_reaches_two(result):
    assert result["mask_max_after_1_2"] == {"sum": 2.0, "h2h": 1.0, "union": 1.0}


def test_a_uniform_doubling_cancels_in_the_ratio_except_under_a_threshold_after_pooling(result):
    assert all(v["changed_share"] == 0.0 for v in result["uniform_x2"].values())
    pooled = result["uniform_x2_pooled_by_1_1"]
    assert pooled["note_era"] == 0.0 and pooled["nvidia"] == 0.0
    assert 0.005 < pooled["c75d6d6"] < 0.10  # real code: "a x2 mask still moves 2 - 3% of features"


def test_the_real_sum_moves_about_12_percent_of_features_all_near_hole_borders(result):
    real = result["real_sum_vs_union"]
    assert real["changed_share"] == pytest.approx(0.12, abs=0.03)  # real code: about 12%
    assert real["changed_near_border_share"] == 1.0
    assert real["max_change"] < real["features_max"]  # bounded: not the explosion


def test_the_notes_fix_is_not_the_union_either(result):
    assert result["h2h_vs_union"]["changed_share"] > 0
