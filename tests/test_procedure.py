"""The decision procedure (issue #13): yrkanden with kind and outcome, votes that overturn the
chair's finding, reservations (also by party group), protokollsanteckningar, jäv, beslut amounts
and outcomes — on the real cases the issue names (skipped without ../shared) and on small texts."""

from __future__ import annotations

from pathlib import Path

from minutesearch.analysis.decisions import (
    Decision,
    beslutssatser,
    classify_outcome,
    extract_decision,
)
from minutesearch.analysis.procedure import clean_name, find_votes
from minutesearch.model import Attendee, Document
from minutesearch.parse import parse_document
from minutesearch.read import read_document

ALINGSAS = Path("alingsas")
KF92 = (
    "utdrag/2026-05-18_vard-och-omsorgsnamnden__expediering-ss-92-kf-2026-05-06-svar-pa-motion"
    "-gallande-ratt-till-valmojlighet-i-vardig-va.pdf"
)


def _decide(extra_dir: Path, rel: str, section: int) -> Decision:
    path = extra_dir / rel
    doc: Document = parse_document(read_document(path).text, str(path))
    item = next(i for i in doc.items if i.section == section)
    p = item.parts
    parts = {"decision": p.decision, "motions": p.motions, "proceedings": p.proceedings}
    parts["proposal"] = p.proposal
    return extract_decision(item.text, parts, attendance=doc.present)


def _won(d: Decision) -> dict[str, bool | None]:
    return {m.by.split(", ")[0]: m.won for m in d.motions}


# ---------------------------------------------------------------- the cases named in the issue


def test_vote_overturns_chair_ks_114(extra_dir: Path) -> None:
    d = _decide(extra_dir, "alingsas/protokoll/2026-06-15_kommunstyrelsen.pdf", 114)
    assert d.outcome == "avslag"
    assert d.vote is not None
    assert (d.vote["for"], d.vote["against"], d.vote["abstain"], d.vote["winner"]) == (
        7,
        8,
        0,
        "nej",
    )
    won = _won(d)
    # The chair first found for the (M, KD) proposal; the vote went 7–8 for avslag.
    assert won["Jan-Erik Wallin"] is False
    assert won["Anton César"] is True
    assert {m.kind for m in d.motions} == {"bifall", "avslag"}
    assert len(d.annotations) == 2


def test_kf_92_vote_reservations_and_besvarad(extra_dir: Path) -> None:
    d = _decide(extra_dir, f"alingsas/{KF92}", 92)
    assert d.outcome == "besvarad"
    assert d.vote is not None and (d.vote["for"], d.vote["against"]) == (20, 26)
    won = _won(d)
    assert won["Gunilla Gomér"] is False and won["Birgit Börjesson"] is True
    assert d.reservation_count == 16
    parties = [r["party"] for r in d.reservations]
    assert (parties.count("M"), parties.count("SD"), parties.count("KD")) == (9, 3, 4)
    assert len(d.annotations) == 3


def test_single_proposal_adopted_won_kf_116(extra_dir: Path) -> None:
    d = _decide(extra_dir, "alingsas/protokoll/2026-06-10_kommunfullmaktige.pdf", 116)
    assert d.outcome == "bifall"
    assert [(m.by.split(", ")[0], m.won) for m in d.motions] == [("Anton César", True)]


def test_amounts_of_the_beslut_ks_117(extra_dir: Path) -> None:
    d = _decide(extra_dir, "alingsas/protokoll/2026-06-15_kommunstyrelsen.pdf", 117)
    assert d.amounts == [400_000]
    assert 5_500_000 in d.amounts_mentioned and 400_000 not in d.amounts_mentioned


def test_bun_43_note_amount_and_rejected_addition(extra_dir: Path) -> None:
    d = _decide(extra_dir, "alingsas/protokoll/2026-06-16_barn-och-ungdomsnamnden.pdf", 43)
    assert d.amounts == []
    assert 500_000 in d.amounts_mentioned  # from the protokollsanteckning
    assert [(m.by, m.party, m.kind, m.won) for m in d.motions] == [
        ("Heidi Hankanen Ängberg", "C", "tillägg", False)
    ]
    assert d.multi_part is True and d.outcome == "bifall"
    assert [a["by"] for a in d.annotations] == ["Heidi Hankanen Ängberg"]


