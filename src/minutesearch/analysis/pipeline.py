"""Stage `analyse(ctx)`: decisions of new items, then references, links and threads over the corpus.

Decisions are per item, so only items without a row are analysed (a changed document's items are
re-inserted, and the cascade dropped their rows). References are found again for the changed
documents' items and for the items whose references a change can resolve differently
(`reference_scope`: a new meeting can resolve an old reference); links and threads are redone
for the dnr groups and connected groups the change reaches (`incremental`), and rebuilt whole
on the first analysis, a rebuild, or when documents were removed.
"""

from __future__ import annotations

import json

from ..entities.people import owners_current, resolve_motion_owners
from ..model import Attendee
from ..stages import FunctionStage, StageContext
from ..store import Store
from .decisions import extract_decision
from .incremental import update_links_and_threads
from .links import build_links, build_references, build_threads
from .resolve import Corpus

PARTS = ("summary", "proposal", "motions", "proceedings", "decision")


def analyse_decisions(store: Store, progress: StageContext | None = None) -> int:
    """Fill decisions and motions for every item that has none yet; returns how many."""
    rows = list(
        store.conn.execute(
            "SELECT i.* FROM items i LEFT JOIN decisions x ON x.item_id = i.id WHERE x.item_id IS NULL"
        )
    )
    attendance: dict[str, list[Attendee]] = {}
    with store.transaction() as c:
        for n, row in enumerate(rows):
            doc_id = row["doc_id"]
            if doc_id not in attendance:
                attendance[doc_id] = [
                    Attendee(name=a["name"], party=a["party"], group=a["grp"])
                    for a in c.execute(
                        "SELECT name, party, grp FROM attendees WHERE doc_id=? AND present=1"
                        " ORDER BY position",
                        (doc_id,),
                    )
                ]
            d = extract_decision(row["text"], {k: row[k] for k in PARTS}, attendance[doc_id])
            c.execute(
                "INSERT INTO decisions (item_id, decision, outcome, amounts, reservations, vote,"
                " votes, reservation_count, annotations, conflicts, amounts_mentioned, multi_part)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    row["id"],
                    d.decision,
                    d.outcome,
                    json.dumps(d.amounts),
                    json.dumps(d.reservations, ensure_ascii=False),
                    json.dumps(d.vote, ensure_ascii=False) if d.vote else None,
                    json.dumps(d.votes, ensure_ascii=False),
                    d.reservation_count,
                    json.dumps(d.annotations, ensure_ascii=False),
                    json.dumps(d.conflicts, ensure_ascii=False),
                    json.dumps(d.amounts_mentioned),
                    int(d.multi_part),
                ),
            )
            c.executemany(
                "INSERT INTO motions (item_id, position, by, party, text, won, kind)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (
                        row["id"],
                        pos,
                        m.by,
                        m.party,
                        m.text,
                        None if m.won is None else int(m.won),
                        m.kind,
                    )
                    for pos, m in enumerate(d.motions)
                ],
            )
            if progress is not None and n % 200 == 0:
                progress.progress("analyse", n, len(rows))
    return len(rows)


def _run(ctx: StageContext) -> None:
    """Decisions for new items; references, links, attachment links and threads for all."""
    store = ctx.store
    analyse_decisions(store, ctx)
    # Who made each yrkande, against the persons annotate has just rebuilt (and new motions).
    resolve_motion_owners(store)
    # After a previous analysis, the dnr it read is kept for the unchanged items (no texts read).
    seen = store.conn.execute("SELECT 1 FROM analysis_items LIMIT 1").fetchone() is not None
    corpus = Corpus(store, ctx.changed_docs if seen and not ctx.rebuild else None)
    scope = reference_scope(ctx, corpus)
    build_references(store, corpus, scope)
    if (
        scope is None
        or ctx.removed_docs
        or update_links_and_threads(store, corpus, ctx.changed_docs, scope) is None
    ):
        build_links(store, corpus)
        build_threads(store, corpus)
    unresolved = store.conn.execute(
        "SELECT count(*) FROM refs WHERE target_item_id IS NULL AND target_doc_id IS NULL"
    ).fetchone()[0]
    total = store.conn.execute("SELECT count(*) FROM refs").fetchone()[0]
    ctx.progress("analyse", 1, 1)
    if total and unresolved == total and total > 20:
        ctx.warn(
            f"Ingen av {total} hänvisningar kunde kopplas till ett ärende eller möte i korpusen."
        )


def reference_scope(ctx: StageContext, corpus: Corpus) -> set[str] | None:
    """The items whose references must be found and resolved again after this ingest; None: all.

    The changed documents' own items, and the items whose references may now resolve
    differently: those that name a date of a changed meeting, those that point into a changed
    or removed document, undated ones ("§ 72 KSAU", "föregående protokoll") in later meetings of
    a changed body, and, when an attachment changed, those that name an attachment. The rest of
    the corpus keeps its rows, so one new meeting costs its own items, not the store's.
    """
    conn = ctx.store.conn
    if ctx.rebuild or not (ctx.changed_docs or ctx.removed_docs):
        return None
    if conn.execute("SELECT 1 FROM refs LIMIT 1").fetchone() is None:
        return None  # never built (or nothing found before): the whole corpus
    changed = [corpus.docs[d] for d in sorted(ctx.changed_docs) if d in corpus.docs]
    scope = {iid for d in changed for iid, _sec, _title in d.items}
    dates = sorted({d.date for d in changed if d.date})
    keys = {d.key for d in changed}
    q = "SELECT item_id FROM refs WHERE "
    scope.update(
        r[0]
        for r in conn.execute(
            q + "ref_date IN (SELECT value FROM json_each(?))", (json.dumps(dates),)
        )
    )
    scope.update(
        r[0]
        for r in conn.execute(
            q + "target_doc_id IN (SELECT value FROM json_each(?))"
            " OR (target_item_id IS NOT NULL AND NOT EXISTS"
            "     (SELECT 1 FROM items i WHERE i.id = refs.target_item_id))"
            " OR (target_doc_id IS NOT NULL AND NOT EXISTS"
            "     (SELECT 1 FROM documents d WHERE d.id = refs.target_doc_id))",
            (json.dumps(sorted(ctx.changed_docs)),),
        )
    )
    if dates:
        for r in conn.execute(
            "SELECT item_id, body FROM refs WHERE ref_date IS NULL AND kind IN ('section', 'previous')"
        ):
            item = corpus.items.get(r["item_id"])
            doc = corpus.docs[item[0]] if item else None
            if doc and (r["body"] or doc.key) in keys and doc.date and doc.date >= dates[0]:
                scope.add(r["item_id"])
    if any(d.kind == "attachment" for d in changed) or ctx.removed_docs:
        scope.update(r[0] for r in conn.execute(q + "kind = 'attachment'"))
    return scope


def _is_current(ctx: StageContext) -> bool:
    """Current when every item has a decision and relink() left the title-based attachment links."""
    c = ctx.store.conn
    missing = c.execute(
        "SELECT count(*) FROM items i LEFT JOIN decisions x ON x.item_id = i.id WHERE x.item_id IS NULL"
    ).fetchone()[0]
    # relink() runs on every ingest and clears documents.linked_item_id; ours must be put back.
    lost = c.execute(
        "SELECT count(*) FROM links l JOIN documents d ON d.id = l.dst_doc_id"
        " WHERE l.kind = 'attachment' AND d.kind = 'attachment' AND d.linked_item_id IS NULL"
    ).fetchone()[0]
    return missing == 0 and lost == 0 and owners_current(c)


analyse = FunctionStage("analyse", _run, is_current_fn=_is_current)
