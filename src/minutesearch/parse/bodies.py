"""Known Swedish bodies (organ) with their usual short names, and body detection in a heading."""

from __future__ import annotations

import re

from ..vocabulary import BODY_SHORT_NAMES

KNOWN = BODY_SHORT_NAMES  # the old name, re-exported
_SQUASH = re.compile(r"[\s\-–]+")
_GENERIC = re.compile(
    r"([A-ZÅÄÖ][\wåäö]*(?:[\s\-–]+(?:och\s+)?[\wåäö]+){0,5}?"
    r"(?:nämnden|styrelsen|fullmäktige|utskottet|arbetsutskott|gruppen|rådet|beredningen|direktionen"
    r"|förbund|förbundet))\b"
)
_SHORT_AFTER = re.compile(
    r"^\s*(?:\(([A-ZÅÄÖ][\wÅÄÖåäö ]{1,11})\)|[-–]\s*([A-ZÅÄÖ][\wÅÄÖåäö]{1,11})\b)"
)


def squash(text: str) -> str:
    """Lower case without spaces and hyphens: "Överförmyndarnämnde n" == "Överförmyndarnämnden"."""
    return _SQUASH.sub("", text).lower()


_KNOWN_SQUASHED = sorted(((squash(k), k) for k in KNOWN), key=lambda kv: -len(kv[0]))


def find_body(text: str) -> tuple[str, str | None, int] | None:
    """(full name, short name, position in squashed text) of the first body named in `text`."""
    flat = squash(text)
    best: tuple[int, int, str] | None = None
    for sq, name in _KNOWN_SQUASHED:
        pos = flat.find(sq)
        if pos >= 0 and (best is None or pos < best[0] or (pos == best[0] and len(sq) > best[1])):
            best = (pos, len(sq), name)
    if best is not None:
        return best[2], KNOWN[best[2]], best[0]
    m = _GENERIC.search(text)
    if m:
        name = re.sub(r"\s+", " ", m.group(1)).strip()
        return name, None, squash(text[: m.start()]).__len__()
    return None


def short_from_text(text: str, full: str) -> str | None:
    """A short form written right after the full name: "Sociala samrådsgruppen (SocSam)" / "- SocSam"."""
    idx = text.lower().find(full.lower())
    if idx < 0:
        return None
    m = _SHORT_AFTER.match(text[idx + len(full) :])
    if not m:
        return None
    short = (m.group(1) or m.group(2)).strip()
    # An abbreviation has several capitals ("SocSam", "SVOM"); "– Revidering" is a title going on.
    return short if sum(c.isupper() for c in short) >= 2 and len(short) <= 10 else None


def canonical(name: str) -> str:
    """The table's spelling of a known body ("Sociala Samrådsgruppen" -> "Sociala samrådsgruppen")."""
    sq = squash(name)
    for ksq, k in _KNOWN_SQUASHED:
        if ksq == sq:
            return k
    return name
