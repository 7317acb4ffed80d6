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
    persons_from_attendance,
    prefill_embedding_cache,
    real_attendance,
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
        docs = scale_documents(
            real_items(real_idx), int(scale), attendance=real_attendance(real_idx)
        )
        n = store_scale(idx, docs, times, log)
        log(f"scale {scale}: {n} items stored")
        if "annotate" in skip:
            roles = persons_from_attendance(idx, real_idx)
            log(f"scale {scale}: {roles} meeting roles of the real corpus' persons")
            out.append(
                record(
                    scale,
                    "person_roles",
                    roles,
                    "rows",
                    "annotate not run: the real corpus' persons, with a meeting role for each"
                    " attendance line naming one (no mentions, presenters or yrkanden)",
                )
            )
        base, _ = embed_sample(real_idx, CACHE_DIR, log)
    from minutesearch.index.embedders import get_embedder

    model = str(getattr(get_embedder(EMBEDDER), "model", EMBEDDER))
    windows = prefill_embedding_cache(idx, base, model, progress=log)
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
    log(f"{scale}: {windows} window vectors in the cache; running the stages")
    run_stages(settings, times, skip - INDEX_STAGES, log)
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


def _commonest(store: Store, column: str, table: str, where: str) -> list[str]:
    """The three commonest values of `column` in `table` (rows passing `where`)."""
    sql = (
        f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND {where}"
        f" GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 3"
    )
    return [r[0] for r in store.conn.execute(sql)]


def search_filters(idx: Path) -> list[tuple[str, dict[str, str]]]:
    """A mix of the filters people set (body, date range, party), drawn from the corpus itself:
    the commonest bodies and parties, and ranges of one to three years."""
    with Store.open(idx, create=False) as store:
        bodies = _commonest(store, "body_short", "documents", "1")
        parties = _commonest(store, "party", "attendees", "present = 1")
        years = store.conn.execute(
            "SELECT min(substr(date, 1, 4)), max(substr(date, 1, 4)) FROM documents"
        ).fetchone()
    out: list[tuple[str, dict[str, str]]] = [("body", {"body": b}) for b in bodies]
    if years[0]:
        first, last = int(years[0]), int(years[1])
        mid = (first + last) // 2
        out += [
            ("date", {"since": str(mid), "until": str(mid)}),
            ("date", {"since": f"{mid - 1}-07", "until": f"{mid + 1}-06-30"}),
            ("date", {"since": str(max(first, last - 2))}),
        ]
    out += [("party", {"party": p}) for p in parties]
    if bodies and years[0]:
        out.append(("body+date", {"body": bodies[0], "since": str(int(years[1]) - 3)}))
    return out


def person_filters(idx: Path) -> list[tuple[str, dict[str, str]]]:
    """Person filters drawn from the corpus: the three names listed present at the most
    meetings (the broadest person filters there are: each keeps every item of those meetings)."""
    with Store.open(idx, create=False) as store:
        names = _commonest(store, "name", "attendees", "present = 1")
    return [("person", {"person": n}) for n in names]


def filtered_latency(
    scale: int | str, idx: Path, queries: list[str], rounds: int, *, person: bool = False
) -> list[Record]:
    """Warm p50/p95 of search() per mode with filters (body, date range, party; or, with
    `person`, person filters), through the product's own `search(..., filters=...)`: each query
    gets the next filter of the mix."""
    from minutesearch.filters import Filters
    from minutesearch.search import search

    mix = person_filters(idx) if person else search_filters(idx)
    settings = Settings(index_dir=idx, embedder=EMBEDDER)
    out: list[Record] = []
    label = "person" if person else "filtered"
    if not mix:
        return [record(scale, f"keyword_{label}_p95", None, "ms", "no filter values in corpus")]
    kinds = ", ".join(sorted({k for k, _ in mix}))
    with Store.open(idx, create=False) as store:
        for mode in ("keyword", "semantic", "hybrid"):
            samples: list[float] = []
            error = None
            pairs = [(q, Filters(**mix[n % len(mix)][1])) for n, q in enumerate(queries)]
            try:
                for q, f in pairs:  # warm
                    search(store, settings, q, mode=mode, limit=10, filters=f)
                for _ in range(rounds):
                    for q, f in pairs:
                        call = partial(search, store, settings, q, mode=mode, limit=10, filters=f)
                        samples.append(timed_ms(call)[0])
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                log(f"{mode} filtered search failed: {error}")
            note = error or f"filters: a mix of {kinds} ({len(mix)} filters)"
            if person and not error:
                note = f"person filters: the {len(mix)} names listed present at most meetings"
            out += latency_records(scale, f"{mode}_{label}", samples, note)
    return out


def meeting_file(real_idx: Path, n_items: int = 30) -> tuple[Path, int] | None:
    """The real protocol whose number of items is closest to n_items (its file, its items)."""
    with Store.open(real_idx, create=False) as store:
        rows = store.conn.execute(
            "SELECT d.source, count(*) AS n FROM documents d JOIN items i ON i.doc_id = d.id"
            " WHERE d.kind = 'protocol' GROUP BY d.id ORDER BY abs(count(*) - ?), d.id",
            (n_items,),
        ).fetchall()
    for r in rows:
        path = Path(r["source"])
        path = path if path.is_absolute() else PROJECT_ROOT / path
        if path.is_file():
            return path, int(r["n"])
    return None


