"""Swedish compound splitting with a word list, as Elasticsearch's dictionary_decompounder does.

"parkeringsböter" -> parkering + böter, "förskolebygget" -> förskola + bygget,
"familjehemsplacering" -> familj + hem + placering. The analyzer indexes the parts' stems as
extra terms beside the whole word (index and query side alike), so "böter" finds
"parkeringsböter" and "förskola" finds "förskolebygget".

A split must cover the whole word: modifiers (every part but the last) may carry a Swedish
linking letter or a shortened stem ("parkering-s-", "familj-e-", "skol(a)-", "gat(a)->gatu-",
"förskol(a)->förskole-"); the last part (the head) must be a word of the list as written,
inflected or not. Parts are at least MIN_PART letters and never stop words ("för-slag" is not
split); among the splits, the one with fewest parts wins, then the one whose rarest part is
most common; a word the list itself holds splits only into parts more common than it. The
word list (data/sv_ord.txt.gz, from wordfreq; see sv_ord.LICENSE.txt) ships
with the package: nothing is downloaded.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

MIN_WORD = 7  # shorter words are not split
MIN_PART = 3
MAX_PARTS = 3
SHORT_PART = 3  # a part this short must be a common word (rank below COMMON_RANK)
COMMON_RANK = 15_000
_LINKED_VOWEL = "aeou"  # skola -> skole-/skol-, gata -> gatu-, kyrka -> kyrko-
# Derivational endings that the word list also holds as words (often as English: "are"):
# never a part, so "ersättare" is not ersätta + are nor "betalning" betala + ning.
SUFFIXES = frozenset(
    [
        "are",
        "ande",
        "ende",
        "het",
        "heten",
        "ning",
        "ningen",
        "ningar",
        "lig",
        "liga",
        "ligt",
        "isk",
        "iska",
        "ism",
        "ist",
        "else",
        "skap",
        "dom",
        "tion",
        "ion",
        "ing",
        "ingen",
        "ering",
        "erna",
        "arna",
        "orna",
        "ens",
        "ans",
    ]
)


@lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    """The shipped word list: word -> frequency rank (0 = most common)."""
    raw = resources.files("minutesearch").joinpath("data/sv_ord.txt.gz").read_bytes()
    words = gzip.decompress(raw).decode("utf-8").split()
    return {w: n for n, w in enumerate(words)}


def _stops() -> frozenset[str]:
    from .analyzer import stop_words

    return stop_words()


def _modifier(part: str, ranks: dict[str, int]) -> tuple[str, int] | None:
    """The dictionary word a compound's first element stands for, and its rank; None if none."""
    if len(part) < MIN_PART or part in _stops():
        return None
    options: list[str] = []
    if part[-1] in _LINKED_VOWEL:
        options.append(part[:-1] + "a")  # förskole- -> förskola, gatu- -> gata
    if part[-1] in "se" and len(part) > MIN_PART:
        options.append(part[:-1])  # parkerings- -> parkering, familje- -> familj
    options.append(part)  # skol-, sjuk-
    for word in options:
        rank = ranks.get(word)
        if rank is None or len(word) < MIN_PART or word in _stops() | SUFFIXES:
            continue
        if len(part) <= SHORT_PART and rank >= COMMON_RANK:
            continue
        return word, rank
    return None


def _head(part: str, ranks: dict[str, int]) -> tuple[str, int] | None:
    if len(part) < MIN_PART or part in _stops() or part in SUFFIXES:
        return None
    rank = ranks.get(part)
    if rank is None or (len(part) <= SHORT_PART and rank >= COMMON_RANK):
        return None
    return part, rank


@lru_cache(maxsize=100_000)
def split(word: str) -> tuple[str, ...]:
    """The parts of a lowercased compound (dictionary forms), or () when it is not one."""
    if len(word) < MIN_WORD or not word.isalpha():
        return ()
    ranks = word_ranks()
    found: list[tuple[tuple[str, ...], int]] = []
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        mod = _modifier(word[:cut], ranks)
        if mod is None:
            continue
        rest = _best(word[cut:], ranks, MAX_PARTS - 1)
        if rest is not None:
            found.append(((mod[0], *rest[0]), max(mod[1], rest[1])))
    whole = ranks.get(word)
    if whole is not None:
        # A listed word splits only when every part is more common than the word itself, so
        # lexicalised words ("förslag": förs + lag) stay whole.
        found = [f for f in found if f[1] < whole]
    if not found:
        return ()
    return min(found, key=lambda f: (len(f[0]), f[1]))[0]


def _best(word: str, ranks: dict[str, int], depth: int) -> tuple[tuple[str, ...], int] | None:
    """The best split of the tail of a compound: (parts, rarest rank); one word is one part."""
    head = _head(word, ranks)
    if head is not None:
        return (head[0],), head[1]
    if depth <= 1:
        return None
    found: list[tuple[tuple[str, ...], int]] = []
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        mod = _modifier(word[:cut], ranks)
        if mod is None:
            continue
        rest = _best(word[cut:], ranks, depth - 1)
        if rest is not None:
            found.append(((mod[0], *rest[0]), max(mod[1], rest[1])))
    return min(found, key=lambda f: (len(f[0]), f[1])) if found else None
