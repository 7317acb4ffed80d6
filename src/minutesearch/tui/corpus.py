"""What the screens show about the corpus as a whole: filter choices, the overview, names.
Plain SQL over the store, so it works before (and whatever) the analysis stages produce."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from ..config import Settings
from .data import KINDS, open_store


def filter_choices(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """(label, value) pairs for the filter panel's selects, from what the store holds."""
    with open_store(settings) as store:
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
        kinds = [
            r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM documents ORDER BY kind")
        ]
        topics = [r[0] for r in store.conn.execute("SELECT label FROM topics ORDER BY label")]
        orgs = [
            r[0]
            for r in store.conn.execute(
                "SELECT DISTINCT organisation FROM documents WHERE organisation IS NOT NULL"
                " ORDER BY organisation"
            )
        ]
    return {
        "org": [(o, o) for o in orgs],
        "body": [
            (f"{full} ({short})" if short and short != full else full, full)
            for full, short in bodies
        ],
        "party": [(p, p) for p in parties],
        "kind": [(KINDS.get(k, k), k) for k in kinds],
        "topic": [(t, t) for t in topics],
    }


def overview(settings: Settings) -> dict[str, Any]:
    """Counts, meetings per body and month, the largest topics and most present persons."""
    with open_store(settings) as store:
        counts = store.counts()
        per_body: dict[str, Counter[str]] = defaultdict(Counter)
        months: set[str] = set()
        # Göteborg's and Alingsås' "KS" are two bodies: with several kommuner, name the kommun.
        many_orgs = len({r["organisation"] for r in store.document_rows() if r["organisation"]}) > 1
        for r in store.document_rows(kind="protocol"):
            month = (r["date"] or "")[:7]
            if month:
                body = r["body_short"] or r["body"] or "?"
                if many_orgs and r["organisation"]:
                    body = f"{body}, {r['organisation']}"
                per_body[body][month] += 1
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


def person_names(settings: Settings) -> list[str]:
    """Every resolved person and every name on an attendance list, for the person picker."""
    with open_store(settings) as store:
        return [
            r[0]
            for r in store.conn.execute(
                "SELECT name FROM persons UNION SELECT name FROM attendees ORDER BY 1"
            )
        ]
