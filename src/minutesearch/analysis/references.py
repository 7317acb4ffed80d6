"""Explicit references in an item's text ("KF 2023-06-15 § 28", "föregående protokoll från 24
februari 2023", "Bilaga 4: Skrivelse …") and their resolution to an item or meeting in the store."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse.dates import MONTHS
from .bodies import BODY_PATTERN, BODY_RE, body_key
from .text import one_line, split_sections

_DATE = (
    r"(?:(?P<iso>\d{4}-\d{2}-\d{2})|(?P<day>\d{1,2})\s+(?P<month>"
    + "|".join(MONTHS)
    + r")(?:\s+(?P<year>(?:19|20)\d{2}))?)"
)
_SEC = r"§\s?(?P<sec>\d{1,4})\b"
_BODY = rf"(?P<body>{BODY_PATTERN})"
# Ordered: the first pattern to claim a span keeps it. Patterns start at a literal (§, a date,
# "sammanträde") and look back a few characters for the body: a leading alternation of every
# body name, tried at each position of the text, made the scan a hundred times slower.
_PATTERNS: list[tuple[str, re.Pattern[str], int]] = [
    # "§ 72 KSAU", "§ 174 SBN 2022-10-24"
    ("section", re.compile(rf"{_SEC}\s*-?\s*{_BODY}(?:\s+{_DATE})?"), 0),
    # "KF 2023-06-15 § 28", "Kommunstyrelsens arbetsutskott har den 20 maj 2026, § 68",
    # "Bordlagt den 13 december 2023, § 896" (no body: the same body)
    ("section", re.compile(rf"(?:den\s+)?{_DATE},?\s*{_SEC}"), 45),
    (
        "previous",
        re.compile(rf"(?i:föregående protokoll)(?:\s+(?:från|den)\s+(?:den\s+)?{_DATE})?"),
        0,
    ),
    # "Vid SocSam:s sammanträde den 24 februari", "sammanträdet den 24 januari 2024"
    ("meeting", re.compile(rf"(?i:sammanträde(?:t)?)\s+(?:den\s+)?{_DATE}"), 16),
]
_BODY_BEFORE = re.compile(rf"{_BODY}\s*$")
_BILAGA_LINE = re.compile(
    r"^\s*(?:[•\-–*]\s*)?(?P<text>Bilaga\s+\d+\s*[:.\-–]?\s*.{6,})$", re.MULTILINE
)
# Under Beslutsunderlag/Handlingar, a skrivelse is named without "Bilaga": "• Tjänsteskrivelse - X".
_PAPER_LINE = re.compile(
    r"^\s*(?:[•\-–*]|\d{1,2}[.)])?\s*(?P<text>(?:Tjänsteskrivelse|Skrivelse|Tjänsteutlåtande"
    r"|Förvaltningens utlåtande)\b.{6,})$",
    re.MULTILINE,
)


@dataclass
class Reference:
    """Hänvisning: a reference in text to another meeting, §-item or attachment."""

    kind: str  # section, meeting, previous, attachment
    text: str
    body: str | None = None  # the body key, None when the same body is meant
    date: str | None = None
    section: int | None = None
    start: int = 0
    context: str = ""  # the sentence of the reference and the next one, to find the item meant


def _iso(m: re.Match[str], meeting_date: str | None) -> str | None:
    if m.group("iso"):
        return m.group("iso")
    if not m.group("month"):
        return None
    month, day = MONTHS[m.group("month")], int(m.group("day"))
    if m.group("year"):
        year = int(m.group("year"))
    elif meeting_date:
        # "den 24 februari" in a March meeting is the February before it.
        year = int(meeting_date[:4])
        if f"{year:04d}-{month:02d}-{day:02d}" > meeting_date:
            year -= 1
    else:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _group(m: re.Match[str], name: str) -> str | None:
    return m.group(name) if name in m.re.groupindex else None


def _context(flat: str, start: int) -> str:
    begin = flat.rfind(". ", 0, start) + 1
    ends = [m.end() for m in re.finditer(r"\.(?:\s|$)", flat[start:])][:2]
    return flat[begin : start + (ends[-1] if ends else 300)].strip()


def find_references(text: str, meeting_date: str | None = None) -> list[Reference]:
    """References in an item's text, in text order; dates without a year take the meeting's."""
    flat = one_line(text)
    taken: list[tuple[int, int]] = []
    refs: list[Reference] = []
    for kind, pattern, lookback in _PATTERNS:
        for m in pattern.finditer(flat):
            begin, body = m.start(), _group(m, "body")
            if lookback and not body:
                window = flat[max(0, begin - lookback) : begin]
                window = window[window.rfind(". ") + 1 :]
                found = (
                    list(BODY_RE.finditer(window))
                    if kind == "section"
                    else [_BODY_BEFORE.search(window)]
                )
                if found and found[-1]:
                    begin, body = begin - len(window) + found[-1].start(), found[-1].group(0)
            if any(begin < end and start < m.end() for start, end in taken):
                continue
            date = _iso(m, meeting_date) if _group(m, "day") or _group(m, "iso") else None
            sec = _group(m, "sec")
            refs.append(
                Reference(
                    kind=kind,
                    text=flat[begin : m.end()].strip(),
                    body=body_key(body),
                    date=date,
                    section=int(sec) if sec else None,
                    start=begin,
                    context=_context(flat, begin),
                )
            )
            taken.append((begin, m.end()))
    papers = split_sections(text).get("attachments", "")
    for m in [*_BILAGA_LINE.finditer(text), *_PAPER_LINE.finditer(papers)]:
        refs.append(Reference(kind="attachment", text=one_line(m.group("text")), start=-1))
    refs.sort(key=lambda r: r.start)
    return _dedupe(refs)


def _dedupe(refs: list[Reference]) -> list[Reference]:
    """One reference per target: a heading 'Föregående protokoll' adds nothing to 'föregående
    protokoll från 24 februari 2023', nor does a Bilaga line repeated in an extract."""
    seen: set[tuple[object, ...]] = set()
    dated_previous = any(r.kind == "previous" and r.date for r in refs)
    out = []
    for r in refs:
        key = (r.kind, r.body, r.date, r.section, r.text.lower() if r.kind == "attachment" else "")
        if key in seen or (r.kind == "previous" and not r.date and dated_previous):
            continue
        seen.add(key)
        out.append(r)
    return out
