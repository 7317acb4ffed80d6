"""Person identity: one cluster per real human, from names seen in attendance lists and text.

The recipe: exact match on a normalised name, then near match (same first name, surname within
a small edit distance, same municipality or body, no party conflict), then name parts (short
forms from a nickname table; "M. Östlund" through the same document's people). Two names that
appear side by side in one attendance list are never merged, and nothing is guessed: a name with
more than one candidate stays unresolved.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from ..vocabulary import fold_ascii as ascii_fold  # the old name, re-exported

PARTY_RE = re.compile(r"\(\s*(S|M|SD|C|V|KD|L|MP|D)\s*\)")
_TAGS = re.compile(r"<[^>]+>")
_INITIAL = re.compile(r"^([A-ZÅÄÖÉ])\.?$")

# Swedish short forms -> formal first names (lower case); both directions are checked.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "peppe": ("pär-robert", "per-robert", "per", "pär"),
    "pelle": ("per", "pär"),
    "bosse": ("bo",),
    "lasse": ("lars",),
    "janne": ("jan",),
    "micke": ("mikael", "michael"),
    "kalle": ("karl", "carl"),
    "olle": ("olof", "olov"),
    "nisse": ("nils",),
    "kicki": ("kristina", "christina"),
    "lotta": ("charlotte", "charlotta"),
    "lena": ("helena", "magdalena"),
    "maggan": ("margareta", "margaretha"),
    "stina": ("kristina", "christina"),
    "gugge": ("gustav", "gustaf"),
    "totte": ("torsten",),
    "affe": ("alf",),
    "sigge": ("sigvard", "sigurd"),
    "jocke": ("joakim", "joachim"),
    "kenta": ("kent",),
    "tompa": ("tomas", "thomas"),
}


@lru_cache(maxsize=1)
def role_words() -> frozenset[str]:
    """Titles the model sometimes takes into a name ("Ordföranden Jonas Attenius"): data/titlar.txt."""
    text = resources.files("minutesearch.data").joinpath("titlar.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=200_000)
def clean_name(raw: str) -> str:
    """'Margareta Winberg (S), ordförande' -> 'Margareta Winberg' (cached: called per mention)."""
    text = _TAGS.sub("", unicodedata.normalize("NFC", raw))
    text = PARTY_RE.split(text)[0]
    text = re.split(r"[,(§\t]| – | - ", text)[0]
    text = re.sub(r"\s*-\s*", "-", text)  # "Lec - Alsén" / "Lec- Alsén" spacing
    words = text.replace(".....", " ").split()
    while len(words) > 1 and words[0].lower().strip(".:") in role_words():
        words.pop(0)
    return " ".join(words).strip(" .:;")


# Headings and procedure words a line join glues before a name: "Anteckning Jan-Erik Wallin (M)",
# "EOMS Tilläggsyrkande Heidi Hankanen Ängberg". A name starts at its first name, so words before a
# known first name are dropped when the first word is not one itself (see `strip_lead`).
PROCEDURE_WORDS = frozenset(
    [
        "anteckning",
        "protokollsanteckning",
        "yrkande",
        "yrkanden",
        "tilläggsyrkande",
        "ändringsyrkande",
        "återremissyrkande",
        "reservation",
        "reservationer",
        "omröstning",
        "beslut",
        "beslutsgång",
        "proposition",
        "förslag",
        "jäv",
        "särskilt",
        "yttrande",
        "justering",
        "justerare",
        "närvarande",
        "ersättare",
        "ledamöter",
        "ledamot",
        "tjänstgörande",
    ]
)


def _is_first(word: str, firsts: frozenset[str] | set[str]) -> bool:
    low = word.lower()
    return low in firsts or all(part in firsts for part in low.split("-") if part)


def strip_lead(name: str, firsts: frozenset[str] | set[str], *, in_text: bool = True) -> str:
    """'Anteckning Jan-Erik Wallin' -> 'Jan-Erik Wallin': procedure words are not part of a name,
    nor (`in_text`: a name found in running text) words before the first known first name when
    the name does not start with one."""
    words = name.split()
    while len(words) > 2 and words[0].lower().strip(".:") in PROCEDURE_WORDS:
        words.pop(0)
    if in_text and len(words) > 2 and not _is_first(words[0], firsts):
        for k in range(1, len(words) - 1):
            if _is_first(words[k], firsts):
                words = words[k:]
                break
    return " ".join(words)


def name_key(name: str) -> str:
    """Exact-match key: case, hyphen and spacing variants collapse ("Lec-Alsén" = "Lec Alsén")."""
    return " ".join(clean_name(name).lower().replace("-", " ").split())


# Places and institutions named after people: "Gustav Adolfsskolan", "Anna Lindhs plats".
_PLACE_SUFFIX = re.compile(
    r"(skolan|skola|gården|huset|parken|vägen|gatan|torget|platsen|hallen|kyrkan|fonden|stiftelsen"
    r"|förskolan|centret|centrum|akademin|priset|salen)s?$",
    re.I,
)


def looks_like_full_name(name: str) -> bool:
    """Two or more capitalised words, none an initial: 'Maria Östlund', not 'M. Östlund'."""
    words = name.split()
    if not 2 <= len(words) <= 5 or _PLACE_SUFFIX.search(words[-1]):
        return False
    return all(
        re.match(r"^[A-ZÅÄÖÉÜ][a-zåäöéüøæ]+(-[A-ZÅÄÖÉa-zåäöé][a-zåäöéüøæ]+)*$", w) for w in words
    )


def initial_form(name: str) -> tuple[str, str] | None:
    """'M. Östlund' -> ('m', 'östlund'); None for anything else."""
    words = name.replace(".", ". ").split()
    if len(words) >= 2 and _INITIAL.match(words[0]):
        return words[0][0].lower(), " ".join(words[1:]).lower().replace("-", " ")
    return None


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, cut off at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) >= limit:
            return limit
        prev = cur
    return min(prev[-1], limit)


@dataclass
class Observation:
    """One sighting of a person: in an attendance list, as chair/presenter, or in running text."""

    name: str
    doc_id: str
    kind: str = "mention"  # attendee, chair, secretary, adjuster, presenter, mention
    party: str | None = None
    org: str | None = None  # normalised municipality/region, when known
    raw_org: str | None = None
    title: str | None = None
    body: str | None = None
    item_id: str | None = None


@dataclass
class Cluster:
    """Person: every observation believed to be one real human."""

    key: str
    obs: list[Observation] = field(default_factory=list)

    first: str = ""  # first name, hyphen kept: 'pär-robert'
    surname: str = ""  # surname(s), hyphens as spaces: 'lec alsén', 'nyberg finn'

    @classmethod
    def of(cls, key: str, name: str) -> Cluster:
        first = clean_name(name).lower().split()[0]
        return cls(key, [], first, " ".join(key.split()[len(first.split("-")) :]))

    @property
    def names(self) -> Counter[str]:
        return Counter(clean_name(o.name) for o in self.obs)

    def values(self, attr: str) -> set[str]:
        return {v for o in self.obs if (v := getattr(o, attr))}

    def docs_listed(self) -> set[str]:
        return {o.doc_id for o in self.obs if o.kind == "attendee"}

    @property
    def display(self) -> str:
        """The formal, most frequent spelling; attendance-list spellings win ties."""
        listed = Counter(clean_name(o.name) for o in self.obs if o.kind == "attendee")
        counts = self.names + listed
        # "Andersson Näsman" is the surname form of "Britt Andersson Näsman": never the display.
        keys = {n: name_key(n).split() for n in counts}
        whole = [
            n
            for n in counts
            if not any(
                len(k) > len(keys[n]) and k[-len(keys[n]) :] == keys[n] for k in keys.values()
            )
        ]
        formal = [n for n in whole if n.split()[0].lower() not in NICKNAMES] or whole
        return max(formal, key=lambda n: (counts[n], "-" in n, n))


def _compatible(a: Cluster, b: Cluster) -> bool:
    """No conflicting party, and the two never appear as separate entries in one list."""
    pa, pb = a.values("party"), b.values("party")
    if pa and pb and not pa & pb:
        return False
    return not (a.docs_listed() & b.docs_listed())


def _same_place(a: Cluster, b: Cluster) -> bool:
    oa, ob = a.values("org"), b.values("org")
    return bool(oa & ob)


def _near(a: Cluster, b: Cluster) -> bool:
    if a.first != b.first or not a.surname or not b.surname:
        return False
    limit = 1 if min(len(a.surname), len(b.surname)) < 6 else 2
    # Accents cost nothing: "César" / "Cesár" are the same spelling typed twice.
    if edit_distance(ascii_fold(a.surname), ascii_fold(b.surname)) > limit:
        return False
    same_body = bool(a.values("body") & b.values("body"))
    return _same_place(a, b) and (same_body or bool(a.values("party") & b.values("party")))


def _shared_evidence(a: Cluster, b: Cluster) -> bool:
    """Strong evidence two spellings are one person: seen in the same document, or in the same
    body with the same party."""
    if {o.doc_id for o in a.obs} & {o.doc_id for o in b.obs}:
        return True
    same_body = bool(a.values("body") & b.values("body"))
    return same_body and bool(a.values("party") & b.values("party"))


def _first_variant(a: Cluster, b: Cluster) -> bool:
    """'Jögen'/'Jörgen Fogelklou', 'Veronica'/'Veronika Alvdén Bona': the same surname, first
    names one edit apart (accents free), and shared evidence."""
    if a.surname != b.surname or not a.surname or a.first == b.first:
        return False
    if min(len(a.first), len(b.first)) < 4:
        return False
    if edit_distance(ascii_fold(a.first), ascii_fold(b.first), limit=2) > 1:
        return False
    return _shared_evidence(a, b)


def _surname_form(a: Cluster, b: Cluster, firsts: frozenset[str] | set[str]) -> bool:
    """'Andersson Näsman' is 'Britt Andersson Näsman' when one name is the other's surname(s)
    and does not start with a first name; shared evidence required."""
    short, long_ = (a, b) if len(a.key.split()) < len(b.key.split()) else (b, a)
    sk, lk = short.key.split(), long_.key.split()
    if len(sk) < 2 or len(lk) <= len(sk) or lk[-len(sk) :] != sk:
        return False
    if _is_first(sk[0], firsts):
        return False
    return _shared_evidence(a, b)


def _nickname(a: Cluster, b: Cluster) -> bool:
    if a.surname != b.surname or not a.surname or a.first == b.first:
        return False
    related = b.first in NICKNAMES.get(a.first, ()) or a.first in NICKNAMES.get(b.first, ())
    if not related or not _same_place(a, b):
        return False
    ta, tb = {t.lower() for t in a.values("title")}, {t.lower() for t in b.values("title")}
    return not (ta and tb and not ta & tb)


def cluster_full_names(
    observations: list[Observation], firsts: frozenset[str] | set[str] = frozenset()
) -> list[Cluster]:
    """Exact, then near, nickname, first-name variant and surname-form merges over observations
    with full names (`firsts`: known first names, lower case)."""
    by_key: dict[str, Cluster] = {}
    for o in observations:
        key = name_key(o.name)
        if key not in by_key:
            by_key[key] = Cluster.of(key, o.name)
        by_key[key].obs.append(o)
    # "Axel Josefsons yrkande": a genitive is the same name when the base form is known.
    for key in sorted(by_key):
        base = by_key.get(key[:-1]) if key.endswith("s") else None
        if base is not None and by_key[key] is not base:
            base.obs += by_key.pop(key).obs
    clusters = sorted({id(c): c for c in by_key.values()}.values(), key=lambda c: c.key)

    def surname_form(a: Cluster, b: Cluster) -> bool:
        return _surname_form(a, b, firsts)

    def last_word(c: Cluster) -> str:
        return c.key.split()[-1]

    rules: tuple[tuple[Any, Any], ...] = (
        (_near, lambda c: c.first),
        (_nickname, lambda c: c.surname),
        (_first_variant, lambda c: c.surname),
        (surname_form, last_word),
    )
    for rule, group in rules:
        # Only clusters sharing a first name (near) or a surname (nickname) can match.
        buckets: dict[str, list[Cluster]] = {}
        for c in clusters:
            buckets.setdefault(group(c), []).append(c)
        gone: set[int] = set()
        for bucket in buckets.values():
            for i, a in enumerate(bucket):
                if id(a) in gone:
                    continue
                partners = [
                    b
                    for b in bucket[i + 1 :]
                    if id(b) not in gone and rule(a, b) and _compatible(a, b)
                ]
                if len(partners) == 1:  # more than one candidate: leave it, never guess
                    b = partners[0]
                    a.obs += b.obs
                    gone.add(id(b))
                    if len(b.key.split()) > len(a.key.split()):  # the full name names the cluster
                        a.key, a.first, a.surname = b.key, b.first, b.surname
        clusters = [c for c in clusters if id(c) not in gone]
    return clusters


def resolve_partial(name: str, candidates: list[Cluster]) -> Cluster | None:
    """A short name ('M. Östlund', 'Östlund', 'Maria') among one document's people, if unique."""
    init = initial_form(name)
    key = name_key(name)
    if init:
        letter, surname = init
        hits = [c for c in candidates if c.surname == surname and c.first.startswith(letter)]
    elif " " not in key:
        hits = [c for c in candidates if key in (c.surname, c.first, c.key.split()[-1])]
    else:
        hits = [c for c in candidates if c.key == key or c.surname == key]
    unique = {id(c): c for c in hits}
    return next(iter(unique.values())) if len(unique) == 1 else None
