"""The one person read model: name lookup, the person page, and the items a person filter keeps.

`persons`, `person`, `search/decisions --person` and the TUI person screen all read people
through this module, so they cannot disagree about who is who or what someone proposed.

Name matching (`person_ids_matching`) is case-insensitive and follows Swedish collation: å, ä
and ö are letters of their own, so a name is first matched with them kept ("Östh" is not
"Osth"); only when nothing matches that way are accents dropped ("Angberg" finds "Ängberg").
Within each of the two foldings the tiers are, first hit wins: an id or a whole name or alias;
every word of the query a whole word of the name, in any order ("Östlund", "Maria", "Hankanen
Heidi"); the query inside a name ("Hankanen Äng"). A query that matches more than one person
is ambiguous: `person` lists the candidates instead of picking one, while a search filter keeps
the items of all of them.

A yrkande belongs to the person whose name (or alias) its proposer is written as, checked
against the people of the same meeting first; "ordföranden" is the chair making the
proposition order, which is not a yrkande.
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from ..errors import NotFoundError
from ..filters import PERSON_SOURCES, PersonScope
from ..store import Store, rows_in
from .identity import ascii_fold, clean_name
from .roles import ABSENT, ROLE_ORDER

_PARTY_TAIL = re.compile(r"\s*\((?:S|M|SD|C|V|KD|L|MP|D)\)\s*$")
_CHAIR = ("ordförande", "ordföranden", "ordf")


class AmbiguousPersonError(NotFoundError):
    """A name that fits more than one person; `candidates` are their summaries."""

    title = "Flera personer"

    def __init__(self, query: str, candidates: list[dict[str, Any]]) -> None:
        names = "; ".join(
            c["name"] + (f" ({c['party']})" if c.get("party") else "") + f" [{c['id']}]"
            for c in candidates
        )
        super().__init__(
            f"{query.strip()!r} kan vara {len(candidates)} personer: {names}. Ange hela namnet"
            " eller id."
        )
        self.query = query
        self.candidates = candidates


def fold(text: str) -> str:
    """Case folded, hyphens and spacing collapsed, å/ä/ö kept: 'Lec-Alsén' -> 'lec alsén'."""
    text = unicodedata.normalize("NFC", text)
    text = _PARTY_TAIL.sub("", text)
    return " ".join(text.casefold().replace("-", " ").replace(".", ". ").split())


def fold_ascii(text: str) -> str:
    """`fold` with accents dropped too: 'Ängberg' -> 'angberg' (the fallback tier only)."""
    return ascii_fold(fold(text))


@dataclass
class _Names:
    """Every person's id, name and aliases, folded both ways."""

    names: dict[str, set[str]] = field(default_factory=dict)  # pid -> folded names

    @classmethod
    def load(cls, conn: sqlite3.Connection) -> _Names:
        out = cls()
        for r in conn.execute("SELECT id, name FROM persons"):
            out.names.setdefault(r["id"], set()).add(fold(r["name"]))
        for r in conn.execute("SELECT person_id, alias FROM person_aliases"):
            # A one-word alias ("Maria", "Näsman") is a short form resolved inside one meeting:
            # it says nothing about who "Maria" is elsewhere.
            alias = fold(r["alias"])
            if r["person_id"] in out.names and len(alias.split()) > 1:
                out.names[r["person_id"]].add(alias)
        return out

    def match(self, query: str) -> set[str]:
        q = fold(clean_name(query) or query)
        raw = query.strip()
        if not q:
            return set()
        if raw in self.names:
            return {raw}
        for folder in (lambda s: s, ascii_fold):
            fq = folder(q)
            words = fq.split()
            tiers = (
                lambda names, fq=fq: fq in names,
                lambda names, words=words: any(all(w in n.split() for w in words) for n in names),
                lambda names, fq=fq: any(fq in n for n in names),
            )
            for test in tiers:
                hits = {
                    pid for pid, names in self.names.items() if test({folder(n) for n in names})
                }
                if hits:
                    return hits
        return set()


def person_ids_matching(store: Store, text: str) -> set[str]:
    """Ids of the persons `text` names (an id, name, alias, surname or first name); see module doc."""
    return _Names.load(store.conn).match(text)


