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
    settings = Settings(index_dir=tmp_path_factory.mktemp("mixed-index"), embedder="none")
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
    ):
        want = allowed_items(mixed_store, f)
        assert want and want != set(ids), f
        assert filter_ids(mixed_store, resolve_filter(mixed_store, f), ids) == want, f
    assert filter_ids(mixed_store, None, ids[:5]) == set(ids[:5])
