"""Links between items (same diarienummer, resolved references, extract ↔ protocol, attachments)
and the threads (connected groups spanning meetings) they make. Written by the analyse stage.

A thread step needs shared evidence: a diarienummer (not a collective one a meeting gives to
several of its §§), an explicit reference, or an extract link. An item citing several different
matters (a list of notices) is linked to each but joins none of them into one thread. Semantic
likeness is never a link: `trace` shows it apart, as `related`."""

from __future__ import annotations

import json
from collections import defaultdict

from ..store import Store
from .references import find_references
from .resolve import Corpus


def build_references(store: Store, corpus: Corpus, items: set[str] | None = None) -> None:
    """Find and resolve the explicit references of every item (refs table, rewritten whole), or
    of `items` only (their rows replaced: see `pipeline.reference_scope`)."""
    rows: list[tuple[object, ...]] = []
    todo = None if items is None else sorted(i for i in items if i in corpus.items)
    for item_id, text in corpus.texts(todo):
        doc = corpus.docs[corpus.items[item_id][0]]
        for ref in find_references(text, doc.date):
            target = corpus.resolve(ref, item_id)
            rows.append(
                (
                    item_id,
                    ref.kind,
                    ref.text,
                    ref.body,
                    ref.date,
                    ref.section,
                    target.item_id,
                    target.doc_id,
                )
            )
    with store.transaction() as c:
        if items is None:
            c.execute("DELETE FROM refs")
        else:
            c.execute(
                "DELETE FROM refs WHERE item_id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(items)),),
            )
        c.executemany(
            "INSERT INTO refs (item_id, kind, text, body, ref_date, ref_section, target_item_id,"
            " target_doc_id) VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )


def build_links(store: Store, corpus: Corpus) -> None:
    """Rewrite the links table and documents.linked_item_id for attachments named by title."""
    links: list[tuple[str, str | None, str | None, str, str]] = []
    by_dnr: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item_id, dnr in corpus.dnr.items():
        by_dnr[dnr].append((corpus.docs[corpus.items[item_id][0]].date or "", item_id))
    collective = _collective_dnrs(corpus)
    for dnr, members in by_dnr.items():
        if dnr in collective:
            continue  # one number for many matters ("Val av ledamot ..."): not the same matter
        members.sort()
        # A chain in date order links the whole group without n² rows.
        for (_d1, a), (_d2, b) in zip(members, members[1:], strict=False):
            links.append((a, b, None, "dnr", dnr))
    for r in store.conn.execute(
        "SELECT item_id, text, target_item_id, target_doc_id, kind FROM refs"
        " WHERE target_item_id IS NOT NULL OR target_doc_id IS NOT NULL"
    ):
        if r["target_item_id"]:
            links.append((r["item_id"], r["target_item_id"], r["target_doc_id"], "ref", r["text"]))
        elif r["kind"] == "attachment":
            links.append((r["item_id"], None, r["target_doc_id"], "attachment", r["text"]))
    for r in store.conn.execute(
        "SELECT id, canonical_id FROM items WHERE canonical_id IS NOT NULL"
    ):
        links.append((r["id"], r["canonical_id"], None, "extract", "protokollsutdrag"))
    named = {(lk[0], lk[2]) for lk in links if lk[3] == "attachment"}
    unlinked = [
        r["id"]
        for r in store.conn.execute(
            "SELECT id FROM documents WHERE kind = 'attachment' AND linked_item_id IS NULL"
        )
    ]
    title_links: list[tuple[str, str]] = []
    for doc_id in unlinked:
        hit = corpus.attachment_item(doc_id)
        if hit:
            title_links.append((hit[0], doc_id))
            if (hit[0], doc_id) not in named:
                links.append((hit[0], None, doc_id, "attachment", hit[1]))
    for r in store.conn.execute(
        "SELECT id, linked_item_id FROM documents WHERE kind = 'attachment' AND linked_item_id IS NOT NULL"
    ):
        if (r["linked_item_id"], r["id"]) not in named:
            links.append((r["linked_item_id"], None, r["id"], "attachment", "§"))
    with store.transaction() as c:
        c.execute("DELETE FROM links")
        c.executemany(
            "INSERT INTO links (src_item_id, dst_item_id, dst_doc_id, kind, evidence) VALUES (?,?,?,?,?)",
            links,
        )
        c.executemany(
            "UPDATE documents SET linked_item_id = ? WHERE id = ? AND linked_item_id IS NULL",
            title_links,
        )


def _collective_dnrs(corpus: Corpus) -> set[str]:
    """Diarienummer that one meeting gives to two or more of its own §§: a collective number
    (all elections of a year, all notices), shared by matters that are not the same."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for item_id, dnr in corpus.dnr.items():
        seen[(dnr, corpus.items[item_id][0])] += 1
    return {dnr for (dnr, _doc), n in seen.items() if n > 1}


def hub_items(store: Store) -> set[str]:
    """Items that cite two or more different matters in the corpus ("Meddelanden" listing KF
    § 92 and KF § 104): linked to each, they are evidence for none being the same as another,
    so threads and traces never pass through them."""
    targets: dict[str, set[str]] = defaultdict(set)
    for r in store.conn.execute(
        "SELECT l.src_item_id, l.dst_item_id, coalesce(i.canonical_id, i.id) AS target"
        " FROM links l JOIN items i ON i.id = l.dst_item_id WHERE l.kind = 'ref'"
    ):
        targets[r["src_item_id"]].add(r["target"])
    hubs = set()
    for src, found in targets.items():
        if len(found) < 2:
            continue
        # Two diarienummer are two matters; targets without one cannot tell, so do not count.
        dnrs = {
            r[0]
            for r in store.conn.execute(
                f"SELECT dnr FROM items WHERE dnr IS NOT NULL AND id IN ({','.join('?' * len(found))})",
                sorted(found),
            )
        }
        if len(dnrs) > 1:
            hubs.add(src)
    return hubs


def build_threads(store: Store, corpus: Corpus) -> None:
    """Group linked items (union-find) and keep the groups that span more than one meeting."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    hubs = hub_items(store)
    for r in store.conn.execute(
        "SELECT src_item_id, dst_item_id, kind FROM links WHERE dst_item_id IS NOT NULL"
    ):
        if r["kind"] == "ref" and r["src_item_id"] in hubs:
            continue
        if r["dst_item_id"] in corpus.items:
            parent[find(r["src_item_id"])] = find(r["dst_item_id"])
    groups: dict[str, list[str]] = defaultdict(list)
    for item in list(parent):
        groups[find(item)].append(item)
    rows: list[tuple[str, str]] = []
    for members in groups.values():
        meetings = {
            (corpus.docs[corpus.items[m][0]].key, corpus.docs[corpus.items[m][0]].date)
            for m in members
        }
        if len(meetings) < 2:
            continue
        first = min(members, key=lambda m: (corpus.docs[corpus.items[m][0]].date or "9999", m))
        rows += [(m, f"thread-{first}") for m in members]
    with store.transaction() as c:
        c.execute("DELETE FROM thread_items")
        c.executemany("INSERT INTO thread_items (item_id, thread_id) VALUES (?,?)", rows)
