"""The person read model: name matching (Swedish collation), ambiguity, yrkanden with outcome,
and the person filter agreeing with `person`; synthetic stores, then the real minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.analysis.pipeline import analyse_decisions
from minutesearch.config import Settings
from minutesearch.entities.people import (
    AmbiguousPersonError,
    fold,
    person_detail,
    person_ids_matching,
    person_item_ids,
)
from minutesearch.entities.pipeline import annotate
from minutesearch.errors import NotFoundError
from minutesearch.model import Attendee, Document, Item, ItemParts
from minutesearch.stages import StageContext
from minutesearch.store import Store


def _meeting(date: str, present: list[Attendee], items: list[Item], **kw: str) -> Document:
    return Document(
        source=f"test/ks-{date}.txt",
        kind="protocol",
        body="Kommunstyrelsen",
        body_short="KS",
        organisation="Alingsås kommun",
        date=date,
        present=present,
        items=items,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    a = Attendee
    june = _meeting(
        "2026-06-01",
        [
            a("Heidi Hankanen Ängberg", "V"),
            a("Carin Östh", "S"),
            a("Maria Östlund", "M"),
            a("Maria Andersson", "S"),
            a("Anna Angberg", "C"),
            a("Jonas Ek", "S", role="ordförande"),
        ],
        [
            Item(
                10,
                "Motion om vindar",
                "Heidi Hankanen Ängberg (V) yrkar bifall till motionen.",
                parts=ItemParts(
                    motions="Heidi Hankanen Ängberg (V) yrkar bifall till motionen.\n"
                    "Carin Östh (S) yrkar avslag på motionen.",
                    proceedings="Ordföranden ställer proposition på yrkandena och finner att"
                    " kommunstyrelsen beslutat enligt Carin Ösths yrkande.",
                ),
            ),
            Item(11, "Budget", "Maria Östlund (M) tackar för informationen."),
        ],
        chair="Jonas Ek",
    )
    st = Store.open(tmp_path / "idx")
    st.save_document(june, "sha-june")
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    annotate(StageContext(store=st, settings=settings, rebuild=True))
    analyse_decisions(st)
    return st


def test_fold_keeps_swedish_letters_and_ignores_case() -> None:
    assert fold("Heidi HANKANEN-Ängberg (V)") == "heidi hankanen ängberg"
    assert fold("Östh") != fold("Osth")


def test_capital_swedish_letters_match(store: Store) -> None:
    for name in ("Heidi Hankanen Ängberg", "heidi hankanen ängberg", "Carin Östh", "CARIN ÖSTH"):
        assert len(person_ids_matching(store, name)) == 1, name
    assert person_ids_matching(store, "Carin Östh") == person_ids_matching(store, "Östh")


def test_accents_dropped_only_when_nothing_else_matches(store: Store) -> None:
    # "Angberg" is Anna Angberg's own name: Ängberg is another person and is not mixed in.
    assert person_ids_matching(store, "Angberg") == {"anna-angberg"}
    # "Hankanen Angberg" matches nobody with å/ä/ö kept, so the accent-free tier finds Heidi.
    assert person_ids_matching(store, "Hankanen Angberg") == person_ids_matching(
        store, "Hankanen Ängberg"
    )
    assert person_ids_matching(store, "Osth") == person_ids_matching(store, "Östh")


def test_surname_only_and_ambiguous_first_name(store: Store) -> None:
    assert person_detail(store, "Östlund")["name"] == "Maria Östlund"
    with pytest.raises(AmbiguousPersonError) as err:
        person_detail(store, "Maria")
    names = sorted(c["name"] for c in err.value.candidates)
    assert names == ["Maria Andersson", "Maria Östlund"]
    with pytest.raises(NotFoundError, match="Ingen person"):
        person_detail(store, "Nils Holgersson")


def test_yrkanden_with_outcome_and_the_filter_agree(store: Store) -> None:
    heidi = person_detail(store, "Heidi Hankanen Ängberg")
    assert [(m["title"], m["text"] != "") for m in heidi["motions"]] == [("Motion om vindar", True)]
    assert all(m["won"] in (True, False, None) for m in heidi["motions"])
    # The filter keeps every item the person made a yrkande on.
    assert {m["id"] for m in heidi["motions"]} <= person_item_ids(store, "Heidi Hankanen Ängberg")
    # The chair's proposition order is not a yrkande of the chair.
    assert person_detail(store, "Jonas Ek")["motions"] == []


def test_meeting_count_is_the_list_shown(store: Store) -> None:
    maria = person_detail(store, "Maria Östlund")
    assert maria["meetings"] == len(maria["attended"]) == 1
    assert [m["title"] for m in maria["mentions"]] == ["Budget"] or maria["mentions"] == []


def test_person_cli_lists_candidates(store: Store, tmp_path: Path) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    idx = str(tmp_path / "idx")
    result = runner.invoke(main, ["--index-dir", idx, "person", "Maria", "--json"])
    assert result.exit_code == 2, result.output
    out = json.loads(result.output)
    assert sorted(c["name"] for c in out["candidates"]) == ["Maria Andersson", "Maria Östlund"]
    result = runner.invoke(main, ["--index-dir", idx, "person", "Maria"])
    assert result.exit_code == 2
    assert "Maria Andersson" in result.output and "Maria Östlund" in result.output
