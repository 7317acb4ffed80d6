"""Every path the project uses, in one place. `--index-dir` or MINUTESEARCH_INDEX_DIR override."""

from __future__ import annotations

import os
from pathlib import Path

ENV_INDEX_DIR = "MINUTESEARCH_INDEX_DIR"

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout (src layout); falls back to the cwd.
_CANDIDATE_ROOT = PACKAGE_DIR.parent.parent
PROJECT_ROOT = _CANDIDATE_ROOT if (_CANDIDATE_ROOT / "pyproject.toml").exists() else Path.cwd()

CORPUS_DIR = PROJECT_ROOT / "corpus"
MODELS_DIR = PROJECT_ROOT / "models"
DATA_DIR = PACKAGE_DIR / "data"
NER_MODEL_DIR = MODELS_DIR / "sv_minutes_ner"


def index_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding the store and indexes: override, then env var, then `indexes/`."""
    if override:
        return Path(override)
    env = os.environ.get(ENV_INDEX_DIR)
    if env:
        return Path(env)
    return PROJECT_ROOT / "indexes"


def store_path(idx: Path) -> Path:
    return idx / "minutesearch.sqlite"


def fulltext_dir(idx: Path) -> Path:
    return idx / "fulltext"


def vectors_dir(idx: Path) -> Path:
    return idx / "vectors"
