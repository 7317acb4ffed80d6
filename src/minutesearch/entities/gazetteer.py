"""Project-owned name lists (kommuner, regioner, myndigheter, partier, organ) and ruler patterns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

_DATA = "minutesearch.data"


def kommun_stem(org: str) -> str | None:
    """'Östersunds kommun' -> 'Östersunds', 'Göteborgs Stad' -> 'Göteborgs'; None for a region."""
    m = re.match(r"^(.+) (?:kommun|stad)$", org, re.I)
    return m.group(1) if m else None


def genitive(name: str) -> str:
    """Swedish genitive: 'Östersund' -> 'Östersunds', 'Alingsås' stays, 'Jämtlands län' -> 'läns'."""
    return name if name[-1] in "sxzSXZ" else name + "s"


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
    extra_places: tuple[str, ...] = ()  # landskap, countries
    ambiguous_places: frozenset[str] = frozenset()  # "Berg", "Lund": words or surnames too
    non_entities: frozenset[str] = frozenset()  # "PPT", "Teams", "Regionens"
    first_names: frozenset[str] = frozenset()  # lower case: "maria", "pär-robert"

    @property
    def party_codes(self) -> frozenset[str]:
        return frozenset(self.parties)

    def org_names(self) -> list[str]:
        """Every organisation name, also as 'X stad' / 'X Kommun', and in the genitive."""
        names: list[str] = []
        for _place, org, _lan in self.kommuner:
            names.append(org)
            stem = kommun_stem(org)
            if stem:
                names += [f"{stem} {word}" for word in ("kommun", "Kommun", "stad", "Stad")]
        for region in self.regioner:
            names.append(region)
            if region.endswith(" län"):  # "Region Kalmar" for "Region Kalmar län"
                names.append(region[: -len(" län")])
        names += list(self.agencies) + list(self.bodies) + list(self.party_names)
        # "Region Jämtland Härjedalens psykiatri", "SocSams sammanträden"
        names += [genitive(n) for n in names]
        return list(dict.fromkeys(names))

    def place_names(self) -> list[str]:
        """Place names for LOC: kommun places (unambiguous ones), län, landskap, countries."""
        places = [p for p, _org, _lan in self.kommuner if p not in self.ambiguous_places]
        lans = sorted({lan for _p, _org, lan in self.kommuner})
        places += lans + [genitive(lan) for lan in lans] + list(self.extra_places)
        places += [genitive(p) for p in places if not p.endswith(" län")]
        return list(dict.fromkeys(places))

    def is_known_non_person(self, text: str) -> bool:
        """True for a name the lists know as a body or place, or with an organisation word in it."""
        low = text.lower()
        if set(low.split()) & _ORG_WORDS:
            return True
        return low in _known_lower()

    def municipality_of(self, text: str) -> str | None:
        """The kommun/region named in free text ("Bräcke Kommun", "RJH, Social välfärd"), if any."""
        low = text.lower()
        if re.search(r"\b(rjh|region jh|region jämtland härjedalen)\b", low):
            return "Region Jämtland Härjedalen"
        for org, needles in _municipality_needles(self):
            if any(n in low for n in needles):
                return org
        return None


_Needles = tuple[tuple[str, tuple[str, ...]], ...]
_NEEDLES: dict[int, tuple[Gazetteer, _Needles]] = {}


def _municipality_needles(gaz: Gazetteer) -> _Needles:
    """Per kommun (then region), the lowercase strings that name it in free text (cached)."""
    cached = _NEEDLES.get(id(gaz))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    out: list[tuple[str, tuple[str, ...]]] = []
    for _place, org, _lan in gaz.kommuner:
        stem = (kommun_stem(org) or org).lower()
        out.append((org, (f"{stem} kommun", f"{stem} stad", org.lower())))
    out += [(region, (region.lower(),)) for region in gaz.regioner]
    _NEEDLES[id(gaz)] = (gaz, tuple(out))
    return tuple(out)


_ORG_WORDS = frozenset(
    ["region", "kommun", "stad", "ab", "län", "nämnden", "styrelsen", "förbund", "kommunförbundet"]
)


@lru_cache(maxsize=1)
def _known_lower() -> frozenset[str]:
    gaz = load_gazetteer()
    return frozenset(n.lower() for n in gaz.org_names() + gaz.place_names())


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in minutesearch/data (read once per process)."""
    kommuner = tuple(
        (parts[0], parts[1], parts[2])
        for parts in (ln.split("\t") for ln in _lines("kommuner.tsv"))
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
        extra_places=tuple(_lines("platser.txt")),
        ambiguous_places=frozenset(_lines("tvetydiga_platser.txt")),
        non_entities=frozenset(_lines("icke_entiteter.txt")),
        first_names=frozenset(n.lower() for n in _lines("fornamn.txt")),
    )


def ruler_patterns(tokenize: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(case-insensitive, exact) patterns for the two gazetteer rulers; `tokenize` is `nlp.make_doc`.

    Names are phrase patterns (spaCy's PhraseMatcher): token patterns made the ruler 3–4 times
    slower than the NER model itself. One-word names match exactly (case matters:
    "Kommunstyrelsen", "BUP"); longer names match case-insensitively so "Bräcke Kommun" and
    "Östersunds kommun" both hit. Places always match exactly.
    """
    gaz = load_gazetteer()
    lower: dict[tuple[str, str], dict[str, Any]] = {}
    exact: dict[tuple[str, str], dict[str, Any]] = {}
    for name in gaz.org_names():
        words = [t.text for t in tokenize(name)]
        if len(words) == 1:
            exact[("ORG", name)] = {"label": "ORG", "pattern": name}
        else:
            lower[("ORG", name.lower())] = {"label": "ORG", "pattern": name.lower()}
    for name in gaz.place_names():
        exact.setdefault(("LOC", name), {"label": "LOC", "pattern": name})
    # "Länsstyrelsen i Jämtlands län", "Länsstyrelsen Västra Götaland": a token pattern.
    lan_words = [{"IS_TITLE": True, "OP": "+"}, {"LOWER": "län", "OP": "?"}]
    lan = {"label": "ORG", "pattern": [{"ORTH": "Länsstyrelsen"}, {"LOWER": "i"}, *lan_words]}
    return [*lower.values(), lan], list(exact.values())
