"""Read-only queries the public API needs beyond the store's own: light per-item context,
multi-valued dimensions (parties, topics) and the flat tables an export writes.

The query layer: the API (`api.py`), `stats` and `export` read the store through here and
`store.py`, never with SQL of their own.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .filters import Filters, allowed_items, document_clauses, item_level, register_functions
from .store import Store

_META = (
    "SELECT i.id, i.doc_id, i.section, i.title, i.dnr, i.canonical_id, d.date, d.body,"
    " d.body_short, d.organisation, d.kind, d.source FROM items i JOIN documents d ON d.id = i.doc_id"
)


def _chunks(ids: list[str], size: int = 500) -> Iterable[list[str]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def item_meta(store: Store, ids: Iterable[str] | None = None) -> dict[str, sqlite3.Row]:
    """Provenance of items (no text): id, doc_id, section, title, dnr, canonical_id, date, body,
    body_short, organisation, kind, source; of every item when `ids` is None."""
    if ids is None:
        return {r["id"]: r for r in store.conn.execute(_META)}
    out: dict[str, sqlite3.Row] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        out.update(
            (r["id"], r) for r in store.conn.execute(f"{_META} WHERE i.id IN ({marks})", chunk)
        )
    return out


def item_ids(store: Store, filters: Filters) -> list[str]:
    """Ids of the items within the filters, in date, meeting and § order."""
    allowed = allowed_items(store, filters)
    rows = store.conn.execute(
        "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id ORDER BY d.date, d.id, i.position"
    )
    return [r[0] for r in rows if allowed is None or r[0] in allowed]


def document_ids(store: Store, filters: Filters) -> list[str]:
    """Ids of the documents within the filters, by date: body, org, dates and kind on the document;
    person, party, topic and outcome through its items (a document passes with one item that does)."""
    where, args = document_clauses(filters)
    register_functions(store.conn)
    sql = "SELECT d.id FROM documents d" + (" WHERE " + " AND ".join(where) if where else "")
    ids = [r[0] for r in store.conn.execute(sql + " ORDER BY d.date, d.id", args)]
    inner = allowed_items(store, item_level(filters))
    if inner is None:
        return ids
    docs = {r["doc_id"] for r in item_meta(store, inner).values()}
    return [i for i in ids if i in docs]


def item_parties(store: Store) -> dict[str, list[str]]:
    """Item id -> the parties of its yrkanden (motions), each once, in order of appearance."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in store.conn.execute(
        "SELECT item_id, party FROM motions WHERE party IS NOT NULL ORDER BY item_id, position"
    ):
        for party in str(r["party"]).split(","):
            party = party.strip()
            if party and party not in out[r["item_id"]]:
                out[r["item_id"]].append(party)
    return dict(out)


def item_topics(store: Store) -> dict[str, list[str]]:
    """Item id -> the labels of its topics, strongest first."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in store.conn.execute(
        "SELECT it.item_id, t.label FROM item_topics it JOIN topics t ON t.id = it.topic_id"
        " ORDER BY it.item_id, it.weight DESC"
    ):
        out[r["item_id"]].append(r["label"])
    return dict(out)


def item_outcomes(store: Store) -> dict[str, str]:
    """Item id -> the outcome of its decision (items without a decision row are absent)."""
    return {r[0]: r[1] for r in store.conn.execute("SELECT item_id, outcome FROM decisions")}


def mention_rows(store: Store, ids: Iterable[str]) -> list[dict[str, Any]]:
    """Named-entity mentions in the items: item_id, label, text, start, end, person_id, person."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        out += [
            dict(r)
            for r in store.conn.execute(
                "SELECT m.item_id, m.label, m.text, m.start, m.end, m.person_id, p.name AS person"
                f" FROM mentions m LEFT JOIN persons p ON p.id = m.person_id"
                f" WHERE m.item_id IN ({marks}) ORDER BY m.item_id, m.start",
                chunk,
            )
        ]
    return out


def json_list(value: str | None) -> list[Any]:
    """A JSON list column as a list (None and '' as [])."""
    return list(json.loads(value)) if value else []


