"""Clean text -> Document: kind, meeting metadata, attendance and §-items. Pure Python, no spaCy.

The body text is the truth: agenda lines, §-references in running text and page furniture are
not items. Anything odd (numbering gaps, repeats, a cover range that disagrees) becomes a warning
in `Document.warnings`; the parser never raises on bad input.
"""

from __future__ import annotations

from ..model import Document
from .attendance import parse_attendance
from .items import items_from
from .kinds import detect_kind, fill_attachment
from .meta import declared_range, fill_meeting, fill_people
from .segment import Segmentation, fix_ocr_ranges, keep_ocr_headings
from .segment import segment as segment_lines  # keeps `parse.segment` the module
from .text import clean_lines, split_lines

__all__ = ["parse_document", "parse_traced"]

MAX_CHARS = 5_000_000  # far beyond any protocol; keeps a pathological input bounded in time


def parse_document(text: str, source: str, *, ocr: bool = False) -> Document:
    """Parse the text of one protocol, extract or attachment read from `source`.

    `ocr`: the text (or part of it) came from OCR; OCR misreadings of "§" ("8 620", "S 620")
    then count as § headings where the document's numbering supports them.
    """
    return parse_traced(text, source, ocr=ocr)[0]


def parse_traced(text: str, source: str, *, ocr: bool = False) -> tuple[Document, Segmentation]:
    """parse_document, and the segmentation behind it: every §-like line, taken or not and why."""
    doc = Document(source=source)
    if len(text) > MAX_CHARS:
        doc.warnings.append(f"text truncated to {MAX_CHARS} characters")
        text = text[:MAX_CHARS]
    raw = split_lines(text)
    if ocr:
        raw = [fix_ocr_ranges(ln) for ln in raw]
    lines = clean_lines(raw)
    if ocr:
        lines = keep_ocr_headings(lines, raw)
    seg = segment_lines(lines, declared_range("\n".join(raw[:200])), ocr=ocr)
    items, warnings, first = items_from(seg, lines)
    doc.items = items
    doc.kind = detect_kind(text, len(items), source)
    cover = raw[:first]
    if doc.kind == "attachment":
        fill_attachment(doc, raw)
        if not doc.body or not doc.date:
            _fill_missing(doc, cover, text)
        return doc, seg
    doc.present, doc.absent = parse_attendance(cover)
    fill_meeting(doc, cover, text)
    fill_people(doc, cover, raw[first:])
    doc.title = items[0].title if doc.kind == "extract" and len(items) == 1 else None
    doc.warnings.extend(warnings)
    doc.warnings.extend(_range_warnings(doc))
    return doc, seg


def _fill_missing(doc: Document, cover: list[str], text: str) -> None:
    """An attachment without a letter head: take what a cover page would give."""
    probe = Document(source=doc.source)
    fill_meeting(probe, cover, text)
    doc.body = doc.body or probe.body
    doc.body_short = doc.body_short or probe.body_short
    doc.date = doc.date or probe.date


def _range_warnings(doc: Document) -> list[str]:
    """Compare the items found with the cover's "Paragrafer §§ 94-110"."""
    if doc.declared_sections is None:
        return []
    lo, hi = doc.declared_sections
    found = {i.section for i in doc.items}
    missing = [n for n in range(lo, hi + 1) if n not in found]
    extra = sorted(n for n in found if n < lo or n > hi)
    out: list[str] = []
    if missing:
        out.append(f"cover declares §§ {lo}-{hi} but {_fmt(missing)} not found")
    if extra:
        out.append(f"cover declares §§ {lo}-{hi} but found {_fmt(extra)} outside it")
    return out


def _fmt(nums: list[int]) -> str:
    shown = ", ".join(f"§ {n}" for n in nums[:10])
    return shown + (f" and {len(nums) - 10} more" if len(nums) > 10 else "")
