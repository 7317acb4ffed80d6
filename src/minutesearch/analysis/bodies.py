"""Names of bodies (organ) as written in running text -> one key, so references can be resolved."""

from __future__ import annotations

import re

from ..vocabulary import BODY_NAMES

_LOOKUP: dict[str, str] = {}
for _key, (_names, _abbrevs) in BODY_NAMES.items():
    for _n in _names + _abbrevs:
        _LOOKUP[_n.lower()] = _key

_NAMES = sorted({n for names, _ in BODY_NAMES.values() for n in names}, key=len, reverse=True)
_ABBREVS = sorted({a for _, abbrevs in BODY_NAMES.values() for a in abbrevs}, key=len, reverse=True)
# A body named in text: "Kommunstyrelsens arbetsutskott", "SocSam:s", "KSAU", "dåvarande SBN".
BODY_PATTERN = (
    r"(?:(?i:dåvarande)\s+)?(?:"
    + "|".join(rf"(?i:{re.escape(n)})(?:s|:s)?" for n in _NAMES)
    + "|"
    + "|".join(rf"{re.escape(a)}(?::s)?" for a in _ABBREVS)
    + r")(?![\wåäö])"
)
BODY_RE = re.compile(BODY_PATTERN)


def body_key(name: str | None) -> str | None:
    """'Kommunstyrelsens arbetsutskott', 'KSAU', 'SocSam:s' -> 'ksau' / 'socsam'; unknown names
    -> their lowercased, de-genitived form; None for None."""
    if not name:
        return None
    clean = re.sub(r"^(?:dåvarande)\s+", "", name.strip().lower())
    clean = clean.split(",")[-1].strip()  # "Alingsås kommun, Kommunstyrelsen"
    clean = re.sub(r"\s+", " ", clean)
    for candidate in (clean, clean.removesuffix(":s"), clean.removesuffix("s")):
        if candidate in _LOOKUP:
            return _LOOKUP[candidate]
    return clean.removesuffix(":s")


def document_key(body: str | None, body_short: str | None) -> str | None:
    """The key of a stored document's body (its full name first, then its short name)."""
    key = body_key(body)
    if key in BODY_NAMES:
        return key
    short = body_key(body_short)
    return short if short in BODY_NAMES else key or short