# -- yrkanden ------------------------------------------------------------------------------------


def _doc_people(conn: sqlite3.Connection) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for r in conn.execute("SELECT DISTINCT person_id, doc_id FROM person_roles"):
        out[r["doc_id"]].add(r["person_id"])
    return out


def motion_owners(
    by: str, doc_people: set[str], names: _Names, index: dict[str, set[str]]
) -> list[str]:
    """The persons a yrkande's proposers are ("Axel Josefson, Jörgen Fogelklou" is two)."""
    out: list[str] = []
    for part in re.split(r",|\bsamt\b|\boch\b|&", by):
        pid = motion_owner(part, doc_people, names, index)
        if pid and pid not in out:
            out.append(pid)
    return out


def motion_owner(
    by: str, doc_people: set[str], names: _Names, index: dict[str, set[str]]
) -> str | None:
    """The person one proposer is: the longest run of its words that is someone's whole name
    (people of the same meeting first), else a unique surname among the meeting's people."""
    words = fold(clean_name(by) or by).split()
    if not words or words[0].strip(".") in _CHAIR:
        return None
    for start in range(len(words)):
        key = " ".join(words[start:])
        if len(key.split()) < 2 and start:
            break
        pids = index.get(key, set())
        local = pids & doc_people
        if len(local) == 1:
            return next(iter(local))
        if len(pids) == 1:
            return next(iter(pids))
    last = words[-1]
    local = {
        pid for pid in doc_people if any(n.split()[-1:] == [last] for n in names.names.get(pid, ()))
    }
    if len(local) == 1:
        return next(iter(local))
    return None


def _name_index(names: _Names) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for pid, ns in names.names.items():
        for n in ns:
            index[n].add(pid)
    return index


_MOTION_COLUMNS = (
    "m.item_id, m.position, m.by, m.party, m.text, m.won, i.doc_id, i.title, i.section,"
    " d.date, coalesce(d.body_short, d.body) AS body, i.canonical_id"
)
_MOTION_JOIN = "JOIN items i ON i.id = m.item_id JOIN documents d ON d.id = i.doc_id"
_MOTION_ORDER = " ORDER BY d.date, i.doc_id, i.position, m.position"
OWNERS_KEY = "motion_owners"
"""store_meta key: the `PERSONS_KEY` version the analyse stage last resolved every yrkande's
owners into `motion_owners` (migration 0305) at. A store analysed before that is read the old
way (owners resolved while reading) until its next ingest."""
PERSONS_KEY = "persons_version"
"""store_meta key that `resolve.rebuild_persons` counts up each time it rewrites persons."""


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM store_meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _owners_resolved(conn: sqlite3.Connection) -> bool:
    """Whether `motion_owners` can be read: resolved by the analyse stage, or nothing to
    resolve (no yrkanden stored, e.g. before the first analysis)."""
    if _meta(conn, OWNERS_KEY) is not None:
        return True
    return conn.execute("SELECT 1 FROM motions LIMIT 1").fetchone() is None


def owners_current(conn: sqlite3.Connection) -> bool:
    """Whether `motion_owners` was resolved with the persons the store holds now."""
    return _meta(conn, OWNERS_KEY) == (_meta(conn, PERSONS_KEY) or "0")


def _all_owners(conn: sqlite3.Connection) -> Iterator[tuple[sqlite3.Row, list[str]]]:
    """Every motion (all columns of _MOTION_COLUMNS) with its owners, in reading order."""
    names = _Names.load(conn)
    index = _name_index(names)
    doc_people = _doc_people(conn)
    rows = conn.execute(f"SELECT {_MOTION_COLUMNS} FROM motions m {_MOTION_JOIN}{_MOTION_ORDER}")
    for r in rows:
        yield r, motion_owners(r["by"] or "", doc_people.get(r["doc_id"], set()), names, index)


