"""The public Python API (`minutesearch.open` -> Corpus) and the one Filters, on the seed index."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields

import pytest

import minutesearch
from minutesearch.api import (
    Corpus,
    Decision,
    Hit,
    Item,
    Meeting,
    Person,
    PersonDetail,
    Results,
    Step,
    Thread,
    Topic,
)
from minutesearch.config import Settings
from minutesearch.errors import NotFoundError, QueryError, StoreError
from minutesearch.filters import Filters, allowed_items
from minutesearch.search import SearchFilters

F = Filters


@pytest.fixture(scope="module")
def corpus(seed_settings: Settings) -> Corpus:
    return minutesearch.open(seed_settings.index_dir)


def test_import_is_light_and_exports_the_api() -> None:
    code = (
        "import sys, minutesearch\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('spacy', 'torch', 'textual')]\n"
        "assert not heavy, heavy\n"
        "assert 'minutesearch.api' not in sys.modules\n"
        "assert callable(minutesearch.open) and minutesearch.Filters and minutesearch.Corpus\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_open_missing_index_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(StoreError):
        minutesearch.open(tmp_path / "nothing-here")


def test_search_filters_is_the_one_filters() -> None:
    assert SearchFilters is Filters
    assert Filters.from_dict({"org": "Alingsås", "bogus": "x", "body": ""}) == Filters(
        org="Alingsås"
    )


@pytest.mark.parametrize("bad", ["2026-13-45", "2026-02-30", "2023-00", "mars", "2023-1-1"])
def test_invalid_dates_are_errors_everywhere(corpus: Corpus, bad: str) -> None:
    for call in (
        lambda: corpus.items(F(since=bad)),
        lambda: corpus.items(F(until=bad)),
        lambda: corpus.meetings(F(since=bad)),
        lambda: corpus.decisions(filters=F(until=bad)),
        lambda: corpus.search("samverkan", filters=F(since=bad)),
        lambda: corpus.stats("year", F(since=bad)),
    ):
        with pytest.raises(QueryError, match="Ogiltigt datum"):
            call()


def test_valid_date_forms_and_leap_day(corpus: Corpus) -> None:
    every = corpus.items()
    assert corpus.items(F(since="2024-02-29")) is not None  # a leap day is a date
    march = corpus.items(F(since="2023-03", until="2023-03-31"))
    assert march and all(i.date and i.date.startswith("2023-03") for i in march)
    whole_year = corpus.items(F(until="2023"))  # "until 2023" includes 2023-12-31
    assert {i.id for i in whole_year} == {i.id for i in every if i.date and i.date <= "2023-12-31"}
    with pytest.raises(QueryError):
        corpus.items(F(since="2023-05-01", until="2023-04-01"))


def test_empty_result_says_which_filter(corpus: Corpus) -> None:
    hits = corpus.search("samverkan", filters=F(since="2030-01-01"))
    assert len(hits) == 0 and hits.note == "0 träffar efter 2030-01-01"
    assert corpus.items(F(org="Ingenstans")).note == "0 ärenden kommun/region Ingenstans"


def test_search_and_related(corpus: Corpus) -> None:
    hits = corpus.search("psykiatri", mode="keyword", limit=5)
    assert 0 < len(hits) <= 5 and hits.total >= len(hits) and hits.mode == "keyword"
    assert all(isinstance(h, Hit) for h in hits)
    assert all(h.org == "Region Jämtland Härjedalen" for h in hits if h.kind == "protocol")
    records = hits.to_records()
    assert records[0]["id"] == hits[0].id and "org" in records[0]
    related = corpus.related(hits[0].id, limit=3)
    assert related and hits[0].id not in {h.id for h in related}
    with pytest.raises(QueryError):
        corpus.search("psykiatri", mode="magic")


def test_items_every_filter(corpus: Corpus, seed_store) -> None:
    every = corpus.items()
    assert len(every) == seed_store.counts()["items"]
    one_meeting = seed_store.conn.execute(
        "SELECT p.name FROM persons p JOIN person_roles r ON r.person_id = p.id"
        " GROUP BY p.id HAVING count(DISTINCT r.doc_id) = 1 ORDER BY p.name LIMIT 1"
    ).fetchone()[0]
    for f in (
        F(body="SocSam"),
        F(body="sociala samrådsgruppen"),
        F(org="jämtland"),
        F(org="Alingsås"),
        F(since="2023-03-01"),
        F(until="2023-02-28"),
        F(kind="utdrag"),
        F(kind="protocol"),
        F(person=one_meeting),
        F(party="S"),
        F(topic="samverkan"),
        F(outcome="val"),
    ):
        got = corpus.items(f)
        allowed = allowed_items(seed_store, f)
        assert allowed is not None
        assert {i.id for i in got} == allowed, f
        assert len(got) < len(every) or f.org == "jämtland", f
    # The chair of every seed meeting: her filter keeps every item of them, the extract of a
    # § she presided over included.
    chaired = corpus.items(F(person="Margareta Winberg"))
    assert {i.id for i in chaired} == allowed_items(seed_store, F(person="Margareta Winberg"))
    assert any(i.kind == "extract" for i in chaired)
    assert len(corpus.items(F(body="SocSam"))) > 0
    assert not corpus.items(F(org="Alingsås"))
    assert all(i.kind == "extract" for i in corpus.items(F(kind="utdrag")))
    assert all(i.body_short == "SocSam" for i in corpus.items(F(body="socsam")))
    with pytest.raises(QueryError):
        corpus.items(F(kind="video"))
    with pytest.raises(QueryError):
        corpus.items(F(outcome="kanske"))


def test_item_and_meeting(corpus: Corpus) -> None:
    first = corpus.items(F(kind="protocol"))[0]
    item = corpus.item(first.id)
    assert isinstance(item, Item) and item == first and item.org == "Region Jämtland Härjedalen"
    with pytest.raises(NotFoundError):
        corpus.item("nope-1")
    meetings = corpus.meetings()
    assert all(isinstance(m, Meeting) for m in meetings)
    protocols = corpus.meetings(F(kind="protokoll"))
    assert protocols and all(m.kind == "protocol" and m.present for m in protocols)
    assert item.meeting in {m.id for m in protocols}
    assert item.id in corpus.meeting(item.meeting or "").items
    in_march = corpus.meetings(F(since="2023-03-01", org="jämtland"))
    assert in_march and all(m.date and m.date >= "2023-03-01" for m in in_march)
    assert not corpus.meetings(F(org="Alingsås"))
    # An item-level filter keeps the meetings with at least one such item.
    with_s = corpus.meetings(F(party="S"))
    s_items = {i.meeting for i in corpus.items(F(party="S"))}
    assert {m.id for m in with_s} == s_items


def test_decisions_honour_every_filter_including_org(corpus: Corpus) -> None:
    every = corpus.decisions()
    assert every and all(isinstance(d, Decision) for d in every)
    assert [d.date or "" for d in every] == sorted((d.date or "" for d in every), reverse=True)
    assert all(d.org for d in every)
    assert {d.id for d in corpus.decisions(filters=F(org="Jämtland"))} == {d.id for d in every}
    assert not corpus.decisions(filters=F(org="Alingsås"))
    socsam = corpus.decisions(filters=F(body="SocSam"))
    assert socsam and all(d.body_short == "SocSam" for d in socsam) and len(socsam) < len(every)
    val = corpus.decisions(filters=F(outcome="val"))
    assert val and all(d.outcome == "val" for d in val)
    march = corpus.decisions(filters={"since": "2023-03-01"})
    assert march and all((d.date or "") >= "2023-03-01" for d in march)
    on_query = corpus.decisions("justerare")
    assert on_query and len(on_query) < len(every)


def test_persons_person_topics_threads_trace(corpus: Corpus) -> None:
    persons = corpus.persons()
    assert persons and all(isinstance(p, Person) for p in persons)
    ostersund = corpus.persons(F(org="Östersund"))
    assert ostersund and len(ostersund) < len(persons)
    assert all(any("Östersund" in o for o in p.orgs) for p in ostersund)
    s = corpus.persons(F(party="s"))
    assert s and all(p.party == "S" for p in s)
    detail = corpus.person(persons[0].name.upper())
    assert isinstance(detail, PersonDetail) and detail.id == persons[0].id and detail.attended
    with pytest.raises(NotFoundError):
        corpus.person("Zyx Qwerty")
    topics = corpus.topics()
    assert topics and all(isinstance(t, Topic) and t.terms for t in topics)
    threads = corpus.threads()
    assert threads and all(isinstance(t, Thread) and len(t.items) > 1 for t in threads)
    assert all(it.org for t in threads for it in t.items if it.id and "utdrag" not in it.id)
    assert not corpus.threads(F(org="Alingsås"))
    steps = corpus.trace(threads[0].items[0].id)
    assert steps and all(isinstance(s, Step) for s in steps)
    assert threads[0].items[0].id in {s.id for s in steps}


def test_to_records_and_to_pandas(corpus: Corpus) -> None:
    pd = pytest.importorskip("pandas")
    items = corpus.items()
    frame = items.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert len(frame) == len(items) and list(frame["id"]) == [i.id for i in items]
    assert "org" in frame.columns
    empty = corpus.items(F(org="Alingsås")).to_pandas()
    assert len(empty) == 0 and list(empty.columns) == [f.name for f in fields(Item)]
    stats = corpus.stats(["year", "outcome"]).to_pandas()
    assert list(stats.columns) == ["year", "outcome", "count"]
    assert isinstance(corpus.topics(), Results)


def test_stats_add_up_to_the_lists(corpus: Corpus) -> None:
    decisions = corpus.decisions()
    for by in ("year", "month", "body", "org", "outcome", ["year", "outcome"], "body,org"):
        counts = corpus.stats(by)
        assert sum(c.count for c in counts) == len(decisions), by
    outcome = {c.values["outcome"]: c.count for c in corpus.stats("outcome")}
    assert outcome == {
        o: sum(1 for d in decisions if d.outcome == o) for o in {d.outcome for d in decisions}
    }
    for f in (F(body="SocSam"), F(outcome="val"), F(org="Alingsås"), F(since="2023-03")):
        assert sum(c.count for c in corpus.stats("year", f)) == len(corpus.decisions(filters=f))
        assert sum(c.count for c in corpus.stats("body", f, count="items")) == len(corpus.items(f))
    # Many-valued: a decision counts once per party of its yrkanden (None: no yrkande).
    party = corpus.stats("party")
    expected = sum(
        max(1, len({p.strip() for m in d.motions if m.party for p in m.party.split(",")}))
        for d in decisions
    )
    assert sum(c.count for c in party) == expected
    # Yrkanden: one row per motion of the listed decisions; party is the yrkande's own.
    motions = [m for d in decisions for m in d.motions]
    assert motions
    by_won = corpus.stats(["won", "kind"], count="motions")
    assert sum(c.count for c in by_won) == len(motions)
    assert {c.values["won"] for c in by_won} <= {True, False, None}
    won = {(c.values["won"], c.values["kind"]): c.count for c in by_won}
    assert won == {
        k: sum(1 for m in motions if (m.won, m.kind) == k)
        for k in {(m.won, m.kind) for m in motions}
    }
    parties = corpus.stats("party", count="motions")
    assert sum(c.count for c in parties) == sum(
        max(1, len({p.strip() for p in (m.party or "").split(",") if p.strip()})) for m in motions
    )
    with pytest.raises(QueryError, match="yrkanden"):
        corpus.stats("won")
    with pytest.raises(QueryError, match="dimension"):
        corpus.stats("weather")
    with pytest.raises(QueryError):
        corpus.stats("year", count="pages")


def test_every_json_contract_field_reaches_the_dataclasses(corpus: Corpus, seed_store) -> None:
    """The API loses nothing the CLI's JSON has: item, meeting and trace fields all arrive."""
    from minutesearch.analysis.threads import trace

    first_id = seed_store.conn.execute("SELECT id FROM items LIMIT 1").fetchone()[0]
    item_json = seed_store.item_json(seed_store.item_row(first_id))
    renamed = {"parts", "organisation"}  # parts flattened onto Item; organisation is org
    item_fields = {f.name for f in fields(Item)}
    assert set(item_json) - renamed <= item_fields
    assert set(item_json["parts"]) - {"motions"} <= item_fields
    doc_id = seed_store.conn.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    meeting_json = seed_store.meeting_json(seed_store.document_row(doc_id))
    assert set(meeting_json) - renamed <= {f.name for f in fields(Meeting)}
    thread = corpus.threads()[0]
    steps = trace(seed_store, corpus.settings, thread.items[0].id or "")
    step_keys = set().union(*(set(s) for s in steps))
    assert step_keys <= {f.name for f in fields(Step)}
