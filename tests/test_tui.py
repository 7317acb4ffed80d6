"""Pilot flows through the terminal UI on the seed corpus, built by the CLI's own factory."""

from __future__ import annotations

import csv
import os
import statistics
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, Static

from minutesearch.config import Settings
from minutesearch.index.semantic import semantic_backend
from minutesearch.store import Store
from minutesearch.tui import data
from minutesearch.tui.app import MinutesApp, make_app
from minutesearch.tui.screens.item_screen import ItemScreen
from minutesearch.tui.screens.person_screen import PersonScreen
from minutesearch.tui.screens.search_screen import SearchScreen
from minutesearch.tui.screens.start_screen import StartScreen
from minutesearch.tui.screens.timeline_screen import TimelineScreen
from minutesearch.tui.widgets.entry_list import EntryList
from minutesearch.tui.widgets.timeline_chart import TimelineChart, series

pytestmark = pytest.mark.anyio


def app_for(settings: Settings, tmp_path: Path | None = None) -> MinutesApp:
    return make_app(settings, debounce_s=0.01, export_dir=tmp_path)


async def until(pilot: Pilot[None], done: Callable[[], bool], limit: float = 10.0) -> None:
    """Let the app run until `done()` holds: workers report back in their own time."""
    for _ in range(int(limit / 0.02)):
        if done():
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("the app did not get there in time")


def text_of(screen: object, selector: str) -> str:
    return "\n".join(str(w.render()) for w in screen.query(selector).results(Static))  # type: ignore[attr-defined]


async def search_for(pilot: Pilot[None], query: str, *, type_it: bool = False) -> SearchScreen:
    """Enter `query` in the search field (key by key when `type_it`) and wait for its hits."""
    screen = pilot.app.screen
    assert isinstance(screen, SearchScreen)
    if type_it:
        await pilot.press(*query)
    else:
        screen.query_one("#query", Input).value = query
    await until(pilot, lambda: screen.idle and screen.found is not None)
    return screen


