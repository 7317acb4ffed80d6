"""Beslut per år och utfall: a stacked bar chart drawn by plotext (the `textual-plotext` widget),
fed by `Corpus.stats(["year", "outcome"])` records."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .stacked_chart import Series, StackedYearChart, stack_by_year


def series(counts: list[dict[str, Any]]) -> Series:
    """(years, outcomes largest first, one list of counts per outcome) from stats records."""
    table: Counter[tuple[str, str]] = Counter()
    for c in counts:
        if c.get("year") and c.get("outcome"):
            table[(str(c["year"]), str(c["outcome"]))] += int(c["count"])
    return stack_by_year(table, (str(c["year"]) for c in counts if c.get("year")))


class DecisionChart(StackedYearChart):
    """Beslut per år, staplade efter utfall (bifall, avslag, …)."""

    DEFAULT_CSS = """
    DecisionChart {
        height: 18;
        width: 1fr;
    }
    """

    def show(self, counts: list[dict[str, Any]]) -> None:
        """Draw the records of `stats --by year,outcome` (nothing when there are none)."""
        self.draw(series(counts), "beslut")
        self.refresh()
