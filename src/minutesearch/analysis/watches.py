"""Watches (bevakningar): saved searches that report the items that are new since the last check.

"New" means: matching the watch now, and not in the store when the watch was last checked (or
added). Each check records every item id then present, so an item that arrives with a later
ingest is new exactly once, whatever the ranking does; item ids are stable across re-ingest and
`ingest --rebuild`, so an unchanged item is never new twice. Matches are computed when asked (the
search index of an ingest is complete only after the analyse stage), so `watch list` and `watch`
always reflect the latest ingest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError, QueryError
from ..filters import validate
from .matching import make_filters, matching_item_ids

if TYPE_CHECKING:
    from ..config import Settings
    from ..store import Store

FILTER_KEYS = ("body", "org", "since", "until", "person", "party", "kind", "topic")
MODES = ("keyword", "semantic", "hybrid", "terms")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _all_item_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM items")}


def add_watch(
    store: Store, query: str, filters: dict[str, str | None] | None = None, mode: str = "keyword"
) -> int:
    """Save a watch; what is in the store now counts as seen. Returns the new watch's id."""
    if not query.strip():
        raise QueryError("En bevakning behöver en sökfråga.")
    if mode not in MODES:
        raise QueryError(f"Okänt sökläge {mode!r} (välj {', '.join(MODES)}).")
    clean = {k: v for k, v in (filters or {}).items() if k in FILTER_KEYS and v}
    validate(make_filters(clean))  # a bad date is an error now, not when the watch is checked
    with store.transaction() as c:
        cur = c.execute(
            "INSERT INTO watches (query, filters, mode, created_at, last_checked_at) VALUES (?,?,?,?,?)",
            (query.strip(), json.dumps(clean, ensure_ascii=False), mode, _now(), _now()),
        )
        watch_id = int(cur.lastrowid or 0)
        c.executemany(
            "INSERT INTO watch_seen (watch_id, item_id) VALUES (?,?)",
            [(watch_id, i) for i in _all_item_ids(store)],
        )
    return watch_id


def _watch_row(store: Store, watch_id: int) -> Any:
    row = store.conn.execute("SELECT * FROM watches WHERE id = ?", (watch_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"Ingen bevakning med id {watch_id}.")
    return row


def remove_watch(store: Store, watch_id: int) -> None:
    """Delete a watch and what it has seen."""
    _watch_row(store, watch_id)
    with store.transaction() as c:
        c.execute("DELETE FROM watch_seen WHERE watch_id = ?", (watch_id,))
        c.execute("DELETE FROM watches WHERE id = ?", (watch_id,))


def _new_ids(store: Store, settings: Settings, row: Any) -> list[str]:
    filters = make_filters(json.loads(row["filters"]))
    matches = matching_item_ids(store, settings, row["query"], filters, mode=row["mode"])
    seen = {
        r[0]
        for r in store.conn.execute(
            "SELECT item_id FROM watch_seen WHERE watch_id = ?", (row["id"],)
        )
    }
    return sorted(matches - seen)


def _watch_json(row: Any, new: int) -> dict[str, Any]:
    return {
        "id": row["id"],
        "query": row["query"],
        "filters": json.loads(row["filters"]),
        "mode": row["mode"],
        "created_at": row["created_at"],
        "last_checked_at": row["last_checked_at"],
        "new": new,
    }


def list_watches(store: Store, settings: Settings) -> list[dict[str, Any]]:
    """All watches: `id, query, filters{}, mode, created_at, last_checked_at, new` (count)."""
    rows = list(store.conn.execute("SELECT * FROM watches ORDER BY id"))
    return [_watch_json(r, len(_new_ids(store, settings, r))) for r in rows]


def check_watches(
    store: Store, settings: Settings, *, watch_id: int | None = None, mark: bool = True
) -> list[dict[str, Any]]:
    """Per watch, the items new since its last check (as `items --json` objects, oldest first);
    with `mark`, they become seen."""
    rows = (
        [_watch_row(store, watch_id)]
        if watch_id is not None
        else list(store.conn.execute("SELECT * FROM watches ORDER BY id"))
    )
    present = _all_item_ids(store)
    out = []
    for row in rows:
        new_ids = _new_ids(store, settings, row)
        items = [store.item_json(r) for r in (store.item_row(i) for i in new_ids)]
        items.sort(key=lambda it: (it["date"] or "", it["id"]))
        entry = _watch_json(row, len(items))
        entry["items"] = items
        out.append(entry)
        if mark:
            with store.transaction() as c:
                c.executemany(
                    "INSERT OR IGNORE INTO watch_seen (watch_id, item_id) VALUES (?,?)",
                    [(row["id"], i) for i in present],
                )
                c.execute(
                    "UPDATE watches SET last_checked_at = ? WHERE id = ?", (_now(), row["id"])
                )
    return out


def carry_over(old_index_dir: Path, new: Store) -> int:
    """Copy the watches (and what they have seen) of the store in `old_index_dir` into `new`, so
    `ingest --rebuild` keeps them; returns how many. A missing or pre-watch store gives 0."""
    from ..locations import store_path

    old = store_path(old_index_dir)
    if not old.exists():
        return 0
    new.conn.execute("ATTACH DATABASE ? AS old", (str(old),))
    try:
        names = {
            r[0]
            for r in new.conn.execute("SELECT name FROM old.sqlite_master WHERE type = 'table'")
        }
        if "watches" not in names:
            return 0
        with new.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO watches (id, query, filters, mode, created_at, last_checked_at)"
                " SELECT id, query, filters, mode, created_at, last_checked_at FROM old.watches"
            )
            c.execute(
                "INSERT OR IGNORE INTO watch_seen (watch_id, item_id) SELECT watch_id, item_id FROM old.watch_seen"
            )
        return int(new.conn.execute("SELECT count(*) FROM old.watches").fetchone()[0])
    finally:
        new.conn.execute("DETACH DATABASE old")
