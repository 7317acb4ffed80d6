"""The judged query set of `make eval-search`: well formed, split, covering, and every judgement
names a real item; the metrics and the baselines' pieces compute what they claim."""

from __future__ import annotations

import copy
import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from minutesearch.config import Settings
from minutesearch.index.fulltext import build_fulltext
from minutesearch.ingest import ingest
from minutesearch.locations import CORPUS_DIR, PROJECT_ROOT
from minutesearch.search import search
from minutesearch.store import Store


def _eval_module() -> ModuleType:
    path = PROJECT_ROOT / "scripts" / "eval_search.py"
    spec = importlib.util.spec_from_file_location("eval_search", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_search"] = module
    spec.loader.exec_module(module)
    return module


ev = _eval_module()
QUERIES = ev.load_queries(ev.QUERIES)
# The forms people search in (issue 12); each must be in the set, in both splits.
FORMS = {"topic", "multiword", "question", "paraphrase", "name", "dnr", "who-decided", "distractor"}


def test_query_set_is_large_graded_and_varied() -> None:
    assert len(QUERIES) >= 150
    assert len({q["id"] for q in QUERIES}) == len(QUERIES)
    assert len({q["query"].casefold() for q in QUERIES}) == len(QUERIES)
    assert {q["kind"] for q in QUERIES} >= FORMS
    for q in QUERIES:
        grades = [j["grade"] for j in q["relevant"]]
        assert all(g in (1, 2, 3) for g in grades), q["id"]
        assert 3 in grades, q["id"]
        assert all(j["doc"].startswith(("seed:", "extra:")) for j in q["relevant"])
        judged = [(j["doc"], j["section"]) for j in q["relevant"]]
        assert len(judged) == len(set(judged)), f"{q['id']} judges an item twice"


def test_split_is_fixed_about_two_to_one_and_reproducible() -> None:
    splits = Counter(q["split"] for q in QUERIES)
    assert set(splits) == {"dev", "heldout"}
    assert splits["heldout"] >= 50
    assert 0.28 <= splits["heldout"] / len(QUERIES) <= 0.40
    # The queries the ranking was developed on are never held out.
    assert all(q["split"] == "dev" for q in QUERIES if int(q["id"][1:]) < 57)
    # The file's split is exactly what the documented, seeded procedure gives: nobody moved a
    # query between splits after seeing a score.
    again = copy.deepcopy(QUERIES)
    ev.assign_split(again)
    assert [q["split"] for q in again] == [q["split"] for q in QUERIES]
    for split in ("dev", "heldout"):
        kinds = {q["kind"] for q in QUERIES if q["split"] == split}
        assert kinds >= FORMS, f"{split} lacks {FORMS - kinds}"


def test_metrics() -> None:
    grades = {"a": 3, "b": 1}
    assert ev.ndcg(["a", "b"], grades) == pytest.approx(1.0)
    assert ev.ndcg(["b", "a"], grades) < 1.0
    assert ev.ndcg(["x"], grades) == 0.0
    assert ev.recall(["x", "b"], grades) == 0.5
    assert ev.mrr(["x", "y", "b", "a"], grades) == pytest.approx(1 / 3)
    assert ev.mrr(["x"], grades) == 0.0


def test_rrf_rewards_agreement() -> None:
    fused = ev.rrf_fuse(["a", "b", "c"], ["c", "d"])
    assert fused[0] == "c"
    assert set(fused) == {"a", "b", "c", "d"}


def test_baseline_keyword_is_an_or_query_with_swedish_stems_and_collapses_copies() -> None:
    items = [
        ("p-1", "p-1", "Skolskjuts\nRegler för skolskjutsar 2027"),
        ("u-1", "p-1", "Skolskjuts\nUtdrag: regler för skolskjutsar 2027"),
        ("p-2", "p-2", "Biblioteksplan\nPlan för kommunens bibliotek"),
        ("p-3", "p-3", "Renhållningstaxa\nTaxan för sophämtning"),
    ]
    queries = [
        {"id": "a", "query": "skolskjutsen xyzzy"},  # one word missing: OR still finds it
        {"id": "b", "query": "biblioteken"},  # Swedish stemming meets "bibliotek"
    ]
    ranked = ev.baseline_keyword(items, queries, 10)
    assert ranked["a"] == ["p-1"]  # the extract's copy counts as its protocol's item, once
    assert ranked["b"] == ["p-2"]


class _WordCounter:
    """A tokenizer stand-in that counts words plus the prefix and two specials."""

    def token_count(self, text: str) -> int:
        return len(text.split()) + 3


def test_first_tokens_keeps_the_longest_prefix_that_fits() -> None:
    text = " ".join(f"w{n}" for n in range(1000))
    cut = ev.first_tokens(_WordCounter(), text, limit=512)
    assert cut.split() == text.split()[:509]
    assert ev.first_tokens(_WordCounter(), "kort text", limit=512) == "kort text"


@pytest.fixture(scope="module")
def extra_store(extra_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("eval") / "idx", embedder="none")
    ingest([CORPUS_DIR, extra_dir], settings, stages=[build_fulltext])
    return settings


@pytest.mark.slow
def test_every_judgement_names_a_stored_item(extra_store: Settings) -> None:
    with Store.open(extra_store.index_dir, create=False) as store:
        _, missing = ev.resolve(store, QUERIES)
    assert missing == []


@pytest.mark.slow
def test_every_body_and_organisation_is_covered(extra_store: Settings) -> None:
    """Each body with items, and each organisation in both splits, has a query judged 2+ on it."""
    with Store.open(extra_store.index_dir, create=False) as store:
        rows = store.conn.execute(
            "SELECT DISTINCT d.source, d.body, d.organisation, i.section"
            " FROM items i JOIN documents d ON d.id = i.doc_id"
        ).fetchall()
    owner = {(ev.doc_key(r["source"]), r["section"]): (r["body"], r["organisation"]) for r in rows}
    bodies = {r["body"] for r in rows if r["body"]}
    orgs = {r["organisation"] for r in rows if r["organisation"]}
    assert {"Alingsås kommun", "Göteborgs Stad"} <= orgs
    covered: dict[str, set[str]] = {"dev": set(), "heldout": set()}
    for q in QUERIES:
        for j in q["relevant"]:
            if j["grade"] >= 2:
                covered[q["split"]].update(x for x in owner[(j["doc"], j["section"])] if x)
    assert bodies <= covered["dev"] | covered["heldout"]
    for split, names in covered.items():
        assert orgs <= names, f"{split} lacks {orgs - names}"


def _item_text(row: Any) -> str:
    return f"{row['title']}\n{row['text']}\n{row['dnr'] or ''}".casefold()


@pytest.mark.slow
def test_diarienummer_typed_as_written_find_their_matter_first(extra_store: Settings) -> None:
    settings = extra_store
    with Store.open(settings.index_dir, create=False) as store:
        qrels, _ = ev.resolve(store, QUERIES)
        for q in QUERIES:
            if q["kind"] != "dnr" or q["split"] != "dev":
                continue
            best = [i for i, g in qrels[q["id"]].items() if g == 3]
            written = [_item_text(store.item_row(i)) for i in best]
            if not any(q["query"].casefold() in text for text in written):
                continue  # another form of the number: issue 12's dnr normalisation
            hits = search(store, settings, q["query"], mode="keyword", limit=3).hits
            assert hits and qrels[q["id"]].get(hits[0].id) == 3, q["query"]
