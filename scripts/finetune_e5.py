"""Fine-tune the converted e5 (`sentence-transformers:multilingual-e5-small`) on the minutes.

    python scripts/finetune_e5.py                         # tiny CPU run: 320 pairs, 1 epoch
    python scripts/finetune_e5.py --pairs 0 --epochs 3    # every pair, on the GPU if torch sees one
    python scripts/eval_search.py --embedder sentence-transformers:multilingual-e5-small-ft

Self-supervised pairs from the stored §-items (the store of `make eval-search`, default
indexes/eval/e5-small), never from the search queries: an item's title -> a window of its text
(the title left out of the window), and its decision -> its title and opening (which leave the
decision out). Items that any held-out query of eval/search_queries.jsonl judges relevant are left
out, with their copies in extracts (`canonical_id`), so the held-out figures also measure items
the model never trained on; one pair per item and kind, copies of a § counted once (an in-batch
"negative" that is the same § would teach the model to push a § away from itself).

Training: MultipleNegativesRankingLoss (in-batch negatives) with the e5 prefixes ("query: " on
the anchor, "passage: " on the positive), AdamW, linear warm-up, `--max-seq-length` 256, a plain
torch loop (no `datasets`/`accelerate` needed). Starts from models/multilingual-e5-small-st
(`make e5-st`) and writes models/multilingual-e5-small-ft (git-ignored), loadable as
`--embedder sentence-transformers:multilingual-e5-small-ft`. Keep the stock model unless the
fine-tuned one wins on the held-out split (docs/benchmarks.md records the result).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from minutesearch.index.semantic import windows
from minutesearch.locations import MODELS_DIR, PROJECT_ROOT
from minutesearch.store import Store

SOURCE = MODELS_DIR / "multilingual-e5-small-st"
TARGET = MODELS_DIR / "multilingual-e5-small-ft"
QUERIES = PROJECT_ROOT / "eval" / "search_queries.jsonl"
DEFAULT_STORE = PROJECT_ROOT / "indexes" / "eval" / "e5-small"
MIN_WORDS = 12
"""A text shorter than this (words) makes no pair: too little to tell items apart."""

Pair = tuple[str, str, str]
"""(anchor, positive, item id)."""


def _eval_search() -> Any:
    spec = importlib.util.spec_from_file_location(
        "eval_search", PROJECT_ROOT / "scripts" / "eval_search.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def heldout_items(store: Store, queries_path: Path = QUERIES) -> set[str]:
    """Ids (item and canonical) of every item a held-out query judges relevant (any grade)."""
    ev = _eval_search()
    queries = [q for q in ev.load_queries(queries_path) if q["split"] == "heldout"]
    qrels, _ = ev.resolve(store, queries)
    judged = {item_id for grades in qrels.values() for item_id in grades}
    out = set(judged)
    for r in store.conn.execute("SELECT id, canonical_id FROM items"):
        if r["canonical_id"] in judged or r["id"] in judged:
            out |= {r["id"], r["canonical_id"] or r["id"]}
    return out


def build_pairs(store: Store, exclude: set[str], limit: int = 0, seed: int = 15) -> list[Pair]:
    """Title -> text window and decision -> title + opening, one of each per distinct § not in
    `exclude`; shuffled with `seed`, the first `limit` (0: all)."""
    pairs: list[Pair] = []
    seen: set[str] = set()
    rows = store.conn.execute(
        "SELECT id, canonical_id, title, text, decision FROM items ORDER BY id"
    )
    for r in rows:
        key = r["canonical_id"] or r["id"]
        if key in seen or r["id"] in exclude or key in exclude:
            continue
        seen.add(key)
        title, text, decision = (r["title"] or "").strip(), r["text"] or "", r["decision"] or ""
        body = text.replace(decision, " ") if decision else text
        if title and len(body.split()) >= MIN_WORDS:
            pairs.append((title, windows("", body)[0].strip(), r["id"]))
        if len(decision.split()) >= MIN_WORDS and len(body.split()) >= MIN_WORDS:
            opening = " ".join(body.split()[:160])
            pairs.append((decision.strip(), f"{title}\n{opening}".strip(), r["id"]))
    random.Random(seed).shuffle(pairs)
    return pairs[:limit] if limit else pairs


def train(
    pairs: list[Pair],
    source: Path,
    target: Path,
    *,
    epochs: int,
    batch_size: int,
    lr: float,
    max_seq_length: int,
    threads: int | None,
) -> dict[str, Any]:
    """MultipleNegativesRankingLoss over `pairs`; the model saved to `target`."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        from sentence_transformers.sentence_transformer.losses import (
            MultipleNegativesRankingLoss,
        )
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.losses import MultipleNegativesRankingLoss  # type: ignore[no-redef]

    if threads:
        torch.set_num_threads(threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = SentenceTransformer(str(source), device=device, local_files_only=True)
    model.max_seq_length = max_seq_length
    loss_fn = MultipleNegativesRankingLoss(model)
    steps = epochs * ((len(pairs) + batch_size - 1) // batch_size)
    warmup = max(1, steps // 10)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (steps - s) / steps)
    )
    prepare = getattr(model, "preprocess", None) or model.tokenize
    rng = random.Random(0)
    losses: list[float] = []
    started = time.perf_counter()
    model.train()
    for _ in range(epochs):
        order = list(pairs)
        rng.shuffle(order)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            if len(batch) < 2:
                continue  # in-batch negatives need a second pair
            features = [
                prepare([f"query: {a}" for a, _, _ in batch]),
                prepare([f"passage: {p}" for _, p, _ in batch]),
            ]
            features = [
                {k: v.to(device) if hasattr(v, "to") else v for k, v in f.items()} for f in features
            ]
            loss = loss_fn(features, torch.empty(0))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            losses.append(float(loss.detach()))
    model.eval()
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(str(target))
    return {
        "device": device,
        "pairs": len(pairs),
        "steps": len(losses),
        "seconds": round(time.perf_counter() - started, 1),
        "loss_first": round(losses[0], 4) if losses else None,
        "loss_last": round(sum(losses[-5:]) / max(1, len(losses[-5:])), 4) if losses else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--index-dir", type=Path, default=DEFAULT_STORE, help="store to take items from"
    )
    ap.add_argument("--queries", type=Path, default=QUERIES, help="for the held-out items to skip")
    ap.add_argument("--pairs", type=int, default=320, help="pairs to train on (0: all)")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--max-seq-length", type=int, default=256)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: its default)")
    ap.add_argument("--source", type=Path, default=SOURCE)
    ap.add_argument("--out", type=Path, default=TARGET)
    args = ap.parse_args(argv)
    if not (args.source / "modules.json").is_file():
        print(f"{args.source}: no sentence-transformers model (run `make e5-st`)", file=sys.stderr)
        return 1
    with Store.open(args.index_dir, create=False) as store:
        exclude = heldout_items(store, args.queries)
        pairs = build_pairs(store, exclude, args.pairs)
    print(f"{len(pairs)} pairs; {len(exclude)} held-out-judged item ids left out", file=sys.stderr)
    info = train(
        pairs,
        args.source,
        args.out,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        max_seq_length=args.max_seq_length,
        threads=args.threads or None,
    )
    print(json.dumps({**info, "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
