"""Keyword, semantic and hybrid search over §-items, with filters, snippets and `related`.

Hybrid (the default) fuses the keyword and semantic match lists with Reciprocal Rank Fusion:
score(item) = sum over lists of w / (60 + rank), rank starting at 1 (k = 60, Cormack et al. 2009).
w is 1, except for a keyword list where no item has every query word: that is weak evidence, so
it gets w = 0.3 (dev hybrid 0.911 vs 0.904 at 0.6 and 0.895 at 1). Both lists hold only matches
(the keyword minimum-should-match, the semantic cut), so the fused list is short when the query
means little, and empty when it means nothing. A query made only
of diarienummer/§ numbers is keyword-only: an embedding of "KS 2023/123" means nothing.
An extract's copy of a § and the full protocol's § are one hit (the protocol's, via canonical_id).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, fields
from typing import Any

from .config import Settings
from .errors import QueryError
from .filters import Filters, ItemFilter, filter_ids, resolve_filter
from .index.analyzer import TOKEN_PATTERN, ParsedQuery, fold, parse_query, snippet
from .index.fulltext import (
    LONG_QUERY_TERMS,
    fuzzy_items,
    keyword_candidates,
    more_like_this,
    unknown_words,
)
from .index.semantic import open_vectors, semantic_candidates, top_k
from .index.vectors import ann_min_windows
from .store import Store, rows_in

RRF_K = 60
FALLBACK_WEIGHT = 0.3
# "rrf" won: dev hybrid nDCG@10 0.911 vs 0.868 lexical-first (title+lead vectors); "gated"
# (semantic-only items only when no item has every word) 0.896 vs 0.898 on dev and 0.880 vs
# 0.887 on held-out (recall 0.828 vs 0.871), though it lists fewer items (35 vs 69 on average).
FUSION = "rrf"
SEMANTIC_CUT = True
KEYWORD_DEPTH = 500
SEMANTIC_DEPTH = 100
MODES = ("keyword", "semantic", "hybrid")
# One filter model for every list (filters.py); the old names stay importable from here.
SearchFilters = Filters
_WORDS = re.compile(TOKEN_PATTERN)
SUGGEST_ITEMS = 10  # items with a near term, read for "Menade du"
SUGGEST_CHARS = 4000


@dataclass
class Hit:
    """One §-item in a result list."""

    rank: int
    score: float
    id: str
    body: str | None
    body_short: str | None
    date: str | None
    section: int
    title: str
    kind: str
    source: str
    snippet: str
    highlights: list[list[int]] = field(default_factory=list)
    org: str | None = None  # kommun/region that owns the body

    def to_json(self) -> dict[str, Any]:
        """The `search --json` contract: the fields above, in order."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class SearchResult:
    """Hits best first; `total` distinct matching items; `mode` as actually run."""

    hits: list[Hit]
    total: int
    elapsed_ms: float
    mode: str
    fallback_or: bool
    note: str | None = None
    suggestion: str | None = None  # "Menade du …?": the query with unknown words corrected


def _canonical_map(store: Store, *ranked: list[tuple[str, float]]) -> dict[str, str | None]:
    """Extract item -> its protocol item, for the candidates only: looked up by primary key
    (a map over every item scanned the whole items table: 140 ms per query at 100k items)."""
    ids = sorted({item_id for lst in ranked for item_id, _ in lst})
    sql = "SELECT id, canonical_id FROM items WHERE canonical_id IS NOT NULL"
    return {r[0]: r[1] for r in rows_in(store.conn, sql, "id", ids)}


def _admitted(
    store: Store,
    flt: ItemFilter | None,
    ranked: list[tuple[str, float]],
    canon: dict[str, str | None],
    *,
    filtered: bool,
) -> set[str] | None:
    """Which candidates and their protocol items pass the filter (None: no filter), checked on
    those rows alone. `filtered`: the engine already applied the filter to `ranked`."""
    if flt is None:
        return None
    ids = {item_id for item_id, _ in ranked}
    known = ids if filtered else filter_ids(store, flt, sorted(ids))
    targets = {t for i in ids if (t := canon.get(i)) and t not in ids}
    return known | filter_ids(store, flt, sorted(targets))


def _collapse(
    ranked: list[tuple[str, float]], canon: dict[str, str | None], allowed: set[str] | None
) -> list[tuple[str, float]]:
    """Filter, then merge extract copies into their protocol item, keeping the best rank."""
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for item_id, score in ranked:
        if allowed is not None and item_id not in allowed:
            continue
        target = canon.get(item_id) or item_id
        if allowed is not None and target not in allowed:
            target = item_id
        if target not in seen:
            seen.add(target)
            out.append((target, score))
    return out


