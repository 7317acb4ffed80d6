"""Links and threads after one ingest, redone only where the change reaches (issue #16).

A diarienummer group's links depend on its members only, a reference link on its item's
references, an extract link on its item's `canonical_id`, and a thread is a connected group of
links. So after new or changed documents only these are redone: the dnr groups that a changed
item is (or was) in, the references found again (`pipeline.reference_scope`), the extracts
relink may have moved, and the connected groups that contain an item with a link added or
removed, or that contained one before (`analysis_items` remembers each item's dnr and thread,
also for the items a re-stored document deleted). The result equals a whole-corpus
`build_links` + `build_threads`; a test checks this on real meetings in several orders.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..store import Store
from .links import Link, attachment_links, dnr_chain, is_hub, thread_rows
from .resolve import Corpus

_INSERT = (
    "INSERT INTO links (src_item_id, dst_item_id, dst_doc_id, kind, evidence) VALUES (?,?,?,?,?)"
)


@dataclass
class ScopeStats:
    """How much one incremental update touched: items whose links or thread were looked at."""

    changed_items: int = 0
    dnr_members: int = 0
    link_items: int = 0
    thread_items: int = 0


def _ids(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)))


def update_links_and_threads(
    store: Store, corpus: Corpus, changed_docs: set[str], ref_scope: set[str]
) -> ScopeStats | None:
    """Redo the links and threads that `changed_docs` (new or stored again; not removed ones)
    and the items whose references were found again (`ref_scope`) can change. None, changing
    nothing, when the store lost items this cannot place: the caller rebuilds them whole."""
    conn = store.conn
    stats = ScopeStats()
    changed = {
        iid for d in changed_docs if d in corpus.docs for iid, _s, _t in corpus.docs[d].items
    }
    # What the last analysis saw of the changed documents' items, including deleted ones:
    # item ids are "<doc id>" or "<doc id>-<§>", so a range on the primary key finds them.
    before: dict[str, tuple[str | None, str | None]] = {}
    for d in sorted(changed_docs):
        for r in conn.execute(
            "SELECT item_id, dnr, thread_id FROM analysis_items"
            " WHERE item_id = ? OR (item_id >= ? AND item_id < ?)",
            (d, f"{d}-", f"{d}."),
        ):
            before[r[0]] = (r[1], r[2])
    stats.changed_items = len(changed)
    touched_old = set(before) | changed
    # Any other item gone (a document stored again under another id, say) leaves rows we cannot
    # place: then the caller rebuilds whole.
    seen = conn.execute("SELECT count(*) FROM analysis_items").fetchone()[0]
    gone = set(before) - corpus.items.keys()  # the range may hold another document's items
    if seen - len(gone) + len(changed - set(before)) != len(corpus.items):
        return None

    # Diarienummer groups a changed item is or was in: rechained from their members.
    dnrs = {corpus.dnr[i] for i in changed if i in corpus.dnr}
    dnrs |= {dnr for dnr, _t in before.values() if dnr}
    old_members: set[str] = set()
    new_links: list[Link] = []
    for dnr in sorted(dnrs):
        was = [
            r[0] for r in conn.execute("SELECT item_id FROM analysis_items WHERE dnr = ?", (dnr,))
        ]
        old_members.update(was)
        members = {m for m in was if corpus.dnr.get(m) == dnr}
        members |= {i for i in changed if corpus.dnr.get(i) == dnr}
        stats.dnr_members += len(members)
        new_links += dnr_chain(corpus, dnr, sorted(members))
    dnr_items = old_members | {m for lk in new_links for m in (lk[0], lk[1]) if m}

    refs = ref_scope & corpus.items.keys()
    for r in conn.execute(
        "SELECT item_id, text, target_item_id, target_doc_id FROM refs"
        " WHERE item_id IN (SELECT value FROM json_each(?)) AND target_item_id IS NOT NULL",
        (_ids(refs),),
    ):
        new_links.append((r[0], r[2], r[3], "ref", r[1]))

    # Extracts relink may have moved: the changed documents' dates, and those whose § is gone.
    dates = sorted({d.date for d in map(corpus.docs.get, changed_docs) if d and d.date})
    extracts = set(changed)
    extracts.update(
        r[0]
        for r in conn.execute(
            "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id WHERE d.kind = 'extract'"
            " AND d.date IN (SELECT value FROM json_each(?))",
            (json.dumps(dates),),
        )
    )
    extracts.update(
        r[0]
        for r in conn.execute(
            "SELECT src_item_id FROM links WHERE kind = 'extract'"
            " AND dst_item_id IN (SELECT value FROM json_each(?))",
            (_ids(touched_old),),
        )
    )
    for r in conn.execute(
        "SELECT id, canonical_id FROM items WHERE id IN (SELECT value FROM json_each(?))"
        " AND canonical_id IS NOT NULL",
        (_ids(extracts),),
    ):
        new_links.append((r[0], r[1], None, "extract", "protokollsutdrag"))

    # Items citing a changed or moved item: whether they cite several matters may change.
    hubs_to_check = set(refs)
    hubs_to_check.update(
        r[0]
        for r in conn.execute(
            "SELECT src_item_id FROM links WHERE kind = 'ref'"
            " AND dst_item_id IN (SELECT value FROM json_each(?))",
            (_ids(touched_old | extracts),),
        )
    )

    removed: list[tuple[str, str | None]] = []
    attached, title_links = attachment_links(store, corpus)
    with store.transaction() as c:
        for kind, ids in (("dnr", dnr_items), ("ref", refs), ("extract", extracts)):
            q = " FROM links WHERE kind = ? AND src_item_id IN (SELECT value FROM json_each(?))"
            removed += [
                (r[0], r[1])
                for r in c.execute(f"SELECT src_item_id, dst_item_id{q}", (kind, _ids(ids)))
            ]
            c.execute(f"DELETE{q}", (kind, _ids(ids)))
        c.execute(
            "DELETE FROM links WHERE kind = 'attachment'"
            " AND dst_doc_id IN (SELECT id FROM documents WHERE kind = 'attachment')"
        )
        c.executemany(_INSERT, new_links + attached)
        c.executemany(
            "UPDATE documents SET linked_item_id = ? WHERE id = ? AND linked_item_id IS NULL",
            title_links,
        )
    seeds = touched_old | dnr_items | refs | extracts | hubs_to_check
    seeds |= {m for pair in removed for m in pair if m}
    seeds |= {m for lk in new_links for m in (lk[0], lk[1]) if m}
    stats.link_items = len(seeds)
    _update_threads(store, corpus, seeds, stats)
    return stats


def _update_threads(store: Store, corpus: Corpus, seeds: set[str], stats: ScopeStats) -> None:
    """Rebuild the connected groups containing `seeds` or the threads they were in."""
    conn = store.conn
    old_threads = {
        r[0]
        for r in conn.execute(
            "SELECT thread_id FROM analysis_items WHERE item_id IN (SELECT value FROM json_each(?))"
            " AND thread_id IS NOT NULL",
            (_ids(seeds),),
        )
    }
    was_in = {
        r[0]
        for r in conn.execute(
            "SELECT item_id FROM analysis_items WHERE thread_id IN (SELECT value FROM json_each(?))",
            (_ids(old_threads),),
        )
    }
    start = (seeds | was_in) & corpus.items.keys()
    hubs: dict[str, bool] = {}

    def hub(item_id: str) -> bool:
        if item_id not in hubs:
            hubs[item_id] = is_hub(store, item_id)
        return hubs[item_id]

    component: dict[str, int] = {}
    groups: list[list[str]] = []
    for s in sorted(start):
        if s in component:
            continue
        group = [s]
        component[s] = len(groups)
        frontier = [s]
        while frontier:
            batch = _ids(frontier)
            frontier = []
            for r in conn.execute(
                "SELECT src_item_id, dst_item_id, kind FROM links"
                " WHERE src_item_id IN (SELECT value FROM json_each(?)) AND dst_item_id IS NOT NULL"
                " UNION ALL SELECT src_item_id, dst_item_id, kind FROM links"
                " WHERE dst_item_id IN (SELECT value FROM json_each(?))",
                (batch, batch),
            ):
                a, b, kind = r
                if b not in corpus.items or (kind == "ref" and hub(a)):
                    continue
                for x in (a, b):
                    if x not in component:
                        component[x] = len(groups)
                        group.append(x)
                        frontier.append(x)
        groups.append(group)
    stats.thread_items = len(component)
    rows: list[tuple[str, str]] = []
    for group in groups:
        rows += thread_rows(corpus, group)
    thread = dict(rows)
    redo = _ids(set(component) | seeds | was_in)
    with store.transaction() as c:
        c.execute(
            "DELETE FROM thread_items WHERE item_id IN (SELECT value FROM json_each(?))", (redo,)
        )
        c.executemany("INSERT INTO thread_items (item_id, thread_id) VALUES (?,?)", rows)
        c.execute(
            "DELETE FROM analysis_items WHERE item_id IN (SELECT value FROM json_each(?))", (redo,)
        )
        c.executemany(
            "INSERT INTO analysis_items (item_id, dnr, thread_id) VALUES (?,?,?)",
            [
                (i, corpus.dnr.get(i), thread.get(i))
                for i in sorted(set(component) | seeds | was_in)
                if i in corpus.items
            ],
        )
