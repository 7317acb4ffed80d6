"""SVG snapshots of every screen, built by `make_app` like the CLI, on the seed corpus.

Search times are hidden (`show_timing=False`) so the pictures do not change from run to run.
Regenerate with `pytest tests/test_tui_snapshots.py --snapshot-update` and look at the result.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from minutesearch.config import Settings
from minutesearch.tui.app import MinutesApp, make_app
from minutesearch.tui.screens.search_screen import SearchScreen
from minutesearch.tui.widgets.entry_list import EntryList

Run = Callable[[Pilot[None]], Awaitable[None]]
ITEM = "socsam-2023-03-24-19"  # Familjehemscentrum: föredragande, sammanfattning and beslut


def app_for(settings: Settings) -> MinutesApp:
    return make_app(settings, debounce_s=0.01, show_timing=False)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until searches and workers are done, so the picture is the finished screen."""
    for _ in range(500):
        screen = pilot.app.screen_stack[0]
        if not isinstance(screen, SearchScreen) or screen.idle:
            break
        await pilot.pause(0.02)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def searched(query: str, *then: str, before_keys: Run | None = None) -> Run:
    """Enter `query`, wait for the hits, optionally run `before_keys`, press `then` keys."""

    async def run(pilot: Pilot[None]) -> None:
        await pilot.pause()  # run_before may come before the first screen is composed
        pilot.app.screen.query_one("#query", Input).value = query
        await settle(pilot)
        if before_keys is not None:
            await before_keys(pilot)
        for key in then:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_search_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Sök at 80×24 after enter: the query 'familjehem' in the field, the mode switch reading
    'hybrid', no filter panel (too narrow), a status line '43 träffar (visar 20) · hybrid'
    without a time, and hits with a bold title, 'SocSam · 2023-03-24 · § 19' dimmed and a
    snippet with each 'familjehem' in bold accent, the first hit highlighted; the footer lists
    f Filter, t Tidslinje, p Person, b Beslut, q Avsluta, ? Hjälp."""
    assert snap_compare(app_for(seed_settings), run_before=searched("familjehem", "enter"))


def test_search_200x50_filtered(seed_settings: Settings, snap_compare: Any) -> None:
    """Sök at 200×50 while typing: the filter panel on the left with Organ set to 'Sociala vård
    och omsorgsgruppen (SVOM)', the others 'alla'; every hit is from SVOM · 2023-02-24 with
    'protokoll' in bold accent, and the status line reads '… träffar · hybrid · ↓ eller enter
    till listan · filter: Sociala vård och omsorgsgruppen'; nothing is cut or wrapped badly."""

    async def organ(pilot: Pilot[None]) -> None:
        pilot.app.screen.query_one("#f-body", Select).value = "Sociala vård och omsorgsgruppen"
        await settle(pilot)

    run = searched("protokoll", before_keys=organ)
    assert snap_compare(app_for(seed_settings), run_before=run, terminal_size=(200, 50))


def test_item_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Ärende at 80×24 for § 19 Familjehemscentrum: 'SocSam · 2023-03-24 · § 19' on top, the
    title in bold accent wrapped at a word, rows of chips (Personer: Henna Forsberg,
    Organisationer, Ämnen) where no chip is split across lines, then the headings Föredragande
    (Henna Forsberg…) and Sammanfattning with text wrapped at word boundaries; footer with
    r Relaterade, k Källa, t Tidslinje, p Person, q Avsluta, ? Hjälp, esc Tillbaka."""

    async def open_item(pilot: Pilot[None]) -> None:
        results = pilot.app.screen.query_one(EntryList)
        results.focus()
        results.highlighted = next(i for i, r in enumerate(results.rows) if r["id"] == ITEM)

    assert snap_compare(
        app_for(seed_settings), run_before=searched("familjehem", "enter", before_keys=open_item)
    )


def test_item_related_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Ärende after `r`: scrolled to 'Relaterade ärenden', a focused list of other items, the
    first (from another meeting) highlighted, each with title, organ · date · § and snippet."""

    async def open_item(pilot: Pilot[None]) -> None:
        results = pilot.app.screen.query_one(EntryList)
        results.focus()
        results.highlighted = next(i for i, r in enumerate(results.rows) if r["id"] == ITEM)

    run = searched("familjehem", "enter", "r", before_keys=open_item)
    assert snap_compare(app_for(seed_settings), run_before=run)


