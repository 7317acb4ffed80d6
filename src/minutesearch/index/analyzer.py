"""Swedish text analysis: the keyword index's analyzer, the query language and snippets.

The analyzer does what Elasticsearch's `swedish` analyzer does.

Tokenize on letters and digits (å/ä/ö/é are letters), lowercase, drop the Lucene/Snowball Swedish
stop words, then stem with Snowball Swedish. Snowball leaves the definite singular (-et, -an) and a
doubled final consonant in place, so "familjehemmet" and "familjehem" (or "psykiatrin" and
"psykiatri") would not meet; a small extra step strips those. Bump ANALYZER_VERSION whenever the output changes: the index stamp
records it and a mismatch asks for `ingest --rebuild`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..errors import QueryError
from ..vocabulary import DNR_ANY, dnr_key, dnr_search_key
from ..vocabulary import fold_swedish as fold

ANALYZER_VERSION = 4

# Letters (any script, so å/ä/ö/é survive) and digits; "2023/123" splits into 2023 and 123.
TOKEN_PATTERN = r"[^\W_]+"
_DOUBLE_END = re.compile(r"([bdfgklmnprstv])\1$")
_VOWEL_N = re.compile(r"[aeiouyåäö]n$")


def _post_stem(stem: str) -> str:
    """Strip what Snowball keeps: definite -et/-an/-n, then a doubled final consonant."""
    if len(stem) >= 7 and stem.endswith(("et", "an")):
        stem = stem[:-2]
    elif len(stem) >= 6 and _VOWEL_N.search(stem):
        stem = stem[:-1]
    if len(stem) >= 5 and _DOUBLE_END.search(stem):
        stem = stem[:-1]
    return stem


@lru_cache(maxsize=1)
def _snowball() -> Any:
    from whoosh.lang.snowball.swedish import SwedishStemmer

    return SwedishStemmer()


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """The index form of one lowercased word."""
    return _post_stem(_snowball().stem(word))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The Lucene/Snowball Swedish stop list (114 words)."""
    from whoosh.lang import stopwords_for_language

    return frozenset(stopwords_for_language("sv"))


_WORD = re.compile(TOKEN_PATTERN)
_TERM_CACHE: dict[str, tuple[str, tuple[str, ...]]] = {}


def _term(token: str) -> tuple[str, tuple[str, ...]]:
    """A token's index term and the stems of its compound parts ("" when a stop word)."""
    cache = _TERM_CACHE
    found = cache.get(token)
    if found is None:
        if len(cache) > 500_000:
            cache.clear()
        word = fold(token)
        if word in stop_words():
            found = ("", ())
        else:
            stem = stem_word(word)
            found = (stem, tuple(s for s in part_stems(word) if s != stem))
        cache[token] = found
    return found


@lru_cache(maxsize=100_000)
def _compound(word: str) -> tuple[tuple[str, ...], str, str] | None:
    """A compound's modifier stems, its head's stem, and the head as the whole word's stem
    ends ("familjehemmen": (familj,), hemm, hem); None for a word that is not a compound.

    The whole word's stem is the same for every inflection, so its tail is the head form that
    "familjehem", "familjehemmen" and "familjehemmet" share; the head's own stem is the form
    the head has as a word of its own ("böter" -> böt)."""
    from .decompound import split

    parts = split(word)
    if not parts:
        return None
    head = parts[-1]
    lead = word[: len(word) - len(head)]
    whole = stem_word(word)
    tail = whole[len(lead) :] if whole.startswith(lead) and len(whole) - len(lead) >= 2 else ""
    own = stem_word(head)
    return tuple(stem_word(p) for p in parts[:-1]), own, tail or own


def part_stems(word: str) -> tuple[str, ...]:
    """The stems a compound adds to the index: its modifiers', its head's (as a word and as
    the compound's stem ends); () for a word that is not a compound. Parts are not split
    again: "parkering" is not park + ring."""
    found = _compound(word)
    if found is None:
        return ()
    mods, own, tail = found
    return tuple(dict.fromkeys((*mods, own, tail)))


