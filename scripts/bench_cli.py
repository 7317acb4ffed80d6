"""Fresh-process timings: `minutesearch --help`, a cold keyword search, and e5-small query
embedding with and without OpenMP threads (a subprocess each, so nothing is warm)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_report import Record, latency_records, record

_EMBED_PROBE = """
import json, sys, time
from minutesearch.index.embedders import get_embedder
emb = get_embedder("e5-small")
queries = json.loads(sys.argv[1])
emb.embed_query(queries[0])
out = []
for q in queries * 2:
    t = time.perf_counter()
    emb.embed_query(q)
    out.append((time.perf_counter() - t) * 1000)
print(json.dumps(out))
"""


def query_embedding_threads(scale: int | str, queries: list[str]) -> list[Record]:
    """e5-small query embedding as shipped (OpenMP picks the threads) and pinned to one thread."""
    out: list[Record] = []
    for label, threads in (("e5_query_embed", None), ("e5_query_embed_1thread", "1")):
        env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
        if threads:
            env["OMP_NUM_THREADS"] = threads
        run = subprocess.run(
            [sys.executable, "-c", _EMBED_PROBE, json.dumps(queries)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        samples = json.loads(run.stdout) if run.returncode == 0 else []
        note = "OMP_NUM_THREADS=1" if threads else "default OpenMP threads"
        out += latency_records(scale, label, samples, note if samples else run.stderr[-200:])
    return out


def cold_cli(scale: int | str, idx: Path, runs: int) -> list[Record]:
    """Wall time of fresh `minutesearch` processes: --help, and a keyword search on this index."""
    exe = str(Path(sys.executable).parent / "minutesearch")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}

    def wall(args: list[str]) -> float:
        t = time.perf_counter()
        subprocess.run([exe, *args], capture_output=True, env=env, check=True, timeout=120)
        return time.perf_counter() - t

    out = [
        record(
            scale, "cli_help_cold", statistics.median(wall(["--help"]) for _ in range(runs)), "s"
        )
    ]
    for mode, note in (
        ("keyword", "new process: imports, opening the store and the keyword index, one query"),
        ("semantic", "new process: as keyword, plus loading e5-small and the vectors"),
    ):
        measure = f"cli_{mode}_search_cold"
        args = ["--index-dir", str(idx), "search", "detaljplan förskola", "--mode", mode, "--json"]
        try:
            out.append(
                record(
                    scale, measure, statistics.median(wall(args) for _ in range(runs)), "s", note
                )
            )
        except subprocess.CalledProcessError as exc:
            out.append(
                record(scale, measure, None, "s", exc.stderr.decode(errors="replace")[-200:])
            )
    return out