def resolve_motion_owners(store: Store) -> int:
    """Resolve the owner of every yrkande into `motion_owners`, written as a difference (only
    rows that change are touched); returns how many rows changed. The analyse stage calls it
    after an ingest changed documents: owners depend on every person's names (a proposer is
    matched against the whole name index), which the annotate stage has just rebuilt."""
    conn = store.conn
    wanted = {
        (r["item_id"], r["position"], rank, pid)
        for r, owners in _all_owners(conn)
        for rank, pid in enumerate(owners)
    }
    held = {
        tuple(r)
        for r in conn.execute("SELECT item_id, position, rank, person_id FROM motion_owners")
    }
    drop = held - wanted
    add = wanted - held
    with store.transaction() as tx:
        tx.executemany(
            "DELETE FROM motion_owners WHERE item_id = ? AND position = ? AND rank = ?",
            sorted((i, p, k) for i, p, k, _ in drop),
        )
        tx.executemany("INSERT INTO motion_owners VALUES (?,?,?,?)", sorted(add))
        tx.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (OWNERS_KEY, _meta(conn, PERSONS_KEY) or "0"),
        )
    return len(drop) + len(add)


def _motion_json(r: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": r["item_id"],
        "position": r["position"],
        "title": r["title"],
        "date": r["date"],
        "body": r["body"],
        "section": r["section"],
        "by": r["by"],
        "party": r["party"],
        "text": r["text"],
        "won": None if r["won"] is None else bool(r["won"]),
    }


