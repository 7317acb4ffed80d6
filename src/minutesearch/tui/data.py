"""What the screens read, as plain dicts: one short-lived Store per call, so workers never share
an sqlite connection across threads. Library modules that have not landed raise `Unavailable`."""

from __future__ import annotations

import importlib
import json
from collections import Counter, defaultdict
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


def _open(settings: Settings) -> Store:
    return Store.open(settings.index_dir, create=False)


def index_ready(settings: Settings) -> bool:
    """True when a store with at least one item exists; the start screen shows otherwise."""
    if not store_path(settings.index_dir).exists():
        return False
    with _open(settings) as store:
        return store.counts()["items"] > 0


@dataclass
class Filters:
    """The filter panel's values, passed to `search.SearchFilters` as they are."""

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


def search(settings: Settings, query: str, mode: str, filters: Filters, limit: int = 50) -> Found:
    with _open(settings) as store:
        res = _call(
            "search", "search", store, settings, query,
            mode=mode, limit=limit, filters=_search_filters(filters),
        )
    return Found([h.to_json() for h in res.hits], res.total, res.elapsed_ms, res.mode, res.fallback_or)


def item(settings: Settings, item_id: str) -> dict[str, Any]:
    """The item's JSON plus `linked`: attachments and extracts that belong to it."""
    with _open(settings) as store:
        data = store.item_json(store.item_row(item_id))
        linked = [
            {"kind": "attachment", "id": r["id"], "title": r["title"] or r["source"], "source": r["source"]}
            for r in store.conn.execute(
                "SELECT id, title, source FROM documents WHERE linked_item_id = ? ORDER BY id", (item_id,)
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
            linked.append({"kind": "protocol", "id": data["canonical_id"], "title": "Protokollet", "source": ""})
    data["linked"] = linked
    return data


def related(settings: Settings, item_id: str) -> list[dict[str, Any]]:
    with _open(settings) as store:
        hits = _call("search", "related", store, settings, item_id, limit=10)
    return [h.to_json() for h in hits]


def person(settings: Settings, name_or_id: str) -> dict[str, Any]:
    with _open(settings) as store:
        return dict(_call("entities.persons", "person_detail", store, name_or_id))


def persons(settings: Settings) -> list[dict[str, Any]]:
    with _open(settings) as store:
        return list(_call("entities.persons", "list_persons", store))


def timeline(settings: Settings, query_or_item_id: str) -> list[dict[str, Any]]:
    with _open(settings) as store:
        return list(_call("analysis.threads", "trace", store, settings, query_or_item_id))


def decisions(settings: Settings, query: str | None, filters: Filters) -> list[dict[str, Any]]:
    with _open(settings) as store:
        rows = _call(
            "analysis.decisions", "find_decisions", store, settings, query or None,
            filters=_search_filters(filters),
        )
    return sorted(rows, key=lambda d: (d.get("date") or "", d.get("section") or 0), reverse=True)


def filter_choices(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """(label, value) pairs for the filter panel's selects, from what the store holds."""
    with _open(settings) as store:
        bodies = sorted(
            {
                ((r["body"] or r["body_short"]), r["body_short"])
                for r in store.conn.execute("SELECT DISTINCT body, body_short FROM documents")
                if r["body"] or r["body_short"]
            },
            key=lambda b: b[0].lower(),
        )
        parties = [
            r[0]
            for r in store.conn.execute(
                "SELECT DISTINCT party FROM attendees WHERE party IS NOT NULL ORDER BY party"
            )
        ]
        kinds = [r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM documents ORDER BY kind")]
        topics = [r[0] for r in store.conn.execute("SELECT label FROM topics ORDER BY label")]
    return {
        "body": [(f"{full} ({short})" if short and short != full else full, full) for full, short in bodies],
        "party": [(p, p) for p in parties],
        "kind": [(KINDS.get(k, k), k) for k in kinds],
        "topic": [(t, t) for t in topics],
    }


def overview(settings: Settings) -> dict[str, Any]:
    """Counts, meetings per body and month, the largest topics and most present persons."""
    with _open(settings) as store:
        counts = store.counts()
        per_body: dict[str, Counter[str]] = defaultdict(Counter)
        months: set[str] = set()
        for r in store.document_rows(kind="protocol"):
            month = (r["date"] or "")[:7]
            if month:
                per_body[r["body_short"] or r["body"] or "?"][month] += 1
                months.add(month)
        topics = [
            (r["label"], r["n"], json.loads(r["terms"]))
            for r in store.conn.execute(
                "SELECT t.label, t.terms, count(it.item_id) AS n FROM topics t"
                " LEFT JOIN item_topics it ON it.topic_id = t.id GROUP BY t.id ORDER BY n DESC LIMIT 8"
            )
        ]
        people = [
            (r["name"], r["party"], r["n"])
            for r in store.conn.execute(
                "SELECT name, party, count(DISTINCT doc_id) AS n FROM attendees WHERE present = 1"
                " GROUP BY name ORDER BY n DESC, name LIMIT 8"
            )
        ]
    return {
        "counts": counts,
        "months": sorted(months),
        "per_body": {b: dict(c) for b, c in sorted(per_body.items())},
        "topics": topics,
        "people": people,
    }


def watches(settings: Settings) -> list[dict[str, Any]]:
    with _open(settings) as store:
        return list(_call("analysis.watches", "check_watches", store, settings))
