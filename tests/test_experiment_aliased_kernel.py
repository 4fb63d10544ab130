"""Aliased mask kernel: x9 per 3x3 conv, the incomplete fix's second call, partial conv == Conv2d."""

from __future__ import annotations

import pytest

from experiments import aliased_kernel
from experiments.lib.inprocess import run_quick


@pytest.fixture(scope="module")
def result() -> dict:
    return run_quick(aliased_kernel)


def test_it_reproduces(result):
    assert result["reproduced"] is True
    assert result["id"] == "aliased_kernel" and result["device"] == "cpu" and result["quick"] is True


def test_each_plain_3x3_conv_multiplies_max_abs_by_about_nine(result):
    assert 7 <= result["growth_per_plain_3x3"]["aliased"] <= 11
    for factor in result["plain_stack_factors"]["aliased"][1:]:
        assert 7 <= factor <= 11
    # a correct partial conv shrinks values instead
    assert result["growth_per_plain_3x3"]["fixed"] < 1


def test_in_the_encoder_1x1_layers_keep_and_3x3_octave_layers_multiply(result):
    f = result["encoder_factors"]["aliased"]
    assert 0.8 <= f["oct1_2"] <= 2 and 0.8 <= f["oct2_2"] <= 2
    assert 7 <= f["oct2_1"] <= 11  # depthwise: no second branch to add
    assert f["oct2_3"] > 10  # two branches add
    assert 1e5 < result["encoder_max"]["aliased"] < 1e8  # large, but finite
    assert result["encoder_max"]["fixed"] < 10


def test_the_incomplete_fix_is_right_once_and_wrong_from_the_second_call(result):
    first, *later = result["incomplete_fix_calls"]
    assert first < 5
    assert all(v > 1e3 for v in later)
    assert len(set(result["own_kernel_calls"])) == 1
    assert result["own_kernel_calls"][0] == first


def test_correct_partial_conv_equals_conv2d_exactly_inside_the_image(result):
    d = result["conv2d_max_diff"]
    assert d["fixed_inside"] == 0.0
    assert d["fixed_everywhere"] > 0.0  # zero-padded mask against reflect-padded features
    assert d["aliased_inside"] > 1.0
