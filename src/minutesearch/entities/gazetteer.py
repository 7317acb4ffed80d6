"""Project-owned name lists (kommuner, regioner, myndigheter, partier, organ) and ruler patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

_DATA = "minutesearch.data"

# Kommun names that are also common words or surnames ("Berg", "Lund", "vara"); as bare words they
# are left to the statistical model, while "Bergs kommun" is still matched as ORG.
AMBIGUOUS_PLACES = frozenset(
    "Ale Berg Boden Eda Flen Habo Heby Hjo Kil Kinda Lund Mark Mora Nora Orsa Sala Salem Sunne"
    " Tibro Trosa Vara Ydre Lomma Gnesta Kalix Osby Bjuv".split()
)

# Places that are not kommuner but recur in minutes: landskap, countries, län used bare.
EXTRA_PLACES = (
    "Sverige Norge Danmark Finland Europa Jämtland Härjedalen Lappland Dalsland Bohuslän"
    " Västergötland Norrland Hisingen Östergötland Småland Skåne Gotland"
).split()


def _lines(name: str) -> list[str]:
    text = resources.files(_DATA).joinpath(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@dataclass(frozen=True)
class Gazetteer:
    """Kända namn: the project's lists of Swedish public bodies, parties and places."""

    kommuner: tuple[tuple[str, str, str], ...]  # (place, organisation, län)
    regioner: tuple[str, ...]
    agencies: tuple[str, ...]
    bodies: tuple[str, ...]
    parties: dict[str, str] = field(default_factory=dict)  # code -> name (first name per code)
    party_names: tuple[str, ...] = ()

    @property
    def party_codes(self) -> frozenset[str]:
        return frozenset(self.parties)

    def org_names(self) -> list[str]:
        """Every organisation name, with 'X kommun' also as 'X stad' / 'X Kommun'."""
        names: list[str] = []
        for _place, org, _lan in self.kommuner:
            names.append(org)
            if org.endswith(" kommun"):
                stem = org[: -len(" kommun")]
                names += [f"{stem} Kommun", f"{stem} stad", f"{stem} Stad"]
        names += list(self.regioner) + list(self.agencies) + list(self.bodies)
        names += list(self.party_names)
        return list(dict.fromkeys(names))

    def place_names(self) -> list[str]:
        """Bare place names for LOC: kommun places (unambiguous ones), län and landskap."""
        places = [p for p, _org, _lan in self.kommuner if p not in AMBIGUOUS_PLACES]
        places += sorted({lan for _p, _org, lan in self.kommuner})
        places += EXTRA_PLACES
        return list(dict.fromkeys(places))

    def municipality_of(self, text: str) -> str | None:
        """The kommun/region named in free text ("Bräcke Kommun", "RJH, Social välfärd"), if any."""
        low = text.lower()
        if re.search(r"\b(rjh|region jh|region jämtland härjedalen)\b", low):
            return "Region Jämtland Härjedalen"
        for _place, org, _lan in self.kommuner:
            if org.lower() in low:
                return org
        for region in self.regioner:
            if region.lower() in low:
                return region
        return None


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in minutesearch/data (read once per process)."""
    kommuner = tuple(
        (parts[0], parts[1], parts[2]) for parts in (ln.split("\t") for ln in _lines("kommuner.tsv"))
    )
    parties: dict[str, str] = {}
    names: list[str] = []
    for ln in _lines("partier.tsv"):
        code, name = ln.split("\t")
        parties.setdefault(code, name)
        names.append(name)
    return Gazetteer(
        kommuner=kommuner,
        regioner=tuple(_lines("regioner.txt")),
        agencies=tuple(_lines("myndigheter.txt")),
        bodies=tuple(_lines("organ.txt")),
        parties=parties,
        party_names=tuple(names),
    )


def _token_pattern(words: list[str], *, exact: bool) -> list[dict[str, Any]]:
    # One-word names match exactly (case matters: "Kommunstyrelsen", "BUP"); longer names match
    # case-insensitively so "Bräcke Kommun" and "Östersunds kommun" both hit.
    if exact:
        return [{"ORTH": w} for w in words]
    return [{"LOWER": w.lower()} for w in words]


def ruler_patterns(tokenize: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(ORG patterns, LOC patterns) for spaCy entity rulers; `tokenize` is `nlp.make_doc`."""
    gaz = load_gazetteer()
    org: list[dict[str, Any]] = []
    for name in gaz.org_names():
        words = [t.text for t in tokenize(name)]
        org.append({"label": "ORG", "pattern": _token_pattern(words, exact=len(words) == 1)})
    # "Länsstyrelsen i Jämtlands län", "Länsstyrelsen Västra Götaland"
    lan_words = [{"IS_TITLE": True, "OP": "+"}, {"LOWER": "län", "OP": "?"}]
    org.append({"label": "ORG", "pattern": [{"ORTH": "Länsstyrelsen"}, {"LOWER": "i"}, *lan_words]})
    loc: list[dict[str, Any]] = []
    for name in gaz.place_names():
        words = [t.text for t in tokenize(name)]
        loc.append({"label": "LOC", "pattern": _token_pattern(words, exact=True)})
    return org, loc
