"""Stage `annotate`: NER over the items of changed documents, then person resolution over all."""

from __future__ import annotations

from ..errors import ModelError
from ..stages import StageContext
from .ner import common_words, extract, load_pipeline, rules_pipeline
from .resolve import rebuild_persons

STAGE = "entities"


def _pipeline(ctx: StageContext) -> object:
    if not ctx.settings.ner:
        ctx.warn(
            "NER avstängd: bara namnlistor (gazetteer) används för organisationer och platser."
        )
        return rules_pipeline()
    try:
        return load_pipeline()
    except ModelError as exc:
        ctx.warn(f"{exc.msg} Bara namnlistor (gazetteer) används.")
        return rules_pipeline()


def annotate(ctx: StageContext) -> None:
    """Write `mentions` for the items of changed documents and rebuild persons across all documents."""
    conn = ctx.store.conn
    empty = conn.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
    if ctx.rebuild or empty:
        rows = list(conn.execute("SELECT id, title, text FROM items ORDER BY doc_id, position"))
    elif ctx.changed_docs:
        marks = ",".join("?" * len(ctx.changed_docs))
        rows = list(
            conn.execute(
                f"SELECT id, title, text FROM items WHERE doc_id IN ({marks}) ORDER BY doc_id, position",
                sorted(ctx.changed_docs),
            )
        )
    else:
        rows = []
    if rows:
        nlp = _pipeline(ctx)
        # Words the corpus writes in lower case are common nouns, not names (see ner._common_noun).
        common = common_words([r["text"] for r in rows])
        batch = 64
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            ctx.progress(STAGE, start, len(rows))
            # The text carries offsets; a title's entities are stored without offsets.
            text_spans = extract(nlp, [r["text"] for r in chunk], common=common)
            title_spans = extract(nlp, [r["title"] for r in chunk], common=common)
            with ctx.store.transaction() as tx:
                for r, spans, tspans in zip(chunk, text_spans, title_spans, strict=True):
                    tx.execute("DELETE FROM mentions WHERE item_id = ?", (r["id"],))
                    tx.executemany(
                        "INSERT INTO mentions (item_id, label, text, start, end) VALUES (?,?,?,?,?)",
                        [(r["id"], s.label, s.text, s.start, s.end) for s in spans]
                        + [(r["id"], s.label, s.text, None, None) for s in tspans],
                    )
        ctx.progress(STAGE, len(rows), len(rows))
    rebuild_persons(ctx.store)


def _is_current(ctx: StageContext) -> bool:
    conn = ctx.store.conn
    has_items = conn.execute("SELECT count(*) FROM items").fetchone()[0] > 0
    has_mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    return has_mentions or not has_items


annotate.is_current = _is_current  # type: ignore[attr-defined]
