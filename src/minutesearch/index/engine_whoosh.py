"""The Whoosh keyword engine (pure Python): BM25F over the analysed fields.

Kept beside tantivy (`ingest --keyword-engine whoosh`) for installs without the tantivy wheel
and as the reference the tantivy engine is tested against. It rebuilds the whole index on every
change: fine for thousands of items, slow at 100 000 (see docs/benchmarks.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from ..errors import IndexMismatchError
from ..filters import ItemFilter
from .analyzer import (
    FIELD_BOOSTS,
    PART_BOOST,
    PROXIMITY_BOOST,
    PROXIMITY_FIELDS,
    PROXIMITY_SLOP,
    SECTION_BOOST,
    Clause,
    ParsedQuery,
    dnr_alternatives,
    proximity_pairs,
)
from .engine import REBUILD_HINT, KeywordDoc, person_fields

NAME = "whoosh"


def schema() -> Any:
    """Pre-analysed text fields (terms separated by spaces); exact fields for ids and numbers."""
    from whoosh.analysis import SpaceSeparatedTokenizer
    from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

    terms = SpaceSeparatedTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=terms),
        decision=TEXT(analyzer=terms),
        text=TEXT(analyzer=terms),
        persons=TEXT(analyzer=terms),
        section=ID,
        dnr=KEYWORD(commas=True),
        body=ID,
        org=ID,
        kind=ID,
        party=KEYWORD(commas=True),  # codes never hold a comma (filters.text_parties)
        person=KEYWORD(commas=True),  # person ids are slugs: no comma
        attendee=KEYWORD(commas=True),
        doc=ID,
        day=NUMERIC(int, bits=32),
    )


def build(folder: Path, docs: Iterable[KeywordDoc], progress: Callable[[int], None]) -> None:
    """Write a complete index of docs into the empty folder."""
    from whoosh.index import create_in

    ix = create_in(str(folder), schema())
    writer = ix.writer()
    for n, doc in enumerate(docs):
        extra: dict[str, Any] = {} if doc.day is None else {"day": doc.day}
        writer.add_document(
            id=doc.id,
            title=doc.title,
            decision=doc.decision,
            text=doc.text,
            persons=doc.persons,
            section=doc.section,
            dnr=",".join(doc.dnrs),
            body=doc.body,
            org=doc.org,
            kind=doc.kind,
            party=",".join(doc.parties),
            person=",".join(doc.person_ids),
            attendee=",".join(doc.attendees),
            doc=doc.doc,
            **extra,
        )
        if n % 200 == 0:
            progress(n)
    writer.commit()
    ix.close()


def _fields(clause: Clause) -> Any:
    from whoosh import query as wq

    parts = []
    for name, boost in FIELD_BOOSTS:
        if clause.prefix:
            parts.append(wq.Prefix(name, clause.prefix, boost=boost))
        elif len(clause.stems) == 1:
            parts.append(wq.Term(name, clause.stems[0], boost=boost))
        else:
            parts.append(wq.Phrase(name, clause.stems, boost=boost))
    if clause.parts:
        every = [wq.Or([wq.Term(n, p, boost=b) for n, b in FIELD_BOOSTS]) for p in clause.parts]
        parts.append(wq.And(every, boost=PART_BOOST))
    return wq.Or(parts)


def to_query(q: ParsedQuery, *, conjunctive: bool) -> Any:
    """The Whoosh query for a parsed query: AND (or OR) of clauses over the boosted fields."""
    from whoosh import query as wq

    groups = [_fields(c) for c in q.must]
    for key, stems in q.dnrs:
        alts: list[Any] = [wq.Term("dnr", k, boost=w) for k, w in dnr_alternatives(key)]
        if stems:
            alts.append(wq.Phrase("text", stems) if len(stems) > 1 else wq.Term("text", stems[0]))
        groups.append(wq.Or(alts))
    groups += [wq.Term("section", s, boost=SECTION_BOOST) for s in q.sections]
    combined = wq.And(groups) if conjunctive else wq.Or(groups)
    near = [
        wq.Phrase(name, [a, b], slop=PROXIMITY_SLOP + 1, boost=boost * PROXIMITY_BOOST)
        for a, b in proximity_pairs(q)
        for name, boost in PROXIMITY_FIELDS
    ]
    if near:
        # Proximity only adds to the score: AndMaybe keeps the matches of `combined`.
        combined = wq.AndMaybe(combined, wq.Or(near))
    if q.exclude:
        combined = wq.AndNot(combined, wq.Or([_fields(c) for c in q.exclude]))
    return combined


def filter_query(flt: ItemFilter) -> Any:
    """The Whoosh query that matches exactly the items passing the filter."""
    from whoosh import query as wq

    parts: list[Any] = []
    if flt.bodies is not None:
        parts.append(wq.Or([wq.Term("body", b) for b in sorted(flt.bodies)]))
    if flt.orgs is not None:
        parts.append(wq.Or([wq.Term("org", o) for o in sorted(flt.orgs)]))
    lo, hi = flt.day_range()
    if lo is not None or hi is not None:
        parts.append(wq.NumericRange("day", lo, hi))
    if flt.kind:
        parts.append(wq.Term("kind", flt.kind))
    if flt.party is not None:
        parts.append(wq.Term("party", flt.party))
    if flt.person is not None:
        parts.append(
            wq.Or(
                [
                    wq.Term(name, value)
                    for name, values in person_fields(flt.person)
                    for value in sorted(values)
                ]
            )
        )
    if flt.item_ids is not None:
        parts.append(wq.Or([wq.Term("id", i) for i in sorted(flt.item_ids)]))
    return wq.And(parts) if parts else wq.Every()


class WhooshIndex:
    """An opened Whoosh index; one search at a time (a Whoosh searcher is not thread-safe)."""

    name = NAME

    def __init__(self, folder: Path) -> None:
        from whoosh.index import EmptyIndexError, open_dir

        try:
            self.index = open_dir(str(folder))
        except (EmptyIndexError, OSError) as exc:
            raise IndexMismatchError(
                f"Sökindexet i {folder} går inte att öppna. {REBUILD_HINT}"
            ) from exc
        self.searcher = self.index.searcher()
        self.lock = threading.Lock()
        self.ids: list[str] = [""] * self.searcher.doc_count_all()
        self.docnum: dict[str, int] = {}
        for num, stored in self.searcher.reader().iter_docs():
            if num >= len(self.ids):
                self.ids.extend([""] * (num - len(self.ids) + 1))
            self.ids[num] = stored["id"]
            self.docnum[stored["id"]] = num

    def _run(self, query: Any, limit: int | None, flt: Any) -> list[tuple[str, float]]:
        with self.lock:
            results = self.searcher.search(query, limit=limit, filter=flt)
            return [(self.ids[h.docnum], float(h.score)) for h in results]

    def search(
        self, q: ParsedQuery, *, conjunctive: bool, limit: int, allowed: ItemFilter | None
    ) -> list[tuple[str, float]]:
        """(item id, score) best first, among the items that pass `allowed`."""
        if allowed is not None and allowed.matches_nothing():
            return []
        flt = None if allowed is None else filter_query(allowed)
        return self._run(to_query(q, conjunctive=conjunctive), limit, flt)

    def matching(self, clauses: list[Clause], among: set[str] | None = None) -> set[str]:
        """The items (of `among`, when given) that match any of the clauses."""
        from whoosh import query as wq

        flt = None if among is None else {self.docnum[i] for i in among if i in self.docnum}
        query = wq.Or([_fields(c) for c in clauses])
        return {item_id for item_id, _ in self._run(query, None, flt)}

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """Number of items, and in how many items' text each term occurs."""
        with self.lock:
            reader = self.searcher.reader()
            return self.searcher.doc_count(), {t: reader.doc_frequency("text", t) for t in terms}

    def any_of(self, terms: list[str], limit: int) -> list[tuple[str, float]]:
        """Items whose text has any of these terms, best first."""
        from whoosh import query as wq

        return self._run(wq.Or([wq.Term("text", t) for t in terms]), limit, None)

    def fuzzy(self, stem: str, distance: int, limit: int) -> list[str]:
        """Items whose text or title has a term within `distance` edits of stem."""
        from whoosh import query as wq

        near = [wq.FuzzyTerm(n, stem, maxdist=distance, prefixlength=0) for n in ("title", "text")]
        return [i for i, _ in self._run(wq.Or(near), limit, None)]

    def close(self) -> None:
        """Release the searcher."""
        self.searcher.close()
