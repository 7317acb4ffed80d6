"""Benchmark records, the targets from issue 7, and the JSON + Markdown report writers."""

from __future__ import annotations

import json
import platform
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

# measure -> (comparison, limit, unit). The issue sets them for 100k items on this 2-core machine.
TARGETS: dict[str, tuple[str, float, str]] = {
    "keyword_p95": ("<=", 50.0, "ms"),
    "semantic_p95": ("<=", 50.0, "ms"),
    "hybrid_p95": ("<=", 100.0, "ms"),
    "cli_help_cold": ("<=", 0.3, "s"),
    "cli_keyword_search_cold": ("<=", 1.5, "s"),
    "ingest_without_embeddings": (">=", 50.0, "items/s"),
    "peak_rss": ("<=", 2048.0, "MB"),
    # Issue 16: filtered queries cost no more than unfiltered ones; a new meeting in seconds.
    "keyword_filtered_p95": ("<=", 50.0, "ms"),
    "semantic_filtered_p95": ("<=", 50.0, "ms"),
    "hybrid_filtered_p95": ("<=", 100.0, "ms"),
    "keyword_person_p95": ("<=", 50.0, "ms"),
    "semantic_person_p95": ("<=", 50.0, "ms"),
    "hybrid_person_p95": ("<=", 100.0, "ms"),
    "add_meeting_seconds": ("<=", 10.0, "s"),
}
TARGET_SCALE = 100_000
MILLION = 1_000_000
TARGETS_AT_MILLION: dict[str, tuple[str, float, str]] = {"peak_rss": ("<=", 4096.0, "MB")}
"""Issue 16 sets the building+querying process's peak at 4 GB for 1M items (2 GB below)."""


@dataclass
class Record:
    """One number: {"scale", "measure", "value", "unit", "target", "pass", "note"}."""

    scale: int | str
    measure: str
    value: float | None
    unit: str
    target: str | None = None
    passed: bool | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["pass"] = out.pop("passed")
        return out


def record(
    scale: int | str, measure: str, value: float | None, unit: str, note: str | None = None
) -> Record:
    """A record, judged against its target when the measure has one."""
    rec = Record(scale, measure, None if value is None else round(float(value), 4), unit, note=note)
    big = isinstance(scale, int) and scale >= MILLION and measure in TARGETS_AT_MILLION
    if big or measure in TARGETS:
        op, limit, target_unit = (TARGETS_AT_MILLION if big else TARGETS)[measure]
        rec.target = f"{op} {limit:g} {target_unit}"
        if value is not None:
            rec.passed = value <= limit if op == "<=" else value >= limit
    return rec


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[rank]


def latency_records(
    scale: int | str, name: str, samples_ms: list[float], note: str | None = None
) -> list[Record]:
    if not samples_ms:
        return [
            record(scale, f"{name}_p50", None, "ms", note),
            record(scale, f"{name}_p95", None, "ms", note),
        ]
    return [
        record(scale, f"{name}_p50", statistics.median(samples_ms), "ms", note),
        record(scale, f"{name}_p95", percentile(samples_ms, 95), "ms", note),
    ]


def machine() -> dict[str, Any]:
    import os

    load = os.getloadavg()
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "loadavg_at_start": [round(x, 2) for x in load],
    }


def write_json(path: Path, records: list[Record], meta: dict[str, Any]) -> None:
    """docs/benchmarks.json: run metadata plus one object per scale and measure."""
    payload = {"meta": meta, "results": [r.to_json() for r in records]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}".replace(",", " ")
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _verdict(rec: Record | None) -> str:
    if rec is None or rec.passed is None:
        return ""
    return " ✅" if rec.passed else " ❌"


def results_table(records: list[Record]) -> str:
    """A measure x scale table; a target column, and ✅/❌ where a target applies."""
    scales: list[int | str] = []
    measures: list[tuple[str, str]] = []
    cell: dict[tuple[str, int | str], Record] = {}
    # Real corpus first, then growing scales (a --merge run appends its scales after the kept ones).
    for r in sorted(records, key=lambda r: -1 if r.scale == "real" else int(r.scale)):
        if r.scale not in scales:
            scales.append(r.scale)
        if (r.measure, r.unit) not in measures:
            measures.append((r.measure, r.unit))
        cell[(r.measure, r.scale)] = r
    head = "| measure | unit | target | " + " | ".join(str(s) for s in scales) + " |"
    rule = "|---|---|---|" + "---:|" * len(scales)
    lines = [head, rule]
    for measure, unit in measures:
        # Distinct targets, smaller scales first (peak_rss: 2 GB, 4 GB at 1M).
        target = " / ".join(
            dict.fromkeys(r.target for r in records if r.measure == measure and r.target)
        )
        row = [
            _fmt(cell[(measure, s)].value) + _verdict(cell[(measure, s)])
            if (measure, s) in cell
            else ""
            for s in scales
        ]
        lines.append(f"| {measure} | {unit} | {target} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def notes_list(records: list[Record]) -> str:
    seen: list[str] = []
    for r in records:
        if r.note and f"{r.measure}: {r.note}" not in seen:
            seen.append(f"{r.measure}: {r.note}")
    return "\n".join(f"- {n}" for n in seen)
