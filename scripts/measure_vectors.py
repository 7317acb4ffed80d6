"""Measure the vector index's choices (issue #16): int8 brute force vs HNSW latency by window
count, recall@10 of both against exact float32, and HNSW build rate.

    nice -n 10 .venv/bin/python scripts/measure_vectors.py [--sizes 50000,200000] [--queries 40]

Vectors are synthetic but clustered (unit vectors around 2,000 topic centres, 384 dims): a
neighbourhood structure like e5's, unlike plain Gaussian noise, for which no graph index can
beat brute force. Recall on real e5 vectors is measured by scripts/bench_recall.py. The numbers
behind vectors.ANN_MIN_WINDOWS and HNSW_* are this script's output on the 2-core machine."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from minutesearch.index import vectors as V

DIM = 384


def clustered(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((2000, DIM)).astype(np.float32)
    out = np.empty((n, DIM), dtype=np.float32)
    for start in range(0, n, 50_000):
        m = min(50_000, n - start)
        block = centres[rng.integers(0, 2000, m)] + 0.8 * rng.standard_normal((m, DIM)).astype(
            np.float32
        )
        out[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50000,200000")
    ap.add_argument("--queries", type=int, default=40)
    ap.add_argument("--k", type=int, default=600, help="windows fetched (search_items: 3 x 200)")
    ap.add_argument("--configs", default="16:128:256", help="connectivity:add:search,...")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for n in [int(x) for x in args.sizes.split(",")]:
        m = clustered(n, rng)
        qs = m[rng.integers(0, n, args.queries)] + 0.05 * rng.standard_normal(
            (args.queries, DIM)
        ).astype(np.float32)
        truth = [set(np.argsort(-(m @ q))[:10].tolist()) for q in qs]
        starts = np.arange(n)
        ids = [f"i{i}" for i in range(n)]
        with tempfile.TemporaryDirectory() as tmp:
            flat = Path(tmp) / "flat"
            V.build_vector_index(flat, m, ids, starts, ann=False)
            vi = V.VectorIndex.open(flat)
            for k in (10, args.k):
                lat, rec = [], []
                for q, t in zip(qs, truth, strict=True):
                    s = time.perf_counter()
                    rows, _ = vi.search_windows(q, k, exact=True)
                    lat.append((time.perf_counter() - s) * 1000)
                    rec.append(len(t & set(rows[:10].tolist())) / 10)
                print(
                    f"n={n} int8-exact k={k}: p50 {np.median(lat):.1f} ms"
                    f" p95 {np.percentile(lat, 95):.1f} ms recall@10 {np.mean(rec):.3f}",
                    flush=True,
                )
            for conf in args.configs.split(","):
                c, ea, es = (int(x) for x in conf.split(":"))
                V.HNSW_CONNECTIVITY, V.HNSW_EXPANSION_ADD, V.HNSW_EXPANSION_SEARCH = c, ea, es
                folder = Path(tmp) / f"hnsw-{conf.replace(':', '-')}"
                s = time.perf_counter()
                V.build_vector_index(folder, m, ids, starts, ann=True)
                build = time.perf_counter() - s
                vi = V.VectorIndex.open(folder)
                for k in (10, args.k):
                    lat, rec = [], []
                    for q, t in zip(qs, truth, strict=True):
                        s = time.perf_counter()
                        rows, _ = vi.search_windows(q, k)
                        lat.append((time.perf_counter() - s) * 1000)
                        rec.append(len(t & set(rows[:10].tolist())) / 10)
                    print(
                        f"n={n} hnsw M={c} ef_add={ea} ef={es} k={k}: build {n / build:.0f}"
                        f" vec/s, p50 {np.median(lat):.1f} ms p95 {np.percentile(lat, 95):.1f} ms"
                        f" recall@10 {np.mean(rec):.3f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
