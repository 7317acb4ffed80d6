"""The engines a user could pick instead, on the same items and queries as ours.

Keyword: our engine is tantivy fed with our analyzer's terms. Beside it: Whoosh (our other
engine, the same terms and query through `engine_whoosh`), tantivy with its *own* Swedish
stemmer and stop words (what a user gets out of the box), and SQLite FTS5 (no Swedish stemmer
ships with it, so it indexes our analyzer's output, which isolates the engine from the
analysis). All use AND of the query words with the title weighted over text. Vectors: numpy brute force (what we ship) and a usearch HNSW index,
recall@10 measured against the exact brute-force answer.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from minutesearch.index.analyzer import analyze

T = TypeVar("T")

TITLE_BOOST = 3.0


def item_texts(store_conn: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    for r in store_conn.execute("SELECT id, title, text FROM items"):
        yield r[0], r[1] or "", r[2] or ""


def timed_ms(fn: Callable[[], T]) -> tuple[float, T]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


@dataclass
class PeerIndex:
    """A built peer: its name, folder on disk, build seconds, and a top-k search function."""

    name: str
    path: Path
    build_s: float
    search: Callable[[str, int], list[str]]

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


# -- keyword peers ------------------------------------------------------------------------------


def build_tantivy(rows: list[tuple[str, str, str]], work: Path) -> PeerIndex:
    import tantivy

    analyzer = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("swedish"))
        .filter(tantivy.Filter.stemmer("swedish"))
        .build()
    )
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="sv")
    builder.add_text_field("text", tokenizer_name="sv")
    path = Path(tempfile.mkdtemp(prefix="tantivy-", dir=work))
    start = time.perf_counter()
    index = tantivy.Index(builder.build(), path=str(path))
    index.register_tokenizer("sv", analyzer)
    # One indexing thread: the same budget Whoosh gets (it is single-threaded).
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for item_id, title, text in rows:
        writer.add_document(tantivy.Document(id=item_id, title=title, text=text))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build_s = time.perf_counter() - start
    searcher = index.searcher()

    def search(query: str, k: int) -> list[str]:
        words = [w for w in analyzer.analyze(query) if w]
        if not words:
            return []
        # "+a +b": every word required, as in our AND-first search.
        q = index.parse_query(
            " ".join(f"+{w}" for w in words), ["title", "text"], field_boosts={"title": TITLE_BOOST}
        )
        return [searcher.doc(addr)["id"][0] for _score, addr in searcher.search(q, k).hits]

    return PeerIndex("tantivy", path, build_s, search)


def build_whoosh(idx: Path, work: Path) -> PeerIndex:
    """Our Whoosh engine on the same analysed documents and parsed queries as our tantivy one."""
    from minutesearch.index.analyzer import parse_query
    from minutesearch.index.engine_whoosh import WhooshIndex
    from minutesearch.index.engine_whoosh import build as whoosh_build
    from minutesearch.index.fulltext import keyword_docs
    from minutesearch.store import Store

    path = Path(tempfile.mkdtemp(prefix="whoosh-", dir=work))
    start = time.perf_counter()
    with Store.open(idx, create=False) as store:
        docs = keyword_docs(store)
    whoosh_build(path, docs, lambda n: None)
    build_s = time.perf_counter() - start
    index = WhooshIndex(path)

    def search(query: str, k: int) -> list[str]:
        q = parse_query(query)
        return [i for i, _ in index.search(q, conjunctive=True, limit=k, allowed=None)]

    return PeerIndex("whoosh", path, build_s, search)


def build_fts5(rows: list[tuple[str, str, str]], work: Path) -> PeerIndex:
    path = Path(tempfile.mkdtemp(prefix="fts5-", dir=work))
    conn = sqlite3.connect(path / "fts.sqlite", check_same_thread=False)
    start = time.perf_counter()
    # Terms are our analyzer's stems joined by spaces; unicode61 then only splits on them.
    conn.execute(
        "CREATE VIRTUAL TABLE f USING fts5(id UNINDEXED, title, text, tokenize='unicode61 remove_diacritics 0')"
    )
    with conn:
        conn.executemany(
            "INSERT INTO f VALUES (?,?,?)",
            ((i, " ".join(analyze(t)), " ".join(analyze(x))) for i, t, x in rows),
        )
    conn.execute("INSERT INTO f(f) VALUES ('optimize')")
    build_s = time.perf_counter() - start

    def search(query: str, k: int) -> list[str]:
        stems = analyze(query)
        if not stems:
            return []
        match = " AND ".join('"' + s.replace('"', '""') + '"' for s in stems)
        sql = f"SELECT id FROM f WHERE f MATCH ? ORDER BY bm25(f, 0, {TITLE_BOOST}, 1.0) LIMIT ?"
        return [r[0] for r in conn.execute(sql, (match, k))]

    return PeerIndex("fts5", path, build_s, search)


def overlap_at_k(ours: list[str], theirs: list[str], k: int = 10) -> float | None:
    """|top-k ∩ top-k| / min(k, len(ours)); None when we returned nothing to compare."""
    a, b = ours[:k], set(theirs[:k])
    if not a:
        return None
    return sum(1 for x in a if x in b) / len(a)


# -- vector peers -------------------------------------------------------------------------------


def brute_force_topk(matrix: np.ndarray, query: np.ndarray, k: int) -> np.ndarray:
    sims = matrix @ query
    top = np.argpartition(-sims, min(k, len(sims) - 1))[:k]
    return top[np.argsort(-sims[top])]


@dataclass
class AnnIndex:
    name: str
    build_s: float
    size_bytes: int
    search: Callable[[np.ndarray, int], np.ndarray]


def build_usearch(matrix: np.ndarray, work: Path) -> AnnIndex:
    from usearch.index import Index

    start = time.perf_counter()
    index = Index(
        ndim=matrix.shape[1],
        metric="cos",
        dtype="f32",
        connectivity=16,
        expansion_add=128,
        expansion_search=64,
    )
    index.add(np.arange(len(matrix)), matrix, threads=1)
    build_s = time.perf_counter() - start
    path = work / "usearch.index"
    index.save(str(path))
    size = path.stat().st_size
    path.unlink()

    def search(query: np.ndarray, k: int) -> np.ndarray:
        return np.asarray(index.search(query, k, threads=1).keys)

    return AnnIndex("usearch-hnsw", build_s, size, search)


def recall_at_k(exact: np.ndarray, approx: np.ndarray) -> float:
    return len(set(exact.tolist()) & set(approx.tolist())) / max(1, len(exact))
