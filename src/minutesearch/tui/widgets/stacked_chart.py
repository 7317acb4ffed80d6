"""Counts per year stacked by group (utfall, organ), drawn by plotext (the `textual-plotext`
widget): the shared half of the overview's and the Tidslinje's charts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from textual_plotext import PlotextPlot

Series = tuple[list[str], list[str], list[list[int]]]


def stack_by_year(table: Mapping[tuple[str, str], int], years: Iterable[str] = ()) -> Series:
    """(years, groups with the largest total first, one list of counts per group) from
    (year, group) -> count; `years` may add years that have no count."""
    all_years = sorted({*years, *(y for y, _ in table)})
    totals: Counter[str] = Counter()
    for (_, group), n in table.items():
        totals[group] += n
    groups = [g for g, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return all_years, groups, [[table.get((y, g), 0) for y in all_years] for g in groups]


class StackedYearChart(PlotextPlot):
    """A stacked bar per year; subclasses say what is counted."""

    def draw(self, series: Series, ylabel: str) -> bool:
        """Clear the plot and draw `series`; False (an empty plot) when there is nothing."""
        years, groups, ys = series
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not (years and groups):
            return False
        plt.stacked_bar(years, ys, labels=groups)  # type: ignore[call-arg]
        plt.ylabel(ylabel)
        return True
