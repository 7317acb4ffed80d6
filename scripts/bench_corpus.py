"""The benchmark's corpora: the real demo corpus, timed stage by stage, and scale corpora made
from its items (re-dated, re-numbered, bodies shuffled) for timing only.

Real item embeddings with e5-small run at ~1 passage/s on this machine, so 100k items cannot be
embedded here. A small sample of real windows is embedded once (cached under indexes/bench/) and
every other window gets a vector derived from those: a random mix of three real vectors plus
noise, normalised. They live where real vectors live (the embedding cache) so the real
`build_semantic` stage and `search()` run unchanged on them.
"""

from __future__ import annotations

import hashlib
import json
import random
import resource
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from minutesearch.config import Settings
from minutesearch.model import Attendee, Document, Item, ItemParts
from minutesearch.stages import StageContext, as_stage
from minutesearch.store import Store

ITEMS_PER_DOC = 12
SAMPLE_WINDOWS = 24
SAMPLE_CACHE = "e5_sample.npz"


@dataclass
class Timing:
    """Wall and CPU seconds of one step; cpu/wall says how many cores it kept busy."""

    wall: float = 0.0
    cpu: float = 0.0

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall > 0 else 0.0


def cpu_seconds() -> float:
    """CPU time of this process (every thread) and of its ended child processes (ingest workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def timed(into: Timing) -> Iterator[Timing]:
    # Threads (numpy, e5) and worker processes (read, NER) both count: cores > 1 means both in use.
    wall, cpu = time.perf_counter(), cpu_seconds()
    try:
        yield into
    finally:
        into.wall += time.perf_counter() - wall
        into.cpu += cpu_seconds() - cpu


def ingest_end_to_end(
    paths: list[Path], idx: Path, workers: int, executor: str = "local"
) -> tuple[int, Timing]:
    """`minutesearch ingest --embedder none --workers N` as a user runs it: a fresh process,
    imports included; wall time, and CPU of it and its workers (wait4)."""
    import os
    import subprocess
    import sys

    cmd = [sys.executable, "-c", "from minutesearch.cli import main; main()"]
    cmd += ["--index-dir", str(idx), "ingest", *map(str, paths)]
    cmd += ["--embedder", "none", "--workers", str(workers), "--executor", executor, "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    timing = Timing(wall=time.perf_counter() - start, cpu=usage.ru_utime + usage.ru_stime)
    with Store.open(idx, create=False) as store:
        items = int(store.conn.execute("SELECT count(*) FROM items").fetchone()[0])
    return items, timing


@dataclass
class StageTimes:
    """Per ingest stage: timing, items handled, and an error text when the stage failed."""

    timings: dict[str, Timing] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def timing(self, stage: str) -> Timing:
        return self.timings.setdefault(stage, Timing())


# -- the real corpus -----------------------------------------------------------------------------


def ingest_real(paths: list[Path], idx: Path, times: StageTimes) -> tuple[int, int]:
    """read -> parse -> store each real file with a timer around each step; (files, items) stored."""
    from minutesearch.ingest import discover, sha256_file, source_key
    from minutesearch.parse import parse_document
    from minutesearch.read import read_document

    files, _ = discover(paths)
    stored_files = stored_items = 0
    with Store.open(idx) as store:
        for path in files:
            try:
                with timed(times.timing("read")):
                    result = read_document(path)
                with timed(times.timing("parse")):
                    doc = parse_document(result.text, source_key(path))
            except Exception as exc:  # a bad file is the reader's test; here it is only not timed
                times.errors.setdefault("read", f"{path.name}: {exc}")
                continue
            with timed(times.timing("store")):
                store.save_document(doc, sha256_file(path))
            stored_files += 1
            stored_items += len(doc.items)
        with timed(times.timing("store")):
            store.relink()
    for stage in ("read", "parse", "store"):
        times.items[stage] = stored_items
    return stored_files, stored_items


def run_stages(
    settings: Settings,
    times: StageTimes,
    skip: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """The ingest stages in contract order on a stored corpus, each timed on its own."""
    from minutesearch.ingest import default_stages

    with Store.open(settings.index_dir) as store:
        n_items = int(store.conn.execute("SELECT count(*) FROM items").fetchone()[0])
        all_docs = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
        ctx = StageContext(store=store, settings=settings, changed_docs=all_docs, rebuild=True)
        for stage in map(as_stage, default_stages()):
            name = stage.name
            if skip and name in skip:
                continue
            if progress is not None:
                progress(f"stage {name} on {n_items} items")
            try:
                with timed(times.timing(name)) as t:
                    stage.run(ctx)
                times.items[name] = n_items
                if progress is not None:
                    progress(f"stage {name}: {t.wall:.1f} s")
            except Exception as exc:  # record and go on: one broken stage must not hide the rest
                times.errors[name] = f"{type(exc).__name__}: {exc}"


# -- real item texts --------------------------------------------------------------------------


@dataclass
class RealItem:
    """A real §-item and the meeting metadata it came with."""

    title: str
    text: str
    dnr: str | None
    parts: ItemParts
    body: str | None
    body_short: str | None
    organisation: str | None


def real_items(idx: Path) -> list[RealItem]:
    conn = sqlite3.connect(f"file:{idx / 'minutesearch.sqlite'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT i.*, d.body, d.body_short, d.organisation FROM items i"
        " JOIN documents d ON d.id = i.doc_id WHERE length(i.text) > 40 ORDER BY i.id"
    ).fetchall()
    conn.close()
    out = []
    for r in rows:
        parts = ItemParts(
            presenter=r["presenter"],
            summary=r["summary"],
            proposal=r["proposal"],
            motions=r["motions"],
            proceedings=r["proceedings"],
            decision=r["decision"],
        )
        out.append(
            RealItem(
                r["title"] or "",
                r["text"] or "",
                r["dnr"],
                parts,
                r["body"],
                r["body_short"],
                r["organisation"],
            )
        )
    return out


def real_attendance(idx: Path) -> list[list[Attendee]]:
    """Who was present at each real meeting (name, party, group): the scale meetings reuse these
    lists, so a party filter is as selective there as on the real corpus."""
    conn = sqlite3.connect(f"file:{idx / 'minutesearch.sqlite'}?mode=ro", uri=True)
    by_doc: dict[str, list[Attendee]] = {}
    for doc_id, name, party, grp in conn.execute(
        "SELECT doc_id, name, party, grp FROM attendees WHERE present = 1 ORDER BY doc_id, position"
    ):
        by_doc.setdefault(doc_id, []).append(Attendee(name=name, party=party, group=grp))
    conn.close()
    return [people for _, people in sorted(by_doc.items()) if people]


# -- the scale corpus ---------------------------------------------------------------------------


def _paragraphs(text: str) -> list[str]:
    paras = [p for p in text.split("\n\n") if p.strip()]
    return paras or [text]


def scale_documents(
    items: list[RealItem],
    n_items: int,
    seed: int = 7,
    attendance: list[list[Attendee]] | None = None,
) -> Iterator[Document]:
    """Documents of ITEMS_PER_DOC items each until n_items: real item text, a paragraph of another
    real item mixed in (no two items identical), new dates and § numbers, bodies shuffled; the
    attendance of a real meeting when `attendance` is given."""
    rng = random.Random(seed)
    people = random.Random(seed + 1)  # its own generator: the items do not depend on it
    bodies = sorted({(i.body, i.body_short, i.organisation) for i in items}, key=str)
    start = date(2016, 1, 1)
    made = 0
    doc_no = 0
    while made < n_items:
        body, short, org = rng.choice(bodies)
        day = start + timedelta(days=rng.randrange(365 * 11))
        first = rng.randrange(1, 300)
        count = min(ITEMS_PER_DOC, n_items - made)
        doc = Document(
            source=f"bench/scale/{doc_no:06d}.txt",
            kind="protocol",
            title="Protokoll",
            body=body,
            body_short=short,
            date=day.isoformat(),
            organisation=org,
            present=list(people.choice(attendance)) if attendance else [],
        )
        for k in range(count):
            src = rng.choice(items)
            other = rng.choice(items)
            paras = _paragraphs(src.text)
            paras.insert(rng.randrange(len(paras) + 1), rng.choice(_paragraphs(other.text)))
            doc.items.append(
                Item(
                    section=first + k,
                    title=src.title,
                    text="\n\n".join(paras),
                    dnr=src.dnr,
                    parts=src.parts,
                )
            )
        made += count
        doc_no += 1
        yield doc


def store_scale(
    idx: Path,
    docs: Iterator[Document],
    times: StageTimes,
    progress: Callable[[str], None] | None = None,
) -> int:
    n = 0
    next_report = 100_000
    with Store.open(idx) as store:
        for doc in docs:
            digest = hashlib.sha256(doc.source.encode()).hexdigest()
            with timed(times.timing("store")):
                store.save_document(doc, digest)
            n += len(doc.items)
            if progress is not None and n >= next_report:
                progress(f"stored {n} items ({times.timing('store').wall:.0f} s)")
                next_report += 100_000
    times.items["store"] = n
    return n


def persons_from_attendance(idx: Path, real_idx: Path) -> int:
    """At scales where the annotate stage is not run, what it would resolve from the attendance
    lists alone: the real corpus' persons (the scale corpus reuses its attendance lists) and a
    meeting role for every attendance line written with one of their names, so a person filter
    is measured as it runs for resolved persons. No mentions, presenters or yrkanden: those
    need the items' texts read by NER. Returns how many roles were written."""
    from minutesearch.entities.roles import ABSENT, GROUP_ROLES
    from minutesearch.locations import store_path

    with Store.open(idx) as store:
        c = store.conn
        c.execute("ATTACH DATABASE ? AS real", (str(store_path(real_idx)),))
        try:
            groups = json.dumps(GROUP_ROLES)
            with store.transaction() as tx:
                tx.execute("INSERT OR IGNORE INTO persons SELECT * FROM real.persons")
                tx.execute(
                    "INSERT INTO person_roles (person_id, doc_id, item_id, role)"
                    " SELECT DISTINCT p.id, a.doc_id, NULL, CASE WHEN a.present THEN"
                    " coalesce(json_extract(?, '$.' || json_quote(a.grp)), a.grp, 'ledamot')"
                    " ELSE ? END FROM attendees a JOIN persons p ON p.name = a.name",
                    (groups, ABSENT),
                )
                n = int(tx.execute("SELECT count(*) FROM person_roles").fetchone()[0])
        finally:
            c.execute("DETACH DATABASE real")
    return n


