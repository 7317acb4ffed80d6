"""Compact, memory-mapped window vectors: int8 for scanning, float16 for re-scoring, HNSW above
a size threshold, a small delta segment for incremental adds, tombstones for deletions.

Layout of a vector folder (format 2; `semantic.build_semantic` writes it, `semantic.open_vectors`
opens it)::

    stamp.json        format, backend, model, dim, ... and "segments" (the live segment folders,
                      main first) and "tombstones" (a .npz of dead item rows per segment, or null)
    <segment>/meta.json  windows, items, dim, the attribute vocabularies
    <segment>/q8.bin     int8 windows x dim, every row scaled so its largest component is 127
                         (cosine is scale-free, so no per-row scale is needed for ranking)
    <segment>/f16.bin    float16 windows x dim: the full-precision rows for re-scoring (read
                         with positioned reads, not mapped: see Segment.f16_take)
    <segment>/win_item.npy  int32: the segment-local item row of each window
    <segment>/ids.npy, order.npy, starts.npy, fp.npy  item ids (utf-8 bytes), their sort order,
                         first window, fingerprint (id, content hash, canonical id, document)
    <segment>/body.npy, org.npy, kind.npy, date.npy, party.npy  per-item filter attributes
                         (codes into meta.json's vocabularies; date as bytes; party as packed bits)
    <segment>/day.npy    int32: each item's date as its index in meta.json's sorted "days"
                         (optional: segments written before it filter on date.npy)
    <segment>/doc.npy, doc_names.npy  int32 per item: its document (meeting) as an index into
                         the sorted document ids (the person filter's attended meetings)
    <segment>/person.npy, person_ptr.npy, person_names.npy  the ids of the persons each item
                         names (filters.item_persons): item i's are person[ptr[i]:ptr[i+1]],
                         indexes into the sorted person ids
    <segment>/hnsw.usearch  usearch HNSW over q8 (main segment above ANN_MIN_WINDOWS only)

Every array is opened memory-mapped, so opening costs a few small reads and RSS grows only with
the pages a query touches. The stamp is the commit point: a segment or tombstone file is written
under a fresh name first, then stamp.json is replaced (os.replace), so a reader sees the old or
the new index, never half of one.

The API the recall benchmark (scripts/bench_recall.py) calls::

    build_vector_index(folder, matrix_or_chunks, item_ids, starts, *, stamp=None, ann=None)
    vi = VectorIndex.open(folder)
    rows, scores = vi.search_windows(query_vec, k, items=None, exact=False)

`matrix_or_chunks` is a float32 (windows x dim) matrix of unit vectors or an iterable of such
chunks, in item order; `starts[i]` is item i's first window. `ann=True/False` forces the HNSW
graph on or off (None: by ANN_MIN_WINDOWS). `search_windows` returns global window rows and their
float16 re-scored cosines, best first; `exact=True` scans every (allowed) int8 row instead of
walking the graph, then re-scores the same way. `items` is one bool per item (the filter).

Numbers behind the constants: see ANN_MIN_WINDOWS and HNSW_* below.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import StoreError

# OpenMP worker threads spin after each parallel region by default; after an HNSW search they
# stalled the next e5 query embedding on two cores (semantic query 25-40 ms -> 100-200 ms on
# the eval with the graph forced). Passive waiting, unless the user chose otherwise; read when
# the OpenMP runtime starts, so set before the embedder or usearch is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

FORMAT_VERSION = 3  # 3: document and person attributes (the person filter)

# Scan vs graph, measured with scripts/measure_vectors.py (clustered synthetic unit vectors,
# 384 dims, one query at a time, 2 threads; on the 2-core machine while four other jobs ran, so
# every figure is inflated alike, load average 6-9):
#   int8 exact scan, top 10 / top 400 windows, p50:  50k 19 / 40 ms, 100k 40 / 51 ms,
#                                                    200k 55 / 85 ms, 400k 119 / 109 ms
#   HNSW (M 16, ef_add 128, ef 64), top 10 / 400:    50k 0.5 / 14 ms, 100k 0.8 / 20 ms
#   (the search's ef is max(ef, k): a top-400 walk costs the same at ef 64 or 256)
#   recall@10 vs exact float32: scan 0.997-1.000 (int8 + float16 re-score), HNSW 1.000 at
#   ef_add 128 and 0.975 at ef_add 64 (50k, ef 128); build 1,300 vectors/s at ef_add 128 and
#   2,300 at 64 (50k, loaded machine; 400/s at 100k under load 9).
# The scan grows linearly and passes the graph's top-400 cost near 50k windows; below
# ANN_MIN_WINDOWS it is still within budget and needs no graph to build, so the graph starts
# at 100k windows (about 50k items). Recall on real e5 vectors: scripts/bench_recall.py.
ANN_MIN_WINDOWS = 100_000
HNSW_CONNECTIVITY = 16
HNSW_EXPANSION_ADD = 128
HNSW_EXPANSION_SEARCH = 256
# A filter that leaves at most this many windows is searched exactly over just those rows.
EXACT_FILTER_ROWS = 100_000
# Above it, graph walk or exact scan of the allowed rows by their costs. A full build lays the
# items out by (organisation, body, date) (semantic.py), so a body, organisation or date filter
# allows a few long runs of rows, which are scanned in place; scattered rows (a party, a set of
# ids) are gathered first. Scans are numkong dot products over int8 in THREADS threads (they
# release the GIL), times each row's 1 / norm; usearch's exhaustive search kept a heap per row
# and cost 0.08 us a row. Measured at 1M items (1.9M windows of 384 dims, 2 threads, idle
# machine, the filters of `make bench`), per allowed row or fetched result:
#   - a post-filtered graph walk ~3.7 us per result it must fetch (want / share x 1.5: 2.2k
#     results for a 42 % party filter in 6.5-8.5 ms, 9.2k for a 10 % body filter in 37-40 ms);
#   - an int8 scan of rows in place 0.024 us (190k contiguous rows in 5 ms), plus ~40 us per
#     run scanned as its own view; gathering scattered rows first 0.14 us more (313k rows of a
#     party filter: 52 ms), which is what the sketch below is for.
GRAPH_US_PER_RESULT = 3.7
SCAN_US_PER_ROW = 0.024
GATHER_US_PER_ROW = 0.14
RUN_US = 40.0
PARALLEL_ROWS = 32_768  # a scan of at least this many rows is split over THREADS threads
# A run of at least this many windows is scanned as a view of the map; shorter runs are
# gathered together into one matrix and scanned once.
VIEW_MIN_WINDOWS = 4_096
# The sketch: every window projected on the main segment's first SKETCH_DIMS principal axes, in
# int8 (a third of q8's bytes). A scan of more than SKETCH_MIN_ROWS rows reads the sketch
# first, keeps the best SKETCH_SHARE of the rows (at least SKETCH_OVERSAMPLE x the fetch), and
# scans only those in q8 (then float16 as always). At 1M items (96 dims): the 313k scattered
# rows of a party filter in 15-17 ms (52 ms without), 347k rows of a date filter in 9-10 ms
# (17 ms). Recall of the exact path through the sketch on 4,977 real e5 windows, keeping 5 % of
# the rows (`ann_recall_at_10_real_sketch`, scripts/bench_recall.py), items eval / held-out:
# 96 dims 0.965 / 0.976, 96 dims keeping 8 % 0.978 / 0.993, 128 dims 0.979 / 0.992 (the HNSW
# path: 0.982 / 0.997); 128 dims cost about what 96 keeping 8 % do.
SKETCH_DIMS = 128
SKETCH_MIN_WINDOWS = ANN_MIN_WINDOWS
SKETCH_MIN_ROWS = EXACT_FILTER_ROWS
SKETCH_SHARE = 0.05
SKETCH_OVERSAMPLE = 8
SKETCH_SAMPLE = 20_000  # windows the principal axes are fitted on (evenly spaced)
SKETCH_US_PER_ROW = 0.015
SKETCH_GATHER_US_PER_ROW = 0.035
# The delta segment is merged into the main one (a full rebuild from the embedding cache) when
# it holds more windows than this, or than MERGE_FRACTION of the main segment. Every add
# rewrites the whole delta (its items re-read from the store, vectors from the cache), so it
# is kept small: 20k windows are about 10k items.
DELTA_MAX_WINDOWS = 20_000
MERGE_FRACTION = 0.2
# Past this many graph results a post-filtered query gives up on the graph and scans the
# allowed rows exactly (correct, and no slower than a walk that long).
MAX_ANN_FETCH = 16_384
RESCORE_EXTRA = 2  # int8 candidates fetched per wanted window by a scan, re-scored in float16
ANN_EXTRA = 1.5  # the same for the graph (its cost grows with the fetch)
CHUNK_WINDOWS = 65_536  # streaming unit when writing, scanning and building the graph
THREADS = 2
FILTER_CACHE = 16  # ItemFilters whose masks and search plans an opened index keeps

ENV_FORCE_ANN = "MINUTESEARCH_FORCE_ANN"  # "1": HNSW at any size (eval of the ANN path)


def ann_min_windows() -> int:
    """The window count from which a main segment gets an HNSW graph (0 when forced by env)."""
    return 0 if os.environ.get(ENV_FORCE_ANN) == "1" else ANN_MIN_WINDOWS


def quantize(matrix: np.ndarray) -> np.ndarray:
    """int8 rows scaled so each row's largest |component| is 127 (cosine ignores the scale)."""
    m = np.asarray(matrix, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    peak = np.max(np.abs(m), axis=1, keepdims=True)
    return np.round(m * (127.0 / np.maximum(peak, 1e-12))).astype(np.int8)


# -- writing ---------------------------------------------------------------------------------


@dataclass(slots=True)
class ItemAttrs:
    """Per-item filter attributes at build time (all optional)."""

    body: str | None = None
    org: str | None = None
    date: str | None = None
    kind: str | None = None
    parties: frozenset[str] = frozenset()
    fingerprint: bytes = b""
    doc: str | None = None
    persons: frozenset[str] = frozenset()


@dataclass
class _Vocab:
    names: list[str] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)

    def code(self, value: str | None) -> int:
        if value is None:
            return -1
        if value not in self.index:
            self.index[value] = len(self.names)
            self.names.append(value)
        return self.index[value]


