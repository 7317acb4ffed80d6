"""The Swedish text analyzer for the keyword index (what Elasticsearch's `swedish` analyzer does).

Tokenize on letters and digits (å/ä/ö/é are letters), lowercase, drop the Lucene/Snowball Swedish
stop words, then stem with Snowball Swedish. Snowball leaves the definite singular (-et, -an) and a
doubled final consonant in place, so "familjehemmet" and "familjehem" would not meet; a small
extra step strips those. Bump ANALYZER_VERSION whenever the output changes: the index stamp
records it and a mismatch asks for `ingest --rebuild`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

ANALYZER_VERSION = 1

# Letters (any script, so å/ä/ö/é survive) and digits; "2023/123" splits into 2023 and 123.
TOKEN_PATTERN = r"[^\W_]+"
_DOUBLE_END = re.compile(r"([bdfgklmnprstv])\1$")


def _post_stem(stem: str) -> str:
    """Strip what Snowball keeps: definite -et/-an, then a doubled final consonant."""
    if len(stem) >= 7 and stem.endswith(("et", "an")):
        stem = stem[:-2]
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


def swedish_analyzer() -> Any:
    """A Whoosh analyzer: regex tokenizer | lowercase | Swedish stop words | Swedish stemmer."""
    from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter

    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=stop_words(), minsize=1)
        | StemFilter(stemfn=stem_word, lang=None, ignore=None, cachesize=50_000)
    )


def analyze(text: str) -> list[str]:
    """The terms the analyzer makes of a text (for tests and snippet matching)."""
    return [t.text for t in swedish_analyzer()(text)]


def normalize_dnr(dnr: str) -> str:
    """A diarienummer as one comparable key: 'KS 2023/123' -> 'ks2023123', 'SLK-2024-00062' -> 'slk202400062'."""
    return re.sub(r"[^0-9a-zåäö]", "", dnr.lower())
