"""`make bench`: how fast minutesearch is, how it grows, and how it compares with its peers.

    python scripts/bench.py                          # real corpus + 1k, 10k, 100k items
    python scripts/bench.py --scales 1000 --quick    # a quick run (minutes)

Each corpus is built and measured in its own worker process (so its peak RSS is its own); the
parent collects the records and writes docs/benchmarks.json and the generated part of
docs/benchmarks.md. Scale corpora live in a temp folder outside the repo and are removed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_report import (  # noqa: E402
    Record,
    machine,
    notes_list,
    record,
    results_table,
    write_json,
)

from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT  # noqa: E402

EXTRA_DIR = PROJECT_ROOT.parent / "shared" / "corpus-extra"
DOCS = PROJECT_ROOT / "docs"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
OTHER_RUNS = (
    "ann_",
)  # measures written by scripts/bench_recall.py, kept when bench.py reruns a scale


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scales", default="1000,10000,100000", help="comma-separated item counts")
    ap.add_argument("--quick", action="store_true", help="fewer queries, one round, fewer CLI runs")
    ap.add_argument(
        "--real",
        nargs="*",
        type=Path,
        default=None,
        help="real corpus folders (default: corpus/ and ../shared/corpus-extra)",
    )
    ap.add_argument(
        "--ner-up-to",
        type=int,
        default=1000,
        help="run the spaCy NER model at scales up to this many items (default 1000)",
    )
    ap.add_argument(
        "--annotate-up-to",
        type=int,
        default=1000,
        help="run the annotate stage (entities) up to this many items (default 1000)",
    )
    ap.add_argument(
        "--all-stages-up-to",
        type=int,
        default=10_000,
        help="above this many items only the index stages run (the rest is extrapolated)",
    )
    ap.add_argument(
        "--peers-up-to",
        type=int,
        default=100_000,
        help="build and measure the peers (whoosh, tantivy, fts5, numpy, usearch) up to this"
        " many items (default 100000; they take hours at 1M)",
    )
    ap.add_argument(
        "--resume",
        action="store_true",
        help="with --work: keep the results of scales whose worker already finished there",
    )
    ap.add_argument(
        "--merge",
        action="store_true",
        help="keep the results of scales not run now from the existing benchmarks.json",
    )
    ap.add_argument(
        "--no-real",
        action="store_true",
        help="reuse the real corpus of --work instead of rebuilding it (with --merge)",
    )
    ap.add_argument("--work", type=Path, default=None, help="work folder (default: a temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--out", type=Path, default=DOCS, help="folder for benchmarks.json/.md")
    ap.add_argument(
        "--report-only", action="store_true", help="rewrite benchmarks.md from benchmarks.json"
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--real-idx", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def run_child(
    args: argparse.Namespace, scale: str, work: Path, real_idx: Path, real: list[Path]
) -> tuple[list[Record], float, float]:
    """Run one worker; its records, its wall seconds and its own peak RSS in MB (via wait4)."""
    result = work / f"result-{scale}.json"
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        scale,
        "--work",
        str(work),
        "--real-idx",
        str(real_idx),
        "--result",
        str(result),
        "--ner-up-to",
        str(args.ner_up_to),
        "--all-stages-up-to",
        str(args.all_stages_up_to),
        "--annotate-up-to",
        str(args.annotate_up_to),
        "--peers-up-to",
        str(args.peers_up_to),
        "--real",
        *map(str, real),
    ]
    if args.quick:
        cmd.append("--quick")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    failed = [
        record(
            scale if scale == "real" else int(scale), "worker", None, "", f"worker exited {code}"
        )
    ]
    if not result.exists():
        return failed, wall, 0.0
    # A worker writes its records as it goes: one that died late still leaves what it measured.
    return _load(result) + (failed if code != 0 else []), wall, usage.ru_maxrss / 1024


def _load(result: Path) -> list[Record]:
    return [_record(r) for r in json.loads(result.read_text(encoding="utf-8"))]


def _finished(result: Path) -> bool:
    """A worker's result file that it wrote at its very end (not a checkpoint)."""
    return result.exists() and any(r.measure == "cpu_share_at_end" for r in _load(result))


SCALE_STAGES = ("store", "build_topics", "analyse", "build_fulltext")
"""Stages whose per-item cost grows with the corpus (read, parse and NER do not)."""


def _stage_seconds(
    value: dict[tuple[Any, str], Any], scale: int | str, stage: str, items: int
) -> tuple[float | None, str | None]:
    """Seconds of a stage at a scale; from the largest scale that ran it when this one did not."""
    seconds = value.get((scale, f"stage_{stage}_seconds"))
    if seconds is not None:
        return float(seconds), None
    donors = sorted(
        (s for (s, m), v in value.items() if m == f"stage_{stage}_rate" and v and s != "real"),
        key=lambda s: int(s),
    )
    if not donors:
        return None, None
    return items / float(value[(donors[-1], f"stage_{stage}_rate")]), f"{stage} from {donors[-1]}"