# -- embeddings: a real sample, and derived vectors for the rest --------------------------------


def embed_sample(
    idx: Path, cache_dir: Path, progress: Callable[[str], None]
) -> tuple[np.ndarray, float]:
    """Real e5-small vectors of SAMPLE_WINDOWS real windows, and passages/s (cached on disk)."""
    from minutesearch.index.semantic import windows

    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / SAMPLE_CACHE
    if path.exists():
        data = np.load(path)
        return np.asarray(data["vectors"], dtype=np.float32), float(data["rate"])
    from minutesearch.index.embedders import get_embedder

    rng = random.Random(3)
    texts = [w for item in real_items(idx) for w in windows(item.title, item.text)]
    sample = rng.sample(texts, min(SAMPLE_WINDOWS, len(texts)))
    embedder = get_embedder("e5-small")
    embedder.embed_passages(sample[:1])  # load and warm the model outside the timing
    progress(f"embedding {len(sample)} real windows with e5-small (cached afterwards)")
    t = time.perf_counter()
    vectors = np.concatenate(
        [embedder.embed_passages(sample[i : i + 8]) for i in range(0, len(sample), 8)]
    )
    rate = len(sample) / (time.perf_counter() - t)
    np.savez(path, vectors=vectors.astype(np.float32), rate=rate)
    return vectors.astype(np.float32), rate