def test_person_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Person for Henna Forsberg: her name as the heading, a summary line with meetings,
    items presented and yrkanden, and a list of dated rows tagged Föredragit/Möte/Nämnd,
    newest first; esc Tillbaka in the footer."""

    async def person(pilot: Pilot[None]) -> None:
        await pilot.press("enter", "p", *"Henna Forsberg", "enter")
        await settle(pilot)

    assert snap_compare(
        app_for(seed_settings), run_before=searched("familjehem", before_keys=person)
    )


def test_person_yrkanden_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Person for Margareta Winberg: the summary counts her yrkanden by outcome, and each
    Yrkande row says 'bifallet' (green), 'avslaget' (red) or 'utfall ej angivet'."""
    from minutesearch.tui.screens.person_screen import PersonScreen

    async def person(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(PersonScreen("Margareta Winberg"))
        await settle(pilot)

    assert snap_compare(app_for(seed_settings), run_before=searched("", before_keys=person))


def test_person_ambiguous_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Person for 'Anna', which three persons in the seeds are called: heading 'Flera personer:
    Anna', a status asking to choose, and one row per candidate (name, party, meetings, id)."""
    from minutesearch.tui.screens.person_screen import PersonScreen

    async def person(pilot: Pilot[None]) -> None:
        pilot.app.push_screen(PersonScreen("Anna"))
        await settle(pilot)

    assert snap_compare(app_for(seed_settings), run_before=searched("", before_keys=person))


def test_timeline_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Tidslinje from the first hit for 'samverkan psykiatrin' (`t` in the results list):
    heading 'Tidslinje: <its title>', a status 'N tillfällen i M organ, äldst först' and dated
    entries (date in bold, organ and §, title, what was said dimmed, 'Beslut (…): …')."""
    run = searched("samverkan psykiatrin", "enter", "t")
    assert snap_compare(app_for(seed_settings), run_before=run)


def test_decisions_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Beslut on 'familjehem': heading 'Beslut om ”familjehem”', 'N beslut, nyast först',
    each decision with its title, an outcome tag in reverse video when known, organ · date · §
    dimmed and the decision text cut at a word with ' …'."""
    assert snap_compare(app_for(seed_settings), run_before=searched("familjehem", "enter", "b"))


def test_watches_80x24(seed_settings: Settings, tmp_path: Path, snap_compare: Any) -> None:
    """Bevakningar with one watch on 'familjehem' (added with n from the search): its query in
    bold, an 'inget nytt' badge, 'hybrid · senast sedd 2024-01-01' dimmed, and the footer keys
    n Bevaka sökningen and x Ta bort."""
    copy = tmp_path / "idx"
    shutil.copytree(seed_settings.index_dir, copy)
    settings = Settings(index_dir=copy, embedder="fake")

    async def add(pilot: Pilot[None]) -> None:
        await pilot.press("enter", "w", "n")
        await settle(pilot)
        # The creation time is today's date; pin it so the picture does not change daily.
        with sqlite3.connect(copy / "minutesearch.sqlite") as db:
            db.execute(
                "UPDATE watches SET created_at = '2024-01-01T00:00:00+00:00',"
                " last_checked_at = '2024-01-01T00:00:00+00:00'"
            )
        await pilot.press("escape", "w")
        await settle(pilot)
        pilot.app.clear_notifications()  # the 'Bevakar …' toast would come and go with timing
        await pilot.pause()

    assert snap_compare(app_for(settings), run_before=searched("familjehem", before_keys=add))


def test_overview_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Översikt: '3 möten · 5 dokument · 44 ärenden · N personer' in bold numbers, then
    'Möten per organ över tid' with one row of block characters per organ (SocSam, SVOM) over
    2023-02 … 2023-03 'per månad', then the largest topics and the most present persons."""
    assert snap_compare(app_for(seed_settings), run_before=searched("", "enter", "o"))


def test_help_80x24(seed_settings: Settings, snap_compare: Any) -> None:
    """Hjälp: a bordered box titled 'Hjälp — tangenter' over the search screen listing every
    key (/, enter, r, t, p, b, w, o, k, f, m, e, ctrl+p, ?, escape, q) with a Swedish text."""
    assert snap_compare(app_for(seed_settings), run_before=searched("", "enter", "question_mark"))


def test_start_screen_80x24(snap_compare: Any) -> None:
    """A missing index: a centred box starting 'Inget index ännu — kör `minutesearch ingest`'
    with the commands to run; no error, no traceback; footer q Avsluta."""
    # A fixed path that does not exist (a temp folder would change the picture on each run).
    missing = Path("/nonexistent/minutesearch/indexes")
    assert not missing.exists()
    assert snap_compare(app_for(Settings(index_dir=missing, embedder="fake")))


@pytest.fixture(autouse=True)
def _fixed_theme(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots use Textual's default dark theme whatever the environment says."""
    monkeypatch.delenv("TEXTUAL_THEME", raising=False)
