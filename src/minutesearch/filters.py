"""One filter model for every list: search, items, decisions, watches, stats, exports, the TUI.

`Filters` holds the values as the user typed them; `allowed_items` turns them into the one SQL
predicate set over items joined with their document. Every command, API method and TUI screen
goes through here, so "--org Alingsås" means the same everywhere.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from .errors import QueryError
from .store import rows_in

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

        persons = person_item_ids(store, f.person)
        if not where and not (f.party or f.topic or f.outcome):
            return persons  # the person alone: each is an item's id
        where.append("i.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(sorted(persons)))
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


# -- filters the engines evaluate themselves ---------------------------------------------------


@dataclass(frozen=True)
class PersonScope:
    """The items a person filter keeps, in the terms the engines test: an item passes when it
    names one of `persons` (mentioned, presenting, making a yrkande: the indexed person field,
    see `item_persons`), belongs to one of `docs` (meetings the person attended in full), or is
    one of `items` (the §§ of an attendance limited to some §§; for a name no person has, the
    items that write it). `entities.people.person_scope` resolves a name into one."""

    persons: frozenset[str] = frozenset()
    docs: frozenset[str] = frozenset()
    items: frozenset[str] = frozenset()

    def empty(self) -> bool:
        return not (self.persons or self.docs or self.items)

    def admits(self, item_id: str, doc: str | None, persons: Iterable[str]) -> bool:
        return (
            item_id in self.items
            or (doc is not None and doc in self.docs)
            or not self.persons.isdisjoint(persons)
        )


@dataclass(frozen=True)
class ItemFilter:
    """Filters resolved against the store into exact values the engines filter on themselves.

    The keyword index carries body, organisation, date, kind, party, persons and meeting as
    fields of every item, so a filtered query is a few term/range clauses instead of a set of
    100 000 item ids; only topic/outcome (answered by SQL over their own tables) arrive as ids.
    Same meaning as `allowed_items`: an item passes when it passes every field that is set."""

    bodies: frozenset[str] | None = None  # exact documents.body values allowed (None: any body)
    orgs: frozenset[str] | None = None  # exact documents.organisation values allowed
    since: str | None = None  # check_date(since): compare date strings with >=
    until: str | None = None  # check_date(until, end=True) ('~'-padded): <=
    kind: str | None = None  # protocol / extract / attachment
    party: str | None = None  # upper-case party code; item membership = item_parties()
    person: PersonScope | None = None  # the person filter (see PersonScope)
    item_ids: frozenset[str] | None = None  # topic/outcome resolved through SQL

    def matches_nothing(self) -> bool:
        """Whether no item can pass (a body or person that matched nothing, dates crossed)."""
        if self.bodies is not None and not self.bodies:
            return True
        if self.orgs is not None and not self.orgs:
            return True
        if self.item_ids is not None and not self.item_ids:
            return True
        if self.party is not None and not self.party:
            return True
        if self.person is not None and self.person.empty():
            return True
        return bool(self.since and self.until and self.since > self.until)

    def day_range(self) -> tuple[int | None, int | None]:
        """since/until as inclusive `date_key` bounds (None: open)."""
        lo = date_key(self.since) if self.since else None
        hi = date_key(self.until, end=True) if self.until else None
        return lo, hi

    def admits(
        self,
        *,
        item_id: str,
        body: str | None,
        org: str | None,
        date: str | None,
        kind: str | None,
        parties: set[str] | frozenset[str] = frozenset(),
        doc: str | None = None,
        persons: Iterable[str] = (),
    ) -> bool:
        """Whether one item, given its document's values, its parties, its document id and
        its persons (`item_persons`), passes."""
        if self.bodies is not None and (body or "") not in self.bodies:
            return False
        if self.orgs is not None and (org or "") not in self.orgs:
            return False
        if self.since and (date is None or date < self.since):
            return False
        if self.until and (date is None or date > self.until):
            return False
        if self.kind and kind != self.kind:
            return False
        if self.party is not None and self.party not in parties:
            return False
        if self.person is not None and not self.person.admits(item_id, doc, persons):
            return False
        return self.item_ids is None or item_id in self.item_ids


_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(~?)$")


def date_key(value: str | None, *, end: bool = False) -> int | None:
    """A date (ÅÅÅÅ, ÅÅÅÅ-MM, ÅÅÅÅ-MM-DD) as the int yyyymmdd, for range filters in an engine.

    A stored date's missing parts count as 00; an end bound's (`end`, as `check_date(...,
    end=True)` writes it) as 99, so int comparison agrees with the string comparison the SQL
    does ("2023-05-12" <= "2023~"). None for a value that is not such a date."""
    if not value:
        return None
    m = _DAY.match(value.strip())
    if not m:
        return None
    fill = 99 if end or m[4] else 0
    year, month, day = int(m[1]), m[2], m[3]
    return year * 10000 + (int(month) if month else fill) * 100 + (int(day) if day else fill)


_VALUES_ATTR = "_filter_document_values"


def _document_values(store: Store) -> str:
    """The distinct (body, body_short, organisation) of the documents as JSON: a few hundred
    values even at a million items, read once per open store and again only after a write
    (`PRAGMA data_version` sees other connections' commits, `total_changes` this one's)."""
    conn = store.conn
    key = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    cached = getattr(store, _VALUES_ATTR, None)
    if cached is not None and cached[0] == key:
        return str(cached[1])
    rows = conn.execute("SELECT DISTINCT body, body_short, organisation FROM documents")
    values = json.dumps([list(r) for r in rows], ensure_ascii=False)
    with suppress(AttributeError):  # a store-like object without attributes: read every time
        setattr(store, _VALUES_ATTR, (key, values))
    return values


def _distinct(store: Store, column: str, where: str, args: list[Any]) -> frozenset[str]:
    """The distinct document values of `column` that pass the SQL condition (on d.*): the same
    LIKE as `document_clauses`, run over the few distinct values instead of every item."""
    register_functions(store.conn)
    sql = (
        f"SELECT {column} FROM (SELECT json_extract(value, '$[0]') AS body,"
        " json_extract(value, '$[1]') AS body_short,"
        " json_extract(value, '$[2]') AS organisation FROM json_each(?)) d"
        f" WHERE {where}"
    )
    rows = store.conn.execute(sql, [_document_values(store), *args])
    return frozenset(r[0] or "" for r in rows)


def resolve_filter(store: Store, filters: Any) -> ItemFilter | None:
    """The filters as exact values the engines filter on; None when no filter is set.

    Validates like `allowed_items` (QueryError for a bad date, kind or outcome)."""
    f = as_filters(filters)
    validate(f)
    if not f.active():
        return None
    bodies = orgs = item_ids = None
    person = None
    if f.body:
        bodies = _distinct(
            store,
            "body",
            "(ms_lower(d.body) LIKE ? OR ms_lower(d.body_short) = ?)",
            [f"%{f.body.lower()}%", f.body.lower()],
        )
    if f.org:
        orgs = _distinct(
            store, "organisation", "ms_lower(d.organisation) LIKE ?", [f"%{f.org.lower()}%"]
        )
    if f.person:
        from .entities.people import person_scope

        person = person_scope(store, f.person)
    if f.topic or f.outcome:
        inner = allowed_items(store, Filters(topic=f.topic, outcome=f.outcome))
        item_ids = frozenset(inner or ())
    return ItemFilter(
        bodies=bodies,
        orgs=orgs,
        since=check_date(f.since) if f.since else None,
        until=check_date(f.until, end=True) if f.until else None,
        kind=normal_kind(f.kind) if f.kind else None,
        party=f.party.strip().upper() if f.party else None,
        person=person,
        item_ids=item_ids,
    )


_PAREN = re.compile(r"\(([^(),]{1,40})\)")  # a code holds no comma: "(S, V)" names no code


def _motion_parties(value: str) -> set[str]:
    """The codes the motion SQL finds in "S, V": what stands between ", " and the next ","."""
    text = f", {value.upper()},"
    out = set()
    start = text.find(", ")
    while start >= 0:
        end = text.find(",", start + 2)
        if end > start + 2:
            out.add(text[start + 2 : end])
        start = text.find(", ", start + 1)
    return out


def text_parties(text: str | None, attendees: list[tuple[str, str]]) -> set[str]:
    """Parties an item's text names: "(S)" written in it, and the parties of the meeting's
    attendees (name, party) whose name occurs in it."""
    if not text:
        return set()
    out = {
        code
        for code in _PAREN.findall(text)
        if code == code.upper() and code == code.strip() and any(c.isalpha() for c in code)
    }
    out.update(party.upper() for name, party in attendees if name in text)
    return out


def item_parties(
    store: Store, item_ids: list[str] | None = None, *, text: bool = True
) -> dict[str, set[str]]:
    """Item id -> the upper-case parties it belongs to, for all items or the given ones.

    The same definition as the party filter of `allowed_items`: a mentioned person's party,
    a motion's party, "(S)" in the text, an attendee of the meeting named in the text.
    `text=False`: only the first two (no item text is read)."""
    out: dict[str, set[str]] = {}

    def rows(sql: str, column: str) -> Iterator[Any]:
        return rows_in(store.conn, sql, column, item_ids)

    for item_id, party in rows(
        "SELECT m.item_id, p.party FROM mentions m JOIN persons p ON p.id = m.person_id"
        " WHERE p.party IS NOT NULL",
        "m.item_id",
    ):
        out.setdefault(item_id, set()).add(party.upper())
    for item_id, party in rows(
        "SELECT item_id, party FROM motions WHERE party IS NOT NULL", "item_id"
    ):
        if found := _motion_parties(party):
            out.setdefault(item_id, set()).update(found)
    if not text:
        return out
    items = list(rows("SELECT id, doc_id, text FROM items", "id"))
    attendees: dict[str, list[tuple[str, str]]] = {}
    att_sql = (
        "SELECT doc_id, name, party FROM attendees WHERE party IS NOT NULL AND name IS NOT NULL"
    )
    docs = None if item_ids is None else sorted({r[1] for r in items})
    for doc_id, name, party in rows_in(store.conn, att_sql, "doc_id", docs):
        attendees.setdefault(doc_id, []).append((name, party))
    for item_id, doc_id, item_text in items:
        if found := text_parties(item_text, attendees.get(doc_id, [])):
            out.setdefault(item_id, set()).update(found)
    return out


def filter_ids(store: Store, flt: ItemFilter | None, ids: list[str]) -> set[str]:
    """The ids (of a few candidates) that pass the filter: checked on their own rows, without
    resolving the filter to every item it allows."""
    if flt is None:
        return set(ids)
    if flt.matches_nothing():
        return set()
    unique = sorted(set(ids))
    parties = item_parties(store, unique) if flt.party is not None else {}
    persons = item_persons(store, unique) if flt.person is not None else {}
    out = set()
    sql = (
        "SELECT i.id, d.body, d.organisation, d.date, d.kind, i.doc_id FROM items i"
        " JOIN documents d ON d.id = i.doc_id"
    )
    for r in rows_in(store.conn, sql, "i.id", unique):
        if flt.admits(
            item_id=r[0],
            body=r[1],
            org=r[2],
            date=r[3],
            kind=r[4],
            parties=parties.get(r[0], set()),
            doc=r[5],
            persons=persons.get(r[0], ()),
        ):
            out.add(r[0])
    return out


PERSON_SOURCES = (
    "SELECT item_id, person_id FROM mentions WHERE person_id IS NOT NULL",
    "SELECT item_id, person_id FROM person_roles WHERE item_id IS NOT NULL",
    "SELECT item_id, person_id FROM motion_owners",
)
"""Where an item's persons come from: the persons it mentions, presents it (an item-level role)
and made a yrkande in it. Each is journalled (migrations 0303, 0306), so the indexes follow."""


def item_persons(store: Store, item_ids: list[str] | None = None) -> dict[str, set[str]]:
    """Item id -> the ids of the persons it names (PERSON_SOURCES), for all or the given items:
    the person field the engines filter on."""
    out: dict[str, set[str]] = {}
    for sql in PERSON_SOURCES:
        for item_id, pid in rows_in(store.conn, sql, "item_id", item_ids):
            out.setdefault(item_id, set()).add(pid)
    return out
