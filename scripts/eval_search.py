"""`make eval-search`: nDCG@10 and Recall@10 of keyword, semantic and hybrid search.

Ingests the seeds and ../shared/corpus-extra into a cache folder outside git (indexes/eval/<embedder>,
incremental, so a second run only re-scores), runs every query of eval/search_queries.jsonl in
every mode and prints a Markdown table. Judgements name items by source file and § number, so they
survive re-ingest and parser changes; an extract's § counts as its protocol's § (search merges
them). Gain is 2^grade - 1 (grades 0-3), discount log2(rank + 1); Recall@10 counts grade >= 1.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from minutesearch.config import Settings
from minutesearch.errors import MinutesearchError
from minutesearch.index.fulltext import build_fulltext
from minutesearch.index.semantic import CACHE_FILE, build_semantic
from minutesearch.ingest import Stage, default_stages, ingest
from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT
from minutesearch.search import search
from minutesearch.store import Store

QUERIES = PROJECT_ROOT / "eval" / "search_queries.jsonl"
EXTRA = PROJECT_ROOT.parent / "shared" / "corpus-extra"
K = 10


def doc_key(source: str) -> str:
    """The judgement name of a stored source: 'seed:<file>' or 'extra:<path under corpus-extra>'."""
    if "corpus-extra/" in source:
        return "extra:" + source.split("corpus-extra/", 1)[1]
    return "seed:" + Path(source).name


def load_queries(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def resolve(
    store: Store, queries: list[dict[str, Any]]
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Per query: canonical item id -> grade; plus the judgements that name no stored item."""
    index: dict[tuple[str, int], list[str]] = defaultdict(list)
    for r in store.conn.execute(
        "SELECT i.id, i.section, i.canonical_id, d.source FROM items i JOIN documents d ON d.id = i.doc_id"
    ):
        index[(doc_key(r["source"]), r["section"])].append(r["canonical_id"] or r["id"])
    qrels: dict[str, dict[str, int]] = {}
    missing: list[str] = []
    for q in queries:
        grades: dict[str, int] = {}
        for j in q["relevant"]:
            ids = index.get((j["doc"], j["section"]))
            if not ids:
                missing.append(f"{q['id']}: {j['doc']} § {j['section']}")
            for item_id in ids or []:
                grades[item_id] = max(grades.get(item_id, 0), int(j["grade"]))
        qrels[q["id"]] = grades
    return qrels, missing


def ndcg(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** grades.get(i, 0) - 1) / math.log2(n + 2) for n, i in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(n + 2) for n, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranked: list[str], grades: dict[str, int], k: int = K) -> float:
    relevant = {i for i, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def build(
    index_dir: Path, embedder: str, sources: list[Path], all_stages: bool, fresh: bool
) -> Settings:
    settings = Settings(index_dir=index_dir, embedder=embedder, ner=all_stages)
    if fresh and index_dir.is_dir():
        # Re-parse everything (ingest is incremental by file hash) but keep embeddings.sqlite.
        for path in index_dir.iterdir():
            if path.name != CACHE_FILE:
                shutil.rmtree(path) if path.is_dir() else path.unlink()
    stages: list[Stage] = default_stages() if all_stages else [build_fulltext, build_semantic]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "semantic" and total and (done % 160 == 0 or done == total):
            print(f"  {embedder}: embedded {done}/{total} windows", file=sys.stderr, flush=True)

    started = time.perf_counter()
    report = ingest(sources, settings, stages=stages, progress=progress)
    print(
        f"  {embedder}: index ready in {time.perf_counter() - started:.0f} s ({report.counts})",
        file=sys.stderr,
    )
    return settings


def run(
    settings: Settings, queries: list[dict[str, Any]], qrels: dict[str, dict[str, int]], mode: str
) -> dict[str, Any]:
    per_query: dict[str, dict[str, float]] = {}
    times: list[float] = []
    with Store.open(settings.index_dir, create=False) as store:
        for q in queries:
            try:
                result = search(store, settings, q["query"], mode=mode, limit=K)
            except MinutesearchError as exc:
                print(f"  {q['id']} {q['query']!r}: {exc.msg}", file=sys.stderr)
                ranked: list[str] = []
            else:
                ranked = [h.id for h in result.hits]
                times.append(result.elapsed_ms)
            grades = qrels[q["id"]]
            per_query[q["id"]] = {"ndcg": ndcg(ranked, grades), "recall": recall(ranked, grades)}
    return {"per_query": per_query, "ms": sorted(times)[len(times) // 2] if times else 0.0}


def table(rows: list[tuple[str, dict[str, Any]]], queries: list[dict[str, Any]]) -> str:
    kinds = sorted({q["kind"] for q in queries})
    head = (
        "| mode | nDCG@10 | Recall@10 | "
        + " | ".join(f"nDCG {k}" for k in kinds)
        + " | median ms |"
    )
    lines = [head, "|" + "---|" * (4 + len(kinds))]
    for label, res in rows:
        pq = res["per_query"]

        def mean(metric: str, kind: str | None = None, pq: dict[str, Any] = pq) -> float:
            vals = [pq[q["id"]][metric] for q in queries if kind is None or q["kind"] == kind]
            return sum(vals) / len(vals) if vals else 0.0

        by_kind = " | ".join(f"{mean('ndcg', k):.3f}" for k in kinds)
        lines.append(
            f"| {label} | {mean('ndcg'):.3f} | {mean('recall'):.3f} | {by_kind} | {res['ms']:.0f} |"
        )
    counts = ", ".join(f"{k} {sum(q['kind'] == k for q in queries)}" for k in kinds)
    return "\n".join(lines) + f"\n\n{len(queries)} queries ({counts})."


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--extra", type=Path, default=EXTRA, help="corpus-extra folder")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--index-root", type=Path, default=PROJECT_ROOT / "indexes" / "eval")
    ap.add_argument("--embedder", action="append", help="repeatable; default e5-small")
    ap.add_argument("--all-stages", action="store_true", help="also run NER, topics and analysis")
    ap.add_argument("--fresh", action="store_true", help="re-parse all files (keeps embeddings)")
    ap.add_argument("--per-query", action="store_true", help="print nDCG@10 per query and mode")
    args = ap.parse_args()
    if not args.extra.is_dir():
        print(f"corpus-extra saknas: {args.extra}", file=sys.stderr)
        return 2
    queries = load_queries(args.queries)
    rows: list[tuple[str, dict[str, Any]]] = []
    for n, embedder in enumerate(args.embedder or ["e5-small"]):
        slug = re.sub(r"[^a-z0-9]+", "-", embedder.lower()).strip("-")
        settings = build(
            args.index_root / slug, embedder, [CORPUS_DIR, args.extra], args.all_stages, args.fresh
        )
        with Store.open(settings.index_dir, create=False) as store:
            qrels, missing = resolve(store, queries)
        for m in missing:
            print(f"  judgement names no stored item: {m}", file=sys.stderr)
        modes = ["keyword", "semantic", "hybrid"] if n == 0 else ["semantic", "hybrid"]
        for mode in modes:
            label = mode if mode == "keyword" else f"{mode} ({embedder})"
            rows.append((label, run(settings, queries, qrels, mode)))
    print(table(rows, queries))
    if args.per_query:
        for q in queries:
            scores = " ".join(f"{res['per_query'][q['id']]['ndcg']:.2f}" for _, res in rows)
            print(f"{q['id']} {scores}  {q['query']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
