"""`e`: the list on screen as a CSV file, named so that exports never overwrite each other."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any


def write_csv(rows: list[dict[str, Any]], folder: Path, name: str) -> Path:
    """`minutesearch-<name>-<time>.csv`; lists and dicts are written as JSON in their cell."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"minutesearch-{name}-{stamp}.csv"
    fields: list[str] = []
    for row in rows:
        fields += [k for k in row if k not in fields and not k.startswith("_")]
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {
                    k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                    for k, v in row.items()
                }
            )
    return path
