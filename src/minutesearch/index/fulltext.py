"""The keyword index (Whoosh) over §-items; stage `build_fulltext(ctx)`.

The index is small (thousands of items), so each build writes a complete fresh index into a temp
folder inside the index dir and renames it into place; the old index stays usable until the swap.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import swap_into_place
from ..errors import IndexMismatchError, StoreError
from ..locations import fulltext_dir
from ..stages import StageContext
from ..store import Store
from .analyzer import (
    ANALYZER_VERSION,
    DNR_PATTERN,
    ParsedQuery,
    analyze,
    normalize_dnr,
    swedish_analyzer,
    whoosh_query,
)

FORMAT_VERSION = 1
STAMP = "stamp.json"
REBUILD_HINT = "Bygg om med `minutesearch ingest --rebuild`."


def schema() -> Any:
    """Searchable text fields with the Swedish analyzer; exact fields for filters and ids."""
    from whoosh.fields import ID, KEYWORD, TEXT, Schema

    ana = swedish_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        canonical_id=ID(stored=True),
        doc_id=ID(stored=True),
        title=TEXT(analyzer=ana),
        decision=TEXT(analyzer=ana),
        text=TEXT(analyzer=ana),
        section=ID(stored=True),
        dnr=KEYWORD(lowercase=True, commas=True),
        body=KEYWORD(lowercase=True, commas=True),
        date=ID(stored=True),
        persons=TEXT(analyzer=ana),
        parties=KEYWORD(lowercase=True, commas=True),
        topics=KEYWORD(lowercase=True, commas=True),
        kind=ID(stored=True),
    )


def extract_dnrs(*texts: str | None) -> list[str]:
    """Normalised diarienummer keys found in the given texts."""
    found: list[str] = []
    for text in texts:
        for m in DNR_PATTERN.finditer(text or ""):
            key = normalize_dnr(m.group(0))
            if key not in found:
                found.append(key)
    return found


def items_digest(store: Store) -> str:
    """A hash of every item's id and content, so an unchanged corpus can skip a rebuild."""
    h = hashlib.sha256()
    for r in store.conn.execute("SELECT id, content_hash, canonical_id FROM items ORDER BY id"):
        h.update(f"{r[0]}\t{r[1]}\t{r[2]}\n".encode())
    return h.hexdigest()


# -- stamps ----------------------------------------------------------------------------------


