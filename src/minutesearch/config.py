"""One typed settings object for a run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .locations import index_dir


@dataclass
class Settings:
    """What a run of the pipeline uses; the CLI fills it from options and the environment."""

    index_dir: Path
    """Folder holding the SQLite store and the keyword and vector indexes."""
    embedder: str = "e5-small"
    """Embedder backend: `e5-small`, `sentence-transformers:<dir or package>`, `fake`, or `none`."""
    ner: bool = True
    """Run the spaCy NER pipeline during ingest (off: gazetteer rules only)."""

    @classmethod
    def default(cls, index_override: str | None = None, **kw: object) -> Settings:
        return cls(index_dir=index_dir(index_override), **kw)  # type: ignore[arg-type]
