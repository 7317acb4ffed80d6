"""The store at a million items (issue #16): the read side's queries are served by indexes, and
storing one more meeting rewrites only that meeting's rows (relink, topics)."""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest

from minutesearch.config import Settings
from minutesearch.entities.people import resolve_motion_owners
from minutesearch.model import Attendee, Document, Item
from minutesearch.stages import StageContext
from minutesearch.store import Store, migrations

DocKind = Literal["protocol", "extract", "attachment"]

BIG_TABLES = {
    "items",
    "mentions",
    "motions",
    "decisions",
    "item_topics",
    "attendees",
    "refs",
    "links",
    "person_roles",
    "thread_items",
}
"""Tables that grow with the items (documents has one row per meeting, a twelfth of them)."""

WHOLE_TABLE_READS: set[str] = set()
"""Statements that read a whole table by design, not for want of an index (kept short)."""

WORDS = [
    "detaljplan",
    "förskola",
    "budget",
    "skolskjuts",
    "äldreomsorg",
    "bostäder",
    "avfall",
    "vatten",
    "avlopp",
    "bygglov",
    "strandskydd",
    "tillsyn",
    "revision",
    "arvoden",
    "klimat",
    "energi",
    "trafiksäkerhet",
    "internkontroll",
    "taxa",
    "folkhälsa",
    "integration",
    "näringsliv",
    "lokaler",
    "idrott",
    "kultur",
    "upphandling",
    "kollektivtrafik",
]
BODIES = [
    ("Kommunstyrelsen", "KS"),
    ("Barn- och utbildningsnämnden", "BUN"),
    ("Socialnämnden", "SN"),
]


def _doc(n: int, rng: random.Random, *, kind: DocKind = "protocol", items: int = 6) -> Document:
    body, short = BODIES[n % len(BODIES)]
    doc = Document(
        source=f"scale/{kind}-{n:04d}.txt",
        kind=kind,
        title="Protokoll",
        body=body,
        body_short=short,
        date=f"2024-{1 + n % 12:02d}-{1 + n % 27:02d}",
        organisation="Exempels kommun",
        present=[Attendee(name=f"Person {n % 7}", party=["S", "M", "C"][n % 3], group="ledamot")],
    )
    for k in range(items):
        words = rng.sample(WORDS, 3)
        text = " ".join(rng.choice(words) for _ in range(40))
        doc.items.append(Item(section=k + 1, title=f"{words[0]} och {words[1]}", text=text))
    return doc


def _store(path: Path, docs: int = 40) -> Store:
    rng = random.Random(1)
    store = Store.open(path)
    for n in range(docs):
        store.save_document(_doc(n, rng), f"h{n}")
    # Extracts of every fourth meeting: same body, date and §§ as their protocol.
    for n in range(0, docs, 4):
        extract = _doc(n, random.Random(n), kind="extract", items=2)
        extract.source = f"scale/extract-{n:04d}.txt"
        store.save_document(extract, f"e{n}")
    store.relink()
    return store


def _fill_analysis_rows(store: Store) -> None:
    """A few rows in the tables the read side joins (what annotate and analyse write)."""
    with store.transaction() as c:
        for p in range(20):
            c.execute(
                "INSERT INTO persons (id, name, party) VALUES (?, ?, 'S')", (f"p{p}", f"P {p}")
            )
        for n, r in enumerate(list(c.execute("SELECT id, doc_id FROM items"))):
            c.execute(
                "INSERT INTO mentions (item_id, label, text, start, end, person_id)"
                " VALUES (?, 'PER', 'Person', 0, 8, ?)",
                (r["id"], f"p{n % 20}"),
            )
            c.execute(
                "INSERT INTO decisions (item_id, decision, outcome) VALUES (?, 'Bifall', 'bifall')",
                (r["id"],),
            )
            c.execute(
                "INSERT INTO motions (item_id, position, by, party, text) VALUES (?, 0, 'P', 'S', 'x')",
                (r["id"],),
            )
            c.execute(
                "INSERT INTO person_roles (person_id, doc_id, item_id, role) VALUES (?,?,?,'yrkande')",
                (f"p{n % 20}", r["doc_id"], r["id"]),
            )
    resolve_motion_owners(store)  # what the analyse stage does after writing motions