def _chunks(data: np.ndarray | Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    if isinstance(data, np.ndarray):
        for start in range(0, len(data), CHUNK_WINDOWS):
            yield data[start : start + CHUNK_WINDOWS]
    else:
        yield from data


def write_segment(
    folder: Path,
    vectors: np.ndarray | Iterable[np.ndarray],
    item_ids: Sequence[str],
    starts: Sequence[int] | np.ndarray,
    dim: int,
    attrs: Sequence[ItemAttrs] | None = None,
    *,
    ann: bool | None = None,
) -> dict[str, Any]:
    """Write one segment into the new folder `folder`, streaming the vectors chunk by chunk
    (never the whole float32 matrix in memory); returns its meta."""
    folder.mkdir(parents=True)
    windows = 0
    inv: list[np.ndarray] = []
    with open(folder / "q8.bin", "wb") as q8, open(folder / "f16.bin", "wb") as f16:
        for chunk in _chunks(vectors):
            c = np.asarray(chunk, dtype=np.float32).reshape(-1, dim)
            rows = quantize(c) if len(c) else np.zeros((0, dim), np.int8)
            q8.write(rows.tobytes())
            f16.write(c.astype(np.float16).tobytes())
            inv.append(_inv_norms(rows))
            windows += len(c)
    np.save(folder / "q8inv.npy", np.concatenate([np.zeros(0, np.float32), *inv]))
    n = len(item_ids)
    st = np.asarray(starts, dtype=np.int64).reshape(n)
    if n and (st[0] != 0 or np.any(np.diff(st) < 1) or st[-1] >= windows):
        raise ValueError(f"{folder}: item starts do not fit {windows} windows")
    win_item = np.zeros(windows, dtype=np.int32)
    if n:
        win_item[st[1:]] = 1
        win_item = np.cumsum(win_item, dtype=np.int32)
    ids = np.array([i.encode("utf-8") for i in item_ids], dtype=f"S{_width(item_ids)}")
    np.save(folder / "ids.npy", ids)
    np.save(folder / "order.npy", np.argsort(ids, kind="stable").astype(np.int32))
    np.save(folder / "starts.npy", st)
    np.save(folder / "win_item.npy", win_item)
    vocab = {"body": _Vocab(), "org": _Vocab(), "kind": _Vocab(), "party": _Vocab()}
    a = list(attrs) if attrs is not None else [ItemAttrs() for _ in range(n)]
    np.save(folder / "body.npy", np.array([vocab["body"].code(x.body) for x in a], np.int32))
    np.save(folder / "org.npy", np.array([vocab["org"].code(x.org) for x in a], np.int32))
    np.save(folder / "kind.npy", np.array([vocab["kind"].code(x.kind) for x in a], np.int32))
    dates = np.array([(x.date or "").encode() for x in a], dtype="S10")
    np.save(folder / "date.npy", dates)
    # Each date as its rank among the segment's distinct dates: a date filter is then decided
    # once per distinct date and spread by code (a 1M-item byte comparison cost 8 ms).
    day_names, day_code = np.unique(dates, return_inverse=True)
    np.save(folder / "day.npy", day_code.astype(np.int32).reshape(-1))
    np.save(folder / "fp.npy", np.array([x.fingerprint for x in a], dtype="S16"))
    for x in a:
        for p in sorted(x.parties):
            vocab["party"].code(p)
    bits = np.zeros((n, max(1, len(vocab["party"].names))), dtype=bool)
    for row, x in enumerate(a):
        for p in x.parties:
            bits[row, vocab["party"].index[p]] = True
    np.save(folder / "party.npy", np.packbits(bits, axis=1))
    doc_names, doc_code = _coded([x.doc or "" for x in a])
    np.save(folder / "doc_names.npy", doc_names)
    np.save(folder / "doc.npy", doc_code)
    counts = np.array([len(x.persons) for x in a], dtype=np.int64)
    person_names, person_code = _coded([p for x in a for p in sorted(x.persons)])
    np.save(folder / "person_names.npy", person_names)
    np.save(folder / "person.npy", person_code)
    np.save(folder / "person_ptr.npy", np.concatenate([[0], np.cumsum(counts)]).astype(np.int64))
    use_sketch = windows >= max(SKETCH_DIMS * 4, SKETCH_MIN_WINDOWS) and dim > SKETCH_DIMS
    if use_sketch:
        _write_sketch(folder, windows, dim)
    use_ann = ann if ann is not None else windows >= max(1, ann_min_windows())
    if use_ann and windows:
        _build_hnsw(folder, windows, dim)
    meta = {
        "windows": windows,
        "items": n,
        "dim": dim,
        "hnsw": bool(use_ann and windows),
        "sketch": SKETCH_DIMS if use_sketch else 0,
        "vocab": {k: v.names for k, v in vocab.items()},
        "days": [d.decode() for d in day_names.tolist()],
    }
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


def _coded(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (sorted utf-8 bytes) and each value's index among them (int32)."""
    raw = np.array([v.encode("utf-8") for v in values], dtype=f"S{_width(values)}")
    names, code = np.unique(raw, return_inverse=True)
    return names, code.astype(np.int32).reshape(-1)


def _width(ids: Sequence[str]) -> int:
    return max([1, *(len(i.encode("utf-8")) for i in ids)])


def _build_hnsw(folder: Path, windows: int, dim: int) -> None:
    from usearch.index import Index

    index = Index(
        ndim=dim,
        metric="cos",
        dtype="i8",
        connectivity=HNSW_CONNECTIVITY,
        expansion_add=HNSW_EXPANSION_ADD,
        expansion_search=HNSW_EXPANSION_SEARCH,
    )
    # Plain reads, not a map: the graph keeps its own copy of the vectors, and a map's pages
    # would stay resident beside it (730 MB at 1M items).
    with open(folder / "q8.bin", "rb") as fh:
        for start in range(0, windows, CHUNK_WINDOWS):
            count = min(CHUNK_WINDOWS, windows - start)
            rows = np.frombuffer(fh.read(count * dim), dtype=np.int8).reshape(count, dim)
            index.add(np.arange(start, start + count, dtype=np.uint64), rows, threads=THREADS)
    index.save(str(folder / "hnsw.usearch"))
    del index
    _give_back_heap()


def _give_back_heap() -> None:
    """Return freed heap to the OS (glibc keeps what the graph build freed: ~1 GB at 1M items,
    which a long-lived process, an ingest followed by searches, would carry on as RSS)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _write_sketch(folder: Path, windows: int, dim: int) -> None:
    """sketch.bin (int8 windows x SKETCH_DIMS) and sketch.npz (mean, axes, scale): each window's
    coordinates on the principal axes of an evenly spaced sample, each axis scaled to int8.
    Ranking by the sketch's inner product ranks by cosine to a good approximation (the windows
    are unit vectors; the mean only adds a constant). f16.bin is read with plain reads, chunk
    by chunk: a map of it would stay resident (1.4 GB at 1M items) and count as the build's."""
    row = dim * 2  # float16
    step = max(1, windows // SKETCH_SAMPLE)
    picks = np.arange(0, windows, step)[:SKETCH_SAMPLE]
    with open(folder / "f16.bin", "rb") as fh:
        sample = np.empty((len(picks), dim), dtype=np.float32)
        for n, r in enumerate(picks.tolist()):
            fh.seek(r * row)
            sample[n] = np.frombuffer(fh.read(row), dtype=np.float16)
        mean = sample.mean(axis=0)
        _, _, axes = np.linalg.svd(sample - mean, full_matrices=False)
        proj = np.ascontiguousarray(axes[:SKETCH_DIMS].T, dtype=np.float32)
        scale = np.maximum(np.abs((sample - mean) @ proj).max(axis=0), 1e-6) / 127.0
        fh.seek(0)
        with open(folder / "sketch.bin", "wb") as out:
            for start in range(0, windows, CHUNK_WINDOWS):
                count = min(CHUNK_WINDOWS, windows - start)
                block = np.frombuffer(fh.read(count * row), dtype=np.float16).reshape(count, dim)
                z = np.clip(np.round((block.astype(np.float32) - mean) @ proj / scale), -127, 127)
                out.write(z.astype(np.int8).tobytes())
    np.savez(folder / "sketch.npz", mean=mean, proj=proj, scale=scale.astype(np.float32))


def segment_name(kind: str) -> str:
    """A fresh segment folder name ("main-1a2b...", "delta-...")."""
    return f"{kind}-{uuid.uuid4().hex[:12]}"


def write_json_atomic(path: Path, data: object) -> None:
    """Write JSON beside, fsync, then rename over: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def build_vector_index(
    folder: Path,
    vectors: np.ndarray | Iterable[np.ndarray],
    item_ids: Sequence[str],
    starts: Sequence[int] | np.ndarray,
    *,
    dim: int | None = None,
    attrs: Sequence[ItemAttrs] | None = None,
    stamp: dict[str, Any] | None = None,
    ann: bool | None = None,
) -> None:
    """Write a complete vector folder (one main segment) into `folder`, which must not exist
    yet (build in a temp folder and swap it into place)."""
    if dim is None:
        if not isinstance(vectors, np.ndarray):
            raise ValueError("dim is required when vectors come in chunks")
        dim = int(vectors.shape[1]) if vectors.ndim == 2 else 0
    folder.mkdir(parents=True)
    name = segment_name("main")
    meta = write_segment(folder / name, vectors, item_ids, starts, dim, attrs, ann=ann)
    write_json_atomic(
        folder / "stamp.json",
        {
            **(stamp or {}),
            "format": FORMAT_VERSION,
            "dim": dim,
            "segments": [name],
            "tombstones": None,
            "items": meta["items"],
            "windows": meta["windows"],
        },
    )


def fingerprint(*parts: object) -> bytes:
    """Up to 16 bytes identifying an item's content and document attributes (for incremental
    adds); trailing NULs are dropped, as numpy's bytes arrays drop them when read back."""
    digest = hashlib.blake2b("\0".join(str(p) for p in parts).encode(), digest_size=16)
    return digest.digest().rstrip(b"\0")


# -- reading ---------------------------------------------------------------------------------


def _load(path: Path) -> np.ndarray:
    # A plain ndarray view of the map: np.memmap's Python __getitem__ cost ~30 us per element
    # (6 ms of a filtered query went to reading 200 item ids).
    return np.load(path, mmap_mode="r").view(np.ndarray)


class Segment:
    """One memory-mapped segment: int8 + float16 windows, items, attributes, maybe a graph."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.windows = int(self.meta["windows"])
        self.items = int(self.meta["items"])
        self.dim = int(self.meta["dim"])
        shape = (self.windows, self.dim)
        self.q8: np.ndarray
        self.f16: np.ndarray
        self._f16_fd = -1
        if self.windows and self.dim:
            self.q8 = np.memmap(folder / "q8.bin", np.int8, "r", shape=shape).view(np.ndarray)
            self.f16 = np.memmap(folder / "f16.bin", np.float16, "r", shape=shape).view(np.ndarray)
            # Opened now, like the maps: a later update may delete the folder (see below).
            self._f16_fd = os.open(folder / "f16.bin", os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            weakref.finalize(self, os.close, self._f16_fd)
        else:
            self.q8 = np.zeros(shape, dtype=np.int8)
            self.f16 = np.zeros(shape, dtype=np.float16)
        self.ids = _load(folder / "ids.npy")
        self.order = _load(folder / "order.npy")
        self.starts = _load(folder / "starts.npy")
        self.win_item = _load(folder / "win_item.npy")
        # Memory-mapped now (costs nothing): a later update may delete this folder, and open
        # maps stay readable where a lazy open would not.
        self._attrs: dict[str, np.ndarray] = {
            name: _load(folder / f"{name}.npy")
            for name in ("body", "org", "kind", "date", "party", "fp", "day")
            if (folder / f"{name}.npy").exists()
        }
        self._sorted_ids: np.ndarray | None = None
        self._bounds: np.ndarray | None = None
        self.sketch: np.ndarray | None = None
        self._sketch_proj: np.ndarray | None = None
        if self.meta.get("sketch") and self.windows:
            shape_s = (self.windows, int(self.meta["sketch"]))
            self.sketch = np.memmap(folder / "sketch.bin", np.int8, "r", shape=shape_s).view(
                np.ndarray
            )
            with np.load(folder / "sketch.npz") as z:
                # The query side: its projection times each axis' scale undoes the scaling.
                self._sketch_proj = (z["proj"] * z["scale"][None, :]).astype(np.float32)
        self.hnsw: Any = None
        if self.meta.get("hnsw"):
            from usearch.index import Index

            self.hnsw = Index.restore(str(folder / "hnsw.usearch"), view=True)
            self.hnsw.expansion_search = HNSW_EXPANSION_SEARCH  # not kept in the file

    def attr(self, name: str) -> np.ndarray:
        """A per-item attribute array (body, org, kind, date, party, fp), memory-mapped."""
        if name not in self._attrs:
            self._attrs[name] = _load(self.folder / f"{name}.npy")
        return self._attrs[name]

    def rows_of(self, ids: Iterable[str]) -> np.ndarray:
        """Item rows of the given ids that this segment holds (binary search on the sort order)."""
        wanted = [i.encode("utf-8") for i in ids]
        if not wanted or not self.items:
            return np.zeros(0, dtype=np.int64)
        width = self.ids.dtype.itemsize
        keys = np.array([w for w in wanted if len(w) <= width], dtype=self.ids.dtype)
        if not len(keys):
            return np.zeros(0, dtype=np.int64)
        if self._sorted_ids is None:
            self._sorted_ids = np.asarray(self.ids[self.order])
        sorted_ids = self._sorted_ids
        pos = np.searchsorted(sorted_ids, keys)
        pos = np.minimum(pos, self.items - 1)
        hit = sorted_ids[pos] == keys
        return np.asarray(self.order[pos[hit]], dtype=np.int64)

    def item_id(self, row: int) -> str:
        """The id of a segment-local item row."""
        return bytes(self.ids[row]).decode("utf-8")

    def filter_mask(self, f: Any) -> np.ndarray:
        """A bool per item: does it pass the ItemFilter `f` (vectorised over the attributes)."""
        keep = np.ones(self.items, dtype=bool)
        vocab = self.meta["vocab"]
        for name, values in (("body", f.bodies), ("org", f.orgs)):
            if values is not None:
                codes = [n for n, v in enumerate(vocab[name]) if v in values]
                keep &= np.isin(self.attr(name), np.asarray(codes, dtype=np.int32))
        if f.kind is not None:
            codes = [n for n, v in enumerate(vocab["kind"]) if v == f.kind]
            keep &= np.isin(self.attr("kind"), np.asarray(codes, dtype=np.int32))
        if f.since is not None or f.until is not None:
            days = self.meta.get("days")
            if days and "days" not in self._attrs:
                self._attrs["days"] = np.array([d.encode() for d in days], dtype="S10")
            dates = self._attrs["days"] if days else self.attr("date")
            ok = dates != b""
            if f.since is not None:
                ok &= dates >= str(f.since).encode()
            if f.until is not None:
                ok &= dates <= str(f.until).encode()
            keep &= ok[self.attr("day")] if days else ok
        if f.party is not None:
            party = str(f.party).upper()
            names = vocab["party"]
            if party in names:
                p = names.index(party)
                bits = self.attr("party")[:, p // 8]
                keep &= ((bits >> (7 - p % 8)) & 1).astype(bool)
            else:
                keep[:] = False
        if f.person is not None:
            keep &= self._person_mask(f.person)
        if f.item_ids is not None:
            allowed = np.zeros(self.items, dtype=bool)
            allowed[self.rows_of(f.item_ids)] = True
            keep &= allowed
        return keep

    def _person_mask(self, scope: Any) -> np.ndarray:
        """A bool per item: does it name one of the scope's persons, belong to one of its
        meetings, or is it one of its items (filters.PersonScope)."""
        out = np.zeros(self.items, dtype=bool)
        if not self.items:
            return out
        if scope.persons:
            codes = _codes_of(self.attr("person_names"), scope.persons)
            hit = np.isin(self.attr("person"), codes)
            if hit.any():
                # The entry's item: the last item whose pointer is at or before it.
                owner = np.searchsorted(self.attr("person_ptr"), np.flatnonzero(hit), "right") - 1
                out[owner] = True
        if scope.docs:
            out |= np.isin(self.attr("doc"), _codes_of(self.attr("doc_names"), scope.docs))
        if scope.items:
            out[self.rows_of(scope.items)] = True
        return out

    def bounds(self) -> np.ndarray:
        """Each item's first window and, last, the window count (int64, items + 1 long)."""
        if self._bounds is None:
            self._bounds = np.append(np.asarray(self.starts, dtype=np.int64), self.windows)
        return self._bounds

    def window_runs(self, items: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The runs of windows (starts, ends) of the items a bool per item allows (None: all),
        found on the items alone: no per-window mask is made."""
        if items is None:
            return np.zeros(1, np.int64), np.full(1, self.windows, np.int64)
        edges = np.flatnonzero(np.diff(items.view(np.int8), prepend=0, append=0))
        bounds = self.bounds()
        return bounds[edges[0::2]], bounds[edges[1::2]]

    def inv_norm(self) -> np.ndarray:
        """1 / |row| of every q8 row (float32): q8 . query x this ranks rows by cosine.
        Written at build (q8inv.npy); computed chunk-wise for segments written before it."""
        if "q8inv" not in self._attrs:
            path = self.folder / "q8inv.npy"
            if path.exists():
                self._attrs["q8inv"] = _load(path)
            else:
                self._attrs["q8inv"] = np.concatenate(
                    [np.zeros(0, np.float32)]
                    + [
                        _inv_norms(self.q8[start : start + CHUNK_WINDOWS])
                        for start in range(0, self.windows, CHUNK_WINDOWS)
                    ]
                )
        return self._attrs["q8inv"]

    def exact(
        self,
        q8: np.ndarray,
        qf: np.ndarray,
        k: int,
        runs: tuple[np.ndarray, np.ndarray] | None = None,
        short: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best windows (segment rows, re-scored cosines) among the window `runs`
        (starts, ends; None: all), by an exhaustive int8 scan and a float16 re-score of
        RESCORE_EXTRA * k of them. Long runs are scanned in place, short ones gathered (their
        rows: `short`, when the caller has them); a big scan reads the sketch first and q8
        only for the rows it keeps."""
        ws, we = runs if runs is not None else self.window_runs(None)
        total = int((we - ws).sum())
        if total == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        fetch = min(total, k * RESCORE_EXTRA + 16)
        if fetch >= total:
            return self.rescore(_ranges(ws, we), qf, k)
        inv = self.inv_norm()
        if self.sketch is not None and self._sketch_proj is not None and total > SKETCH_MIN_ROWS:
            wide = max(fetch * SKETCH_OVERSAMPLE, int(total * SKETCH_SHARE))
            qs = quantize(qf @ self._sketch_proj)[0]
            cand = np.sort(_scan_runs(self.sketch, ws, we, qs, wide, None, 0.1, short))
            scores = _dots(np.take(self.q8, cand, axis=0), q8) * inv[cand]
            return self.rescore(cand[_top(scores, fetch)], qf, k)
        return self.rescore(_scan_runs(self.q8, ws, we, q8, fetch, inv, 0.0, short), qf, k)

    def scan_us(self, runs: tuple[np.ndarray, np.ndarray], k: int) -> float:
        """The estimated cost of `exact` over these window runs, in microseconds."""
        lengths = runs[1] - runs[0]
        total = int(lengths.sum())
        in_place = lengths[lengths >= VIEW_MIN_WINDOWS]
        gathered = total - int(in_place.sum())
        calls = (len(in_place) + (gathered > 0)) * RUN_US
        if self.sketch is None or total <= SKETCH_MIN_ROWS:
            return total * SCAN_US_PER_ROW + gathered * GATHER_US_PER_ROW + calls
        wide = max((k * RESCORE_EXTRA + 16) * SKETCH_OVERSAMPLE, total * SKETCH_SHARE)
        return (
            total * SKETCH_US_PER_ROW
            + gathered * SKETCH_GATHER_US_PER_ROW
            + calls
            + wide * (SCAN_US_PER_ROW + GATHER_US_PER_ROW)
        )

    def f16_take(self, rows: np.ndarray) -> np.ndarray:
        """The float16 rows `rows` (sorted, unique), read with one positioned read per run of
        consecutive rows. Not through the map: a page fault on a cached file maps the 16 pages
        around it (the kernel's fault-around), so re-scoring a few hundred scattered rows per
        query mapped 64 KiB for each 768-byte row, and a long-running process ended up with the
        whole file in its RSS (1.45 GB at a million items). A read costs 1.9 us a row, less than
        a first-touch fault (2.9-3.6 us), and keeps only what is asked for."""
        out = np.empty((len(rows), self.dim), dtype=np.float16)
        if not len(rows):  # a segment without windows has no file open, and no rows
            return out
        edges = np.flatnonzero(np.diff(rows) != 1) + 1
        firsts = np.r_[0, edges].tolist()
        lasts = np.r_[edges, len(rows)].tolist()
        width = self.dim * 2
        fd, read = self._f16_fd, os.preadv
        buffer: Any = out  # numpy arrays are buffers (numpy's stubs do not say so)
        for a, b, row in zip(firsts, lasts, rows[firsts].tolist(), strict=True):
            if read(fd, [buffer[a:b]], row * width) != (b - a) * width:
                _read_into(fd, out[a:b], row * width)  # a short read: resume it
        return out

    def f16_range(self, start: int, end: int) -> np.ndarray:
        """The float16 rows start..end (one read)."""
        return self.f16_take(np.arange(start, max(start, end), dtype=np.int64))

    def rescore(self, cand: np.ndarray, qf: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Candidates' float16 cosines, the k best first (ties by row)."""
        if not len(cand):
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        cand = np.unique(cand)
        scores = np.asarray(self.f16_take(cand), dtype=np.float32) @ qf
        best = np.lexsort((cand, -scores))[:k]
        return cand[best], scores[best].astype(np.float32)

    def ann(
        self, q8: np.ndarray, qf: np.ndarray, k: int, items: np.ndarray | None, n_allowed: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best windows of the allowed items (a bool per item, or None: all) by the HNSW
        graph, post-filtered, growing the fetch until k pass; exact over the allowed rows when
        the fetch would pass MAX_ANN_FETCH. `n_allowed`: the windows the items hold."""
        k = min(k, n_allowed)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        share = n_allowed / max(1, self.windows)
        want = int(k * ANN_EXTRA) + 16
        # The graph's results pass the filter at about its share: fetch with room to spare, so
        # one walk usually yields k (a second, 4x longer walk cost more than the first).
        fetch = int(min(self.windows, want / max(share, 1e-9) * (1.0 if share >= 1 else 1.5)))
        while fetch <= MAX_ANN_FETCH:
            found = self.hnsw.search(q8, fetch, threads=1)
            cand = np.asarray(found.keys, dtype=np.int64).reshape(-1)
            cand = cand[(cand >= 0) & (cand < self.windows)]
            if items is not None:
                cand = cand[items[self.win_item[cand]]]
            if len(cand) >= k or len(cand) >= n_allowed:
                return self.rescore(cand, qf, k)
            if fetch >= self.windows:
                break
            fetch *= 4
        return self.exact(q8, qf, k, self.window_runs(items))


_POOL: Any = None


def _dots(data: np.ndarray, query: np.ndarray) -> np.ndarray:
    """query . every row of an int8 matrix, as float32 (exact int32 sums), by numkong's SIMD
    kernels in THREADS threads (they release the GIL): ~0.024 us a 384-byte row here, a third
    of an exhaustive usearch search, which keeps a heap as it goes."""
    import numkong

    q = np.ascontiguousarray(query, dtype=np.int8).reshape(1, -1)
    n = len(data)

    def dots(part: np.ndarray) -> np.ndarray:
        if not len(part):
            return np.zeros(0, np.float32)
        got = numkong.cdist(q, part, metric="dot", out_dtype="float32")
        return np.asarray(got, dtype=np.float32).reshape(-1)

    if n < PARALLEL_ROWS or THREADS < 2:
        return dots(data)
    global _POOL
    if _POOL is None:
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(THREADS, thread_name_prefix="minutesearch-scan")
    cuts = np.linspace(0, n, THREADS + 1).astype(np.int64).tolist()
    parts = [data[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]
    return np.concatenate(list(_POOL.map(dots, parts)))


def _codes_of(names: np.ndarray, values: Iterable[str]) -> np.ndarray:
    """The indexes in the sorted byte strings `names` of those `values` it holds."""
    width = names.dtype.itemsize
    keys = np.array([b for v in values if len(b := v.encode("utf-8")) <= width], dtype=names.dtype)
    if not len(keys) or not len(names):
        return np.zeros(0, dtype=np.int32)
    pos = np.minimum(np.searchsorted(names, keys), len(names) - 1)
    return pos[names[pos] == keys].astype(np.int32)


def _read_into(fd: int, out: np.ndarray, offset: int) -> None:
    """Fill the contiguous array `out` from file `fd` at `offset` (short reads resumed)."""
    buffer: Any = out  # numpy arrays are buffers (numpy's stubs do not say so)
    view = memoryview(buffer).cast("B")
    done = 0
    while done < len(view):
        got = os.preadv(fd, [view[done:]], offset + done)
        if got <= 0:
            raise StoreError(
                f"vector file is shorter than its meta.json says (ends at byte {offset + done});"
                " rebuild it with `minutesearch ingest --rebuild`"
            )
        done += got


def _top(scores: np.ndarray, count: int) -> np.ndarray:
    """Positions of the `count` highest scores (in no particular order)."""
    if count >= len(scores):
        return np.arange(len(scores), dtype=np.int64)
    return np.argpartition(-scores, count - 1)[:count]


def _inv_norms(block: np.ndarray) -> np.ndarray:
    rows = np.asarray(block, dtype=np.float32)
    return (1.0 / np.maximum(np.linalg.norm(rows, axis=1), 1e-6)).astype(np.float32)


def _scan_runs(
    data: np.ndarray,
    ws: np.ndarray,
    we: np.ndarray,
    query: np.ndarray,
    fetch: int,
    inv: np.ndarray | None,
    share: float = 0.0,
    short: np.ndarray | None = None,
) -> np.ndarray:
    """The `fetch` rows among the runs [ws, we) of `data` nearest the query by dot product
    (times `inv`, each row's 1 / norm, for a cosine): long runs scanned in place, short ones
    gathered into one matrix, the candidates merged by score. With `share`, a part keeps only
    its share of `fetch` (by its rows, with `fetch` * `share` to spare) before the merge."""
    lengths = we - ws
    total = max(1, int(lengths.sum()))

    def best(rows: np.ndarray, scores: np.ndarray) -> None:
        n = len(rows)
        count = min(n, int(fetch * n / total) + int(fetch * share) + 1) if share else fetch
        top = _top(scores, count)
        keys.append(rows[top])
        kept.append(scores[top])

    keys: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    long_run = lengths >= VIEW_MIN_WINDOWS
    for a, b in zip(ws[long_run].tolist(), we[long_run].tolist(), strict=True):
        scores = _dots(data[a:b], query)
        if inv is not None:
            scores *= inv[a:b]
        best(np.arange(a, b, dtype=np.int64), scores)
    if not long_run.all():
        rows = short if short is not None else _ranges(ws[~long_run], we[~long_run])
        scores = _dots(np.take(data, rows, axis=0), query)
        if inv is not None:
            scores *= inv[rows]
        best(rows, scores)
    cand = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    if len(cand) > fetch:
        cand = cand[_top(np.concatenate(kept), fetch)]
    return cand


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The rows of the ranges [starts[i], ends[i]) concatenated (vectorised: no Python loop)."""
    lengths = ends - starts
    keep = lengths > 0
    starts, lengths = starts[keep], lengths[keep]
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def _graph_pays(n_allowed: int, k: int, windows: int, scan_us: float) -> bool:
    """Whether a post-filtered graph walk is cheaper than scanning the allowed rows exactly
    (which costs `scan_us`, by Segment.scan_us)."""
    if n_allowed <= EXACT_FILTER_ROWS:
        return False
    fetch = (k * ANN_EXTRA + 16) * windows / n_allowed * 1.5
    return fetch * GRAPH_US_PER_RESULT < scan_us


@dataclass(slots=True)
class _SegmentPlan:
    """A filtered search's view of one segment: its allowed items and their window runs."""

    n: int
    segment: Segment
    items: np.ndarray | None
    runs: tuple[np.ndarray, np.ndarray]
    n_allowed: int
    short: np.ndarray | None = None  # the rows of the runs too short to scan in place

    def short_rows(self) -> np.ndarray:
        """The rows of the runs a scan gathers (kept: the plan is kept with its filter)."""
        if self.short is None:
            ws, we = self.runs
            short = (we - ws) < VIEW_MIN_WINDOWS
            self.short = _ranges(ws[short], we[short])
        return self.short


class VectorIndex:
    """Window vectors in segments (main + delta), tombstones, and the embedder's stamp.

    Rows are global: the main segment's windows/items first, then the delta's. `ids` is the
    list of item ids (dead ones included, so rows stay stable); `alive` marks the live ones."""

    def __init__(self, folder: Path, stamp: dict[str, Any], mtime: tuple[int, int]) -> None:
        self.folder = folder
        self.stamp = stamp
        self.mtime = mtime
        self.segments = [Segment(folder / name) for name in stamp.get("segments", [])]
        self.dim = int(stamp.get("dim") or 0)
        self.win_offsets = np.cumsum([0, *(s.windows for s in self.segments)])
        self.item_offsets = np.cumsum([0, *(s.items for s in self.segments)])
        self.dead: list[np.ndarray] = [np.zeros(s.items, dtype=bool) for s in self.segments]
        tomb = stamp.get("tombstones")
        if tomb:
            with np.load(folder / tomb) as z:
                for n, seg in enumerate(self.segments):
                    key = seg.folder.name
                    if key in z.files:
                        self.dead[n][np.asarray(z[key], dtype=np.int64)] = True
        self._ids: _IdList | None = None
        self._means: np.ndarray | None = None
        self._lock = threading.Lock()
        self._masks: OrderedDict[Any, tuple[np.ndarray, list[list[_SegmentPlan]]]] = OrderedDict()

    @classmethod
    def open(cls, folder: Path) -> VectorIndex:
        """Open a vector folder (memory-mapped; reads only the small files)."""
        stamp = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
        st = os.stat(folder / "stamp.json")
        return cls(folder, stamp, (st.st_mtime_ns, st.st_ino))

    # -- sizes and ids

    @property
    def n_items(self) -> int:
        """Items in all segments (dead ones included)."""
        return int(self.item_offsets[-1])

    @property
    def n_windows(self) -> int:
        """Windows in all segments."""
        return int(self.win_offsets[-1])

    @property
    def ids(self) -> _IdList:
        """Every item id by global row (a list with O(1) `in` and `.index`)."""
        if self._ids is None:
            out: list[str] = []
            for seg in self.segments:
                out += [bytes(b).decode("utf-8") for b in seg.ids]
            self._ids = _IdList(out, self.alive())
        return self._ids

    def item_id(self, row: int) -> str:
        """The id of a global item row."""
        n = int(np.searchsorted(self.item_offsets, row, side="right")) - 1
        return self.segments[n].item_id(row - int(self.item_offsets[n]))

    def item_row(self, item_id: str) -> int | None:
        """The global row of a live item, or None (a binary search per segment: no id list)."""
        for n, seg in enumerate(self.segments):
            for local in seg.rows_of([item_id]):
                if not self.dead[n][int(local)]:
                    return int(local) + int(self.item_offsets[n])
        return None

    def item_vector(self, row: int) -> np.ndarray:
        """One item's normalised mean window vector (float32), from its float16 rows."""
        n = int(np.searchsorted(self.item_offsets, row, side="right")) - 1
        seg, local = self.segments[n], row - int(self.item_offsets[n])
        start = int(seg.starts[local])
        end = int(seg.starts[local + 1]) if local + 1 < seg.items else seg.windows
        mean = np.asarray(seg.f16_range(start, end), dtype=np.float32).sum(axis=0)
        return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)

    def alive(self) -> np.ndarray:
        """A bool per global item row: not tombstoned."""
        return ~np.concatenate(self.dead) if self.segments else np.zeros(0, dtype=bool)

    @property
    def matrix(self) -> np.ndarray:
        """All windows as float16 (memory-mapped when there is one segment; for benchmarks)."""
        if len(self.segments) == 1:
            return self.segments[0].f16
        return (
            np.concatenate([s.f16 for s in self.segments])
            if self.segments
            else np.zeros((0, self.dim), np.float16)
        )

    # -- masks

    def item_mask(self, allowed: Any) -> np.ndarray:
        """A bool per global item: passes `allowed` (an ItemFilter, a set of ids) and is alive.

        The masks of the last FILTER_CACHE ItemFilters are kept with their search plans (as a
        search engine keeps its filter bitsets): people keep a filter while they try query after
        query, and at 1M items the mask and its runs cost 3-15 ms. The cache lives as long as
        this opened index, so a changed index never serves an old mask."""
        cacheable = not isinstance(allowed, (set, frozenset, list, tuple)) and allowed is not None
        if cacheable:
            with self._lock:
                hit = self._masks.get(allowed)
                if hit is not None:
                    self._masks.move_to_end(allowed)
                    return hit[0]
        mask = self._item_mask(allowed)
        mask.setflags(write=False)  # shared by every search with this filter
        if cacheable:
            with self._lock:
                self._masks[allowed] = (mask, [])
                while len(self._masks) > FILTER_CACHE:
                    self._masks.popitem(last=False)
        return mask

    def _item_mask(self, allowed: Any) -> np.ndarray:
        parts = []
        for n, seg in enumerate(self.segments):
            if allowed is None:
                m = np.ones(seg.items, dtype=bool)
            elif isinstance(allowed, (set, frozenset, list, tuple)):
                m = np.zeros(seg.items, dtype=bool)
                m[seg.rows_of(allowed)] = True
            elif getattr(allowed, "matches_nothing", lambda: False)():
                m = np.zeros(seg.items, dtype=bool)
            else:
                m = seg.filter_mask(allowed)
            parts.append(m & ~self.dead[n])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)

    def window_items(self, rows: np.ndarray) -> np.ndarray:
        """The global item row of each global window row."""
        out = np.empty(len(rows), dtype=np.int64)
        seg_of = np.searchsorted(self.win_offsets, rows, side="right") - 1
        for n, seg in enumerate(self.segments):
            sel = seg_of == n
            if sel.any():
                local = rows[sel] - self.win_offsets[n]
                out[sel] = np.asarray(seg.win_item[local], dtype=np.int64) + self.item_offsets[n]
        return out

    # -- search

    def _plan(self, items: np.ndarray | None) -> list[_SegmentPlan]:
        """Per segment: the allowed items (None: all), their window runs and window count
        (kept beside a cached filter mask)."""
        slot: list[list[_SegmentPlan]] | None = None
        if items is not None:
            with self._lock:
                for mask, plans_of in self._masks.values():
                    if mask is items:
                        if plans_of:
                            return plans_of[0]
                        slot = plans_of
                        break
        plans = self._make_plan(items)
        if slot is not None:
            slot.append(plans)
        return plans

    def _make_plan(self, items: np.ndarray | None) -> list[_SegmentPlan]:
        plans = []
        for n, seg in enumerate(self.segments):
            if items is None:
                local = ~self.dead[n] if self.dead[n].any() else None
            else:
                local = items[self.item_offsets[n] : self.item_offsets[n + 1]] & ~self.dead[n]
            if local is not None and local.all():
                local = None
            runs = seg.window_runs(local)
            n_allowed = int((runs[1] - runs[0]).sum())
            if n_allowed:
                plans.append(_SegmentPlan(n, seg, local, runs, n_allowed))
        return plans

    def search_windows(
        self,
        query_vec: np.ndarray,
        k: int,
        items: np.ndarray | None = None,
        *,
        exact: bool = False,
        plans: list[_SegmentPlan] | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The k best windows (global rows, float16 re-scored cosines, best first) of the items
        `items` allows (a bool per global item; None: every live item). `exact`: scan every
        allowed int8 row instead of the HNSW graph (both re-score their candidates in float16).
        Filtered, the graph is walked only where that costs less than scanning the allowed
        rows (by _graph_pays)."""
        qf = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        qf = qf / max(float(np.linalg.norm(qf)), 1e-12)
        q8 = quantize(qf)[0]
        rows_out: list[np.ndarray] = []
        scores_out: list[np.ndarray] = []
        for p in plans if plans is not None else self._plan(items):
            seg = p.segment
            graph = seg.hnsw is not None and not exact
            if graph and p.items is not None:
                graph = _graph_pays(p.n_allowed, k, seg.windows, seg.scan_us(p.runs, k))
            if graph:
                rows, scores = seg.ann(q8, qf, k, p.items, p.n_allowed)
            else:
                rows, scores = seg.exact(q8, qf, k, p.runs, p.short_rows())
            rows_out.append(rows + int(self.win_offsets[p.n]))
            scores_out.append(scores)
        if not rows_out:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        rows = np.concatenate(rows_out)
        scores = np.concatenate(scores_out)
        best = np.lexsort((rows, -scores))[:k]
        return rows[best], scores[best]

    def search_items(
        self,
        query_vec: np.ndarray,
        depth: int,
        item_mask: np.ndarray | None = None,
        *,
        exact: bool = False,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The `depth` best items (global rows, best-window cosine, best first) among those
        `item_mask` allows: windows are fetched (at least 2 x depth, growing) until `depth`
        distinct items are found or every allowed window has been ranked."""
        plans = self._plan(item_mask)
        n_allowed = sum(p.n_allowed for p in plans)
        if not n_allowed or depth <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        k = min(n_allowed, max(depth * 2, 32))
        while True:
            rows, scores = self.search_windows(query_vec, k, exact=exact, plans=plans)
            items = self.window_items(rows)
            _, first = np.unique(items, return_index=True)  # rows come best first
            first = first[np.lexsort((items[first], -scores[first]))]
            if len(first) >= depth or k >= n_allowed:
                first = first[:depth]
                return items[first], scores[first]
            k = min(n_allowed, k * 2)

    def item_means(self) -> np.ndarray:
        """One normalised vector per item (mean of its windows, float32), for item-to-item
        similarity; computed chunk-wise on first use."""
        with self._lock:
            if self._means is None:
                parts = []
                for seg in self.segments:
                    if not seg.items:
                        continue
                    sums = np.zeros((seg.items, seg.dim), dtype=np.float32)
                    for start in range(0, seg.windows, CHUNK_WINDOWS):
                        block = np.asarray(
                            seg.f16_range(start, min(seg.windows, start + CHUNK_WINDOWS)),
                            np.float32,
                        )
                        owner = np.asarray(seg.win_item[start : start + CHUNK_WINDOWS])
                        _add_rows(sums, owner, block)
                    norms = np.linalg.norm(sums, axis=1, keepdims=True)
                    parts.append(sums / np.maximum(norms, 1e-12))
                means = (
                    np.concatenate(parts).astype(np.float32)
                    if parts
                    else np.zeros((0, self.dim), dtype=np.float32)
                )
                means[~self.alive()] = 0.0  # tombstoned rows: like nothing
                self._means = means
            return self._means


def _add_rows(sums: np.ndarray, owner: np.ndarray, block: np.ndarray) -> None:
    """sums[owner[i]] += block[i] for sorted owner (reduceat over runs)."""
    edges = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    sums[owner[edges]] += np.add.reduceat(block, edges, axis=0)


class _IdList(list[str]):
    """A list of ids (every stored row) with O(1) `in` and `.index` over the live rows only."""

    def __init__(self, ids: list[str], alive: np.ndarray) -> None:
        super().__init__(ids)
        self._pos = {ids[n]: int(n) for n in np.flatnonzero(alive)}

    def __contains__(self, item: object) -> bool:
        return item in self._pos

    def index(self, item: str, *args: Any) -> int:  # type: ignore[override]
        if item not in self._pos:
            raise ValueError(f"{item!r} is not in the index")
        return self._pos[item]


def remove_unlisted(folder: Path, stamp: dict[str, Any]) -> None:
    """Delete segment folders and tombstone files the stamp no longer names (after a commit)."""
    keep = set(stamp.get("segments", [])) | {stamp.get("tombstones")}
    for path in folder.iterdir():
        if path.name.startswith(("main-", "delta-", "tomb-")) and path.name not in keep:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
