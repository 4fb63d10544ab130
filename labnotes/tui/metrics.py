"""The Metrics view: each column of the daily life table over time, as a chart with dates on the
x axis and the column's own unit (a time of day, a number) on the y axis (textual-plotext).

Bedtime, wake time and weight come first; any other column that holds numbers or times follows.
A bedtime after midnight counts as late evening (00:45 is 24:45), so a late night is a peak in
the line, not a dip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Label

from labnotes.queries.metrics import metrics
from labnotes.tui.data import VaultData

_TIME = re.compile(r"(\d{1,2}):(\d{2})\Z")
# Words that name the three columns the issue puts first, in Chinese and English.
FIRST = (("睡", "bed"), ("起", "wake"), ("体重", "weight"))


@dataclass(slots=True)
class Series:
    name: str
    kind: str  # "time" | "number"
    days: list[str]
    values: list[float]

    def show(self, value: float) -> str:
        if self.kind == "time":
            minutes = int(round(value)) % (24 * 60)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
        return f"{value:g}"


def _minutes(value: Any) -> int | None:
    m = _TIME.match(value.strip()) if isinstance(value, str) else None
    return int(m.group(1)) * 60 + int(m.group(2)) if m else None


def series(columns: list[str], rows: list[dict[str, Any]]) -> list[Series]:
    out: list[Series] = []
    for name in columns:
        if name in ("day", "note"):
            continue
        days: list[str] = []
        values: list[float] = []
        kind = None
        for row in rows:
            v = row.get(name)
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                kind = kind or "number"
                if kind == "number":
                    days.append(row["day"])
                    values.append(float(v))
            elif (minutes := _minutes(v)) is not None:
                kind = kind or "time"
                if kind == "time":
                    days.append(row["day"])
                    values.append(float(minutes))
        if kind is None or not values:
            continue
        if kind == "time" and any(v >= 18 * 60 for v in values):
            values = [v + 24 * 60 if v < 12 * 60 else v for v in values]
        out.append(Series(name, kind, days, values))

    def rank(s: Series) -> int:
        low = s.name.casefold()
        return next((i for i, words in enumerate(FIRST) if any(w in low for w in words)), len(FIRST))

    return sorted(out, key=rank)


def time_ticks(s: Series, count: int = 4) -> tuple[list[float], list[str]]:
    """y ticks for a time series: whole hours across its range, written `23:00`, `00:30`."""
    low, high = min(s.values), max(s.values)
    step = max(30.0, round((high - low) / count / 30) * 30 or 30)
    first = (low // step) * step
    ticks = [first + k * step for k in range(int((high - first) // step) + 2)]
    return ticks, [s.show(t) for t in ticks]


def draw_series(plt, s: Series) -> None:
    """One life-table column on a plotext plot: its days on the x axis, its values on y."""
    plt.clear_data()
    plt.clear_figure()
    plt.date_form("Y-m-d")
    plt.plot(s.days, s.values, marker="braille", color=(122, 162, 247))
    if len(s.values) <= 40:
        plt.scatter(s.days, s.values, marker="dot", color=(224, 175, 104))
    if s.kind == "time":
        plt.yticks(*time_ticks(s))
    shown = day_ticks(s.days)
    plt.xticks(shown, [d[5:] if len(shown) > 2 else d for d in shown])


def day_ticks(days: list[str], count: int = 5) -> list[str]:
    """x ticks spread evenly over the span of `days` (ISO dates), first and last day included: by
    date, not by index, so that one early day (a note from January beside a week in December)
    does not pile four labels on top of each other at one end of the axis."""
    import datetime as dt

    if len(days) <= 2:
        return list(dict.fromkeys(days))
    first, last = dt.date.fromisoformat(days[0]), dt.date.fromisoformat(days[-1])
    span = (last - first).days
    if span < count:
        return list(dict.fromkeys(days))
    return list(dict.fromkeys((first + dt.timedelta(days=round(k * span / (count - 1)))).isoformat() for k in range(count)))


class MetricsView(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Label("", id="metrics-summary", classes="summary")

    def focus_main(self) -> None:
        self.focus()

    def show(self, data: VaultData) -> None:
        from textual_plotext import PlotextPlot

        for old in self.query(".metric"):
            old.remove()
        summary = self.query_one("#metrics-summary", Label)
        if data.index is None:
            summary.update(data.error or "")
            return
        columns, rows = metrics(data.index)
        found = series(columns, rows)
        if not found:
            summary.update("no daily life tables with numbers or times yet")
            return
        summary.update(f"{len(rows)} days with a life table, {rows[0]['day']} … {rows[-1]['day']}")
        widgets: list[Widget] = []
        for s in found:
            low, high, last = min(s.values), max(s.values), s.values[-1]
            head = Text.assemble((s.name, "bold"), "  ",
                                 (f"last {s.show(last)}  min {s.show(low)}  max {s.show(high)}  ({len(s.values)} days)",
                                  "dim"))  # fmt: skip
            widgets.append(Label(head, classes="metric metric-head"))
            chart = PlotextPlot(classes="metric metric-chart")
            chart.theme = "clear"  # a fixed theme: "auto" takes the app's colours a frame late, at random
            draw_series(chart.plt, s)
            widgets.append(chart)
        self.mount_all(widgets)
