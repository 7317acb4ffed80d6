"""The post-store stages of ingest, and the context each is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Settings
from .store import Store

ProgressFn = Callable[[str, int, int], None]


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass
class StageContext:
    """What a stage may use: the open store, settings, which documents changed, and callbacks."""

    store: Store
    settings: Settings
    changed_docs: set[str] = field(default_factory=set)
    removed_docs: set[str] = field(default_factory=set)
    rebuild: bool = False
    warnings: list[str] = field(default_factory=list)
    progress: ProgressFn = _no_progress
    executor: Any = None
    """Where ingest runs per-file and per-item work (`executors.FileExecutor`); None: here."""

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)
