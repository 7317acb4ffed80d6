"""Beslut as structured data: outcome type, amounts, yrkanden, reservationer (ingest time; the
query-time `find_decisions` lives in `analysis.queries`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .motions import Motion
from .procedure import (
    block_text,
    blocks,
    decide,
    find_annotations,
    find_conflicts,
    find_reservations,
    find_yrkanden,
    motion_blocks,
)
from .text import one_line, split_sections

OUTCOMES = (
    "bifall",
    "avslag",
    "besvarad",
    "återremiss",
    "bordläggning",
    "uppdrag",
    "information",
    "val",
    "överlämnad",
    "other",
)
# The kind of one beslutssats, by the first thing it decides ("godkänna … samt översänds till
# kommunerna" is an approval). A matter sent back or tabled is that when the main sats says so.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("besvarad", re.compile(r"anses (?:vara )?besvarad|anse motionen (?:vara )?besvarad", re.I)),
    ("återremiss", re.compile(r"återremitt|återremiss", re.I)),
    ("bordläggning", re.compile(r"bordl[äa]g|bordlagt", re.I)),
    (
        "val",
        re.compile(
            r"\butses\b|\butser\b|\bväljs\b|\bväljer\b|\bentledig|\bvaldes\b|\bförordna", re.I
        ),
    ),
    ("avslag", re.compile(r"\bavslås\b|\bavslå\b|\bavslag\b|\bavslår\b|\bavstyrk", re.I)),
    (
        "överlämnad",
        re.compile(
            r"\böverlämna(?:s|r|des)?\b|\böversänd|\bhänskjut|\blämnas (?:vidare )?till\b"
            r"|\blämna\b[^.]{0,40}\btill\b[^.]{0,60}\bberedning",
            re.I,
        ),
    ),
    (
        "bifall",
        re.compile(
            r"godkänn|\bgodkänd|\bgodkänt|fastställ|\banta(?:s|r|ga)\b|\bantogs\b|\bbifall"
            r"|\bbevilja|\btillstyrk|\bfördela\b|\binförs\b|\binrätta|\brevideras\b|\bbeställs\b",
            re.I,
        ),
    ),
    ("uppdrag", re.compile(r"i uppdrag|\buppdra(?:r|s|ga)?\b|\bges uppdrag|\buppdrag ges\b", re.I)),
    (
        "information",
        re.compile(
            r"till handlingarna|\bnoter(?:ar|as|ades)\b|\bantecknas\b|\bantecknar\b"
            r"|informationen|tackar för|\binformation\b",
            re.I,
        ),
    ),
]
# "Enligt stadsledningskontorets förslag:" approves the proposal when nothing stronger is said.
_WEAK_BIFALL = re.compile(
    r"\benligt\b[^.:]{0,80}\b(?:förslag|yrkande)|\bbeslutar att\b|\bbeslutar om\b|\bhöjs\b|\bsänks\b"
    r"|ställer sig bakom|\baccepterar\b|\bundantas\b",
    re.I,
)
# "Enligt … förslag:" / "… föreslår att kommunfullmäktige beslutar:": the proposal is adopted,
# so what follows is approved unless it rejects, remits or tables.
_ADOPTS = re.compile(r"^(?:enligt\b|.*\btillstyrker\b|.*\bföreslår att \w+ beslutar)", re.I)
_DECISION_SENTENCE = re.compile(
    r"[^.]*\b(?:noterar|beslutar att|beslöt|tackar för|utses|fastställs)\b[^.]*\.?", re.I
)
_UNITS: dict[str, float] = {
    "kr": 1,
    "kronor": 1,
    "sek": 1,
    "tkr": 1e3,
    "tusen kronor": 1e3,
    "mkr": 1e6,
    "mnkr": 1e6,
    "msek": 1e6,
    "miljoner kronor": 1e6,
    "miljoner kr": 1e6,
    "miljon kronor": 1e6,
    "mdkr": 1e9,
    "miljarder kronor": 1e9,
    "miljarder kr": 1e9,
    "miljard kronor": 1e9,
}
_AMOUNT = re.compile(
    r"(?<![\d,.])(?P<sign>[-−–]\s?)?(?P<int>\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:,(?P<dec>\d+))?"
    r"\s*(?P<unit>miljoner kronor|miljoner kr|miljon kronor|miljarder kronor|miljarder kr"
    r"|miljard kronor|tusen kronor|kronor|mnkr|mkr|mdkr|msek|tkr|sek|kr)\b",
    re.I,
)


_NUMBERED = re.compile(r"^\s*(\d{1,2})[.)]\s+")
_SUBITEM = re.compile(r"^\s*(?:[•\-–·]|[a-zåäö][.)]\s)")


def beslutssatser(decision: str) -> list[str]:
    """A beslut split into its satser: numbered points when there are two or more, else its
    sentences. A line ending in ':' (a preamble, "… med följande ändringar:") carries what
    follows it, and bullets or lettered sub-points belong to the sats above them."""
    lines = [ln.strip() for ln in decision.splitlines() if ln.strip()]
    if sum(1 for ln in lines if _NUMBERED.match(ln)) >= 2:
        out: list[str] = []
        for ln in lines:
            if _NUMBERED.match(ln) or not out:
                out.append(ln)
            else:
                out[-1] += " " + ln
        # A preamble before the numbers is part of the first sats; a closing line is its own.
        if out and not _NUMBERED.match(out[0]) and out[0].endswith(":") and len(out) > 1:
            out[1] = out[0] + " " + out[1]
            out.pop(0)
        return out
    out = []
    carry = False
    for ln in lines:
        if out and (carry or _SUBITEM.match(ln) or not re.search(r"[.!?:]$", out[-1])):
            out[-1] += " " + ln
        else:
            out.append(ln)
        carry = carry or ln.endswith(":")  # "… med följande ändringar:" holds what follows
    satser: list[str] = []
    for block in out:
        pieces = (
            [block] if re.search(r":\s", block) else re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", block)
        )
        for piece in (p for p in pieces if p.strip()):
            # A sentence that decides nothing ("Utredningen ska även redovisa …") explains the
            # sats before it.
            if satser and not _decides(piece):
                satser[-1] += " " + piece
            else:
                satser.append(piece)
    return satser


def _decides(sentence: str) -> bool:
    return _sats_outcome(sentence) is not None or bool(_WEAK_BIFALL.search(sentence))


def _sats_outcome(sats: str) -> str | None:
    found = [(m.start(), outcome) for outcome, p in _RULES if (m := p.search(sats))]
    return min(found)[1] if found else None


def classify_outcome(decision: str | None, text: str = "") -> str:
    """Outcome type of a decision (see OUTCOMES): the main (first) beslutssats decides, a motion
    declared answered is `besvarad`; an item with no decision may be information."""
    if decision:
        satser = beslutssatser(decision) or [decision]
        kinds = [_sats_outcome(one_line(x)) for x in satser]
        if "besvarad" in kinds:
            return "besvarad"
        main = one_line(satser[0])
        first = kinds[0]
        if first in ("återremiss", "bordläggning", "avslag", "val"):
            return first
        if _ADOPTS.match(main) and first in (None, "överlämnad", "information", "uppdrag"):
            head = main.split(":", 1)[1] if ":" in main else ""
            inner = _sats_outcome(head) if head else None
            return (
                inner if inner in ("avslag", "återremiss", "bordläggning", "uppdrag") else "bifall"
            )
        if first:
            return first
        later = [k for k in kinds[1:] if k and k not in ("återremiss", "bordläggning")]
        if later:
            return later[0]
        return "bifall" if _WEAK_BIFALL.search(decision) else "other"
    if re.search(r"\binformation\b|\binformerar\b|tackar för", text, re.I):
        return "information"
    return "other"


def find_amounts(text: str) -> list[int | float]:
    """Sums of money in a text as numbers in kronor, first occurrence order, without repeats."""
    out: list[int | float] = []
    for m in _AMOUNT.finditer(text):
        whole = re.sub(r"\D", "", m.group("int"))
        number = float(f"{whole}.{m.group('dec')}" if m.group("dec") else whole)
        value = round(number * _UNITS[m.group("unit").lower()], 2)
        if m.group("sign"):
            value = -value
        tidy: int | float = int(value) if value == int(value) else value
        if tidy not in out:
            out.append(tidy)
    return out


@dataclass
class Decision:
    """Beslut: one item's decision with its outcome, amounts, yrkanden, vote and reservationer."""

    decision: str | None
    outcome: str
    amounts: list[int | float] = field(default_factory=list)
    motions: list[Motion] = field(default_factory=list)
    reservations: list[dict[str, Any]] = field(default_factory=list)
    reservation_count: int | None = 0
    vote: dict[str, Any] | None = None
    votes: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    amounts_mentioned: list[int | float] = field(default_factory=list)
    multi_part: bool = False


