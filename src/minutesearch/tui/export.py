"""`e`: the list as a CSV file, named so that exports never overwrite each other.

A search exports its whole result set (searched again without the on-screen limit), not only the
rows on screen. A list of names is one cell joined with "; "; only nested records stay JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Settings
    from ..filters import Filters

SCREEN_ONLY = ("highlights",)
"""Columns that only place marks on screen (character offsets into the snippet)."""


def all_hits(
    settings: Settings, query: str, mode: str, filters: Filters, total: int
) -> list[dict[str, Any]]:
    """Every hit of the search (as `search --json` rows with org), not only the ones on screen."""
    from . import data

    return data.search(settings, query, mode, filters, limit=max(total, 1)).hits


def _cell(value: Any) -> Any:
    if isinstance(value, list) and not any(isinstance(v, list | dict) for v in value):
        return "; ".join(str(v) for v in value if v is not None)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def write_csv(rows: list[dict[str, Any]], folder: Path, name: str) -> Path:
    """`minutesearch-<name>-<time>.csv` with every row (a second export the same second gets -2)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"minutesearch-{name}-{stamp}.csv"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"minutesearch-{name}-{stamp}-{n}.csv"
    fields: list[str] = []
    for row in rows:
        fields += [
            k for k in row if k not in fields and not k.startswith("_") and k not in SCREEN_ONLY
        ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _cell(v) for k, v in row.items()})
    return path