def add_provenance(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add `org` and `dnr` of each row's item (by `id`) to rows that lack them; returns rows."""
    meta = item_meta(store, [r["id"] for r in rows if r.get("id")])
    for r in rows:
        m = meta.get(r.get("id") or "")
        r.setdefault("org", m["organisation"] if m else None)
        r.setdefault("dnr", m["dnr"] if m else None)
    return rows


def full_text_steps(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trace steps with `said` and `decision` in full (the JSON holds 300-character excerpts):
    for `trace --csv`, where a spreadsheet should lose nothing. Returns new dicts."""
    from .analysis.text import one_line

    ids = sorted({r["id"] for r in rows if r.get("id") and r.get("in_corpus")})
    full: dict[str, sqlite3.Row] = {}
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        full.update(
            (r["id"], r)
            for r in store.conn.execute(
                "SELECT i.id, i.summary, i.text, x.decision FROM items i"
                f" LEFT JOIN decisions x ON x.item_id = i.id WHERE i.id IN ({marks})",
                chunk,
            )
        )
    out = []
    for r in rows:
        f = full.get(r.get("id") or "")
        if f is None:
            out.append(dict(r))
            continue
        said = f["summary"] or f["text"]
        out.append(
            {
                **r,
                "said": one_line(said) if said else None,
                "decision": one_line(f["decision"]) if f["decision"] else None,
            }
        )
    return out


def organisations(store: Store) -> list[str]:
    """The municipalities/regions (kommun/region) the documents belong to, sorted."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT organisation FROM documents WHERE organisation IS NOT NULL ORDER BY 1"
        )
    ]


def body_names(store: Store) -> list[tuple[str, str | None]]:
    """Each distinct (full name, short name) of the bodies the documents come from; the full
    name falls back to the short one. Unsorted; bodies with neither name are left out."""
    return list(
        {
            ((r["body"] or r["body_short"]), r["body_short"])
            for r in store.conn.execute("SELECT DISTINCT body, body_short FROM documents")
            if r["body"] or r["body_short"]
        }
    )


def attendee_parties(store: Store) -> list[str]:
    """The parties on any attendance list, sorted."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT party FROM attendees WHERE party IS NOT NULL ORDER BY party"
        )
    ]


def document_kinds(store: Store) -> list[str]:
    """The document kinds the store holds (protocol, extract, attachment), sorted."""
    return [r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM documents ORDER BY kind")]


def topic_labels(store: Store) -> list[str]:
    """Every topic's label, sorted."""
    return [r[0] for r in store.conn.execute("SELECT label FROM topics ORDER BY label")]


def largest_topics(store: Store, limit: int) -> list[tuple[str, int, list[str]]]:
    """(label, number of items, terms) of the `limit` topics with the most items."""
    return [
        (r["label"], r["n"], json.loads(r["terms"]))
        for r in store.conn.execute(
            "SELECT t.label, t.terms, count(it.item_id) AS n FROM topics t"
            " LEFT JOIN item_topics it ON it.topic_id = t.id GROUP BY t.id ORDER BY n DESC LIMIT ?",
            (limit,),
        )
    ]


def most_present(store: Store, limit: int) -> list[tuple[str, str | None, int]]:
    """(name, party, meetings present) of the `limit` names present at the most meetings."""
    return [
        (r["name"], r["party"], r["n"])
        for r in store.conn.execute(
            "SELECT name, party, count(DISTINCT doc_id) AS n FROM attendees WHERE present = 1"
            " GROUP BY name ORDER BY n DESC, name LIMIT ?",
            (limit,),
        )
    ]


def person_names(store: Store) -> list[str]:
    """Every resolved person and every name on an attendance list, sorted."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT name FROM persons UNION SELECT name FROM attendees ORDER BY 1"
        )
    ]


def linked_documents(store: Store, item_id: str) -> list[sqlite3.Row]:
    """Documents (attachments) linked to an item: id, title, source, by id."""
    return list(
        store.conn.execute(
            "SELECT id, title, source FROM documents WHERE linked_item_id = ? ORDER BY id",
            (item_id,),
        )
    )


def extract_items(store: Store, canonical_id: str) -> list[sqlite3.Row]:
    """Items (from extracts) whose canonical item is `canonical_id`: id, title, source, by id."""
    return list(
        store.conn.execute(
            "SELECT i.id, i.title, d.source FROM items i JOIN documents d ON d.id = i.doc_id"
            " WHERE i.canonical_id = ? ORDER BY i.id",
            (canonical_id,),
        )
    )
