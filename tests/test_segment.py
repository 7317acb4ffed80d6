"""The segmenter on layouts it was not built on, OCR misreadings, and the naive-scan invariant.

tests/data/layouts/ holds small synthetic protocols written for these tests (never copied from
real ones), one per layout class of issue 11.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minutesearch.ingest import discover
from minutesearch.parse import parse_document, parse_traced
from minutesearch.parse.segment import REASONS, Segmentation, candidate, segment
from minutesearch.parse.text import split_lines
from minutesearch.read import read_document

LAYOUTS = Path(__file__).parent / "data" / "layouts"
NAIVE = re.compile(r"^\s*(?:§\s*\d+|\d+\s*§)")


def _layout(name: str, *, ocr: bool = False) -> tuple[list[str], Segmentation]:
    text = (LAYOUTS / name).read_text(encoding="utf-8")
    doc, seg = parse_traced(text, name, ocr=ocr)
    return [i.section_label or str(i.section) for i in doc.items], seg


class _Reasons:
    """The reason given to the rejected line that starts with a key."""

    def __init__(self, seg: Segmentation) -> None:
        self.seg = seg

    def __getitem__(self, start: str) -> str | None:
        found = [c.reason for c in self.seg.rejected if c.line.strip().startswith(start)]
        assert len(found) == 1, (start, found)
        return found[0]


def _reasons(seg: Segmentation) -> _Reasons:
    return _Reasons(seg)


def test_dnr_on_the_heading_line_and_title_below() -> None:
    doc = parse_document((LAYOUTS / "dnr_on_heading.txt").read_text(encoding="utf-8"), "x.txt")
    assert [(i.section, i.dnr) for i in doc.items] == [
        (21, "0101/11"),
        (22, "0459/10"),
        (23, "0077/11"),
        (24, "0112/11"),
        (25, "0015/11"),
        (26, "0016/11"),
    ]
    assert doc.items[1].title == (
        "Bygglov för tillbyggnad av enbostadshus på fastigheten Ekbacken 3:14"
    )
    assert doc.kind == "protocol" and doc.declared_sections == (21, 26) and not doc.warnings
    # "§ 24 forts." carries § 24 on: its decision is found after the page break.
    assert "Nämnden lämnar yttrande" in (doc.items[3].parts.decision or "")
    assert all("Utdragsbestyrkande" not in i.text for i in doc.items)


def test_dnr_layout_reasons() -> None:
    _, seg = _layout("dnr_on_heading.txt")
    reasons = _reasons(seg)
    assert reasons["§ 14 att återremittera ärendet"] == "reference"
    assert reasons["§ 12 i nämndens delegationsordn"] == "reference"
    assert reasons["§ 24 forts."] == "continued"
    assert reasons["§ 7 0009/11 Kommunfullmäktige"] == "out_of_sequence"


def test_period_after_number_and_sub_sections() -> None:
    labels, seg = _layout("numbered_with_period.txt")
    assert labels == ["1", "2", "3", "3A", "3B", "4"]
    doc = parse_document((LAYOUTS / "numbered_with_period.txt").read_text(encoding="utf-8"), "x")
    assert [i.section for i in doc.items] == [1, 2, 3, 3, 3, 4]
    assert doc.items[0].title == "Den ekonomiska utvecklingen"
    assert "uppdra åt generaldirektören" in doc.items[0].text  # a § over a page break stays whole
    assert doc.items[3].parts.presenter == "Byråchef Anna Lidén"
    reasons = _reasons(seg)
    assert reasons["§ 3A-3B Byråchef Anna Lidén"] == "attendance"
    assert reasons["§ 4 i verkets instruktion ange"] == "reference"
    assert not doc.warnings
    # "(§ 1-3A)" on the attendance list: §§ attended, the sub-§ letter is not an organisation.
    ahl = next(a for a in doc.present if a.name.endswith("Berit Ahl"))
    assert (ahl.sections, ahl.org) == ([1, 2, 3], None)
    assert doc.chair == "Generaldirektör Ingrid Malm"  # "…, ordförande" on the list


def test_number_before_sign_with_contents_at_the_end() -> None:
    labels, seg = _layout("number_before_sign.txt")
    assert labels == ["1", "2", "3", "4", "5", "6", "7"]
    toc = [c for c in seg.rejected if c.reason == "toc"]
    assert len(toc) == 7  # every contents line, the one whose page number runs on included
    assert _reasons(seg)["7 § tilläggsbestämmelserna gä"] == "reference"
    doc = parse_document((LAYOUTS / "number_before_sign.txt").read_text(encoding="utf-8"), "x")
    assert doc.items[5].title.startswith("Svar på interpellation 2019/20:140")
    assert "Innehållsförteckning" not in doc.items[-1].text
    assert "Anf. 1 Landsbygdsministern" not in doc.items[-1].text
    assert not doc.warnings


def test_association_bare_and_inline_headings_with_running_header() -> None:
    labels, seg = _layout("association_annual.txt")
    assert labels == [str(n) for n in range(1, 13)]
    assert [c.reason for c in seg.rejected] == ["agenda"] * 12
    doc = parse_document((LAYOUTS / "association_annual.txt").read_text(encoding="utf-8"), "x")
    assert doc.kind == "protocol" and doc.date == "2024-03-21"
    assert doc.items[0].title == "Stämmans öppnande"
    assert doc.items[9].title == "Beslut om ansvarsfrihet för styrelsens ledamöter"
    assert all("Ordinarie föreningsstämma" not in i.text for i in doc.items)
    assert all("PROTOKOLL" not in i.text for i in doc.items)


def test_body_prefix_headings_on_page_tops_and_forts_in_parentheses() -> None:
    """'KF § 89   Dnr …' at the top of several pages is a heading, not a running header, and
    'KF § 89 (forts.)' continues § 89 instead of starting it again."""
    path = LAYOUTS / "body_prefix_wordproc.txt"
    doc = parse_document(read_document(path).text, path.name)
    assert doc.kind == "protocol"
    assert [i.section for i in doc.items] == list(range(87, 100))
    by_section = {i.section: i for i in doc.items}
    assert by_section[89].dnr and by_section[89].title.startswith("Budget")
    assert not doc.warnings
    seg = parse_traced(read_document(path).text, path.name)[1]
    assert [c.reason for c in seg.rejected if c.number == 89] == ["continued"]


def test_ocr_misread_signs_only_with_ocr() -> None:
    text = (LAYOUTS / "ocr_scan.txt").read_text(encoding="utf-8")
    plain = parse_document(text, "scan.pdf")
    assert [i.section for i in plain.items] == [24]  # only the one "§" the scan kept
    doc, seg = parse_traced(text, "scan.pdf", ocr=True)
    assert [(i.section, i.ocr_read) for i in doc.items] == [
        (21, True),
        (22, True),
        (23, True),
        (24, False),
        (25, True),
        (26, True),
    ]
    assert doc.items[1].dnr == "0459/10"
    assert _reasons(seg)["8 000 kronor i avgift har beta"] == "reference"
    assert _reasons(seg)["8 24 forts."] == "continued"


def test_ocr_reading_needs_the_sequence() -> None:
    """ "8 40 Title" between § 3 and § 4 is not taken: the numbering does not vouch for it."""
    lines = [
        "§ 3 Budget",
        "Text om budgeten.",
        "Beslut",
        "Nämnden beslutar enligt förslaget.",
        "8 40 Stolar och bord i lokalen",
        "Mer text.",
        "§ 4 Övrigt",
        "Inget övrigt.",
        "Beslut",
        "Noteras.",
    ]
    seg = segment(lines, ocr=True)
    assert [c.label for c in seg.taken] == ["3", "4"]
    assert seg.rejected[0].reason == "ocr_unsupported"


@pytest.mark.parametrize(
    ("line", "prev", "label", "reason"),
    [
        ("§ 12 Budget 2027", "", "12", None),
        ("§12 Budget", "", "12", None),
        ("§ 12. Budget", "", "12", None),
        ("§12a Budget", "", "12A", None),
        ("12 § Budget", "", "12", None),
        ("§ 12", "Ärendet", "12", None),
        ("§ 12.", "Beslutet gäller från i dag.", "12", None),
        ("§ 924.", "beslutade den 13 december 2023,", "924", "reference"),
        ("§ 12", "beslutade den 3 maj,", "12", "reference"),
        ("§ 12 i protokollet", "", "12", "reference"),
        ("5 § kommunallagen gäller", "", "5", "reference"),
        ("§ 1-3A", "", "1", "attendance"),
        ("§ 5 Budget ........ 12", "", "5", None),
    ],
)
def test_candidate_shapes(line: str, prev: str, label: str, reason: str | None) -> None:
    cand = candidate(line, prev)
    assert cand is not None and cand.label == label and cand.reason == reason
    assert (cand.page_ref, cand.title) == (True, "Budget") if "...." in line else True


def test_not_a_candidate() -> None:
    for line in ("enligt 4 kap. 1 §", "KF 2023-06-15 § 28", "§§ 94-110", "Paragraf 5"):
        assert candidate(line, "") is None


def test_gap_explained_by_the_sequence_is_kept() -> None:
    """A missing § (withdrawn item) leaves a gap, not a lost heading."""
    lines = []
    for n in (10, 11, 13, 14):
        lines += [f"§ {n} Ärende {n}", "Ärendet beskrivs här.", "Beslut", "Bifall."]
    doc = parse_document("\n".join(lines), "x.txt")
    assert [i.section for i in doc.items] == [10, 11, 13, 14]
    assert doc.warnings == ["numbering skips § 12 (between § 11 and § 13)"]


def _documents(root: Path) -> list[Path]:
    return discover([root])[0]  # the files `ingest` would read: no folder notes


def _invariant(path: Path) -> list[str]:
    """Lines a naive `§ N` / `N §` scan finds that are neither an item nor given a reason."""
    text = read_document(path).text
    doc, seg = parse_traced(text, str(path))
    by_line = {c.line_no: c for c in seg.candidates}
    lost: list[str] = []
    for no, line in enumerate(split_lines(text)):
        if not NAIVE.match(line):
            continue
        cand = by_line.get(no)
        if cand is None or (not cand.taken and cand.reason not in REASONS):
            lost.append(f"{path.name}:{no + 1}: {line.strip()[:60]}")
    taken = [c.label for c in seg.taken]
    assert taken == [i.section_label for i in doc.items]
    return lost


def test_invariant_on_seeds(seeds_dir: Path) -> None:
    lost = [x for p in _documents(seeds_dir) for x in _invariant(p)]
    assert not lost, lost


def test_invariant_on_corpus_extra(extra_dir: Path) -> None:
    lost = [x for p in _documents(extra_dir) for x in _invariant(p)]
    assert not lost, lost


def test_invariant_on_layouts() -> None:
    lost = [x for p in _documents(LAYOUTS) for x in _invariant(p)]
    assert not lost, lost


def test_sub_sections_round_trip_through_the_store(tmp_path: Path) -> None:
    """§ 3A and § 3B keep their labels and get ids of their own; the integer section stays 3."""
    from minutesearch.store import ITEM_SELECT, Store

    text = (LAYOUTS / "numbered_with_period.txt").read_text(encoding="utf-8")
    doc = parse_document(text, "styrelse-1998-10-14.txt")
    with Store.open(tmp_path) as store:
        store.save_document(doc, "h")
        got = [store.item_json(r) for r in store.conn.execute(f"{ITEM_SELECT} ORDER BY i.position")]
    assert [(g["section"], g["section_label"]) for g in got] == [
        (1, "1"),
        (2, "2"),
        (3, "3"),
        (3, "3A"),
        (3, "3B"),
        (4, "4"),
    ]
    assert len({g["id"] for g in got}) == 6 and got[3]["id"].endswith("-3A")
    assert not any(g["ocr_read"] for g in got)


def test_sub_section_letter_set_apart() -> None:
    """ "§ 5 a" / "§ 5 b." are sub-§§ like "§ 5A"; "§ 5 i protokollet" stays a reference."""
    lines = []
    for head in ("§ 4 Budget", "§ 5 a Investeringar", "§ 5 b. Driftbudget", "§ 6 Övrigt"):
        lines += [head, "Ärendet beskrivs här.", "Beslut", "Nämnden beslutar enligt förslaget."]
    lines += ["§ 5 i protokollet från mars gäller fortfarande."]
    seg = segment(lines)
    assert [c.label for c in seg.taken] == ["4", "5A", "5B", "6"]
    assert seg.rejected[0].reason == "reference"


_LINES = st.sampled_from(
    [
        "§ 1 Mötets öppnande", "§1", "§ 2.", "2 § Val av justerare", "§ 3A Budget", "§ 3 b Drift",
        "§ 4 forts.", "§ 5 0509/23", "§ 1-3A", "§ 9 i protokollet", "8 6 Ekonomi", "S 7 Övrigt",
        "Beslut", "Ärendet", "Nämnden beslutar enligt förslaget.", "", "Sida 2 av 4",
        "§ 8 Rubrik ........ 3", "Innehållsförteckning", "enligt", "den 3 maj,", "Yrkande",
    ]
)  # fmt: skip


@settings(deadline=2000, max_examples=80, database=None)
@given(st.lists(_LINES, max_size=120), st.booleans())
def test_every_candidate_is_taken_or_explained(lines: list[str], ocr: bool) -> None:
    """Taken headings rise strictly; every other §-like line has a known reason."""
    for seg in (segment(lines, ocr=ocr), parse_traced("\n".join(lines), "x.txt", ocr=ocr)[1]):
        keys = [c.key for c in seg.taken]
        assert keys == sorted(set(keys))
        assert all(c.reason in REASONS for c in seg.rejected)
        assert all(c.reason is None for c in seg.taken)
    doc, seg = parse_traced("\n".join(lines), "x.txt", ocr=ocr)
    assert [i.section_label for i in doc.items] == [c.label for c in seg.taken]


def test_ocr_glued_sign_alone_on_a_line() -> None:
    """Tesseract reads "§ 12" alone on a line as "812": a page number to the furniture cleaner,
    a heading when the sequence carries on from it."""
    lines: list[str] = []
    for n, title in ((12, "Information"), (13, "Budget 2027"), (14, "Taxor")):
        lines += ["Tekniska nämnden", "2026-05-18", "", f"8{n}", title, "Text om ärendet.", ""]
        lines += ["Beslut", "Nämnden beslutar enligt förslaget.", ""]
    text = "\n".join(lines)
    assert parse_document(text, "scan.pdf").items == []
    doc = parse_document(text, "scan.pdf", ocr=True)
    assert [(i.section, i.title, i.ocr_read) for i in doc.items] == [
        (12, "Information", True),
        (13, "Budget 2027", True),
        (14, "Taxor", True),
    ]


def test_minority_heading_style_is_weaker() -> None:
    """ "13 § Lagen …" at a line start inside § 12 is not § 13: the document writes "§ N"."""
    lines = ["§ 11 Ärende 11", "Ärendet beskrivs här.", "Beslut", "Bifall."]
    lines += ["§ 12 Ärende 12", "Ärendet", "Nämnden har prövat frågan. Enligt"]
    lines += ["13 § Lagen om kommunal redovisning ska", "Sådana poster redovisas särskilt."]
    lines += ["Det har gjorts.", "Beslut", "Nämnden godkänner redovisningen.", "Bifall."]
    for n in (13, 14):
        lines += [f"§ {n} Ärende {n}", "Ärendet beskrivs här.", "Beslut", "Bifall."]
    seg = segment(lines)
    assert [c.label for c in seg.taken] == ["11", "12", "13", "14"]
    assert [c.style for c in seg.taken] == ["sign"] * 4
    assert [c.reason for c in seg.rejected] == ["duplicate"]


def test_a_line_beside_two_anchors_on_one_page_is_not_furniture() -> None:
    """Only a line that recurs beside page furniture on several pages is a running header."""
    from minutesearch.parse.text import clean_lines

    lines = ["Ärendet gäller taxan.", "Nämnden godkänner taxan för 2027.", ""]
    lines += ["Paragrafen är justerad", "", "Utdragsbestyrkande", "Nästa sida börjar här."]
    assert clean_lines(lines)[1] == "Nämnden godkänner taxan för 2027."
    twice = ["Tekniska nämnden", "Sida 1 av 2", "Text ett.", "Tekniska nämnden", "Sida 2 av 2"]
    assert clean_lines(twice) == ["", "", "Text ett.", "", ""]


def test_ocr_cover_ranges() -> None:
    """OCR reads "§§34-39" as "8834-39": the cover range and attendance §§ are still read."""
    lines = [
        "Socialnämnden",
        "Plats och tid Stadshuset Paragrafer = 8834-36",
        "Beslutande Eva Lind (S) (ordförande)",
        "Per Ek (M) 8834-35",
        "",
    ]
    for n, title in ((34, "Val av justerare"), (35, "Budget"), (36, "Taxor")):
        lines += [f"8 {n} 2026.0{n} SN", title, "Ärendet", "Text.", "Beslut", "Bifall.", ""]
    doc = parse_document("\n".join(lines), "scan.pdf", ocr=True)
    assert doc.declared_sections == (34, 36) and not doc.warnings
    assert [i.section for i in doc.items] == [34, 35, 36]
    assert next(a for a in doc.present if a.name == "Per Ek").sections == [34, 35]
    assert parse_document("\n".join(lines), "scan.pdf").declared_sections is None