def query_parts(word: str) -> list[str]:
    """The stems that stand in for a compound in a query, all required: its modifiers' and
    its head's as the compound's stem ends (the same for every inflection of the word)."""
    found = _compound(fold(word))
    if found is None:
        return []
    mods, _, tail = found
    return list(dict.fromkeys((*mods, tail)))


def analyze(text: str) -> list[str]:
    """The index terms of a text: tokenize, lowercase, drop stop words, stem (in order).

    Both keyword engines index these terms (joined by spaces), so they rank the same words.
    Words are stemmed once per process (a dict lookup afterwards): this runs over every item
    at ingest, where Whoosh's token pipeline cost 30 times as much.
    """
    out: list[str] = []
    for token in _WORD.findall(text):
        term = _term(token)[0]
        if term:
            out.append(term)
    return out


def compound_parts(text: str) -> list[str]:
    """The stems of the compound parts in a text, once per occurrence (in order)."""
    out: list[str] = []
    for token in _WORD.findall(text):
        out += _term(token)[1]
    return out


def index_text(text: str) -> str:
    """The analysed text an engine indexes: the terms of `analyze`, then the compound parts.

    The parts come after all the words, so a phrase of the text keeps its positions, and
    "böter" finds an item that says "parkeringsböter" (see decompound.py).
    """
    terms: list[str] = []
    parts: list[str] = []
    for token in _WORD.findall(text):  # one pass: this runs over every item at ingest
        term, extra = _term(token)
        if term:
            terms.append(term)
        if extra:
            parts += extra
    return " ".join(terms + parts)


normalize_dnr = dnr_search_key  # the old name: a diarienummer as its one search key


def dnr_alternatives(key: str) -> list[tuple[str, float]]:
    """The index keys a queried diarienummer matches, with their weight: 'ks/2020/8' first,
    then '2020/8' (the same number written without its organ) at half weight."""
    head, _, rest = key.partition("/")
    if head.isalpha() and rest:
        return [(key, DNR_BOOST), (rest, DNR_BOOST / 2)]
    return [(key, DNR_BOOST)]


# -- the query language ----------------------------------------------------------------------

# Diarienummer as written in minutes and typed by people: "KS 2023/123", "SLK-2024-00062",
# "2026.016 KS", "KS 2026.016", "SOU 2025:99", "2020.008" (analysis.dnr: one pattern, one key).
DNR_PATTERN = DNR_ANY
_SECTION = re.compile(r"§\s*(\d{1,4})\b")
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass
class Clause:
    """One required or excluded part of a query: a word, a phrase or a prefix (already stemmed)."""

    stems: list[str]
    prefix: str | None = None
    raw: str = ""
    parts: list[str] = field(default_factory=list)  # a compound's part stems: all may stand in

    @property
    def is_phrase(self) -> bool:
        """More than one stem: the words must stand together, in order."""
        return len(self.stems) > 1


@dataclass
class ParsedQuery:
    """A query split into required clauses, exclusions, diarienummer and § numbers."""

    must: list[Clause] = field(default_factory=list)
    exclude: list[Clause] = field(default_factory=list)
    dnrs: list[tuple[str, list[str]]] = field(default_factory=list)  # (normalised key, stems)
    sections: list[str] = field(default_factory=list)
    plain: str = ""  # the query as asked, without operators or -words: for the embedder
    optional: list[Clause] = field(default_factory=list)  # question words: never required

    def match_stems(self) -> set[str]:
        """The stems a snippet should highlight."""
        out = {s for c in self.must for s in c.stems}
        return out | {s for _, stems in self.dnrs for s in stems}

    def match_prefixes(self) -> list[str]:
        """The prefixes (of `word*`) a snippet should highlight."""
        return [c.prefix for c in self.must if c.prefix]


MAX_CLAUSES = 64
MAX_QUERY_CHARS = 6000  # about a page: longer is not a query
# Words of a question that say what kind of answer is wanted, not what it is about: "vad ska
# det kosta", "får man parkera", "vilka beslut finns om". Searched, never required (the Lucene
# stop list already drops vad, det, man, hur, när, vem, vilka, kan).
QUESTION_WORDS = [
    "får",
    "fick",
    "fått",
    "ska",
    "skall",
    "finns",
    "fanns",
    "gäller",
    "gällde",
    "går",
    "gick",
    "blir",
    "bli",
    "blev",
    "gör",
    "göra",
    "gjorde",
    "gjort",
    "hände",
    "händer",
    "sa",
    "sagt",
    "säger",
    "tycker",
    "tyckte",
    "varit",
    "mycket",
    "många",
    "något",
    "några",
    "egentligen",
    "ungefär",
    "vill",
    "ville",
    "behöver",
    "menas",
    "betyder",
]


