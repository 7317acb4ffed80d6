"""How many explicit references the analysis finds in seeds + corpus-extra, and how many it resolves.

Usage: .venv/bin/python scripts/eval_refs.py [--index-dir DIR]
Without --index-dir the corpus is ingested into a temporary folder with only the analyse stage
(no NER or indexes), which takes under a minute on two cores.

"in corpus" counts references whose target meeting (body and date) is stored, so a reference to a
meeting that was never collected is not held against resolution.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from minutesearch.analysis.bodies import document_key
from minutesearch.analysis.pipeline import analyse
from minutesearch.config import Settings
from minutesearch.ingest import ingest
from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT
from minutesearch.store import Store

EXTRA = PROJECT_ROOT.parent / "shared" / "corpus-extra"


def report(store: Store) -> None:
    docs = {
        r["id"]: (document_key(r["body"], r["body_short"]), r["date"], r["kind"])
        for r in store.conn.execute("SELECT id, body, body_short, date, kind FROM documents")
    }
    protocols = {(k, d) for k, d, kind in docs.values() if kind == "protocol"}
    sections = {
        (docs[r["doc_id"]][0], docs[r["doc_id"]][1], r["section"])
        for r in store.conn.execute("SELECT doc_id, section FROM items")
    }
    rows = list(
        store.conn.execute("SELECT r.*, i.doc_id FROM refs r JOIN items i ON i.id = r.item_id")
    )

    def in_corpus(r: Any) -> bool:
        """Whether the target is stored (a § for § references, a full protocol for meetings)."""
        key, date, _kind = docs[r["doc_id"]]
        key = r["body"] or key
        if r["kind"] == "section":
            return any(
                k == key and s == r["ref_section"] and (r["ref_date"] is None or d == r["ref_date"])
                for k, d, s in sections
            )
        return (
            r["kind"] != "attachment"
            and r["ref_date"] != date
            and (key, r["ref_date"]) in protocols
        )

    stats: dict[str, Counter[str]] = {}
    for r in rows:
        c = stats.setdefault(r["kind"], Counter())
        c["found"] += 1
        c["in corpus"] += in_corpus(r)
        if r["target_item_id"]:
            c["→ item"] += 1
        elif r["target_doc_id"]:
            c["→ meeting/doc"] += 1
        else:
            c["unresolved"] += 1
    cols = ["found", "in corpus", "→ item", "→ meeting/doc", "unresolved"]
    print(f"{'kind':<12}" + "".join(f"{c:>15}" for c in cols))
    total: Counter[str] = Counter()
    for kind in sorted(stats):
        total.update(stats[kind])
        print(f"{kind:<12}" + "".join(f"{stats[kind][c]:>15}" for c in cols))
    print(f"{'all':<12}" + "".join(f"{total[c]:>15}" for c in cols))
    resolved_in = sum(
        1 for r in rows if in_corpus(r) and (r["target_item_id"] or r["target_doc_id"])
    )
    print(f"\nresolved among references whose target is stored: {resolved_in}/{total['in corpus']}")
    links = Counter(r["kind"] for r in store.conn.execute("SELECT kind FROM links"))
    threads = store.conn.execute(
        "SELECT count(DISTINCT thread_id), count(*) FROM thread_items"
    ).fetchone()
    print(f"links: {dict(sorted(links.items()))}; threads: {threads[0]} over {threads[1]} items")
    unresolved = Counter(
        r["body"] or "(same body)"
        for r in rows
        if r["kind"] == "section" and not r["target_doc_id"]
    )
    print("unresolved § references by body named:", dict(unresolved.most_common(8)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--index-dir", type=Path, help="An existing index of the corpus to report on."
    )
    args = parser.parse_args()
    if args.index_dir:
        with Store.open(args.index_dir, create=False) as store:
            report(store)
        return 0
    paths = [CORPUS_DIR] + ([EXTRA] if EXTRA.is_dir() else [])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), embedder="none", ner=False)
        result = ingest(paths, settings, stages=[analyse])
        for f in result.skipped:
            print(f"skipped {f.source}: {f.reason}", file=sys.stderr)
        with Store.open(settings.index_dir, create=False) as store:
            report(store)
    return 0


if __name__ == "__main__":
    sys.exit(main())
