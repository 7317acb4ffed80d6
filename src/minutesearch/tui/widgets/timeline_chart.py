"""Ärendets tidslinje as a chart: steps per year, stacked by body, drawn by plotext (the
`textual-plotext` widget) from the rows the Tidslinje screen already shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from .stacked_chart import Series, StackedYearChart, stack_by_year


def series(rows: Sequence[Mapping[str, Any]]) -> Series:
    """(years, bodies with most steps first, one list of step counts per body) from trace rows."""
    steps: Counter[tuple[str, str]] = Counter()
    for r in rows:
        date = str(r.get("date") or "")
        if len(date) >= 4:
            steps[(date[:4], str(r.get("body_short") or r.get("body") or "?"))] += 1
    return stack_by_year(steps)


class TimelineChart(StackedYearChart):
    """Steg per år i ärendet, staplade efter organ."""

    DEFAULT_CSS = """
    TimelineChart {
        height: 9;
        width: 1fr;
    }
    """

    def show(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Draw the timeline rows (nothing when none has a date)."""
        _, _, ys = data = series(rows)
        if self.draw(data, "steg"):
            top = max(map(sum, zip(*ys, strict=True)))
            self.plt.yticks(list(range(0, top + 1, max(1, -(-top // 4)))))  # whole steps only
        self.refresh()
