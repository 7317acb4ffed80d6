"""Filters evaluated by the engines themselves (issue #16): the same items as `allowed_items`.

`resolve_filter` turns the user's filters into exact values (body/org names, date bounds, kind,
party code, person/topic/outcome ids); the keyword engines filter on indexed fields. Over the
seeds and a corpus-extra slice, every filter combination must give exactly the ids, in exactly
the order, that filtering the unfiltered result list by `allowed_items` gives.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from minutesearch.config import Settings
from minutesearch.errors import QueryError
from minutesearch.filters import (
    Filters,
    ItemFilter,
    allowed_items,
    date_key,
    filter_ids,
    item_parties,
    resolve_filter,
)
from minutesearch.store import Store

EXTRA_SLICE = (
    "goteborg/ks-2024-01-10.paragraphs.txt",
    "goteborg/ks-2025-03-12.paragraphs.txt",
    "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf",
    "alingsas/utdrag/2026-06-01_kommunstyrelsen__ss-65-ten-svar-pa-motion-gallande-att-infora"
    "-laddstationer-for-alingsas-cyklister.pdf",
    "alingsas/protokoll/2026-05-26_barn-och-ungdomsnamnden.pdf",
    "alingsas/skrivelser/2026-05-26_barn-och-ungdomsnamnden__ts-overgangsregler-for-skolskjuts"
    "-2027-2030.pdf",
)


@pytest.fixture(scope="module")
def mixed_settings(
    seeds_dir: Path, extra_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Settings:
    """Seeds + a corpus-extra slice (Göteborg text, Alingsås protocol, extract, attachment)."""
    from minutesearch.ingest import ingest

    src = tmp_path_factory.mktemp("mixed-src")
    for name in EXTRA_SLICE:
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(extra_dir / name, target)
    settings = Settings(index_dir=tmp_path_factory.mktemp("mixed-index"), embedder="fake")
    report = ingest([seeds_dir, src], settings)
    assert not report.skipped, report.skipped
    return settings


@pytest.fixture()
def mixed_store(mixed_settings: Settings) -> Iterator[Store]:
    with Store.open(mixed_settings.index_dir, create=False) as store:
        yield store


def _parties(store: Store) -> list[str]:
    """Party codes the store knows, most used first."""
    counts: dict[str, int] = {}
    for parties in item_parties(store).values():
        for p in parties:
            counts[p] = counts.get(p, 0) + 1
    return sorted(counts, key=lambda p: -counts[p])


def test_item_parties_is_the_party_filter(mixed_store: Store) -> None:
    parties = item_parties(mixed_store)
    codes = _parties(mixed_store)
    assert {"S", "M"} <= set(codes), codes[:20]
    for code in [*codes[:8], "s", " sd ", "kd"]:
        want = allowed_items(mixed_store, Filters(party=code))
        assert want is not None
        got = {i for i, p in parties.items() if code.strip().upper() in p}
        assert got == want, code
    some = sorted(parties)[:40]
    assert item_parties(mixed_store, some) == {i: parties[i] for i in some}


def test_resolve_filter_values(mixed_store: Store) -> None:
    assert resolve_filter(mixed_store, Filters()) is None
    assert resolve_filter(mixed_store, None) is None
    bodies = {r[0] for r in mixed_store.conn.execute("SELECT DISTINCT body FROM documents") if r[0]}
    flt = resolve_filter(mixed_store, Filters(body="kommunstyrelsen"))
    assert flt is not None and flt.bodies
    assert flt.bodies == {b for b in bodies if "kommunstyrelsen" in b.lower()}
    assert resolve_filter(mixed_store, {"body": "ingen sådan nämnd"}) == ItemFilter(
        bodies=frozenset()
    )
    assert resolve_filter(mixed_store, Filters(body="ingen sådan nämnd")).matches_nothing()  # type: ignore[union-attr]
    flt = resolve_filter(mixed_store, Filters(since="2023", until="2023-05", kind="Protokoll"))
    assert flt == ItemFilter(since="2023", until="2023-05~", kind="protocol")
    assert not flt.matches_nothing()
    assert flt.day_range() == (20230000, 20230599)
    flt = resolve_filter(mixed_store, Filters(party=" s "))
    assert flt is not None and flt.party == "S"
    with pytest.raises(QueryError):
        resolve_filter(mixed_store, Filters(since="2023-13"))
    with pytest.raises(QueryError):
        resolve_filter(mixed_store, Filters(kind="brev"))


def test_date_key_orders_like_the_sql_strings() -> None:
    stored = ["2022-12-31", "2023", "2023-01-01", "2023-05", "2023-05-12", "2023-06-01", "2024"]
    bounds = ["2023", "2023-05", "2023-05-12", "2024-01-01"]
    for d in stored:
        for b in bounds:
            assert (d >= b) == (date_key(d) >= date_key(b)), (d, b)  # type: ignore[operator]
            end = b + "~"
            assert (d <= end) == (date_key(d) <= date_key(end, end=True)), (d, end)  # type: ignore[operator]
    assert date_key("ingen dag") is None


def test_filter_ids_checks_candidates_alone(mixed_store: Store) -> None:
    ids = [r[0] for r in mixed_store.conn.execute("SELECT id FROM items ORDER BY id")]
    for f in (
        Filters(body="KS"),
        Filters(org="göteborg", since="2024-06"),
        Filters(party="S", kind="protokoll"),
        Filters(until="2025", body="nämnd"),
        *(c for c in _combos(mixed_store) if c.person and not c.since),
    ):
        want = allowed_items(mixed_store, f)
        assert want and want != set(ids), f
        assert filter_ids(mixed_store, resolve_filter(mixed_store, f), ids) == want, f
    assert filter_ids(mixed_store, None, ids[:5]) == set(ids[:5])


# -- the engines filter as allowed_items does ------------------------------------------------

QUERIES = (
    "budget",
    "kommunstyrelsen beslutar",
    "detaljplan",
    "motion",
    "skola förskola",
    "ekonomi -budget",
    "yrkande bifall",
    "protokoll",
    "samverkan psykiatrin",  # an extract's copy of a protocol's §: collapsed unless filtered
    "laddstationer cyklister",
)


def _combos(store: Store) -> list[Filters]:
    """Filter combinations over the values this store holds (person, topic, outcome read
    from it), each kind of filter alone and together."""
    parties = _parties(store)[:4]
    person = store.conn.execute(
        "SELECT p.name FROM persons p JOIN mentions m ON m.person_id = p.id"
        " GROUP BY p.id ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    topic = store.conn.execute("SELECT label FROM topics ORDER BY id LIMIT 1").fetchone()
    outcomes = [r[0] for r in store.conn.execute("SELECT DISTINCT outcome FROM decisions")]
    combos = [
        Filters(body="KS"),
        Filters(body="ks"),
        Filters(body="Kommunstyrelsen"),
        Filters(body="styrelse"),
        Filters(body="NÄMNDEN"),
        Filters(body="socsam"),
        Filters(body="ingen sådan nämnd"),
        Filters(org="Alingsås"),
        Filters(org="göteborgs stad"),
        Filters(org="region"),
        Filters(since="2024"),
        Filters(until="2023"),
        Filters(since="2023-03", until="2023-03"),
        Filters(since="2025-03-12", until="2026-06-01"),
        Filters(since="2026-05"),
        Filters(kind="protokoll"),
        Filters(kind="Utdrag"),
        Filters(kind="bilaga"),
        Filters(kind="extract"),
        *(Filters(party=p) for p in parties),
        Filters(party="s"),
        Filters(body="KS", since="2025"),
        Filters(org="Alingsås", party=parties[0]),
        Filters(kind="protokoll", party=parties[1], until="2025-12"),
        Filters(body="nämnd", kind="bilaga", since="2026"),
    ]
    if person:
        combos += [Filters(person=person[0]), Filters(person=person[0], body="KS")]
    # Each way the person filter keeps an item: a yrkande, presenting it, attending the meeting
    # (only), and a name that is no person (found in the texts).
    for sql in (
        "SELECT p.name FROM persons p JOIN motion_owners o ON o.person_id = p.id"
        " GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1",
        "SELECT p.name FROM persons p JOIN person_roles r ON r.person_id = p.id"
        " WHERE r.item_id IS NOT NULL GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1",
        "SELECT p.name FROM persons p JOIN person_roles r ON r.person_id = p.id"
        " WHERE r.item_id IS NULL AND p.id NOT IN (SELECT person_id FROM mentions"
        " WHERE person_id IS NOT NULL) GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1",
        "SELECT text FROM mentions WHERE label = 'ORG' AND text LIKE '% %'"
        " GROUP BY text ORDER BY count(*) DESC, text LIMIT 1",
        # Present for some §§ only (the §§ listed beside the name).
        "SELECT a.name FROM attendees a JOIN persons p ON p.name = a.name"
        " WHERE a.present = 1 AND a.sections NOT IN ('', '[]') AND NOT EXISTS (SELECT 1 FROM"
        " attendees b WHERE b.doc_id = a.doc_id AND b.name = a.name AND b.sections IN ('', '[]'))"
        " ORDER BY a.doc_id, a.position LIMIT 1",
    ):
        row = store.conn.execute(sql).fetchone()
        assert row is not None, sql
        kept = allowed_items(store, Filters(person=row[0]))
        assert kept and len(kept) < store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
        combos += [Filters(person=row[0]), Filters(person=row[0], since="2026")]
    if topic:
        combos += [Filters(topic=topic[0]), Filters(topic=topic[0], since="2024")]
    for outcome in outcomes[:2]:
        combos += [Filters(outcome=outcome), Filters(outcome=outcome, org="Alingsås")]
    return combos


def _by_ids(store: Store, filters: object) -> ItemFilter | None:
    """The filter as it was before issue #16: a set of every allowed item id."""
    allowed = allowed_items(store, filters)
    return None if allowed is None else ItemFilter(item_ids=frozenset(allowed))


