"""The public Python API: one front door that notebooks, the CLI and the TUI share.

    import minutesearch
    corpus = minutesearch.open()            # the project's indexes/ (or $MINUTESEARCH_INDEX_DIR)
    hits = corpus.search("skolskjuts", filters=minutesearch.Filters(org="Alingsås"))
    df = corpus.decisions(filters=minutesearch.Filters(body="KS")).to_pandas()

Every method opens the store for the call only (so threads never share an sqlite connection),
takes the one `Filters`, and returns dataclasses; every list result is a `Results` with
`.to_records()` (plain dicts) and `.to_pandas()` (pandas: the optional `[data]` extra).
"""

from __future__ import annotations

import inspect
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .config import Settings
from .errors import MinutesearchError, QueryError
from .filters import Filters, as_filters, validate
from .store import Store

if TYPE_CHECKING:
    import pandas

T = TypeVar("T")

STATS_DIMENSIONS = ("body", "org", "year", "month", "outcome", "party", "topic", "won", "kind")
"""What `stats` can count along; party and topic are many-valued (a row counts once per value)."""
STATS_COUNTS = ("decisions", "items", "motions")
MOTION_DIMENSIONS = ("won", "kind")
"""Dimensions of a yrkande itself: only with count="motions" (where party is the yrkande's)."""


class DependencyMissing(MinutesearchError):
    """An optional package (pandas, pyarrow) is not installed."""

    title = "Paket saknas"


def require_pandas() -> Any:
    """The pandas module, or a clear error naming the extra to install."""
    try:
        import pandas
    except ImportError as exc:
        raise DependencyMissing(
            "to_pandas() och Parquet-export kräver pandas och pyarrow:"
            " pip install 'minutesearch[data]'."
        ) from exc
    return pandas


class Results(list[T], Generic[T]):
    """A list of result dataclasses (resultatlista) with `to_records()` and `to_pandas()`."""

    def __init__(self, rows: Iterable[T] = (), kind: type | None = None, note: str | None = None):
        super().__init__(rows)
        self.kind = kind
        self.note = note

    def to_records(self) -> list[dict[str, Any]]:
        """Each row as a plain dict (lists and nested rows as lists and dicts)."""
        return [_record(r) for r in self]

    def columns(self) -> list[str]:
        """Column names, also for an empty list."""
        if self:
            return list(_record(self[0]))
        if self.kind is not None:
            record_fields = getattr(self.kind, "record_fields", None)
            return list(record_fields()) if record_fields else [f.name for f in fields(self.kind)]
        return []

    def to_pandas(self) -> pandas.DataFrame:
        """A pandas DataFrame, one row per result (pandas: `pip install 'minutesearch[data]'`)."""
        pd = require_pandas()
        return pd.DataFrame.from_records(self.to_records(), columns=self.columns())


def _record(row: Any) -> dict[str, Any]:
    to_record = getattr(row, "to_record", None)
    if to_record is not None:
        return dict(to_record())
    return asdict(row)


def _make(cls: type[T], data: dict[str, Any], **extra: Any) -> T:
    """A dataclass from a JSON-contract dict: known fields taken, others ignored."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: v for k, v in {**data, **extra}.items() if k in names}
    return cls(**values)


# -- result types ------------------------------------------------------------------------------


@dataclass
class Item:
    """Ärende (§-item): one numbered section of a protokoll, utdrag or bilaga, with provenance."""

    id: str
    org: str | None
    body: str | None
    body_short: str | None
    date: str | None
    section: int
    title: str
    kind: str
    source: str
    dnr: str | None
    text: str
    presenter: str | None = None
    summary: str | None = None
    proposal: str | None = None
    motions_text: str | None = None
    proceedings: str | None = None
    decision: str | None = None
    attachments: list[Any] = field(default_factory=list)
    meeting: str | None = None
    canonical_id: str | None = None
    persons: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    section_label: str | None = None  # "3A" for a sub-§ of § 3
    ocr_read: bool = False  # the § heading was read from an OCR misreading of "§"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        parts = data.get("parts") or {}
        return _make(
            cls,
            data,
            org=data.get("org", data.get("organisation")),
            presenter=parts.get("presenter"),
            summary=parts.get("summary"),
            proposal=parts.get("proposal"),
            motions_text=parts.get("motions"),
            proceedings=parts.get("proceedings"),
            decision=parts.get("decision"),
            attachments=parts.get("attachments") or [],
        )


@dataclass
class Attendee:
    """Närvarande/frånvarande: one person on a meeting's attendance list."""

    name: str
    party: str | None = None
    org: str | None = None
    role: str | None = None
    group: str | None = None
    replaces: str | None = None
    sections: list[Any] = field(default_factory=list)


