"""The post-store stages of ingest, and the context each is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class Stage(Protocol):
    """One post-store step of ingest (entities, topics, analysis, indexes).

    - `name`: short identifier (for progress and messages);
    - `prepare(settings)`: loading that may run ahead, while files are still read (its errors
      are left for `run` to meet);
    - `run(ctx)`: bring the stage's output in step with the store;
    - `is_current(ctx)`: on a run that changed no file, whether `run` may be skipped.
    """

    @property
    def name(self) -> str: ...

    def prepare(self, settings: Settings) -> object: ...

    def run(self, ctx: StageContext) -> None: ...

    def is_current(self, ctx: StageContext) -> bool: ...


StageFn = Callable[[StageContext], None]


@dataclass(frozen=True)
class FunctionStage:
    """A `Stage` made of plain functions; calling it runs the stage (as the functions once did)."""

    name: str
    run_fn: StageFn
    is_current_fn: Callable[[StageContext], bool] | None = None
    """None: an unchanged corpus skips the stage."""
    prepare_fn: Callable[[Settings], object] | None = None

    def prepare(self, settings: Settings) -> object:
        return self.prepare_fn(settings) if self.prepare_fn is not None else None

    def run(self, ctx: StageContext) -> None:
        self.run_fn(ctx)

    def is_current(self, ctx: StageContext) -> bool:
        return bool(self.is_current_fn(ctx)) if self.is_current_fn is not None else True

    def __call__(self, ctx: StageContext) -> None:
        self.run(ctx)

    @property
    def __name__(self) -> str:  # as the function was named: timings and messages keep their keys
        return self.name


def as_stage(stage: Stage | StageFn) -> Stage:
    """A `Stage` as is; a plain callable wrapped, honouring the `prepare`/`is_current`
    attributes that older callers set on their functions."""
    if isinstance(stage, Stage):
        return stage
    return FunctionStage(
        name=getattr(stage, "__name__", type(stage).__name__),
        run_fn=stage,
        is_current_fn=getattr(stage, "is_current", None),
        prepare_fn=getattr(stage, "prepare", None),
    )
