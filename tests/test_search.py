"""Search over the seed index: query syntax, filters, extract dedup, snippets, related, CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from minutesearch.cli import main
from minutesearch.config import Settings
from minutesearch.errors import NotFoundError, QueryError
from minutesearch.index.analyzer import analyze
from minutesearch.index.semantic import open_vectors
from minutesearch.index.vectors import ENV_FORCE_ANN
from minutesearch.search import SearchFilters, related, rrf, search
from minutesearch.store import Store

HIT_FIELDS = {
    "rank",
    "score",
    "id",
    "body",
    "body_short",
    "date",
    "section",
    "title",
    "kind",
    "source",
    "snippet",
    "highlights",
    "org",
}


def _texts(store: Store, hits: list) -> list[str]:
    return [store.item_row(h.id)["text"] for h in hits]


def test_word_forms_find_the_same_items(seed_store: Store, seed_settings: Settings) -> None:
    ids = [
        {h.id for h in search(seed_store, seed_settings, q, mode="keyword").hits}
        for q in ("familjehem", "familjehemmen", "familjehemmet")
    ]
    assert ids[0] and ids[0] == ids[1] == ids[2]
    top = search(seed_store, seed_settings, "familjehemmen", mode="keyword").hits[0]
    assert "familjehem" in top.title.lower() or "familjehem" in top.snippet.lower()


def test_title_matches_rank_above_text_matches(seed_store: Store, seed_settings: Settings) -> None:
    hits = search(seed_store, seed_settings, "ungdomsmottagningen", mode="keyword").hits
    assert hits and "ungdomsmottagningen" in hits[0].title.lower()


def test_phrase_needs_the_words_in_order(seed_store: Store, seed_settings: Settings) -> None:
    hits = search(seed_store, seed_settings, '"ersättare ska kunna närvara"', mode="keyword").hits
    assert hits
    for text in _texts(seed_store, hits):
        assert "ersättare ska kunna närvara" in " ".join(text.split())
    assert not search(seed_store, seed_settings, '"närvara kunna ersättare"', mode="keyword").hits


def test_prefix_and_exclusion(seed_store: Store, seed_settings: Settings) -> None:
    pref = search(seed_store, seed_settings, "familjehemsutred*", mode="keyword").hits
    assert pref and all("familjehemsutred" in t.lower() for t in _texts(seed_store, pref))
    both = search(seed_store, seed_settings, "samverkan", mode="keyword", limit=100).hits
    without = search(
        seed_store, seed_settings, "samverkan -psykiatrin", mode="keyword", limit=100
    ).hits
    assert 0 < len(without) < len(both)
    banned = analyze("psykiatrin")[0]
    for text in _texts(seed_store, without):
        assert banned not in analyze(text)


def test_and_falls_back_to_or(seed_store: Store, seed_settings: Settings) -> None:
    strict = search(seed_store, seed_settings, "köer familjehem", mode="keyword")
    assert strict.hits and not strict.fallback_or
    loose = search(seed_store, seed_settings, "familjehem zzyzxq", mode="keyword")
    assert loose.fallback_or and loose.hits[0].id == strict.hits[0].id


@pytest.mark.parametrize("bad", ['"öppen fras', "*", "-budget", ""])
def test_malformed_queries_raise_query_error(
    seed_store: Store, seed_settings: Settings, bad: str
) -> None:
    with pytest.raises(QueryError):
        search(seed_store, seed_settings, bad)


@pytest.mark.parametrize("odd", ["'; DROP TABLE items; --", "(familjehem]", "title:familjehem"])
def test_odd_input_gives_results_not_errors(
    seed_store: Store, seed_settings: Settings, odd: str
) -> None:
    result = search(seed_store, seed_settings, odd)
    assert result.mode == "hybrid"
    assert seed_store.counts()["items"] > 0  # the store is untouched


def test_extract_and_protocol_copy_are_one_hit(seed_store: Store, seed_settings: Settings) -> None:
    q = "samverkan mellan Jämtlands läns kommuner och psykiatrin"
    for mode in ("keyword", "semantic", "hybrid"):
        hits = search(seed_store, seed_settings, q, mode=mode, limit=50).hits
        same = [h for h in hits if h.section == 21 and h.date == "2023-03-24"]
        assert len(same) == 1, (mode, [h.id for h in same])
        assert same[0].kind == "protocol"
    extracts = search(
        seed_store, seed_settings, q, mode="keyword", filters=SearchFilters(kind="utdrag")
    ).hits
    assert [h.kind for h in extracts] == ["extract"]


def test_filters_apply_in_every_mode(seed_store: Store, seed_settings: Settings) -> None:
    for mode in ("keyword", "semantic", "hybrid"):
        svom = search(
            seed_store, seed_settings, "psykiatri", mode=mode, filters=SearchFilters(body="SVOM")
        ).hits
        # Semantic mode lists only items that clear the semantic cut: maybe none here.
        assert (svom or mode == "semantic") and {h.body_short for h in svom} <= {"SVOM"}
        march = SearchFilters(since="2023-03", until="2023-03-31")
        dated = search(seed_store, seed_settings, "samverkan", mode=mode, filters=march).hits
        assert dated or mode == "semantic"
        assert all(h.date and "2023-03-01" <= h.date <= "2023-03-31" for h in dated)
    year = search(seed_store, seed_settings, "samverkan", filters=SearchFilters(until="2023")).hits
    assert year  # a bare year as --until includes that whole year
    with pytest.raises(QueryError):
        search(seed_store, seed_settings, "samverkan", filters=SearchFilters(since="mars"))
    with pytest.raises(QueryError):
        search(seed_store, seed_settings, "samverkan", filters=SearchFilters(kind="video"))


def test_person_and_party_filters(seed_store: Store, seed_settings: Settings) -> None:
    hits = search(
        seed_store, seed_settings, "psykiatrin", filters=SearchFilters(person="Maria Östlund")
    ).hits
    assert hits and any(h.section == 21 for h in hits)
    nobody = search(
        seed_store, seed_settings, "psykiatrin", filters=SearchFilters(person="Zyx Qwerty")
    ).hits
    assert nobody == []
    party = search(
        seed_store, seed_settings, "samverkan", limit=100, filters=SearchFilters(party="S")
    ).hits
    every = search(seed_store, seed_settings, "samverkan", limit=100).hits
    assert party and len(party) <= len(every)


def test_hits_carry_the_contract_fields_and_highlights(
    seed_store: Store, seed_settings: Settings
) -> None:
    result = search(seed_store, seed_settings, "familjehem", limit=5)
    assert result.total >= len(result.hits) > 0 and result.elapsed_ms >= 0
    data = result.hits[0].to_json()
    assert set(data) == HIT_FIELDS and data["rank"] == 1
    assert data["highlights"]
    for start, end in data["highlights"]:
        assert analyze(data["snippet"][start:end]) == analyze("familjehem")


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = rrf([("a", 9.0), ("b", 5.0)], [("b", 0.9), ("c", 0.8)])
    assert [i for i, _ in fused] == ["b", "a", "c"]
    assert fused[0][1] == pytest.approx(1 / 62 + 1 / 61)


def test_related_prefers_other_meetings(seed_store: Store, seed_settings: Settings) -> None:
    own = seed_store.item_row("socsam-2023-03-24-21")
    hits = related(seed_store, seed_settings, own["id"], limit=8)
    ids = [h.id for h in hits]
    assert own["id"] not in ids and not any(i.startswith("socsam-2023-03-24-utdrag") for i in ids)
    same = [seed_store.item_row(i)["doc_id"] == own["doc_id"] for i in ids]
    assert same == sorted(same)  # other meetings first, then this meeting
    with pytest.raises(NotFoundError):
        related(seed_store, seed_settings, "no-such-item")


def test_related_on_a_graph_sized_index_searches_the_items_mean(
    seed_store: Store, seed_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the graph threshold `related` searches with the item's mean vector instead of
    computing every item's mean; the neighbours stay those the mean-to-mean path finds."""
    own = seed_store.item_row("socsam-2023-03-24-21")
    small = [h.id for h in related(seed_store, seed_settings, own["id"], limit=5)]
    monkeypatch.setenv(ENV_FORCE_ANN, "1")  # every index counts as graph-sized
    vi = open_vectors(seed_settings)
    assert vi is not None
    vi._means = None
    big = [h.id for h in related(seed_store, seed_settings, own["id"], limit=5)]
    assert vi._means is None  # no mean of every item was computed
    assert own["id"] not in big and len(big) == len(small)
    assert len(set(big) & set(small)) >= 3


