"""Text helpers shared by the analysis modules: part headings, names with party, folding, tokens."""

from __future__ import annotations

import re
from functools import lru_cache

from ..vocabulary import SECTION_HEADINGS
from ..vocabulary import fold_ascii as fold  # the old name, re-exported

_BILAGA_LINE = re.compile(r"^\s*Bilaga\s+\d+\b")
# Page furniture the reader may leave inside an item (Göteborg: "Protokoll nr 1").
_FURNITURE = re.compile(
    r"^\s*(Protokoll nr \d+|Sammanträdesdatum:.*|Utdragsbestyrkande|\d{1,3})\s*$"
)

PARTY = r"\((?P<party>[A-ZÅÄÖ]{1,4})\)"
NAME = r"[A-ZÅÄÖÉ][\wéü'-]+(?:[ \t]+(?:von |af |de )?[A-ZÅÄÖÉ][\wéü'-]+){1,4}"
NAME_PARTY = re.compile(rf"(?P<name>{NAME})\s*{PARTY}")
_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = (
    "och att det som för med till på av den ett en är om ska har från i vid inte de samt kan"
    " enligt eller under denna detta dessa så sig sin sina även efter mellan också"
)


def split_sections(text: str) -> dict[str, str]:
    """Item text -> {part: text} by headings on a line of their own; the first of each part wins."""
    out: dict[str, list[str]] = {}
    current = "head"
    for line in text.splitlines():
        key = line.strip().rstrip(":").strip().lower()
        if key in SECTION_HEADINGS:
            current = SECTION_HEADINGS[key]
            if current in out:  # a second "Beslut" heading (page break repeat) continues the first
                continue
            out[current] = []
            continue
        if _BILAGA_LINE.match(line):
            current = "attachments"
            out.setdefault(current, [])
        if _FURNITURE.match(line):
            continue
        out.setdefault(current, []).append(line)
    return {k: "\n".join(v).strip() for k, v in out.items() if "\n".join(v).strip()}


def one_line(text: str) -> str:
    """Collapse the line breaks of wrapped PDF text into single spaces."""
    return re.sub(r"\s+", " ", text).strip()


STOP = frozenset(fold(w) for w in _STOP_WORDS.split())


# Words every minute uses; they say nothing about which matter a sentence is about.
GENERIC = frozenset(
    w[:6]
    for w in fold(
        "sammanträde sammanträdet sammanträden protokoll protokollet ärende ärendet beslut"
        " beslutades beslutade beslutar information socsam svom nämnden kommunstyrelsen"
        " februari januari mars april juni juli augusti september oktober november december"
        " initierades gällande kunna skulle den vid"
    ).split()
)


@lru_cache(maxsize=20_000)
def _stem(word: str) -> str:
    # A crude prefix stem: Swedish inflection lives in the ending, and compounds share a head.
    return word[:6]


@lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """Folded, crudely stemmed content words of a text (for title and overlap comparisons)."""
    return frozenset(_stem(w) for w in _WORD.findall(fold(text)) if len(w) > 2 and w not in STOP)


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's content words that the other has (0..1)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def excerpt(text: str | None, limit: int = 300) -> str | None:
    """The first `limit` characters of a text on one line, cut at a word."""
    if not text:
        return None
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + " …"
