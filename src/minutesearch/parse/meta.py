"""Meeting metadata from the cover: body, organisation, date, time, place, chair, secretary, adjusters."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..model import Attendee, Document
from .bodies import KNOWN, canonical, find_body, short_from_text
from .dates import find_date, find_start_time, find_time
from .text import is_furniture

_DECLARED = re.compile(
    r"(?:paragrafer|protokollet\s+omfattar|omfattar\s+paragraferna)\s*[:=]?\s*§§?\s*(\d{1,4})"
    r"(?:\s*[-–]\s*§?\s*(\d{1,4}))?",
    re.IGNORECASE,
)
_NOTICE = re.compile(r"tillkännagivits\s+på\s+(.+?)s\s+(?:digitala\s+)?anslagstavla", re.IGNORECASE)
_ORG = re.compile(
    r"\b(Region(?:\s+[A-ZÅÄÖ][a-zåäö]+){1,2}|[A-ZÅÄÖ][a-zåäö]+s\s+(?:kommun|[Ss]tad))\b"
)
_PARTY = re.compile(r"\s*\((?:[A-ZÅÄÖ]{1,3}|-)\)")
_DOTS = re.compile(r"\.{2,}.*$")
_PATH_ORG = {
    "alingsas": "Alingsås kommun",
    "goteborg": "Göteborgs Stad",
    "göteborg": "Göteborgs Stad",
}
# Göteborg file names ("ks-2024-01-10.paragraphs.txt") start with the body's short name.
_PATH_BODY = {
    "ks": "Kommunstyrelsen",
    "kf": "Kommunfullmäktige",
    "ksau": "Kommunstyrelsens arbetsutskott",
}
_PLACE_STOP = re.compile(r"\s*(?:paragrafer\b.*|kl\.?\s*\d.*|\.\s*ajournering.*)$", re.IGNORECASE)


def person_name(text: str) -> str:
    """ "Margareta Winberg (S)....." -> "Margareta Winberg"."""
    return re.sub(r"\s+", " ", _PARTY.sub("", _DOTS.sub("", text))).strip(" :,.")


def labelled(lines: list[str], label: str) -> str | None:
    """The value after a label at line start ("Ordförande : X"), or on the next line when it is alone."""
    rx = re.compile(rf"^\s*(?:{label})\b\s*:?\s*(.*)$", re.IGNORECASE)
    for i, line in enumerate(lines):
        m = rx.match(line)
        if not m:
            continue
        value = m.group(1).strip()
        if value:
            return value
        for nxt in lines[i + 1 : i + 3]:
            if nxt.strip() and not is_furniture(nxt):
                return nxt.strip()
        return None
    return None


def fill_meeting(doc: Document, cover: list[str], text: str) -> None:
    """Body, organisation, date, time, place and declared § range from the cover lines."""
    cover = [ln[:300] for ln in cover[:400]]  # the cover is short; bounds the work on odd input
    head = "\n".join(cover[:60])
    _fill_body(doc, cover, head)
    doc.organisation = organisation(text, doc.source)
    labelled_date = labelled(cover, r"sammanträdesdatum") or labelled(cover, r"datum")
    doc.date = (
        find_date(labelled_date or "")
        or find_date(head)
        or _date_in_text(text)
        or find_date(PurePath(doc.source).name)
    )
    place_line = labelled(cover, r"plats\s+och\s+tid") or labelled(
        cover, r"tid\s+och\s+plats(?:\s+för\s+sammanträdet)?"
    )
    time_src = "\n".join(cover[:80])[:5000]
    doc.time = find_time(time_src) or find_start_time(time_src)
    doc.place = _place(cover, place_line)
    doc.declared_sections = declared_range("\n".join(cover))


def declared_range(text: str) -> tuple[int, int] | None:
    """The cover's "Paragrafer §§94-110" / "Protokollet omfattar §§1-15" as (first, last)."""
    m = _DECLARED.search(text)
    if m:
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if a <= b:
            return (a, b)
    return None


def _date_in_text(text: str) -> str | None:
    m = re.search(r"sammanträdesdatum\s*:?\s*(.{6,40})", text, re.IGNORECASE)
    return find_date(m.group(1)) if m else None


def _fill_body(doc: Document, cover: list[str], head: str) -> None:
    organ = labelled(cover, r"(?:organ|sammanträde\s+med)")
    for candidate in (organ, head):
        if not candidate:
            continue
        found = find_body(candidate)
        if found is None:
            continue
        full, short, _ = found
        doc.body = canonical(full)
        doc.body_short = (
            short_from_text(head, doc.body) or short_from_text(candidate, doc.body) or short
        )
        if doc.body_short and doc.body_short.lower() == doc.body.lower():
            doc.body_short = KNOWN.get(doc.body)
        return
    stem = PurePath(doc.source).name.lower()
    prefix = re.split(r"[-_.]", stem, maxsplit=1)[0]
    if prefix in _PATH_BODY and _looks_goteborg(doc.source):
        doc.body = _PATH_BODY[prefix]
        doc.body_short = KNOWN.get(doc.body)


def _looks_goteborg(source: str) -> bool:
    return "goteborg" in source.lower() or "göteborg" in source.lower()


