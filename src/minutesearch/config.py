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
    keyword_engine: str = "tantivy"
    """Keyword index engine: `tantivy` (default) or `whoosh`; both index the same Swedish stems."""
    workers: int = 0
    """Processes for reading files and NER during ingest; 0 = one per CPU core (at most 4)."""

    @classmethod
    def default(cls, index_override: str | None = None, **kw: object) -> Settings:
        return cls(index_dir=index_dir(index_override), **kw)  # type: ignore[arg-type]
