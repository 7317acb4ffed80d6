"""Watches across two ingests: only the items that arrived after the last check are new."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.analysis.pipeline import analyse
from minutesearch.analysis.watches import add_watch, check_watches, list_watches, remove_watch
from minutesearch.config import Settings
from minutesearch.errors import NotFoundError, QueryError
from minutesearch.index.fulltext import build_fulltext
from minutesearch.ingest import Stage, ingest
from minutesearch.store import Store

QUERY = "kuratorstjänst ungdomsmottagning"
STAGES: list[Stage] = [analyse, build_fulltext]


def _seed(seeds_dir: Path, prefix: str) -> Path:
    return next(seeds_dir.glob(f"{prefix}_*"))


@pytest.fixture()
def two_seeds(seeds_dir: Path, tmp_path: Path) -> Settings:
    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    report = ingest([_seed(seeds_dir, "000"), _seed(seeds_dir, "002")], settings, stages=STAGES)
    assert not report.skipped
    return settings


def _expected_new(store: Store, source_prefix: str) -> set[str]:
    """Items of the new document that name both words (checked on the raw text, independently)."""
    return {
        r["id"]
        for r in store.conn.execute(
            "SELECT i.id, i.text FROM items i JOIN documents d ON d.id = i.doc_id WHERE d.source LIKE ?",
            (f"%/{source_prefix}_%",),
        )
        if "kuratorstjänst" in r["text"].lower() and "ungdomsmottagning" in r["text"].lower()
    }


def test_watch_reports_exactly_the_new_items(two_seeds: Settings, seeds_dir: Path) -> None:
    with Store.open(two_seeds.index_dir, create=False) as store:
        watch_id = add_watch(store, QUERY, {"body": "SocSam"})
        assert check_watches(store, two_seeds)[0]["items"] == []
    ingest([_seed(seeds_dir, "004")], two_seeds, stages=STAGES)
    with Store.open(two_seeds.index_dir, create=False) as store:
        expected = _expected_new(store, "004")
        assert expected, "seed 004 names a kuratorstjänst at the ungdomsmottagning"
        (listed,) = list_watches(store, two_seeds)
        assert listed["id"] == watch_id and listed["new"] == len(expected)
        assert listed["filters"] == {"body": "SocSam"}
        peek = check_watches(store, two_seeds, mark=False)
        assert {it["id"] for it in peek[0]["items"]} == expected
        (checked,) = check_watches(store, two_seeds)
        assert {it["id"] for it in checked["items"]} == expected
        assert all(it["date"] == "2023-02-24" for it in checked["items"])
        assert check_watches(store, two_seeds)[0]["items"] == []  # seen now
    # Ingesting the same files again brings nothing new.
    ingest([_seed(seeds_dir, "004"), _seed(seeds_dir, "002")], two_seeds, stages=STAGES)
    with Store.open(two_seeds.index_dir, create=False) as store:
        assert list_watches(store, two_seeds)[0]["new"] == 0


def test_filters_keep_other_bodies_out(two_seeds: Settings, seeds_dir: Path) -> None:
    with Store.open(two_seeds.index_dir, create=False) as store:
        add_watch(store, QUERY, {"body": "SVOM"})
    ingest([_seed(seeds_dir, "004")], two_seeds, stages=STAGES)
    with Store.open(two_seeds.index_dir, create=False) as store:
        assert check_watches(store, two_seeds)[0]["items"] == []


def test_watch_errors(two_seeds: Settings) -> None:
    with Store.open(two_seeds.index_dir, create=False) as store:
        with pytest.raises(QueryError):
            add_watch(store, "  ")
        with pytest.raises(QueryError):
            add_watch(store, QUERY, mode="telepati")
        with pytest.raises(NotFoundError):
            remove_watch(store, 999)


def test_watch_cli(two_seeds: Settings, seeds_dir: Path) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    base = ["--index-dir", str(two_seeds.index_dir), "watch"]
    out = runner.invoke(main, [*base, "add", QUERY, "--since", "2023-01-01"])
    assert out.exit_code == 0, out.output
    watch_id = int(out.output.strip())
    ingest([_seed(seeds_dir, "004")], two_seeds, stages=STAGES)
    out = runner.invoke(main, [*base, "list", "--json"])
    (row,) = [json.loads(line) for line in out.output.splitlines()]
    assert set(row) >= {"id", "query", "filters", "new"} and row["new"] > 0
    out = runner.invoke(main, [*base, "--peek"])
    assert out.exit_code == 0 and "§" in out.output
    out = runner.invoke(main, [*base, "--json"])
    (entry,) = [json.loads(line) for line in out.output.splitlines()]
    assert entry["new"] == row["new"] and len(entry["items"]) == row["new"]
    out = runner.invoke(main, base)
    assert "0 nya" in out.output
    out = runner.invoke(main, [*base, "remove", str(watch_id)])
    assert out.exit_code == 0
    out = runner.invoke(main, [*base, "remove", str(watch_id)])
    assert out.exit_code == 1 and "Ingen bevakning" in out.output


def test_watches_survive_a_rebuild(two_seeds: Settings, seeds_dir: Path, tmp_path: Path) -> None:
    """The copy `ingest --rebuild` needs (see carry_over): watches and their seen items move over."""
    from minutesearch.analysis.watches import carry_over

    with Store.open(two_seeds.index_dir, create=False) as store:
        watch_id = add_watch(store, QUERY, {"body": "SocSam"})
    fresh = Settings(index_dir=tmp_path / "fresh", embedder="none")
    ingest(
        [_seed(seeds_dir, "000"), _seed(seeds_dir, "002"), _seed(seeds_dir, "004")],
        fresh,
        stages=STAGES,
    )
    with Store.open(fresh.index_dir, create=False) as store:
        assert carry_over(two_seeds.index_dir, store) == 1
        (w,) = check_watches(store, fresh)
        assert w["id"] == watch_id and {it["id"] for it in w["items"]} == _expected_new(
            store, "004"
        )
        assert carry_over(tmp_path / "nowhere", store) == 0
