"""The tracer: one traced forward pass names the module where a NaN or inf first appears."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from experiments.lib.pconv import Masked
from experiments.lib.tracer import trace


class Scale(nn.Module):
    def __init__(self, factor: float) -> None:
        super().__init__()
        self.factor = factor

    def forward(self, x):
        return x * self.factor


class WithMask(nn.Module):
    def forward(self, x):
        return Masked(x, torch.full_like(x, 1e30))


def exploding() -> nn.Sequential:
    # 1e20 * 1e20 overflows float32: the second "big" layer gives birth to inf, the ReLU and
    # the last layer only pass it on.
    return nn.Sequential(Scale(2.0), Scale(1e20), Scale(1e20), nn.ReLU(), Scale(0.5))


def test_names_the_module_where_inf_is_born():
    model, x = exploding(), torch.ones(1, 4)
    with trace(model) as t:
        model(x)
    assert t.first_nonfinite is not None
    assert t.first_nonfinite.name == "2"
    assert t.first_nonfinite.has_inf and not t.first_nonfinite.has_nan
    assert t.first_nonfinite.inputs_finite  # born here, not passed on
    assert not t["3"].inputs_finite  # the ReLU only received it


def test_records_max_abs_per_layer_in_completion_order():
    model = nn.Sequential(Scale(-3.0), Scale(10.0))
    with trace(model) as t:
        model(torch.tensor([[1.0, -2.0]]))
    # children finish before their parent, so the root comes last
    assert t.names() == ["0", "1", "Sequential"]
    assert t.max_abs("0") == 6.0
    assert t.max_abs("1") == 60.0
    assert t["1"].log10_max == pytest.approx(math.log10(60.0))
    assert t.all_finite and t.first_nonfinite is None


def test_nan_is_reported_and_max_ignores_it():
    model = nn.Sequential(Scale(1.0))
    with trace(model) as t:
        model(torch.tensor([float("nan"), -5.0]))
    assert t["0"].has_nan and t["0"].max_abs == 5.0


def test_hooks_are_removed_after_the_block_even_on_error():
    model = exploding()
    with pytest.raises(RuntimeError):
        with trace(model):
            raise RuntimeError("boom")
    assert all(not m._forward_hooks for m in model.modules())
    with trace(model) as t:
        model(torch.ones(1))
    n = len(t.records)
    model(torch.ones(1))  # outside the block: nothing more is recorded
    assert len(t.records) == n


def test_repeated_calls_get_numbered_and_masks_are_not_values():
    layer = WithMask()
    with trace({"enc": layer}) as t:
        layer(torch.ones(2))
        layer(torch.full((2,), 3.0))
    assert t.names() == ["enc", "enc#2"]
    assert t["enc#2"].max_abs == 3.0  # the 1e30 mask is left out


def test_table_lists_each_module_with_log10_max_and_flags():
    model = exploding()
    with trace(model) as t:
        model(torch.ones(1))
    table = t.table()
    assert table.splitlines()[0].split()[:2] == ["module", "kind"]
    row = next(line for line in table.splitlines() if line.startswith("2 "))
    assert row.split()[-3:] == ["inf", "-", "yes"]
    assert len(t.table(["0", "1"]).splitlines()) == 3


class Passes(nn.Module):
    """A parent that makes inf from finite inputs, then hands it to a child."""

    def __init__(self) -> None:
        super().__init__()
        self.child = nn.ReLU()

    def forward(self, x):
        return self.child(x * 1e30 * 1e30)


def test_born_names_the_module_whose_inputs_were_finite_not_the_child_that_passed_it_on():
    model = Passes()
    with trace({"p": model}) as t:
        model(torch.ones(2))
    assert t.first_nonfinite.name == "p.child"  # finishes first, but received the inf
    assert t.born.name == "p" and t.born.inputs_finite
