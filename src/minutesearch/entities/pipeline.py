"""Stage `annotate`: NER over the items of changed documents, then person resolution over all."""

from __future__ import annotations

from collections.abc import Generator
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing, suppress
from typing import Any

from ..config import Settings
from ..errors import ModelError
from ..parallel import effective_workers, map_surviving_crashes, process_pool
from ..stages import FunctionStage, StageContext
from .gazetteer import load_gazetteer
from .ner import common_words, extract, is_known_name, load_pipeline, rules_pipeline
from .resolve import rebuild_persons

STAGE = "entities"
BATCH = 64
"""Items per spaCy call and per write transaction. A worker is given whole batches, so spaCy sees
exactly the same batches (and finds exactly the same entities) however many processes run."""
MIN_ITEMS_FOR_WORKERS = 200
"""Fewer items than this are annotated in-process: forking would cost more than it saves."""
IN_FLIGHT_PER_WORKER = 4
"""Batches queued per worker, so no worker waits while the parent writes."""

Row = tuple[str, str, str]
"""(item id, title, text) of one item to annotate."""
MentionRow = tuple[str, str, str, int | None, int | None]
"""A row of `mentions`: (item id, label, text, start, end); a title's entities have no offsets."""


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


def _run(ctx: StageContext) -> None:
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
        items: list[Row] = [(r["id"], r["title"], r["text"]) for r in rows]
        batches = [items[start : start + BATCH] for start in range(0, len(items), BATCH)]
        workers = effective_workers(ctx.settings) if len(items) >= MIN_ITEMS_FOR_WORKERS else 1
        # An executor may annotate on other machines (Ray actors, see executors.py): same batches.
        remote = getattr(ctx.executor, "annotate_batches", None) if workers > 1 else None
        if remote is not None:
            found_iter = remote(nlp, batches, common)
        else:
            found_iter = batch_mentions(nlp, batches, common, min(workers, len(batches)))
        with closing(found_iter) as found:
            for n, (batch, mentions) in enumerate(zip(batches, found, strict=True)):
                ctx.progress(STAGE, n * BATCH, len(items))
                with ctx.store.transaction() as tx:
                    for (item_id, _, _), item_mentions in zip(batch, mentions, strict=True):
                        tx.execute("DELETE FROM mentions WHERE item_id = ?", (item_id,))
                        tx.executemany(
                            "INSERT INTO mentions (item_id, label, text, start, end)"
                            " VALUES (?,?,?,?,?)",
                            item_mentions,
                        )
        ctx.progress(STAGE, len(items), len(items))
    rebuild_persons(ctx.store)


def mentions_of(nlp: Any, batch: list[Row], common: set[str]) -> list[list[MentionRow]]:
    """The mention rows of each item of one batch: the text's entities, then the title's."""
    text_spans = extract(nlp, [text for _, _, text in batch], common=common)
    title_spans = extract(nlp, [title for _, title, _ in batch], common=common)
    return [
        [(item_id, s.label, s.text, s.start, s.end) for s in spans]
        + [(item_id, s.label, s.text, None, None) for s in tspans]
        for (item_id, _, _), spans, tspans in zip(batch, text_spans, title_spans, strict=True)
    ]


def batch_mentions(
    nlp: Any, batches: list[list[Row]], common: set[str], workers: int
) -> Generator[list[list[MentionRow]], None, None]:
    """`mentions_of` each batch, in order: in-process, or by `workers` forked processes.

    Why an own pool rather than spaCy's `nlp.pipe(n_process=2)`: on the 2-core dev machine the
    pool annotated the 582 items of corpus-extra + corpus in 3.8-4.0 s, spaCy's in 4.6-4.8 s,
    one process in 7.6 s (both gave the same entities). spaCy's workers send every Doc back to be
    filtered in the parent, and each `pipe` call starts its processes anew; forked workers
    inherit the loaded pipeline and the corpus' common words, filter the entities themselves
    and return plain tuples, one BATCH at a time (bigger chunks balanced worse: 4.6 s for 192).
    A pool also lets a dead worker be survived: its unfinished batches are annotated here.
    """

    def in_process(batch: list[Row]) -> list[list[MentionRow]]:
        return mentions_of(nlp, batch, common)

    return map_surviving_crashes(
        batches,
        _worker_mentions,
        start_pool=lambda: _start_pool(nlp, common, workers) if workers > 1 else None,
        max_in_flight=IN_FLIGHT_PER_WORKER * workers,
        in_process=in_process,
        recover=in_process,  # a worker died: its unfinished batches and the rest are done here
        restart=False,
    )


def _start_pool(nlp: Any, common: set[str], workers: int) -> ProcessPoolExecutor | None:
    """Forked workers holding the pipeline and common words; None when they cannot start."""
    _load_name_lists()  # loaded once here for all workers
    return process_pool(workers, _init_worker, (nlp, common))


def _load_name_lists() -> None:
    """The gazetteer and its lower-cased name set, which the entity filters read."""
    load_gazetteer()
    is_known_name("")


_worker_state: tuple[Any, set[str]] | None = None


def _init_worker(nlp: Any, common: set[str]) -> None:
    global _worker_state
    _worker_state = (nlp, common)


def _worker_mentions(batch: list[Row]) -> list[list[MentionRow]]:
    """`mentions_of` one batch in a worker, with the pipeline the worker inherited."""
    assert _worker_state is not None, "worker started without a pipeline"
    nlp, common = _worker_state
    return mentions_of(nlp, batch, common)


def _is_current(ctx: StageContext) -> bool:
    conn = ctx.store.conn
    has_items = conn.execute("SELECT count(*) FROM items").fetchone()[0] > 0
    has_mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0
    return has_mentions or not has_items


def _prepare(settings: Settings) -> None:
    """Load the pipeline and name lists ahead: ingest calls this while workers read files."""
    if settings.ner:
        with suppress(ModelError):  # annotate warns about it when it runs
            load_pipeline()
    else:
        rules_pipeline()
    _load_name_lists()


annotate = FunctionStage("annotate", _run, is_current_fn=_is_current, prepare_fn=_prepare)
