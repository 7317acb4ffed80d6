"""Topics: NMF over TF-IDF, named by top terms, stable from run to run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from minutesearch.config import Settings
from minutesearch.stages import StageContext
from minutesearch.store import Store
from minutesearch.topics import PROCEDURAL, build_topics, list_topics, n_topics, stop_words


def _copy(store: Store, dest: Path) -> Store:
    target = Store.open(dest)
    store.conn.backup(target.conn)
    return target


def _assignments(store: Store) -> list[tuple[str, int, float]]:
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT item_id, topic_id, weight FROM item_topics ORDER BY 1, 2"
        )
    ]


def test_topic_count_scales_with_corpus() -> None:
    assert n_topics(5) == 2
    assert n_topics(90) == 6
    assert n_topics(5000) == 12


def test_seed_topics_are_labelled_and_stable(seed_store: Store, tmp_path: Path) -> None:
    first = list_topics(seed_store)
    titles = [
        r[0] for r in seed_store.conn.execute("SELECT title FROM items WHERE canonical_id IS NULL")
    ]
    n_items = sum(1 for t in titles if not PROCEDURAL.search(t))
    assert len(first) == n_topics(n_items)
    stops = set(stop_words())
    for t in first:
        assert set(t) == {"id", "label", "terms", "items"}
        assert t["label"] == " · ".join(t["terms"][:3])
        assert not stops & set(t["terms"])
    covered = seed_store.conn.execute("SELECT count(DISTINCT item_id) FROM item_topics").fetchone()[
        0
    ]
    assert covered >= 0.8 * n_items
    # "Mötet öppnas" and "Val av justerare" are procedure, not a topic.
    procedural = seed_store.conn.execute(
        "SELECT count(*) FROM item_topics it JOIN items i ON i.id = it.item_id"
        " WHERE i.title LIKE '%öppnas%' OR i.title LIKE '%justerare%'"
    ).fetchone()[0]
    assert procedural == 0
    again = _copy(seed_store, tmp_path / "again")
    before = _assignments(again)
    build_topics(StageContext(store=again, settings=Settings(index_dir=tmp_path / "again")))
    assert list_topics(again) == first
    assert _assignments(again) == before


def test_items_json_carries_topic_labels(seed_store: Store) -> None:
    row = seed_store.conn.execute(
        "SELECT item_id FROM item_topics ORDER BY weight DESC LIMIT 1"
    ).fetchone()
    item = seed_store.item_json(seed_store.item_row(row[0]))
    labels = {t["label"] for t in list_topics(seed_store)}
    assert item["topics"] and set(item["topics"]) <= labels


@pytest.mark.slow
def test_goteborg_topics_cover_the_items(extra_dir: Path, tmp_path: Path) -> None:
    from minutesearch.ingest import ingest

    settings = Settings(index_dir=tmp_path / "gbg", embedder="none", ner=False)
    ingest([extra_dir / "goteborg"], settings, stages=[build_topics])
    with Store.open(settings.index_dir) as store:
        titles = [r[0] for r in store.conn.execute("SELECT title FROM items")]
        n_items = sum(1 for t in titles if not PROCEDURAL.search(t))
        topics = list_topics(store)
        assert len(topics) == n_topics(n_items) >= 6
        covered = store.conn.execute("SELECT count(DISTINCT item_id) FROM item_topics").fetchone()[
            0
        ]
        assert covered >= 0.9 * n_items
        labels = {t["label"] for t in topics}
        assert len(labels) == len(topics), "two topics with the same label"
        build_topics(StageContext(store=store, settings=settings))
        assert {t["label"] for t in list_topics(store)} == labels


def test_no_topics_without_items(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty")
    build_topics(StageContext(store=store, settings=Settings(index_dir=tmp_path / "empty")))
    assert list_topics(store) == []
    assert isinstance(store.conn, sqlite3.Connection)
