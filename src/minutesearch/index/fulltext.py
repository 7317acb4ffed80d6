"""The keyword index over §-items; stage `build_fulltext(ctx)` and the queries search needs.

The engine (tantivy by default, Whoosh on request: `Settings.keyword_engine`) sits behind
`engine.KeywordIndex`; this module decides what each item contributes and keeps the index in step
with the store. A first build (or another engine, analyzer or format) writes a complete index into
a temp folder and swaps it into place; later ingests update tantivy in place with only the items
the store's change journal (`item_changes`, written by SQLite triggers: migration 0303) lists
after the seq the index has applied, in one atomic commit, so adding a meeting to a million items
reads that meeting's items only. The stamp records that seq and the store's id; it is written
after the commit, so after a crash in between the next ingest re-sends those items
(delete-then-add makes that harmless).

Each item also carries its filter fields (body, organisation, date, kind, parties, person ids,
attendees and meeting: see `filters.ItemFilter`), so the engine filters on them itself. An index of an
older format (before those fields) is rebuilt from the store by the next `ingest`, without
reading any file again.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..analysis.dnr import dnr_keys
from ..atomic import swap_into_place
from ..entities.people import item_attendees
from ..errors import IndexMismatchError, StoreError
from ..filters import ItemFilter, date_key, item_parties, item_persons
from ..locations import fulltext_dir
from ..stages import FunctionStage, StageContext
from ..store import Store, rows_in
from .analyzer import ANALYZER_VERSION, Clause, ParsedQuery, analyze, index_text
from .engine import (
    ENGINES,
    REBUILD_HINT,
    KeywordDoc,
    KeywordIndex,
    build_index,
    open_index,
    update_index,
    updates_in_place,
)

FORMAT_VERSION = 5  # 3: filter fields (body, org, day, kind, party); 4: person ids, meeting;
# 5: attendees
STAMP = "stamp.json"
FULL_BUILD_SHARE = 0.5  # more changed items than this share: build afresh instead of updating
BUILD_CHUNK = 20_000  # items read and analysed at a time by a full build


def extract_dnrs(*texts: str | None) -> list[str]:
    """Normalised diarienummer keys found in the given texts."""
    found: dict[str, None] = {}
    for text in texts:
        found.update(dict.fromkeys(dnr_keys(text)))
    return list(found)


# -- stamps ----------------------------------------------------------------------------------


def read_stamp(folder: Path) -> dict[str, Any] | None:
    """The stamp of an index folder, or None when there is no index."""
    try:
        return dict(json.loads((folder / STAMP).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexMismatchError(f"{folder}: trasig stämpel ({exc}). {REBUILD_HINT}") from exc


def _write_json(path: Path, data: object) -> None:
    """Write JSON beside, then rename over: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def write_stamp(folder: Path, stamp: dict[str, Any]) -> None:
    """Write an index folder's stamp.json (atomically)."""
    _write_json(folder / STAMP, stamp)


def fresh_temp_dir(idx_dir: Path, prefix: str) -> Path:
    """A new temp folder inside idx_dir; folders left by an interrupted build are removed first."""
    idx_dir.mkdir(parents=True, exist_ok=True)
    for stale in idx_dir.glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=idx_dir))


def fulltext_stamp(engine: str) -> dict[str, Any]:
    """What a keyword index built by this program with `engine` carries in its stamp."""
    return {"format": FORMAT_VERSION, "analyzer": ANALYZER_VERSION, "backend": engine}


# -- what each item contributes ----------------------------------------------------------------


def _persons(store: Store, ids: list[str] | None) -> dict[str, list[str]]:
    sql = (
        "SELECT m.item_id, coalesce(p.name, m.text) AS name FROM mentions m"
        " LEFT JOIN persons p ON p.id = m.person_id WHERE m.label = 'PER'"
    )
    out: dict[str, set[str]] = {}
    for r in _rows(store, sql, "m.item_id", ids):
        out.setdefault(r[0], set()).add(r[1])
    return {k: sorted(v) for k, v in out.items()}


def _rows(store: Store, sql: str, column: str, ids: list[str] | None) -> Iterator[Any]:
    """Rows of sql, for all items or (in chunks) only for ids."""
    return rows_in(store.conn, sql, column, ids)


