"""P/R/F per label for the shipped NER pipeline (`make eval-ner`).

Three test sets (the Göteborg development sentences come from a file silver training reads;
the other two were never trained on):
- the swedish-ner-corpus test split (news, pre-tokenised; MISC gold is ignored);
- eval/ner_minutes.jsonl: hand-checked sentences from the seed minutes and (80) from Göteborg KS
  2026-03-04, 2024-05-29 and 2025-03-12 (files silver training reads, never the held-out one)
  (the seeds are never used for silver labels; this set also guided the filter lists, so it is
  a development set);
- eval/ner_heldout_extra.jsonl: 120 hand-checked sentences of Göteborg KS 2025-06-11, a file kept
  out of training (no silver labels) and out of all tuning; only file, offsets and labels are
  stored, the text is re-read from corpus-extra. Bodies are ORG when written as a name
  (capitalised: "Kommunstyrelsen", "Utbildningsdepartementet"), not as a common noun in lower case.
Each set is also scored with the gazetteer rules alone and with the model before the procedure /
heading filter (`doc_spans(procedure_filter=False)`): the baseline, measured in the same run.
Exact span match; a span counts once per label.

    .venv/bin/python scripts/eval_ner.py [--model DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from minutesearch.entities.ner import LABELS, common_words, doc_spans, load_pipeline, rules_pipeline
from minutesearch.entities.training import (
    EXTRA_DIR,
    HELD_OUT,
    NER_CORPUS_DIR,
    io_to_biluo,
    read_conll,
)
from minutesearch.locations import PROJECT_ROOT

MINUTES_SET = PROJECT_ROOT / "eval" / "ner_minutes.jsonl"
SEEDS = PROJECT_ROOT / "corpus"
Spans = set[tuple[int, int, str]]


def score(pairs: Iterable[tuple[Spans, Spans]]) -> dict[str, dict[str, float]]:
    """Per-label and micro P/R/F over (gold, predicted) span sets."""
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for gold, pred in pairs:
        for s in pred:
            (tp if s in gold else fp)[s[2]] += 1
        for s in gold - pred:
            fn[s[2]] += 1
    out: dict[str, dict[str, float]] = {}
    for label in [*LABELS, "ALL"]:
        t = sum(tp.values()) if label == "ALL" else tp[label]
        p_ = sum(fp.values()) if label == "ALL" else fp[label]
        n = sum(fn.values()) if label == "ALL" else fn[label]
        prec = t / (t + p_) if t + p_ else 0.0
        rec = t / (t + n) if t + n else 0.0
        f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out[label] = {"p": round(prec, 3), "r": round(rec, 3), "f": round(f, 3), "support": t + n}
    return out


def news_pairs(nlp: Any, limit: int | None = None) -> list[tuple[Spans, Spans]]:
    """Gold and predicted token spans on the news test split (MISC ignored)."""
    from spacy.tokens import Doc

    pairs = []
    sents = read_conll(NER_CORPUS_DIR / "test_corpus.txt")[:limit]
    docs = (Doc(nlp.vocab, words=words) for words, _tags in sents)
    for (_words, tags), doc in zip(sents, nlp.pipe(docs, batch_size=64), strict=True):
        gold: Spans = set()
        start = 0
        for i, t in enumerate(io_to_biluo(tags)):
            if t.startswith(("B-", "U-")):
                start = i
            if t.startswith(("L-", "U-")):
                gold.add((start, i + 1, t[2:]))
        pred = {(s.start, s.end, s.label_) for s in doc.ents if s.label_ in LABELS}
        pairs.append((gold, pred))
    return pairs


def minutes_pairs(
    nlp: Any, path: Path = MINUTES_SET, *, procedure_filter: bool = True
) -> list[tuple[Spans, Spans]]:
    """Gold and predicted character spans on the hand-checked minute sentences."""
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    pairs = []
    # As at ingest, the lower-case words come from the corpus: here the seed documents.
    common = common_words([p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))])
    for row, doc in zip(rows, nlp.pipe([r["text"] for r in rows]), strict=True):
        gold = {(s, e, lab) for s, e, lab in row["entities"]}
        spans = doc_spans(doc, common, procedure_filter=procedure_filter)
        pairs.append((gold, {(s.start, s.end, s.label) for s in spans}))
    return pairs


def held_out_pairs(
    nlp: Any, path: Path = HELD_OUT, *, procedure_filter: bool = True
) -> list[tuple[Spans, Spans]]:
    """Gold and predicted spans on the held-out corpus-extra sentences (text re-read, hash-checked)."""
    import hashlib

    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    texts = []
    for row in rows:
        text = (EXTRA_DIR / row["file"]).read_text(encoding="utf-8")[row["start"] : row["end"]]
        if hashlib.sha256(text.encode()).hexdigest()[:16] != row["sha256"]:
            raise SystemExit(f"{row['file']} changed: held-out offsets no longer match")
        texts.append(text)
    pairs = []
    files = sorted({row["file"] for row in rows})
    common = common_words([(EXTRA_DIR / f).read_text(encoding="utf-8") for f in files])
    for row, doc in zip(rows, nlp.pipe(texts), strict=True):
        gold = {(s, e, lab) for s, e, lab in row["entities"]}
        spans = doc_spans(doc, common, procedure_filter=procedure_filter)
        pairs.append((gold, {(s.start, s.end, s.label) for s in spans}))
    return pairs


def table(title: str, scores: dict[str, dict[str, float]]) -> str:
    lines = [f"{title}", "| label | P | R | F | gold |", "|---|---|---|---|---|"]
    for label, s in scores.items():
        lines.append(
            f"| {label} | {s['p']:.3f} | {s['r']:.3f} | {s['f']:.3f} | {int(s['support'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="pipeline folder (default models/sv_minutes_ner)")
    ap.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    args = ap.parse_args()
    t0 = time.perf_counter()
    nlp = load_pipeline(args.model)
    results = {
        "news_test": score(news_pairs(nlp)),
        "minutes": score(minutes_pairs(nlp)),
        "minutes_rules_only": score(minutes_pairs(rules_pipeline())),
        "minutes_baseline": score(minutes_pairs(nlp, procedure_filter=False)),
    }
    if EXTRA_DIR.is_dir():
        results["held_out_extra"] = score(held_out_pairs(nlp))
        results["held_out_extra_baseline"] = score(held_out_pairs(nlp, procedure_filter=False))
        results["held_out_extra_rules_only"] = score(held_out_pairs(rules_pipeline()))
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
        return 0
    print(table("swedish-ner-corpus test split (news), full pipeline", results["news_test"]))
    print()
    print(
        table(
            f"{MINUTES_SET.name}: hand-checked minute sentences, full pipeline", results["minutes"]
        )
    )
    print()
    print(
        table(
            "same sentences, rules only: gazetteer + post-rules, no model (--no-ner)",
            results["minutes_rules_only"],
        )
    )
    print()
    print(
        table(
            "same sentences, baseline: model without the procedure/heading filter",
            results["minutes_baseline"],
        )
    )
    if "held_out_extra" in results:
        print()
        print(
            table(
                f"{HELD_OUT.name}: held-out Göteborg sentences, full pipeline",
                results["held_out_extra"],
            )
        )
        print()
        print(
            table(
                "same sentences, rules only: gazetteer + post-rules, no model",
                results["held_out_extra_rules_only"],
            )
        )
        print()
        print(
            table(
                "same sentences, baseline: model without the procedure/heading filter",
                results["held_out_extra_baseline"],
            )
        )
    else:
        print(f"\n(held-out set skipped: {EXTRA_DIR} not found)")
    print(f"\n({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
