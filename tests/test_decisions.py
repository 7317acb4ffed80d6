"""Decisions on real items: outcome types, amounts, yrkanden with winners, reservations, CLI fields."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.analysis.decisions import (
    Decision,
    classify_outcome,
    extract_decision,
    find_amounts,
)
from minutesearch.config import Settings
from minutesearch.model import Document, Item
from minutesearch.parse import parse_document
from minutesearch.read import read_document
from minutesearch.store import Store


def _doc(path: Path) -> Document:
    return parse_document(read_document(path).text, str(path))


def _decide(item: Item) -> Decision:
    p = item.parts
    parts = {
        "decision": p.decision,
        "motions": p.motions,
        "proceedings": p.proceedings,
        "proposal": p.proposal,
    }
    return extract_decision(item.text, parts)


def _item(doc: Document, section: int) -> Item:
    return next(i for i in doc.items if i.section == section)


def _seed_row(store: Store, body_short: str, date: str, section: int) -> dict[str, object]:
    row = store.conn.execute(
        "SELECT i.id, x.* FROM items i JOIN documents d ON d.id = i.doc_id JOIN decisions x ON x.item_id = i.id"
        " WHERE d.body_short = ? AND d.date = ? AND i.section = ? AND d.kind = 'protocol'",
        (body_short, date, section),
    ).fetchone()
    assert row is not None, (body_short, date, section)
    return dict(row)


def test_seed_outcomes_in_store(seed_store: Store) -> None:
    assert _seed_row(seed_store, "SocSam", "2023-03-24", 21)["outcome"] == "överlämnad"
    assert _seed_row(seed_store, "SocSam", "2023-03-24", 16)["outcome"] == "val"
    assert _seed_row(seed_store, "SocSam", "2023-03-24", 17)["outcome"] == "information"
    assert _seed_row(seed_store, "SocSam", "2023-03-24", 22)["outcome"] == "bifall"
    assert _seed_row(seed_store, "SocSam", "2023-03-24", 18)["outcome"] == "bifall"  # fastställs
    row = _seed_row(seed_store, "SocSam", "2023-03-24", 21)
    assert "överlämnas till SVOM" in str(row["decision"])


def test_seed_amounts(seed_store: Store) -> None:
    # The beslut (Ställningstagande) grants four sums; 14.1 mkr is only the total in the report.
    row = _seed_row(seed_store, "SocSam", "2023-03-24", 23)
    assert json.loads(str(row["amounts"])) == [900_000, 9_234_426, 2_702_513, 1_351_257]
    mentioned = json.loads(str(row["amounts_mentioned"]))
    assert 14_100_000 in mentioned and 900_000 not in mentioned
    s22 = _seed_row(seed_store, "SocSam", "2023-03-24", 22)
    assert json.loads(str(s22["amounts"])) == []  # the beslut approves a report, no sum
    assert json.loads(str(s22["amounts_mentioned"])) == [13_800_000]


def test_amount_forms() -> None:
    text = "prognos till 230,5 mnkr vilket är en ökning med 84,2 mnkr, (-76,9mnkr) och 2 702 513 kr den 1 november 2022"
    assert find_amounts(text) == [230_500_000, 84_200_000, -76_900_000, 2_702_513]
    assert find_amounts("Under år 2023 900 000 kronor, 12 tkr och 1,5 miljarder kronor") == [
        900_000,
        12_000,
        1_500_000_000,
    ]
    assert find_amounts("§ 23 den 24 mars 2023 kl. 09:00") == []


def test_outcome_rules_on_plain_sentences() -> None:
    assert (
        classify_outcome("Ärendet bordläggs till sammanträdet den 24 januari 2024.")
        == "bordläggning"
    )
    assert classify_outcome("Motionen avslås i sin helhet.") == "avslag"
    assert classify_outcome("Föregående protokoll läggs till handlingarna.") == "information"
    assert (
        classify_outcome("Enligt stadsledningskontorets förslag:\nKommunstyrelsen överlåter …")
        == "bifall"
    )
    assert (
        classify_outcome("Mark- och exploateringschef får i uppdrag att underteckna avtal.")
        == "uppdrag"
    )
    assert classify_outcome(None, "Sammanträdet öppnas") == "other"


def test_goteborg_tabling_and_vote(extra_dir: Path) -> None:
    doc = _doc(extra_dir / "goteborg" / "ks-2024-01-10.paragraphs.txt")
    assert _decide(_item(doc, 10)).outcome == "bordläggning"
    d11 = _decide(_item(doc, 11))
    assert d11.outcome == "bifall"  # tillstyrker
    won = {m.by: m.won for m in d11.motions}
    assert won == {"Jenny Broman": True, "Jörgen Fogelklou": False, "Axel Josefson": False}
    assert [m.party for m in d11.motions] == ["V", "SD", "M"]
    assert d11.reservations == [
        {"by": "Jörgen Fogelklou", "party": "SD", "text": "reserverar sig mot beslutet."}
    ]


def test_alingsas_ks_decisions(extra_dir: Path) -> None:
    doc = _doc(extra_dir / "alingsas" / "protokoll" / "2026-06-01_kommunstyrelsen.pdf")
    d95 = _decide(_item(doc, 95))
    assert d95.outcome == "bifall"  # "… godkänns."
    # The beslut approves a follow-up report: its figures are mentioned, not decided.
    assert d95.amounts == []
    assert 230_500_000 in d95.amounts_mentioned and 84_200_000 in d95.amounts_mentioned
    d98 = _decide(_item(doc, 98))
    assert d98.outcome == "återremiss"
    heidi = next(m for m in d98.motions if m.by == "Heidi Hankanen Ängberg")
    assert heidi.party == "C" and heidi.won is True and "återremitteras" in heidi.text
    supporters = next(m for m in d98.motions if "Mats Bjelkemyr" in m.by)
    assert supporters.won is True  # they proposed that Heidi Hankanen Ängberg's proposal win
    d99 = _decide(_item(doc, 99))
    assert d99.outcome == "avslag"  # "Motionen avslås i sin helhet."


def test_alingsas_first_hand_rejection_lost(extra_dir: Path) -> None:
    doc = _doc(extra_dir / "alingsas" / "protokoll" / "2026-06-15_kommunstyrelsen.pdf")
    berlin = [
        m
        for it in doc.items
        for m in _decide(it).motions
        if m.by == "Jens Christian Berlin" and "i första hand avslag" in m.text
    ]
    assert len(berlin) == 1 and berlin[0].party == "L" and berlin[0].won is False


def test_written_reservation_by_persons(extra_dir: Path) -> None:
    doc = _doc(extra_dir / "alingsas" / "protokoll" / "2026-06-16_barn-och-ungdomsnamnden.pdf")
    found = {(r["by"], r["party"]) for it in doc.items for r in _decide(it).reservations}
    assert {("Thomas Thim", "M"), ("Linda Ynghammar", "KD"), ("Karin Josefsson", "L")} <= found


def test_reservation_by_party_group() -> None:
    from minutesearch.analysis.motions import find_reservations

    got = find_reservations("Ledamöterna från SD reserverar sig till förmån för eget yrkande.")
    assert got == [
        {"by": None, "party": "SD", "text": "reserverar sig till förmån för eget yrkande."}
    ]
    got = find_reservations("Moderaterna och Liberalerna reserverar sig mot beslutet.")
    assert [r["party"] for r in got] == ["M", "L"]


def test_decisions_cli_json_and_csv(seed_settings: Settings) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir), "decisions"]
    out = runner.invoke(main, [*base, "--json", "--body", "SocSam", "--outcome", "överlämnad"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert rows and {r["section"] for r in rows} == {21}
    assert set(rows[0]) >= {
        "id",
        "body",
        "body_short",
        "date",
        "section",
        "title",
        "decision",
        "outcome",
        "amounts",
        "motions",
        "reservations",
        "vote",
        "votes",
        "reservation_count",
        "annotations",
        "conflicts",
        "amounts_mentioned",
        "multi_part",
    }
    assert all(set(m) >= {"by", "party", "kind", "text", "won"} for r in rows for m in r["motions"])
    out = runner.invoke(main, [*base, "--csv", "--since", "2023-03-01"])
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert {"body", "date", "section", "source"} <= set(table[0])
    dates = [r["date"] for r in table]
    assert dates == sorted(dates, reverse=True) and min(dates) >= "2023-03-01"


def test_decisions_query_newest_first(seed_settings: Settings) -> None:
    from minutesearch.analysis.queries import find_decisions

    with Store.open(seed_settings.index_dir, create=False) as store:
        rows = find_decisions(store, seed_settings, "föregående protokoll")
    assert [r["date"] for r in rows][:2] == ["2023-03-24", "2023-02-24"]
    assert all(r["outcome"] == "information" for r in rows if "Föregående" in r["title"])


@pytest.mark.parametrize("outcome", ["bifall", "val", "information"])
def test_outcome_filter(seed_settings: Settings, outcome: str) -> None:
    from minutesearch.analysis.queries import find_decisions

    with Store.open(seed_settings.index_dir, create=False) as store:
        rows = find_decisions(store, seed_settings, outcome=outcome)
    assert rows and all(r["outcome"] == outcome for r in rows)