def keyword_docs(
    store: Store,
    ids: list[str] | None = None,
    persons: dict[str, list[str]] | None = None,
    parties: dict[str, set[str]] | None = None,
) -> list[KeywordDoc]:
    """The analysed documents of all items, or of the given ids (`persons`: from `_persons`,
    `parties`: from `filters.item_parties`; read here when None)."""
    if persons is None:
        persons = _persons(store, ids)
    if parties is None:
        parties = item_parties(store, ids)
    person_ids = item_persons(store, ids)
    attendees = item_attendees(store, ids)
    sql = (
        "SELECT i.id, i.section, i.title, i.text, i.dnr, i.decision, d.body, d.organisation,"
        " d.date, d.kind, i.doc_id FROM items i LEFT JOIN documents d ON d.id = i.doc_id"
    )
    return [
        KeywordDoc(
            id=r["id"],
            title=index_text(r["title"] or ""),
            decision=index_text(r["decision"] or ""),
            text=index_text(r["text"] or ""),
            persons=index_text(" ".join(persons.get(r["id"], []))),
            section=str(r["section"]),
            dnrs=extract_dnrs(r["dnr"], r["title"], r["text"]),
            body=r["body"] or "",
            org=r["organisation"] or "",
            day=date_key(r["date"]),
            kind=r["kind"] or "",
            parties=sorted(parties.get(r["id"], ())),
            person_ids=sorted(person_ids.get(r["id"], ())),
            doc=r["doc_id"] or "",
            attendees=sorted(attendees.get(r["id"], ())),
        )
        for r in _rows(store, sql, "i.id", ids)
    ]


def streamed_keyword_docs(
    store: Store, ids: list[str], chunk: int | None = None
) -> Iterator[KeywordDoc]:
    """keyword_docs of ids, read and analysed `chunk` items at a time: a full build holds one
    chunk of documents (and of persons and parties) in memory, not the whole corpus (at a
    million items the list of every analysed document kept ~3 GB alive)."""
    size = chunk or BUILD_CHUNK
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        order = {item_id: n for n, item_id in enumerate(part)}
        yield from sorted(keyword_docs(store, part), key=lambda d: order[d.id])


# -- building --------------------------------------------------------------------------------


def _cursor(stamp: dict[str, Any] | None, engine: str, store: Store) -> int | None:
    """The journal seq an index with this stamp has applied, when it is a cursor into this
    store's journal: same format, same store, not ahead of the journal. None: build afresh."""
    if not stamp or not _stamp_matches(stamp, engine):
        return None
    seq = stamp.get("seq")
    if not isinstance(seq, int) or stamp.get("store") != store.store_id():
        return None
    return seq if 0 <= seq <= store.journal_seq() else None


def _present(store: Store, ids: list[str]) -> set[str]:
    """Those of ids still in items."""
    return {r[0] for r in _rows(store, "SELECT id FROM items", "id", ids)}


def _run(ctx: StageContext) -> None:
    """Stage: bring the keyword index in step with the store (update in place, or build + swap)."""
    engine = ctx.settings.keyword_engine
    target = fulltext_dir(ctx.index_dir)
    store = ctx.store
    seq = store.journal_seq()  # read first: a write after this is read again next time
    try:
        stamp = read_stamp(target)
    except IndexMismatchError:
        stamp = None
    cursor = _cursor(stamp, engine, store) if updates_in_place(engine) else None
    if cursor is not None and stamp is not None:
        changed = store.changed_items_since(cursor)
        held = int(stamp.get("items") or 0)
        if len(changed) <= max(1000, FULL_BUILD_SHARE * held):
            present = _present(store, changed)
            add = [i for i in changed if i in present]
            delete = [i for i in changed if i not in present]
            ctx.progress("fulltext", 0, len(add))
            if changed:
                update_index(engine, target, keyword_docs(store, add), delete)
            count = store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
            _finish(target, engine, seq, store, int(count))
            ctx.progress("fulltext", len(add), len(add))
            return
    # Storage order, as the one query over every item gave them before (ties keep their order).
    ids = [r[0] for r in store.conn.execute("SELECT id FROM items ORDER BY rowid")]
    tmp = fresh_temp_dir(ctx.index_dir, ".fulltext-")
    try:
        docs = streamed_keyword_docs(store, ids)
        build_index(engine, tmp, docs, lambda n: ctx.progress("fulltext", n, len(ids)))
        _finish(tmp, engine, seq, store, len(ids))
        swap_into_place(tmp, target)
        ctx.progress("fulltext", len(ids), len(ids))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _finish(folder: Path, engine: str, seq: int, store: Store, items: int) -> None:
    """Stamp the index: it holds every change the store's journal lists up to `seq`."""
    write_stamp(
        folder, {**fulltext_stamp(engine), "items": items, "store": store.store_id(), "seq": seq}
    )


