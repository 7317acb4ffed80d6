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
    links: list[Link] = []
    by_dnr: dict[str, list[str]] = defaultdict(list)
    for item_id, dnr in corpus.dnr.items():
        by_dnr[dnr].append(item_id)
    for dnr, members in by_dnr.items():
        links += dnr_chain(corpus, dnr, members)
    for r in store.conn.execute(
        "SELECT item_id, text, target_item_id, target_doc_id, kind FROM refs"
        " WHERE target_item_id IS NOT NULL"
    ):
        links.append((r["item_id"], r["target_item_id"], r["target_doc_id"], "ref", r["text"]))
    for r in store.conn.execute(
        "SELECT id, canonical_id FROM items WHERE canonical_id IS NOT NULL"
    ):
        links.append((r["id"], r["canonical_id"], None, "extract", "protokollsutdrag"))
    attached, title_links = attachment_links(store, corpus)
    links += attached
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


Link = tuple[str, str | None, str | None, str, str]
"""A links row: (src_item_id, dst_item_id, dst_doc_id, kind, evidence)."""


def dnr_chain(corpus: Corpus, dnr: str, members: list[str]) -> list[Link]:
    """The links of one diarienummer group: a chain in date order (the whole group without n²
    rows), none when the number is collective (one meeting gives it to two or more §§: "Val av
    ledamot ..." are not the same matter)."""
    docs = [corpus.items[m][0] for m in members]
    if len(set(docs)) < len(docs):
        return []
    dated = sorted((corpus.docs[d].date or "", m) for d, m in zip(docs, members, strict=True))
    return [(a, b, None, "dnr", dnr) for (_d1, a), (_d2, b) in zip(dated, dated[1:], strict=False)]


def attachment_links(store: Store, corpus: Corpus) -> tuple[list[Link], list[tuple[str, str]]]:
    """Every attachment link (named by a reference, by title, or by relink's §) and the
    (item, attachment) pairs found by title that documents.linked_item_id should get.

    Reads the attachments and the references resolved to one, not the items: its cost follows
    the number of attachments."""
    links: list[Link] = []
    for r in store.conn.execute(
        "SELECT item_id, text, target_doc_id FROM refs WHERE kind = 'attachment'"
        " AND target_item_id IS NULL AND target_doc_id IN"
        " (SELECT id FROM documents WHERE kind = 'attachment')"
    ):
        links.append((r["item_id"], None, r["target_doc_id"], "attachment", r["text"]))
    named = {(lk[0], lk[2]) for lk in links}
    title_links: list[tuple[str, str]] = []
    for r in store.conn.execute(
        "SELECT id FROM documents WHERE kind = 'attachment' AND linked_item_id IS NULL"
    ):
        hit = corpus.attachment_item(r["id"])
        if hit:
            title_links.append((hit[0], r["id"]))
            if (hit[0], r["id"]) not in named:
                links.append((hit[0], None, r["id"], "attachment", hit[1]))
    for r in store.conn.execute(
        "SELECT id, linked_item_id, linked_section FROM documents WHERE kind = 'attachment'"
        " AND linked_item_id IS NOT NULL"
    ):
        if (r["linked_item_id"], r["id"]) not in named:
            # Linked by its title on an earlier ingest (no § of its own): the same evidence as
            # then, so analysing again changes nothing.
            item = corpus.items.get(r["linked_item_id"])
            evidence = item[2] if r["linked_section"] is None and item else "§"
            links.append((r["linked_item_id"], None, r["id"], "attachment", evidence))
    return links, title_links


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


def is_hub(store: Store, item_id: str) -> bool:
    """`hub_items` for one item: whether it cites two or more matters of different dnr."""
    found = {
        r[0]
        for r in store.conn.execute(
            "SELECT coalesce(i.canonical_id, i.id) FROM links l JOIN items i ON i.id = l.dst_item_id"
            " WHERE l.kind = 'ref' AND l.src_item_id = ?",
            (item_id,),
        )
    }
    if len(found) < 2:
        return False
    dnrs = {
        r[0]
        for r in store.conn.execute(
            f"SELECT dnr FROM items WHERE dnr IS NOT NULL AND id IN ({','.join('?' * len(found))})",
            sorted(found),
        )
    }
    return len(dnrs) > 1


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
        rows += thread_rows(corpus, members)
    thread = dict(rows)
    with store.transaction() as c:
        c.execute("DELETE FROM thread_items")
        c.executemany("INSERT INTO thread_items (item_id, thread_id) VALUES (?,?)", rows)
        # What this analysis saw, for the next ingest to redo only what a change reaches.
        c.execute("DELETE FROM analysis_items")
        c.executemany(
            "INSERT INTO analysis_items (item_id, dnr, thread_id) VALUES (?,?,?)",
            [(i, corpus.dnr.get(i), thread.get(i)) for i in corpus.items],
        )


def thread_rows(corpus: Corpus, members: list[str]) -> list[tuple[str, str]]:
    """(item, thread id) for one connected group, when it spans more than one meeting. The id
    names the group's earliest item, so it stays the same when later meetings join."""
    meetings = {
        (corpus.docs[corpus.items[m][0]].key, corpus.docs[corpus.items[m][0]].date) for m in members
    }
    if len(meetings) < 2:
        return []
    first = min(members, key=lambda m: (corpus.docs[corpus.items[m][0]].date or "9999", m))
    return [(m, f"thread-{first}") for m in members]
