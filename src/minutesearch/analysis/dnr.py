"""Diarienummer in the forms minutes write them, normalised so the same matter meets itself."""

from __future__ import annotations

import re

# "2026.016 KS", "KS 2026.016", "KS2026/016", "SLK-2023-00050", "RS/123/2023"
_DNR = re.compile(
    r"\b(?:(?P<o1>[A-ZÅÄÖ]{2,6})\s?(?P<n1>(?:19|20)\d{2}[.:/]\d{1,5})"
    r"|(?P<n2>(?:19|20)\d{2}[.:/]\d{1,5})\s?(?P<o2>[A-ZÅÄÖ]{2,6})"
    r"|(?P<g>[A-ZÅÄÖ]{2,6}-(?:19|20)\d{2}-\d{3,6}))\b"
)


def normalise_dnr(text: str | None) -> str | None:
    """'2026.016 KS' and 'KS 2026.016' -> 'KS 2026.016'; 'SLK-2023-00050' stays; None if none."""
    if not text:
        return None
    m = _DNR.search(text)
    if not m:
        return None
    if m.group("g"):
        return m.group("g")
    org = m.group("o1") or m.group("o2")
    number = re.sub(r"[:/]", ".", m.group("n1") or m.group("n2"))
    return f"{org} {number}"


def item_dnr(dnr: str | None, title: str, text: str) -> str | None:
    """An item's diarienummer: the parser's, else one in its title or first lines (not the body,
    where other matters' numbers are cited)."""
    return normalise_dnr(dnr) or normalise_dnr(title) or normalise_dnr(text[:160])