def _stamp_matches(stamp: dict[str, Any], engine: str) -> bool:
    return all(stamp.get(k) == v for k, v in fulltext_stamp(engine).items())


def _is_current(ctx: StageContext) -> bool:
    """O(1): the index has applied the store's newest journalled change."""
    stamp = read_stamp(fulltext_dir(ctx.index_dir))
    if not stamp or not _stamp_matches(stamp, ctx.settings.keyword_engine):
        return False
    return bool(
        stamp.get("store") == ctx.store.store_id() and stamp.get("seq") == ctx.store.journal_seq()
    )


build_fulltext = FunctionStage("build_fulltext", _run, is_current_fn=_is_current)


# -- opening (cached per process: the TUI searches on every keystroke) ------------------------

_CACHE: dict[str, tuple[tuple[int, int], KeywordIndex]] = {}
_LOCK = threading.Lock()


def keyword_engine(idx_dir: Path) -> str | None:
    """The engine the keyword index in idx_dir was built with, or None when there is none."""
    try:
        stamp = read_stamp(fulltext_dir(idx_dir))
    except IndexMismatchError:
        return None
    return None if stamp is None else str(stamp.get("backend"))


def open_fulltext(idx_dir: Path) -> KeywordIndex:
    """The keyword index of idx_dir, opened once per process and reopened when it changed."""
    folder = fulltext_dir(idx_dir)
    stamp = read_stamp(folder)
    if stamp is None:
        raise StoreError(
            f"Inget sökindex i {idx_dir} — kör `minutesearch ingest` först.", "Inget sökindex"
        )
    engine = str(stamp.get("backend"))
    expected = fulltext_stamp(engine)
    if engine not in ENGINES or not _stamp_matches(stamp, engine):
        raise IndexMismatchError(
            f"Sökindexet i {folder} har format {stamp.get('format')}/analys {stamp.get('analyzer')}"
            f" ({engine}), programmet väntar sig {expected['format']}/{expected['analyzer']}."
            f" {REBUILD_HINT}"
        )
    st = os.stat(folder / STAMP)
    mtime = (st.st_mtime_ns, st.st_ino)
    with _LOCK:
        cached = _CACHE.get(str(folder))
        if cached is not None and cached[0] == mtime:
            return cached[1]
        opened = open_index(engine, folder)
        if cached is not None:
            cached[1].close()
        _CACHE[str(folder)] = (mtime, opened)
        return opened


# -- querying --------------------------------------------------------------------------------


# An OR match must carry at least this share of the query's weight. Dev keyword nDCG@10 was
# 0.852 / 0.840 / 0.823 at 0 / 0.3 / 0.5 (hybrid 0.898 / 0.898 / 0.897) while the average
# count fell from 70 to 21 to 9 items: 0.3 keeps the ranking and a count that means something.
MIN_COVERAGE = 0.3
COVERAGE_POWER = 2.0  # score = BM25 x coverage^power: items with more of the query rise
LONG_QUERY_TERMS = 12  # a pasted paragraph searches by this many of its most distinctive words


def keyword_candidates(
    idx_dir: Path, q: ParsedQuery, allowed: ItemFilter | set[str] | None, depth: int
) -> tuple[list[tuple[str, float]], bool]:
    """Ranked (item id, score), and whether no item matched every word of the query.

    One word (or diarienummer, or §) must match. Several words: BM25 over an OR of them,
    re-ranked by coordination: each item's score is multiplied by coverage^COVERAGE_POWER,
    coverage being the idf-weighted share of the query's words it contains, and items below
    MIN_COVERAGE are dropped (minimum-should-match). Question words ("får", "ska") are never
    required. A pasted paragraph is cut to its LONG_QUERY_TERMS most distinctive words first.
    `allowed`: the resolved filters (`filters.resolve_filter`), evaluated by the engine; a set
    of item ids is still taken (as a filter on ids).
    """
    if isinstance(allowed, set | frozenset):
        allowed = ItemFilter(item_ids=frozenset(allowed))
    ix = open_fulltext(idx_dir)
    q = distinctive(ix, q)
    if len(q.must) < 2:
        hits = ix.search(q, conjunctive=True, limit=depth, allowed=allowed)
        if hits or len(q.must) + len(q.dnrs) + len(q.sections) < 2:
            return hits, False
        hits = ix.search(q, conjunctive=False, limit=depth, allowed=allowed)
        return hits, bool(hits)
    hits = ix.search(q, conjunctive=False, limit=depth, allowed=allowed)
    if not hits:
        return [], False
    among = {item_id for item_id, _ in hits}
    weights = clause_weights(ix, q)
    cover = dict.fromkeys(among, 0.0)
    count = dict.fromkeys(among, 0)
    for clause, weight in zip(q.must, weights, strict=True):
        for item_id in ix.matching([clause], among):
            cover[item_id] += weight
            count[item_id] += 1
    total = sum(weights) or 1.0
    share = {item_id: cover[item_id] / total for item_id in among}
    extra = len(q.dnrs) + len(q.sections)
    kept = [
        (item_id, score * share[item_id] ** COVERAGE_POWER)
        for item_id, score in hits
        if share[item_id] >= MIN_COVERAGE - 1e-9 or extra
    ]
    kept.sort(key=lambda kv: -kv[1])
    return kept, max(count.values()) < len(q.must)


