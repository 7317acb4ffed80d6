"""Document kind (protocol, extract, attachment) and the head of an attachment (skrivelse)."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..model import DocKind, Document
from .bodies import find_body
from .dates import find_date
from .meta import organisation
from .parts import is_part_heading
from .text import is_furniture

_EXTRACT = re.compile(
    r"\butdrag\s+(?:ur|ut|från)\s+(?:sammanträdes)?protokoll|\bprotokollsutdrag\b|rätt\s+utdraget\s+intygar"
    r"|\bexpediering\b",
    re.IGNORECASE,
)
_ATTACHMENT_HEAD = re.compile(
    r"^\s*(?:tjänsteskrivelse|tjänsteutlåtande|skrivelse|yttrande|förvaltningens\s+utlåtande|bilaga\b"
    r"|missiv|remissvar|motion|medborgarförslag|rapport|promemoria|pm\b)",
    re.IGNORECASE,
)
_COVER = re.compile(
    r"^\s*(?:beslutande|närvarande|paragrafer|protokollet\s+omfattar|plats\s+och\s+tid|tid\s+och\s+plats"
    r"|utses\s+att\s+justera)",
    re.IGNORECASE | re.MULTILINE,
)
_DNR = re.compile(
    r"^\s*(?:diarienr|diarienummer|diarie\s*nr|dnr|ärendenummer|vår\s+beteckning)\.?\s*:?\s*(\S.*?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_HEAD_FIELD = re.compile(
    r"^\s*(?:datum|handläggare|diarienr|diarienummer|diarie\s*nr|dnr|beteckning|direktnr|epost|e-post"
    r"|telefon|postadress|besöksadress|ärendet|fastighet|till|från|kopia)\b",
    re.IGNORECASE,
)
_JOINERS = {
    "och",
    "i",
    "av",
    "för",
    "till",
    "om",
    "med",
    "mellan",
    "på",
    "från",
    "inom",
    "vid",
    "angående",
}
_LINK = re.compile(
    r"(?:hör\s+till|bilaga\s+till|tillhör)\s+§\s*(\d{1,4})|protokoll\w*\s+§\s*(\d{1,4})", re.I
)


def detect_kind(text: str, items: int, source: str) -> DocKind:
    """protocol, extract or attachment: content first, the file's folder or name as a weak hint.

    A document with a § sequence and meeting metadata is a protocol (or an extract of one)
    whatever body, issuer or genre wrote it; "attachment" is what has no § structure.
    """
    head = "\n".join(text.split("\n")[:40])
    # "Protokollsutdrag skickas till" inside an item is a distribution list, not this file's kind.
    if (_EXTRACT.search(head) and items <= 3) or re.search(
        r"rätt\s+utdraget\s+intygar", text, re.I
    ):
        return "extract"
    if items == 0:
        return "attachment"
    has_cover = bool(_COVER.search(head)) or bool(_COVER.search(text[:6000]))
    meeting = has_cover or has_meeting_metadata(head)
    path = source.lower().replace("\\", "/")
    name = PurePath(path).name
    if "/utdrag/" in path or "utdrag" in name or "expediering" in name:
        return "extract"
    if not has_cover and items <= 2 and re.search(r"sida\s+\d+\s+av\s+\d+", text, re.I):
        return "extract"  # a page or two of a protocol without its cover: an utdrag
    if items == 1 and not meeting and _letter_head(head):
        return "attachment"  # a skrivelse that quotes one § heading
    return "protocol"


_MEETING = re.compile(
    r"\bprotokoll\b|\bsammanträde|\bstämma\b|\bmöte\b|\bjusteras\b|\bordförande\b"
    r"|\bkl\.?\s*\d{1,2}[.:]\d{2}",
    re.IGNORECASE,
)


def has_meeting_metadata(head: str) -> bool:
    """A protocol's cover words in the first lines: a meeting, a chair, a clock time."""
    return bool(_MEETING.search(head))


def _letter_head(head: str) -> bool:
    return any(_ATTACHMENT_HEAD.match(ln) for ln in head.split("\n")[:15])


def fill_attachment(doc: Document, lines: list[str]) -> None:
    """Title, date, dnr, body and linked § of a skrivelse / tjänsteskrivelse / yttrande."""
    text = "\n".join(lines)
    top = [ln.strip()[:300] for ln in lines[:40]]
    m = _DNR.search("\n".join(top))
    if m:
        doc.dnr = re.sub(r"\s+", " ", m.group(1)).strip() or None
    doc.date = find_date("\n".join(ln for ln in top if re.match(r"datum", ln, re.I))) or find_date(
        "\n".join(top)
    )
    found = find_body("\n".join(top[:20]))
    if found is not None:
        doc.body, doc.body_short = found[0], found[1]
    doc.title = _title(top)
    doc.organisation = organisation(text, doc.source, guess=False)
    link = _LINK.search(text[:20000])
    if link:
        doc.linked_section = int(link.group(1) or link.group(2))


def _title(top: list[str]) -> str | None:
    """The first line that is not part of the letter head, joined with its wrapped continuation."""
    for ln in top:
        m = re.match(r"^ärendet\s*:\s*(\S.*)$", ln, re.IGNORECASE)
        if m:
            return re.sub(r"\s+", " ", m.group(1)).strip()
    title: list[str] = []
    for ln in top:
        if title:
            last = title[-1].split()[-1].lower()
            if ln and (ln[:1].islower() or last in _JOINERS or title[-1].endswith(("-", ","))):
                title.append(ln)
                continue
            break
        if not ln or is_furniture(ln) or len(ln) < 4:
            continue
        if is_part_heading(ln):
            break
        if (
            _HEAD_FIELD.match(ln)
            or "@" in ln
            or re.fullmatch(r"[\d\s()/]+", ln)
            or ln.lower().endswith(".se")
        ):
            continue
        if len(ln.split()) <= 3 and re.search(
            r"(?:kommun|förvaltningen|avdelningen|enheten|nämnden|styrelsen|kontoret)\s*$", ln, re.I
        ):
            continue  # the sender in the letter head
        if _ATTACHMENT_HEAD.match(ln) and len(ln.split()) <= 3:
            continue  # "Yttrande", "FÖRVALTNINGENS UTLÅTANDE": the kind, not the title
        title.append(ln)
    joined = re.sub(r"\s+", " ", " ".join(title)).strip()
    return joined or None
