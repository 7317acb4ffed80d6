"""minutesearch: search and analysis over Swedish meeting minutes (protokoll).

The Python API (see README "Python API"):

    import minutesearch
    corpus = minutesearch.open()          # or minutesearch.open("path/to/indexes")
    corpus.decisions(filters=minutesearch.Filters(org="Alingsås", body="KS")).to_pandas()

`open`, `Corpus` and `Filters` are loaded on first use, so `import minutesearch` (and
`minutesearch --help`) stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import Corpus, Results, open
    from .filters import Filters

_LAZY = {
    "open": "api",
    "Corpus": "api",
    "Results": "api",
    "Filters": "filters",
}

__all__ = ["Corpus", "Filters", "Results", "__version__", "open"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'minutesearch' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"minutesearch.{module}"), name)
    globals()[name] = value
    return value
