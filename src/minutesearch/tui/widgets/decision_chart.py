"""Beslut per år och utfall: a stacked bar chart drawn by plotext (the `textual-plotext` widget),
fed by `Corpus.stats(["year", "outcome"])` records."""

from __future__ import annotations

from collections import Counter
from typing import Any

from textual_plotext import PlotextPlot


def series(counts: list[dict[str, Any]]) -> tuple[list[str], list[str], list[list[int]]]:
    """(years, outcomes largest first, one list of counts per outcome) from stats records."""
    years = sorted({str(c["year"]) for c in counts if c.get("year")})
    totals: Counter[str] = Counter()
    for c in counts:
        if c.get("year") and c.get("outcome"):
            totals[str(c["outcome"])] += int(c["count"])
    outcomes = [o for o, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    table = {(str(c["year"]), str(c["outcome"])): int(c["count"]) for c in counts}
    return years, outcomes, [[table.get((y, o), 0) for y in years] for o in outcomes]


class DecisionChart(PlotextPlot):
    """Beslut per år, staplade efter utfall (bifall, avslag, …)."""

    DEFAULT_CSS = """
    DecisionChart {
        height: 18;
        width: 1fr;
    }
    """

    def show(self, counts: list[dict[str, Any]]) -> None:
        """Draw the records of `stats --by year,outcome` (nothing when there are none)."""
        years, outcomes, ys = series(counts)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if years and outcomes:
            plt.stacked_bar(years, ys, labels=outcomes)  # type: ignore[call-arg]
            plt.ylabel("beslut")
        self.refresh()
