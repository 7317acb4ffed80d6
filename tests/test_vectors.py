"""The compact vector index (index/vectors.py): int8 + float16 storage, HNSW, filters, deltas."""

from __future__ import annotations

import json
import mmap
import shutil
from pathlib import Path

import numpy as np
import pytest

from minutesearch.config import Settings
from minutesearch.errors import IndexMismatchError
from minutesearch.filters import ItemFilter, PersonScope
from minutesearch.index import vectors as V
from minutesearch.index.analyzer import parse_query
from minutesearch.index.fulltext import build_fulltext
from minutesearch.index.semantic import build_semantic, open_vectors, semantic_candidates
from minutesearch.ingest import ingest
from minutesearch.locations import vectors_dir
from minutesearch.stages import Stage
from minutesearch.store import Store

STAGES: list[Stage] = [build_fulltext, build_semantic]
DIM = 64


@pytest.fixture()
def index_copy(seed_settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the seed index that a test may damage."""
    target = tmp_path / "idx"
    shutil.copytree(seed_settings.index_dir, target)
    return Settings(index_dir=target, embedder="fake")


def clustered(n: int, seed: int = 0, dim: int = DIM) -> np.ndarray:
    """Unit vectors around 40 topic centres (neighbourhoods that mean something, as e5's do)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim)).astype(np.float32)
    m = centres[rng.integers(0, 40, n)] + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    return (m / np.linalg.norm(m, axis=1, keepdims=True)).astype(np.float32)


def exact_items(m: np.ndarray, starts: np.ndarray, q: np.ndarray, allowed: np.ndarray) -> list[int]:
    """Items by their best window's float32 cosine, allowed ones only."""
    best = np.maximum.reduceat(m @ q, starts)
    order = [int(i) for i in np.lexsort((np.arange(len(best)), -best)) if allowed[i]]
    return order


def build(tmp_path: Path, m: np.ndarray, *, ann: bool, per_item: int = 2) -> V.VectorIndex:
    n_items = len(m) // per_item
    ids = [f"item-{i:05d}" for i in range(n_items)]
    attrs = [
        V.ItemAttrs(
            body=f"body {i % 7}",
            org="Kommun A" if i % 2 else "Kommun B",
            date=f"20{10 + i % 12}-0{1 + i % 9}-15",
            kind="protocol" if i % 3 else "extract",
            parties=frozenset({"S"} if i % 5 == 0 else {"M", "C"} if i % 5 == 1 else ()),
            doc=f"doc-{i // 10}",
            persons=_persons_of(i),
        )
        for i in range(n_items)
    ]
    folder = tmp_path / ("ann" if ann else "flat")
    V.build_vector_index(
        folder, m, ids, np.arange(0, len(m), per_item), attrs=attrs, ann=ann, stamp={"x": 1}
    )
    return V.VectorIndex.open(folder)


def test_int8_round_trip_error_is_bounded() -> None:
    m = clustered(500, dim=384)
    q8 = V.quantize(m).astype(np.float32)
    peak = np.abs(m).max(axis=1, keepdims=True)
    back = q8 * peak / 127
    # Each component within half a step of the row's own scale...
    assert np.all(np.abs(back - m) <= peak / 254 + 1e-7)
    # ...so the cosine to the original row barely moves.
    cos = np.sum(back * m, axis=1) / np.linalg.norm(back, axis=1)
    assert cos.min() > 0.999


def test_ann_top10_matches_exact(tmp_path: Path) -> None:
    m = clustered(4000)
    vi = build(tmp_path, m, ann=True)
    assert vi.segments[0].hnsw is not None
    rng = np.random.default_rng(1)
    recalls, exact_recalls = [], []
    for j in rng.integers(0, len(m), 30):
        q = m[j] + 0.3 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
        truth = set(np.argsort(-(m @ q))[:10].tolist())
        rows, scores = vi.search_windows(q, 10)
        assert np.all(np.diff(scores) <= 0)
        recalls.append(len(truth & set(rows.tolist())) / 10)
        rows, _ = vi.search_windows(q, 10, exact=True)
        exact_recalls.append(len(truth & set(rows.tolist())) / 10)
    assert np.mean(exact_recalls) >= 0.99  # int8 scan + float16 re-score
    assert np.mean(recalls) >= 0.95


def _persons_of(i: int) -> frozenset[str]:
    """Synthetic persons: every 4th item names anna-ek, every 6th names åsa-öberg and bo."""
    return frozenset(
        (["anna-ek"] if i % 4 == 0 else []) + (["åsa-öberg", "bo"] if i % 6 == 0 else [])
    )


def test_person_filter_on_stored_persons_and_meetings(tmp_path: Path) -> None:
    vi = build(tmp_path, clustered(600), ann=False)
    n = vi.n_items

    def kept(scope: PersonScope, **kw: object) -> list[int]:
        return np.flatnonzero(vi.item_mask(ItemFilter(person=scope, **kw))).tolist()  # type: ignore[arg-type]

    assert kept(PersonScope(persons=frozenset({"anna-ek"}))) == list(range(0, n, 4))
    assert kept(PersonScope(persons=frozenset({"åsa-öberg", "nobody"}))) == list(range(0, n, 6))
    # A meeting attended in full, one § of another, or a mention: any of them keeps the item.
    scope = PersonScope(
        persons=frozenset({"bo"}), docs=frozenset({"doc-2"}), items=frozenset({"item-00031"})
    )
    want = sorted({*range(0, n, 6), *range(20, 30), 31})
    assert kept(scope) == want
    assert kept(scope, kind="protocol") == [i for i in want if i % 3]
    assert kept(PersonScope(persons=frozenset({"nobody"}), docs=frozenset({"doc-999"}))) == []
    assert not vi.item_mask(ItemFilter(person=PersonScope())).any()


def test_item_filter_on_stored_attributes(tmp_path: Path) -> None:
    m = clustered(600)
    vi = build(tmp_path, m, ann=False)
    n = vi.n_items
    f = ItemFilter(bodies=frozenset({"body 3"}), since="2012", until="2019~", kind="protocol")
    got = np.flatnonzero(vi.item_mask(f))
    want = [
        i
        for i in range(n)
        if i % 7 == 3 and i % 3 and "2012" <= f"20{10 + i % 12}-0{1 + i % 9}-15" <= "2019~"
    ]
    assert got.tolist() == want
    assert np.flatnonzero(vi.item_mask(ItemFilter(party="S"))).tolist() == list(range(0, n, 5))
    parties = vi.item_mask(ItemFilter(party="C", orgs=frozenset({"Kommun A"})))
    assert np.flatnonzero(parties).tolist() == [i for i in range(n) if i % 5 == 1 and i % 2]
    assert not vi.item_mask(ItemFilter(party="KD")).any()
    ids = {"item-00004", "item-00010", "nope"}
    assert np.flatnonzero(vi.item_mask(ids)).tolist() == [4, 10]
    assert np.flatnonzero(vi.item_mask(ItemFilter(item_ids=frozenset(ids)))).tolist() == [4, 10]
    assert not vi.item_mask(ItemFilter(bodies=frozenset())).any()


@pytest.mark.parametrize("ann", [False, True])
def test_filtered_search_equals_exact_filtered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ann: bool
) -> None:
    monkeypatch.setattr(V, "EXACT_FILTER_ROWS", 0)  # the graph with post-filtering
    monkeypatch.setattr(V, "SCAN_US_PER_ROW", 1e9)  # whatever the scan would cost
    m = clustered(4000, seed=2)
    starts = np.arange(0, len(m), 2)
    vi = build(tmp_path, m, ann=ann)
    rng = np.random.default_rng(3)
    filters = [
        ItemFilter(orgs=frozenset({"Kommun A"})),  # half the items
        ItemFilter(bodies=frozenset({"body 1"}), kind="extract"),  # 1 in 21
        ItemFilter(party="S", since="2015"),
    ]
    same = 0
    for f in filters:
        mask = vi.item_mask(f)
        for j in rng.integers(0, len(m), 5):
            q = m[j]
            want = exact_items(m, starts, q, mask)[:20]
            rows, scores = vi.search_items(q, 20, mask)
            assert len(rows) == min(20, int(mask.sum()))  # k results, whatever the filter
            assert mask[rows].all()
            # Best first by the float32 truth, up to float16 rounding of near-ties.
            assert np.all(np.diff(np.maximum.reduceat(m @ q, starts)[rows]) <= 2e-3)
            same += set(rows.tolist()) == set(want)
    # The same items as an exact filtered search; the graph walk may miss one now and then.
    assert same == 15 if not ann else same >= 14


def test_graph_or_scan_by_cost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broad filter walks the graph, a narrow one scans its rows; the crossover grows with
    the index (post-filtered walks fetch more the larger the index is); rows in long runs
    cost less than scattered ones, and a segment with a sketch scans for less."""
    monkeypatch.setattr(V, "SKETCH_MIN_WINDOWS", 2000)
    seg = build(tmp_path / "sketched", clustered(3000, dim=V.SKETCH_DIMS * 2), ann=False)
    plain = build(tmp_path / "plain", clustered(1000, dim=V.SKETCH_DIMS * 2), ann=False)
    seg_s, seg_p = seg.segments[0], plain.segments[0]
    assert seg_s.sketch is not None and seg_p.sketch is None
    one_run = (np.array([0]), np.array([190_000]))
    scattered = (np.arange(0, 1_900_000, 10), np.arange(0, 1_900_000, 10) + 1)
    wide = (np.array([0]), np.array([1_200_000]))
    assert V._graph_pays(1_800_000, 400, 1_900_000, seg_p.scan_us(scattered, 400))
    # A 10 % body filter at 1M items: its rows in one run (the layout) are scanned in place.
    assert not V._graph_pays(190_000, 400, 1_900_000, seg_p.scan_us(one_run, 400))
    most = (np.array([0]), np.array([1_500_000]))  # a broad filter: the walk is short
    assert V._graph_pays(1_500_000, 400, 1_900_000, seg_p.scan_us(most, 400))
    assert not V._graph_pays(V.EXACT_FILTER_ROWS, 10, 10**9, seg_p.scan_us(scattered, 10))
    assert seg_p.scan_us(scattered, 400) > seg_p.scan_us(one_run, 400)  # the gather
    assert seg_s.scan_us(wide, 400) < seg_p.scan_us(wide, 400)  # the sketch


def test_exact_scan_over_runs_equals_scan_of_gathered_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Long runs scanned in place, short ones gathered, the candidates merged: the same windows
    as one exhaustive scan of every allowed row."""
    m = clustered(6000, seed=5)
    vi = build(tmp_path, m, ann=False, per_item=3)
    seg = vi.segments[0]
    rng = np.random.default_rng(6)
    for view_min in (8, 10**9):  # long runs in place / everything gathered
        for share in (0.05, 0.5):
            items = np.zeros(seg.items, dtype=bool)
            for start in rng.integers(0, seg.items, 12):  # runs of every length
                items[start : start + int(rng.integers(1, 400 * share + 2))] = True
            items |= rng.random(seg.items) < share / 10
            runs = seg.window_runs(items)
            allowed = np.zeros(seg.windows, dtype=bool)
            allowed[V._ranges(*runs)] = True
            assert (allowed == items[np.asarray(seg.win_item)]).all()
            q = m[int(rng.integers(0, len(m)))]
            truth = np.flatnonzero(allowed)[np.argsort(-(m[allowed] @ q), kind="stable")[:20]]
            monkeypatch.setattr(V, "VIEW_MIN_WINDOWS", view_min)
            rows, _ = seg.exact(V.quantize(q)[0], q, 20, runs)
            assert allowed[rows].all()
            assert len(set(rows.tolist()) & set(truth.tolist())) >= 19  # int8: a near-tie may swap


def test_selective_filter_still_fills_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(V, "EXACT_FILTER_ROWS", 0)
    monkeypatch.setattr(V, "SCAN_US_PER_ROW", 1e9)
    m = clustered(4000, seed=4)
    vi = build(tmp_path, m, ann=True)
    allowed = {f"item-{i:05d}" for i in range(0, 2000, 150)}  # 14 items of 2000
    mask = vi.item_mask(allowed)
    rows, _ = vi.search_items(m[0], 10, mask)
    assert len(rows) == 10 and mask[rows].all()
    rows, _ = vi.search_items(m[0], 50, mask)
    assert sorted(rows.tolist()) == sorted(np.flatnonzero(mask).tolist())


def _mapped(arr: np.ndarray) -> bool:
    """Whether arr's memory is a file mapping (a view of an mmap, however many levels down)."""
    base: object = arr
    while base is not None:
        if isinstance(base, mmap.mmap):
            return True
        base = (
            getattr(base, "base", None)
            if isinstance(base, np.ndarray)
            else getattr(base, "obj", None)
        )
    return False


def test_open_is_memory_mapped(tmp_path: Path) -> None:
    vi = build(tmp_path, clustered(2000), ann=True)
    seg = vi.segments[0]
    for arr in (seg.q8, seg.f16, seg.ids, seg.starts, seg.win_item):
        assert _mapped(arr)  # nothing read until a query touches it
    assert seg.hnsw is not None and seg.hnsw.size == 2000
    assert seg.q8.dtype == np.int8 and seg.f16.dtype == np.float16


def _resident_kb(path: Path) -> int:
    """Resident kB of this process's mappings of `path` (from /proc/self/smaps)."""
    total, current = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()
        if head and "-" in head[0] and len(head) >= 5:
            current = len(head) >= 6 and head[-1] == str(path)
        elif current and head and head[0] == "Rss:":
            total += int(head[1])
    return total


def test_float16_rows_are_read_not_mapped(tmp_path: Path) -> None:
    m = clustered(6000, seed=3)
    vi = build(tmp_path, m, ann=False)
    seg = vi.segments[0]
    rows = np.array([0, 1, 2, 7, 100, 101, 2999, 5998, 5999])  # runs and single rows
    assert np.array_equal(seg.f16_take(rows), m[rows].astype(np.float16))
    assert np.array_equal(seg.f16_range(10, 20), m[10:20].astype(np.float16))
    assert seg.f16_take(np.zeros(0, np.int64)).shape == (0, DIM)
    if not Path("/proc/self/smaps").exists():
        pytest.skip("no /proc/self/smaps to read resident pages from")
    f16 = seg.folder / "f16.bin"
    before = _resident_kb(f16)
    rng = np.random.default_rng(4)
    for q in clustered(20, seed=5):
        mask = rng.random(vi.n_items) < 0.3
        vi.search_windows(q, 50, mask)
        vi.search_windows(q, 50)
    # The re-score read its rows: no page of the float16 file came into this process's RSS
    # (through a map, each scattered row would have brought 16 pages with it).
    assert _resident_kb(f16) == before
    # Read after the folder is gone (a rebuild deletes replaced segments): the file stays open.
    shutil.rmtree(seg.folder)
    assert np.array_equal(seg.f16_take(rows), m[rows].astype(np.float16))


# -- through ingest ----------------------------------------------------------------------------


def _ranking(settings: Settings, query: str, allowed: object = None) -> list[tuple[str, float]]:
    found = semantic_candidates(settings, parse_query(query), allowed, 1000, cut=False)
    assert found is not None
    return sorted((i, round(s, 5)) for i, s in found)


QUERIES = ["bygglov", "förskola och skola", "budget för nästa år", "detaljplan"]


def _same_as_fresh(settings: Settings, corpus: Path, tmp_path: Path) -> None:
    fresh = Settings(index_dir=tmp_path / "fresh", embedder="fake")
    ingest([corpus], fresh, stages=STAGES)
    for q in QUERIES:
        assert _ranking(settings, q) == _ranking(fresh, q)
        f = ItemFilter(kind="protocol")
        assert _ranking(settings, q, f) == _ranking(fresh, q, f)
    shutil.rmtree(fresh.index_dir)


@pytest.mark.parametrize("journal", [True, False])
def test_incremental_add_remove_reingest_equals_fresh(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: bool
) -> None:
    monkeypatch.setattr(V, "MERGE_FRACTION", 1.0)
    import minutesearch.index.semantic as S

    monkeypatch.setattr(S, "MERGE_FRACTION", 1.0)
    if not journal:  # no cursor into the store's change journal: every fingerprint compared
        monkeypatch.setattr(S, "_cursor", lambda stamp, store: None)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    files = sorted(seeds_dir.iterdir())
    for f in files[:-1]:
        shutil.copy(f, corpus / f.name)
    settings = Settings(index_dir=tmp_path / "idx", embedder="fake")
    ingest([corpus], settings, stages=STAGES)
    folder = vectors_dir(settings.index_dir)
    first = json.loads((folder / "stamp.json").read_text())
    main = first["segments"][0]
    assert isinstance(first["seq"], int) and first["store"]  # a cursor into the journal
    main_bytes = (folder / main / "q8.bin").read_bytes()

    shutil.copy(files[-1], corpus / files[-1].name)  # a new meeting
    ingest([corpus], settings, stages=STAGES)
    stamp = json.loads((folder / "stamp.json").read_text())
    assert stamp["segments"][0] == main and len(stamp["segments"]) == 2
    assert (folder / main / "q8.bin").read_bytes() == main_bytes  # not rewritten
    _same_as_fresh(settings, corpus, tmp_path)

    (corpus / files[0].name).unlink()  # a removed document: tombstones in the main segment
    ingest([corpus], settings, stages=STAGES)
    stamp = json.loads((folder / "stamp.json").read_text())
    assert stamp["segments"][0] == main and stamp["tombstones"]
    _same_as_fresh(settings, corpus, tmp_path)

    changed = corpus / files[1].name  # a re-ingested (changed) document
    changed.write_text(changed.read_text() + "\n§ 99 Ny detaljplan för skolan\n")
    ingest([corpus], settings, stages=STAGES)
    assert json.loads((folder / "stamp.json").read_text())["segments"][0] == main
    _same_as_fresh(settings, corpus, tmp_path)
    vi = open_vectors(settings)
    assert vi is not None
    with Store.open(settings.index_dir, create=False) as store:
        live = {r[0] for r in store.conn.execute("SELECT id FROM items")}
    assert {vi.ids[n] for n in np.flatnonzero(vi.alive())} == live
    # No segment or tombstone file the stamp does not name is left behind.
    names = {p.name for p in folder.iterdir()} - {"stamp.json"}
    stamp = json.loads((folder / "stamp.json").read_text())
    assert names == set(stamp["segments"]) | {stamp["tombstones"]}


def test_crash_mid_write_leaves_the_old_index(
    index_copy: Settings, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import minutesearch.index.semantic as S

    before = _ranking(index_copy, "bygglov")
    folder = vectors_dir(index_copy.index_dir)
    stamp = (folder / "stamp.json").read_text()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt("killed mid-write")

    with Store.open(index_copy.index_dir, create=False) as store:
        store.conn.execute("UPDATE items SET content_hash = 'x' WHERE section = 21")
        store.conn.commit()
        from minutesearch.stages import StageContext

        for rebuild in (False, True):  # the delta path and the full build
            monkeypatch.setattr(S, "_embed_all", crash)
            with pytest.raises(KeyboardInterrupt):
                build_semantic(StageContext(store=store, settings=index_copy, rebuild=rebuild))
            monkeypatch.undo()
            assert (folder / "stamp.json").read_text() == stamp
            assert _ranking(index_copy, "bygglov") == before


def test_old_format_folder_is_rebuilt_from_the_cache(index_copy: Settings) -> None:
    folder = vectors_dir(index_copy.index_dir)
    before = _ranking(index_copy, "bygglov")
    stamp = json.loads((folder / "stamp.json").read_text())
    shutil.rmtree(folder)
    folder.mkdir()  # what format 1 left: one float32 matrix and a JSON of ids
    np.save(folder / "vectors.npy", np.zeros((2, 256), dtype=np.float32))
    (folder / "items.json").write_text(json.dumps({"ids": ["a"], "starts": [0]}))
    (folder / "stamp.json").write_text(json.dumps({**stamp, "format": 1}))
    with pytest.raises(IndexMismatchError, match="--rebuild"):
        open_vectors(index_copy)
    totals: list[int] = []
    with Store.open(index_copy.index_dir, create=False) as store:
        from minutesearch.stages import StageContext

        ctx = StageContext(
            store=store,
            settings=index_copy,
            progress=lambda stage, done, total: totals.append(total),
        )
        assert not build_semantic.is_current(ctx)  # type: ignore[attr-defined]
        build_semantic(ctx)
    assert totals and max(totals) == 0  # every window from embeddings.sqlite
    assert _ranking(index_copy, "bygglov") == before


@pytest.mark.parametrize(
    "values",
    [
        {"body": "Sociala samrådsgruppen"},
        {"org": "Jämtland"},
        {"kind": "utdrag"},
        {"since": "2023-03", "until": "2023-09"},
        {"party": "s"},
        {"party": "C", "kind": "protokoll"},
        {"party": "M", "since": "2023-03"},
        {"body": "ingen sådan nämnd"},
    ],
)
def test_vector_filter_passes_what_sql_passes(
    seed_settings: Settings, values: dict[str, str]
) -> None:
    from minutesearch.filters import Filters, allowed_items, resolve_filter

    vi = open_vectors(seed_settings)
    assert vi is not None
    with Store.open(seed_settings.index_dir, create=False) as store:
        want = allowed_items(store, Filters(**values))
        flt = resolve_filter(store, Filters(**values))
    assert want is not None and flt is not None
    got = {vi.ids[n] for n in np.flatnonzero(vi.item_mask(flt))}
    assert got == want


def test_date_filter_by_day_codes_equals_byte_comparison(tmp_path: Path) -> None:
    """Dates filtered through the distinct-day table give the masks a byte comparison of every
    item's date gives (segments written before day.npy existed still take that path)."""
    m = clustered(600)
    vi = build(tmp_path, m, ann=False)
    seg = vi.segments[0]
    filters = [
        ItemFilter(since="2015"),
        ItemFilter(until="2013~"),
        ItemFilter(since="2012-03", until="2019-05-15"),
        ItemFilter(since="2030"),
    ]
    by_code = [seg.filter_mask(f) for f in filters]
    assert 0 < int(by_code[0].sum()) < seg.items and not by_code[3].any()
    del seg.meta["days"]
    del seg._attrs["day"]
    for f, want in zip(filters, by_code, strict=True):
        assert (seg.filter_mask(f) == want).all()


def test_sketch_scan_keeps_the_exact_top(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A big scan reads the principal-axes sketch first and q8 only for the rows it keeps: the
    same top windows as the full int8 scan (the sketch keeps 5 % of the rows, here more than
    enough), for whole-segment and filtered scans alike; small segments get no sketch."""
    monkeypatch.setattr(V, "SKETCH_MIN_WINDOWS", 2000)
    monkeypatch.setattr(V, "SKETCH_DIMS", 32)
    m = clustered(6000, seed=7)
    vi = build(tmp_path, m, ann=False)
    seg = vi.segments[0]
    assert seg.sketch is not None and seg.sketch.shape == (6000, 32)
    rng = np.random.default_rng(8)
    agree = 0
    for j in rng.integers(0, len(m), 10):
        q = m[j]
        items = rng.random(seg.items) < 0.6
        runs = seg.window_runs(items)
        monkeypatch.setattr(V, "SKETCH_MIN_ROWS", 10**9)  # the plain int8 scan
        plain, _ = seg.exact(V.quantize(q)[0], q, 20, runs)
        monkeypatch.setattr(V, "SKETCH_MIN_ROWS", 100)
        sketched, _ = seg.exact(V.quantize(q)[0], q, 20, runs)
        assert items[np.asarray(seg.win_item)[sketched]].all()
        agree += len(set(plain.tolist()) & set(sketched.tolist()))
    assert agree >= 0.97 * 200
    small = build(tmp_path / "small", clustered(400), ann=False)
    assert small.segments[0].sketch is None


def test_filter_masks_are_kept_per_opened_index(tmp_path: Path) -> None:
    """The same ItemFilter gets the same (read-only) mask and plan from an opened index; id sets
    are not kept; at most FILTER_CACHE filters are."""
    vi = build(tmp_path, clustered(600), ann=False)
    f = ItemFilter(bodies=frozenset({"body 3"}), since="2012")
    first = vi.item_mask(f)
    assert vi.item_mask(ItemFilter(bodies=frozenset({"body 3"}), since="2012")) is first
    assert not first.flags.writeable
    plan = vi._plan(first)
    assert vi._plan(first) is plan and plan[0].n_allowed == int(first.sum()) * 2
    ids = {"item-00004"}
    assert vi.item_mask(ids) is not vi.item_mask(ids)
    for n in range(V.FILTER_CACHE):
        vi.item_mask(ItemFilter(since=f"{2010 + n}"))
    assert vi.item_mask(f) is not first and (vi.item_mask(f) == first).all()
