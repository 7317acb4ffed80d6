"""Yrkanden (who proposed what, of which kind, and whether it won) and reservationer.

The reading itself lives in procedure.py (the § read as the protocol's own procedure); this module
keeps the stored/JSON shape of a yrkande and the plain-text entry points."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from . import procedure
from .procedure import PARTY_NAMES

__all__ = ["PARTY_NAMES", "Motion", "find_motions", "find_reservations"]


@dataclass
class Motion:
    """Yrkande: a proposal made at the meeting, by whom, its kind, and whether it won (None: not
    stated). kind: bifall, avslag, ändring, tillägg, återremiss or bordläggning."""

    by: str
    party: str | None
    text: str
    won: bool | None = None
    kind: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def find_motions(text: str, proceedings: str = "", outcome: str | None = None) -> list[Motion]:
    """Yrkanden in a motions text, with `won` decided from the proceedings when given."""
    yrkanden = procedure.find_yrkanden(text)
    if proceedings or outcome:
        procedure.decide(yrkanden, proceedings, outcome)
    return [Motion(y.by, y.party, y.text, y.won, y.kind) for y in yrkanden]


def find_reservations(text: str) -> list[dict[str, Any]]:
    """Reservationer: [{by, party, text}], one per person (or per party when only parties are named)."""
    return procedure.find_reservations(text)[0]
