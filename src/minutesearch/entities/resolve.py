"""Rebuild persons from attendance, meeting roles and PER mentions across all documents."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter, defaultdict
from typing import Any

from ..store import Store, slugify
from .gazetteer import load_gazetteer
from .identity import (
    PARTY_RE,
    Cluster,
    Observation,
    clean_name,
    cluster_full_names,
    initial_form,
    looks_like_full_name,
    name_key,
    resolve_partial,
    strip_lead,
)
from .people import PERSONS_KEY
from .roles import ABSENT, GROUP_ROLES, meeting_role, presenter_name

Role = tuple[str, str | None, str]  # (doc_id, item_id, role)
_PARTY_NAME = re.compile(
    r"(?<![\wÅÄÖåäö])([A-ZÅÄÖÉ][a-zåäöéüø]+(?:[- ][A-ZÅÄÖÉ][a-zåäöéüø]+){1,4})"
    r"\s?\(\s*(S|M|SD|C|V|KD|L|MP|D)\s*\)"
)


class _Collector:
    """Observations of people in the whole store, plus the roles each one implies."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.gaz = load_gazetteer()
        self.obs: list[Observation] = []
        self.roles: list[tuple[Observation, Role]] = []
        self.docs = {r["id"]: r for r in conn.execute("SELECT * FROM documents")}

    def doc_kommun(self, doc_id: str) -> str | None:
        """The municipality owning a municipal body's document (not a regional one)."""
        org = self.gaz.municipality_of(self.docs[doc_id]["organisation"] or "")
        return org if org and not org.startswith("Region") else None

    def add(self, name: str, doc_id: str, kind: str, role: Role | None = None, **kw: Any) -> None:
        # An attendance list names people; text may glue a heading before the name.
        name = strip_lead(clean_name(name), self.gaz.first_names, in_text=kind == "mention")
        if not looks_like_full_name(name):
            return
        doc = self.docs[doc_id]
        o = Observation(name, doc_id, kind, body=doc["body_short"] or doc["body"], **kw)
        self.obs.append(o)
        if role:
            self.roles.append((o, role))

    def collect(self) -> None:
        codes = self.gaz.party_codes
        for a in self.conn.execute("SELECT * FROM attendees ORDER BY doc_id, position"):
            where = a["org"] or a["role"] or ""
            common = {
                "party": a["party"] if a["party"] in codes else None,
                "org": self.gaz.municipality_of(where)
                or (None if a["org"] else self.doc_kommun(a["doc_id"])),
                "raw_org": a["org"],
                "title": (a["role"] or "").split("(")[0].strip() or None,
            }
            doc_id = a["doc_id"]
            if not a["present"]:
                self.add(a["name"], doc_id, "attendee", (doc_id, None, ABSENT), **common)
                continue
            group_role = GROUP_ROLES.get(a["grp"], a["grp"])
            self.add(a["name"], doc_id, "attendee", (doc_id, None, group_role), **common)
            special = meeting_role(a["role"])
            if special:
                self.add(a["name"], doc_id, "role", (doc_id, None, special), **common)
            if a["replaces"]:
                m = PARTY_RE.search(a["replaces"])
                self.add(
                    a["replaces"],
                    doc_id,
                    "replaced",
                    party=m.group(1) if m else None,
                    org=common["org"],
                )
        # The body's organisation is not the person's: a chair from Östersund chairs a regional body.
        for doc_id, d in self.docs.items():
            for name, role in ((d["chair"], "ordförande"), (d["secretary"], "sekreterare")):
                if name:
                    self.add(name, doc_id, role, (doc_id, None, role))
            for name in json.loads(d["adjusters"] or "[]"):
                self.add(name, doc_id, "justerare", (doc_id, None, "justerare"))
        for it in self.conn.execute(
            "SELECT id, doc_id, presenter FROM items WHERE presenter IS NOT NULL"
        ):
            rest = it["presenter"][len(presenter_name(it["presenter"])) :]
            self.add(
                presenter_name(it["presenter"]),
                it["doc_id"],
                "presenter",
                (it["doc_id"], it["id"], "föredragande"),
                org=self.gaz.municipality_of(rest),
                title=rest.strip(" ,") or None,
            )


