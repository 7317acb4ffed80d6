"""The tantivy keyword engine (Rust, via the `tantivy` wheel): BM25 per field, fields boosted.

The default engine. It is given our analysed terms (whitespace-separated), so it matches exactly
what the Whoosh engine matches; it answers in well under a millisecond at 100 000 items and can
be updated in place: a commit is atomic (a killed writer leaves the last commit), and readers in
other processes keep the files they opened.

Filters are fields: body, org, kind and party as raw terms, the date as a fast integer
(yyyymmdd); a filtered query adds zero-scored MUST clauses (a term set over the few allowed
body names, a range on the date), so it costs about what the unfiltered query costs.
"""

from __future__ import annotations

import re
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

NAME = "tantivy"
WRITER_HEAP = 64_000_000
TEXT_FIELDS = tuple(name for name, _ in FIELD_BOOSTS)
FILTER_FIELDS = ("body", "org", "kind", "party", "person", "doc", "attendee")


def schema() -> Any:
    """Pre-analysed text fields with positions (phrases); raw fields for id, §, diarienummer."""
    import tantivy

    b = tantivy.SchemaBuilder()
    b.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        b.add_text_field(name, tokenizer_name="whitespace", index_option="position")
    b.add_text_field("section", tokenizer_name="raw", index_option="basic")
    b.add_text_field("dnr", tokenizer_name="raw", index_option="freq")
    for name in FILTER_FIELDS:
        b.add_text_field(name, tokenizer_name="raw", index_option="basic")
    b.add_integer_field("day", indexed=True, fast=True)
    return b.build()


def _document(doc: KeywordDoc) -> Any:
    import tantivy

    fields: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "decision": doc.decision,
        "text": doc.text,
        "persons": doc.persons,
        "section": doc.section,
    }
    if doc.dnrs:
        fields["dnr"] = list(doc.dnrs)
    fields["body"] = doc.body
    fields["org"] = doc.org
    fields["kind"] = doc.kind
    if doc.parties:
        fields["party"] = list(doc.parties)
    if doc.person_ids:
        fields["person"] = list(doc.person_ids)
    if doc.attendees:
        fields["attendee"] = list(doc.attendees)
    fields["doc"] = doc.doc
    if doc.day is not None:
        fields["day"] = doc.day
    return tantivy.Document(**fields)


def _writer(index: Any) -> Any:
    return index.writer(WRITER_HEAP, 1)


def build(folder: Path, docs: Iterable[KeywordDoc], progress: Callable[[int], None]) -> None:
    """Write a complete index of docs into the empty folder."""
    import tantivy

    index = tantivy.Index(schema(), path=str(folder), reuse=False)
    writer = _writer(index)
    for n, doc in enumerate(docs):
        writer.add_document(_document(doc))
        if n % 1000 == 0:
            progress(n)
    writer.commit()
    writer.wait_merging_threads()


def update(folder: Path, docs: list[KeywordDoc], delete: list[str]) -> None:
    """In place: remove the items in `delete` and (re)add docs, in one atomic commit."""
    import tantivy

    try:
        index = tantivy.Index.open(str(folder))
    except (OSError, ValueError) as exc:
        raise IndexMismatchError(
            f"Sökindexet i {folder} går inte att öppna. {REBUILD_HINT}"
        ) from exc
    writer = _writer(index)
    try:
        for item_id in sorted(set(delete) | {d.id for d in docs}):
            writer.delete_documents_by_term("id", item_id)
        for doc in docs:
            writer.add_document(_document(doc))
        writer.commit()
    except BaseException:
        writer.rollback()
        raise
    writer.wait_merging_threads()


