"""What the screens read, as plain dicts: one short-lived Store per call, so workers never share
an sqlite connection across threads. The library is imported for real (inside the functions,
so opening the TUI stays quick), and the filters are the one `minutesearch.Filters`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..filters import Filters
from ..locations import store_path
from ..store import Store

KINDS = {"protocol": "Protokoll", "extract": "Utdrag", "attachment": "Skrivelse/bilaga"}
"""Document kinds as the filter panel names them."""


class Unavailable(Exception):
    """A library function this screen needs is not available (kept for the screens that catch it)."""


__all__ = ["KINDS", "Filters", "Found", "Unavailable"]


def open_store(settings: Settings) -> Store:
    return Store.open(settings.index_dir, create=False)


def index_ready(settings: Settings) -> bool:
    """True when a store with at least one item exists; the start screen shows otherwise."""
    if not store_path(settings.index_dir).exists():
        return False
    with open_store(settings) as store:
        return store.counts()["items"] > 0


def org_labels(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows get `_org` (the lists show it after the body: "KS, Alingsås kommun") when the index
    holds more than one kommun/region; `_` keys are for the screen only, never exported."""
    from ..query import organisations

    if len(organisations(store)) > 1:
        for row in rows:
            row["_org"] = row.get("org")
    return rows


def counts(settings: Settings) -> dict[str, int]:
    with open_store(settings) as store:
        return store.counts()


def _search_filters(filters: Filters) -> Filters:
    return filters


@dataclass
class Found:
    """One search's outcome in the shape the results list shows."""

    hits: list[dict[str, Any]]
    total: int
    elapsed_ms: float
    mode: str
    fallback_or: bool = False
    notes: list[str] = field(default_factory=list)
    suggestion: str | None = None  # "Menade du …?"


def search(settings: Settings, query: str, mode: str, filters: Filters, limit: int = 20) -> Found:
    from ..search import search as run_search

    with open_store(settings) as store:
        res = run_search(
            store,
            settings,
            query,
            mode=mode,
            limit=limit,
            filters=_search_filters(filters),
        )
        hits = org_labels(store, [h.to_json() for h in res.hits])
    return Found(
        hits,
        res.total,
        res.elapsed_ms,
        res.mode,
        res.fallback_or,
        suggestion=res.suggestion,
    )


def item(settings: Settings, item_id: str) -> dict[str, Any]:
    """The item's JSON plus `linked`: attachments and extracts that belong to it."""
    from .. import query

    with open_store(settings) as store:
        data = store.item_json(store.item_row(item_id))
        org_labels(store, [data])
        linked = [
            {
                "kind": "attachment",
                "id": r["id"],
                "title": r["title"] or r["source"],
                "source": r["source"],
            }
            for r in query.linked_documents(store, item_id)
        ]
        linked += [
            {"kind": "extract", "id": r["id"], "title": r["title"], "source": r["source"]}
            for r in query.extract_items(store, item_id)
        ]
        if data["canonical_id"]:
            linked.append(
                {
                    "kind": "protocol",
                    "id": data["canonical_id"],
                    "title": "Protokollet",
                    "source": "",
                }
            )
    data["linked"] = linked
    return data


def related(settings: Settings, item_id: str) -> list[dict[str, Any]]:
    with open_store(settings) as store:
        from ..search import related as run_related

        hits = run_related(store, settings, item_id, limit=10)
        return org_labels(store, [h.to_json() for h in hits])


def person(settings: Settings, name_or_id: str) -> dict[str, Any]:
    with open_store(settings) as store:
        from ..entities.persons import person_detail

        return dict(person_detail(store, name_or_id))


def timeline(settings: Settings, query_or_item_id: str) -> list[dict[str, Any]]:
    with open_store(settings) as store:
        from ..analysis.threads import trace
        from ..query import add_provenance

        steps = add_provenance(store, list(trace(store, settings, query_or_item_id)))
        return org_labels(store, steps)


def decisions(settings: Settings, query: str | None, filters: Filters) -> list[dict[str, Any]]:
    with open_store(settings) as store:
        from ..analysis.queries import find_decisions
        from ..query import add_provenance

        rows = add_provenance(
            store, find_decisions(store, settings, query or None, filters=_search_filters(filters))
        )
        org_labels(store, rows)
    return sorted(rows, key=lambda d: (d.get("date") or "", d.get("section") or 0), reverse=True)


def watches(settings: Settings) -> list[dict[str, Any]]:
    """Every watch with its count of new items (nothing is marked seen)."""
    with open_store(settings) as store:
        from ..analysis.watches import list_watches

        rows = list_watches(store, settings)
    return [{**r, "_item": False} for r in rows]


def check_watch(settings: Settings, watch_id: int) -> list[dict[str, Any]]:
    """The watch's new items, which from now on count as seen."""
    with open_store(settings) as store:
        from ..analysis.watches import check_watches

        found = check_watches(store, settings, watch_id=watch_id)
        return org_labels(store, list(found[0]["items"])) if found else []


def warm_embedder(settings: Settings) -> None:
    """Load the query embedder now (seconds for a real model) so the first search is quick."""
    from ..index.embedders import get_embedder

    get_embedder(settings.embedder)


def add_watch(settings: Settings, query: str, filters: Filters, mode: str) -> int:
    from ..analysis.watches import add_watch as run_add_watch

    with open_store(settings) as store:
        chosen: dict[str, str | None] = dict(filters.active())
        return int(run_add_watch(store, query, chosen or None, mode))


def remove_watch(settings: Settings, watch_id: int) -> None:
    with open_store(settings) as store:
        from ..analysis.watches import remove_watch as run_remove_watch

        run_remove_watch(store, watch_id)
