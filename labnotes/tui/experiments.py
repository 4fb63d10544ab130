"""The Experiments view: each registered experiment with its question, entries and run history.

`r` runs the highlighted experiment; `enter` on one of its entries opens the note there.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual_plotext import PlotextPlot

from labnotes.lab.registry import Experiment
from labnotes.tui.data import VaultData
from labnotes.tui.figures import figures
from labnotes.tui.messages import OpenNote, RunRequest
from labnotes.tui.text import inline, name, stamp, verdict, verdict_text


class ExperimentList(OptionList):
    BINDINGS = [
        Binding("r", "run", "Run experiment"),
        Binding("f", "app.toggle_size", "Quick/full"),
        Binding("g", "next_figure", "Next figure"),
    ]

    class NextFigure(Message):
        """`g`: chart the last run's next figure."""

    def action_next_figure(self) -> None:
        self.post_message(self.NextFigure())

    class RunHighlighted(Message):
        """`r` on the list: the view (which knows the entries) asks for the run."""

    def action_run(self) -> None:
        self.post_message(self.RunHighlighted())


class ExperimentsView(Horizontal):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: VaultData | None = None
        self.figure = 0  # which of the last run's figures the chart shows

    def compose(self) -> ComposeResult:
        yield ExperimentList(id="exp-list")
        with Vertical(id="exp-detail"):
            yield Static("", id="exp-about")
            yield Label("entries it reproduces", classes="heading")
            yield OptionList(id="exp-entries")
            yield Label("runs", classes="heading")
            yield DataTable(id="exp-runs", cursor_type="row", zebra_stripes=True)
            yield Label("", id="exp-figure-title", classes="heading")
            yield PlotextPlot(id="exp-figure")

    def on_mount(self) -> None:
        self.query_one("#exp-figure", PlotextPlot).theme = "clear"
        self.query_one("#exp-runs", DataTable).add_columns("run", "ended (UTC)", "device", "size", "verdict", "took")

    def focus_main(self) -> None:
        self.query_one(ExperimentList).focus()

    def show(self, data: VaultData) -> None:
        self.data = data
        listing = self.query_one(ExperimentList)
        keep = listing.highlighted
        listing.clear_options()
        if data.registry is None:
            self.query_one("#exp-about", Static).update(
                Text(name(data.registry_error or "no experiments"), "bold #e0af68"))
            return
        for exp in data.registry.experiments.values():
            said = verdict(data.last_run(exp.id))
            listing.add_option(Option(Text.assemble((exp.id, "bold"), "\n  ", verdict_text(said)), id=exp.id))
        if listing.option_count:
            listing.highlighted = min(keep or 0, listing.option_count - 1)
            self._describe(listing.get_option_at_index(listing.highlighted).id)
        else:
            self.query_one("#exp-about", Static).update("experiments/manifest.yaml declares no experiments")

    def selected(self) -> Experiment | None:
        listing = self.query_one(ExperimentList)
        if self.data is None or self.data.registry is None or listing.highlighted is None:
            return None
        return self.data.registry.get(listing.get_option_at_index(listing.highlighted).id or "")

    def run_highlighted(self) -> None:
        exp = self.selected()
        if exp is None or self.data is None or self.data.registry is None:
            self.notify("No experiment selected.", severity="warning")
            return
        entries = [eid for eid, _ in self.data.registry.entries_of(exp.id)]
        self.post_message(RunRequest([exp], entries, exp.id))

    @on(ExperimentList.RunHighlighted)
    def _run_key(self, event: ExperimentList.RunHighlighted) -> None:
        event.stop()
        self.run_highlighted()

    @on(OptionList.OptionHighlighted, "#exp-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._describe(event.option.id)

    @on(OptionList.OptionSelected, "#exp-entries")
    def _open_entry(self, event: OptionList.OptionSelected) -> None:
        rel, _, line = (event.option.id or "").rpartition(":")
        if rel:
            self.post_message(OpenNote(rel, int(line)))

    def _describe(self, exp_id: str | None) -> None:
        if self.data is None or self.data.registry is None or exp_id is None:
            return
        exp = self.data.registry.get(exp_id)
        if exp is None:
            return
        about = Text.assemble((name(exp.title), "bold"), "\n", (name(exp.question or "(no question)"), "italic"),
                              ("\n" + exp.script.name, "dim"))  # fmt: skip
        self.query_one("#exp-about", Static).update(about)
        entries = self.query_one("#exp-entries", OptionList)
        entries.clear_options()
        index = self.data.index
        for entry_id, via in self.data.registry.entries_of(exp.id):
            found = index.entry(entry_id) if index is not None else None
            if found is None:
                entries.add_option(Option(Text.assemble((name(entry_id), "dim"), ("  not in this vault", "dim italic")), disabled=True))
                continue
            rel, e = found
            label = Text.assemble((stamp(e.timestamp, e.weekday), "#bb9af7"), "  ",
                                  inline(e.text, "strike dim" if e.struck else ""),
                                  ("  [exp:: field]" if via == "field" else "", "dim"))  # fmt: skip
            entries.add_option(Option(label, id=f"{rel}:{e.line}"))
        if not entries.option_count:
            entries.add_option(Option(Text("(none)", "dim"), disabled=True))
        self._chart(exp.id)
        table = self.query_one("#exp-runs", DataTable)
        table.clear()
        for r in reversed(self.data.runs_of(exp.id)):
            table.add_row(r.run_id, r.when("ended", 19), r.device_shown, "quick" if r.quick else "full",
                          verdict_text(verdict(r)), f"{r.duration_s:.1f} s")

    @on(ExperimentList.NextFigure)
    def _next_figure(self, event: ExperimentList.NextFigure) -> None:
        event.stop()
        exp = self.selected()
        if exp is not None:
            self.figure += 1
            self._chart(exp.id)

    def _chart(self, exp_id: str) -> None:
        """The newest run's figures, variant against variant (buggy against fixed), one at a time."""
        assert self.data is not None
        title = self.query_one("#exp-figure-title", Label)
        chart = self.query_one("#exp-figure", PlotextPlot)
        last = next((r for r in reversed(self.data.runs_of(exp_id)) if isinstance(r.get("result"), dict)), None)
        found = figures(last.get("result")) if last else []
        chart.display = bool(found)
        if not found:
            title.update(Text("no figures yet: r runs it" if last is None else "", "dim"))
            return
        assert last is not None  # figures came from it
        fig = found[self.figure % len(found)]
        where = f"  {self.figure % len(found) + 1}/{len(found)} · g next · run {last.get('run_id')}"
        title.update(Text.assemble(("figure ", "bold"), (fig.name, "bold #7dcfff"), (where, "dim")))
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        if fig.spread > 1e3:
            plt.yscale("log")
        xs = list(range(1, len(fig.points) + 1))
        for (variant, values), color in zip(fig.variants.items(), VARIANT_COLORS):
            shown = [(x, v) for x, v in zip(xs, values) if v is not None and (v > 0 or fig.spread <= 1e3)]
            if shown:
                plt.plot([x for x, _ in shown], [v for _, v in shown], label=variant, marker="braille", color=color)
        plt.xticks([float(x) for x in xs], fig.points)
        chart.refresh()


# Variants in the order the experiment names them: the buggy one first in red, the fix in green.
VARIANT_COLORS = [(247, 118, 142), (158, 206, 106), (122, 162, 247), (224, 175, 104)]
