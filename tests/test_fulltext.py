"""Index building: stamps, atomic swaps, mismatches, the embedding cache, diarienummer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from minutesearch.config import Settings
from minutesearch.errors import IndexMismatchError
from minutesearch.index.fulltext import build_fulltext, read_stamp
from minutesearch.index.semantic import CACHE_FILE, build_semantic
from minutesearch.index.vectors import FORMAT_VERSION, VectorIndex
from minutesearch.ingest import Stage, ingest
from minutesearch.locations import fulltext_dir, vectors_dir
from minutesearch.search import search
from minutesearch.stages import StageContext
from minutesearch.store import Store

INDEX_STAGES: list[Stage] = [build_fulltext, build_semantic]


@pytest.fixture()
def index_copy(seed_settings: Settings, tmp_path: Path) -> Settings:
    """A private copy of the seed index that a test may damage."""
    target = tmp_path / "idx"
    shutil.copytree(seed_settings.index_dir, target)
    return Settings(index_dir=target, embedder="fake")


def test_index_folders_carry_stamps_and_no_temp_folders(seed_settings: Settings) -> None:
    ft = read_stamp(fulltext_dir(seed_settings.index_dir))
    vec = read_stamp(vectors_dir(seed_settings.index_dir))
    assert (
        ft
        and ft["backend"] == seed_settings.keyword_engine
        and ft["format"] >= 1
        and ft["analyzer"] >= 1
    )
    assert vec and vec["backend"] == "fake" and vec["dim"] == 256 and vec["model"]
    with Store.open(seed_settings.index_dir, create=False) as store:
        assert ft["items"] == vec["items"] == store.counts()["items"]
    leftovers = [p.name for p in seed_settings.index_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_unchanged_corpus_skips_the_index_stages(index_copy: Settings) -> None:
    with Store.open(index_copy.index_dir, create=False) as store:
        ctx = StageContext(store=store, settings=index_copy)
        assert build_fulltext.is_current(ctx)  # type: ignore[attr-defined]
        assert build_semantic.is_current(ctx)  # type: ignore[attr-defined]
        other = StageContext(store=store, settings=Settings(index_copy.index_dir, embedder="none"))
        assert not build_semantic.is_current(other)  # type: ignore[attr-defined]
        store.conn.execute("UPDATE items SET content_hash = 'changed' WHERE section = 21")
        assert not build_fulltext.is_current(ctx)  # type: ignore[attr-defined]


def test_reembedding_uses_the_content_cache(index_copy: Settings) -> None:
    before = np.array(VectorIndex.open(vectors_dir(index_copy.index_dir)).matrix)
    stale = index_copy.index_dir / ".vectors-interrupted"
    stale.mkdir()  # what a killed build leaves behind
    totals: list[int] = []
    with Store.open(index_copy.index_dir, create=False) as store:
        ctx = StageContext(
            store=store,
            settings=index_copy,
            rebuild=True,  # a full build, not an (empty) incremental update
            progress=lambda stage, done, total: (
                totals.append(total) if stage == "semantic" else None
            ),
        )
        build_semantic(ctx)
    assert totals and max(totals) == 0  # every window came from embeddings.sqlite
    np.testing.assert_array_equal(
        before, np.array(VectorIndex.open(vectors_dir(index_copy.index_dir)).matrix)
    )
    assert (index_copy.index_dir / CACHE_FILE).is_file()
    assert not stale.exists()


def test_analyzer_version_mismatch_asks_for_rebuild(index_copy: Settings) -> None:
    stamp_path = fulltext_dir(index_copy.index_dir) / "stamp.json"
    stamp = json.loads(stamp_path.read_text())
    stamp["analyzer"] = -1
    stamp_path.write_text(json.dumps(stamp))
    with (
        Store.open(index_copy.index_dir, create=False) as store,
        pytest.raises(IndexMismatchError) as err,
    ):
        search(store, index_copy, "familjehem", mode="keyword")
    assert "--rebuild" in err.value.msg


def test_query_with_another_embedder_than_the_index_is_refused(index_copy: Settings) -> None:
    e5 = Settings(index_dir=index_copy.index_dir, embedder="e5-small")
    with Store.open(index_copy.index_dir, create=False) as store, pytest.raises(IndexMismatchError):
        search(store, e5, "familjehem", mode="semantic")
    stamp_path = vectors_dir(index_copy.index_dir) / "stamp.json"
    stamp = json.loads(stamp_path.read_text())
    stamp["dim"] = 384
    stamp_path.write_text(json.dumps(stamp))
    with Store.open(index_copy.index_dir, create=False) as store, pytest.raises(IndexMismatchError):
        search(store, index_copy, "familjehem", mode="semantic")


def test_embedder_none_falls_back_to_keyword(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    ingest([seeds_dir], settings, stages=INDEX_STAGES)
    assert read_stamp(vectors_dir(settings.index_dir)) == {
        "format": FORMAT_VERSION,
        "backend": "none",
        "model": None,
        "dim": 0,
    }
    with Store.open(settings.index_dir, create=False) as store:
        result = search(store, settings, "familjehem", mode="hybrid")
    assert result.mode == "keyword" and result.note and result.hits


def test_index_without_vectors_falls_back_to_keyword(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedder="fake")
    ingest([seeds_dir], settings, stages=[build_fulltext])
    with Store.open(settings.index_dir, create=False) as store:
        result = search(store, settings, "familjehem", mode="semantic")
    assert result.mode == "keyword" and result.note and result.hits


def test_diarienummer_findable_as_typed(extra_dir: Path, tmp_path: Path) -> None:
    source = extra_dir / "goteborg" / "ks-2024-09-11.paragraphs.txt"
    settings = Settings(index_dir=tmp_path / "idx", embedder="fake")
    ingest([source], settings, stages=INDEX_STAGES)
    with Store.open(settings.index_dir, create=False) as store:
        for typed in ("SBF-2023-00027", "sbf-2023-00027"):
            hits = search(store, settings, typed, mode="keyword").hits
            assert hits, typed
            assert "SBF-2023-00027" in store.item_row(hits[0].id)["text"]


def test_full_build_streams_the_items_in_chunks(
    index_copy: Settings, seed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full keyword build reads and analyses a chunk of items at a time, in storage order,
    and gives the same index as before (same hits, same order)."""
    from minutesearch.index import fulltext

    seen: list[int] = []
    real = fulltext.keyword_docs

    def spy(store: Store, ids: list[str] | None = None, *args: object) -> list[object]:
        assert ids is not None  # never every item at once
        seen.append(len(ids))
        return real(store, ids, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(fulltext, "BUILD_CHUNK", 7)
    monkeypatch.setattr(fulltext, "keyword_docs", spy)
    shutil.rmtree(fulltext_dir(index_copy.index_dir))
    with Store.open(index_copy.index_dir, create=False) as store:
        build_fulltext(StageContext(store, index_copy))
        items = store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        assert max(seen) == 7 and sum(seen) == items
        for query in ("bygglov", "förskola", "budget"):
            ours = search(store, index_copy, query, mode="keyword", limit=20)
            theirs = search(store, seed_settings, query, mode="keyword", limit=20)
            assert [(h.id, h.score) for h in ours.hits] == [(h.id, h.score) for h in theirs.hits]
