"""What every command shares: the app context, JSON-lines and CSV output."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..locations import index_dir


@dataclass
class AppContext:
    """Global options, resolved lazily so `--help` touches nothing on disk."""

    index_override: str | None = None

    @property
    def index_dir(self) -> Path:
        return index_dir(self.index_override)

    def settings(self, **kw: Any) -> Settings:
        """Settings for this index; without an explicit embedder, the one the index was built with
        (the same rule as `minutesearch.open`)."""
        from ..api import settings_for

        return settings_for(self.index_dir, **kw)

    def store(self) -> Any:
        """Open the existing store read-write (raises a clear StoreError when there is none)."""
        from ..store import Store

        return Store.open(self.index_dir, create=False)


pass_app = click.make_pass_decorator(AppContext)


def echo_json_lines(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(json.dumps(row, ensure_ascii=False))


def echo_csv(rows: Iterable[dict[str, Any]], fields: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: (json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v)
                for k, v in row.items()
            }
        )
