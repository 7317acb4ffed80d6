"""One filter model for every list: search, items, decisions, watches, stats, exports, the TUI.

`Filters` holds the values as the user typed them; `allowed_items` turns them into the one SQL
predicate set over items joined with their document. Every command, API method and TUI screen
goes through here, so "--org Alingsås" means the same everywhere.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import QueryError

if TYPE_CHECKING:
    from .store import Store

KIND_ALIASES = {
    "protokoll": "protocol",
    "utdrag": "extract",
    "bilaga": "attachment",
    "skrivelse": "attachment",
    "tjänsteskrivelse": "attachment",
}
KINDS = ("protocol", "extract", "attachment")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass
class Filters:
    """Urval (filter): optional values applied in every mode, all plain strings as typed.

    body: nämnd (full or short name); org: kommun/region that owns the body ("Alingsås");
    since/until: ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD; person: name or alias; party: parti ("S");
    kind: protocol/extract/attachment (protokoll/utdrag/bilaga); topic: ämne (label or id);
    outcome: beslutstyp (bifall, avslag, återremiss, ...).
    """

    body: str | None = None
    since: str | None = None
    until: str | None = None
    person: str | None = None
    party: str | None = None
    kind: str | None = None
    topic: str | None = None
    org: str | None = None  # the municipality/region that owns the body ("Göteborgs Stad")
    outcome: str | None = None

    @classmethod
    def from_dict(cls, values: Mapping[str, Any] | None) -> Filters:
        """Filters from a dict (a saved watch, CLI keywords); unknown keys and empty values are dropped."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v) for k, v in (values or {}).items() if k in names and v})

    def active(self) -> dict[str, str]:
        """The filters that are set, by name."""
        return {k: v for k, v in asdict(self).items() if v}

    def describe(self) -> str:
        """The set filters in words, for "0 träffar efter 2030-01-01"-style messages."""
        words = {
            "body": "organ",
            "org": "kommun/region",
            "since": "efter",
            "until": "före",
            "party": "parti",
            "kind": "typ",
            "topic": "ämne",
            "outcome": "beslutstyp",
        }
        return ", ".join(f"{words.get(k, k)} {v}" for k, v in self.active().items())


def check_date(value: str, *, end: bool = False) -> str:
    """A validated date bound: ÅÅÅÅ, ÅÅÅÅ-MM or ÅÅÅÅ-MM-DD; QueryError for 2026-13-45 or 2026-02-30.

    Returns the SQL bound: as typed for a start, padded with "~" (after every digit) for an end,
    so that until=2023 includes 2023-12-31."""
    text = value.strip()
    m = _DATE.match(text)
    if not m:
        raise QueryError(f"Ogiltigt datum {value!r}: skriv ÅÅÅÅ, ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD.")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        date(year, month, day)
    except ValueError as exc:
        reason = "månaden finns inte" if not 1 <= month <= 12 else "dagen finns inte i den månaden"
        raise QueryError(f"Ogiltigt datum {value!r}: {reason}.") from exc
    return text + "~" if end else text


def normal_kind(kind: str) -> str:
    """protocol/extract/attachment for a kind or its Swedish name; QueryError otherwise."""
    value = KIND_ALIASES.get(kind.strip().lower(), kind.strip().lower())
    if value not in KINDS:
        raise QueryError(f"Okänd dokumenttyp {kind!r}: välj protokoll, utdrag eller bilaga.")
    return value


def validate(filters: Filters) -> None:
    """Raise QueryError for a date, kind or outcome that cannot be right (before any query runs)."""
    if filters.since:
        check_date(filters.since)
    if filters.until:
        check_date(filters.until, end=True)
    if filters.since and filters.until and filters.since.strip() > filters.until.strip() + "~":
        raise QueryError(f"Från-datumet {filters.since} ligger efter till-datumet {filters.until}.")
    if filters.kind:
        normal_kind(filters.kind)
    if filters.outcome:
        from .analysis.decisions import OUTCOMES

        if filters.outcome not in OUTCOMES:
            raise QueryError(f"Okänd beslutstyp {filters.outcome!r}: välj {', '.join(OUTCOMES)}.")


