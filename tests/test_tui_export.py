"""The TUI's `e` exports the whole result set (110 hits), not the 20 rows on screen."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from minutesearch.config import Settings
from minutesearch.filters import Filters
from minutesearch.tui import data
from minutesearch.tui.app import make_app
from minutesearch.tui.screens.search_screen import SearchScreen

pytestmark = pytest.mark.anyio

SECTIONS = 110


@pytest.fixture(scope="module")
def big_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One protocol with 110 §§ that all mention "cykelväg" (fake embedder, no NER)."""
    from minutesearch.ingest import ingest

    folder = tmp_path_factory.mktemp("big-corpus")
    lines = ["Kommunstyrelsen", "", "Protokoll från sammanträde 2024-05-14", ""]
    lines += ["Beslutande\tAnna Andersson (S), ordförande", ""]
    for n in range(1, SECTIONS + 1):
        lines += [f"§ {n}", f"Cykelväg etapp {n}", "", f"Ärendet gäller cykelväg nummer {n}.", ""]
        lines += ["Beslut", f"Kommunstyrelsen beslutar att godkänna cykelväg etapp {n}.", ""]
    (folder / "ks.txt").write_text("\n".join(lines), encoding="utf-8")
    settings = Settings(index_dir=tmp_path_factory.mktemp("big-index"), embedder="fake", ner=False)
    ingest([folder], settings)
    return settings


async def _until(pilot: Pilot[None], done, limit: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    for _ in range(int(limit / 0.02)):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the app did not get there in time")


async def test_export_writes_every_hit_not_only_the_visible(
    big_settings: Settings, tmp_path: Path
) -> None:
    expected = data.search(big_settings, "cykelväg", "keyword", Filters(), limit=1000)
    assert expected.total >= 100
    app = make_app(big_settings, debounce_s=0.01, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        app.mode = "keyword"
        screen.query_one("#query", Input).value = "cykelväg"
        await _until(pilot, lambda: screen.idle and screen.found is not None)
        assert screen.found is not None and screen.found.total == expected.total
        assert len(screen.found.hits) < screen.found.total  # the screen shows a page
        await pilot.press("down", "e")
        files = list(tmp_path.glob("minutesearch-sok-*.csv"))
        assert len(files) == 1
        with files[0].open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
    assert [r["id"] for r in rows] == [h["id"] for h in expected.hits]
    assert len(rows) == expected.total
    assert "org" in rows[0] and "highlights" not in rows[0]


def test_lists_name_the_kommun_when_there_are_several(
    seed_settings: Settings, tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    from minutesearch.tui import corpus
    from minutesearch.tui.widgets.entry_list import where

    one = data.search(seed_settings, "familjehem", "keyword", Filters())
    assert one.hits and not any("_org" in h for h in one.hits)  # one region: nothing added
    assert where(one.hits[0]).startswith(one.hits[0]["body_short"] + " · ")

    idx = tmp_path / "idx"
    shutil.copytree(seed_settings.index_dir, idx)
    with sqlite3.connect(idx / "minutesearch.sqlite") as conn:  # a second kommun's meeting
        conn.execute(
            "UPDATE documents SET organisation = 'Bräcke kommun' WHERE id = ?", ("svom-2023-02-24",)
        )
    two = Settings(index_dir=idx, embedder="fake")
    hits = data.search(two, "protokoll", "keyword", Filters(), limit=50).hits
    svom = [h for h in hits if h["body_short"] == "SVOM"]
    socsam = [h for h in hits if h["body_short"] == "SocSam"]
    assert svom and socsam
    assert all(where(h).startswith("SVOM, Bräcke kommun · ") for h in svom)
    assert all(where(h).startswith("SocSam, Region Jämtland Härjedalen · ") for h in socsam)
    decisions = data.decisions(two, None, Filters(org="Bräcke"))
    assert decisions and all(d["_org"] == "Bräcke kommun" for d in decisions)
    assert set(corpus.overview(two)["per_body"]) == {
        "SVOM, Bräcke kommun",
        "SocSam, Region Jämtland Härjedalen",
    }


def test_decision_chart_series_follow_stats(seed_settings: Settings) -> None:
    from minutesearch.api import Corpus
    from minutesearch.tui.widgets.decision_chart import series

    records = Corpus(seed_settings).stats(["year", "outcome"]).to_records()
    years, outcomes, ys = series(records)
    assert years == sorted({r["year"] for r in records if r["year"]})
    assert sum(map(sum, ys)) == sum(r["count"] for r in records if r["year"] and r["outcome"])
    totals = [sum(y) for y in ys]
    assert totals == sorted(totals, reverse=True)  # largest outcome first


async def test_overview_draws_decisions_per_year(seed_settings: Settings) -> None:
    from minutesearch.tui.screens.overview_screen import OverviewScreen
    from minutesearch.tui.widgets.decision_chart import DecisionChart

    app = make_app(seed_settings, debounce_s=0.01)
    async with app.run_test(size=(100, 60)) as pilot:
        app.action_overview()
        await _until(pilot, lambda: getattr(app.screen, "info", None) is not None)
        assert isinstance(app.screen, OverviewScreen)
        chart = app.screen.query_one("#ov-decisions", DecisionChart)
        assert chart.display and app.screen.info["decisions"]
        assert not app.screen.query_one("#ov-no-decisions").display
