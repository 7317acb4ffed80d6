"""Ärendets tidslinje as a chart: steps per year, stacked by body, drawn by plotext (the
`textual-plotext` widget) from the rows the Tidslinje screen already shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from textual_plotext import PlotextPlot


def series(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[str], list[list[int]]]:
    """(years, bodies with most steps first, one list of step counts per body) from trace rows."""
    steps: Counter[tuple[str, str]] = Counter()
    for r in rows:
        date = str(r.get("date") or "")
        if len(date) >= 4:
            steps[(date[:4], str(r.get("body_short") or r.get("body") or "?"))] += 1
    years = sorted({y for y, _ in steps})
    totals: Counter[str] = Counter()
    for (_, body), n in steps.items():
        totals[body] += n
    bodies = [b for b, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))]
    return years, bodies, [[steps[(y, b)] for y in years] for b in bodies]


class TimelineChart(PlotextPlot):
    """Steg per år i ärendet, staplade efter organ."""

    DEFAULT_CSS = """
    TimelineChart {
        height: 9;
        width: 1fr;
    }
    """

    def show(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Draw the timeline rows (nothing when none has a date)."""
        years, bodies, ys = series(rows)
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if years and bodies:
            plt.stacked_bar(years, ys, labels=bodies)  # type: ignore[call-arg]
            top = max(map(sum, zip(*ys, strict=True)))
            plt.yticks(list(range(0, top + 1, max(1, -(-top // 4)))))  # whole steps only
            plt.ylabel("steg")
        self.refresh()
