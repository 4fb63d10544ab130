"""Mask ratio: 1 inside, 3 at a border, 0 in a hole; the grouped kernel's 64/192 and 9."""

from __future__ import annotations

import pytest

from experiments import mask_ratio
from experiments.lib.inprocess import run_quick

CORRECT_K3 = {"inside": 1.0, "border": 3.0, "hole": 0.0}
CORRECT_K1 = {"inside": 1.0, "border": 0.0, "hole": 0.0}


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(mask_ratio)


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_the_correct_ratio_is_1_3_0_for_any_groups_and_needs_no_k1_special_case(result):
    r = result["ratio"]["correct"]
    assert r["k3_groups1"] == CORRECT_K3 and r["k3_groups64"] == CORRECT_K3
    assert r["k1_groups1"] == CORRECT_K1 and r["k1_groups64"] == CORRECT_K1


def test_a_mask_kernel_that_inherits_groups_gives_64_and_192_in_a_depthwise_layer(result):
    r = result["ratio"]["grouped"]
    assert r["k3_groups64"] == {"inside": 64.0, "border": 192.0, "hole": 0.0}
    assert r["k1_groups64"]["inside"] == 64.0
    # invisible in ungrouped layers, which is why the note never caught it
    assert r["k3_groups1"] == CORRECT_K3


def test_the_clamped_grouped_variant_gives_9_inside_and_at_borders(result):
    assert result["ratio"]["grouped_clamped"]["k3_groups64"] == {"inside": 9.0, "border": 9.0, "hole": 0.0}


def test_the_per_channel_window_makes_the_ratio_one_over_the_channel_count(result):
    assert result["ratio"]["channel_window"]["k1_groups1"]["inside"] == 1 / 64


def test_against_conv2d_on_a_depthwise_layer(result):
    d = result["depthwise_conv2d_max_diff"]
    assert d["correct"] == 0.0
    assert 100 < d["grouped"] < 400
    assert 10 < d["grouped_clamped"] < 50
