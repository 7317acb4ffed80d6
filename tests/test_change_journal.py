"""The store's change journal (migration 0303) and the keyword index that follows it.

Every write that changes what an index holds about a §-item moves exactly that item to a new seq;
the keyword stage re-reads only the items journalled after the seq its stamp records, and gives
the same search results as a fresh full build.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from minutesearch.config import Settings
from minutesearch.entities.resolve import rebuild_persons
from minutesearch.filters import Filters
from minutesearch.index import fulltext
from minutesearch.index.fulltext import build_fulltext, read_stamp
from minutesearch.ingest import default_stages, ingest
from minutesearch.locations import fulltext_dir
from minutesearch.search import search
from minutesearch.store import Store

QUERIES = [
    "familjehem",
    "budget",
    "vård och omsorg",
    "protokoll*",
    "ekonomi* uppföljning",
    "§ 21",
    "kommunstyrelsen beslut",
    "socialtjänst skola kommun",
]


def _copy(files: list[Path], dst: Path) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, dst / f.name)


def _settings(idx: Path) -> Settings:
    return Settings(index_dir=idx, embedder="none", keyword_engine="tantivy")


def _changes(store: Store, since: int) -> set[str]:
    return set(store.changed_items_since(since))


def _items_of(store: Store, doc_id: str) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM items WHERE doc_id = ?", (doc_id,))}


@pytest.fixture()
def store(seeds_dir: Path, tmp_path: Path) -> Any:
    ingest([seeds_dir], _settings(tmp_path / "idx"), stages=[])
    with Store.open(tmp_path / "idx", create=False) as st:
        yield st


def test_a_new_store_journals_every_item_once(store: Store) -> None:
    ids = {r[0] for r in store.conn.execute("SELECT id FROM items")}
    assert ids and _changes(store, 0) == ids
    assert store.journal_seq() > 0 and store.store_id()


def test_each_write_moves_exactly_the_items_it_changes(store: Store) -> None:
    c = store.conn
    doc_a = c.execute(
        "SELECT doc_id FROM items WHERE doc_id IN (SELECT doc_id FROM attendees) ORDER BY doc_id"
    ).fetchone()[0]
    doc_b = c.execute(
        "SELECT doc_id FROM items WHERE doc_id != ? ORDER BY doc_id", (doc_a,)
    ).fetchone()[0]
    item_a = sorted(_items_of(store, doc_a))[0]
    item_b = sorted(_items_of(store, doc_b))[0]

    def moved(sql: str, *args: Any) -> set[str]:
        before = store.journal_seq()
        c.execute(sql, args)
        after = store.journal_seq()
        changed = _changes(store, before)
        assert (after > before) == bool(changed)
        return changed

    assert moved("UPDATE items SET text = text || ' tillägg' WHERE id = ?", item_a) == {item_a}
    assert moved("UPDATE items SET title = 'Ny rubrik' WHERE id = ?", item_b) == {item_b}
    assert moved("UPDATE items SET canonical_id = ? WHERE id = ?", item_b, item_a) == {item_a}
    assert moved("UPDATE documents SET date = '2031-01-01' WHERE id = ?", doc_a) == _items_of(
        store, doc_a
    )
    assert moved("UPDATE documents SET body = 'Nämnd X' WHERE id = ?", doc_b) == _items_of(
        store, doc_b
    )
    # What no index holds: the warnings of a document, the topics of an item.
    assert moved("UPDATE documents SET warnings = '[\"x\"]' WHERE id = ?", doc_a) == set()
    assert moved("UPDATE items SET presenter = 'någon' WHERE id = ?", item_a) == set()
    # A new mention, a person's party, the person a mention is linked to.
    assert moved(
        "INSERT INTO mentions (item_id, label, text) VALUES (?, 'PER', 'Anna Testsson')", item_a
    ) == {item_a}
    assert moved("INSERT INTO persons (id, name) VALUES ('p-test', 'Anna Testsson')") == set()
    mention = c.execute("SELECT max(id) FROM mentions").fetchone()[0]
    assert moved("UPDATE mentions SET person_id = 'p-test' WHERE id = ?", mention) == {item_a}
    assert moved(
        "INSERT INTO mentions (item_id, label, text, person_id) VALUES (?, 'PER', 'A T', 'p-test')",
        item_b,
    ) == {item_b}
    assert moved("UPDATE persons SET party = 'MP' WHERE id = 'p-test'") == {item_a, item_b}
    assert moved("UPDATE persons SET orgs = '[\"x\"]' WHERE id = 'p-test'") == set()
    # A motion's party and an attendee's party (the party filter).
    assert moved(
        "INSERT INTO motions (item_id, position, by, party, text) VALUES (?, 99, 'X', 'L', 't')",
        item_b,
    ) == {item_b}
    assert moved(
        "UPDATE attendees SET party = 'XYZ' WHERE doc_id = ? AND position = 0", doc_a
    ) == _items_of(store, doc_a)
    # A removed document: its items are journalled, and gone from items.
    gone = _items_of(store, doc_b)
    assert moved("DELETE FROM documents WHERE id = ?", doc_b) == gone
    assert not _items_of(store, doc_b)


def test_reading_the_same_files_again_and_resolving_again_journal_nothing(
    seeds_dir: Path, tmp_path: Path
) -> None:
    settings = _settings(tmp_path / "idx")
    ingest([seeds_dir], settings, stages=default_stages())
    with Store.open(settings.index_dir, create=False) as st:
        seq = st.journal_seq()
        assert st.conn.execute("SELECT count(*) FROM persons").fetchone()[0] > 0
        rebuild_persons(st)  # every person resolved again: nothing changes, nothing journalled
        assert st.journal_seq() == seq
    ingest([seeds_dir], settings, stages=default_stages())
    with Store.open(settings.index_dir, create=False) as st:
        assert st.journal_seq() == seq


def test_an_existing_store_gets_every_item_journalled_on_migration(store: Store) -> None:
    c = store.conn
    names = [
        r[0]
        for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        if r[0].startswith("journal_")
    ]
    script = "".join(f"DROP TRIGGER {n};" for n in names)
    c.executescript(
        f"BEGIN;{script}DROP TABLE item_changes;DROP TABLE store_meta;"
        "DELETE FROM schema_migrations WHERE version = 303;COMMIT;"
    )
    path = store.path
    store.close()
    with Store(path) as again:
        ids = {r[0] for r in again.conn.execute("SELECT id FROM items")}
        assert _changes(again, 0) == ids and again.journal_seq() == 1


def _ranked(settings: Settings) -> dict[str, list[str]]:
    """Each query's keyword hits, unfiltered and filtered on the persons who make the most
    yrkanden and attend the most meetings (the person fields of the index follow the journal)."""
    with Store.open(settings.index_dir, create=False) as st:
        out = {
            q: [h.id for h in search(st, settings, q, mode="keyword", limit=200).hits]
            for q in QUERIES
        }
        names = [
            r[0]
            for sql in (
                "SELECT p.name FROM persons p JOIN motion_owners o ON o.person_id = p.id"
                " GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 2",
                "SELECT p.name FROM persons p JOIN person_roles r ON r.person_id = p.id"
                " GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 2",
            )
            for r in st.conn.execute(sql)
        ]
        for name in names:
            for q in QUERIES:
                hits = search(
                    st, settings, q, mode="keyword", limit=200, filters=Filters(person=name)
                )
                out[f"{q} | {name}"] = [h.id for h in hits.hits]
        return out


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(fulltext, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1] if len(args) > 1 else kwargs.get("ids", kwargs.get("item_ids")))
        return real(*args, **kwargs)

    monkeypatch.setattr(fulltext, name, spy)
    return calls


def test_the_keyword_stage_reads_only_the_new_documents_items(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(seeds_dir.iterdir())
    corpus = tmp_path / "corpus"
    _copy(files[:-1], corpus)
    settings = _settings(tmp_path / "idx")
    ingest([corpus], settings, stages=[build_fulltext])
    builds = _spy(monkeypatch, "build_index")
    docs = _spy(monkeypatch, "keyword_docs")
    persons = _spy(monkeypatch, "_persons")
    parties = _spy(monkeypatch, "item_parties")
    _copy(files[-1:], corpus)
    ingest([corpus], settings, stages=[build_fulltext])
    with Store.open(settings.index_dir, create=False) as st:
        new = {
            r[0]
            for r in st.conn.execute(
                "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id WHERE d.source LIKE ?",
                (f"%{files[-1].name}",),
            )
        }
        assert new
        assert builds == []
        assert [set(ids) for ids in docs] == [new]
        assert [set(ids) for ids in persons] == [new] and [set(ids) for ids in parties] == [new]
        assert (read_stamp(fulltext_dir(settings.index_dir)) or {})["seq"] == st.journal_seq()
    # Nothing changed: no keyword work at all.
    docs.clear()
    ingest([corpus], settings, stages=[build_fulltext])
    assert docs == [] and builds == []


def test_a_stamp_from_another_store_builds_afresh(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(seeds_dir.iterdir())
    corpus = tmp_path / "corpus"
    _copy(files[:-1], corpus)
    settings = _settings(tmp_path / "idx")
    ingest([corpus], settings, stages=[build_fulltext])
    folder = fulltext_dir(settings.index_dir)
    stamp = json.loads((folder / "stamp.json").read_text())
    (folder / "stamp.json").write_text(json.dumps({**stamp, "store": "another"}))
    builds = _spy(monkeypatch, "build_index")
    _copy(files[-1:], corpus)
    ingest([corpus], settings, stages=[build_fulltext])
    assert len(builds) == 1


def _incremental_equals_fresh(files: list[Path], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _copy(files[:-1], corpus)
    step = _settings(tmp_path / "step")
    ingest([corpus], step, stages=default_stages())
    _copy(files[-1:], corpus)
    ingest([corpus], step, stages=default_stages())
    fresh = _settings(tmp_path / "fresh")
    ingest([corpus], fresh, stages=default_stages())
    a, b = _ranked(step), _ranked(fresh)
    assert any(a.values())
    assert a == b


def test_incremental_ingest_searches_like_a_fresh_build(seeds_dir: Path, tmp_path: Path) -> None:
    _incremental_equals_fresh(sorted(seeds_dir.iterdir()), tmp_path)


def test_incremental_ingest_searches_like_a_fresh_build_on_real_minutes(
    seeds_dir: Path, extra_dir: Path, tmp_path: Path
) -> None:
    real = sorted((extra_dir / "alingsas" / "protokoll").iterdir())[:3]
    _incremental_equals_fresh([*sorted(seeds_dir.iterdir()), *real], tmp_path)
