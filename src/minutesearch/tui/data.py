"""What the screens read, as plain dicts: one short-lived Store per call, so workers never share
an sqlite connection across threads. Library modules that have not landed raise `Unavailable`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ..config import Settings
from ..locations import store_path
from ..store import Store

KINDS = {"protocol": "Protokoll", "extract": "Utdrag", "attachment": "Skrivelse/bilaga"}
"""Document kinds as the filter panel names them."""


class Unavailable(Exception):
    """A library function this screen needs is not installed yet (or has another signature)."""


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"minutesearch.{name}")
    except ImportError as exc:
        raise Unavailable(name) from exc


def _call(module: str, func: str, *args: Any, **kwargs: Any) -> Any:
    fn = getattr(_module(module), func, None)
    if fn is None:
        raise Unavailable(f"{module}.{func}")
    return fn(*args, **kwargs)


def open_store(settings: Settings) -> Store:
    return Store.open(settings.index_dir, create=False)


def index_ready(settings: Settings) -> bool:
    """True when a store with at least one item exists; the start screen shows otherwise."""
    if not store_path(settings.index_dir).exists():
        return False
    with open_store(settings) as store:
        return store.counts()["items"] > 0


def counts(settings: Settings) -> dict[str, int]:
    with open_store(settings) as store:
        return store.counts()


@dataclass
class Filters:
    """The filter panel's values, passed to `search.SearchFilters` as they are."""

    org: str | None = None
    body: str | None = None
    since: str | None = None
    until: str | None = None
    party: str | None = None
    person: str | None = None
    topic: str | None = None
    kind: str | None = None

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def _search_filters(filters: Filters) -> Any:
    return _call("search", "SearchFilters", **filters.__dict__)


@dataclass
class Found:
    """One search's outcome in the shape the results list shows."""

    hits: list[dict[str, Any]]
    total: int
    elapsed_ms: float
    mode: str
    fallback_or: bool = False
    notes: list[str] = field(default_factory=list)


def search(settings: Settings, query: str, mode: str, filters: Filters, limit: int = 20) -> Found:
    with open_store(settings) as store:
        res = _call(
            "search",
            "search",
            store,
            settings,
            query,
            mode=mode,
            limit=limit,
            filters=_search_filters(filters),
        )
    return Found(
        [h.to_json() for h in res.hits], res.total, res.elapsed_ms, res.mode, res.fallback_or
    )


def item(settings: Settings, item_id: str) -> dict[str, Any]:
    """The item's JSON plus `linked`: attachments and extracts that belong to it."""
    with open_store(settings) as store:
        data = store.item_json(store.item_row(item_id))
        linked = [
            {
                "kind": "attachment",
                "id": r["id"],
                "title": r["title"] or r["source"],
                "source": r["source"],
            }
            for r in store.conn.execute(
                "SELECT id, title, source FROM documents WHERE linked_item_id = ? ORDER BY id",
                (item_id,),
            )
        ]
        linked += [
            {"kind": "extract", "id": r["id"], "title": r["title"], "source": r["source"]}
            for r in store.conn.execute(
                "SELECT i.id, i.title, d.source FROM items i JOIN documents d ON d.id = i.doc_id"
                " WHERE i.canonical_id = ? ORDER BY i.id",
                (item_id,),
            )
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
        hits = _call("search", "related", store, settings, item_id, limit=10)
    return [h.to_json() for h in hits]


def person(settings: Settings, name_or_id: str) -> dict[str, Any]:
    with open_store(settings) as store:
        return dict(_call("entities.persons", "person_detail", store, name_or_id))


def timeline(settings: Settings, query_or_item_id: str) -> list[dict[str, Any]]:
    with open_store(settings) as store:
        return list(_call("analysis.threads", "trace", store, settings, query_or_item_id))


def decisions(settings: Settings, query: str | None, filters: Filters) -> list[dict[str, Any]]:
    with open_store(settings) as store:
        rows = _call(
            "analysis.decisions",
            "find_decisions",
            store,
            settings,
            query or None,
            filters=_search_filters(filters),
        )
    return sorted(rows, key=lambda d: (d.get("date") or "", d.get("section") or 0), reverse=True)


def watches(settings: Settings) -> list[dict[str, Any]]:
    """Every watch with its count of new items (nothing is marked seen)."""
    with open_store(settings) as store:
        rows = _call("analysis.watches", "list_watches", store, settings)
    return [{**r, "_item": False} for r in rows]


def check_watch(settings: Settings, watch_id: int) -> list[dict[str, Any]]:
    """The watch's new items, which from now on count as seen."""
    with open_store(settings) as store:
        found = _call("analysis.watches", "check_watches", store, settings, watch_id=watch_id)
    return list(found[0]["items"]) if found else []


def warm_embedder(settings: Settings) -> None:
    """Load the query embedder now (seconds for a real model) so the first search is quick."""
    _call("index.embedders", "get_embedder", settings.embedder)


def add_watch(settings: Settings, query: str, filters: Filters, mode: str) -> int:
    with open_store(settings) as store:
        return int(
            _call("analysis.watches", "add_watch", store, query, filters.active() or None, mode)
        )


def remove_watch(settings: Settings, watch_id: int) -> None:
    with open_store(settings) as store:
        _call("analysis.watches", "remove_watch", store, watch_id)