def rrf(
    *lists: list[tuple[str, float]], k: int = RRF_K, weights: tuple[float, ...] | None = None
) -> list[tuple[str, float]]:
    """Reciprocal Rank Fusion: sum of weight/(k + rank) over the lists an item appears in."""
    fused: dict[str, float] = {}
    for n, ranked in enumerate(lists):
        w = weights[n] if weights else 1.0
        for rank, (item_id, _score) in enumerate(ranked, start=1):
            fused[item_id] = fused.get(item_id, 0.0) + w / (k + rank)
    return sorted(fused.items(), key=lambda kv: -kv[1])


# -- the public API --------------------------------------------------------------------------


def fuse(
    kw: list[tuple[str, float]], sem: list[tuple[str, float]], fallback: bool
) -> list[tuple[str, float]]:
    """The hybrid list of keyword and (cut) semantic matches; see FUSION.

    "gated": RRF orders the items, but semantic-only items join only when the keyword list is
    weak (no item has every query word, or none matched): "Qarlsson" is the one item that
    names her, not 30 that e5 finds vaguely alike. "rrf": every item of both lists.
    "lexical-first": keyword items in their order, then semantic-only ones.
    """
    if FUSION == "lexical-first":
        seen = {i for i, _ in kw}
        return kw + [(i, s) for i, s in sem if i not in seen]
    fused = rrf(kw, sem, weights=(FALLBACK_WEIGHT if fallback else 1.0, 1.0))
    if FUSION == "gated" and kw and not fallback:
        lexical = {i for i, _ in kw}
        return [(i, s) for i, s in fused if i in lexical]
    return fused


def search(
    store: Store,
    settings: Settings,
    query: str,
    *,
    mode: str = "hybrid",
    limit: int = 20,
    filters: SearchFilters | None = None,
) -> SearchResult:
    """Search §-items: keyword (BM25F), semantic (embeddings, cut) or hybrid (both, fused).

    Every list holds only items that match: keyword items that carry enough of the query
    (fulltext.keyword_candidates), semantic items that clear the semantic cut
    (semantic.SEMANTIC_CUTS). `total` counts them; a query that matches nothing gets no hits
    and, when a word is unknown to the index, a `suggestion` from the index's own words.
    """
    started = time.perf_counter()
    if mode not in MODES:
        raise QueryError(f"Okänt sökläge {mode!r}: välj keyword, semantic eller hybrid.")
    q = parse_query(query)
    # Resolved once into values the engines filter on (no set of every allowed item).
    flt = resolve_filter(store, filters or SearchFilters())
    note = None
    kw: list[tuple[str, float]] = []
    fallback = False
    if mode in ("keyword", "hybrid"):
        kw, fallback = _keyword(store, settings, q, flt)
    sem: list[tuple[str, float]] | None = None
    unlisted = 0
    if mode == "hybrid" and not q.must:
        mode = "keyword"  # only diarienummer / § numbers: nothing for an embedder to mean
    if mode in ("semantic", "hybrid"):
        counted: list[int] = []
        raw = semantic_candidates(
            settings,
            q,
            flt,
            SEMANTIC_DEPTH * 2,
            cut=SEMANTIC_CUT,
            matches=counted,
        )
        if raw is None:
            note = (
                "Indexet saknar semantiska vektorer (embedder 'none' eller ej byggt);"
                " visar nyckelordsträffar."
            )
            if mode == "semantic":
                kw, fallback = _keyword(store, settings, q, flt)
            mode = "keyword"
        else:
            canon = _canonical_map(store, raw)
            # The vectors applied the filter on their stored attributes (kept in step with the
            # store by the change journal): only protocol items of extract copies are checked.
            merged = _collapse(raw, canon, _admitted(store, flt, raw, canon, filtered=True))
            sem = merged[:SEMANTIC_DEPTH]
            # Matches past the fetched depth still count (an estimate: they are not collapsed).
            unlisted = max(0, (counted[0] if counted else 0) - len(raw)) + len(merged) - len(sem)
    if mode == "hybrid" and sem is not None:
        ranked = fuse(kw, sem, fallback)
    elif mode == "semantic" and sem is not None:
        ranked = sem
    else:
        ranked = kw
    hits = [
        _hit(store, n, item_id, score, q) for n, (item_id, score) in enumerate(ranked[:limit], 1)
    ]
    hint = suggestion(store, settings, q, query)
    elapsed = (time.perf_counter() - started) * 1000
    total = len(ranked) + (unlisted if mode in ("semantic", "hybrid") else 0)
    return SearchResult(hits, total, round(elapsed, 1), mode, fallback, note, hint)


