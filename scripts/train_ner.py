"""Train models/sv_minutes_ner (`make models`): deterministic, CPU-only, about ten minutes.

nice -n 10 .venv/bin/python scripts/train_ner.py [--epochs 10] [--no-silver] [--output DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from minutesearch.entities.training import EXTRA_DIR, NER_CORPUS_DIR, refresh_rulers, train
from minutesearch.locations import NER_MODEL_DIR


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--corpus", type=Path, default=NER_CORPUS_DIR)
    ap.add_argument("--extra", type=Path, default=EXTRA_DIR, help="minutes for silver labels")
    ap.add_argument("--no-silver", action="store_true")
    ap.add_argument("--output", type=Path, default=NER_MODEL_DIR)
    ap.add_argument(
        "--rulers-only",
        action="store_true",
        help="keep the trained ner, rebuild the gazetteer rulers",
    )
    args = ap.parse_args()
    if args.rulers_only:
        refresh_rulers(args.output)
        print(f"rulers rebuilt in {args.output}")
        return 0
    report = train(
        args.output,
        corpus_dir=args.corpus,
        extra_dir=None if args.no_silver else args.extra,
        epochs=args.epochs,
        log=lambda msg: print(msg, flush=True),
    )
    print(f"saved {report.output} in {report.seconds} s; dev F per epoch {report.dev_f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
