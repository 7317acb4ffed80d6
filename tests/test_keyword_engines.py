"""The two keyword engines behind one interface: same matches, in-place updates, switching."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.cli import main
from minutesearch.config import Settings
from minutesearch.index import fulltext
from minutesearch.index.fulltext import build_fulltext, read_stamp
from minutesearch.ingest import ingest
from minutesearch.locations import fulltext_dir
from minutesearch.search import SearchFilters, search
from minutesearch.stages import StageContext
from minutesearch.store import Store

QUERIES = [
    "familjehem",
    "budget",
    "vård och omsorg",
    '"vård och omsorg"',
    "samverkan -budget",
    "protokoll*",
    "ekonomi* uppföljning",
    "§ 21",
    "förbundsdirektör Åsberg",
    "socialtjänst skola kommun",  # no item has all three: the OR fallback
    "Liselott",
]


def _index(source: list[Path], root: Path, engine: str) -> Settings:
    settings = Settings(index_dir=root / engine, embedder="none", keyword_engine=engine)
    report = ingest(source, settings, stages=[build_fulltext])
    assert not report.skipped
    return settings


@pytest.fixture(scope="module")
def both(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Settings]:
    root = tmp_path_factory.mktemp("engines")
    return _index([seeds_dir], root, "tantivy"), _index([seeds_dir], root, "whoosh")


def _ids(settings: Settings, query: str, **filters: str) -> list[str]:
    with Store.open(settings.index_dir, create=False) as store:
        result = search(
            store, settings, query, mode="keyword", limit=1000, filters=SearchFilters(**filters)
        )
    return [h.id for h in result.hits]


@pytest.mark.parametrize("query", QUERIES)
def test_engines_match_the_same_items(both: tuple[Settings, Settings], query: str) -> None:
    tantivy, whoosh = both
    found = _ids(tantivy, query)
    assert sorted(found) == sorted(_ids(whoosh, query))
    if query in ("familjehem", "budget", "§ 21", '"vård och omsorg"'):
        assert found, query


def test_engines_agree_on_the_best_hits(both: tuple[Settings, Settings]) -> None:
    tantivy, whoosh = both
    overlap = []
    for query in QUERIES:
        a, b = _ids(tantivy, query)[:5], _ids(whoosh, query)[:5]
        if a:
            overlap.append(len(set(a) & set(b)) / len(a))
    # BM25 per field vs Whoosh's BM25F may order near-ties differently, not the matches.
    assert sum(overlap) / len(overlap) >= 0.8


def test_filters_and_exclusions_apply_inside_the_engine(both: tuple[Settings, Settings]) -> None:
    tantivy, _ = both
    everything = set(_ids(tantivy, "budget"))
    only_svom = set(_ids(tantivy, "budget", body="SVOM"))
    assert only_svom and only_svom < everything
    assert not set(_ids(tantivy, "budget -budget"))


def _copy_some(src: Path, dst: Path, names: list[str]) -> None:
    dst.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(src / name, dst / name)


def _first_seeds(seeds_dir: Path, tmp_path: Path, n: int) -> tuple[list[str], Path, Settings]:
    """A tantivy index of the first n seeds; the seed names and the corpus folder to add to."""
    names = sorted(p.name for p in seeds_dir.iterdir())
    corpus = tmp_path / "corpus"
    _copy_some(seeds_dir, corpus, names[:n])
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", keyword_engine="tantivy")
    ingest([corpus], settings, stages=[build_fulltext])
    return names, corpus, settings


def test_tantivy_updates_in_place_and_forgets_removed_items(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names, corpus, settings = _first_seeds(seeds_dir, tmp_path, 3)
    folder = fulltext_dir(settings.index_dir)
    first_stamp = read_stamp(folder)

    full_builds: list[int] = []
    real_build = fulltext.build_index
    monkeypatch.setattr(
        fulltext,
        "build_index",
        lambda *a, **k: (full_builds.append(1), real_build(*a, **k))[1],
    )
    _copy_some(seeds_dir, corpus, names[3:])
    ingest([corpus], settings, stages=[build_fulltext])
    assert full_builds == []  # updated in place, not rebuilt
    stamp = read_stamp(folder)
    assert stamp and first_stamp and stamp["seq"] > first_stamp["seq"]
    with Store.open(settings.index_dir, create=False) as store:
        all_ids = {r[0] for r in store.conn.execute("SELECT id FROM items")}
        new_doc_items = {
            r[0]
            for r in store.conn.execute(
                "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id WHERE d.source LIKE ?",
                (f"%{names[-1]}",),
            )
        }
    assert (read_stamp(folder) or {})["items"] == len(all_ids)
    title_word = _some_title_word(settings, new_doc_items)
    assert set(_ids(settings, title_word)) & new_doc_items

    (corpus / names[-1]).unlink()
    ingest([corpus], settings, stages=[build_fulltext])
    assert full_builds == []
    assert not set(_ids(settings, title_word)) & new_doc_items
    assert (read_stamp(folder) or {})["items"] == len(all_ids - new_doc_items)


def _some_title_word(settings: Settings, ids: set[str]) -> str:
    with Store.open(settings.index_dir, create=False) as store:
        for item_id in sorted(ids):
            for word in store.item_row(item_id)["title"].split():
                if len(word) > 6 and word.isalpha():
                    return str(word)
    raise AssertionError("no title word")


def test_a_crash_between_commit_and_stamp_converges(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names, corpus, settings = _first_seeds(seeds_dir, tmp_path, 4)
    _copy_some(seeds_dir, corpus, names[4:])

    real_finish = fulltext._finish

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # as if killed right after tantivy's commit

    monkeypatch.setattr(fulltext, "_finish", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest([corpus], settings, stages=[build_fulltext])
    monkeypatch.setattr(fulltext, "_finish", real_finish)
    ingest([corpus], settings, stages=[build_fulltext])  # the store is ahead of the index
    ids = _ids(settings, "protokoll")
    assert ids and len(ids) == len(set(ids))  # re-sent items were replaced, not duplicated
    with Store.open(settings.index_dir, create=False) as store:
        assert build_fulltext.is_current(  # type: ignore[attr-defined]
            StageContext(store=store, settings=settings)
        )


def test_cli_keeps_the_engine_an_index_was_built_with(seeds_dir: Path, tmp_path: Path) -> None:
    idx = str(tmp_path / "idx")
    runner = CliRunner()
    base = ["--index-dir", idx]
    res = runner.invoke(
        main, [*base, "ingest", str(seeds_dir), "--embedder", "none", "--keyword-engine", "whoosh"]
    )
    assert res.exit_code == 0, res.output
    assert (read_stamp(fulltext_dir(Path(idx))) or {})["backend"] == "whoosh"
    res = runner.invoke(main, [*base, "ingest", str(seeds_dir), "--embedder", "none"])
    assert res.exit_code == 0, res.output
    assert (read_stamp(fulltext_dir(Path(idx))) or {})["backend"] == "whoosh"
    res = runner.invoke(main, [*base, "search", "familjehem", "--mode", "keyword", "--json"])
    assert res.exit_code == 0 and res.output.strip(), res.output
    res = runner.invoke(
        main, [*base, "ingest", str(seeds_dir), "--embedder", "none", "--keyword-engine", "tantivy"]
    )
    assert res.exit_code == 0, res.output
    assert (read_stamp(fulltext_dir(Path(idx))) or {})["backend"] == "tantivy"
    res = runner.invoke(main, [*base, "search", "familjehem", "--mode", "keyword", "--json"])
    assert res.exit_code == 0 and json.loads(res.output.splitlines()[0])["id"]
