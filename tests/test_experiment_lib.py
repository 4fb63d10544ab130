"""The PartialOct parts the experiments are built from, checked against plain torch."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from experiments.lib.encoder import adaptive_pool3
from experiments.lib.losses import efdm, efdm_pairwise
from experiments.lib.octave import merge_masks
from experiments.lib.pconv import PartialConv2d, reflect_pad
from experiments.lib.variants import FIXED


@pytest.mark.parametrize("in_ch,out_ch,k,groups", [(3, 8, 3, 1), (8, 8, 3, 8), (4, 6, 1, 1), (3, 4, 7, 1)])
def test_correct_partial_conv_with_all_ones_mask_equals_conv2d_inside(in_ch, out_ch, k, groups):
    torch.manual_seed(0)
    pconv = PartialConv2d(in_ch, out_ch, k, padding=k // 2, groups=groups)
    plain = nn.Conv2d(in_ch, out_ch, k, padding=k // 2, groups=groups, padding_mode="reflect", bias=False)
    plain.weight.data.copy_(pconv.conv.weight.data)
    x = torch.randn(2, in_ch, 12, 12)
    out, update = pconv(x, torch.ones_like(x))
    p = k // 2
    inside = (slice(None), slice(None), slice(p, 12 - p), slice(p, 12 - p))
    assert torch.equal(out[inside], plain(x)[inside])
    assert torch.equal(update, torch.ones_like(update))


def test_holes_do_not_reach_the_output_of_a_correct_partial_conv():
    torch.manual_seed(0)
    pconv = PartialConv2d(3, 8, 3, padding=1)
    mask = torch.ones(1, 3, 10, 10)
    mask[..., 3:7, 3:7] = 0
    x = torch.randn(1, 3, 10, 10)
    y = torch.where(mask.bool(), x, torch.randn_like(x) * 100)
    assert torch.equal(pconv(x, mask)[0], pconv(y, mask)[0])


def test_aliased_kernel_overwrites_the_real_weights_and_realiased_changes_on_second_call():
    torch.manual_seed(0)
    aliased = PartialConv2d(4, 4, 3, padding=1, bugs=FIXED.but(kernel="aliased"))
    assert torch.equal(aliased.conv.weight, torch.ones_like(aliased.conv.weight))
    torch.manual_seed(0)
    realiased = PartialConv2d(4, 4, 3, padding=1, bugs=FIXED.but(kernel="realiased"))
    x, m = torch.randn(1, 4, 8, 8), torch.ones(1, 4, 8, 8)
    with torch.no_grad():
        first, second = realiased(x, m)[0], realiased(x, m)[0]
    assert not torch.equal(first, second)


def test_reflect_pad_matches_torch():
    x = torch.randn(2, 3, 6, 7)
    for p in (1, 2, 3):
        assert torch.equal(reflect_pad(x, p), F.pad(x, (p, p, p, p), mode="reflect"))


def test_adaptive_pool3_matches_torch():
    for side in (4, 8, 16, 17):
        x = torch.randn(2, 5, side, side)
        assert torch.allclose(adaptive_pool3(x), F.adaptive_avg_pool2d(x, 3), atol=1e-6)


def test_efdm_is_the_mse_against_a_gathered_at_b_ranks():
    torch.manual_seed(0)
    a, b = torch.randn(3, 4, 5, 5), torch.randn(3, 4, 5, 5)
    fa, fb = a.flatten(2), b.flatten(2)
    ranks = fb.argsort(-1).argsort(-1)
    by_definition = ((fa.sort(-1).values.gather(-1, ranks) - fb) ** 2).mean(dim=(1, 2))
    assert torch.allclose(efdm(a, b), by_definition, rtol=1e-5)
    assert torch.allclose(efdm_pairwise(a, b).diagonal(), efdm(a, b), rtol=1e-5)


def test_octave_mask_merge_rules():
    a, b = torch.tensor([1.0, 1.0, 0.0]), torch.tensor([1.0, 0.0, 0.0])
    assert merge_masks(a, b, "sum").tolist() == [2.0, 1.0, 0.0]
    assert merge_masks(a, b, "union").tolist() == [1.0, 1.0, 0.0]
    assert merge_masks(a, b, "h2h").tolist() == [1.0, 1.0, 0.0]