@lru_cache(maxsize=1)
def question_stems() -> frozenset[str]:
    """The stems of QUESTION_WORDS."""
    return frozenset(stem_word(w) for w in QUESTION_WORDS)


def parse_query(text: str) -> ParsedQuery:
    """Parse words (AND), "phrases", -exclusions, prefix*, diarienummer and § N; QueryError if empty."""
    if not text or not text.strip():
        raise QueryError("Skriv något att söka efter.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"Sökfrågan är för lång ({len(text)} tecken): klistra in högst en sida"
            f" ({MAX_QUERY_CHARS} tecken)."
        )
    if text.count('"') % 2:
        raise QueryError(
            'Ett citattecken saknar sin avslutning: skriv "exakt fras" med två citattecken.'
        )
    q = ParsedQuery()
    rest = text
    for m in DNR_PATTERN.finditer(text):
        q.dnrs.append((dnr_key(m), analyze(m.group(0))))
        rest = rest.replace(m.group(0), " ")
    for m in _SECTION.finditer(rest):
        q.sections.append(m.group(1))
    rest = _SECTION.sub(" ", rest)
    plain: list[str] = [m.group(0) for m in DNR_PATTERN.finditer(text)]
    for m in _TOKEN.finditer(rest):
        negated, phrase, word = bool(m.group(1)), m.group(2), m.group(3)
        if phrase is None:
            negated = word.startswith("-") and len(word) > 1
            word = word.lstrip("-") if negated else word
        clause = _clause(phrase if phrase is not None else word, is_phrase=phrase is not None)
        if clause is None:
            continue
        target = q.exclude if negated else q.must
        if not negated and len(clause.stems) == 1 and clause.stems[0] in question_stems():
            target = q.optional
        if any(c.stems == clause.stems and c.prefix == clause.prefix for c in target):
            continue  # "budget budget budget …" is one clause, not thousands
        target.append(clause)
        if not negated:
            plain.append(clause.raw)
    if not q.must and not q.dnrs and not q.sections:
        q.must, q.optional = q.optional, []  # "vad gäller" alone: search for what it says
    if len(q.exclude) > MAX_CLAUSES:
        raise QueryError(f"Sökfrågan utesluter för mycket: högst {MAX_CLAUSES} -ord.")
    if not q.must and not q.dnrs and not q.sections:
        if q.exclude:
            raise QueryError(
                "Ange minst ett ord att söka efter, inte bara ord att utesluta (-ord)."
            )
        raise QueryError(
            f"Sökfrågan {text.strip()!r} innehåller inga sökbara ord (bara stoppord eller tecken)."
        )
    # The embedder reads the question as asked, stop words and all ("vad ska det kosta …":
    # dev semantic nDCG@10 0.796 -> 0.804), without operators and -excluded words.
    asked: list[str] = []
    for m in _TOKEN.finditer(text):
        if m.group(2) is not None:
            if not m.group(1):
                asked.append(m.group(2))
        elif not (m.group(3).startswith("-") and len(m.group(3)) > 1):
            asked.append(m.group(3).rstrip("*"))
    q.plain = " ".join(w for w in asked if w.strip()) or " ".join(plain) or text.strip()
    return q


def _clause(token: str, *, is_phrase: bool) -> Clause | None:
    if not is_phrase and token.endswith("*"):
        core = re.sub(r"[\W_]", "", token.lower())
        if len(core) < 2:
            raise QueryError(f"Prefixet {token!r} är för kort: skriv minst två bokstäver före *.")
        return Clause(stems=[], prefix=core, raw=core)
    if not is_phrase and "-" in token.strip("-"):
        # "p-böter", "e-tjänst": a one-letter abbreviation before the hyphen is not searched.
        token = " ".join(p for p in token.split("-") if len(p) > 1 or not p.isalpha())
    stems = analyze(token)
    if not stems:
        return None
    words = _WORD.findall(token)
    parts = query_parts(words[0]) if len(stems) == 1 and len(words) == 1 else []
    return Clause(stems=stems, raw=token.strip(), parts=[p for p in parts if p != stems[0]])