def _rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    return sorted(tuple(r) for r in store.conn.execute(sql))


def _traced(store: Store, calls: list[Callable[[], object]]) -> list[str]:
    """The SQL (parameters bound) of every SELECT the calls ran."""
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    try:
        for call in calls:
            call()
    finally:
        store.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def _full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """Plan steps that read a whole big table (an index used only to walk it counts too)."""
    aliases = {
        m.group(2): m.group(1)
        for m in re.finditer(r"(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)
    }
    bad = []
    for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
        m = re.match(r"SCAN (\w+)", row[3])
        if m and aliases.get(m.group(1), m.group(1)) in BIG_TABLES:
            bad.append(row[3])
    return bad


@pytest.mark.parametrize("analysed", [False, True], ids=["no-stats", "after-optimize"])
def test_read_side_queries_use_indexes(tmp_path: Path, analysed: bool) -> None:
    from minutesearch.entities.people import person_detail
    from minutesearch.query import item_meta

    store = _store(tmp_path)
    _fill_analysis_rows(store)
    if analysed:
        store.conn.execute("ANALYZE")
    item = store.conn.execute(
        "SELECT id, doc_id FROM items ORDER BY id LIMIT 1 OFFSET 7"
    ).fetchone()
    statements = _traced(
        store,
        [
            lambda: store.item_json(store.item_row(item["id"])),
            lambda: store.meeting_json(store.document_row(item["doc_id"])),
            lambda: store.item_rows(since="2024-03-01", until="2024-03-31"),
            lambda: store.item_rows(kind="protocol", since="2024-11-01"),
            lambda: store.item_rows(doc_id=item["doc_id"]),
            lambda: store.item_rows(org="Exempels kommun", since="2024-05-01", until="2024-05-10"),
            lambda: item_meta(store, [item["id"]]),
            lambda: person_detail(store, "p1"),
        ],
    )
    assert len(statements) >= 10
    scans = {
        sql: found
        for sql in statements
        if (found := _full_scans(store.conn, sql)) and sql not in WHOLE_TABLE_READS
    }
    assert not scans, scans
    store.close()


def test_the_plan_check_finds_a_full_scan(tmp_path: Path) -> None:
    """The check above is not vacuous: a filter no index serves is reported."""
    with _store(tmp_path) as store:
        assert _full_scans(store.conn, "SELECT i.id FROM items i WHERE i.text LIKE '%plan%'")


def test_relink_of_one_meeting_touches_only_its_date(tmp_path: Path) -> None:
    store = _store(tmp_path, docs=60)
    full = _rows(store, "SELECT id, canonical_id FROM items")
    assert any(c for _, c in full), "the fixture has linked extracts"
    # One new protocol on a date of its own: relink of it changes (almost) nothing else.
    new = _doc(1000, random.Random(5))
    new.date = "2025-06-30"
    before = store.conn.total_changes
    doc_id = store.save_document(new, "new")
    stored = store.conn.total_changes - before
    before = store.conn.total_changes
    store.relink([doc_id])
    assert store.conn.total_changes - before == 0
    # An extract of an existing meeting: only the extract's own rows are linked again.
    extract = _doc(8, random.Random(8), kind="extract", items=2)
    extract.source = "scale/late-extract.txt"
    ext_id = store.save_document(extract, "late")
    before = store.conn.total_changes
    seq = store.journal_seq()
    store.relink([ext_id])
    journalled = len(store.changed_items_since(seq))  # each item relinked moves in the journal
    same_day = store.conn.execute(
        "SELECT count(*) FROM items i JOIN documents d ON d.id = i.doc_id"
        " WHERE d.kind = 'extract' AND d.date = ?",
        (extract.date,),
    ).fetchone()[0]
    assert 0 < store.conn.total_changes - before - journalled <= same_day
    assert journalled <= same_day
    assert stored > 0
    incremental = _rows(store, "SELECT id, canonical_id FROM items")
    store.relink()
    assert _rows(store, "SELECT id, canonical_id FROM items") == incremental
    linked = {str(k): v for k, v in incremental}
    assert all(linked[f"{ext_id}-{k}"] is not None for k in (1, 2))
    store.close()


def test_relink_drops_links_to_a_removed_meeting(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        target = store.conn.execute(
            "SELECT p.doc_id, d.source FROM items i JOIN items p ON p.id = i.canonical_id"
            " JOIN documents d ON d.id = p.doc_id LIMIT 1"
        ).fetchone()
        store.delete_source(target["source"])
        store.relink([])
        dangling = store.conn.execute(
            "SELECT count(*) FROM items WHERE canonical_id IS NOT NULL"
            " AND canonical_id NOT IN (SELECT id FROM items)"
        ).fetchone()[0]
        assert dangling == 0


def test_topics_of_one_new_meeting_leave_the_rest_alone(tmp_path: Path) -> None:
    from minutesearch.topics import MODEL_FILE, build_topics

    store = _store(tmp_path, docs=60)
    settings = Settings(index_dir=tmp_path)
    all_docs = {r[0] for r in store.conn.execute("SELECT id FROM documents")}
    build_topics(StageContext(store=store, settings=settings, changed_docs=all_docs, rebuild=True))
    assert (tmp_path / MODEL_FILE).is_file()
    topics = _rows(store, "SELECT * FROM topics")
    old = _rows(store, "SELECT * FROM item_topics")
    doc_id = store.save_document(_doc(2000, random.Random(9)), "new")
    store.relink([doc_id])
    before = store.conn.total_changes
    build_topics(StageContext(store=store, settings=settings, changed_docs={doc_id}))
    changes = store.conn.total_changes - before
    new_items = store.conn.execute("SELECT count(*) FROM items WHERE doc_id = ?", (doc_id,))
    # Each new item gets at most 3 topics; nothing else is rewritten.
    assert 0 < changes <= 3 * new_items.fetchone()[0]
    assert _rows(store, "SELECT * FROM topics") == topics
    now = _rows(store, "SELECT * FROM item_topics")
    new_ids = {r[0] for r in store.conn.execute("SELECT id FROM items WHERE doc_id = ?", (doc_id,))}
    assert [r for r in now if r[0] not in new_ids] == old
    assert any(r[0] in new_ids for r in now)
    store.close()


def test_topics_refit_when_the_stored_model_is_not_the_stores(tmp_path: Path) -> None:
    from minutesearch.topics import MODEL_FILE, build_topics

    store = _store(tmp_path, docs=60)
    settings = Settings(index_dir=tmp_path)
    build_topics(StageContext(store=store, settings=settings, rebuild=True))
    fitted = _rows(store, "SELECT * FROM item_topics")
    store.conn.execute("DELETE FROM item_topics")
    store.conn.execute("UPDATE topics SET terms = '[]'")  # not the model's topics any more
    build_topics(StageContext(store=store, settings=settings))
    assert _rows(store, "SELECT * FROM item_topics") == fitted
    (tmp_path / MODEL_FILE).write_bytes(b"not a pickle")
    store.conn.execute("DELETE FROM item_topics")
    build_topics(StageContext(store=store, settings=settings))
    assert _rows(store, "SELECT * FROM item_topics") == fitted
    store.close()


def test_index_migration_applies_to_a_store_with_data(tmp_path: Path) -> None:
    """A store made before 0302 gets its indexes on open, and keeps every row."""
    known = migrations()
    ((v302, sql302),) = [(v, sql) for v, name, sql in known if name.startswith("0302_")]
    indexes = re.findall(r"CREATE INDEX IF NOT EXISTS (\w+)", sql302)
    with _store(tmp_path) as store:
        _fill_analysis_rows(store)
        for name in indexes:  # the store as 0.3.0-before-#16 left it
            store.conn.execute(f"DROP INDEX {name}")
        store.conn.execute("DELETE FROM schema_migrations WHERE version = ?", (v302,))
        store.conn.execute("PRAGMA user_version = 301")
        tables = ("documents", "items", "mentions", "decisions", "motions", "person_roles")
        rows = {t: _rows(store, f"SELECT * FROM {t}") for t in tables}
    assert indexes
    with Store.open(tmp_path) as store:
        assert store.schema_version == known[-1][0]
        have = {
            r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        assert set(indexes) <= have
        for t in tables:
            assert _rows(store, f"SELECT * FROM {t}") == rows[t]


def _refs(idx: Path) -> list[tuple[object, ...]]:
    with Store.open(idx, create=False) as store:
        return _rows(
            store,
            "SELECT item_id, kind, text, body, ref_date, ref_section, target_item_id,"
            " target_doc_id FROM refs",
        )


@pytest.mark.parametrize("extra", [False, True], ids=["seeds", "goteborg"])
def test_references_of_an_added_meeting_equal_a_full_analysis(
    tmp_path: Path, request: pytest.FixtureRequest, extra: bool
) -> None:
    """Adding one meeting resolves references (its own and the older ones it may answer) as a
    whole-corpus analysis does, while only the items in `reference_scope` are redone."""
    import shutil

    from minutesearch.analysis.pipeline import analyse
    from minutesearch.ingest import ingest
    from minutesearch.locations import CORPUS_DIR

    # The meeting added last is one that other meetings cite (found by a full analysis).
    if extra:
        files = sorted((request.getfixturevalue("extra_dir") / "goteborg").glob("*.txt"))
        late = next(f for f in files if f.name.startswith("ks-2024-05-29"))
    else:
        files = sorted(CORPUS_DIR.glob("*.txt"))
        late = next(f for f in files if f.name.startswith("004_"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    for f in files:
        if f != late:
            shutil.copy2(f, folder / f.name)
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    ingest([folder], settings, stages=[analyse])
    assert _refs(settings.index_dir), "the corpus has references"
    shutil.copy2(late, folder / late.name)
    ingest([folder], settings, stages=[analyse])
    incremental = _refs(settings.index_dir)
    with Store.open(settings.index_dir) as store:
        cited = store.conn.execute(
            "SELECT count(*) FROM refs r JOIN items i ON i.id = r.item_id JOIN documents d"
            " ON d.id = r.target_doc_id WHERE d.source LIKE ? AND i.doc_id != d.id",
            (f"%{late.name}",),
        ).fetchone()[0]
        analyse(StageContext(store=store, settings=settings, rebuild=True))
    assert cited > 0, "older meetings cite the added one"
    assert _refs(settings.index_dir) == incremental


def test_decisions_of_a_few_items_read_only_their_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`decisions` with a query or filter reads the matching items' decisions by key, not every
    decision of the store, and lists them newest first, a meeting's items in § order."""
    from minutesearch.analysis import queries

    store = _store(tmp_path)
    _fill_analysis_rows(store)
    rows = store.conn.execute(
        "SELECT x.item_id, d.date, i.doc_id, i.position FROM decisions x"
        " JOIN items i ON i.id = x.item_id JOIN documents d ON d.id = i.doc_id"
        " WHERE i.canonical_id IS NULL"  # an extract's copy lists under its protocol item
    ).fetchall()
    wanted = {r[0] for r in rows[:: max(1, len(rows) // 6)]}
    monkeypatch.setattr(queries, "matching_item_ids", lambda *a, **k: set(wanted))
    settings = Settings(index_dir=tmp_path / "idx", embedder="fake")
    found: list[dict[str, object]] = []
    statements = _traced(
        store, [lambda: found.extend(queries.find_decisions(store, settings, "x"))]
    )
    assert {d["id"] for d in found} == wanted and len(wanted) >= 3
    expected = sorted((r for r in rows if r[0] in wanted), key=lambda r: (r[2], r[3]))
    expected.sort(key=lambda r: r[1], reverse=True)  # newest first, stable within a meeting
    assert [d["id"] for d in found] == [r[0] for r in expected]
    scans = {s: f for s in statements if (f := _full_scans(store.conn, s))}
    assert not scans, scans
    store.close()