def motions_by_person(
    store: Store, pids: set[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Yrkanden per person id (all persons when `pids` is None), oldest first, each with `won`.

    Read from `motion_owners` through its person index (a person's own rows, however many
    motions the store holds); a store whose owners were never resolved resolves them here."""
    conn = store.conn
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not _owners_resolved(conn):
        try:
            for r, owners in _all_owners(conn):
                for pid in owners:
                    if (pids is None or pid in pids) and r["canonical_id"] is None:
                        out[pid].append(_motion_json(r))
        except sqlite3.OperationalError:  # a store from before the analysis tables
            return {}
        return out
    where = "i.canonical_id IS NULL"
    args: list[str] = []
    if pids is not None:
        where += " AND o.person_id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(sorted(pids)))
    sql = (
        f"SELECT o.person_id, {_MOTION_COLUMNS} FROM motion_owners o"
        " JOIN motions m ON m.item_id = o.item_id AND m.position = o.position"
        f" {_MOTION_JOIN} JOIN persons p ON p.id = o.person_id WHERE {where}"
        f"{_MOTION_ORDER}, o.rank"
    )
    for r in conn.execute(sql, args):
        out[r["person_id"]].append(_motion_json(r))
    return out


# -- the person page ------------------------------------------------------------------------------


def _role_sort(roles: set[str]) -> list[str]:
    return sorted(roles, key=lambda r: ROLE_ORDER.index(r) if r in ROLE_ORDER else len(ROLE_ORDER))


def _attended(conn: sqlite3.Connection, pid: str) -> list[dict[str, Any]]:
    """The meetings (documents) where the person had a role: attendance, chair, secretary ...;
    absence is not attendance."""
    attended: dict[str, dict[str, Any]] = {}
    for r in conn.execute(
        "SELECT pr.doc_id, pr.role, d.body, d.body_short, d.date FROM person_roles pr"
        " JOIN documents d ON d.id = pr.doc_id WHERE pr.person_id = ? AND +pr.item_id IS NULL"
        " AND pr.role != ? ORDER BY d.date, d.id",
        (pid, ABSENT),
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
    out = []
    for entry in attended.values():
        roles = _role_sort(entry.pop("roles"))
        out.append({**entry, "role": roles[0], "roles": roles})
    return out


def _summary(
    conn: sqlite3.Connection, row: sqlite3.Row, meetings: int, has_motions: bool
) -> dict[str, Any]:
    pid = row["id"]
    aliases = [
        r[0]
        for r in conn.execute(
            "SELECT alias FROM person_aliases WHERE person_id=? ORDER BY alias", (pid,)
        )
    ]
    roles = {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT role FROM person_roles WHERE person_id=? AND role != 'yrkande'", (pid,)
        )
    }
    if has_motions:
        roles.add("yrkande")
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
    """Every person: id, name, aliases[], party, orgs[], meetings, roles[] (most meetings first).
    `meetings` counts the documents the person attended or had a role in, as `person` lists them."""
    conn = store.conn
    meetings: dict[str, int] = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT person_id, count(DISTINCT doc_id) FROM person_roles WHERE item_id IS NULL"
            " AND role != ? GROUP BY person_id",
            (ABSENT,),
        )
    }
    movers = motions_by_person(store)
    out = [
        _summary(conn, r, meetings.get(r["id"], 0), bool(movers.get(r["id"])))
        for r in conn.execute("SELECT * FROM persons")
    ]
    return sorted(out, key=lambda p: (-p["meetings"], p["name"]))


def find_person(store: Store, name_or_id: str) -> sqlite3.Row:
    """The one person `name_or_id` names; NotFoundError when none, AmbiguousPersonError when
    several (its `candidates` are their summaries)."""
    pids = person_ids_matching(store, name_or_id)
    if not pids:
        raise NotFoundError(
            f"Ingen person som heter eller har id {name_or_id.strip()!r}. Se `minutesearch persons`."
        )
    rows = [store.conn.execute("SELECT * FROM persons WHERE id = ?", (p,)).fetchone() for p in pids]
    if len(rows) == 1:
        return rows[0]
    conn = store.conn
    candidates = [_summary(conn, r, len(_attended(conn, r["id"])), False) for r in rows]
    candidates.sort(key=lambda c: (-c["meetings"], c["name"], c["id"]))
    for c in candidates:
        c["roles"] = [r for r in c["roles"] if r != "yrkande"]
    raise AmbiguousPersonError(name_or_id, candidates)


def person_detail(store: Store, name_or_id: str) -> dict[str, Any]:
    """One person: the summary plus `attended[]` (meetings; `meetings` is its length),
    `presented[]`, `motions[]` (yrkanden with `text`, `won`) and `mentions[]`."""
    conn = store.conn
    row = find_person(store, name_or_id)
    pid = row["id"]
    attended = _attended(conn, pid)
    motions = motions_by_person(store, {pid}).get(pid, [])
    out = _summary(conn, row, len(attended), bool(motions))
    out["attended"] = attended
    out["presented"] = [
        {"id": r["id"], "title": r["title"], "date": r["date"], "body": r["body"]}
        for r in conn.execute(
            "SELECT DISTINCT i.id, i.title, d.date, coalesce(d.body_short, d.body) AS body"
            " FROM person_roles pr JOIN items i ON i.id = pr.item_id JOIN documents d ON d.id = i.doc_id"
            " WHERE pr.person_id = ? AND pr.role = 'föredragande' ORDER BY d.date, i.id",
            (pid,),
        )
    ]
    out["motions"] = motions
    out["mentions"] = [
        {"id": r["id"], "title": r["title"], "date": r["date"], "count": r["n"]}
        for r in conn.execute(
            "SELECT i.id, i.title, d.date, count(*) AS n FROM mentions m JOIN items i ON i.id = m.item_id"
            " JOIN documents d ON d.id = i.doc_id WHERE m.person_id = ? GROUP BY i.id ORDER BY d.date, i.id",
            (pid,),
        )
    ]
    return out


# -- the person filter ----------------------------------------------------------------------------


def _items_naming(store: Store, text: str, folded: str) -> set[str]:
    """Items whose title, text or named persons hold `text` as a phrase: a query of the keyword
    index beside the store. Without one (a store being built), the mentions and item texts are
    searched for the folded name, which reads every row."""
    from ..errors import MinutesearchError
    from ..index.analyzer import parse_query
    from ..index.fulltext import open_fulltext
    from ..locations import fulltext_dir

    idx = store.path.parent
    if (fulltext_dir(idx) / "stamp.json").exists():
        try:
            q = parse_query('"' + " ".join(text.replace('"', " ").split()) + '"')
            return open_fulltext(idx).matching(q.must)
        except MinutesearchError:
            pass  # an index of another format (rebuilt by the next ingest): read the store
    conn = store.conn
    conn.create_function("ms_fold", 1, lambda v: fold(v) if isinstance(v, str) else v)
    return {
        r[0]
        for r in conn.execute(
            "SELECT item_id FROM mentions WHERE instr(ms_fold(text), ?) > 0"
            " UNION SELECT id FROM items WHERE instr(ms_fold(text), ?) > 0",
            (folded, folded),
        )
    }


SCOPE_CACHE = 8
"""Person filters whose scope an open store keeps (a user keeps a filter across queries)."""
_SCOPES_ATTR = "_person_scopes"


def person_scope(store: Store, text: str) -> PersonScope:
    """`_person_scope`, kept per open store until the store is written to (`PRAGMA data_version`
    sees other connections' commits, `total_changes` this one's): a person in a third of the
    meetings of a million items has 27 000 of them to read."""
    conn = store.conn
    key = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
    cached = getattr(store, _SCOPES_ATTR, None)
    if cached is None or cached[0] != key:
        cached = (key, OrderedDict())
        with suppress(AttributeError):  # a store-like object without attributes
            setattr(store, _SCOPES_ATTR, cached)
    scopes: OrderedDict[str, PersonScope] = cached[1]
    if text in scopes:
        scopes.move_to_end(text)
        return scopes[text]
    scope = _person_scope(store, text)
    if scope.persons:  # a name no person has was looked up in the keyword index: not kept
        scopes[text] = scope
        while len(scopes) > SCOPE_CACHE:
            scopes.popitem(last=False)
    return scope


def _person_scope(store: Store, text: str) -> PersonScope:
    """What a `--person TEXT` filter keeps, as the engines test it (filters.PersonScope): the
    matching persons (the items that mention them, that they present or made a yrkande in carry
    their ids), the meetings they attended in full, and the §§ of a partial attendance. When no
    person matches: the items whose title, text or persons write the name (the keyword index),
    and the meetings whose attendance lists write it."""
    conn = store.conn
    names = _Names.load(conn)
    pids = names.match(text)
    folded = fold(text)
    items: set[str] = set()
    if pids and not _owners_resolved(conn):  # owners not in the store yet: resolved on read
        for rows in motions_by_person(store, pids).values():
            items |= {m["id"] for m in rows}
    elif not pids:
        if not folded:
            return PersonScope()
        items |= _items_naming(store, text, folded)
    if pids:
        # `+item_id`: read through the person index (the item_id index would list every
        # meeting-level role of everyone).
        roles = conn.execute(
            "SELECT DISTINCT person_id, doc_id FROM person_roles"
            " WHERE person_id IN (SELECT value FROM json_each(?)) AND +item_id IS NULL"
            " AND role != ?",
            (json.dumps(sorted(pids)), ABSENT),
        )
        attended = attendance(conn, [(r[0], r[1]) for r in roles], names)
        whole = {doc for (_, doc), sections in attended.items() if sections is None}
        some: dict[str, set[int]] = defaultdict(set)
        for (_, doc), sections in attended.items():
            if sections is not None and doc not in whole:
                some[doc] |= sections
        items |= _items_in_sections(conn, some)
        return PersonScope(frozenset(pids), frozenset(whole), frozenset(items))
    # No person: the attendance lists are searched by name. Everyone listed with a whole name
    # is a person (resolve.py), so a name no person has is only looked up as written, through
    # the name index.
    attended_docs: dict[str, list[set[int]]] = defaultdict(list)
    sql = (
        "SELECT doc_id, name, sections FROM attendees WHERE present = 1"
        " AND name IN (SELECT value FROM json_each(?))"
    )
    args = [json.dumps(sorted({text.strip(), clean_name(text) or text.strip()}))]
    for a in conn.execute(sql, args):
        name = fold(clean_name(a["name"]) or a["name"])
        if folded in name:
            attended_docs[a["doc_id"]].append(set(json.loads(a["sections"] or "[]")))
    whole = {d for d, sets in attended_docs.items() if any(not s for s in sets)}
    items |= _items_in_sections(
        conn,
        {d: set().union(*sets) for d, sets in attended_docs.items() if d not in whole},
    )
    return PersonScope(frozenset(), frozenset(whole), frozenset(items))


def _items_in_sections(conn: sqlite3.Connection, sections: dict[str, set[int]]) -> set[str]:
    """The items of each meeting whose § is among the given ones."""
    out: set[str] = set()
    for doc_id, wanted in sections.items():
        for r in conn.execute("SELECT id, section FROM items WHERE doc_id = ?", (doc_id,)):
            if r["section"] in wanted:
                out.add(r["id"])
    return out


def attendance(
    conn: sqlite3.Connection, roles: Iterable[tuple[str, str]], names: _Names
) -> dict[tuple[str, str], frozenset[int] | None]:
    """For each (person id, meeting) where the person has a meeting-level role (not absent):
    None when they attended the whole meeting, or the §§ they attended, when their own lines
    on that meeting's attendance list (matched by name, folded) all list §§. Lines are read
    only in meetings where some line lists §§ (the partial index of migration 0307).

    One definition for the person filter at query time (`person_scope`) and for the attendee
    field the keyword index carries (`item_attendees`)."""
    pairs = set(roles)
    docs = sorted({doc for _, doc in pairs})
    partial = {
        r[0]
        for r in conn.execute(
            # The condition of the partial index attendees_partial (migration 0307).
            "SELECT DISTINCT doc_id FROM attendees WHERE sections NOT IN ('', '[]')"
            " AND present = 1 AND doc_id IN (SELECT value FROM json_each(?))",
            (json.dumps(docs),),
        )
    }
    lines: dict[str, list[tuple[str, frozenset[int]]]] = defaultdict(list)
    for a in conn.execute(
        "SELECT doc_id, name, sections FROM attendees WHERE present = 1"
        " AND doc_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(partial)),),
    ):
        name = fold(clean_name(a["name"]) or a["name"])
        lines[a["doc_id"]].append((name, frozenset(json.loads(a["sections"] or "[]"))))
    out: dict[tuple[str, str], frozenset[int] | None] = {}
    for pid, doc in pairs:
        own = names.names.get(pid, set())
        mine = [sections for name, sections in lines.get(doc, ()) if name in own]
        out[pid, doc] = frozenset().union(*mine) if mine and all(mine) else None
    return out


def item_attendees(store: Store, item_ids: list[str] | None = None) -> dict[str, set[str]]:
    """Item id -> the ids of the persons who attended it (`attendance`: the whole meeting, or
    its § among those listed beside their name), for all or the given items: the attendee
    field of the keyword index, so a person filter there is one term, not a set of meetings."""
    conn = store.conn
    items = list(rows_in(conn, "SELECT id, doc_id, section FROM items", "id", item_ids))
    docs = sorted({r[1] for r in items})
    roles = [
        (r[0], r[1])
        for r in rows_in(
            conn,
            # `+item_id`: through the meeting index (the item_id index lists every role).
            "SELECT DISTINCT person_id, doc_id FROM person_roles WHERE +item_id IS NULL"
            " AND role != ?",
            "doc_id",
            None if item_ids is None else docs,
            (ABSENT,),
        )
    ]
    attended = attendance(conn, roles, _Names.load(conn))
    by_doc: dict[str, list[tuple[str, frozenset[int] | None]]] = defaultdict(list)
    for (pid, doc), sections in attended.items():
        by_doc[doc].append((pid, sections))
    out: dict[str, set[str]] = {}
    for item_id, doc, section in items:
        who = {pid for pid, secs in by_doc.get(doc, ()) if secs is None or section in secs}
        if who:
            out[item_id] = who
    return out


def person_item_ids(store: Store, text: str) -> set[str]:
    """Items a `--person TEXT` filter keeps (`person_scope` spelt out as item ids): where a
    matching person is mentioned, presents, makes a yrkande, or attends (for the §§ they
    attended). When no person matches, items that write the name or whose meeting lists it."""
    scope = person_scope(store, text)
    conn = store.conn
    ids = set(scope.items)
    pids = json.dumps(sorted(scope.persons))
    for source in PERSON_SOURCES:
        sql = f"SELECT item_id FROM ({source}) WHERE person_id IN (SELECT value FROM json_each(?))"
        ids.update(r[0] for r in conn.execute(sql, (pids,)))
    ids.update(
        r[0]
        for r in conn.execute(
            "SELECT id FROM items WHERE doc_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(scope.docs)),),
        )
    )
    return ids
