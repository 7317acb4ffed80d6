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


# -- one search key per diarienummer, whatever form it is typed in ------------------------------

# "KS 2020.008", "KS 2020/8", "KS2020/008", "2020.008 KS", "2020.008", "SLK-2024-00062",
# "SOU 2024:25", "RS/123/2023". The organ is upper case (as minutes and people write it).
DNR_ANY = re.compile(
    r"(?<![\w/.])(?:"
    r"(?P<o1>[A-ZÅÄÖ]{2,8})[ -]?(?P<y1>(?:19|20)\d{2})[/:.-](?P<n1>\d{1,6})"
    r"|(?P<y2>(?:19|20)\d{2})[.:/](?P<n2>\d{1,6})(?:[ -](?P<o2>[A-ZÅÄÖ]{2,8})(?![\w]))?"
    r"|(?P<o3>[A-ZÅÄÖ]{2,8})/(?P<n3>\d{1,6})/(?P<y3>(?:19|20)\d{2})"
    r")(?![\w/])"
)


def dnr_key(match: re.Match[str], *, with_org: bool = True) -> str:
    """The search key of a DNR_ANY match: 'ks/2020/8' for "KS 2020.008", "2020.008 KS" and
    "KS 2020/8" alike (the number as an integer); with_org=False or no organ: '2020/8'."""
    org = match.group("o1") or match.group("o2") or match.group("o3") or ""
    year = match.group("y1") or match.group("y2") or match.group("y3")
    number = int(match.group("n1") or match.group("n2") or match.group("n3"))
    key = f"{year}/{number}"
    return f"{org.lower()}/{key}" if org and with_org else key


def dnr_keys(text: str | None) -> list[str]:
    """Every key of every diarienummer in a text: with its organ and without (so "2020.008"
    finds "KS 2020.008"), each once."""
    out: dict[str, None] = {}
    for m in DNR_ANY.finditer(text or ""):
        out[dnr_key(m)] = None
        out[dnr_key(m, with_org=False)] = None
    return list(out)