def test_cli_search_and_related(seed_settings: Settings) -> None:
    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir)]
    out = runner.invoke(main, [*base, "search", "familjehem", "--json", "--limit", "3"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert rows and set(rows[0]) == HIT_FIELDS
    csv_out = runner.invoke(main, [*base, "search", "familjehem", "--csv", "--body", "SocSam"])
    assert csv_out.output.splitlines()[0].startswith("rank,score,id,body")
    human = runner.invoke(main, [*base, "search", "familjehem", "--mode", "keyword"])
    assert "§ 19" in human.output
    bad = runner.invoke(main, [*base, "search", '"oavslutad'])
    assert bad.exit_code == 1 and "citattecken" in bad.output and "Traceback" not in bad.output
    rel = runner.invoke(main, [*base, "related", rows[0]["id"], "--json", "--limit", "2"])
    assert rel.exit_code == 0 and len(rel.output.splitlines()) == 2


def test_cli_without_an_index_says_so(tmp_path) -> None:
    out = CliRunner().invoke(main, ["--index-dir", str(tmp_path / "none"), "search", "familjehem"])
    assert out.exit_code == 1 and "ingest" in out.output


def test_concurrent_searches_agree_with_sequential(seed_settings: Settings) -> None:
    from concurrent.futures import ThreadPoolExecutor

    queries = ["familjehem", "samverkan -psykiatrin", "psyk*", "våld i nära relationer"] * 3

    def run(q: str) -> list[str]:
        with Store.open(seed_settings.index_dir, create=False) as store:
            return [h.id for h in search(store, seed_settings, q, limit=10).hits]

    expected = [run(q) for q in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(run, queries)) == expected


def test_org_filter_separates_municipalities(seed_store: Store, seed_settings: Settings) -> None:
    jamtland = SearchFilters(org="jämtland")
    hits = search(seed_store, seed_settings, "samverkan", mode="keyword", filters=jamtland).hits
    orgs = {
        r["organisation"] for r in seed_store.conn.execute("SELECT organisation FROM documents")
    }
    assert hits and "Region Jämtland Härjedalen" in orgs
    docs = {seed_store.item_row(h.id)["organisation"] for h in hits}
    assert docs == {"Region Jämtland Härjedalen"}
    elsewhere = SearchFilters(org="Alingsås")
    assert search(seed_store, seed_settings, "samverkan", filters=elsewhere).hits == []


def test_items_cli_org_option(seed_settings: Settings) -> None:
    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir), "items", "--json"]
    every = runner.invoke(main, base).output.splitlines()
    only = runner.invoke(main, [*base, "--org", "Region Jämtland"]).output.splitlines()
    assert 0 < len(only) < len(every)  # the extract and the letter state no organisation