def derived_vectors(
    base: np.ndarray, n: int, rng: np.random.Generator, noise: float = 0.35
) -> np.ndarray:
    """n unit vectors near the span of the real ones: three real vectors mixed, plus noise."""
    picks = rng.integers(0, len(base), size=(n, 3))
    weights = rng.dirichlet(np.ones(3), size=n).astype(np.float32)
    mixed = np.einsum("nk,nkd->nd", weights, base[picks])
    mixed += rng.normal(0, noise / np.sqrt(base.shape[1]), size=mixed.shape).astype(np.float32)
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    return mixed.astype(np.float32)


def prefill_embedding_cache(
    idx: Path,
    base: np.ndarray,
    model: str,
    seed: int = 5,
    texts: list[tuple[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Put a derived vector for every window of every item (or of `texts`: (title, text) pairs)
    into the semantic stage's cache. Streamed: 20,000 windows in memory at a time."""
    from minutesearch.index.semantic import CACHE_FILE, EmbeddingCache, _cache_key, windows

    rng = np.random.default_rng(seed)
    cache = EmbeddingCache(idx / CACHE_FILE)
    total = 0
    next_report = 200_000
    try:
        with Store.open(idx) as store:
            batch: list[str] = []
            rows = (
                texts if texts is not None else store.conn.execute("SELECT title, text FROM items")
            )
            for r in rows:
                batch += [_cache_key(model, w) for w in windows(r[0] or "", r[1] or "")]
                if len(batch) >= 20_000:
                    cache.put_many(
                        list(zip(batch, derived_vectors(base, len(batch), rng), strict=True))
                    )
                    total += len(batch)
                    batch = []
                    if progress is not None and total >= next_report:
                        progress(f"prefilled {total} window vectors")
                        next_report += 200_000
            if batch:
                cache.put_many(
                    list(zip(batch, derived_vectors(base, len(batch), rng), strict=True))
                )
                total += len(batch)
    finally:
        cache.close()
    return total


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0
