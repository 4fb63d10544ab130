"""Summed octave masks: 2.0 masks, a harmless uniform x2, a bounded change near hole borders."""

from __future__ import annotations

import pytest

from experiments import summed_masks
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(summed_masks)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_summing_makes_the_mask_reach_two(result):
    assert result["mask_max_after_oct1_2"] == {"sum": 2.0, "union": 1.0, "h2h": 1.0}


def test_a_uniform_doubling_changes_nothing(result):
    assert result["uniform_x2"]["changed_share"] == 0.0
    assert result["uniform_x2"]["max_change"] == 0.0


def test_the_real_sum_changes_some_features_near_hole_borders_only(result):
    real = result["real_sum_vs_union"]
    assert 0.01 < real["changed_share"] < 0.5
    assert real["changed_near_border_share"] == 1.0
    assert 0 < real["max_change"] < real["features_max"]  # bounded: no explosion
