"""Which items match a query and filters: the search engine when its index is there, else terms.

Decisions and watches both ask "which items are about X, within these filters?". The answer comes
from `search.search` (so it agrees with `minutesearch search`); a store without a search index
(or with the search module missing) falls back to a term match over the stored text, where every
query word must occur (as a prefix inside words, so compounds match: "kurator" in
"kuratorstjänster").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..filters import Filters, allowed_items
from .text import fold

if TYPE_CHECKING:
    from ..config import Settings
    from ..search import SearchFilters
    from ..store import Store

SEARCH_LIMIT = 5000


def make_filters(values: Mapping[str, Any] | None) -> Filters:
    """The one Filters from a dict (a saved watch's filters, CLI keywords); unknown keys dropped."""
    return Filters.from_dict(values)


def filtered_item_ids(store: Store, filters: Any) -> set[str]:
    """Ids of all items within the filters: the same predicate set as search (filters.py)."""
    allowed = allowed_items(store, filters)
    if allowed is None:
        return {r[0] for r in store.conn.execute("SELECT id FROM items")}
    return allowed


def _stems(query: str) -> list[str]:
    words = re.findall(r"[^\W_]+", fold(query))
    # Drop up to two letters of ending so "ungdomsmottagning" meets "ungdomsmottagningens".
    return [w if len(w) <= 5 else w[: max(5, len(w) - 2)] for w in words]


def term_match_ids(store: Store, query: str, candidates: set[str]) -> set[str]:
    """Candidates whose title and text hold every query word (folded prefix match)."""
    stems = _stems(query)
    if not stems:
        return set(candidates)
    out = set()
    for row in store.conn.execute("SELECT id, title, text FROM items"):
        if row["id"] in candidates:
            hay = fold(f"{row['title']}\n{row['text']}")
            if all(s in hay for s in stems):
                out.add(row["id"])
    return out


def matching_item_ids(
    store: Store,
    settings: Settings,
    query: str | None,
    filters: SearchFilters | None,
    *,
    mode: str = "keyword",
) -> set[str]:
    """Ids of the items that match the query (all items when None) within the filters."""
    candidates = filtered_item_ids(store, filters)
    if not query or not query.strip():
        return candidates
    if mode == "terms":
        return term_match_ids(store, query, candidates)
    from ..errors import MinutesearchError

    try:
        from .. import search as search_mod

        kwargs: dict[str, Any] = {"mode": mode, "limit": SEARCH_LIMIT}
        if filters is not None:
            kwargs["filters"] = filters
        result = search_mod.search(store, settings, query, **kwargs)
    except (ImportError, MinutesearchError):
        if mode != "keyword":
            raise
        return term_match_ids(store, query, candidates)
    if mode == "keyword" and getattr(result, "fallback_or", False):
        # An OR fallback would turn a precise watch into "anything with one of the words".
        return term_match_ids(store, query, candidates)
    return {h.id for h in result.hits} & candidates
