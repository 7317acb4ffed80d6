"""Explicit references found in real text, resolved to items/meetings of the store, or kept unresolved."""

from __future__ import annotations

from pathlib import Path

from minutesearch.analysis.bodies import body_key
from minutesearch.analysis.dnr import normalise_dnr
from minutesearch.analysis.references import find_references
from minutesearch.parse import parse_document
from minutesearch.read import read_document
from minutesearch.store import Store


def _item_text(path: Path, section: int) -> str:
    doc = parse_document(read_document(path).text, str(path))
    return next(i.text for i in doc.items if i.section == section)


def _refs(store: Store, body_short: str, date: str, section: int) -> list[dict[str, object]]:
    return [
        dict(r)
        for r in store.conn.execute(
            "SELECT r.* FROM refs r JOIN items i ON i.id = r.item_id JOIN documents d ON d.id = i.doc_id"
            " WHERE d.body_short = ? AND d.date = ? AND i.section = ? AND d.kind = 'protocol'",
            (body_short, date, section),
        )
    ]


def _section_of(store: Store, item_id: object) -> tuple[str, int]:
    row = store.item_row(str(item_id))
    return row["date"], row["section"]


def test_seed_reference_forms(seeds_dir: Path) -> None:
    socsam = next(seeds_dir.glob("002_*"))
    previous = find_references(_item_text(socsam, 17), "2023-03-24")
    assert [(r.kind, r.date) for r in previous] == [("previous", "2023-02-24")]
    # "den 24 februari" without a year, in a March 2023 meeting, is 24 February 2023.
    meeting = find_references(_item_text(socsam, 24), "2023-03-24")
    assert [(r.kind, r.body, r.date) for r in meeting] == [("meeting", "socsam", "2023-02-24")]
    bilaga = [
        r.text
        for r in find_references(_item_text(socsam, 21), "2023-03-24")
        if r.kind == "attachment"
    ]
    assert bilaga == [
        "Bilaga 4: Skrivelse angående samverkan mellan Jämtlands läns kommuner och psykiatri"
    ]


def test_section_reference_forms(extra_dir: Path) -> None:
    ks = extra_dir / "alingsas" / "protokoll" / "2026-06-01_kommunstyrelsen.pdf"
    refs = find_references(_item_text(ks, 95), "2026-06-01")
    got = {(r.body, r.date, r.section) for r in refs if r.kind == "section"}
    assert (
        "ksau",
        "2026-05-20",
        68,
    ) in got  # "Kommunstyrelsens arbetsutskott har den 20 maj 2026, § 68"
    assert ("ksau", None, 68) in got  # "§68 KSAU …" in Beslutsunderlag
    assert ("kf", "2024-11-06", 149) in got  # "Kommunfullmäktige antog den 6 november 2024, §149"
    gbg = extra_dir / "goteborg" / "ks-2024-01-10.paragraphs.txt"
    tabled = [r for r in find_references(_item_text(gbg, 11), "2024-01-10") if r.kind == "section"]
    assert (tabled[0].body, tabled[0].date, tabled[0].section) == ("kf", "2023-12-07", 92)


def test_plain_forms() -> None:
    refs = find_references("Se KF 2023-06-15 § 28 samt § 174 SBN 2022-10-24.", "2026-01-01")
    assert [(r.body, r.date, r.section) for r in refs] == [
        ("kf", "2023-06-15", 28),
        ("sbn", "2022-10-24", 174),
    ]
    chain = find_references(
        "Bordlagt den 8 november 2023, § 751 och den 13 december 2023, § 915.", "2024-01-10"
    )
    assert [(r.body, r.date, r.section) for r in chain] == [
        (None, "2023-11-08", 751),
        (None, "2023-12-13", 915),
    ]
    assert find_references("Sammanträdesdatum: 2024-01-10", "2024-01-10") == []


def test_body_keys_and_dnr() -> None:
    assert body_key("Kommunstyrelsens arbetsutskott") == body_key("KSAU") == "ksau"
    assert body_key("SocSam:s") == body_key("Sociala samrådsgruppen") == "socsam"
    assert body_key("Alingsås kommun, Kommunstyrelsen") == "ks"
    assert normalise_dnr("§ 95  2026.016 KS") == normalise_dnr("KS 2026.016") == "KS 2026.016"
    assert normalise_dnr("Ärendenummer SLK-2023-00050") == "SLK-2023-00050"
    assert normalise_dnr("den 24 februari 2023") is None


def test_seed_references_resolved(seed_store: Store) -> None:
    (prev,) = _refs(seed_store, "SocSam", "2023-03-24", 17)
    assert _section_of(seed_store, prev["target_item_id"]) == (
        "2023-02-24",
        5,
    )  # Föregående protokoll
    (meeting,) = _refs(seed_store, "SocSam", "2023-03-24", 24)
    # The February meeting's § 12 is where substitutes' attendance was raised.
    assert _section_of(seed_store, meeting["target_item_id"]) == ("2023-02-24", 12)


def test_seed_references_unresolved_are_kept(seed_store: Store) -> None:
    barnarena = [
        r for r in _refs(seed_store, "SocSam", "2023-03-24", 25) if "Barnarenan" in str(r["text"])
    ]
    assert (
        barnarena
        and barnarena[0]["target_item_id"] is None
        and barnarena[0]["target_doc_id"] is None
    )
    (december,) = _refs(
        seed_store, "SocSam", "2023-02-24", 5
    )  # the December 2022 meeting is not in the corpus
    assert december["ref_date"] == "2022-12-02" and december["target_doc_id"] is None


def test_attachment_linked_to_the_item_naming_it(seed_store: Store) -> None:
    row = seed_store.conn.execute(
        "SELECT linked_item_id FROM documents WHERE kind = 'attachment' AND source LIKE '%001_%'"
    ).fetchone()
    assert row is not None and _section_of(seed_store, row["linked_item_id"]) == ("2023-03-24", 21)
    kinds = {
        r["kind"]
        for r in seed_store.conn.execute(
            "SELECT l.kind FROM links l JOIN documents d ON d.id = l.dst_doc_id WHERE d.source LIKE '%001_%'"
        )
    }
    assert kinds == {"attachment"}