def extract_decision(
    text: str,
    parts: dict[str, str | None] | None = None,
    attendance: Iterable[Any] | None = None,
) -> Decision:
    """An item's text (and the parser's parts, when filled) -> its Decision.

    The procedure is read from the text's own headings (see procedure.py); the parser's parts are
    the fallback for layouts whose headings the text does not carry. `attendance` (the meeting's
    Attendee list) lets a party-group reservation be expanded to persons."""
    parts = parts or {}
    bs = blocks(text)
    decision = block_text(bs, "decision") or parts.get("decision")
    if not decision:
        sections = split_sections(text)
        decision = sections.get("decision")
    if not decision:
        # Minutes without a "Beslut" heading state it in the running text ("SocSam noterar att …").
        head = split_sections(text).get("head", text)
        found = [
            s.group(0).strip()
            for s in _DECISION_SENTENCE.finditer(one_line(head))
            if not re.search(r"\bbeslutades\b|\bbeslutade\b|sammanträde den", s.group(0))
        ]
        decision = found[-1] if found else None
    outcome = classify_outcome(decision, text)
    yrkanden = motion_blocks(bs) or find_yrkanden(parts.get("motions") or "")
    if not yrkanden:
        yrkanden = find_yrkanden(block_text(bs, "proposal") or parts.get("proposal") or "")
    proceedings = block_text(bs, "proceedings")
    if not proceedings and not any(b.kind == "motions" for b in bs):
        proceedings = parts.get("proceedings") or ""
    votes = decide(yrkanden, proceedings, outcome, decision)
    reserv_text = block_text(bs, "reservations")
    if not reserv_text:
        reserv_text = proceedings if _RESERVES.search(proceedings) else ""
    reservations, count = find_reservations(reserv_text, attendance)
    annotations = find_annotations(block_text(bs, "annotations"))
    conflicts = find_conflicts(block_text(bs, "conflicts") or text)
    amounts = find_amounts(one_line(decision)) if decision else []
    mentioned = [a for a in find_amounts(one_line(text)) if a not in amounts]
    satser = beslutssatser(decision) if decision else []
    return Decision(
        decision=decision.strip() if decision else None,
        outcome=outcome,
        amounts=amounts,
        motions=[
            Motion(by=y.by, party=y.party, text=y.text, won=y.won, kind=y.kind) for y in yrkanden
        ],
        reservations=reservations,
        reservation_count=count,
        vote=votes[0] if votes else None,
        votes=votes,
        annotations=annotations,
        conflicts=conflicts,
        amounts_mentioned=mentioned,
        multi_part=len(satser) > 1,
    )


_RESERVES = re.compile(r"reserverar\s+(?:sig|oss)", re.I)