def _keyword(
    store: Store, settings: Settings, q: ParsedQuery, flt: ItemFilter | None
) -> tuple[list[tuple[str, float]], bool]:
    """The keyword list (filtered by the engine, extract copies collapsed) and its fallback."""
    raw, fallback = keyword_candidates(settings.index_dir, q, flt, KEYWORD_DEPTH)
    canon = _canonical_map(store, raw)
    return _collapse(raw, canon, _admitted(store, flt, raw, canon, filtered=True)), fallback


def suggestion(store: Store, settings: Settings, q: ParsedQuery, query: str) -> str | None:
    """The query with each word the index has never seen replaced by the nearest word the
    index holds ("familjhem" -> "familjehem"), or None when every word is known or has no
    near neighbour. Neighbours: items with a term within one edit (two for words longer than
    five letters), their words at the least edit distance, the most frequent first."""
    out = query
    changed = False
    if len(q.must) + len(q.optional) > LONG_QUERY_TERMS:
        return None  # a pasted paragraph is searched as it is
    for clause in unknown_words(settings.index_dir, q):
        word = fold(clause.raw)
        if not word.isalpha() or len(word) < 4:
            continue
        limit = 1 if len(word) <= 5 else 2
        counts: dict[str, int] = {}
        for item_id in fuzzy_items(settings.index_dir, clause.stems[0], limit, SUGGEST_ITEMS):
            row = store.item_row(item_id)
            # The start of each item is enough to find the word (and keeps this cheap in the
            # TUI, which searches as the user types).
            for token in _WORDS.findall(f"{row['title']} {(row['text'] or '')[:SUGGEST_CHARS]}"):
                cand = fold(token)
                if cand != word and abs(len(cand) - len(word)) <= limit:
                    counts[cand] = counts.get(cand, 0) + 1
        scored = [(edit_distance(word, c), -n, c) for c, n in counts.items()]
        best = min((t for t in scored if t[0] <= limit), default=None)
        if best is not None:
            word = best[2].capitalize() if clause.raw[:1].isupper() else best[2]
            out = re.sub(rf"(?<!\w){re.escape(clause.raw)}(?!\w)", word, out, count=1)
            changed = True
    return out if changed else None


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions cost one)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]


def _hit(store: Store, rank: int, item_id: str, score: float, q: ParsedQuery | None) -> Hit:
    row = store.item_row(item_id)
    stems = q.match_stems() if q else set()
    prefixes = q.match_prefixes() if q else []
    text, spans = snippet(row["text"] or row["title"], stems, prefixes)
    return Hit(
        rank,
        round(score, 4),
        row["id"],
        row["body"],
        row["body_short"],
        row["date"],
        int(row["section"]),
        row["title"],
        row["kind"],
        row["source"],
        text,
        spans,
        row["organisation"],
    )


def related(store: Store, settings: Settings, item_id: str, *, limit: int = 10) -> list[Hit]:
    """The items most like this one, other meetings first (vectors, else keyword MoreLikeThis)."""
    row = store.item_row(item_id)
    own = row["canonical_id"] or row["id"]
    own_doc = store.item_row(own)["doc_id"]
    vi = open_vectors(settings)
    ranked: list[tuple[str, float]]
    big = vi is not None and vi.n_windows >= ann_min_windows()
    own_row = vi.item_row(own) if vi is not None and big else None
    if vi is not None and own_row is not None:
        # A graph-sized index: the item's mean vector searched like a query (best window per
        # item), so no mean of every item (1.5 GB at a million items) is ever computed.
        rows, scores = vi.search_items(vi.item_vector(own_row), limit * 10 + 50)
        ranked = [(vi.item_id(int(r)), float(s)) for r, s in zip(rows, scores, strict=True)]
    elif vi is not None and not big and own in vi.ids:
        means = vi.item_means()
        sims = means @ means[vi.ids.index(own)]
        # Extract copies collapse into their protocol item: keep room for them.
        ranked = [(vi.ids[int(n)], float(sims[n])) for n in top_k(sims, limit * 10 + 50)]
    else:
        ranked = more_like_this(settings.index_dir, f"{row['title']}\n{row['text']}")
    canon = _canonical_map(store, ranked)
    ranked = [(i, s) for i, s in _collapse(ranked, canon, None) if i != own]
    ranked = ranked[: limit * 3]
    docs = {i: store.item_row(i)["doc_id"] for i, _ in ranked}
    ranked.sort(key=lambda kv: (docs.get(kv[0]) == own_doc, -kv[1]))
    return [_hit(store, n, i, s, None) for n, (i, s) in enumerate(ranked[:limit], 1)]
