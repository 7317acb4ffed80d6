"""Store: migrations, atomic saves, incremental ingest."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from minutesearch.config import Settings
from minutesearch.ingest import ingest
from minutesearch.model import Document, Item
from minutesearch.store import Store, migrations


def test_migrations_are_numbered_and_applied(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.schema_version == migrations()[-1][0]
    with Store.open(tmp_path) as store:  # reopening applies nothing twice
        assert store.schema_version == migrations()[-1][0]


def test_store_from_before_the_ledger_gets_the_lower_numbered_migrations(tmp_path: Path) -> None:
    """A 0.2.0 store (user_version 300) still gets core migrations numbered below 300."""
    known = {version: sql for version, _name, sql in migrations()}
    path = tmp_path / "minutesearch.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(known[1] + known[300] + "PRAGMA user_version=300;")
    conn.close()
    with Store.open(tmp_path) as store:
        item_cols = {r[1] for r in store.conn.execute("PRAGMA table_info(items)")}
        doc_cols = {r[1] for r in store.conn.execute("PRAGMA table_info(documents)")}
        applied = {r[0] for r in store.conn.execute("SELECT version FROM schema_migrations")}
        assert store.schema_version == migrations()[-1][0]
    assert {"section_label", "ocr_read"} <= item_cols
    assert {"ocr", "ocr_pages"} <= doc_cols
    assert applied == set(known)


def test_failed_save_keeps_previous_document(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        doc = Document(
            source="a.txt",
            body="Kommunstyrelsen",
            date="2024-01-10",
            items=[Item(section=1, title="Öppnande", text="x")],
        )
        store.save_document(doc, "h1")
        bad = Document(
            source="a.txt",
            body="Kommunstyrelsen",
            date="2024-01-10",
            items=[Item(section=1, title=None, text="y")],
        )  # type: ignore[arg-type]
        with pytest.raises(sqlite3.IntegrityError):
            store.save_document(bad, "h2")
        assert store.source_hashes() == {"a.txt": "h1"}
        assert store.counts()["items"] == 1


def test_second_ingest_of_unchanged_corpus_changes_nothing(tmp_path: Path, seeds_dir: Path) -> None:
    settings = Settings(index_dir=tmp_path, embedder="none")
    first = ingest([seeds_dir], settings, stages=[])
    assert {f.status for f in first.files} == {"new"}
    second = ingest([seeds_dir], settings, stages=[])
    assert {f.status for f in second.files} == {"unchanged"}
    assert second.counts == first.counts


def test_item_orgs_drop_genitive_and_case_variants(seed_store: Store) -> None:
    item = seed_store.item_json(seed_store.item_row("socsam-2023-03-24-19"))
    lowered = [o.lower() for o in item["orgs"]]
    assert len(lowered) == len(set(lowered))
    assert not any(o.endswith("s") and o[:-1] in lowered for o in lowered)
    assert "Familjehemscentrum" in item["orgs"]
