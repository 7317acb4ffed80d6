"""Golden files: the parsed structure of each seed and of real corpus-extra documents.

The golden files were generated with `UPDATE_GOLDEN=1 pytest tests/test_parse_golden.py` and then
checked by hand against each document. Corpus-extra goldens hold structure only (§ numbers,
titles, dates, names, counts), never the documents' running text.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from minutesearch.model import Document
from minutesearch.parse import parse_document
from minutesearch.read import read_document

GOLDEN = Path(__file__).parent / "golden"
SEEDS = [
    "000_3fd6fd63b5e6e506.txt",
    "001_58866ac3bd8c7294.txt",
    "002_1eb0ef06122dbfee.txt",
    "003_67c1054d05d03686.txt",
    "004_a76be3cd7be83ac5.txt",
]
EXTRA = [
    "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf",
    "alingsas/protokoll/2026-06-10_kommunfullmaktige.pdf",
    "alingsas/protokoll/2026-05-18_vard-och-omsorgsnamnden.pdf",
    "alingsas/protokoll/2026-05-18_tekniska-namnden.pdf",
    "alingsas/protokoll/2026-06-11_overformyndarnamnden.pdf",
    "alingsas/utdrag/2026-06-15_kommunstyrelsen__ss90-ksau-fortydligande-parkering-for-fortroendevalda.pdf",
    "alingsas/utdrag/2026-05-18_vard-och-omsorgsnamnden__expediering-ss-104-kf-2026-05-06-kommunalt-kompletteringsval-ledamot-i-vard-och-omsorgsnam.pdf",
    "alingsas/skrivelser/2026-05-18_vard-och-omsorgsnamnden__tjansteskrivelse-forhojd-habiliteringsersattning-2026.pdf",
    "alingsas/skrivelser/2026-05-19_bygg-och-miljonamnden__forvaltningens-utlatande.pdf",
    "goteborg/ks-2024-01-10.paragraphs.txt",
]
_META = [
    "kind", "title", "body", "body_short", "organisation", "date", "time", "place", "chair",
    "secretary", "adjusters", "dnr", "declared_sections", "linked_section", "warnings",
]  # fmt: skip
_PARTS = ["presenter", "summary", "proposal", "motions", "proceedings", "decision"]


def _flat(text: str | None) -> str | None:
    return re.sub(r"\s+", " ", text).strip() if text else text


def structure(doc: Document, *, full: bool) -> dict[str, Any]:
    """The golden view of a parsed document; `full` adds seed-only detail (roles, decisions)."""
    out: dict[str, Any] = {k: getattr(doc, k) for k in _META}
    out["declared_sections"] = list(doc.declared_sections) if doc.declared_sections else None
    keys = ["name", "party", "group", "replaces", "sections"] + (["org", "role"] if full else [])
    out["present"] = [{k: getattr(a, k) for k in keys} for a in doc.present]
    out["absent"] = [{k: getattr(a, k) for k in keys} for a in doc.absent]
    items = []
    for it in doc.items:
        entry: dict[str, Any] = {
            "section": it.section,
            "title": it.title,
            "dnr": it.dnr,
            "parts": {p: bool(getattr(it.parts, p)) for p in _PARTS},
            "attachments": len(it.parts.attachments),
        }
        if full:
            entry["presenter"] = it.parts.presenter
            entry["decision"] = _flat(it.parts.decision)
            entry["attachment_list"] = it.parts.attachments
        items.append(entry)
    out["items"] = items
    return out


def _cases() -> list[tuple[str, str]]:
    return [("seed", s) for s in SEEDS] + [("extra", e) for e in EXTRA]


def _golden_path(origin: str, name: str) -> Path:
    stem = name.rsplit(".", 1)[0].replace("/", "__")
    return GOLDEN / f"{origin}__{stem[:90]}.json"


@pytest.mark.parametrize(
    ("origin", "name"), _cases(), ids=[n.rsplit("/", 1)[-1][:40] for _, n in _cases()]
)
def test_golden(origin: str, name: str, seeds_dir: Path, request: pytest.FixtureRequest) -> None:
    root = seeds_dir if origin == "seed" else request.getfixturevalue("extra_dir")
    path = root / name
    doc = parse_document(read_document(path).text, str(path))
    actual = structure(doc, full=origin == "seed")
    golden = _golden_path(origin, name)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    for key in expected:
        assert actual[key] == expected[key], f"{name}: field {key!r} differs from {golden.name}"