def _ms_lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def register_functions(conn: sqlite3.Connection) -> None:
    """ms_lower(): SQLite's lower() only folds ASCII; names and bodies have Å, Ä, Ö."""
    conn.create_function("ms_lower", 1, _ms_lower, deterministic=True)


def document_clauses(filters: Filters, alias: str = "d") -> tuple[list[str], list[Any]]:
    """SQL conditions (and their arguments) on a document row for body, org, dates and kind.

    Shared by `allowed_items` and the meeting list, so a meeting and its items pass alike.
    Call `register_functions` on the connection before running them."""
    f, d = filters, alias
    where: list[str] = []
    args: list[Any] = []
    if f.body:
        where.append(f"(ms_lower({d}.body) LIKE ? OR ms_lower({d}.body_short) = ?)")
        args += [f"%{f.body.lower()}%", f.body.lower()]
    if f.org:
        where.append(f"ms_lower({d}.organisation) LIKE ?")
        args.append(f"%{f.org.lower()}%")
    if f.since:
        where.append(f"{d}.date >= ?")
        args.append(check_date(f.since))
    if f.until:
        where.append(f"{d}.date <= ?")
        args.append(check_date(f.until, end=True))
    if f.kind:
        where.append(f"{d}.kind = ?")
        args.append(normal_kind(f.kind))
    return where, args


def item_level(filters: Filters) -> Filters:
    """Only the filters that look inside items (person, party, topic, outcome)."""
    return Filters(
        person=filters.person, party=filters.party, topic=filters.topic, outcome=filters.outcome
    )


def as_filters(filters: Any) -> Filters:
    """A Filters from a Filters, a dict, None, or anything with the same attribute names."""
    if isinstance(filters, Filters):
        return filters
    return Filters.from_dict(_attrs(filters))


def allowed_items(store: Store, filters: Any) -> set[str] | None:
    """Ids of the items that pass the filters, or None when no filter is set.

    `filters` is a Filters (or anything with the same attribute names; missing ones count as
    unset)."""
    f = as_filters(filters)
    validate(f)
    where, args = document_clauses(f)
    if f.person:
        # The person read model: case- and accent-insensitive, aliases, surname only, yrkanden.
        from .entities.people import person_item_ids

        where.append("i.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(person_item_ids(store, f.person))))
    if f.party:
        party = f.party.strip()
        where.append(
            "(i.id IN (SELECT m.item_id FROM mentions m JOIN persons p ON p.id = m.person_id"
            "  WHERE upper(p.party) = upper(?))"
            " OR i.id IN (SELECT item_id FROM motions WHERE (', ' || upper(party) || ',') LIKE ?)"
            " OR instr(i.text, '(' || ? || ')') > 0"
            " OR EXISTS (SELECT 1 FROM attendees at WHERE at.doc_id = i.doc_id"
            "  AND upper(at.party) = upper(?) AND instr(i.text, at.name) > 0))"
        )
        args += [party, f"%, {party.upper()},%", party.upper(), party]
    if f.topic:
        where.append(
            "i.id IN (SELECT it.item_id FROM item_topics it JOIN topics t ON t.id = it.topic_id"
            " WHERE ms_lower(t.label) LIKE ? OR ms_lower(t.terms) LIKE ? OR CAST(t.id AS TEXT) = ?)"
        )
        args += [f"%{f.topic.lower()}%", f"%{f.topic.lower()}%", f.topic.strip()]
    if f.outcome:
        where.append("i.id IN (SELECT item_id FROM decisions WHERE outcome = ?)")
        args.append(f.outcome)
    if not where:
        return None
    register_functions(store.conn)
    sql = "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id WHERE " + " AND ".join(
        where
    )
    return {r[0] for r in store.conn.execute(sql, args)}


def _attrs(obj: Any) -> Mapping[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return obj
    return {f.name: getattr(obj, f.name, None) for f in fields(Filters)}