@dataclass
class Meeting:
    """Sammanträde (or another document: utdrag, bilaga) with its attendance and item ids."""

    id: str
    org: str | None
    body: str | None
    body_short: str | None
    date: str | None
    kind: str
    title: str | None
    source: str
    time: str | None = None
    place: str | None = None
    chair: str | None = None
    secretary: str | None = None
    dnr: str | None = None
    adjusters: list[str] = field(default_factory=list)
    present: list[Attendee] = field(default_factory=list)
    absent: list[Attendee] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    declared_sections: list[int] | None = None
    linked_item: str | None = None
    warnings: list[Any] = field(default_factory=list)
    ocr: bool = False  # some pages were scanned and read by OCR
    ocr_pages: list[int] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Meeting:
        return _make(
            cls,
            data,
            org=data.get("org", data.get("organisation")),
            present=[_make(Attendee, a) for a in data.get("present", [])],
            absent=[_make(Attendee, a) for a in data.get("absent", [])],
        )


@dataclass
class Motion:
    """Yrkande: who proposed what, and whether it won (None: not stated)."""

    by: str
    party: str | None
    text: str
    won: bool | None
    kind: str | None = None


@dataclass
class Decision:
    """Beslut: the decision of one §-item, with outcome, amounts, yrkanden and reservationer."""

    id: str
    org: str | None
    body: str | None
    body_short: str | None
    date: str | None
    section: int
    title: str
    decision: str | None
    outcome: str
    source: str
    amounts: list[float] = field(default_factory=list)
    motions: list[Motion] = field(default_factory=list)
    reservations: list[dict[str, Any]] = field(default_factory=list)
    dnr: str | None = None
    multi_part: bool = False
    amounts_mentioned: list[float] = field(default_factory=list)
    vote: dict[str, Any] | None = None
    votes: list[dict[str, Any]] = field(default_factory=list)
    reservation_count: int | None = None
    annotations: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any], org: str | None = None) -> Decision:
        return _make(
            cls,
            data,
            org=data.get("org", org),
            motions=[_make(Motion, m) for m in data.get("motions", [])],
        )


@dataclass
class Person:
    """Person (ledamot, ersättare, tjänsteperson): one identity across meetings and spellings."""

    id: str
    name: str
    party: str | None
    meetings: int
    aliases: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass
class PersonDetail(Person):
    """Personakt: a person plus meetings attended, items presented, yrkanden and mentions."""

    attended: list[dict[str, Any]] = field(default_factory=list)
    presented: list[dict[str, Any]] = field(default_factory=list)
    motions: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ThreadItem:
    """Ett ärende i en ärendekedja (thread): where and when it was handled."""

    id: str
    date: str | None
    body: str | None
    body_short: str | None
    section: int
    title: str
    org: str | None = None


@dataclass
class Thread:
    """Återkommande ärende (thread): items linked across meetings by dnr, references, extracts."""

    id: str
    items: list[ThreadItem]
    link_kinds: list[str]


@dataclass
class Step:
    """Ett steg på tidslinjen (trace): what was said and decided, and how it was linked."""

    id: str | None
    date: str | None
    body: str | None
    body_short: str | None
    section: int | None
    title: str | None
    said: str | None
    decision: str | None
    outcome: str | None
    link_kind: str
    evidence: str | None
    linked_from: str | None
    kind: str | None
    source: str | None
    in_corpus: bool
    org: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    # Liknande ärenden: similar items that share no evidence with the matter (start step only).
    related: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Topic:
    """Ämne: a topic found in the items (NMF), with its terms and number of items."""

    id: int
    label: str
    terms: list[str]
    items: int


