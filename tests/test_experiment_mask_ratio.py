"""Mask ratio: every formula the code had, inside / at a 3-of-9 border / in a hole."""

from __future__ import annotations

import pytest

from experiments import mask_ratio
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(mask_ratio)


def r(result, variant, key):
    return tuple(result["ratio"][variant][key].values())


def test_it_reproduces(result):
    assert result["reproduced"] is True


def test_nvidia_is_one_three_zero_for_any_groups_and_needs_no_k1_case(result):
    for g in ("groups1", "groups64"):
        assert r(result, "nvidia", f"k3_{g}") == (1.0, 3.0, 0.0)
        assert r(result, "nvidia", f"k1_{g}") == (1.0, 0.0, 0.0)


def test_the_note_era_was_right_in_depthwise_layers_and_one_over_c_in_in_ungrouped_ones(result):
    assert r(result, "note_era", "k3_groups64") == (1.0, 3.0, 0.0)
    assert r(result, "note_era", "k3_groups1") == pytest.approx((1 / 64, 3 / 64, 0.0))
    assert r(result, "note_era", "k1_groups1")[0] == pytest.approx(1 / 64)  # 12-06 11:45 "ratio very small for k = 1"


def test_ceil_sum_over_c_in_is_right_ungrouped_and_nine_in_grouped_layers(result):
    # Real code, state E: 1/3/0 in ungrouped layers, 9/9/0 in grouped ones (not 9 everywhere).
    assert r(result, "c75d6d6", "k3_groups1") == (1.0, 3.0, 0.0)
    assert r(result, "c75d6d6", "k3_groups64") == (9.0, 9.0, 0.0)


def test_from_64dc22a_on_grouped_layers_give_64_and_192(result):
    assert r(result, "64dc22a", "k3_groups64") == (64.0, 192.0, 0.0)
    assert r(result, "64dc22a", "k3_groups1") == (1.0, 3.0, 0.0)
    assert r(result, "softpartconv", "k3_groups64")[:2] == (64.0, 192.0)


def test_difference_from_conv2d_with_an_all_ones_mask(result):
    d = result["conv2d_max_diff"]
    assert d["nvidia"] == {"depthwise": 0.0, "ungrouped": 0.0}
    assert d["note_era"]["depthwise"] == 0.0 and d["note_era"]["ungrouped"] > 0.0
    assert d["64dc22a"]["depthwise"] == pytest.approx(184.7, rel=0.01)  # real code: 184.7
    assert d["c75d6d6"]["depthwise"] == pytest.approx(25, rel=0.15)  # "about 25 for the x9 version"
    # SoftPartConv: 2.3 on the real code (layer not named); the clamp bounds it.
    assert 1.5 <= d["softpartconv"]["depthwise"] <= 3.0
