"""Trace a forward pass: per module, the largest |x| it output and whether any value was NaN or inf.

    with trace(model) as t:
        model(x)
    t.first_nonfinite        # the first module whose output was not finite (or None)
    print(t.table())

Records are kept in the order modules *finish*, so a child comes before its parent and the
first non-finite record is the innermost module where the bad value appeared: the manual
bisection of the seed note (12-03 ... 12-05), done in one call. Values made by plain
functions inside a module's forward are attributed to that module. Outputs may be tensors or
any nesting of tuples, lists, dicts and dataclasses; fields named `mask` or `masks` (of a
NamedTuple or dataclass) are left out, since masks are not the values being traced.
"""

from __future__ import annotations

import dataclasses
import math
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

import torch
from torch import nn


@dataclass(frozen=True)
class LayerRecord:
    index: int  # position in completion order
    name: str  # dotted module path; "#2", "#3" ... for later calls of the same module
    kind: str  # the module's class name
    max_abs: float  # largest |x| over the non-NaN output values (inf when one is inf); nan if none
    has_nan: bool
    has_inf: bool
    inputs_finite: bool  # False when a non-finite value came in rather than being born here

    @property
    def finite(self) -> bool:
        return not (self.has_nan or self.has_inf)

    @property
    def log10_max(self) -> float:
        m = self.max_abs
        return -math.inf if m == 0 else math.log10(m) if math.isfinite(m) else m


@dataclass
class Trace:
    records: list[LayerRecord] = field(default_factory=list)

    @property
    def first_nonfinite(self) -> LayerRecord | None:
        """Where the first NaN or inf appeared, in the order the modules finished."""
        return next((r for r in self.records if not r.finite), None)

    @property
    def born(self) -> LayerRecord | None:
        """Where a non-finite value was born: the first non-finite output from finite inputs.

        A parent finishes after its children, so when a child only passed on a value its
        parent made (or received), the birthplace is the innermost module whose inputs were
        all finite and whose output was not.
        """
        return next((r for r in self.records if not r.finite and r.inputs_finite), None)

    @property
    def all_finite(self) -> bool:
        return self.first_nonfinite is None

    def __getitem__(self, name: str) -> LayerRecord:
        for r in self.records:
            if r.name == name:
                return r
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return any(r.name == name for r in self.records)

    def names(self) -> list[str]:
        return [r.name for r in self.records]

    def max_abs(self, name: str) -> float:
        return self[name].max_abs

    def table(self, names: list[str] | None = None) -> str:
        """A fixed-width table of the records (all, or those named, in trace order)."""
        rows = self.records if names is None else [r for r in self.records if r.name in set(names)]
        width = max([len(r.name) for r in rows] + [6])
        lines = [f"{'module':<{width}}  {'kind':<16} {'log10 max|x|':>12}  nan  inf"]
        for r in rows:
            lines.append(f"{r.name:<{width}}  {r.kind:<16} {r.log10_max:>12.2f}  {_yes(r.has_nan):>3}  {_yes(r.has_inf):>3}")
        return "\n".join(lines)


def _yes(flag: bool) -> str:
    return "yes" if flag else "-"


@contextmanager
def trace(target: nn.Module | Mapping[str, nn.Module]) -> Iterator[Trace]:
    """Hook every module of `target` (a module, or named modules) for the duration of the block."""
    roots = target.items() if isinstance(target, Mapping) else [("", target)]
    result = Trace()
    calls: dict[str, int] = {}
    handles = []
    for prefix, root in roots:
        for name, module in root.named_modules():
            full = ".".join(p for p in (prefix, name) if p) or type(module).__name__
            handles.append(module.register_forward_hook(_hook(full, result, calls)))
    try:
        yield result
    finally:
        for h in handles:
            h.remove()


def _hook(name: str, result: Trace, calls: dict[str, int]):
    def record(module: nn.Module, inputs: Any, output: Any) -> None:
        outs = [t for t in _tensors(output) if t.is_floating_point()]
        if not outs:
            return
        calls[name] = calls.get(name, 0) + 1
        label = name if calls[name] == 1 else f"{name}#{calls[name]}"
        max_abs, has_nan, has_inf = _summary(outs)
        ins = [t for t in _tensors(inputs) if t.is_floating_point()]
        result.records.append(
            LayerRecord(
                index=len(result.records),
                name=label,
                kind=type(module).__name__,
                max_abs=max_abs,
                has_nan=has_nan,
                has_inf=has_inf,
                inputs_finite=all(bool(torch.isfinite(t).all()) for t in ins),
            )
        )

    return record


@torch.no_grad()
def _summary(tensors: list[torch.Tensor]) -> tuple[float, bool, bool]:
    has_nan = any(bool(torch.isnan(t).any()) for t in tensors)
    has_inf = any(bool(torch.isinf(t).any()) for t in tensors)
    maxima = [t.detach().abs().nan_to_num(nan=-1.0, posinf=math.inf).max() for t in tensors if t.numel()]
    m = float(torch.stack([x.float().cpu() for x in maxima]).max()) if maxima else math.nan
    return (math.nan if m < 0 else m), has_nan, has_inf


# Masks travel beside the features (`Masked.mask`, `Encoded.masks`); they are not values.
_NOT_VALUES = frozenset({"mask", "masks"})


def _tensors(obj: Any) -> Iterator[torch.Tensor]:
    if isinstance(obj, torch.Tensor):
        yield obj
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a NamedTuple: skip its masks
        for name in obj._fields:
            if name not in _NOT_VALUES:
                yield from _tensors(getattr(obj, name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _tensors(item)
    elif isinstance(obj, Mapping):
        for item in obj.values():
            yield from _tensors(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name not in _NOT_VALUES:
                yield from _tensors(getattr(obj, f.name))
