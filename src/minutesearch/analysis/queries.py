"""Query-time analysis over the stored decisions: `find_decisions` (filters, search) and the
`decisions --json` row contract. Ingest-time extraction stays in `analysis.decisions`."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from ..store import rows_in
from .matching import matching_item_ids

if TYPE_CHECKING:
    from ..config import Settings
    from ..filters import Filters
    from ..store import Store


def decision_json(store: Store, row: sqlite3.Row) -> dict[str, Any]:
    """The `decisions --json` contract for one item row (joined with its decision)."""
    motions = [
        {
            "by": m["by"],
            "party": m["party"],
            "kind": m["kind"],
            "text": m["text"],
            "won": None if m["won"] is None else bool(m["won"]),
        }
        for m in store.conn.execute(
            "SELECT * FROM motions WHERE item_id=? ORDER BY position", (row["id"],)
        )
    ]
    return {
        "id": row["id"],
        "body": row["body"],
        "body_short": row["body_short"],
        "date": row["date"],
        "section": row["section"],
        "title": row["title"],
        "decision": row["decision_text"],
        "outcome": row["outcome"],
        "multi_part": bool(row["multi_part"]),
        "amounts": json.loads(row["amounts"]),
        "amounts_mentioned": json.loads(row["amounts_mentioned"]),
        "motions": motions,
        "vote": json.loads(row["vote"]) if row["vote"] else None,
        "votes": json.loads(row["votes"]),
        "reservations": json.loads(row["reservations"]),
        "reservation_count": row["reservation_count"],
        "annotations": json.loads(row["annotations"]),
        "conflicts": json.loads(row["conflicts"]),
        "source": row["source"],
    }


DECISION_SELECT = (
    "SELECT i.id, i.doc_id, i.position, i.section, i.title, d.body, d.body_short, d.date,"
    " d.source, d.kind,"
    " x.decision AS decision_text, x.outcome, x.amounts, x.reservations, x.vote, x.votes,"
    " x.reservation_count, x.annotations, x.conflicts, x.amounts_mentioned, x.multi_part"
    " FROM decisions x JOIN items i ON i.id = x.item_id JOIN documents d ON d.id = i.doc_id"
)


def find_decisions(
    store: Store,
    settings: Settings,
    query: str | None = None,
    filters: Filters | None = None,
    *,
    outcome: str | None = None,
) -> list[dict[str, Any]]:
    """Decisions (newest first), of items matching `query` when given, within `filters`."""
    ids = matching_item_ids(store, settings, query, filters, mode="keyword")
    sql = (
        DECISION_SELECT
        + " WHERE i.canonical_id IS NULL AND (x.decision IS NOT NULL OR x.outcome != 'other')"
    )
    args: list[Any] = []
    if outcome:
        sql += " AND x.outcome = ?"
        args.append(outcome)
    # Only the matching items' decisions are read (by the items' primary key, in chunks), not
    # every decision of the store; then newest first, a meeting's items in § order.
    rows = sorted(rows_in(store.conn, sql, "i.id", sorted(ids), args), key=_meeting_order)
    rows.sort(key=lambda r: r["date"] or "", reverse=True)
    return [decision_json(store, r) for r in rows]


def _meeting_order(r: sqlite3.Row) -> tuple[str, int]:
    return (r["doc_id"], r["position"])