def read_stamp(folder: Path) -> dict[str, Any] | None:
    """The stamp of an index folder, or None when there is no index."""
    try:
        return dict(json.loads((folder / STAMP).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise IndexMismatchError(f"{folder}: trasig stämpel ({exc}). {REBUILD_HINT}") from exc


def write_stamp(folder: Path, stamp: dict[str, Any]) -> None:
    """Write an index folder's stamp.json."""
    (folder / STAMP).write_text(json.dumps(stamp, ensure_ascii=False, indent=1), encoding="utf-8")


def fresh_temp_dir(idx_dir: Path, prefix: str) -> Path:
    """A new temp folder inside idx_dir; folders left by an interrupted build are removed first."""
    idx_dir.mkdir(parents=True, exist_ok=True)
    for stale in idx_dir.glob(f"{prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=idx_dir))


def fulltext_stamp() -> dict[str, Any]:
    """What a keyword index of this program must carry in its stamp."""
    return {"format": FORMAT_VERSION, "analyzer": ANALYZER_VERSION, "backend": "whoosh"}


# -- building --------------------------------------------------------------------------------


def _item_docs(store: Store) -> list[dict[str, str]]:
    persons: dict[str, list[str]] = {}
    parties: dict[str, list[str]] = {}
    for r in store.conn.execute(
        "SELECT m.item_id, coalesce(p.name, m.text) AS name, p.party FROM mentions m"
        " LEFT JOIN persons p ON p.id = m.person_id WHERE m.label = 'PER'"
    ):
        persons.setdefault(r["item_id"], []).append(r["name"])
        if r["party"]:
            parties.setdefault(r["item_id"], []).append(r["party"])
    topics: dict[str, list[str]] = {}
    for r in store.conn.execute(
        "SELECT it.item_id, t.label FROM item_topics it JOIN topics t ON t.id = it.topic_id"
    ):
        topics.setdefault(r["item_id"], []).append(r["label"])
    docs = []
    for r in store.conn.execute(
        "SELECT i.id, i.canonical_id, i.doc_id, i.section, i.title, i.text, i.dnr, i.decision,"
        " d.body, d.body_short, d.date, d.kind FROM items i JOIN documents d ON d.id = i.doc_id"
    ):
        iid = r["id"]
        docs.append(
            {
                "id": iid,
                "canonical_id": r["canonical_id"] or iid,
                "doc_id": r["doc_id"],
                "title": r["title"] or "",
                "decision": r["decision"] or "",
                "text": r["text"] or "",
                "section": str(r["section"]),
                "dnr": ",".join(extract_dnrs(r["dnr"], r["title"], r["text"])),
                "body": ",".join(x for x in (r["body"], r["body_short"]) if x),
                "date": r["date"] or "",
                "persons": " ".join(sorted(set(persons.get(iid, [])))),
                "parties": ",".join(sorted(set(parties.get(iid, [])))),
                "topics": ",".join(sorted(set(topics.get(iid, [])))),
                "kind": r["kind"],
            }
        )
    return docs


def build_fulltext(ctx: StageContext) -> None:
    """Stage: (re)build the Whoosh index from the store, atomically."""
    from whoosh.index import create_in

    target = fulltext_dir(ctx.index_dir)
    docs = _item_docs(ctx.store)
    tmp = fresh_temp_dir(ctx.index_dir, ".fulltext-")
    try:
        ix = create_in(str(tmp), schema())
        writer = ix.writer()
        for n, doc in enumerate(docs):
            writer.add_document(**doc)
            if n % 200 == 0:
                ctx.progress("fulltext", n, len(docs))
        writer.commit()
        ix.close()
        write_stamp(
            tmp, {**fulltext_stamp(), "items": len(docs), "digest": items_digest(ctx.store)}
        )
        swap_into_place(tmp, target)
        ctx.progress("fulltext", len(docs), len(docs))
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _CACHE.pop(str(target), None)


def _is_current(ctx: StageContext) -> bool:
    stamp = read_stamp(fulltext_dir(ctx.index_dir))
    if not stamp or any(stamp.get(k) != v for k, v in fulltext_stamp().items()):
        return False
    return bool(stamp.get("digest") == items_digest(ctx.store))


build_fulltext.is_current = _is_current  # type: ignore[attr-defined]


# -- opening (cached per process: the TUI searches on every keystroke) ------------------------


@dataclass
class OpenIndex:
    """An opened Whoosh index with a searcher and the item id <-> docnum maps."""

    index: Any
    searcher: Any
    docnum: dict[str, int]
    stored: list[dict[str, Any]]
    mtime: tuple[int, int]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(
        self, query: Any, limit: int | None, flt: set[int] | None = None
    ) -> list[tuple[str, float]]:
        """(item id, score) best first; one search at a time (a Whoosh searcher is not thread-safe)."""
        with self.lock:
            results = self.searcher.search(query, limit=limit, filter=flt)
            return [(self.stored[h.docnum]["id"], float(h.score)) for h in results]


_CACHE: dict[str, OpenIndex] = {}
_LOCK = threading.Lock()


def open_fulltext(idx_dir: Path) -> OpenIndex:
    """The keyword index of idx_dir, opened once per process and reopened when it was rebuilt."""
    from whoosh.index import EmptyIndexError, open_dir

    folder = fulltext_dir(idx_dir)
    stamp = read_stamp(folder)
    if stamp is None:
        raise StoreError(
            f"Inget sökindex i {idx_dir} — kör `minutesearch ingest` först.", "Inget sökindex"
        )
    expected = fulltext_stamp()
    if any(stamp.get(k) != v for k, v in expected.items()):
        raise IndexMismatchError(
            f"Sökindexet i {folder} har format {stamp.get('format')}/analys {stamp.get('analyzer')},"
            f" programmet väntar sig {expected['format']}/{expected['analyzer']}. {REBUILD_HINT}"
        )
    st = os.stat(folder / STAMP)
    mtime = (st.st_mtime_ns, st.st_ino)
    key = str(folder)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None and cached.mtime == mtime:
            return cached
        try:
            ix = open_dir(str(folder))
        except (EmptyIndexError, OSError) as exc:
            raise IndexMismatchError(
                f"Sökindexet i {folder} går inte att öppna. {REBUILD_HINT}"
            ) from exc
        searcher = ix.searcher()
        stored: list[dict[str, Any]] = [{} for _ in range(searcher.doc_count_all())]
        docnum: dict[str, int] = {}
        for num, fields in searcher.reader().iter_docs():
            if num >= len(stored):
                stored.extend({} for _ in range(num - len(stored) + 1))
            stored[num] = fields
            docnum[fields["id"]] = num
        opened = OpenIndex(ix, searcher, docnum, stored, mtime)
        if cached is not None:
            cached.searcher.close()
        _CACHE[key] = opened
        return opened


# -- querying --------------------------------------------------------------------------------


def keyword_candidates(
    idx_dir: Path, q: ParsedQuery, allowed: set[str] | None, depth: int
) -> tuple[list[tuple[str, float]], bool]:
    """Ranked (item id, BM25F score) and whether the AND query fell back to OR."""
    ix = open_fulltext(idx_dir)
    flt = None if allowed is None else {ix.docnum[i] for i in allowed if i in ix.docnum}
    hits = ix.run(whoosh_query(q, conjunctive=True), depth, flt)
    if hits or len(q.must) + len(q.dnrs) + len(q.sections) < 2:
        return hits, False
    hits = ix.run(whoosh_query(q, conjunctive=False), depth, flt)
    return hits, bool(hits)


def excluded_ids(idx_dir: Path, q: ParsedQuery) -> set[str]:
    """Items matching a -word, so semantic results honour exclusions too."""
    if not q.exclude:
        return set()
    ix = open_fulltext(idx_dir)
    neg = ParsedQuery(must=q.exclude)
    return {item_id for item_id, _ in ix.run(whoosh_query(neg, conjunctive=False), None)}


def more_like_this(idx_dir: Path, text: str, terms: int = 20) -> list[tuple[str, float]]:
    """Keyword fallback for `related`: OR of the item's most distinctive stems (tf·idf)."""
    from whoosh import query as wq

    ix = open_fulltext(idx_dir)
    counts: dict[str, int] = {}
    for stem in analyze(text):
        if len(stem) > 2 and not stem.isdigit():
            counts[stem] = counts.get(stem, 0) + 1
    with ix.lock:
        idf = {s: ix.searcher.idf("text", s) for s in counts}
    weighted = sorted(counts, key=lambda s: -counts[s] * idf[s])[:terms]
    if not weighted:
        return []
    return ix.run(wq.Or([wq.Term("text", s) for s in weighted]), 200)