def test_motion_answered_is_besvarad(extra_dir: Path) -> None:
    ks = "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf"
    assert _decide(extra_dir, ks, 101).outcome == "besvarad"
    d102 = _decide(extra_dir, ks, 102)
    assert d102.outcome == "besvarad" and d102.multi_part is True


def test_partly_tabled_decision_is_not_bordlaggning_ks_946(extra_dir: Path) -> None:
    d = _decide(extra_dir, "goteborg/ks-2025-12-10.paragraphs.txt", 946)
    assert d.outcome == "bifall"
    assert d.multi_part is True
    assert 80_475 in d.amounts


def test_tabling_refused_then_adopted_ks_217(extra_dir: Path) -> None:
    d = _decide(extra_dir, "goteborg/ks-2025-03-12.paragraphs.txt", 217)
    won = _won(d)
    assert won["Axel Josefson"] is False  # bordläggning was refused
    assert won["Johannes Hulter"] is True  # avgöra idag and bifall
    kinds = {m.by.split(", ")[0]: m.kind for m in d.motions}
    assert kinds["Axel Josefson"] == "bordläggning"
    assert d.amounts == [509_000_000]
    assert len(d.annotations) == 2


def test_remit_question_then_amendment_bun_44(extra_dir: Path) -> None:
    d = _decide(extra_dir, "alingsas/protokoll/2026-06-16_barn-och-ungdomsnamnden.pdf", 44)
    won = _won(d)
    assert won["Karin Josefsson"] is False and won["Heidi Hankanen Ängberg"] is True
    assert d.vote is not None and d.vote["winner"] == "nej"
    assert {r["by"] for r in d.reservations} >= {"Carin Östh", "Linda Ynghammar"}
    assert d.reservation_count == 5


# ------------------------------------------------------------------------- synthetic texts

_VOTE_TEXT = """Förslag till beslut på sammanträdet
Anna Berg (M) föreslår att motionen bifalls.
Olle Ek (S) föreslår att motionen avslås.
Beslutsgång
Ordföranden ställer förslagen mot varandra och finner att nämnden beslutar att bifalla Anna Bergs förslag.
Omröstning
Omröstning begärs.
Följande beslutsgång godkänns:
Ja-röst för bifall till Anna Bergs förslag.
Nej-röst för bifall till Olle Eks förslag.
Omröstningsresultat
Med 4 ja-röster, 5 nej-röster och 1 som avstår finner ordföranden att nämnden beslutar enligt Olle Eks förslag.
Beslut
Motionen avslås.
Reservation
Moderaternas ledamöter reserverar sig mot beslutet.
"""


def test_vote_result_beats_the_chair_and_group_reservation_expands() -> None:
    present = [
        Attendee("Anna Berg", "M"),
        Attendee("Per Lund", "M"),
        Attendee("Olle Ek", "S"),
        Attendee("Eva Ny", "M", group="ersättare"),
    ]
    d = extract_decision(_VOTE_TEXT, attendance=present)
    assert d.outcome == "avslag"
    assert d.vote is not None
    assert (d.vote["for"], d.vote["against"], d.vote["abstain"]) == (4, 5, 1)
    assert _won(d) == {"Anna Berg": False, "Olle Ek": True}
    assert [m.kind for m in d.motions] == ["bifall", "avslag"]
    # Only the voting members (beslutande) of the group, not the substitute.
    assert [(r["by"], r["party"]) for r in d.reservations] == [
        ("Anna Berg", "M"),
        ("Per Lund", "M"),
    ]
    assert d.reservation_count == 2


def test_group_reservation_without_attendance_count_unknown() -> None:
    d = extract_decision(_VOTE_TEXT)
    assert [(r["by"], r["party"]) for r in d.reservations] == [(None, "M")]
    assert d.reservation_count is None


