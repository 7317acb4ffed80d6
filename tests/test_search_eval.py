"""The judged query set of `make eval-search`: well formed, and every judgement names a real item."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

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


def test_query_set_is_large_graded_and_varied() -> None:
    queries = ev.load_queries(ev.QUERIES)
    assert len(queries) >= 40
    assert len({q["query"] for q in queries}) == len(queries)
    assert {q["kind"] for q in queries} == {"topic", "paraphrase", "name", "decision", "dnr"}
    for q in queries:
        grades = [j["grade"] for j in q["relevant"]]
        assert all(g in (1, 2, 3) for g in grades), q["id"]
        assert 3 in grades, q["id"]
        assert all(j["doc"].startswith(("seed:", "extra:")) for j in q["relevant"])


def test_metrics() -> None:
    grades = {"a": 3, "b": 1}
    assert ev.ndcg(["a", "b"], grades) == pytest.approx(1.0)
    assert ev.ndcg(["b", "a"], grades) < 1.0
    assert ev.ndcg(["x"], grades) == 0.0
    assert ev.recall(["x", "b"], grades) == 0.5


@pytest.mark.slow
def test_every_judgement_names_a_stored_item(extra_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    ingest([CORPUS_DIR, extra_dir], settings, stages=[build_fulltext])
    queries = ev.load_queries(ev.QUERIES)
    with Store.open(settings.index_dir, create=False) as store:
        qrels, missing = ev.resolve(store, queries)
        assert missing == []
        # Diarienummer typed as written find their matter first.
        for q in (q for q in queries if q["kind"] == "dnr"):
            hits = search(store, settings, q["query"], mode="keyword", limit=3).hits
            assert hits and qrels[q["id"]].get(hits[0].id) == 3, q["query"]