def _mention_party(text: str, end: int | None) -> str | None:
    if end is None:
        return None
    m = PARTY_RE.match(text[end : end + 8].lstrip())
    return m.group(1) if m else None


def _known_first(word: str, firsts: set[str] | frozenset[str]) -> bool:
    """'Maria', 'Lars-Olof' (each part a first name) are first names."""
    low = word.lower()
    return low in firsts or all(part in firsts for part in low.split("-") if part)


def _plausible_person(text: str, firsts: set[str] | frozenset[str]) -> bool:
    """A name the model tagged PER that may be a person: 'M. Östlund', 'Anna', 'Anna Frisk'."""
    name = clean_name(text)
    if initial_form(name):
        return True
    words = name.split()
    return bool(words) and _known_first(words[0], firsts)


def rebuild_persons(store: Store) -> int:
    """Resolve every person across all documents and rewrite persons, aliases, roles, mention links."""
    conn = store.conn
    col = _Collector(conn)
    col.collect()
    mentions = list(
        conn.execute(
            "SELECT m.id, m.text, m.end, m.item_id, i.doc_id, i.text AS item_text FROM mentions m"
            " JOIN items i ON i.id = m.item_id WHERE m.label IN ('PER', 'MISC')"
        )
    )
    # A name only seen in running text becomes a person when its first name is a known one
    # (lists, or anyone's in an attendance list) or a party follows it: "Operation Norrsken" is no one.
    firsts = col.gaz.first_names | {clean_name(o.name).lower().split()[0] for o in col.obs}
    for m in mentions:
        name = strip_lead(clean_name(m["text"]), firsts)
        party = _mention_party(m["item_text"], m["end"])
        if not looks_like_full_name(name) or col.gaz.is_known_non_person(name):
            continue
        if party or _known_first(name.split()[0], firsts):
            col.add(name, m["doc_id"], "mention", party=party, org=col.doc_kommun(m["doc_id"]))
    # A party in brackets after a name is that person's party wherever it is written, titles
    # included ("Motion av Lena Ferm (SD) om ...").
    for it in conn.execute("SELECT doc_id, title, text FROM items"):
        for m in _PARTY_NAME.finditer(f"{it['title']}\n{it['text']}"):
            name = strip_lead(clean_name(m.group(1)), firsts)
            if looks_like_full_name(name) and not col.gaz.is_known_non_person(name):
                col.add(name, it["doc_id"], "mention", party=m.group(2))
    # Known first names only: every listed name's first word would make "Andersson" one.
    clusters = cluster_full_names(col.obs, col.gaz.first_names)
    by_key = {name_key(o.name): c for c in clusters for o in c.obs}
    in_doc: dict[str, list[Cluster]] = defaultdict(list)
    for c in clusters:
        for doc_id in {o.doc_id for o in c.obs}:
            in_doc[doc_id].append(c)

    def find(name: str, doc_id: str) -> Cluster | None:
        key = name_key(strip_lead(clean_name(name), firsts))
        exact = by_key.get(key) or (by_key.get(key[:-1]) if key.endswith("s") else None)
        return exact or resolve_partial(name, in_doc.get(doc_id, []))

    ids: dict[int, str] = {}
    used: set[str] = set()
    for c in sorted(clusters, key=lambda c: (-len(c.obs), c.display)):
        base = slugify(c.display, 60)
        pid, n = base, 1
        while pid in used:
            n += 1
            pid = f"{base}-{n}"
        used.add(pid)
        ids[id(c)] = pid
    roles: set[tuple[str, str, str | None, str]] = set()
    for o, (doc_id, item_id, role) in col.roles:
        owner = by_key.get(name_key(o.name))
        if owner is not None:
            roles.add((ids[id(owner)], doc_id, item_id, role))
    # Yrkanden are not roles stored here: the person read model (people.py) reads them from the
    # motions table the analyse stage writes, so `person` and `decisions` show the same ones.
    links: list[tuple[str | None, int]] = []
    not_people: list[tuple[int]] = []
    extra_alias: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        who = find(clean_name(m["text"]) or m["text"], m["doc_id"])
        links.append((ids[id(who)] if who else None, m["id"]))
        if who is None and not _plausible_person(m["text"], firsts):
            not_people.append((m["id"],))
        written = strip_lead(clean_name(m["text"]), firsts)
        if who is not None and written and written not in who.names:
            extra_alias[id(who)].add(written)
    # Written as a difference: only persons and mention links that change are touched, so the
    # change journal (migration 0303) moves only the items whose persons or parties changed.
    rows = {}
    for c in clusters:
        parties = Counter(o.party for o in c.obs if o.party)
        orgs = sorted({org for o in c.obs if (org := o.org or o.raw_org)})
        rows[ids[id(c)]] = (
            c.display,
            parties.most_common(1)[0][0] if parties else None,
            json.dumps(orgs, ensure_ascii=False),
        )
    rejected = {m_id for (m_id,) in not_people}
    # "Operation Norrsken", "SamReKo HSI": the model said PER, nobody by that name exists.
    # MISC is only ever a rejected PER, so each rebuild decides afresh.
    wanted = {m_id: (pid, "MISC" if m_id in rejected else "PER") for pid, m_id in links}
    with store.transaction() as tx:
        tx.execute("DELETE FROM person_aliases")
        held = {
            r[0]: (r[1], r[2], r[3])
            for r in tx.execute("SELECT id, name, party, orgs FROM persons")
        }
        tx.executemany(
            "DELETE FROM persons WHERE id = ?", [(pid,) for pid in held if pid not in rows]
        )
        tx.executemany(
            "INSERT INTO persons (id, name, party, orgs) VALUES (?,?,?,?) ON CONFLICT (id)"
            " DO UPDATE SET name = excluded.name, party = excluded.party, orgs = excluded.orgs",
            [(pid, *row) for pid, row in rows.items() if held.get(pid) != row],
        )
        for c in clusters:
            pid = ids[id(c)]
            aliases = (set(c.names) | extra_alias[id(c)]) - {c.display}
            # "Heidi Hankanen Ängbergs" is a genitive of a name already there, not a spelling.
            aliases = {
                a for a in aliases if not (a.endswith("s") and a[:-1] in aliases | {c.display})
            }
            tx.executemany(
                "INSERT INTO person_aliases VALUES (?,?)", [(pid, a) for a in sorted(aliases)]
            )
        # Roles as a difference too: an item-level role (föredragande) is part of the item's
        # indexed persons (migration 0306 journals it), so unchanged rows stay untouched.
        held_roles = {
            tuple(r)
            for r in tx.execute("SELECT person_id, doc_id, item_id, role FROM person_roles")
        }
        tx.executemany(
            "DELETE FROM person_roles WHERE person_id = ? AND doc_id = ? AND item_id IS ?"
            " AND role = ?",
            sorted(held_roles - roles, key=str),
        )
        tx.executemany(
            "INSERT INTO person_roles VALUES (?,?,?,?)", sorted(roles - held_roles, key=str)
        )
        current = {
            r[0]: (r[1], r[2])
            for r in tx.execute(
                "SELECT id, person_id, label FROM mentions WHERE label IN ('PER', 'MISC')"
            )
        }
        tx.executemany(
            "UPDATE mentions SET person_id = ?, label = ? WHERE id = ?",
            [(*want, m_id) for m_id, want in wanted.items() if current.get(m_id) != want],
        )
        # Whatever read persons (the owners of yrkanden, see people.py) knows to read them again.
        tx.execute(
            "INSERT INTO store_meta (key, value) VALUES (?, '1')"
            " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
            (PERSONS_KEY,),
        )
        # Mentions of other labels (and any not resolved above) link to no one.
        tx.execute(
            "UPDATE mentions SET person_id = NULL WHERE person_id IS NOT NULL"
            " AND label NOT IN ('PER', 'MISC')"
        )
    return len(clusters)