def organisation(text: str, source: str, *, guess: bool = True) -> str | None:
    """The municipality or region that owns the body: notice board, file path, letter head.

    With `guess`, the region named most often in the text is taken as a last resort (the
    Jämtland joint bodies name no owner on their cover).
    """
    m = _NOTICE.search(text)
    if m:
        return re.sub(r"\s+", " ", m.group(1)).strip()
    low = source.lower()
    for key, org in _PATH_ORG.items():
        if key in low:
            return org
    for line in text.split("\n")[:25]:
        # A letter head names its municipality on a line of its own.
        m2 = re.fullmatch(
            r"\s*([A-ZÅÄÖ][a-zåäö]+s?\s+kommun|[A-ZÅÄÖ][a-zåäö]+s\s+[Ss]tad)\s*", line
        )
        if m2:
            return m2.group(1)
    if not guess:
        return None
    counts: dict[str, int] = {}
    for r in re.finditer(r"\bRegion(?:\s+[A-ZÅÄÖ][a-zåäö]+){1,2}\b", text):
        name = r.group(0)
        if name.endswith("s") and re.search(re.escape(name[:-1]) + r"\b", text):
            name = name[:-1]  # genitive: "Region Jämtland Härjedalens anslagstavla"
        counts[name] = counts.get(name, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _place(cover: list[str], value: str | None) -> str | None:
    if value is None:
        return None
    lines = [ln.strip() for ln in cover]
    start = next((i for i, ln in enumerate(lines) if value in ln), None)
    text = value
    # "Tid och plats för sammanträdet <date> kl. 09:00-12:00" puts the place on the next line.
    if find_date(text) and start is not None:
        nxt = next((ln for ln in lines[start + 1 : start + 3] if ln), "")
        text = nxt
    elif start is not None:
        for ln in lines[start + 1 : start + 3]:
            if not (text.endswith(",") or text.count("(") > text.count(")")):
                break
            text = f"{text} {ln}"
    text = _PLACE_STOP.sub("", text)
    text = re.sub(r"\s*\bkl\.?\s*\d.*$", "", text).strip(" ,.")
    return re.sub(r"\s+", " ", text) or None


def fill_people(doc: Document, cover: list[str], tail: list[str]) -> None:
    """Chair, secretary and adjusters: from roles in the attendance list, else from labels."""
    chair = next((a for a in doc.present if _is_chair_role(a)), None)
    cover = [ln[:300] for ln in cover[:400]]
    chairs = [(person_name(v), _span(k)) for k, v in _labelled_all(cover, r"ordförande")]
    chairs = [c for c in chairs if _looks_name(c[0])]
    if chair is not None:
        doc.chair = chair.name
    elif chairs:
        doc.chair = max(chairs, key=lambda c: c[1])[0]
    sec = labelled(cover, r"sekreterare")
    if sec and _looks_name(person_name(sec)):
        doc.secretary = person_name(sec)
    else:
        who = next((a for a in doc.present if a.role and "sekreterare" in a.role.lower()), None)
        doc.secretary = who.name if who else None
    doc.adjusters = _adjusters(cover) or _adjusters([ln[:300] for ln in tail[-400:]])


def _is_chair_role(a: Attendee) -> bool:
    return (
        bool(a.role)
        and re.fullmatch(r"ordf(?:örande|\.)?", (a.role or "").strip(), re.I) is not None
    )


def _labelled_all(lines: list[str], label: str) -> list[tuple[str, str]]:
    """Every "Ordförande §1-4: X" line as (label part, value); values alone on the next line too."""
    out: list[tuple[str, str]] = []
    rx = re.compile(rf"^\s*({label}(?:\s*§+\s*[\d\s\-–]+)?)\s*:?\s*(.*)$", re.IGNORECASE)
    for i, line in enumerate(lines):
        m = rx.match(line)
        if not m:
            continue
        value = m.group(2).strip()
        if not value:
            value = next((n.strip() for n in lines[i + 1 : i + 3] if n.strip()), "")
        out.append((m.group(1), value))
    return out


def _span(label: str) -> int:
    """How many §§ a chair label covers ("Ordförande § 5-14" -> 10); no range means all."""
    nums = [int(n) for n in re.findall(r"\d+", label)]
    if len(nums) >= 2:
        return nums[1] - nums[0] + 1
    return 10_000 if not nums else 1


def _looks_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(
        w[:1].isupper() or w in {"van", "von", "de", "af"} for w in words
    )


def _adjusters(lines: list[str]) -> list[str]:
    rx = re.compile(
        r"^\s*(?:utses\s+att\s+justera|justerare|justerande|rätt\s+utdraget\s+intygar)\s*:?\s*(.*)$",
        re.IGNORECASE,
    )
    for i, line in enumerate(lines):
        m = rx.match(line)
        if not m or line.lower().strip().startswith("rätt utdraget"):
            continue
        values = [m.group(1)]
        for nxt in lines[i + 1 : i + 4]:
            # Alingsås lists a second adjuster alone on the next line.
            s = nxt.strip()
            if (
                not s
                or not _looks_name(person_name(s))
                or re.match(r"justering|protokoll", s, re.I)
            ):
                break
            values.append(s)
        names: list[str] = []
        for v in values:
            for piece in re.split(r",|\boch\b", _DOTS.sub("", v)):
                name = person_name(piece)
                if _looks_name(name):
                    names.append(name)
        if names:
            return names
    return []