def test_keyword_search_filters_like_allowed_items(
    mixed_store: Store, mixed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minutesearch import search as search_module

    combos = _combos(mixed_store)
    assert len(combos) > 30
    new: dict[tuple[str, int], tuple[list[str], int, bool]] = {}
    for query in QUERIES:
        for n, f in enumerate(combos):
            res = search_module.search(
                mixed_store, mixed_settings, query, mode="keyword", limit=1000, filters=f
            )
            new[query, n] = ([h.id for h in res.hits], res.total, res.fallback_or)
            allowed = allowed_items(mixed_store, f)
            assert allowed is not None and set(new[query, n][0]) <= allowed, (query, f)
    monkeypatch.setattr(search_module, "resolve_filter", _by_ids)
    filtered = narrowed = 0
    for query in QUERIES:
        unfiltered = {
            h.id
            for h in search_module.search(
                mixed_store, mixed_settings, query, mode="keyword", limit=1000
            ).hits
        }
        for n, f in enumerate(combos):
            res = search_module.search(
                mixed_store, mixed_settings, query, mode="keyword", limit=1000, filters=f
            )
            assert new[query, n] == ([h.id for h in res.hits], res.total, res.fallback_or), (
                query,
                f,
            )
            filtered += bool(res.hits)
            narrowed += bool(res.hits) and {h.id for h in res.hits} < unfiltered
    # Not vacuous: most combinations find something, and most of those fewer than unfiltered.
    assert filtered > len(QUERIES) * len(combos) // 3, filtered
    assert narrowed > filtered // 2, (narrowed, filtered)


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_semantic_and_hybrid_filter_like_allowed_items(
    mixed_store: Store, mixed_settings: Settings, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """The ItemFilter reaches the vector side too: same lists as the set of allowed ids."""
    from minutesearch import search as search_module

    combos = _combos(mixed_store)
    queries = QUERIES[:4]

    def run() -> list[tuple[list[str], int]]:
        out = []
        for query in queries:
            for f in combos:
                res = search_module.search(
                    mixed_store, mixed_settings, query, mode=mode, limit=1000, filters=f
                )
                assert res.mode == mode
                out.append(([h.id for h in res.hits], res.total))
        return out

    new = run()
    for (ids, _), f in zip(new, combos * len(queries), strict=True):
        allowed = allowed_items(mixed_store, f)
        assert allowed is not None and set(ids) <= allowed, f
    assert sum(bool(ids) for ids, _ in new) > len(new) // 3
    monkeypatch.setattr(search_module, "resolve_filter", _by_ids)
    assert run() == new


@pytest.mark.parametrize("engine", ["tantivy", "whoosh"])
def test_each_engine_filters_on_its_fields(mixed_store: Store, engine: str, tmp_path: Path) -> None:
    from minutesearch.index.analyzer import parse_query
    from minutesearch.index.engine import build_index, open_index
    from minutesearch.index.fulltext import keyword_docs

    docs = keyword_docs(mixed_store)
    assert any(d.parties for d in docs) and all(d.kind for d in docs)
    build_index(engine, tmp_path, docs, lambda n: None)
    ix = open_index(engine, tmp_path)
    try:
        for query in QUERIES:
            q = parse_query(query)
            for f in _combos(mixed_store):
                flt = resolve_filter(mixed_store, f)
                for conjunctive in (True, False):
                    got = ix.search(q, conjunctive=conjunctive, limit=1000, allowed=flt)
                    want = ix.search(
                        q,
                        conjunctive=conjunctive,
                        limit=1000,
                        allowed=_by_ids(mixed_store, f),
                    )
                    assert [i for i, _ in got] == [i for i, _ in want], (engine, query, f)
                    assert [s for _, s in got] == pytest.approx([s for _, s in want])
    finally:
        ix.close()


def test_an_index_without_filter_fields_is_rebuilt_by_the_next_ingest(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """An index of the format before the filter fields: `ingest` of the same files (none read
    again) rebuilds it from the store, and filtered search works."""
    import json

    from minutesearch.index.fulltext import FORMAT_VERSION, read_stamp
    from minutesearch.ingest import ingest
    from minutesearch.locations import fulltext_dir
    from minutesearch.search import search

    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    ingest([seeds_dir], settings)
    folder = fulltext_dir(settings.index_dir)
    stamp = read_stamp(folder)
    assert stamp is not None and stamp["format"] == FORMAT_VERSION
    (folder / "stamp.json").write_text(json.dumps({**stamp, "format": FORMAT_VERSION - 1}))
    report = ingest([seeds_dir], settings)
    assert {f.status for f in report.files} == {"unchanged"}
    stamp = read_stamp(folder)
    assert stamp is not None and stamp["format"] == FORMAT_VERSION
    with Store.open(settings.index_dir, create=False) as store:
        f = Filters(body="socsam", since="2023-03")
        hits = search(store, settings, "samverkan", mode="keyword", limit=100, filters=f).hits
        allowed = allowed_items(store, f)
        assert hits and allowed and {h.id for h in hits} <= allowed


def test_a_document_read_with_a_new_date_is_filtered_by_it(seeds_dir: Path, tmp_path: Path) -> None:
    """Only the document row changed (its items' text did not): the next ingest updates the
    filter fields of its items in place."""
    from minutesearch.ingest import ingest
    from minutesearch.search import search

    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    ingest([seeds_dir], settings)
    with Store.open(settings.index_dir, create=False) as store:
        doc_id, n = store.conn.execute(
            "SELECT doc_id, count(*) FROM items GROUP BY doc_id ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        with store.conn:
            store.conn.execute("UPDATE documents SET date = '2019-02-03' WHERE id = ?", (doc_id,))
    ingest([seeds_dir], settings)
    with Store.open(settings.index_dir, create=False) as store:
        f = Filters(until="2019")
        allowed = allowed_items(store, f)
        assert allowed is not None and len(allowed) == n
        hits = search(store, settings, "beslut", mode="keyword", limit=100, filters=f).hits
        assert hits and {h.id for h in hits} <= allowed


def test_body_names_are_read_again_after_a_write(seeds_dir: Path, tmp_path: Path) -> None:
    """The distinct body names are kept per open store, and read again after any write (this
    connection's or another's)."""
    from minutesearch.ingest import ingest

    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    ingest([seeds_dir], settings, stages=[])
    with Store.open(settings.index_dir, create=False) as store:
        first = resolve_filter(store, Filters(body="samråd"))
        assert first is not None and first.bodies
        assert resolve_filter(store, Filters(body="nya nämnden")) == ItemFilter(bodies=frozenset())
        with store.conn:
            store.conn.execute(
                "UPDATE documents SET body = 'Nya nämnden' WHERE id = "
                "(SELECT min(id) FROM documents WHERE body IS NOT NULL)"
            )
        assert resolve_filter(store, Filters(body="nya nämnden")) == ItemFilter(
            bodies=frozenset({"Nya nämnden"})
        )
        with Store.open(settings.index_dir, create=False) as other, other.conn:
            other.conn.execute("UPDATE documents SET organisation = 'Ny region'")
        assert resolve_filter(store, Filters(org="ny region")) == ItemFilter(
            orgs=frozenset({"Ny region"})
        )
        assert resolve_filter(store, Filters(body="nya")) == resolve_filter(
            store, {"body": "NYA NÄMNDEN"}
        )
