"""Stage `analyse(ctx)`: decisions of new items, then references, links and threads over the corpus.

Decisions are per item, so only items without a row are analysed (a changed document's items are
re-inserted, and the cascade dropped their rows). References, links and threads depend on the
whole corpus (a new meeting can resolve an old reference), so they are rebuilt whole; that is a
few regex passes over the stored text, well under a second for the seeds plus corpus-extra.
"""

from __future__ import annotations

import json

from ..model import Attendee
from ..stages import FunctionStage, StageContext
from ..store import Store
from .decisions import extract_decision
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
    corpus = Corpus(store)
    build_references(store, corpus)
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
    return missing == 0 and lost == 0


analyse = FunctionStage("analyse", _run, is_current_fn=_is_current)
