"""The PartialOct parts the experiments are built from, checked against plain torch and the formulas."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from experiments.lib.data import pipeline_mask, disk_mask
from experiments.lib.encoder import adaptive_pool3, content_encoder, style_encoder
from experiments.lib.images import find_pairs, load, write_png, ImageError
from experiments.lib.losses import SizeMismatch, efdm
from experiments.lib.octave import SLOPE, merge_masks
from experiments.lib.pconv import PartialConv2d, reflect_pad
from experiments.lib.variants import C75D6D6, NOTE_ALIASED, NOTE_REALIASED, NVIDIA, SOFTPARTCONV, STATES


@pytest.mark.parametrize("in_ch,out_ch,k,groups", [(3, 8, 3, 1), (8, 8, 3, 8), (4, 6, 1, 1), (3, 4, 7, 1)])
def test_nvidia_partial_conv_with_all_ones_mask_equals_conv2d_everywhere(in_ch, out_ch, k, groups):
    torch.manual_seed(0)
    pconv = PartialConv2d(in_ch, out_ch, k, padding=k // 2, groups=groups, rule=NVIDIA)
    plain = nn.Conv2d(in_ch, out_ch, k, padding=k // 2, groups=groups, padding_mode="reflect", bias=False)
    plain.weight.data.copy_(pconv.conv.weight.data)
    x = torch.randn(2, in_ch, 12, 12)
    out, update = pconv(x, torch.ones_like(x))
    # The mask is padded like the features (reflect), so the border agrees too.
    assert torch.allclose(out, plain(x), atol=1e-6, rtol=0)
    assert torch.equal(update, torch.ones_like(update))


def test_holes_do_not_reach_the_output_of_a_correct_partial_conv():
    torch.manual_seed(0)
    pconv = PartialConv2d(3, 8, 3, padding=1, rule=NVIDIA)
    mask = torch.ones(1, 3, 10, 10)
    mask[..., 3:7, 3:7] = 0
    x = torch.randn(1, 3, 10, 10)
    y = torch.where(mask.bool(), x, torch.randn_like(x) * 100)
    assert torch.equal(pconv(x, mask)[0], pconv(y, mask)[0])


def test_aliased_kernel_overwrites_the_real_weights_and_realiased_changes_on_the_second_call():
    torch.manual_seed(0)
    aliased = PartialConv2d(4, 4, 3, padding=1, rule=NOTE_ALIASED)
    assert torch.equal(aliased.conv.weight, torch.ones_like(aliased.conv.weight))
    torch.manual_seed(0)
    realiased = PartialConv2d(4, 4, 3, padding=1, rule=NOTE_REALIASED)
    x, m = torch.randn(1, 4, 8, 8), torch.ones(1, 4, 8, 8)
    with torch.no_grad():
        first, second, third = (realiased(x, m)[0] for _ in range(3))
    assert not torch.equal(first, second) and torch.equal(second, third)


def test_the_repositorys_update_counts_negative_sums_as_valid_and_nvidia_does_not():
    layer = PartialConv2d(1, 1, 1, rule=NOTE_REALIASED.but(kernel="own"))
    mask = torch.tensor([[[[-2.0, 0.0, 0.5]]]])
    with torch.no_grad():
        _, update = layer(torch.ones_like(mask), mask)
    assert update.flatten().tolist() == [1.0, 0.0, 1.0]
    nvidia = PartialConv2d(1, 1, 1, rule=NVIDIA)
    with torch.no_grad():
        _, update = nvidia(torch.ones_like(mask), mask)
    assert update.flatten().tolist() == [0.0, 0.0, 0.5]


def test_the_threshold_binarises_the_mask_inside_the_layer_after_pooling():
    layer = PartialConv2d(1, 1, 1, rule=C75D6D6.but(kernel="own"))
    layer.keep_ratio = True
    with torch.no_grad():
        layer(torch.ones(1, 1, 1, 3), torch.tensor([[[[0.25, 0.3, 0.5]]]]))
    assert layer.last_count.flatten().tolist() == [0.0, 0.0, 1.0]  # > 0.3, strictly


def test_softpartconv_clamps_its_output_to_one():
    torch.manual_seed(0)
    layer = PartialConv2d(4, 4, 3, padding=1, groups=4, rule=SOFTPARTCONV)
    x = torch.randn(1, 4, 8, 8) * 100
    with torch.no_grad():
        out, update = layer(x, torch.ones_like(x))
    assert float(out.abs().max()) == 1.0
    assert float(update.max()) == pytest.approx(1 / 4)  # soft, and divided by the channel count


def test_reflect_pad_matches_torch():
    x = torch.randn(2, 3, 6, 7)
    for p in (1, 2, 3):
        assert torch.equal(reflect_pad(x, p), F.pad(x, (p, p, p, p), mode="reflect"))


def test_adaptive_pool3_matches_torch():
    for side in (4, 8, 16, 17):
        x = torch.randn(2, 5, side, side)
        assert torch.allclose(adaptive_pool3(x), F.adaptive_avg_pool2d(x, 3), atol=1e-6)


def test_efdm_is_the_mse_against_style_gathered_at_trans_ranks_even_when_sizes_differ():
    torch.manual_seed(0)
    style, trans = torch.randn(1, 4, 8, 8), torch.randn(1, 4, 4, 4)
    s, t = style.flatten(2), trans.flatten(2)
    by_definition = F.mse_loss(t, s.sort(-1).values.gather(-1, t.argsort(-1).argsort(-1)))
    assert torch.allclose(efdm(style, trans), by_definition, rtol=1e-5)
    with pytest.raises(SizeMismatch):
        efdm(style, trans, strict=True)
    with pytest.raises(SizeMismatch):
        efdm(trans, style)  # more values than the style has: the gather fails in the real code too


def test_octave_mask_merge_rules():
    a, b = torch.tensor([1.0, 1.0, 0.0]), torch.tensor([1.0, 0.0, 0.0])
    assert merge_masks(a, b, "sum").tolist() == [2.0, 1.0, 0.0]
    assert merge_masks(a, b, "union").tolist() == [1.0, 1.0, 0.0]
    assert merge_masks(a, b, "h2h").tolist() == [1.0, 1.0, 0.0]


def test_the_encoders_are_as_the_code_built_them():
    net_e, net_s = content_encoder(64, 3), style_encoder(64, 3, NVIDIA, "union")
    assert net_e.conv.rule is None and net_e.conv.conv.bias is not None  # plain, biased 7x7
    assert net_s.conv.conv.bias is None
    assert SLOPE == 0.01
    s31, e31 = net_s.PartialOctConv3_1, net_e.OctConv3_1
    assert s31.H2H.stride == 1 and e31.H2H.stride == 2  # stride 1 in netS, 2 in netE
    assert not s31.depthwise and s31.H2H.groups == 64 and s31.L2H.groups == 128  # grouped, not depthwise
    assert net_s.PartialOctConv3_3.H2H.conv.in_channels == 256  # 8nf wide
    # The 64-parameter difference of the training log is netE's 7x7 bias.
    n_e = sum(p.numel() for p in net_e.parameters())
    n_s = sum(p.numel() for p in net_s.parameters())
    assert n_e - n_s == 64


def test_every_state_builds_and_names_its_switches():
    assert set(STATES) >= {"A", "B", "C", "D", "E", "F", "G", "fixed"}
    assert STATES["A"].stages == 2 and STATES["B"].stages == 3 and STATES["C"].rule.kernel == "realiased"
    assert STATES["E"].rule.threshold == 0.3 and STATES["E"].rule.count == "ceil_per_channel"


def test_pipeline_masks_are_soft_along_their_edges_and_8_bit():
    soft = pipeline_mask(disk_mask(1, 32, torch.device("cpu")), seed=0)
    values = soft.unique()
    assert ((values > 0) & (values < 1)).any()
    assert torch.allclose(values * 255, (values * 255).round(), atol=1e-4)


def test_png_round_trip_and_clear_errors(tmp_path):
    img = torch.rand(3, 5, 7)
    write_png(tmp_path / "a.png", img)
    assert torch.allclose(load(tmp_path / "a.png"), (img * 255).round() / 255, atol=1e-6)
    (tmp_path / "b.png").write_bytes(b"not a png")
    with pytest.raises(ImageError, match="b.png"):
        load(tmp_path / "b.png")
    with pytest.raises(ImageError, match="expected styles/ and masks/"):
        find_pairs(tmp_path)
