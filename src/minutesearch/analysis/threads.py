"""Recurring issues: `list_threads` (items linked across meetings) and `trace` (one issue's timeline)."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from .text import excerpt

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

SEMANTIC_THRESHOLD = 0.80  # cosine; below it "related" items are only similar, not the same matter
# e5 compresses cosines into a narrow band: on corpus-extra, the same matter in two meetings scores
# 0.99+, while merely similar items of the same genre reach 0.95. Calibrated per backend.
SEMANTIC_THRESHOLDS = {"e5-small": 0.97}


def semantic_threshold_for(settings: Settings, default: float) -> float:
    """The cosine above which two items are taken as the same matter, for this embedder."""
    return max(default, SEMANTIC_THRESHOLDS.get(settings.embedder, default))


SEMANTIC_LIMIT = 10

_ITEM = (
    "SELECT i.id, i.section, i.title, i.text, i.summary, i.doc_id, d.body, d.body_short, d.date,"
    " d.kind, d.source, x.decision, x.outcome FROM items i JOIN documents d ON d.id = i.doc_id"
    " LEFT JOIN decisions x ON x.item_id = i.id"
)


def _links_of(store: Store, item_ids: set[str]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(item_ids))
    return list(
        store.conn.execute(
            f"SELECT * FROM links WHERE src_item_id IN ({marks}) OR dst_item_id IN ({marks})",
            [*item_ids, *item_ids],
        )
    )


def list_threads(store: Store) -> list[dict[str, Any]]:
    """Threads (newest activity first): `id, items[{id, date, body, section, title}], link_kinds[]`."""
    members: dict[str, list[str]] = defaultdict(list)
    for r in store.conn.execute("SELECT item_id, thread_id FROM thread_items"):
        members[r["thread_id"]].append(r["item_id"])
    out = []
    for thread_id, ids in members.items():
        rows = _rows(store, set(ids))
        kinds = sorted({r["kind"] for r in _links_of(store, set(ids)) if r["dst_item_id"]})
        out.append(
            {
                "id": thread_id,
                "items": [
                    {
                        "id": r["id"],
                        "date": r["date"],
                        "body": r["body"],
                        "body_short": r["body_short"],
                        "section": r["section"],
                        "title": r["title"],
                    }
                    for r in rows
                ],
                "link_kinds": kinds,
            }
        )
    out.sort(key=lambda t: (t["items"][-1]["date"] or "", t["id"]), reverse=True)
    return out


def _rows(store: Store, ids: set[str]) -> list[sqlite3.Row]:
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"{_ITEM} WHERE i.id IN ({marks})", list(ids))
    return sorted(rows, key=lambda r: (r["date"] or "", r["body"] or "", r["section"], r["id"]))


def _start_item(store: Store, settings: Settings, query_or_item_id: str) -> tuple[set[str], str]:
    """The item(s) a trace starts from: an item id, a thread id, or the best search hit."""
    key = query_or_item_id.strip()
    if store.conn.execute("SELECT 1 FROM items WHERE id = ?", (key,)).fetchone():
        return {key}, key
    ids = {
        r[0]
        for r in store.conn.execute("SELECT item_id FROM thread_items WHERE thread_id = ?", (key,))
    }
    if ids:
        return ids, min(ids)
    from .matching import matching_item_ids

    hits = matching_item_ids(store, settings, key, None, mode="keyword")
    if not hits:
        raise NotFoundError(f"Inget ärende matchar {key!r}.")
    # Of the matches, the one with the most links is the best entry into the history.
    counts = {
        h: store.conn.execute(
            "SELECT count(*) FROM links WHERE src_item_id = ? OR dst_item_id = ?", (h, h)
        ).fetchone()[0]
        for h in hits
    }
    start = max(hits, key=lambda h: (counts[h], h))
    return {start}, start


def _closure(store: Store, seeds: set[str]) -> dict[str, tuple[str, str, str | None]]:
    """Every item linked to the seeds, each with how it was reached: (kind, evidence, from).

    An item citing several different matters (`links.hub_items`) is reached but not passed
    through, and its references lead nowhere unless the trace starts at it."""
    from .links import hub_items

    hubs = hub_items(store)
    reached: dict[str, tuple[str, str, str | None]] = {s: ("start", "", None) for s in seeds}
    frontier = set(seeds)
    while frontier:
        nxt: set[str] = set()
        for link in _links_of(store, frontier):
            a, b = link["src_item_id"], link["dst_item_id"]
            if not b:
                continue
            for here, there in ((a, b), (b, a)):
                if here in frontier and there not in reached:
                    if here in hubs and here not in seeds and link["kind"] == "ref":
                        continue
                    reached[there] = (link["kind"], link["evidence"], here)
                    if not (there in hubs and link["kind"] == "ref"):
                        nxt.add(there)
        frontier = nxt
    return reached


def _semantic(
    store: Store, settings: Settings, item_id: str, threshold: float
) -> list[tuple[str, float]]:
    """Items from other meetings whose vectors are very close (cosine); empty without vectors.

    related() falls back to keyword MoreLikeThis scores without a vector index; those are not
    cosines, so they are never held against the threshold."""
    from ..errors import MinutesearchError

    try:
        from ..index.semantic import open_vectors
        from ..search import related

        vectors = open_vectors(settings)
        if vectors is None or item_id not in vectors.ids:
            return []
        hits = related(store, settings, item_id, limit=SEMANTIC_LIMIT)
    except (ImportError, MinutesearchError):
        return []
    return [(h.id, float(h.score)) for h in hits if float(h.score) >= threshold]


def trace(
    store: Store,
    settings: Settings,
    query_or_item_id: str,
    *,
    semantic_threshold: float | None = SEMANTIC_THRESHOLD,
) -> list[dict[str, Any]]:
    """One issue as a dated timeline across bodies: what was said and decided at each step.

    Steps are items sharing evidence with the start: a diarienummer, an explicit reference, an
    extract link. Items whose vectors are closer than `semantic_threshold` to the starting item
    are only alike: they are listed in the start entry's `related[]` (id, date, body, body_short,
    section, title, score), never as steps. Every entry has `related` (empty but on the start)."""
    seeds, start = _start_item(store, settings, query_or_item_id)
    reached = _closure(store, seeds)
    related: list[dict[str, Any]] = []
    if semantic_threshold is not None:
        threshold = semantic_threshold_for(settings, semantic_threshold)
        alike = [
            (o, sc) for o, sc in _semantic(store, settings, start, threshold) if o not in reached
        ]
        rows = {r["id"]: r for r in _rows(store, {o for o, _ in alike})} if alike else {}
        related = [
            {
                "id": o,
                "date": rows[o]["date"],
                "body": rows[o]["body"],
                "body_short": rows[o]["body_short"],
                "section": rows[o]["section"],
                "title": rows[o]["title"],
                "score": round(sc, 3),
            }
            for o, sc in alike
            if o in rows
        ]
    attachments: dict[str, list[dict[str, Any]]] = defaultdict(list)
    marks = ",".join("?" * len(reached))
    for r in store.conn.execute(
        f"SELECT l.src_item_id, d.id, d.title, d.source FROM links l JOIN documents d ON d.id = l.dst_doc_id"
        f" WHERE l.kind = 'attachment' AND l.src_item_id IN ({marks})",
        list(reached),
    ):
        entry = {"id": r["id"], "title": excerpt(r["title"], 120), "source": r["source"]}
        if entry not in attachments[r["src_item_id"]]:
            attachments[r["src_item_id"]].append(entry)
    out: list[dict[str, Any]] = []
    canon = _canonical(store, set(reached))
    for r in _rows(store, set(reached)):
        if canon.get(r["id"]) in reached:
            continue  # an extract of a § already on the timeline says the same thing
        kind, evidence, via = reached[r["id"]]
        out.append(
            {
                "id": r["id"],
                "date": r["date"],
                "body": r["body"],
                "body_short": r["body_short"],
                "section": r["section"],
                "title": r["title"],
                "said": excerpt(r["summary"] or r["text"], 300),
                "decision": excerpt(r["decision"], 300),
                "outcome": r["outcome"],
                "link_kind": kind,
                "evidence": evidence,
                "linked_from": via,
                "attachments": attachments.get(r["id"], []),
                "kind": r["kind"],
                "source": r["source"],
                "in_corpus": True,
                "related": related if r["id"] == start else [],
            }
        )
    from .links import hub_items

    # A notice list reached on the way cites other matters' steps: those are not this issue's.
    out += _outside_steps(store, set(reached) - (hub_items(store) - seeds))
    out.sort(key=lambda e: (e["date"] or "", e["body_short"] or "", e["section"] or 0))
    return out


def _canonical(store: Store, ids: set[str]) -> dict[str, str]:
    marks = ",".join("?" * len(ids))
    return {
        r["id"]: r["canonical_id"]
        for r in store.conn.execute(
            f"SELECT id, canonical_id FROM items WHERE canonical_id IS NOT NULL AND id IN ({marks})",
            list(ids),
        )
    }


def _outside_steps(store: Store, ids: set[str]) -> list[dict[str, Any]]:
    """Earlier or later steps the items cite that are not in the corpus ("KF den 10 december 2025,
    § 246"): dated, with the citing text as evidence, so the timeline shows the gap."""
    marks = ",".join("?" * len(ids))
    steps: dict[tuple[str | None, str, int | None], dict[str, Any]] = {}
    # "KF" cited inside Alingsås is Alingsås' Kommunfullmäktige when the corpus has its meetings.
    names = {
        (r[0], r[1].upper()): r[2]
        for r in store.conn.execute(
            "SELECT DISTINCT organisation, body_short, body FROM documents"
            " WHERE body_short IS NOT NULL AND body IS NOT NULL"
        )
    }
    for r in store.conn.execute(
        f"SELECT r.*, d.date AS src_date, d.body AS src_body, d.body_short AS src_short,"
        f" d.organisation AS src_org"
        f" FROM refs r JOIN items i ON i.id = r.item_id"
        f" JOIN documents d ON d.id = i.doc_id WHERE r.item_id IN ({marks})"
        " AND r.kind = 'section' AND r.ref_date IS NOT NULL AND r.target_doc_id IS NULL",
        list(ids),
    ):
        # "Bordlagt den 5 februari 2025, § 92" names no body: the citing body's own §.
        body, short = _ref_body(r["body"], r["src_body"], r["src_short"])
        if body is None and short:
            body = names.get((r["src_org"], short))
        key = (short or body, r["ref_date"], r["ref_section"])
        if key in steps:
            continue
        steps[key] = {
            "id": None,
            "date": r["ref_date"],
            "body": body,
            "body_short": short,
            "section": r["ref_section"],
            "title": None,
            "said": None,
            "decision": None,
            "outcome": None,
            "link_kind": "ref",
            "evidence": r["text"],
            "linked_from": r["item_id"],
            "attachments": [],
            "kind": None,
            "source": None,
            "in_corpus": False,
            "related": [],
        }
    return list(steps.values())


def _ref_body(
    written: str | None, src_body: str | None, src_short: str | None
) -> tuple[str | None, str | None]:
    """(body, body_short) of a cited step: the body as the reference writes it ("KF",
    "kommunfullmäktige"), else the citing item's own body."""
    if not written:
        return src_body, src_short
    if written.isupper() or len(written) <= 6:
        return None, written.upper()
    if src_body and written.casefold() == src_body.casefold():
        return src_body, src_short
    return written[0].upper() + written[1:], None
