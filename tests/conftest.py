"""Shared fixtures: the seed corpus, corpus-extra (skipped when absent), a seed index."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from minutesearch.config import Settings
from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT
from minutesearch.store import Store

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

EXTRA_DIR = (PROJECT_ROOT.parent / "shared" / "corpus-extra").resolve()
SEEDS_DIR = CORPUS_DIR


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS_DIR


@pytest.fixture(scope="session")
def extra_dir() -> Path:
    """../shared/corpus-extra beside the repo; tests that need it skip with a reason without it."""
    if not EXTRA_DIR.is_dir():
        pytest.skip(f"corpus-extra not found at {EXTRA_DIR} (../shared is absent)")
    return EXTRA_DIR


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A store + indexes of the five seed documents, built once per session with the fake embedder."""
    from minutesearch.ingest import ingest

    idx = tmp_path_factory.mktemp("seed-index")
    settings = Settings(index_dir=idx, embedder="fake")
    report = ingest([SEEDS_DIR], settings)
    assert not report.skipped, report.skipped
    return settings


@pytest.fixture()
def seed_store(seed_settings: Settings) -> Iterator[Store]:
    with Store.open(seed_settings.index_dir, create=False) as store:
        yield store


Snapshot = dict[str, list[tuple[Any, ...]]]
SNAPSHOT_TABLES = {
    "documents": "SELECT * FROM documents ORDER BY id",
    "attendees": "SELECT * FROM attendees ORDER BY doc_id, position",
    "items": "SELECT * FROM items ORDER BY id",
    "mentions": "SELECT item_id, label, text, start, end FROM mentions ORDER BY id",
}


def store_snapshot(idx: Path) -> Snapshot:
    """The stored rows that ingest writes, without the time each document was ingested: two
    ingests that should agree (worker counts, executors) are compared through this."""
    with Store.open(idx, create=False) as store:
        out: Snapshot = {}
        for table, sql in SNAPSHOT_TABLES.items():
            cursor = store.conn.execute(sql)
            names = [d[0] for d in cursor.description]
            out[table] = [
                tuple(v for n, v in zip(names, row, strict=True) if n != "ingested_at")
                for row in cursor
            ]
        return out


def pdf_bytes(objects: list[bytes]) -> bytes:
    """A PDF from its objects, with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
