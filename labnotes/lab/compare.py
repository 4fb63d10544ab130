"""How two runs' figures compare: which numbers of a result moved, and by how much."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Same device and seed should give the same figures up to float noise across library builds.
REL_TOL = 1e-5
ABS_TOL = 1e-8


def comparable(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Runs whose figures should agree: same experiment, device, seed and --quick."""
    return all(a.get(k) == b.get(k) for k in ("experiment", "device", "seed", "quick"))


def previous_run(records: list[Any], run: Mapping[str, Any]) -> Any:
    """The last comparable run with a result before `run` in the log."""
    before = []
    for r in records:
        if r.get("run_id") == run.get("run_id"):
            break
        before.append(r)
    for r in reversed(before):
        if comparable(r, run) and isinstance(r.get("result"), dict):
            return r
    return None


@dataclass(slots=True)
class Drift:
    key: str
    old: Any
    new: Any
    rel_change: float | None  # None for a change that is not numeric, or from zero


@dataclass(slots=True)
class Comparison:
    run: str
    previous: str
    drifted: list[Drift] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def same(self) -> bool:
        return not (self.drifted or self.added or self.removed)

    def to_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "previous": self.previous,
            "same": self.same,
            "drifted": [
                {"key": d.key, "old": d.old, "new": d.new, "rel_change": d.rel_change} for d in self.drifted
            ],
            "added": self.added,
            "removed": self.removed,
        }


# What says where, with what and how fast a result was made rather than what it found: a
# leaf whose last key is one of these is not a figure (wall time differs on every run).
_NOT_FIGURES = {"id", "device", "torch", "cuda", "cudnn", "seed", "quick",
                "seconds", "elapsed", "duration", "duration_s", "wall_s", "time_s"}


def _is_figure(path: str) -> bool:
    return re.split(r"[.\[]", path)[-1] not in _NOT_FIGURES


def compare_runs(old: Mapping[str, Any], new: Mapping[str, Any], rel_tol: float = REL_TOL,
                 abs_tol: float = ABS_TOL) -> Comparison:
    """Which figures of `new`'s result moved since `old`'s, leaf by leaf."""
    a = {k: v for k, v in flatten(old.get("result") or {}).items() if _is_figure(k)}
    b = {k: v for k, v in flatten(new.get("result") or {}).items() if _is_figure(k)}
    cmp = Comparison(run=new.get("run_id", "?"), previous=old.get("run_id", "?"))
    cmp.added = sorted(b.keys() - a.keys())
    cmp.removed = sorted(a.keys() - b.keys())
    for key in sorted(a.keys() & b.keys()):
        drift = _drift(key, a[key], b[key], rel_tol, abs_tol)
        if drift:
            cmp.drifted.append(drift)
    return cmp


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of a JSON value keyed by path: `{"a": {"b": [1, 2]}}` -> `{"a.b[0]": 1, "a.b[1]": 2}`.

    With a stack, not recursion: a result nested as deep as JSON allows must not overflow it.
    """
    out: dict[str, Any] = {}
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            children = [(f"{path}.{k}" if path else str(k), c) for k, c in v.items()]
        elif isinstance(v, list):
            children = [(f"{path}[{i}]", c) for i, c in enumerate(v)]
        else:
            out[path] = v
            continue
        stack.extend(reversed(children))  # in order, as the recursion visited them
    return out


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _drift(key: str, old: Any, new: Any, rel_tol: float, abs_tol: float) -> Drift | None:
    if _is_number(old) and _is_number(new):
        try:
            old_f, new_f = float(old), float(new)
        except OverflowError:  # an int too large for a float: compare it as it is
            return None if old == new else Drift(key, old, new, None)
        # The bugs these experiments show are NaNs and infinities: the same NaN is no drift.
        if math.isnan(old_f) and math.isnan(new_f):
            return None
        if math.isclose(old_f, new_f, rel_tol=rel_tol, abs_tol=abs_tol):
            return None
        rel = None
        if old_f != 0 and math.isfinite(old_f) and math.isfinite(new_f):
            rel = (new_f - old_f) / abs(old_f)
        return Drift(key, old, new, rel)
    return None if old == new else Drift(key, old, new, None)