@dataclass
class Count:
    """Antal: how many decisions or items have these dimension values (`stats`)."""

    values: dict[str, Any]  # str or None; won: True, False or None
    count: int

    def to_record(self) -> dict[str, Any]:
        return {**self.values, "count": self.count}


@dataclass
class Hit:
    """Sökträff: one §-item in a result list, best first, with snippet and provenance."""

    rank: int
    score: float
    id: str
    org: str | None
    body: str | None
    body_short: str | None
    date: str | None
    section: int
    title: str
    kind: str
    source: str
    snippet: str
    highlights: list[list[int]] = field(default_factory=list)


class SearchResults(Results[Hit]):
    """Sökresultat: the hits plus total matches, the mode as run and any note for the user."""

    def __init__(
        self,
        rows: Iterable[Hit],
        *,
        total: int,
        mode: str,
        elapsed_ms: float,
        fallback_or: bool,
        note: str | None,
    ):
        super().__init__(rows, Hit, note)
        self.total = total
        self.mode = mode
        self.elapsed_ms = elapsed_ms
        self.fallback_or = fallback_or


# -- the corpus --------------------------------------------------------------------------------


def settings_for(index_dir: str | Path | None = None, **kw: Any) -> Settings:
    """Settings for an index folder (default: the project's indexes/, or $MINUTESEARCH_INDEX_DIR),
    with the embedder and keyword engine the index was built with unless given."""
    from .locations import index_dir as default_index_dir

    folder = default_index_dir(None if index_dir is None else str(index_dir))
    if "embedder" not in kw:
        from .index.semantic import semantic_backend

        backend = semantic_backend(folder)
        if backend:
            kw["embedder"] = backend
    if "keyword_engine" not in kw:
        from .index.engine import ENGINES
        from .index.fulltext import keyword_engine

        engine = keyword_engine(folder)
        if engine in ENGINES:
            kw["keyword_engine"] = engine
    return Settings(index_dir=folder, **kw)


def open(index_dir: str | Path | None = None, **settings: Any) -> Corpus:  # noqa: A001
    """Öppna korpusen: the store and indexes in `index_dir` (default: the project's indexes/).

    Raises StoreError with the folder's name when there is no store there."""
    corpus = Corpus(settings_for(index_dir, **settings))
    with corpus.store():
        pass  # fail now, with a clear message, rather than at the first query
    return corpus


def _empty_note(filters: Filters, what: str) -> str | None:
    described = filters.describe()
    return f"0 {what} {described}" if described else None


