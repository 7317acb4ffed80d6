"""Meetings per body over time as one line of block characters per body."""

from __future__ import annotations

from collections.abc import Mapping

BLOCKS = "▁▂▃▄▅▆▇█"


def periods(months: list[str], max_columns: int) -> tuple[list[str], str]:
    """Every month from the first to the last, folded into quarters or years to fit."""
    if not months:
        return [], "månad"
    y0, y1 = int(months[0][:4]), int(months[-1][:4])
    span = [f"{y:04d}-{m:02d}" for y in range(y0, y1 + 1) for m in range(1, 13)]
    span = [p for p in span if months[0] <= p <= months[-1]]
    if len(span) <= max_columns:
        return span, "månad"
    quarters = sorted({_quarter(p) for p in span})
    if len(quarters) <= max_columns:
        return quarters, "kvartal"
    return sorted({p[:4] for p in span}), "år"


def _quarter(month: str) -> str:
    return f"{month[:4]}-K{(int(month[5:7]) - 1) // 3 + 1}"


def _bucket(month: str, unit: str) -> str:
    return month if unit == "månad" else _quarter(month) if unit == "kvartal" else month[:4]


def chart(per_body: Mapping[str, Mapping[str, int]], months: list[str], width: int = 60) -> str:
    """'SocSam     ▁ ▃█ ▁' rows, the busiest period drawn full height, no meeting as '·'."""
    if not per_body:
        return "Inga möten i indexet."
    label_w = min(max(len(b) for b in per_body), 14)
    cols, unit = periods(months, max(width - label_w - 1, 8))
    index = {p: i for i, p in enumerate(cols)}
    grid: dict[str, list[int]] = {}
    for body, counts in per_body.items():
        row = [0] * len(cols)
        for month, n in counts.items():
            row[index[_bucket(month, unit)]] += n
        grid[body] = row
    top = max((max(r) for r in grid.values()), default=1) or 1
    lines = []
    for body, row in grid.items():
        bars = "".join(
            "·" if n == 0 else BLOCKS[min(len(BLOCKS) - 1, (n * len(BLOCKS) - 1) // top)]
            for n in row
        )
        lines.append(f"{body[:label_w]:<{label_w}} {bars}")
    if cols:
        axis = f"{cols[0]} … {cols[-1]}" if len(cols) > 1 else cols[0]
        lines.append(f"{'':<{label_w}} {axis}  (per {unit}, högst {top} möten)")
    return "\n".join(lines)
