"""What the screens show about the corpus as a whole: filter choices, the overview, names.
Plain reads through the query layer (`query.py`), so it works before (and whatever) the analysis
stages produce."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .. import query
from ..config import Settings
from .data import KINDS, open_store


def filter_choices(settings: Settings) -> dict[str, list[tuple[str, str]]]:
    """(label, value) pairs for the filter panel's selects, from what the store holds."""
    with open_store(settings) as store:
        bodies = sorted(query.body_names(store), key=lambda b: b[0].lower())
        parties = query.attendee_parties(store)
        kinds = query.document_kinds(store)
        topics = query.topic_labels(store)
        orgs = query.organisations(store)
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
        topics = query.largest_topics(store, 8)
        people = query.most_present(store, 8)
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
        return query.person_names(store)
