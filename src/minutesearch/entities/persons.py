"""Persons in the store, listed and looked up (`persons`, `person`); built by `resolve.py`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from ..errors import NotFoundError
from ..store import Store
from .identity import name_key
from .roles import ABSENT, ROLE_ORDER


def _role_sort(roles: set[str]) -> list[str]:
    return sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER))


def _summary(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    pid = row["id"]
    aliases = [
        r[0]
        for r in conn.execute(
            "SELECT alias FROM person_aliases WHERE person_id=? ORDER BY alias", (pid,)
        )
    ]
    roles = {
        r[0]
        for r in conn.execute("SELECT DISTINCT role FROM person_roles WHERE person_id=?", (pid,))
    }
    meetings = conn.execute(
        "SELECT count(*) FROM (SELECT doc_id FROM person_roles WHERE person_id=? AND role != ?"
        " UNION SELECT i.doc_id FROM mentions m JOIN items i ON i.id = m.item_id WHERE m.person_id=?)",
        (pid, ABSENT, pid),
    ).fetchone()[0]
    return {
        "id": pid,
        "name": row["name"],
        "aliases": aliases,
        "party": row["party"],
        "orgs": json.loads(row["orgs"]),
        "meetings": meetings,
        "roles": _role_sort(roles),
    }


def list_persons(store: Store) -> list[dict[str, Any]]:
    """Every resolved person: id, name, aliases[], party, orgs[], meetings, roles[] (most active first)."""
    rows = list(store.conn.execute("SELECT * FROM persons"))
    out = [_summary(store.conn, r) for r in rows]
    return sorted(out, key=lambda p: (-p["meetings"], p["name"]))


def find_person(store: Store, name_or_id: str) -> sqlite3.Row:
    """The person row for an id, a name or an alias (case-insensitive); NotFoundError otherwise."""
    # SQLite's lower() only folds ASCII ("É" stays), so names are compared in Python.
    q = name_or_id.strip().casefold()
    key = name_key(name_or_id)
    rows = {r["id"]: r for r in store.conn.execute("SELECT * FROM persons")}
    aliases = list(store.conn.execute("SELECT person_id, alias FROM person_aliases"))
    for match in (
        lambda: [r for r in rows.values() if q in (r["id"].casefold(), r["name"].casefold())],
        lambda: [rows[a["person_id"]] for a in aliases if a["alias"].casefold() == q],
        lambda: (
            [r for r in rows.values() if name_key(r["name"]) == key]
            + [rows[a["person_id"]] for a in aliases if name_key(a["alias"]) == key]
        ),
    ):
        found = match()
        if found:
            return found[0]
    raise NotFoundError(
        f"Ingen person som heter eller har id {name_or_id.strip()!r}. Se `minutesearch persons`."
    )


def person_detail(store: Store, name_or_id: str) -> dict[str, Any]:
    """One person: the summary plus meetings attended, items presented, motions made, mentions."""
    conn = store.conn
    row = find_person(store, name_or_id)
    out = _summary(conn, row)
    pid = row["id"]
    attended: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        "SELECT pr.doc_id, pr.role, d.body, d.body_short, d.date FROM person_roles pr"
        " JOIN documents d ON d.id = pr.doc_id WHERE pr.person_id = ? AND pr.item_id IS NULL"
        " ORDER BY d.date, d.id",
        (pid,),
    ):
        entry = attended.setdefault(
            r["doc_id"],
            {
                "id": r["doc_id"],
                "body": r["body_short"] or r["body"],
                "date": r["date"],
                "roles": set(),
            },
        )
        entry["roles"].add(r["role"])
    meetings = []
    for entry in attended.values():
        roles = _role_sort(entry.pop("roles"))
        meetings.append({**entry, "role": roles[0], "roles": roles})
    out["attended"] = meetings

    def items(role: str) -> list[dict[str, Any]]:
        return [
            {"id": r["id"], "title": r["title"], "date": r["date"], "body": r["body"]}
            for r in conn.execute(
                "SELECT DISTINCT i.id, i.title, d.date, coalesce(d.body_short, d.body) AS body"
                " FROM person_roles pr JOIN items i ON i.id = pr.item_id JOIN documents d ON d.id = i.doc_id"
                " WHERE pr.person_id = ? AND pr.role = ? ORDER BY d.date, i.id",
                (pid, role),
            )
        ]

    out["presented"] = items("föredragande")
    out["motions"] = items("yrkande")
    out["mentions"] = [
        {"id": r["id"], "title": r["title"], "date": r["date"], "count": r["n"]}
        for r in conn.execute(
            "SELECT i.id, i.title, d.date, count(*) AS n FROM mentions m JOIN items i ON i.id = m.item_id"
            " JOIN documents d ON d.id = i.doc_id WHERE m.person_id = ? GROUP BY i.id ORDER BY d.date, i.id",
            (pid,),
        )
    ]
    return out