def derived_records(records: list[Record], scale: int | str) -> list[Record]:
    """Ingest without embeddings at this scale, built on the measured end-to-end ingest.

    The real corpus is ingested as shipped (`ingest --embedder none`, one process per core):
    that per-item wall time covers reading, parsing and NER on both cores. At a scale, the stages
    whose per-item cost grows with the corpus (store, topics, analysis, keyword index) are charged
    at their measured cost there instead of their cost on the real corpus."""
    measure = "ingest_without_embeddings"
    value = {(r.scale, r.measure): r.value for r in records}
    items = value.get((scale, "items"))
    e2e = value.get(("real", "ingest_e2e_rate"))
    real_items = value.get(("real", "items"))
    if not items or not e2e or not real_items:
        return [record(scale, measure, None, "items/s", "end-to-end ingest or items missing")]
    total = items / float(e2e)
    guessed: list[str] = []
    if scale != "real":
        for stage in SCALE_STAGES:
            here, guess = _stage_seconds(value, scale, stage, int(items))
            real_rate = value.get(("real", f"stage_{stage}_rate"))
            if here is None or not real_rate:
                return [record(scale, measure, None, "items/s", f"{stage} missing")]
            total += here - items / float(real_rate)
            if guess:
                guessed.append(guess)
    note = "end-to-end ingest of the real corpus per item"
    if scale != "real":
        note += " + the growth of store, topics, analysis and keyword index at this scale"
    if guessed:
        note += "; extrapolated linearly: " + ", ".join(guessed)
    return [record(scale, measure, items / total, "items/s", note)]


def _record(r: dict[str, Any]) -> Record:
    return Record(
        r["scale"], r["measure"], r["value"], r["unit"], r["target"], r["pass"], r.get("note")
    )


def merged(records: list[Record], path: Path, ran: set[str] | None) -> list[Record]:
    """The previous benchmarks.json's records that this run did not measure again: every
    scale not run now, and measures of a rerun scale that come from elsewhere (the real-vector
    recall rows of `make bench-recall`). `ran` None: every scale counts as run now."""
    if not path.exists():
        return records
    old = json.loads(path.read_text(encoding="utf-8")).get("results", [])
    fresh = {(str(r.scale), r.measure) for r in records}
    keep = [
        Record(
            r["scale"], r["measure"], r["value"], r["unit"], r["target"], r["pass"], r.get("note")
        )
        for r in old
        if (ran is not None and str(r["scale"]) not in ran)
        or (str(r["scale"]), r["measure"]) not in fresh
        and r["measure"].startswith(OTHER_RUNS)
    ]
    return keep + records


def write_markdown(path: Path, records: list[Record], meta: dict[str, Any]) -> None:
    """Replace the generated block of docs/benchmarks.md; the prose around it is kept."""
    mach = meta.get("machine", {})
    where = (
        f"Python {mach.get('python')}, {mach.get('cpus')} CPUs, load average at start"
        f" {mach.get('loadavg_at_start', ['?'])[0]}, at end {meta.get('loadavg_at_end', ['?'])[0]}"
        if isinstance(mach, dict)
        else str(mach)
    )
    block = "\n".join(
        [
            BEGIN,
            f"Generated by `{meta['command']}` on {meta['date']} ({where}).",
            "",
            results_table(records),
            "",
            notes_list(records),
            END,
        ]
    )
    text = (
        path.read_text(encoding="utf-8")
        if path.exists()
        else "# Benchmarks\n\n" + BEGIN + "\n" + END + "\n"
    )
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    real = (
        args.real
        if args.real is not None
        else [CORPUS_DIR] + ([EXTRA_DIR] if EXTRA_DIR.is_dir() else [])
    )
    if args.worker:
        from bench_measure import run_worker

        scale: int | str = args.worker if args.worker == "real" else int(args.worker)
        ner = scale == "real" or int(scale) <= args.ner_up_to
        skip: set[str] = set()
        if scale != "real" and int(scale) > args.annotate_up_to:
            skip.add("annotate")
        if scale != "real" and int(scale) > args.all_stages_up_to:
            skip |= {"annotate", "build_topics", "analyse"}
        peers = scale == "real" or int(scale) <= args.peers_up_to
        run_worker(scale, args.work, args.real_idx, real, args.quick, ner, skip, args.result, peers)
        return 0

    if args.report_only:
        payload = json.loads((args.out / "benchmarks.json").read_text(encoding="utf-8"))
        old = [_record(r) for r in payload["results"]]
        write_markdown(args.out / "benchmarks.md", old, payload["meta"])
        return 0
    scales = [int(s) for s in args.scales.split(",") if s.strip()]
    work = args.work or Path(tempfile.mkdtemp(prefix="minutesearch-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {
        "command": "python scripts/bench.py "
        + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "real_corpus": [str(p) for p in real],
    }
    records: list[Record] = []
    runs = ([] if args.no_real else ["real"]) + [str(s) for s in scales]
    try:
        real_idx = work / "real"
        for scale in runs:
            print(f"== {scale}", file=sys.stderr, flush=True)
            done = work / f"result-{scale}.json"
            if args.resume and _finished(done):
                print(f"   {scale}: finished in an earlier run, kept", file=sys.stderr)
                records += _load(done)
                continue
            if scale != "real":
                shutil.rmtree(work / f"scale-{scale}", ignore_errors=True)  # a half-built one
            got, wall, rss = run_child(args, scale, work, real_idx, real)
            key: int | str = scale if scale == "real" else int(scale)
            records += got
            records.append(
                record(
                    key, "peak_rss_worker", rss, "MB", "whole worker, the peers' indexes included"
                )
            )
            records.append(record(key, "worker_wall", wall, "s"))
            if scale == "real" and not (real_idx / "minutesearch.sqlite").exists():
                print("real corpus failed; scale corpora need it", file=sys.stderr)
                break
        records = merged(records, args.out / "benchmarks.json", set(runs) if args.merge else None)
        records = [r for r in records if not r.measure.startswith("ingest_without_embeddings")]
        for key in sorted({r.scale for r in records}, key=lambda s: -1 if s == "real" else int(s)):
            records += derived_records(records, key)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    meta["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.mkdir(parents=True, exist_ok=True)
    write_json(args.out / "benchmarks.json", records, meta)
    write_markdown(args.out / "benchmarks.md", records, meta)
    print(f"wrote {args.out / 'benchmarks.json'} and {args.out / 'benchmarks.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
