"""What a keyword engine is given and must answer: the seam between search and Whoosh/tantivy.

Both engines index the same pre-analysed text (`analyzer.index_text`: Swedish stop words out,
Snowball stems plus our -et/-an step), so swapping one for the other changes speed, not which
words meet. A distributed engine (OpenSearch, see docs/scaling.md) would implement the same
`KeywordIndex` protocol.

Filters (body, organisation, date, kind, party) are fields of every indexed item, so an engine
filters on them itself: `search` takes a resolved `filters.ItemFilter`, never a set of every
allowed item id (100 000 ids for "body=KS" at a million items cost more than the query).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..filters import ItemFilter, PersonScope
from .analyzer import Clause, ParsedQuery

ENGINES = ("tantivy", "whoosh")
REBUILD_HINT = "Bygg om med `minutesearch ingest --rebuild`."


@dataclass
class KeywordDoc:
    """One §-item as an engine indexes it (text fields already analysed)."""

    id: str
    title: str
    decision: str
    text: str
    persons: str
    section: str
    dnrs: list[str] = field(default_factory=list)
    # Filter fields (exact values, not analysed): see filters.ItemFilter.
    body: str = ""  # documents.body ("" when unknown)
    org: str = ""  # documents.organisation
    day: int | None = None  # filters.date_key(documents.date): yyyymmdd
    kind: str = ""  # protocol / extract / attachment
    parties: list[str] = field(default_factory=list)  # filters.item_parties: upper-case codes
    person_ids: list[str] = field(default_factory=list)  # filters.item_persons: person ids
    doc: str = ""  # the item's document (meeting) id: a person filter for a name no one has
    attendees: list[str] = field(default_factory=list)  # entities.people.item_attendees


def person_fields(scope: PersonScope) -> list[tuple[str, frozenset[str]]]:
    """The keyword fields and values a person filter matches (any of them): the persons' ids
    in the item-level `person` field and the `attendee` field (which covers the meetings they
    attended, §§ included), the items of `scope.items`; for a name no person has, its meetings
    in the `doc` field."""
    if scope.persons:
        fields = [("person", scope.persons), ("attendee", scope.persons), ("id", scope.items)]
    else:
        fields = [("doc", scope.docs), ("id", scope.items)]
    return [(name, values) for name, values in fields if values]


class KeywordIndex(Protocol):
    """An opened keyword index."""

    name: str

    def search(
        self, q: ParsedQuery, *, conjunctive: bool, limit: int, allowed: ItemFilter | None
    ) -> list[tuple[str, float]]:
        """(item id, score) best first: AND (or OR) of the query's clauses, minus exclusions,
        among the items that pass `allowed` (None: every item). The filter adds nothing to
        the scores: a filtered list is the unfiltered ranking of the items that pass."""
        ...

    def matching(self, clauses: list[Clause], among: set[str] | None = None) -> set[str]:
        """The items (of `among`, when given) that match any clause (-exclusions, semantic)."""
        ...

    def doc_freqs(self, terms: list[str]) -> tuple[int, dict[str, int]]:
        """Number of items, and in how many items' text each term occurs."""
        ...

    def any_of(self, terms: list[str], limit: int) -> list[tuple[str, float]]:
        """Items whose text has any of these terms, best first (for `related`)."""
        ...

    def fuzzy(self, stem: str, distance: int, limit: int) -> list[str]:
        """Items whose text or title has a term within `distance` edits of stem ("Menade du")."""
        ...

    def close(self) -> None:
        """Release what the index holds open."""
        ...


def _check(name: str) -> None:
    if name not in ENGINES:
        raise ValueError(f"unknown keyword engine {name!r}; choose one of {', '.join(ENGINES)}")


def build_index(
    name: str, folder: Path, docs: Iterable[KeywordDoc], progress: Callable[[int], None]
) -> None:
    """Write a complete index of docs (any iterable: a full build streams them) with engine
    `name` into the empty folder."""
    _check(name)
    if name == "tantivy":
        from . import engine_tantivy

        engine_tantivy.build(folder, docs, progress)
    else:
        from . import engine_whoosh

        engine_whoosh.build(folder, docs, progress)


def updates_in_place(name: str) -> bool:
    """Whether engine `name` can add and delete items in an existing index atomically."""
    return name == "tantivy"


def update_index(name: str, folder: Path, docs: list[KeywordDoc], delete: list[str]) -> None:
    """Remove `delete` and (re)add `docs` in place, in one atomic commit (tantivy only)."""
    if not updates_in_place(name):
        raise ValueError(f"keyword engine {name!r} cannot update in place")
    from . import engine_tantivy

    engine_tantivy.update(folder, docs, delete)


def open_index(name: str, folder: Path) -> KeywordIndex:
    """Open the index in folder with engine `name`."""
    _check(name)
    if name == "tantivy":
        from .engine_tantivy import TantivyIndex

        return TantivyIndex(folder)
    from .engine_whoosh import WhooshIndex

    return WhooshIndex(folder)
