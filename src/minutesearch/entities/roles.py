"""Roles per meeting: ordförande, sekreterare, justerare, föredragande, group roles, yrkanden."""

from __future__ import annotations

import re

from .identity import PARTY_RE

GROUP_ROLES = {
    "beslutande": "ledamot",
    "ersättare": "ersättare",
    "tjänsteperson": "tjänsteperson",
    "övrig deltagare": "övrig deltagare",
}
ABSENT = "frånvarande"
ROLE_ORDER = (
    "ordförande",
    "vice ordförande",
    "sekreterare",
    "justerare",
    "föredragande",
    "yrkande",
    "ledamot",
    "ersättare",
    "tjänsteperson",
    "övrig deltagare",
    ABSENT,
)

_NAME = r"[A-ZÅÄÖÉ][\wåäöéü'’]*\.?(?:[ \-][A-ZÅÄÖÉ][\wåäöéü'’]*){1,4}"
_PARTY = r"\s?\((?:S|M|SD|C|V|KD|L|MP|D)\)"
# "Margareta Winberg (S) yrkar", "Björn Sandal (S) föreslår", "På förslag av Jenny Broman (V)"
_MOTION_PATTERNS = (
    re.compile(
        rf"({_NAME})(?:{_PARTY})?(?:,?\s+(?:med\s+instämmande\s+av\s+[^,]+,\s*)?)\s*"
        r"(?:yrkar|tilläggsyrkar|föreslår|ändringsyrkar|instämmer\s+i)\b"
    ),
    re.compile(rf"[Pp]å\s+förslag\s+av\s+(?:[a-zåäö:]+\s+){{0,3}}({_NAME})(?:{_PARTY})?"),
    re.compile(rf"[Yy]rkande\s+(?:från|av)\s+({_NAME}){_PARTY}"),
)
# Headings glued to the name when lines are joined: "Yrkande Margareta Winberg (S) yrkar".
_LEAD_STOP = frozenset(
    [
        "yrkande",
        "yrkanden",
        "beslut",
        "beslutsgång",
        "proposition",
        "förslag",
        "sammanfattning",
        "ärendet",
        "ställningstagande",
        "protokollsanteckning",
        "reservation",
        "omröstning",
    ]
)
_CHAIR_MOTION = re.compile(r"\bOrdföranden?\s+(?:yrkar|föreslår|tilläggsyrkar)\b")


def meeting_role(role: str | None) -> str | None:
    """The role at this meeting written beside an attendee: '(<i>vice ordf.</i>)' -> vice ordförande."""
    if not role:
        return None
    low = re.sub(r"<[^>]+>", "", role).lower().strip()
    if re.search(r"\(\s*(?:2:e\s+|1:e\s+)?vice\s+ordf", low) or low in (
        "vice ordförande",
        "vice ordf.",
    ):
        return "vice ordförande"
    if re.search(r"\(\s*ordf(?:\.|örande)?", low) or low in ("ordförande", "ordf.", "ordf"):
        return "ordförande"
    return None


def presenter_name(presenter: str) -> str:
    """'Maria Östlund, IFO-chef Bergs kommun' -> 'Maria Östlund'."""
    return re.split(r",|\s+–\s+|\s+-\s+", presenter, maxsplit=1)[0].strip()


def motion_names(text: str | None) -> list[str]:
    """Who made each yrkande in a motions/proceedings text; 'ordföranden' for the chair."""
    if not text:
        return []
    flat = " ".join(text.split())
    names: list[str] = []
    for rx in _MOTION_PATTERNS:
        for m in rx.finditer(flat):
            words = PARTY_RE.split(m.group(1))[0].split()
            while words and words[0].lower() in _LEAD_STOP:
                words.pop(0)
            if len(words) < 2:
                continue
            name = " ".join(words)
            if name.split()[0].lower() not in ("ordföranden", "ordförande") and name not in names:
                names.append(name)
    if _CHAIR_MOTION.search(flat):
        names.append("ordföranden")
    return names
