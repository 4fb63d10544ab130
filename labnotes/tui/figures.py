"""An experiment's figures, found in its result, as series to chart: variant against variant.

An experiment prints one JSON object; the figures worth a chart are those measured for two or
more variants over the same points: `{"aliased": [9.6, 7.4, …], "fixed": [2.4, 1.1, …]}` (over
steps) or `{"buggy": {"conv0": 3.1, "oct1_1": 8.7, …}, "fixed": {…}}` (per layer). Imports no
Textual.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Figure:
    name: str
    points: list[str]  # x labels: layer names, or "1", "2", … for steps
    variants: dict[str, list[float | None]]  # None where the value was not finite (NaN, inf)

    @property
    def spread(self) -> float:
        """max / min of the positive values: past 1e3 the chart needs a log axis."""
        values = [v for vs in self.variants.values() for v in vs if v is not None and v > 0]
        return max(values) / min(values) if values else 1.0


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v) if math.isfinite(v) else None


def figures(result: dict[str, Any] | None) -> list[Figure]:
    """The result's variant-against-variant figures, in the order the experiment wrote them."""
    out: list[Figure] = []
    for name, value in (result or {}).items():
        if not isinstance(value, dict) or len(value) < 2:
            continue
        lists = {k: v for k, v in value.items() if isinstance(v, list) and v and all(_is_num(x) for x in v)}
        if len(lists) >= 2 and len({len(v) for v in lists.values()}) == 1:
            n = len(next(iter(lists.values())))
            out.append(Figure(name, [str(i + 1) for i in range(n)], {k: [_number(x) for x in v] for k, v in lists.items()}))
            continue
        maps = {k: v for k, v in value.items() if isinstance(v, dict) and v and all(_is_num(x) for x in v.values())}
        if len(maps) >= 2:
            points = [p for p in next(iter(maps.values())) if all(p in m for m in maps.values())]
            if len(points) >= 2:
                out.append(Figure(name, points, {k: [_number(m[p]) for p in points] for k, m in maps.items()}))
    return out


def _is_num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)