class TantivyIndex:
    """An opened tantivy index (searches are thread-safe; the lock guards lazy state)."""

    name = NAME

    def __init__(self, folder: Path) -> None:
        import tantivy

        try:
            self.index = tantivy.Index.open(str(folder))
        except (OSError, ValueError) as exc:
            raise IndexMismatchError(
                f"Sökindexet i {folder} går inte att öppna. {REBUILD_HINT}"
            ) from exc
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.lock = threading.Lock()

    # -- query building ---------------------------------------------------------------------

    def _boolean(self, parts: list[tuple[Any, Any]]) -> Any:
        import tantivy

        return tantivy.Query.boolean_query(parts)

    def _clause(self, clause: Clause) -> Any:
        """A clause over every searched field, each field weighted by its boost (summed)."""
        import tantivy

        Q = tantivy.Query
        alts = []
        for name, boost in FIELD_BOOSTS:
            if clause.prefix:
                q = Q.regex_query(self.schema, name, re.escape(clause.prefix) + ".*")
            elif len(clause.stems) == 1:
                q = Q.term_query(self.schema, name, clause.stems[0])
            else:
                q = Q.phrase_query(self.schema, name, list[str | tuple[int, str]](clause.stems))
            alts.append((tantivy.Occur.Should, Q.boost_query(q, boost)))
        if clause.parts:
            every = [(tantivy.Occur.Must, self._any_field(p)) for p in clause.parts]
            alts.append((tantivy.Occur.Should, Q.boost_query(self._boolean(every), PART_BOOST)))
        return self._boolean(alts)

    def _any_field(self, stem: str) -> Any:
        import tantivy

        Q = tantivy.Query
        return self._boolean(
            [
                (tantivy.Occur.Should, Q.boost_query(Q.term_query(self.schema, name, stem), boost))
                for name, boost in FIELD_BOOSTS
            ]
        )

    def _proximity(self, q: ParsedQuery) -> list[tuple[Any, Any]]:
        """Should-parts that reward neighbouring query words standing near each other."""
        import tantivy

        Q = tantivy.Query
        out = []
        for a, b in proximity_pairs(q):
            for name, boost in PROXIMITY_FIELDS:
                near = Q.phrase_query(self.schema, name, [a, b], slop=PROXIMITY_SLOP)
                out.append((tantivy.Occur.Should, Q.boost_query(near, boost * PROXIMITY_BOOST)))
        return out

    def _filter(self, flt: ItemFilter) -> list[tuple[Any, Any]]:
        """MUST clauses (scoring nothing) for each field the filter sets."""
        import tantivy

        Q = tantivy.Query
        parts = []
        if flt.bodies is not None:
            parts.append(Q.term_set_query(self.schema, "body", sorted(flt.bodies)))
        if flt.orgs is not None:
            parts.append(Q.term_set_query(self.schema, "org", sorted(flt.orgs)))
        lo, hi = flt.day_range()
        if lo is not None or hi is not None:
            parts.append(Q.range_query(self.schema, "day", tantivy.FieldType.Integer, lo, hi))
        if flt.kind:
            parts.append(Q.term_query(self.schema, "kind", flt.kind))
        if flt.party is not None:
            parts.append(Q.term_query(self.schema, "party", flt.party))
        if flt.person is not None:
            either = [
                (tantivy.Occur.Should, Q.term_set_query(self.schema, name, list(values)))
                for name, values in person_fields(flt.person)
            ]
            parts.append(self._boolean(either))
        if flt.item_ids is not None:
            parts.append(Q.term_set_query(self.schema, "id", sorted(flt.item_ids)))
        return [(tantivy.Occur.Must, Q.const_score_query(p, 0.0)) for p in parts]

    def _query(self, q: ParsedQuery, conjunctive: bool, allowed: ItemFilter | None) -> Any:
        import tantivy

        Q = tantivy.Query
        groups = [self._clause(c) for c in q.must]
        for key, stems in q.dnrs:
            alts = [
                (tantivy.Occur.Should, Q.boost_query(Q.term_query(self.schema, "dnr", k), w))
                for k, w in dnr_alternatives(key)
            ]
            if stems:
                text = (
                    Q.phrase_query(self.schema, "text", list[str | tuple[int, str]](stems))
                    if len(stems) > 1
                    else Q.term_query(self.schema, "text", stems[0])
                )
                alts.append((tantivy.Occur.Should, text))
            groups.append(self._boolean(alts))
        groups += [
            Q.boost_query(Q.term_query(self.schema, "section", s), SECTION_BOOST)
            for s in q.sections
        ]
        occur = tantivy.Occur.Must if conjunctive else tantivy.Occur.Should
        parts = [(occur, g) for g in groups]
        if not conjunctive and (q.exclude or allowed is not None):
            parts = [(tantivy.Occur.Must, self._boolean(parts))]
        parts += self._proximity(q)
        parts += [(tantivy.Occur.MustNot, self._clause(c)) for c in q.exclude]
        if allowed is not None:
            parts += self._filter(allowed)
        return self._boolean(parts)

    # -- answering --------------------------------------------------------------------------

    def _ids(self, hits: list[tuple[Any, Any]]) -> list[tuple[str, float]]:
        out = []
        for score, address in hits:
            out.append((self.searcher.doc(address)["id"][0], float(score)))
        return out

    def search(
        self, q: ParsedQuery, *, conjunctive: bool, limit: int, allowed: ItemFilter | None
    ) -> list[tuple[str, float]]:
        """(item id, score) best first, among the items that pass `allowed`."""
        if allowed is not None and allowed.matches_nothing():
            return []
        result = self.searcher.search(self._query(q, conjunctive, allowed), limit, count=False)
        return self._ids(result.hits)

    def matching(self, clauses: list[Clause], among: set[str] | None = None) -> set[str]:
        """The items (of `among`, when given) that match any of the clauses."""
        import tantivy

        if among is not None and not among:
            return set()
        parts = [(tantivy.Occur.Should, self._clause(c)) for c in clauses]
        query = self._boolean(parts)
        if among is not None:
            only = tantivy.Query.term_set_query(self.schema, "id", sorted(among))
            query = self._boolean([(tantivy.Occur.Must, query), (tantivy.Occur.Must, only)])
        limit = max(1, len(among) if among is not None else self.searcher.num_docs)
        return {item_id for item_id, _ in self._ids(self.searcher.search(query, limit).hits)}

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """Number of items, and in how many items' text each term occurs."""
        return self.searcher.num_docs, {t: self.searcher.doc_freq("text", t) for t in terms}

    def any_of(self, terms: list[str], limit: int) -> list[tuple[str, float]]:
        """Items whose text has any of these terms, best first."""
        import tantivy

        Q = tantivy.Query
        query = self._boolean(
            [(tantivy.Occur.Should, Q.term_query(self.schema, "text", t)) for t in terms]
        )
        return self._ids(self.searcher.search(query, limit, count=False).hits)

    def fuzzy(self, stem: str, distance: int, limit: int) -> list[str]:
        """Items whose text or title has a term within `distance` edits of stem."""
        import tantivy

        Q = tantivy.Query
        query = self._boolean(
            [
                (tantivy.Occur.Should, Q.fuzzy_term_query(self.schema, name, stem, distance))
                for name in ("title", "text")
            ]
        )
        return [i for i, _ in self._ids(self.searcher.search(query, limit, count=False).hits)]

    def close(self) -> None:
        """Nothing to release: tantivy frees its files when the objects go."""
