"""The person read model: name matching (Swedish collation), ambiguity, yrkanden with outcome,
and the person filter agreeing with `person`; synthetic stores, then the real minutes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.analysis.pipeline import analyse_decisions
from minutesearch.config import Settings
from minutesearch.entities.people import (
    AmbiguousPersonError,
    fold,
    motions_by_person,
    owners_current,
    person_detail,
    person_ids_matching,
    person_item_ids,
    resolve_motion_owners,
)
from minutesearch.entities.pipeline import annotate
from minutesearch.errors import NotFoundError
from minutesearch.model import Attendee, Document, Item, ItemParts
from minutesearch.stages import StageContext
from minutesearch.store import Store


def _meeting(date: str, present: list[Attendee], items: list[Item], **kw: str) -> Document:
    return Document(
        source=f"test/ks-{date}.txt",
        kind="protocol",
        body="Kommunstyrelsen",
        body_short="KS",
        organisation="Alingsås kommun",
        date=date,
        present=present,
        items=items,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    a = Attendee
    june = _meeting(
        "2026-06-01",
        [
            a("Heidi Hankanen Ängberg", "V"),
            a("Carin Östh", "S"),
            a("Maria Östlund", "M"),
            a("Maria Andersson", "S"),
            a("Anna Angberg", "C"),
            a("Jonas Ek", "S", role="ordförande"),
        ],
        [
            Item(
                10,
                "Motion om vindar",
                "Heidi Hankanen Ängberg (V) yrkar bifall till motionen.",
                parts=ItemParts(
                    motions="Heidi Hankanen Ängberg (V) yrkar bifall till motionen.\n"
                    "Carin Östh (S) yrkar avslag på motionen.",
                    proceedings="Ordföranden ställer proposition på yrkandena och finner att"
                    " kommunstyrelsen beslutat enligt Carin Ösths yrkande.",
                ),
            ),
            Item(11, "Budget", "Maria Östlund (M) tackar för informationen."),
        ],
        chair="Jonas Ek",
    )
    st = Store.open(tmp_path / "idx")
    st.save_document(june, "sha-june")
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    annotate(StageContext(store=st, settings=settings, rebuild=True))
    analyse_decisions(st)
    return st


def test_fold_keeps_swedish_letters_and_ignores_case() -> None:
    assert fold("Heidi HANKANEN-Ängberg (V)") == "heidi hankanen ängberg"
    assert fold("Östh") != fold("Osth")


def test_capital_swedish_letters_match(store: Store) -> None:
    for name in ("Heidi Hankanen Ängberg", "heidi hankanen ängberg", "Carin Östh", "CARIN ÖSTH"):
        assert len(person_ids_matching(store, name)) == 1, name
    assert person_ids_matching(store, "Carin Östh") == person_ids_matching(store, "Östh")


def test_accents_dropped_only_when_nothing_else_matches(store: Store) -> None:
    # "Angberg" is Anna Angberg's own name: Ängberg is another person and is not mixed in.
    assert person_ids_matching(store, "Angberg") == {"anna-angberg"}
    # "Hankanen Angberg" matches nobody with å/ä/ö kept, so the accent-free tier finds Heidi.
    assert person_ids_matching(store, "Hankanen Angberg") == person_ids_matching(
        store, "Hankanen Ängberg"
    )
    assert person_ids_matching(store, "Osth") == person_ids_matching(store, "Östh")


def test_surname_only_and_ambiguous_first_name(store: Store) -> None:
    assert person_detail(store, "Östlund")["name"] == "Maria Östlund"
    with pytest.raises(AmbiguousPersonError) as err:
        person_detail(store, "Maria")
    names = sorted(c["name"] for c in err.value.candidates)
    assert names == ["Maria Andersson", "Maria Östlund"]
    with pytest.raises(NotFoundError, match="Ingen person"):
        person_detail(store, "Nils Holgersson")


def test_yrkanden_with_outcome_and_the_filter_agree(store: Store) -> None:
    heidi = person_detail(store, "Heidi Hankanen Ängberg")
    assert [(m["title"], m["text"] != "") for m in heidi["motions"]] == [("Motion om vindar", True)]
    assert all(m["won"] in (True, False, None) for m in heidi["motions"])
    # The filter keeps every item the person made a yrkande on.
    assert {m["id"] for m in heidi["motions"]} <= person_item_ids(store, "Heidi Hankanen Ängberg")
    # The chair's proposition order is not a yrkande of the chair.
    assert person_detail(store, "Jonas Ek")["motions"] == []


def test_meeting_count_is_the_list_shown(store: Store) -> None:
    maria = person_detail(store, "Maria Östlund")
    assert maria["meetings"] == len(maria["attended"]) == 1
    assert [m["title"] for m in maria["mentions"]] == ["Budget"] or maria["mentions"] == []


def test_person_cli_lists_candidates(store: Store, tmp_path: Path) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    idx = str(tmp_path / "idx")
    result = runner.invoke(main, ["--index-dir", idx, "person", "Maria", "--json"])
    assert result.exit_code == 2, result.output
    out = json.loads(result.output)
    assert sorted(c["name"] for c in out["candidates"]) == ["Maria Andersson", "Maria Östlund"]
    result = runner.invoke(main, ["--index-dir", idx, "person", "Maria"])
    assert result.exit_code == 2
    assert "Maria Andersson" in result.output and "Maria Östlund" in result.output


# -- the real minutes (skipped without ../shared/corpus-extra) -----------------------------------

REAL = [
    "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf",
    "alingsas/protokoll/2026-05-26_barn-och-ungdomsnamnden.pdf",
    "alingsas/protokoll/2026-05-18_vard-och-omsorgsnamnden.pdf",
    "alingsas/protokoll/2026-06-11_vard-och-omsorgsnamnden.pdf",
    "alingsas/utdrag/2026-06-01_kommunstyrelsen__ss72-ksau-svar-pa-motion-gallande-att-utreda-mojligheten-till-fler-bostader-genom-inrednin.pdf",
    "goteborg/ks-2026-06-17.paragraphs.txt",
    "goteborg/ks-2025-03-12.paragraphs.txt",
]


@pytest.fixture(scope="module")
def real(extra_dir: Path, seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from minutesearch.ingest import ingest

    settings = Settings(index_dir=tmp_path_factory.mktemp("people-real"), embedder="none")
    report = ingest([seeds_dir, *(extra_dir / p for p in REAL)], settings)
    assert not report.skipped, report.skipped
    return settings


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["Heidi Hankanen Ängberg", "Carin Östh", "Maria Östlund", "Liselott Åsberg"]
)
def test_capital_swedish_letters_in_real_names(real: Settings, name: str) -> None:
    from minutesearch.analysis.queries import find_decisions
    from minutesearch.search import SearchFilters

    with Store.open(real.index_dir, create=False) as st:
        assert len(person_ids_matching(st, name)) == 1
        assert person_item_ids(st, name)
        assert find_decisions(st, real, None, SearchFilters(person=name))
        assert person_ids_matching(st, name.upper()) == person_ids_matching(st, name)


@pytest.mark.slow
def test_person_and_decisions_list_the_same_yrkanden(real: Settings) -> None:
    from minutesearch.analysis.queries import find_decisions
    from minutesearch.search import SearchFilters

    with Store.open(real.index_dir, create=False) as st:
        for name in ("Heidi Hankanen Ängberg", "Anton César"):
            detail = person_detail(st, name)
            assert detail["motions"], name
            mine = {(m["id"], m["position"]) for m in detail["motions"]}
            listed = {
                (d["id"], pos)
                for d in find_decisions(st, real, None, SearchFilters(person=name))
                for pos, m in enumerate(d["motions"])
                if name.split()[-1] in m["by"]
            }
            assert {i for i, _ in mine} == {i for i, _ in listed}, name
            assert all(m["won"] in (True, False, None) for m in detail["motions"])
            assert detail["meetings"] == len(detail["attended"])


@pytest.mark.slow
def test_real_identities(real: Settings) -> None:
    with Store.open(real.index_dir, create=False) as st:
        names = {r["name"] for r in st.conn.execute("SELECT name FROM persons")}
        aliases = {r["alias"] for r in st.conn.execute("SELECT alias FROM person_aliases")}
        # Spelling variants are one person, shown by the spelling the lists use most.
        for variant, name in (
            ("Jögen Fogelklou", "Jörgen Fogelklou"),
            ("Veronica Alvdén Bona", "Veronika Alvdén Bona"),
            ("Andersson Näsman", "Britt Andersson Näsman"),
        ):
            assert person_detail(st, variant)["id"] == person_detail(st, name)["id"], variant
        assert "Jögen Fogelklou" not in names and "Andersson Näsman" not in names
        # A heading word is never part of a person.
        assert not any(n.split()[0] in ("Anteckning", "Tilläggsyrkande") for n in names)
        assert not any(a.split()[0] in ("Anteckning", "EOMS") for a in aliases)
        assert person_detail(st, "Jan-Erik Wallin")["party"] == "M"
        # The party written after the name, here only in titles ("Motion av Lena Ferm (SD)").
        assert person_detail(st, "Lena Ferm")["party"] == "SD"
        with pytest.raises(AmbiguousPersonError) as err:
            person_detail(st, "Maria")
        assert len(err.value.candidates) >= 2


@pytest.mark.slow
def test_real_organisations_are_no_procedure_words(real: Settings) -> None:
    with Store.open(real.index_dir, create=False) as st:
        orgs = {r[0] for r in st.conn.execute("SELECT text FROM mentions WHERE label = 'ORG'")}
    assert orgs
    for bad in ("Omröstning", "Återremitterat", "AU Kompetensförsörjningsplan", "HVB-hem"):
        assert bad not in orgs
    assert not any(o.endswith("samrådsgruppens") for o in orgs)
    assert not any("\n" in o and o.split()[0] in ("Omröstning", "Sammanfattning") for o in orgs)


def test_spelling_variants_merge_on_evidence_never_when_listed_together(tmp_path: Path) -> None:
    a = Attendee
    may = _meeting(
        "2026-05-04",
        [
            a("Jögen Fogelklou", "SD"),
            a("Karin Lind", "S"),
            a("Karen Lind", "M"),  # one edit from Karin, but both on this list: two people
            a("Andersson Näsman", "S"),
        ],
        [Item(1, "Anteckning", "Anteckning Jan-Erik Wallin (M) antecknar till protokollet.")],
    )
    june = _meeting(
        "2026-06-01",
        [a("Jörgen Fogelklou", "SD"), a("Britt Andersson Näsman", "S"), a("Karin Lind", "S")],
        [Item(2, "Motion", "Motion av Lena Ferm (SD) och Jörgen Fogelklou (SD) om skolan.")],
    )
    st = Store.open(tmp_path / "idx")
    for n, doc in enumerate((may, june)):
        st.save_document(doc, f"sha{n}")
    annotate(
        StageContext(
            store=st,
            settings=Settings(index_dir=tmp_path / "idx", embedder="none", ner=False),
            rebuild=True,
        )
    )
    jorgen = person_detail(st, "Jörgen Fogelklou")
    assert person_detail(st, "Jögen Fogelklou")["id"] == jorgen["id"]
    assert jorgen["name"] == "Jörgen Fogelklou" or "Jögen Fogelklou" in jorgen["aliases"]
    assert person_detail(st, "Andersson Näsman")["name"] == "Britt Andersson Näsman"
    assert person_detail(st, "Karin Lind")["id"] != person_detail(st, "Karen Lind")["id"]
    names = {r[0] for r in st.conn.execute("SELECT name FROM persons")}
    assert not any(n.startswith("Anteckning") for n in names)
    assert person_detail(st, "Lena Ferm")["party"] == "SD"


@pytest.mark.anyio
async def test_tui_person_screen_lists_candidates_and_opens_the_one_chosen(
    seed_settings: Settings,
) -> None:
    from textual.widgets import Static

    from minutesearch.tui.app import make_app
    from minutesearch.tui.screens.person_screen import PersonScreen

    def text(screen: object, selector: str) -> str:
        return "\n".join(str(w.render()) for w in screen.query(selector).results(Static))  # type: ignore[attr-defined]

    async def loaded(pilot: object, screen: PersonScreen) -> None:
        for _ in range(500):
            if "Hämtar" not in text(screen, "#status"):
                return
            await pilot.pause(0.02)  # type: ignore[attr-defined]
        raise AssertionError("the person screen never loaded")

    app = make_app(seed_settings, debounce_s=0.01)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = PersonScreen("Anna")
        app.push_screen(screen)
        await pilot.pause()
        await loaded(pilot, screen)
        assert "Flera personer" in text(screen, "#list-heading")
        assert "3 personer matchar" in text(screen, "#status")
        first = screen.rows[0]
        await pilot.press("enter")
        chosen = app.screen
        assert isinstance(chosen, PersonScreen) and chosen is not screen
        assert chosen.name_ == first["id"]
        await loaded(pilot, chosen)
        assert text(chosen, "#list-heading") == first["name"]


@pytest.mark.slow
def test_persons_list_and_person_page_agree(real: Settings) -> None:
    """`persons` and `person` are one read model: same meetings, same yrkande role."""
    from minutesearch.entities.people import list_persons

    with Store.open(real.index_dir, create=False) as st:
        rows = list_persons(st)
        assert len(rows) > 50
        for row in rows[:40]:
            detail = person_detail(st, row["id"])
            assert detail["meetings"] == row["meetings"] == len(detail["attended"]), row["id"]
            assert ("yrkande" in row["roles"]) == bool(detail["motions"]), row["id"]


def test_owners_resolved_at_ingest_read_as_resolved_on_read(store: Store) -> None:
    """The analyse stage writes each yrkande's owners once; reading them through the person
    index gives what resolving every motion while reading gave, and a rebuild of persons
    makes them stale until they are resolved again."""
    settings = Settings(index_dir=store.path.parent, embedder="none", ner=False)
    on_read = motions_by_person(store)  # this fixture ran no analyse stage: resolved here
    assert on_read["heidi-hankanen-angberg"] and not owners_current(store.conn)
    assert resolve_motion_owners(store) > 0 and owners_current(store.conn)
    assert motions_by_person(store) == on_read
    assert motions_by_person(store, {"carin-osth"}) == {"carin-osth": on_read["carin-osth"]}
    annotate(StageContext(store=store, settings=settings))  # persons rewritten
    assert not owners_current(store.conn)
    assert resolve_motion_owners(store) == 0 and owners_current(store.conn)


@pytest.mark.slow
def test_real_owners_and_unknown_names(real: Settings) -> None:
    """On the real minutes: owners read from the table equal owners resolved on read; a name
    that is no person is found through the keyword index where the item says it."""
    from minutesearch.entities.people import OWNERS_KEY

    with Store.open(real.index_dir, create=False) as st:
        assert owners_current(st.conn)
        table = motions_by_person(st)
        assert sum(map(len, table.values())) > 20
        st.conn.execute("DELETE FROM store_meta WHERE key = ?", (OWNERS_KEY,))
        try:
            assert motions_by_person(st) == table
        finally:
            assert resolve_motion_owners(st) == 0
        # An organisation written in the texts: no person, so the filter looks for the name.
        org = st.conn.execute(
            "SELECT text FROM mentions WHERE label = 'ORG' AND text LIKE '% %'"
            " GROUP BY text ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        assert not person_ids_matching(st, org)
        name = fold(org)
        rows = list(st.conn.execute("SELECT id, title, text, decision FROM items"))
        texts = {r[0]: fold(" ".join(filter(None, r[1:]))) for r in rows}
        starts = {
            i
            for i, t in texts.items()
            if any(t[n - 1 : n].isalnum() is False for n in _found(t, name))
        }
        anywhere = {i for i, t in texts.items() if name in t}
        found = person_item_ids(st, org)
        assert starts and starts <= found <= anywhere, (org, starts - found, found - anywhere)


def _found(text: str, part: str) -> list[int]:
    """Where `part` starts in `text`."""
    out, at = [], text.find(part)
    while at >= 0:
        out.append(at)
        at = text.find(part, at + 1)
    return out


def test_a_person_filter_is_resolved_again_after_a_write(store: Store) -> None:
    from minutesearch.entities.people import person_scope

    first = person_scope(store, "Carin Östh")
    assert first.persons == {"carin-osth"} and first.docs
    assert person_scope(store, "Carin Östh") is first  # kept while the store is unchanged
    with store.transaction() as tx:  # Carin presents § 11: one more of her items
        tx.execute(
            "INSERT INTO person_roles SELECT 'carin-osth', doc_id, id, 'föredragande' FROM items"
            " WHERE section = 11"
        )
    again = person_scope(store, "Carin Östh")
    assert again is not first and again == first  # read anew; same scope (same meetings)
    assert len(person_item_ids(store, "Carin Östh")) == 2
