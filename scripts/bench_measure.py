"""One benchmark worker: build one corpus (real or scale N), time each ingest stage, then measure
index sizes, warm query latency, cold CLI time and the peers, all on the same items and queries.

It runs in its own process so its peak RSS is its own (the parent reads it with wait4).
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from bench_cli import cold_cli, query_embedding_threads
from bench_corpus import (
    StageTimes,
    derived_vectors,
    dir_size,
    embed_sample,
    ingest_end_to_end,
    ingest_real,
    prefill_embedding_cache,
    real_items,
    run_stages,
    scale_documents,
    store_scale,
)
from bench_peers import (
    PeerIndex,
    brute_force_topk,
    build_fts5,
    build_tantivy,
    build_usearch,
    build_whoosh,
    item_texts,
    overlap_at_k,
    recall_at_k,
    timed_ms,
)
from bench_report import Record, latency_records, record

from minutesearch.config import Settings
from minutesearch.locations import PROJECT_ROOT, fulltext_dir, store_path, vectors_dir
from minutesearch.store import Store

CACHE_DIR = PROJECT_ROOT / "indexes" / "bench"
EMBEDDER = "e5-small"
# Things people look for in Swedish municipal minutes: single words, two-word ANDs, and names
# of recurring matters. The same list for every engine and every scale.
QUERIES = [
    "detaljplan",
    "budget",
    "skolskjuts",
    "motion",
    "äldreomsorg",
    "förskola",
    "bostäder",
    "detaljplan förskola",
    "laddstationer cyklister",
    "biblioteksplan",
    "avfall",
    "vatten avlopp",
    "socialtjänst psykiatri",
    "ekonomisk uppföljning",
    "delårsrapport",
    "investeringar",
    "upphandling",
    "kollektivtrafik",
    "bygglov",
    "strandskydd",
    "tillsyn",
    "revision",
    "arvoden",
    "val av ersättare",
    "medborgarförslag",
    "klimat",
    "energi",
    "trafiksäkerhet",
    "skolans resultat",
    "internkontroll",
    "sammanträdestider",
    "ansvarsfrihet",
    "riktlinjer",
    "taxa",
    "folkhälsa",
    "integration",
    "näringsliv",
    "lokaler",
    "idrott",
    "kultur",
]
QUICK_QUERIES = 12
SIZE_PARTS = {
    "store": lambda idx: dir_size(store_path(idx)) + dir_size(Path(str(store_path(idx)) + "-wal")),
    "keyword_index": lambda idx: dir_size(fulltext_dir(idx)),
    "vector_index": lambda idx: dir_size(vectors_dir(idx)),
    "embedding_cache": lambda idx: dir_size(idx / "embeddings.sqlite"),
}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


INDEX_STAGES = {"build_fulltext", "build_semantic"}


def cpu_share(seconds: float = 0.5) -> float:
    """The share of one core this process gets right now (the machine is shared)."""
    wall, cpu = time.perf_counter(), time.process_time()
    n = 0
    while time.perf_counter() - wall < seconds:
        n += 1
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def build(
    scale: int | str, idx: Path, real_idx: Path, real_paths: list[Path], ner: bool, skip: set[str]
) -> tuple[StageTimes, list[Record]]:
    """Store the corpus, stand in derived vectors for embeddings, run every stage timed."""
    times = StageTimes()
    out: list[Record] = []
    if scale == "real":
        files, items = ingest_real(real_paths, idx, times)
        log(f"real corpus: {files} files, {items} items stored")
        out.append(record(scale, "files", files, "files"))
        out += end_to_end(scale, real_paths, idx.parent)
        base, rate = embed_sample(idx, CACHE_DIR, log)
        out.append(
            record(
                scale,
                "embed_e5_small",
                rate,
                "passages/s",
                "measured: real e5-small on a sample of real 160-word windows",
            )
        )
    else:
        n = store_scale(idx, scale_documents(real_items(real_idx), int(scale)), times)
        log(f"scale {scale}: {n} items stored")
        base, _ = embed_sample(real_idx, CACHE_DIR, log)
    from minutesearch.index.embedders import get_embedder

    model = str(getattr(get_embedder(EMBEDDER), "model", EMBEDDER))
    windows = prefill_embedding_cache(idx, base, model)
    out.append(
        record(
            scale,
            "windows",
            windows,
            "windows",
            "vectors derived from real e5-small sample vectors (mix of 3 + noise)",
        )
    )
    settings = Settings(index_dir=idx, embedder=EMBEDDER, ner=ner)
    run_stages(settings, times, skip - INDEX_STAGES)
    with Store.open(idx) as store:
        n_items = int(store.conn.execute("SELECT count(*) FROM items").fetchone()[0])
    out.append(record(scale, "items", n_items, "items"))
    out.append(
        record(scale, "ner_model", 1 if ner else 0, "on/off", "spaCy NER model ran in annotate")
    )
    for stage, t in times.timings.items():
        handled = times.items.get(stage, n_items)
        note = times.errors.get(stage)
        if stage == "annotate" and not ner:
            note = (note or "") + "NER model off at this scale (gazetteer rules only)"
        if stage == "build_semantic":
            note = "embeddings served from the cache; real embedding rate: embed_e5_small"
        out.append(
            record(
                scale, f"stage_{stage}_rate", handled / t.wall if t.wall else None, "items/s", note
            )
        )
        out.append(record(scale, f"stage_{stage}_seconds", t.wall, "s"))
        out.append(record(scale, f"stage_{stage}_cores", t.cores, "cpu/wall"))
    for stage, err in times.errors.items():
        if stage not in times.timings:
            out.append(record(scale, f"stage_{stage}_rate", None, "items/s", err))
    for part, size in SIZE_PARTS.items():
        out.append(record(scale, f"size_{part}", size(idx) / 2**20, "MB"))
    return times, out


def end_to_end(scale: int | str, paths: list[Path], work: Path) -> list[Record]:
    """The whole `ingest --embedder none` on the real files, one worker and one per core."""
    from minutesearch.parallel import effective_workers

    out: list[Record] = []
    for workers, name in ((1, "ingest_e2e_1worker"), (0, "ingest_e2e")):
        target = work / f"e2e-{workers}"
        shutil.rmtree(target, ignore_errors=True)
        items, t = ingest_end_to_end(paths, target, workers)
        shutil.rmtree(target, ignore_errors=True)
        n = effective_workers(workers)
        note = f"measured: ingest --embedder none --workers {workers} ({n} process(es)), all stages"
        log(f"{name}: {items} items in {t.wall:.1f} s, cores {t.cores:.2f}")
        out.append(
            record(scale, f"{name}_rate", items / t.wall if t.wall else None, "items/s", note)
        )
        out.append(record(scale, f"{name}_cores", t.cores, "cpu/wall"))
    try:  # the Ray executor (extra [cluster]): a local Ray instance, started and stopped in the run
        import ray  # noqa: F401
    except ImportError:
        return out + [record(scale, "ingest_e2e_ray_rate", None, "items/s", "ray not installed")]
    target = work / "e2e-ray"
    shutil.rmtree(target, ignore_errors=True)
    items, t = ingest_end_to_end(paths, target, 0, executor="ray")
    shutil.rmtree(target, ignore_errors=True)
    n = effective_workers(0)
    note = f"measured: ingest --embedder none --executor ray (local Ray, {n} CPUs, start included)"
    log(f"ingest_e2e_ray: {items} items in {t.wall:.1f} s")
    out.append(
        record(scale, "ingest_e2e_ray_rate", items / t.wall if t.wall else None, "items/s", note)
    )
    return out


def query_vectors(queries: list[str]) -> np.ndarray:
    """Real e5-small query vectors, cached under indexes/bench/ by the query list."""
    key = hashlib.sha256("\n".join(queries).encode()).hexdigest()[:12]
    path = CACHE_DIR / f"e5_queries_{key}.npy"
    if path.exists():
        return np.asarray(np.load(path), dtype=np.float32)
    from minutesearch.index.embedders import get_embedder

    emb = get_embedder(EMBEDDER)
    vecs = np.stack([emb.embed_query(q) for q in queries]).astype(np.float32)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def search_latency(
    scale: int | str, idx: Path, queries: list[str], rounds: int
) -> tuple[list[Record], dict[str, list[str]]]:
    """Warm p50/p95 of search() per mode; the keyword top-10 ids for the peer comparison."""
    from minutesearch.search import search

    settings = Settings(index_dir=idx, embedder=EMBEDDER)
    out: list[Record] = []
    ours: dict[str, list[str]] = {}
    with Store.open(idx, create=False) as store:
        for mode in ("keyword", "semantic", "hybrid"):
            samples: list[float] = []
            error = None
            try:
                for q in queries:  # warm: open indexes, load the model, fill OS caches
                    search(store, settings, q, mode=mode, limit=10)
                for _ in range(rounds):
                    for q in queries:
                        ms, res = timed_ms(partial(search, store, settings, q, mode=mode, limit=10))
                        samples.append(ms)
                        if mode == "keyword":
                            ours[q] = [h.id for h in res.hits]
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                log(f"{mode} search failed: {error}")
            note = error or (
                "query embedding (real e5-small) included" if mode != "keyword" else None
            )
            out += latency_records(scale, mode, samples, note)
    return out, ours


def keyword_peers(
    scale: int | str,
    idx: Path,
    work: Path,
    queries: list[str],
    ours: dict[str, list[str]],
    rounds: int,
) -> list[Record]:
    out: list[Record] = []
    with Store.open(idx, create=False) as store:
        rows = list(item_texts(store.conn))

    def build_whoosh_peer(rows: list[tuple[str, str, str]], work: Path) -> PeerIndex:
        return build_whoosh(idx, work)

    build_whoosh_peer.__name__ = "build_whoosh"
    builders: list[Callable[[list[tuple[str, str, str]], Path], PeerIndex]] = [
        build_whoosh_peer,
        build_tantivy,
        build_fts5,
    ]
    for build_peer in builders:
        try:
            peer = build_peer(rows, work)
        except Exception as exc:
            out.append(
                record(
                    scale, f"peer_{build_peer.__name__}", None, "", f"{type(exc).__name__}: {exc}"
                )
            )
            continue
        name = peer.name
        out.append(
            record(scale, f"{name}_build_rate", len(rows) / max(peer.build_s, 1e-9), "items/s")
        )
        out.append(record(scale, f"size_{name}_index", dir_size(peer.path) / 2**20, "MB"))
        for q in queries:
            peer.search(q, 10)
        samples: list[float] = []
        overlaps: list[float] = []
        for _ in range(rounds):
            for q in queries:
                ms, hits = timed_ms(partial(peer.search, q, 10))
                samples.append(ms)
                ov = overlap_at_k(ours.get(q, []), hits)
                if ov is not None:
                    overlaps.append(ov)
        out += latency_records(
            scale, f"{name}_keyword", samples, "engine only, same items and queries"
        )
        out.append(
            record(
                scale,
                f"{name}_top10_overlap",
                statistics.mean(overlaps) if overlaps else None,
                "fraction",
                "share of our keyword top-10 also in theirs",
            )
        )
        peer.close()
    return out


def vector_peers(
    scale: int | str, idx: Path, work: Path, queries: list[str], rounds: int
) -> list[Record]:
    from minutesearch.index.semantic import open_vectors

    vi = open_vectors(Settings(index_dir=idx, embedder=EMBEDDER))
    if vi is None or not len(vi.matrix):
        return [record(scale, "vector_peers", None, "", "no vectors")]
    matrix = np.ascontiguousarray(vi.matrix, dtype=np.float32)
    qv = query_vectors(queries)
    out = [record(scale, "vector_rows", len(matrix), "windows")]
    exact = [brute_force_topk(matrix, q, 10) for q in qv]
    bf = [timed_ms(partial(brute_force_topk, matrix, q, 10))[0] for _ in range(rounds) for q in qv]
    out += latency_records(
        scale, "numpy_bruteforce", bf, "vector search only, windows x 384 float32"
    )
    try:
        ann = build_usearch(matrix, work)
    except ImportError as exc:  # the peers live in the optional `bench` dependency group
        return [*out, record(scale, "usearch_build_rate", None, "vectors/s", str(exc))]
    out.append(
        record(
            scale,
            "usearch_build_rate",
            len(matrix) / max(ann.build_s, 1e-9),
            "vectors/s",
            "1 thread",
        )
    )
    out.append(record(scale, "size_usearch_index", ann.size_bytes / 2**20, "MB"))
    approx = [ann.search(q, 10) for q in qv]
    hn = [timed_ms(partial(ann.search, q, 10))[0] for _ in range(rounds) for q in qv]
    out += latency_records(scale, "usearch_hnsw", hn, "vector search only")
    recall = statistics.mean(recall_at_k(e, a) for e, a in zip(exact, approx, strict=True))
    out.append(record(scale, "usearch_recall_at_10", recall, "fraction", "vs exact brute force"))
    # Queries near the data (a real window's vector, perturbed): recall where neighbours are dense.
    near = derived_vectors(matrix[:: max(1, len(matrix) // 50)], 50, np.random.default_rng(1), 0.2)
    rec_near = statistics.mean(
        recall_at_k(brute_force_topk(matrix, q, 10), ann.search(q, 10)) for q in near
    )
    out.append(
        record(
            scale, "usearch_recall_at_10_near", rec_near, "fraction", "queries near stored vectors"
        )
    )
    return out


def run_worker(
    scale: int | str,
    work: Path,
    real_idx: Path,
    real_paths: list[Path],
    quick: bool,
    ner: bool,
    skip: set[str],
    result: Path,
) -> None:
    idx = real_idx if scale == "real" else work / f"scale-{scale}"
    queries = QUERIES[:QUICK_QUERIES] if quick else QUERIES
    rounds = 1 if quick or (isinstance(scale, int) and scale >= 100_000) else 2
    records = [
        record(
            scale,
            "cpu_share_at_start",
            cpu_share(),
            "cores",
            "share of one core a busy loop got: the machine is shared",
        )
    ]
    _, built = build(scale, idx, real_idx, real_paths, ner, skip)
    records += built
    log(f"{scale}: stages done; measuring queries")
    lat, ours = search_latency(scale, idx, queries, rounds)
    records += lat
    # ru_maxrss here is the peak of our own work: building every stage and answering queries.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    records.append(
        record(scale, "peak_rss", rss_mb, "MB", "ingest stages + our queries, before the peers")
    )
    log(f"{scale}: keyword peers")
    records += keyword_peers(scale, idx, work, queries, ours, rounds)
    log(f"{scale}: vector peers")
    records += vector_peers(scale, idx, work, queries, rounds)
    if scale == "real":
        records += query_embedding_threads(scale, queries)
    log(f"{scale}: cold CLI")
    records += cold_cli(scale, idx, 3 if quick else 5)
    records.append(record(scale, "cpu_share_at_end", cpu_share(), "cores"))
    result.write_text(
        json.dumps([r.to_json() for r in records], ensure_ascii=False), encoding="utf-8"
    )
