"""Beslut as structured data: outcome type, amounts, yrkanden, reservationer; `find_decisions`."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .motions import Motion, decide_won, find_motions, find_reservations
from .text import one_line, split_sections

if TYPE_CHECKING:
    from ..config import Settings
    from ..search import SearchFilters
    from ..store import Store

OUTCOMES = (
    "bifall",
    "avslag",
    "återremiss",
    "bordläggning",
    "uppdrag",
    "information",
    "val",
    "överlämnad",
    "other",
)
# A matter sent back or tabled is that, whatever else the text says; otherwise the kind of the
# first thing decided counts ("godkänna … samt översänds till kommunerna" is an approval).
_RULES: list[tuple[str, re.Pattern[str]]] = [
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
            r"\böverlämna(?:s|r|des)?\b|\böversänd|\bhänskjut|\blämnas (?:vidare )?till\b", re.I
        ),
    ),
    (
        "bifall",
        re.compile(
            r"godkänn|\bgodkänd|\bgodkänt|fastställ|\banta(?:s|r|ga)\b|\bantogs\b|\bbifall"
            r"|\bbevilja|\btillstyrk|\bfördela\b|\binförs\b|\binrätta|\brevideras\b",
            re.I,
        ),
    ),
    ("uppdrag", re.compile(r"i uppdrag|\buppdra(?:r|s|ga)?\b|\bges uppdrag", re.I)),
    (
        "information",
        re.compile(
            r"till handlingarna|\bnoter(?:ar|as|ades)\b|\bantecknas\b|\bantecknar\b"
            r"|informationen|tackar för|\binformation\b|anses (?:vara )?besvarad",
            re.I,
        ),
    ),
]
# "Enligt stadsledningskontorets förslag:" approves the proposal when nothing stronger is said.
_WEAK_BIFALL = re.compile(
    r"\benligt\b[^.:]{0,80}\bförslag|\bbeslutar att\b|\bbeslutar om\b|\bhöjs\b|\bsänks\b"
    r"|ställer sig bakom|\baccepterar\b|\bundantas\b",
    re.I,
)
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


def classify_outcome(decision: str | None, text: str = "") -> str:
    """Outcome type of a decision text (see OUTCOMES); an item with no decision may be information."""
    if decision:
        found = [(m.start(), outcome) for outcome, p in _RULES if (m := p.search(decision))]
        dominant = [o for _, o in found if o in ("återremiss", "bordläggning")]
        if dominant:
            return dominant[0]
        if found:
            return min(found)[1]  # the first thing decided is the main thing decided
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
    """Beslut: one item's decision with its outcome, amounts, yrkanden and reservationer."""

    decision: str | None
    outcome: str
    amounts: list[int | float] = field(default_factory=list)
    motions: list[Motion] = field(default_factory=list)
    reservations: list[dict[str, Any]] = field(default_factory=list)


def extract_decision(text: str, parts: dict[str, str | None] | None = None) -> Decision:
    """An item's text (and the parser's parts, when filled) -> its Decision."""
    parts = parts or {}
    sections = split_sections(text)
    decision = parts.get("decision") or sections.get("decision")
    if not decision:
        # Minutes without a "Beslut" heading state it in the running text ("SocSam noterar att …").
        found = [
            s.group(0).strip()
            for s in _DECISION_SENTENCE.finditer(one_line(sections.get("head", text)))
            if not re.search(r"\bbeslutades\b|\bbeslutade\b|sammanträde den", s.group(0))
        ]
        decision = found[-1] if found else None
    # One source each (ours, else the parser's): joining both would count every yrkande twice.
    motions = find_motions(sections.get("motions") or parts.get("motions") or "")
    if not motions:
        motions = find_motions(sections.get("proposal") or parts.get("proposal") or "")
    proceedings = sections.get("proceedings") or parts.get("proceedings") or ""
    decide_won(motions, proceedings)
    return Decision(
        decision=decision.strip() if decision else None,
        outcome=classify_outcome(decision, text),
        amounts=find_amounts(one_line(text)),
        motions=motions,
        reservations=find_reservations(sections.get("reservations") or proceedings or text),
    )


def decision_json(store: Store, row: sqlite3.Row) -> dict[str, Any]:
    """The `decisions --json` contract for one item row (joined with its decision)."""
    motions = [
        {
            "by": m["by"],
            "party": m["party"],
            "text": m["text"],
            "won": None if m["won"] is None else bool(m["won"]),
        }
        for m in store.conn.execute(
            "SELECT * FROM motions WHERE item_id=? ORDER BY position", (row["id"],)
        )
    ]
    return {
        "id": row["id"],
        "body": row["body"],
        "body_short": row["body_short"],
        "date": row["date"],
        "section": row["section"],
        "title": row["title"],
        "decision": row["decision_text"],
        "outcome": row["outcome"],
        "amounts": json.loads(row["amounts"]),
        "motions": motions,
        "reservations": json.loads(row["reservations"]),
        "source": row["source"],
    }


DECISION_SELECT = (
    "SELECT i.id, i.section, i.title, d.body, d.body_short, d.date, d.source, d.kind,"
    " x.decision AS decision_text, x.outcome, x.amounts, x.reservations"
    " FROM decisions x JOIN items i ON i.id = x.item_id JOIN documents d ON d.id = i.doc_id"
)


def find_decisions(
    store: Store,
    settings: Settings,
    query: str | None = None,
    filters: SearchFilters | None = None,
    *,
    outcome: str | None = None,
) -> list[dict[str, Any]]:
    """Decisions (newest first), of items matching `query` when given, within `filters`."""
    from .matching import matching_item_ids

    ids = matching_item_ids(store, settings, query, filters, mode="keyword")
    sql = (
        DECISION_SELECT
        + " WHERE i.canonical_id IS NULL AND (x.decision IS NOT NULL OR x.outcome != 'other')"
    )
    args: list[Any] = []
    if outcome:
        sql += " AND x.outcome = ?"
        args.append(outcome)
    rows = [
        r
        for r in store.conn.execute(sql + " ORDER BY d.date DESC, d.id, i.position", args)
        if r["id"] in ids
    ]
    return [decision_json(store, r) for r in rows]