def clause_weights(ix: KeywordIndex, q: ParsedQuery) -> list[float]:
    """The idf of each required clause (a phrase: of its rarest word; a compound the index
    lacks: of its rarest part; a prefix: 1). A word no item has weighs nothing: it cannot
    tell items apart ("familjehem zzyzxq" ranks as "familjehem")."""
    stems = sorted({s for c in q.must for s in (*c.stems, *c.parts)})
    n, freqs = ix.doc_freqs(stems)

    def idf(stem: str) -> float:
        df = freqs.get(stem, 0)
        return math.log((n + 1) / (df + 0.5)) if df else 0.0

    out = []
    for c in q.must:
        if c.prefix:
            out.append(1.0)
        elif len(c.stems) == 1 and not freqs.get(c.stems[0]) and c.parts:
            out.append(0.0 if any(not freqs.get(p) for p in c.parts) else max(map(idf, c.parts)))
        else:
            out.append(0.0 if any(not freqs.get(s) for s in c.stems) else max(map(idf, c.stems)))
    return out


def distinctive(ix: KeywordIndex, q: ParsedQuery) -> ParsedQuery:
    """A long query (a pasted paragraph) cut to its most distinctive words, by tf x idf."""
    if len(q.must) <= LONG_QUERY_TERMS:
        return q
    counts: dict[str, int] = {}
    for stem in analyze(q.plain):
        counts[stem] = counts.get(stem, 0) + 1
    weights = clause_weights(ix, q)
    scored = sorted(
        range(len(q.must)),
        key=lambda n: (
            -weights[n] * (1 + math.log(max(counts.get(q.must[n].stems[0], 1), 1)))
            if q.must[n].stems
            else 0.0
        ),
    )
    keep = sorted(scored[:LONG_QUERY_TERMS])
    return replace(q, must=[q.must[n] for n in keep])


def unknown_words(idx_dir: Path, q: ParsedQuery) -> list[Clause]:
    """The one-word clauses the index has never seen as a whole word (a misspelt word may
    still match through its compound parts: "familjhem" -> familj + hem)."""
    single = [c for c in q.must + q.optional if len(c.stems) == 1 and not c.prefix]
    if not single:
        return []
    _, freqs = open_fulltext(idx_dir).doc_freqs(sorted({c.stems[0] for c in single}))
    return [c for c in single if not freqs.get(c.stems[0])]


def fuzzy_items(idx_dir: Path, stem: str, distance: int, limit: int = 20) -> list[str]:
    """Items with a term within `distance` edits of stem, for "Menade du …?"."""
    return open_fulltext(idx_dir).fuzzy(stem, distance, limit)


def excluded_ids(idx_dir: Path, q: ParsedQuery, among: set[str] | None = None) -> set[str]:
    """Items (of `among`) matching a -word, so semantic results honour exclusions too."""
    if not q.exclude:
        return set()
    return open_fulltext(idx_dir).matching(q.exclude, among)


def more_like_this(idx_dir: Path, text: str, terms: int = 20) -> list[tuple[str, float]]:
    """Keyword fallback for `related`: OR of the item's most distinctive stems (tf·idf)."""
    ix = open_fulltext(idx_dir)
    counts: dict[str, int] = {}
    for stem in analyze(text):
        if len(stem) > 2 and not stem.isdigit():
            counts[stem] = counts.get(stem, 0) + 1
    total, freqs = ix.doc_freqs(list(counts))
    idf = {s: math.log((total + 1) / (freqs.get(s, 0) + 1)) + 1 for s in counts}
    weighted = sorted(counts, key=lambda s: -counts[s] * idf[s])[:terms]
    if not weighted:
        return []
    return ix.any_of(weighted, 200)
