"""The real-vector recall benchmark (scripts/bench_recall.py, issue #16): how it turns the news
corpus into windows, and the recall it computes from ranked ids."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from minutesearch.locations import PROJECT_ROOT


def _module() -> ModuleType:
    path = PROJECT_ROOT / "scripts" / "bench_recall.py"
    spec = importlib.util.spec_from_file_location("bench_recall", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_recall"] = module
    spec.loader.exec_module(module)
    return module


br = _module()


def test_news_sentences_join_tokens_and_drop_soft_hyphens(tmp_path: Path) -> None:
    conll = tmp_path / "c.txt"
    conll.write_text(
        "Det\t0\när\t0\n\u00advärlden\t0\n,\t0\nsa\t0\nhon\t0\n.\t0\n\n"
        "Stockholm\tLOC\n(\t0\nTT\tORG\n)\t0\n\n\n",
        encoding="utf-8",
    )
    assert br.news_sentences(conll) == ["Det är världen, sa hon.", "Stockholm (TT)"]


def _sentences(n: int, words: int) -> list[str]:
    return [" ".join(f"s{i}w{j}" for j in range(words)) + "." for i in range(n)]


def test_sentences_pack_into_windows_without_cutting_one() -> None:
    sentences = _sentences(20, 7)  # 140 words
    packed = br.pack_sentences(sentences, 30)
    assert [len(w) for w in packed] == [5, 5, 5, 5]  # 35 words each: never cut below 30
    assert [s for w in packed for s in w] == sentences
    # A short tail is kept only with at least half a window of words.
    assert len(br.pack_sentences(_sentences(6, 7), 30)) == 1
    assert len(br.pack_sentences(_sentences(8, 7), 30)) == 2


def test_shifted_windows_straddle_two_packed_windows_and_repeat_none() -> None:
    packed = br.pack_sentences(_sentences(20, 7), 30)
    plain = {" ".join(w) for w in packed}
    third = br.shifted_windows(packed, 1 / 3)
    two_thirds = br.shifted_windows(packed, 2 / 3)
    assert len(third) == len(two_thirds) == len(packed) - 1
    for w in third + two_thirds:
        assert w not in plain
        assert 25 <= len(w.split()) <= 40
    # The first third-shifted window: the last three sentences of window 0, two of window 1.
    assert third[0].split()[0] == "s2w0" and third[0].split()[-1] == "s6w6."
    assert two_thirds[0].split()[0] == "s4w0"
    assert len(set(third) | set(two_thirds)) == len(third) + len(two_thirds)


def test_item_recall_ranks_items_by_their_best_window() -> None:
    groups = np.array([0, 0, 1, 2, 2])
    scores = np.array([0.9, 0.1, 0.5, 0.2, 0.8])
    rows = np.argsort(-scores)
    assert br.top_groups(rows, scores, groups, 2) == [0, 2]
    # An ANN that missed window 4 ranks item 2 by its weaker window, below item 1.
    assert br.top_groups(np.array([0, 2, 3]), scores, groups, 2) == [0, 1]
    assert br.recall([0, 2], [0, 1]) == 0.5
    assert br.recall([], [1]) == 0.0


def test_exact_top_is_the_sorted_best_rows() -> None:
    rng = np.random.default_rng(1)
    matrix = rng.normal(size=(50, 8)).astype(np.float32)
    query = rng.normal(size=8).astype(np.float32)
    top = br.exact_top(matrix, query, 5)
    assert top.tolist() == np.argsort(-(matrix @ query))[:5].tolist()


def test_the_news_corpus_gives_thousands_of_distinct_windows() -> None:
    if not (br.NEWS_DIR / br.NEWS_FILES[0]).exists():
        pytest.skip(f"swedish-ner-corpus not found at {br.NEWS_DIR} (../shared is absent)")
    wins = list(br.news_windows(br.NEWS_DIR, 160))
    assert len(wins) > 3000
    assert len({w.text for w in wins}) == len(wins)
    assert all(len(w.text.split()) >= br.SHORT_WORDS // 2 for w in wins)