def add_meeting(
    scale: int | str, idx: Path, real_idx: Path, work: Path, ner: bool, skip: set[str]
) -> list[Record]:
    """A new ~30-item real meeting ingested into the built corpus through `ingest()` (hash, read,
    parse, store, relink, the post-store stages); its windows' vectors are put in the embedding
    cache first, so embedding is excluded. Each stage is timed too."""
    from minutesearch.ingest import default_stages, ingest
    from minutesearch.parse import parse_document
    from minutesearch.read import read_document
    from minutesearch.stages import FunctionStage, StageContext, as_stage

    found = meeting_file(real_idx)
    if found is None:
        return [record(scale, "add_meeting_seconds", None, "s", "no real protocol to add")]
    src, n_items = found
    folder = work / f"add-meeting-{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    new = folder / f"ny-{src.name}"
    shutil.copy2(src, new)
    doc = parse_document(read_document(new).text, str(new))
    base, _ = embed_sample(real_idx, CACHE_DIR, log)
    from minutesearch.index.embedders import get_embedder

    model = str(getattr(get_embedder(EMBEDDER), "model", EMBEDDER))
    prefill_embedding_cache(idx, base, model, seed=11, texts=[(i.title, i.text) for i in doc.items])
    seconds: dict[str, float] = {}

    def timed_stage(stage: object) -> FunctionStage:
        inner = as_stage(stage)  # type: ignore[arg-type]

        def run(ctx: StageContext) -> None:
            t = time.perf_counter()
            inner.run(ctx)
            seconds[inner.name] = time.perf_counter() - t

        return FunctionStage(inner.name, run, inner.is_current, inner.prepare)

    stages = [timed_stage(s) for s in default_stages() if as_stage(s).name not in skip]
    settings = Settings(index_dir=idx, embedder=EMBEDDER, ner=ner)
    t = time.perf_counter()
    report = ingest([folder], settings, stages=stages)
    total = time.perf_counter() - t
    added = [f for f in report.files if f.status == "new"]
    note = f"{n_items}-item real protocol via ingest(), embeddings served from the cache"
    if skip:
        note += "; stages not run at this scale: " + ", ".join(sorted(skip))
    if not added:
        note = f"not stored: {[f.reason for f in report.files]}"
    log(
        f"{scale}: add a meeting: {total:.2f} s "
        + ", ".join(f"{k} {v:.2f}" for k, v in seconds.items())
    )
    out = [
        record(scale, "add_meeting_seconds", total if added else None, "s", note),
        record(scale, "add_meeting_items", n_items, "items"),
    ]
    out += [
        record(scale, f"add_meeting_stage_{name}_seconds", v, "s") for name, v in seconds.items()
    ]
    out.append(
        record(
            scale,
            "add_meeting_store_and_relink_seconds",
            total - sum(seconds.values()),
            "s",
            "hash, read, parse, store, relink: ingest() outside the stages",
        )
    )
    return out


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
    peers: bool = True,
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
    log(f"{scale}: filtered queries")
    records += filtered_latency(scale, idx, queries, rounds)
    log(f"{scale}: person-filtered queries")
    records += filtered_latency(scale, idx, queries, rounds, person=True)
    log(f"{scale}: adding one meeting")
    target = idx
    if scale == "real":  # the scale corpora are made from the real store: add to a copy of it
        target = work / "real-add-meeting"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(idx, target)
    records += add_meeting(scale, target, real_idx, work, ner, skip)
    if scale == "real":
        shutil.rmtree(target, ignore_errors=True)
    # ru_maxrss here is the peak of our own work: building every stage and answering queries.
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    records.append(
        record(
            scale,
            "peak_rss",
            rss_mb,
            "MB",
            "ingest stages, our queries and adding a meeting, before the peers",
        )
    )
    _checkpoint(result, records)
    if peers:
        log(f"{scale}: keyword peers")
        records += keyword_peers(scale, idx, work, queries, ours, rounds)
        log(f"{scale}: vector peers")
        records += vector_peers(scale, idx, work, queries, rounds)
    else:
        records.append(record(scale, "peers", None, "", "peers skipped above --peers-up-to"))
    if scale == "real":
        records += query_embedding_threads(scale, queries)
    log(f"{scale}: cold CLI")
    records += cold_cli(scale, idx, 3 if quick else 5)
    records.append(record(scale, "cpu_share_at_end", cpu_share(), "cores"))
    _checkpoint(result, records)


def _checkpoint(result: Path, records: list[Record]) -> None:
    """Write the records so far: a run that dies later still leaves what it measured."""
    result.with_suffix(".partial").write_text(
        json.dumps([r.to_json() for r in records], ensure_ascii=False), encoding="utf-8"
    )
    result.with_suffix(".partial").replace(result)
