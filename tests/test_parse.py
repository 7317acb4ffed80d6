"""Parser behaviour on real protocols: headings, agenda, references, attendance, parts, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from minutesearch.model import Attendee, Document
from minutesearch.parse import parse_document
from minutesearch.parse.dates import find_date, find_time
from minutesearch.read import read_document

SOCSAM_EXTRACT = "000_3fd6fd63b5e6e506.txt"
LETTER = "001_58866ac3bd8c7294.txt"
SOCSAM_MARCH = "002_1eb0ef06122dbfee.txt"
SVOM = "003_67c1054d05d03686.txt"
SOCSAM_FEB = "004_a76be3cd7be83ac5.txt"


def _read(path: Path) -> str:
    return read_document(path).text


def _parse(path: Path, text: str | None = None) -> Document:
    return parse_document(_read(path) if text is None else text, str(path))


def _person(doc: Document, name: str, *, absent: bool = False) -> Attendee:
    people = doc.absent if absent else doc.present
    return next(a for a in people if a.name == name)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Fredag den 24 februari 2023 kl. 09:00-12:00", "2023-02-24"),
        ("Sammanträdesdatum  Fredag 24 mars 2023", "2023-03-24"),
        ("Sociala vård och omsorgsgruppen 2023-02-24", "2023-02-24"),
        ("den 1 december 2023", "2023-12-01"),
        ("inget datum här, 2023-13-45 är inget datum", None),
    ],
)
def test_swedish_dates(text: str, iso: str | None) -> None:
    assert find_date(text) == iso


def test_meeting_times() -> None:
    assert find_time("Regionens hus kl. 13:00-16:05") == "13:00-16:05"
    assert find_time(" kl. 14.00–17.20") == "14:00-17:20"
    assert find_time("inga tider") is None


def test_agenda_is_not_items_and_body_wins(seeds_dir: Path) -> None:
    """The Feb SocSam agenda numbers §10/§11 twice and lacks §9; the body has §1-§14 once each."""
    doc = _parse(seeds_dir / SOCSAM_FEB)
    assert [i.section for i in doc.items] == list(range(1, 15))
    assert doc.items[8].title.startswith("Centrum mot våld")
    assert doc.items[9].title.startswith("Överenskommelse operation norrsken")
    assert doc.items[10].title == "Frågor inför SVOM"
    assert not doc.warnings


def test_two_chairs_by_section_range(seeds_dir: Path) -> None:
    doc = _parse(seeds_dir / SOCSAM_FEB)
    assert doc.chair == "Margareta Winberg"  # chaired §§ 5-14, the larger part
    other = _person(doc, "Anders Häggkvist")
    assert other.role is not None and "ordf. §1-4" in other.role
    assert doc.secretary == "Kristina Staffansson"
    assert doc.adjusters == ["Björn Sandal"]


def test_socsam_tab_attendance(seeds_dir: Path) -> None:
    doc = _parse(seeds_dir / SOCSAM_MARCH)
    first = _person(doc, "Margareta Winberg")
    assert (first.party, first.org, first.group) == ("S", "Östersunds kommun", "beslutande")
    bo = _person(doc, "Bo-Göran Danielsson")
    assert bo.sections == [] and bo.role is not None and "9.00-10.30" in bo.role  # a time, not §§
    assert _person(doc, "Anneli Valter").group == "tjänsteperson"
    assert _person(doc, "Elin Ring").group == "övrig deltagare"
    assert _person(doc, "Lennart Raswill", absent=True).party == "C"
    assert _person(doc, "Tommy Lekedal", absent=True).group == "tjänsteperson"
    assert {a.name for a in doc.present}.isdisjoint({a.name for a in doc.absent})
    assert (doc.date, doc.time, doc.place) == (
        "2023-03-24",
        "09:00-12:00",
        "Regionens hus, Östersund samt via Teams",
    )


def test_svom_bare_headings_and_attendance(seeds_dir: Path) -> None:
    doc = _parse(seeds_dir / SVOM)
    assert (doc.body, doc.body_short, doc.date) == (
        "Sociala vård och omsorgsgruppen",
        "SVOM",
        "2023-02-24",
    )
    assert doc.declared_sections == (1, 15)
    assert [i.section for i in doc.items] == list(range(1, 16))
    assert doc.items[0].title == "Mötet öppnas"
    stig = _person(doc, "Stig Andersson")
    assert (stig.group, stig.sections) == ("ersättare", list(range(7, 16)))
    assert _person(doc, "Gabrielle Nyberg").replaces == "Bianca Zandén (V)"
    assert _person(doc, "Lena Danielsson").sections == [13]
    assert doc.chair == "Katarina Nyberg Finn"
    assert doc.organisation == "Region Jämtland Härjedalen"
    item3 = doc.items[2].parts
    assert item3.motions and item3.proceedings and item3.decision and item3.proposal
    assert "Paragrafen är justerad" not in doc.items[0].text


def test_extract_with_wrapped_title(seeds_dir: Path) -> None:
    doc = _parse(seeds_dir / SOCSAM_EXTRACT)
    assert doc.kind == "extract"
    assert [i.section for i in doc.items] == [21]
    item = doc.items[0]
    assert (
        item.title == "Skrivelse angående samverkan mellan Jämtlands läns kommuner och psykiatrin"
    )
    assert item.parts.presenter == "Maria Östlund, IFO-chef Bergs kommun"
    assert item.parts.decision and "överlämnas till SVOM" in item.parts.decision
    assert not any("Rätt utdraget" in a for a in item.parts.attachments)


def test_reference_in_letter_is_not_an_item(seeds_dir: Path) -> None:
    text = _read(seeds_dir / LETTER)
    assert "§9 läkarintyg" in text
    doc = _parse(seeds_dir / LETTER, text)
    assert doc.kind == "attachment" and doc.items == []
    assert doc.title is not None and doc.title.startswith("Skrivelse angående samverkan")


def test_continued_section_stays_one_item(seeds_dir: Path) -> None:
    lines = _read(seeds_dir / SVOM).split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "Yrkande" and i > lines.index("§13"))
    lines.insert(at, "§ 13 forts.")
    doc = _parse(seeds_dir / SVOM, "\n".join(lines))
    assert [i.section for i in doc.items] == list(range(1, 16))
    assert "huvudsyftet" in (doc.items[12].parts.motions or "")


def test_gap_and_repeat_warn_but_ingest(seeds_dir: Path) -> None:
    lines = _read(seeds_dir / SVOM).split("\n")
    lines.remove("§5")
    lines[lines.index("§9")] = "§8"
    doc = _parse(seeds_dir / SVOM, "\n".join(lines))
    assert 5 not in [i.section for i in doc.items]
    joined = " | ".join(doc.warnings)
    assert "§ 5" in joined and "§ 8 appears more than once" in joined and "§ 9" in joined


def test_page_furniture_inside_an_item_is_ignored(seeds_dir: Path) -> None:
    clean = _parse(seeds_dir / SOCSAM_MARCH)
    lines = _read(seeds_dir / SOCSAM_MARCH).split("\n")
    at = lines.index(
        "Förslag till beslut", lines.index("§ 24 Ersättare vid SocSams sammanträden") - 200
    )
    lines[at:at] = ["Sida 7 av 14", "PROTOKOLL", "Justerandes sign", "Utdragsbestyrkande", "7 / 14"]
    doc = _parse(seeds_dir / SOCSAM_MARCH, "\n".join(lines))
    assert [i.section for i in doc.items] == [i.section for i in clean.items]
    assert [i.parts.decision for i in doc.items] == [i.parts.decision for i in clean.items]
    assert all("Justerandes sign" not in i.text for i in doc.items)


def test_alingsas_protocol(extra_dir: Path) -> None:
    doc = _parse(extra_dir / "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf")
    assert (doc.kind, doc.body, doc.body_short, doc.organisation) == (
        "protocol",
        "Kommunstyrelsen",
        "KS",
        "Alingsås kommun",
    )
    assert doc.declared_sections == (94, 110)
    # "Kommunfullmäktige antog den 6 november 2024, §149" and "• §68 KSAU ..." are references.
    assert [i.section for i in doc.items] == list(range(94, 111))
    assert not doc.warnings
    item95 = doc.items[1]
    assert (item95.dnr, item95.title) == (
        "2026.016 KS",
        "Fördjupad månadsuppföljning 2026 för Alingsås kommun",
    )
    assert item95.parts.attachments[0].startswith("§68 KSAU")
    irene = [a for a in doc.present if a.name == "Irene Jonsson"]
    assert {(a.group, a.sections[0], a.sections[-1]) for a in irene} == {
        ("beslutande", 99, 110),
        ("ersättare", 94, 98),
    }
    assert next(a for a in irene if a.group == "beslutande").replaces == "Peter Norlander (S)"
    assert (doc.chair, doc.secretary, doc.adjusters) == (
        "Jan-Erik Wallin",
        "Ulrika Månsson",
        ["Anton César"],
    )


def test_meddelanden_lists_are_not_items(extra_dir: Path) -> None:
    doc = _parse(extra_dir / "alingsas/protokoll/2026-05-18_tekniska-namnden.pdf")
    assert [i.section for i in doc.items] == list(range(25, 32))
    assert not doc.warnings


def test_alingsas_extract_and_letter(extra_dir: Path) -> None:
    ext = _parse(
        extra_dir
        / "alingsas/utdrag/2026-06-15_kommunstyrelsen__ss90-ksau-fortydligande-parkering-for-fortroendevalda.pdf"
    )
    assert (ext.kind, ext.body_short, ext.date) == ("extract", "KSAU", "2026-06-03")
    assert [(i.section, i.dnr) for i in ext.items] == [(90, "2026.275 KS")]
    parts = ext.items[0].parts
    assert parts.proposal and parts.proceedings and parts.decision  # "på sammanträdet", Beslutsgång
    assert "Förtydligande kring vad som gäller" in parts.decision
    letter = _parse(
        extra_dir
        / "alingsas/skrivelser/2026-05-18_vard-och-omsorgsnamnden__tjansteskrivelse-forhojd-habiliteringsersattning-2026.pdf"
    )
    assert (letter.kind, letter.dnr, letter.date, letter.body) == (
        "attachment",
        "2026.050 VON",
        "2026-04-28",
        "Vård- och omsorgsnämnden",
    )
    assert letter.title == "Förhöjd habiliteringsersättning 2026"


def test_goteborg_paragraph_text(extra_dir: Path) -> None:
    doc = _parse(extra_dir / "goteborg/ks-2024-01-10.paragraphs.txt")
    assert (doc.kind, doc.body, doc.organisation, doc.date) == (
        "protocol",
        "Kommunstyrelsen",
        "Göteborgs Stad",
        "2024-01-10",
    )
    assert [i.section for i in doc.items] == list(
        range(1, 42)
    )  # "§ 924." in running text is not one
    first = doc.items[0]
    assert (first.dnr, first.title) == ("SLK-2024-00062", "Val av protokolljusterare")
    assert first.parts.decision
    assert (
        doc.items[2].title
        == "Göteborgs Stads plan för arbetet mot våld i nära relationer 2024-2027"
    )
    assert len(doc.items[2].parts.attachments) == 2  # "Handlingar"


def test_declared_range_mismatch_warns(extra_dir: Path) -> None:
    path = extra_dir / "alingsas/protokoll/2026-06-16_socialnamnden.pdf"
    text = _read(path).replace("Paragrafer §§34-39", "Paragrafer §§34-40")
    doc = _parse(path, text)
    assert doc.declared_sections == (34, 40)
    assert any("§ 40" in w for w in doc.warnings)


def test_eval_report_on_seeds(seeds_dir: Path) -> None:
    """scripts/eval_parse.py reads a folder, compares with cover ranges and prints totals."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "eval_parse.py"
    run = subprocess.run(
        [sys.executable, str(script), str(seeds_dir)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "documents: 5 (attachment 1, extract 1, protocol 3)" in run.stdout
    assert "exact § range matches: 1/1" in run.stdout  # SVOM: "Protokollet omfattar §§1-15"
    # The gold table: the segmenter and the naive baseline scored in the same run, per layout.
    assert "baseline: every line matching" in run.stdout
    dev_all = next(ln for ln in run.stdout.splitlines() if ln.startswith("dev      ALL"))
    # Without ../shared the line ends in "(48 gold docs not found)": the scores stand before it.
    p, r, f, bp, br, bf = (float(x) for x in dev_all.split("(")[0].split()[-6:])
    assert all(0.0 <= x <= 1.0 for x in (p, r, f, bp, br, bf))
    assert "synthetic_period_subsections" in run.stdout and "heldout" in run.stdout


def test_kind_follows_structure_not_genre() -> None:
    """A § sequence with meeting words is a protocol whoever wrote it; a letter quoting one §
    heading stays an attachment."""
    minutes = "\n".join(
        [
            "Protokoll fört vid styrelsemöte i Idrottsföreningen Kvarnen",
            "Datum: 2022-09-14, kl. 18.30",
        ]
        + [
            line
            for n, title in enumerate(("Mötets öppnande", "Ekonomi", "Avslutning"), 1)
            for line in (f"§{n} {title}", "Styrelsen diskuterade frågan.", "")
        ]
    )
    doc = parse_document(minutes, "styrelsemote.txt")
    assert (doc.kind, [i.section for i in doc.items], doc.date) == (
        "protocol",
        [1, 2, 3],
        "2022-09-14",
    )
    letter = "\n".join(
        [
            "Tjänsteskrivelse",
            "Datum 2022-05-02",
            "Förslag till ny taxa",
            "Bakgrund",
            "Nämnden beslutade i mars om en översyn:",
            "§ 14 Översyn av taxor",
            "Förvaltningen föreslår en höjning med tre procent.",
        ]
    )
    quoted = parse_document(letter, "skrivelse.txt")
    assert (quoted.kind, len(quoted.items)) == ("attachment", 1)  # one § quoted, no meeting
    assert quoted.title == "Förslag till ny taxa"