def test_named_vote_lists() -> None:
    text = (
        'Godkänd voteringsproposition: "Ja för bifall till Kim Lis yrkande och Nej för bifall till'
        ' Bo Ros yrkande." Kim Li (V) och Ada Sol (S) röstar Ja (2). Bo Ro (M) röstar Nej (1).'
        " Sam Yl (C) avstår från att rösta (1)."
    )
    [vote] = find_votes(text)
    assert (vote["for"], vote["against"], vote["abstain"], vote["winner"]) == (2, 1, 1, "ja")
    assert vote["voters"]["ja"] == ["Kim Li", "Ada Sol"]
    assert vote["voters"]["avstår"] == ["Sam Yl"]
    assert vote["ja"].startswith("bifall till Kim Lis yrkande")


def test_won_is_null_when_the_protocol_does_not_say() -> None:
    text = "Yrkanden\nKim Li (V) yrkar bifall till förslaget.\nBo Ro (M) yrkar avslag.\nBeslut\nÄrendet återremitteras."
    d = extract_decision(text)
    assert d.outcome == "återremiss"
    assert _won(d) == {"Kim Li": None, "Bo Ro": None}


def test_proposer_names_are_cleaned() -> None:
    assert clean_name("EOMS Tilläggsyrkande Heidi Hankanen Ängberg") == "Heidi Hankanen Ängberg"
    assert clean_name("Anteckning Jan-Erik Wallin") == "Jan-Erik Wallin"
    assert clean_name("Tjänstgörande ersättaren Johannes Hulter") == "Johannes Hulter"
    # The parser's proposal part, flattened, ran a bullet's acronym and the heading into the name.
    proposal = "• stöd, EOMS\nTilläggsyrkande\nHeidi Hankanen Ängberg (C) yrkar att X utreds."
    d = extract_decision("Beslut\nRedovisningen godkänns.", {"proposal": proposal})
    assert [(m.by, m.kind) for m in d.motions] == [("Heidi Hankanen Ängberg", "bifall")]


def test_notes_conflicts_and_satser() -> None:
    text = (
        "Beslut\n1. Planen antas.\n2. Förvaltningen får i uppdrag att följa upp planen.\n"
        "Jäv\nLisa Ek (L) anmäler jäv och deltar inte i handläggningen.\n"
        "Protokollsanteckningar\nKim Li (V) antecknar följande till protokollet: bra.\n"
        "Representanterna från M och KD antecknar som yttrande en skrivelse.\n"
    )
    d = extract_decision(text)
    assert d.outcome == "bifall" and d.multi_part is True
    assert [c["by"] for c in d.conflicts] == ["Lisa Ek"]
    assert [(a["by"], a["party"]) for a in d.annotations] == [("Kim Li", "V"), (None, "M, KD")]
    assert beslutssatser(
        "Ärendet återremitteras för komplettering. Utredningen ska även redovisa X."
    ) == ["Ärendet återremitteras för komplettering. Utredningen ska även redovisa X."]


def test_outcome_taxonomy_on_plain_decisions() -> None:
    assert classify_outcome("Motionen anses besvarad.") == "besvarad"
    assert (
        classify_outcome("Kommunledningskontorets yttrande antas.\nMotionen anses vara besvarad.")
        == "besvarad"
    )
    assert (
        classify_outcome(
            "Enligt beslutssatserna 1 och 2:\n1. Arvodet fastställs.\n2. Taxan fastställs.\nPå förslag av ordföranden:\nBeslutssats 3 bordläggs."
        )
        == "bifall"
    )
    assert classify_outcome("Ärendet bordläggs till nästa sammanträde.") == "bordläggning"
    assert (
        classify_outcome(
            "Enligt stadsledningskontorets förslag:\nYttrande översänds till departementet."
        )
        == "bifall"
    )


def test_vote_is_shown_with_its_winner() -> None:
    from minutesearch.cli.analysis_cmds import vote_line
    from minutesearch.tui.screens.decisions_screen import vote_text

    vote = {
        "for": 7,
        "against": 8,
        "abstain": 0,
        "winner": "nej",
        "ja": "bifall till A",
        "nej": "avslag",
    }
    assert vote_line(vote) == "Omröstning: 7 ja, 8 nej, 0 avstod – nej vann (avslag)"
    assert vote_text(vote) == "Omröstning 7–8 (0 avstod): nej vann – avslag"
    tie = {**vote, "against": 7, "winner": "lika"}
    assert "lika röstetal" in vote_line(tie) and "lika röstetal" in vote_text(tie)