FIELD_BOOSTS = (("title", 3.0), ("decision", 1.5), ("text", 1.0), ("persons", 1.0))
"""The searched fields and their weights (BM25F-style: a title match counts three times)."""
DNR_BOOST = 5.0
SECTION_BOOST = 0.5
PART_BOOST = 0.6  # a compound's parts found apart ("böter" ... "parkering") count less
PROXIMITY_FIELDS = (("title", 1.5), ("text", 1.0))
PROXIMITY_SLOP = 3  # neighbouring query words within this many words of each other
PROXIMITY_BOOST = 1.0  # added, per pair of neighbouring words found near each other


def proximity_pairs(q: ParsedQuery) -> list[tuple[str, str]]:
    """Neighbouring one-word clauses of the query, for the proximity boost."""
    words = [c.stems[0] for c in q.must if len(c.stems) == 1 and not c.prefix]
    return [(a, b) for a, b in zip(words, words[1:], strict=False) if a != b]


# -- snippets --------------------------------------------------------------------------------

SNIPPET_WORDS = 32
SNIPPET_LEAD = 3  # words of context before the first match


@lru_cache(maxsize=256)
def _candidates(stems: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole words that begin with a query stem or prefix (a stem is a prefix of its words)."""
    heads = sorted({*stems, *prefixes}, key=len, reverse=True)
    if not heads:
        return None
    alts = "|".join(re.escape(h) for h in heads)
    return re.compile(rf"(?<![^\W_])(?:{alts})[^\W_]*", re.IGNORECASE)


def snippet(text: str, stems: set[str], prefixes: list[str]) -> tuple[str, list[list[int]]]:
    """The best window of the text for these query terms, and the spans of matched words in it.

    The window is SNIPPET_WORDS words (separated by spaces) with the most distinct matched terms,
    then the most matches, earliest first, opening SNIPPET_LEAD words before its first match.
    Only the words a regex finds are stemmed and only spaces are counted, so a 30 000-character
    item costs one regex scan, not a Python step per word (3 ms -> well under 1 ms at 100k items).
    """
    flat = " ".join(text.split())
    if not flat:
        return "", []
    found: list[tuple[int, int, str]] = []  # (start, end, matched term), in text order
    rx = _candidates(frozenset(stems), tuple(prefixes))
    if rx is not None:
        for m in rx.finditer(flat):
            term = _matches(m.group(0).lower(), stems, prefixes)
            if term:
                found.append((m.start(), m.end(), term))
    begin = 0
    if found:
        words, at, seen = [], 0, 0  # index of the word each match is in
        for start, _, _ in found:
            seen += flat.count(" ", at, start)
            at = start
            words.append(seen)
        best, best_score = 0, (-1, -1)
        for n, first in enumerate(words):
            inside = [
                term for _, _, term in found[n : bisect_left(words, first + SNIPPET_WORDS, n)]
            ]
            score = (len(set(inside)), len(inside))
            if score > best_score:
                best, best_score = n, score
        begin = flat.rfind(" ", 0, found[best][0]) + 1
        for _ in range(SNIPPET_LEAD):
            if begin == 0:
                break
            begin = flat.rfind(" ", 0, begin - 1) + 1
    end = begin
    for _ in range(SNIPPET_WORDS):
        nxt = flat.find(" ", end + 1)
        if nxt < 0:
            end = len(flat)
            break
        end = nxt
    lead = "" if begin == 0 else "…"
    out = lead + flat[begin:end] + ("" if end == len(flat) else " …")
    shift = len(lead) - begin
    spans = [[a + shift, b + shift] for a, b, _ in found if begin <= a and b <= end]
    return out, spans


def _matches(word: str, stems: set[str], prefixes: list[str]) -> str | None:
    if any(word.startswith(p) for p in prefixes):
        return word
    if word in stop_words():
        return None
    stem = stem_word(word)
    return stem if stem in stems else None