async def test_typing_shows_hits_with_highlighted_words(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await search_for(pilot, "familjehem", type_it=True)
        assert screen.found is not None and screen.found.hits
        assert "träff" in text_of(screen, "#status")
        first = screen.found.hits[0]
        assert "familjehem" in first["title"].lower()
        spans = [s for h in screen.found.hits for s in h["highlights"]]
        assert spans, "no hit carries highlighted words"
        hit = next(h for h in screen.found.hits if h["highlights"])
        start, end = hit["highlights"][0]
        assert hit["snippet"][start:end].lower().startswith("familjehem")
        assert len(screen.query_one(EntryList).rows) == len(screen.found.hits)
        assert screen.latency_ms is not None


async def test_stale_results_are_dropped(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await search_for(pilot, "familjehem")
        shown = list(screen.query_one(EntryList).rows)
        assert screen.found is not None
        stale = type(screen.found)(hits=[], total=0, elapsed_ms=1.0, mode="keyword")
        screen._show(screen._seq - 1, stale)  # an answer to an earlier query arrives late
        await pilot.pause()
        assert screen.query_one(EntryList).rows == shown


async def test_filter_by_organ_and_switch_mode(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "protokoll")
        assert screen.found is not None
        bodies = {h["body_short"] for h in screen.found.hits}
        assert {"SocSam", "SVOM"} <= bodies
        organ = screen.query_one("#f-body", Select)
        organ.value = "Sociala vård och omsorgsgruppen"
        await until(pilot, lambda: screen.idle and "filter" in text_of(screen, "#status"))
        assert screen.found.hits
        assert {h["body_short"] for h in screen.found.hits} == {"SVOM"}
        screen.query_one("#mode", Select).value = "keyword"
        await until(pilot, lambda: screen.idle and "nyckelord" in text_of(screen, "#status"))
        assert app.mode == "keyword"
        assert {h["body_short"] for h in screen.found.hits} == {"SVOM"}


async def test_filter_by_municipality_or_region(extra_dir: Path, tmp_path: Path) -> None:
    """Göteborg's and Alingsås' Kommunstyrelsen are both "KS": the kommun filter tells them apart."""
    from minutesearch.ingest import ingest

    settings = Settings(index_dir=tmp_path / "idx", embedder="fake", ner=False)
    ingest(
        [
            extra_dir / "goteborg" / "ks-2024-01-10.paragraphs.txt",
            extra_dir / "alingsas" / "protokoll" / "2026-06-01_kommunstyrelsen.pdf",
        ],
        settings,
    )
    app = app_for(settings)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await search_for(pilot, "kommunstyrelsen")
        assert screen.found is not None
        everywhere = screen.found.total
        choice = screen.query_one("#f-org", Select)
        orgs = [value for _label, value in choice._options if isinstance(value, str)]
        assert len(orgs) == 2, orgs
        alingsas = next(o for o in orgs if "Alingsås" in str(o))
        choice.value = alingsas
        await until(pilot, lambda: screen.idle and "Alingsås" in text_of(screen, "#status"))
        assert screen.found.hits and screen.found.total < everywhere
        with Store.open(settings.index_dir, create=False) as store:
            for hit in screen.found.hits:
                doc = store.item_row(hit["id"])["doc_id"]
                org = store.conn.execute(
                    "SELECT organisation FROM documents WHERE id = ?", (doc,)
                ).fetchone()[0]
                assert org == alingsas


async def test_open_item_follow_related_and_go_back(
    seed_settings: Settings, seed_store: Store
) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await search_for(pilot, "familjehem")
        assert screen.found is not None
        wanted = next(
            h["id"]
            for h in screen.found.hits
            if seed_store.item_json(seed_store.item_row(h["id"]))["parts"]["decision"]
        )
        row = next(i for i, h in enumerate(screen.found.hits) if h["id"] == wanted)
        await pilot.press("enter")  # from the field to the list
        results = screen.query_one(EntryList)
        assert results.has_focus
        results.highlighted = row
        await pilot.press("enter")
        item = app.screen
        assert isinstance(item, ItemScreen) and item.item_id == wanted
        decision = seed_store.item_json(seed_store.item_row(wanted))["parts"]["decision"]
        shown = text_of(item, ".part-text")
        assert "Beslut" in text_of(item, ".part-heading")
        assert decision.strip().splitlines()[0].strip() in shown

        related = item.query_one("#related", EntryList)
        await until(pilot, lambda: bool(related.rows))
        await pilot.press("r")
        assert related.has_focus
        other = related.rows[0]["id"]
        await pilot.press("enter")
        assert isinstance(app.screen, ItemScreen) and app.screen.item_id == other != wanted
        await pilot.press("escape")
        assert app.screen is item
        await pilot.press("escape")
        assert app.screen is screen


async def test_open_person_from_picker(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "familjehem")
        await pilot.press("enter", "p")  # to the list, then the person key
        await pilot.press(*"Henna")
        await pilot.press("enter")
        person = app.screen
        assert isinstance(person, PersonScreen)
        assert "Henna" in person.name_
        await until(pilot, lambda: "Hämtar" not in text_of(person, "#status"))
        assert "Henna" in text_of(person, "#list-heading")
        assert "föredraget ärende" in text_of(person, "#status")

        # From an item with one person, `p` goes straight to that person.
        await pilot.press("escape")
        await pilot.press("enter")
        item = app.screen
        assert isinstance(item, ItemScreen) and item.persons() == ["Henna Forsberg"]
        await pilot.press("p")
        assert isinstance(app.screen, PersonScreen) and app.screen.name_ == "Henna Forsberg"


async def test_export_writes_the_current_list(seed_settings: Settings, tmp_path: Path) -> None:
    app = app_for(seed_settings, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await search_for(pilot, "familjehem")
        assert screen.found is not None
        await pilot.press("enter", "e")
        files = list(tmp_path.glob("minutesearch-sok-*.csv"))
        assert len(files) == 1
        with files[0].open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["id"] for r in rows] == [h["id"] for h in screen.found.hits]


async def test_timeline_shows_a_chart_of_its_steps(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await search_for(pilot, "samverkan psykiatrin")
        await pilot.press("enter", "t")
        timeline = app.screen
        assert isinstance(timeline, TimelineScreen)
        await until(pilot, lambda: bool(timeline.rows))
        chart = timeline.query_one("#timeline-chart", TimelineChart)
        assert chart.display
        years, bodies, counts = series(timeline.rows)
        dated = [r for r in timeline.rows if r.get("date")]
        assert years == sorted({r["date"][:4] for r in dated})
        assert sum(map(sum, counts)) == len(dated)  # every dated step in one bar
        assert set(bodies) == {r.get("body_short") or r.get("body") for r in dated}


async def test_missing_index_shows_the_start_screen(tmp_path: Path) -> None:
    app = app_for(Settings(index_dir=tmp_path / "inget", embedder="fake"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, StartScreen)
        assert "Inget index ännu" in text_of(app.screen, "#start")
        await pilot.press("b")  # keys that need an index explain instead of failing
        assert isinstance(app.screen, StartScreen)
        await pilot.press("q")
    assert app.return_code == 0


async def test_every_screen_opens_and_escape_returns(seed_settings: Settings) -> None:
    app = app_for(seed_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await search_for(pilot, "familjehem")
        await pilot.press("enter")
        for key in ("o", "b", "w", "t", "question_mark"):
            await pilot.press(key)
            assert app.screen is not screen, key
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Fel:" not in text_of(app.screen, "#status"), key
            await pilot.press("escape")
            assert app.screen is screen, key


def test_cli_tui_command_is_registered() -> None:
    from minutesearch.cli import main

    result = CliRunner().invoke(main, ["tui", "--help"])
    assert result.exit_code == 0
    assert "terminal UI" in result.output


async def typing_latencies(app: MinutesApp, queries: list[str]) -> list[float]:
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()  # the warm-up search
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        latencies = []
        for query in queries:
            screen.query_one("#query", Input).value = ""
            await until(pilot, lambda: screen.idle)
            await pilot.press(*query)
            await until(pilot, lambda: screen.idle)
            assert screen.latency_ms is not None and screen.found is not None
            latencies.append(screen.latency_ms)
    return latencies


async def test_typing_to_results_latency(seed_settings: Settings) -> None:
    """Last keystroke to hits on screen, keyword and hybrid (debounce included); printed with
    `-s`. MINUTESEARCH_TUI_LATENCY_INDEX=<index dir> measures another index (e.g. the demo
    corpus). The bound only catches gross regressions (a search on the UI thread, a lost
    debounce): the issue's 150 ms is a median on an unloaded machine, not a CI gate."""
    index = os.environ.get("MINUTESEARCH_TUI_LATENCY_INDEX")
    settings = (
        Settings(index_dir=Path(index), embedder=semantic_backend(Path(index)) or "none")
        if index
        else seed_settings
    )
    queries = ["familjehem", "budget", "psykiatri samverkan"]
    for mode in ("keyword", "hybrid"):
        latencies = await typing_latencies(make_app(settings, mode=mode), queries)
        median = statistics.median(latencies)
        print(f"\n{mode}: median {median:.0f} ms, max {max(latencies):.0f} ms over {queries}")
        assert median < 1000, latencies


async def test_model_loading_shows_an_indicator(
    seed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loading a real embedder takes seconds: the search screen says so while it runs."""
    loaded = threading.Event()
    monkeypatch.setattr(data, "warm_embedder", lambda settings: loaded.wait(10))
    slow = Settings(index_dir=seed_settings.index_dir, embedder="e5-small")
    app = app_for(slow)
    async with app.run_test(size=(100, 30)) as pilot:
        row = app.screen.query_one("#model-row")
        await until(pilot, lambda: bool(row.display))
        assert "Laddar språkmodellen" in str(row.query_one(Label).render())
        loaded.set()
        await until(pilot, lambda: not row.display)
