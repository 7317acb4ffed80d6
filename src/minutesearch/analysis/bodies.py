"""Names of bodies (organ) as written in running text -> one key, so references can be resolved."""

from __future__ import annotations

import re

# Key -> ways minutes name the body. Abbreviations are matched case-sensitively (as written in
# Beslutsunderlag: "§68 KSAU"), full names in any case and with a genitive ("Kommunstyrelsens").
_BODIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kf": (("kommunfullmäktige",), ("KF",)),
    "ksau": (("kommunstyrelsens arbetsutskott",), ("KSAU", "KS AU", "KS-AU")),
    "ks": (("kommunstyrelsen", "kommunstyrelse"), ("KS",)),
    "tenau": (("tekniska nämndens arbetsutskott",), ("TEN AU", "TENAU", "TEN-AU")),
    "ten": (("tekniska nämnden", "tekniska nämnd"), ("TEN", "TN")),
    "sbn": (("samhällsbyggnadsnämnden", "samhällsbyggnadsnämnd"), ("SBN",)),
    "bunau": (("barn- och ungdomsnämndens arbetsutskott",), ("BUN AU", "BUNAU", "BUN-AU")),
    "bun": (("barn- och ungdomsnämnden", "barn- och ungdomsnämnd"), ("BUN",)),
    "vonau": (("vård- och omsorgsnämndens arbetsutskott",), ("VONAU", "VON AU", "VON-AU")),
    "von": (("vård- och omsorgsnämnden", "vård- och omsorgsnämnd"), ("VON",)),
    "snau": (("socialnämndens arbetsutskott",), ("SNAU", "SN AU", "SN-AU")),
    "sn": (("socialnämnden", "socialnämnd"), ("SN",)),
    "kunau": (("kultur- och utbildningsnämndens arbetsutskott",), ("KUNAU", "KUN AU", "KUN-AU")),
    "kun": (("kultur- och utbildningsnämnden", "kultur- och utbildningsnämnd"), ("KUN",)),
    "bmn": (("bygg- och miljönämnden", "bygg- och miljönämnd"), ("BMN",)),
    "öfn": (("överförmyndarnämnden", "överförmyndarnämnd"), ("ÖFN",)),
    "socsam": (("sociala samrådsgruppen", "social samrådsgruppen"), ("SocSam", "SOCSAM")),
    "svom": (("sociala vård och omsorgsgruppen", "sociala vård- och omsorgsgruppen"), ("SVOM",)),
    "rf": (("regionfullmäktige",), ("RF",)),
    "rs": (("regionstyrelsen",), ("RS",)),
    "avrf": (("alingsås-vårgårda räddningstjänstförbund",), ("AVRF",)),
    "barnarena": (("barnarenan", "barnarena"), ()),
}
_LOOKUP: dict[str, str] = {}
for _key, (_names, _abbrevs) in _BODIES.items():
    for _n in _names + _abbrevs:
        _LOOKUP[_n.lower()] = _key

_NAMES = sorted({n for names, _ in _BODIES.values() for n in names}, key=len, reverse=True)
_ABBREVS = sorted({a for _, abbrevs in _BODIES.values() for a in abbrevs}, key=len, reverse=True)
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
    if key in _BODIES:
        return key
    short = body_key(body_short)
    return short if short in _BODIES else key or short
