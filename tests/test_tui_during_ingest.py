"""The terminal UI keeps answering while an ingest writes to the same index (WAL, swaps)."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from minutesearch.config import Settings
from minutesearch.tui.screens.item_screen import ItemScreen
from test_faults import (
    GENERATED,
    count_documents,
    generate,
    seed_index,
    start_ingest,
    wait_for_documents,
)
from test_tui import app_for, search_for, until

pytestmark = pytest.mark.anyio
QUERY = "samverkan"
WORDS = ("samverkan", "familjehem", "protokoll")


@pytest.fixture()
def gen(seeds_dir: Path, tmp_path: Path) -> Path:
    generate(seeds_dir, tmp_path / "gen", GENERATED)
    return tmp_path / "gen"


async def test_search_and_open_an_item_while_ingest_is_frozen_mid_run(
    seeds_dir: Path, gen: Path, tmp_path: Path
) -> None:
    idx = tmp_path / "idx"
    seeded = seed_index(seeds_dir, idx)
    proc = start_ingest(idx, gen)
    try:
        wait_for_documents(proc, idx, len(seeded) + 3)
        proc.send_signal(signal.SIGSTOP)  # wherever it is, maybe inside a write transaction
        app = app_for(Settings(index_dir=idx, embedder="fake"))
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await search_for(pilot, QUERY)
            assert screen.found is not None and screen.found.hits
            await pilot.press("enter")  # from the field to the list
            await pilot.press("enter")  # open the highlighted item
            await until(pilot, lambda: isinstance(pilot.app.screen, ItemScreen))
            item = pilot.app.screen
            assert isinstance(item, ItemScreen) and item.item_id == screen.found.hits[0]["id"]
    finally:
        proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert count_documents(idx) == len(seeded) + GENERATED


async def test_search_keeps_answering_through_a_live_ingest(
    seeds_dir: Path, gen: Path, tmp_path: Path
) -> None:
    idx = tmp_path / "idx"
    seed_index(seeds_dir, idx)
    proc = start_ingest(idx, gen)
    answered = 0
    app = app_for(Settings(index_dir=idx, embedder="fake"))
    async with app.run_test(size=(120, 40)) as pilot:
        while proc.poll() is None or answered < 2:
            # A different word each time, so each is a new search (an error never sets `found`).
            screen = await search_for(pilot, WORDS[answered % len(WORDS)])
            assert screen.found is not None and screen.found.hits
            answered += 1
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert answered >= 2