class Corpus:
    """Korpusen: the read side of one index folder, as typed methods."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @property
    def index_dir(self) -> Path:
        return Path(self.settings.index_dir)

    def __repr__(self) -> str:
        return f"Corpus({str(self.index_dir)!r})"

    @contextmanager
    def store(self) -> Iterator[Store]:
        """Lagret (the sqlite store), opened for one call (read-write; nothing here writes)."""
        with Store.open(self.index_dir, create=False) as store:
            yield store

    def counts(self) -> dict[str, int]:
        """Antal dokument, möten, ärenden och personer i indexet."""
        with self.store() as store:
            return dict(store.counts())

    # -- items and meetings

    def search(
        self,
        query: str,
        *,
        mode: str = "hybrid",
        filters: Filters | dict[str, Any] | None = None,
        limit: int = 20,
    ) -> SearchResults:
        """Sök (search) §-items: keyword (BM25F), semantic or hybrid (RRF), within the filters."""
        from .search import search

        f = as_filters(filters)
        with self.store() as store:
            res = search(store, self.settings, query, mode=mode, limit=limit, filters=f)
            orgs = _orgs(store, [h.id for h in res.hits])
        hits = [_make(Hit, h.to_json(), org=orgs.get(h.id)) for h in res.hits]
        note = res.note
        if not hits and f.active():
            note = _empty_note(f, "träffar")
        return SearchResults(
            hits,
            total=res.total,
            mode=res.mode,
            elapsed_ms=res.elapsed_ms,
            fallback_or=res.fallback_or,
            note=note,
        )

    def related(self, item_id: str, *, limit: int = 10) -> Results[Hit]:
        """Liknande ärenden (related): the items most like this one, other meetings first."""
        from .search import related

        with self.store() as store:
            found = related(store, self.settings, item_id, limit=limit)
            orgs = _orgs(store, [h.id for h in found])
        return Results([_make(Hit, h.to_json(), org=orgs.get(h.id)) for h in found], Hit)

    def items(self, filters: Filters | dict[str, Any] | None = None) -> Results[Item]:
        """Ärenden (§-items) within the filters, in date, meeting and § order."""
        from .query import item_ids

        f = as_filters(filters)
        with self.store() as store:
            rows = [store.item_json(store.item_row(i)) for i in item_ids(store, f)]
            orgs = _orgs(store, [r["id"] for r in rows])
        out = [Item.from_json({**r, "org": r.get("org", orgs.get(r["id"]))}) for r in rows]
        return Results(out, Item, None if out or not f.active() else _empty_note(f, "ärenden"))

    def item(self, item_id: str) -> Item:
        """Ett ärende (one §-item) by id; NotFoundError when there is none."""
        with self.store() as store:
            data = store.item_json(store.item_row(item_id))
            org = data.get("org", _orgs(store, [item_id]).get(item_id))
        return Item.from_json({**data, "org": org})

    def meetings(self, filters: Filters | dict[str, Any] | None = None) -> Results[Meeting]:
        """Sammanträden (meetings and other documents) within the filters, by date."""
        from .query import document_ids

        f = as_filters(filters)
        validate(f)
        with self.store() as store:
            rows = [store.meeting_json(store.document_row(d)) for d in document_ids(store, f)]
        out = [Meeting.from_json(r) for r in rows]
        return Results(out, Meeting, None if out or not f.active() else _empty_note(f, "möten"))

    def meeting(self, meeting_id: str) -> Meeting:
        """Ett sammanträde (one meeting or document) by id; NotFoundError when there is none."""
        with self.store() as store:
            return Meeting.from_json(store.meeting_json(store.document_row(meeting_id)))

    # -- analysis

    def decisions(
        self, query: str | None = None, filters: Filters | dict[str, Any] | None = None
    ) -> Results[Decision]:
        """Beslut (decisions), newest first: of items matching `query` when given, within the filters
        (outcome included)."""
        from .analysis.queries import find_decisions
        from .query import add_provenance

        f = as_filters(filters)
        validate(f)
        with self.store() as store:
            rows = add_provenance(
                store, find_decisions(store, self.settings, query, f, outcome=f.outcome)
            )
        out = [Decision.from_json(r) for r in rows]
        return Results(out, Decision, None if out or not f.active() else _empty_note(f, "beslut"))

    def persons(self, filters: Filters | dict[str, Any] | None = None) -> Results[Person]:
        """Personer, most active first; `org` and `party` filters apply to the person."""
        from .entities.persons import list_persons

        with self.store() as store:
            rows = filter_persons(list_persons(store), as_filters(filters))
        return Results([_make(Person, r) for r in rows], Person)

    def person(self, name: str) -> PersonDetail:
        """En person (name, alias or id): meetings, items presented, yrkanden and mentions."""
        from .entities.persons import person_detail

        with self.store() as store:
            return _make(PersonDetail, person_detail(store, name))

    def threads(self, filters: Filters | dict[str, Any] | None = None) -> Results[Thread]:
        """Återkommande ärenden (threads), newest activity first; with filters, the threads that
        have at least one item within them (all their items are kept)."""
        from .analysis.threads import list_threads
        from .filters import allowed_items

        f = as_filters(filters)
        with self.store() as store:
            rows = list_threads(store)
            allowed = allowed_items(store, f)
            orgs = _orgs(store, [it["id"] for t in rows for it in t["items"]])
        out = [
            Thread(
                t["id"],
                [_make(ThreadItem, it, org=orgs.get(it["id"])) for it in t["items"]],
                list(t["link_kinds"]),
            )
            for t in rows
            if allowed is None or any(it["id"] in allowed for it in t["items"])
        ]
        return Results(out, Thread)

    def trace(self, query_or_id: str) -> Results[Step]:
        """Tidslinje (trace): one issue as dated steps across bodies (query, item id or thread id)."""
        from .analysis.threads import trace

        with self.store() as store:
            rows = trace(store, self.settings, query_or_id)
            orgs = _orgs(store, [r["id"] for r in rows if r.get("id")])
        return Results(
            [_make(Step, r, org=r.get("org", orgs.get(r.get("id") or ""))) for r in rows], Step
        )

    def topics(self) -> Results[Topic]:
        """Ämnen (topics) found in the items, largest first."""
        from .topics import list_topics

        with self.store() as store:
            return Results([_make(Topic, t) for t in list_topics(store)], Topic)

    def stats(
        self,
        by: str | Iterable[str] = ("year",),
        filters: Filters | dict[str, Any] | None = None,
        *,
        count: str = "decisions",
        query: str | None = None,
    ) -> Results[Count]:
        """Statistik (counts): decisions, items or yrkanden counted along one or more dimensions.

        `by`: body, org, year, month, outcome, party, topic (a list, or "year,outcome"); with
        count="motions" also won and kind, and party is the yrkande's own. Single-valued
        dimensions add up to the list (`decisions()`, `items()`, or the decisions' motions, with
        the same filters); party and topic count a row once per value (no value: None)."""
        dims = _dimensions(by)
        if count not in STATS_COUNTS:
            raise QueryError(f"Okänd räkning {count!r}: välj {', '.join(STATS_COUNTS)}.")
        if count != "motions" and set(dims) & set(MOTION_DIMENSIONS):
            raise QueryError("won och kind finns bara för yrkanden: räkna med count=motions.")
        f = as_filters(filters)
        validate(f)
        motions: list[Motion | None]
        if count == "items":
            if query:
                raise QueryError("En sökfråga går bara att räkna för beslut och yrkanden.")
            from .query import item_ids

            with self.store() as store:
                ids = item_ids(store, f)
            motions = [None] * len(ids)
        else:
            decisions = self.decisions(query, f)
            if count == "decisions":
                ids, motions = [d.id for d in decisions], [None] * len(decisions)
            else:
                pairs = [(d.id, m) for d in decisions for m in d.motions]
                ids, motions = [i for i, _ in pairs], [m for _, m in pairs]
        item_dims = [d for d in dims if d not in MOTION_DIMENSIONS]
        with self.store() as store:
            by_item = dict(zip(item_dims, _dimension_getters(store, item_dims, ids), strict=True))
        counter: Counter[tuple[Any, ...]] = Counter()
        for item_id, motion in zip(ids, motions, strict=True):
            values = []
            for d in dims:
                if motion is not None and d in ("party", *MOTION_DIMENSIONS):
                    values.append(_motion_values(motion, d))
                else:
                    values.append(by_item[d](item_id))
            for combo in itertools.product(*values):
                counter[combo] += 1
        out = [
            Count(dict(zip(dims, combo, strict=True)), n)
            for combo, n in sorted(counter.items(), key=lambda kv: _sort_key(kv[0]))
        ]
        what = {"decisions": "beslut", "items": "ärenden", "motions": "yrkanden"}[count]
        note = None if out or not f.active() else _empty_note(f, what)
        return _CountResults(out, dims, note)


def _motion_values(motion: Motion, dim: str) -> list[Any]:
    """A yrkande's own party (each of a joint yrkande's parties), won or kind."""
    if dim == "won":
        return [motion.won]
    if dim == "kind":
        return [motion.kind]
    parties = [p.strip() for p in (motion.party or "").split(",") if p.strip()]
    return list(dict.fromkeys(parties)) or [None]


class _CountResults(Results[Count]):
    def __init__(self, rows: Iterable[Count], dims: list[str], note: str | None) -> None:
        super().__init__(rows, Count, note)
        self.dims = dims

    def columns(self) -> list[str]:
        return [*self.dims, "count"]


def _dimensions(by: str | Iterable[str]) -> list[str]:
    dims = [d.strip() for d in (by.split(",") if isinstance(by, str) else by) if d.strip()]
    if not dims:
        raise QueryError(f"Ange minst en dimension: {', '.join(STATS_DIMENSIONS)}.")
    for d in dims:
        if d not in STATS_DIMENSIONS:
            raise QueryError(f"Okänd dimension {d!r}: välj bland {', '.join(STATS_DIMENSIONS)}.")
    if len(set(dims)) != len(dims):
        raise QueryError(f"Samma dimension två gånger: {', '.join(dims)}.")
    return dims


def _sort_key(combo: tuple[Any, ...]) -> tuple[tuple[bool, str], ...]:
    return tuple((v is None, "" if v is None else str(v)) for v in combo)


def _dimension_getters(
    store: Store, dims: list[str], ids: list[str]
) -> list[Callable[[str], list[str | None]]]:
    """For each dimension, item id -> its values ([None] when it has none)."""
    from .query import item_meta, item_outcomes, item_parties, item_topics

    meta = item_meta(store, ids)

    def column(name: str, cut: int | None = None) -> Callable[[str], list[str | None]]:
        def get(item_id: str) -> list[str | None]:
            value = meta[item_id][name] if item_id in meta else None
            return [value[:cut] if value and cut else value]

        return get

    def many(values: dict[str, list[str]]) -> Callable[[str], list[str | None]]:
        def get(item_id: str) -> list[str | None]:
            found: list[str | None] = list(values.get(item_id) or [])
            return found or [None]

        return get

    getters: list[Callable[[str], list[str | None]]] = []
    for d in dims:
        if d == "body":
            getters.append(column("body"))
        elif d == "org":
            getters.append(column("organisation"))
        elif d == "year":
            getters.append(column("date", 4))
        elif d == "month":
            getters.append(column("date", 7))
        elif d == "outcome":
            outcomes = item_outcomes(store)
            getters.append(lambda i, o=outcomes: [o.get(i)])  # type: ignore[misc]
        elif d == "party":
            getters.append(many(item_parties(store)))
        else:
            getters.append(many(item_topics(store)))
    return getters


def filter_persons(rows: list[dict[str, Any]], filters: Filters) -> list[dict[str, Any]]:
    """Person rows (`persons --json`) within the filters that apply to a person: org (one of
    theirs contains it), party (exactly, any case) and person (name or alias contains it)."""
    f = filters
    if f.org:
        key = f.org.casefold()
        rows = [p for p in rows if any(key in str(o).casefold() for o in p.get("orgs") or [])]
    if f.party:
        rows = [p for p in rows if (p.get("party") or "").casefold() == f.party.strip().casefold()]
    if f.person:
        key = f.person.casefold()
        rows = [
            p
            for p in rows
            if key in p["name"].casefold()
            or any(key in a.casefold() for a in p.get("aliases") or [])
        ]
    return rows


def _orgs(store: Store, ids: Iterable[str]) -> dict[str, str | None]:
    from .query import item_meta

    return {i: r["organisation"] for i, r in item_meta(store, ids).items()}


__all__ = [
    "Corpus",
    "Count",
    "Decision",
    "DependencyMissing",
    "Filters",
    "Hit",
    "Item",
    "Meeting",
    "Person",
    "PersonDetail",
    "Results",
    "SearchResults",
    "Step",
    "Thread",
    "Topic",
    "open",
]


def api_reference() -> str:
    """The README's API reference, generated from the docstrings (a test keeps them equal)."""
    lines = ["| method | what it does |", "|---|---|"]
    for name, member in vars(Corpus).items():
        if not name.startswith("_") and callable(member):
            lines.append(f"| `{name}{_signature(member)}` | {_first_paragraph(member)} |")
    lines += ["", "| type | what it is |", "|---|---|"]
    types: list[type] = [Filters, Results, Hit, Item, Meeting, Decision, Motion, Person]
    types += [PersonDetail, Thread, ThreadItem, Step, Topic, Count]
    for cls in types:
        lines.append(f"| `{cls.__name__}` | {_first_paragraph(cls)} |")
    return "\n".join(lines)


def _first_paragraph(obj: Any) -> str:
    return " ".join((inspect.getdoc(obj) or "").split("\n\n")[0].split())


def _signature(fn: Callable[..., Any]) -> str:
    """`(query, *, mode="hybrid", filters=None, limit=20)`: names and defaults, no annotations."""
    parts: list[str] = []
    star = False
    for p in list(inspect.signature(fn).parameters.values())[1:]:
        if p.kind is inspect.Parameter.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        default = "" if p.default is inspect.Parameter.empty else f"={p.default!r}"
        parts.append(p.name + default.replace("'", '"'))
    return "(" + ", ".join(parts) + ")"
