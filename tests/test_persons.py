"""Person identity over the seeds: who is merged, who is never merged, roles, lookups, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.analysis.pipeline import analyse_decisions
from minutesearch.config import Settings
from minutesearch.entities.persons import list_persons, person_detail
from minutesearch.entities.pipeline import annotate
from minutesearch.errors import NotFoundError
from minutesearch.model import Attendee, Document, Item, ItemParts
from minutesearch.stages import StageContext
from minutesearch.store import Store


def _by_name(store: Store) -> dict[str, dict]:
    out = {}
    for p in list_persons(store):
        out[p["name"]] = p
        for alias in p["aliases"]:
            out[alias] = p
    return out


def _pid(store: Store, name: str) -> str:
    return str(person_detail(store, name)["id"])


# -- built from Document objects, so identity is tested whatever the parser does -----------------


def _socsam(
    date: str, present: list[Attendee], absent: list[Attendee], items: list[Item]
) -> Document:
    return Document(
        source=f"test/socsam-{date}.txt",
        kind="protocol",
        body="Sociala samrådsgruppen",
        body_short="SocSam",
        date=date,
        present=present,
        absent=absent,
        items=items,
    )


@pytest.fixture()
def built_store(tmp_path: Path) -> Store:
    """Two SocSam meetings and one SVOM meeting with the seeds' tricky names, stored and annotated."""
    a = Attendee
    march = _socsam(
        "2023-03-24",
        [
            a("Bianca Zandén", "V", "Åre kommun", "Ordf. Socialnämnden"),
            a("Gabrielle Nyberg", "M", "Åre kommun", "Vice ordf. Socialnämnden"),
            a("Bo-Göran Danielsson", "C", "Bräcke kommun", "Ordf. Vård- och socialutskottet"),
            a("Maria Östlund", None, "Bergs Kommun", "IFO-chef", group="tjänsteperson"),
            a("Liselott Åsberg", None, None, "Utvecklingsledare", group="övrig deltagare"),
        ],
        [
            a("Daniel Danielsson", "M", "Bergs Kommun", "2:e Vice ordf."),
            a("Mats Danielsson", None, "Bergs kommun", None, group="tjänsteperson"),
            a("Ulrika Nyberg", None, "Östersunds kommun", None, group="tjänsteperson"),
        ],
        [
            Item(
                21,
                "Skrivelse",
                "M. Östlund beskriver problematiken. L. Åsberg bekräftar.",
                parts=ItemParts(presenter="Maria Östlund, IFO-chef Bergs kommun"),
            ),
        ],
    )
    feb = _socsam(
        "2023-02-24",
        [
            a("Peppe Liljefjäll", None, "Bräcke kommun", "Socialchef", group="tjänsteperson"),
            a("Gabrielle Nyberg", "M", "Åre kommun", "Vice ordf. Socialnämnden"),
        ],
        [a("Bianca Sandén", "V", "Åre kommun", "Ordf. Socialnämnden")],
        [
            Item(
                4,
                "Valärenden",
                "Gabrielle Nyberg (M) yrkar bifall.",
                parts=ItemParts(motions="Gabrielle Nyberg (M) yrkar bifall."),
            )
        ],
    )
    svom = Document(
        source="test/svom.txt",
        body="Sociala vård och omsorgsgruppen",
        body_short="SVOM",
        date="2023-02-24",
        chair="Katarina Nyberg Finn",
        present=[
            a("Katarina Nyberg Finn", "S", "Region JH", "Ordförande"),
            a("Pär-Robert Liljefjäll", None, "Bräcke kommun", None, group="övrig deltagare"),
            a("Mikael Lec-Alsén", None, "BUP", None, group="övrig deltagare"),
            a("Lena Danielsson", None, "Östersunds kommun", None, group="övrig deltagare"),
        ],
        items=[Item(3, "Dagordning", "Ordföranden yrkar att en punkt läggs till.")],
    )
    store = Store.open(tmp_path / "idx")
    for n, doc in enumerate((march, feb, svom)):
        store.save_document(doc, f"sha{n}")
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    ctx = StageContext(store=store, settings=settings, rebuild=True)
    annotate(ctx)
    assert any("NER avstängd" in w for w in ctx.warnings)
    analyse_decisions(store)  # yrkanden: the motions table the person read model uses
    return store


def test_spelling_and_short_form_variants_merge(built_store: Store) -> None:
    people = _by_name(built_store)
    assert people["Bianca Zandén"]["id"] == people["Bianca Sandén"]["id"] == "bianca-zanden"
    assert people["Bianca Zandén"]["party"] == "V"
    assert people["Peppe Liljefjäll"]["id"] == people["Pär-Robert Liljefjäll"]["id"]
    assert people["Pär-Robert Liljefjäll"]["name"] == "Pär-Robert Liljefjäll"
    assert people["Peppe Liljefjäll"]["orgs"] == ["Bräcke kommun"]


def test_shared_surnames_never_merge(built_store: Store) -> None:
    people = _by_name(built_store)
    nybergs = {
        people[n]["id"] for n in ("Gabrielle Nyberg", "Ulrika Nyberg", "Katarina Nyberg Finn")
    }
    danielssons = {
        people[n]["id"]
        for n in ("Bo-Göran Danielsson", "Daniel Danielsson", "Mats Danielsson", "Lena Danielsson")
    }
    assert len(nybergs) == 3
    assert len(danielssons) == 4


def test_roles_per_meeting(built_store: Store) -> None:
    maria = person_detail(built_store, "maria östlund")
    assert [i["title"] for i in maria["presented"]] == ["Skrivelse"]
    assert maria["attended"][0]["role"] == "tjänsteperson"
    assert "yrkande" in person_detail(built_store, "Gabrielle Nyberg")["roles"]
    chair = person_detail(built_store, "Katarina Nyberg Finn")
    assert "ordförande" in chair["roles"]
    # A yrkande is what the motions table (and so `decisions`) holds, nothing else.
    stored = built_store.conn.execute(
        "SELECT count(*) FROM motions WHERE by LIKE '%Nyberg Finn%' OR by LIKE 'Ordförande%'"
    ).fetchone()[0]
    assert len(chair["motions"]) == stored
    assert "frånvarande" in person_detail(built_store, "Daniel Danielsson")["roles"]
    assert person_detail(built_store, "Daniel Danielsson")["meetings"] == 0


def test_lookup_by_alias_id_and_case(built_store: Store) -> None:
    assert person_detail(built_store, "BIANCA SANDÉN")["id"] == "bianca-zanden"
    assert person_detail(built_store, "bianca-zanden")["name"] == "Bianca Zandén"
    assert person_detail(built_store, "Mikael Lec Alsén")["id"] == "mikael-lec-alsen"
    with pytest.raises(NotFoundError, match="Ingen person"):
        person_detail(built_store, "Nils Holgersson")


# -- the seeds through the real parser and the trained model ---------------------------------------


@pytest.mark.slow
def test_seed_identities(seed_store: Store) -> None:
    people = _by_name(seed_store)
    assert people["Bianca Sandén"]["id"] == people["Bianca Zandén"]["id"]
    assert people["Peppe Liljefjäll"]["id"] == people["Pär-Robert Liljefjäll"]["id"]
    assert (
        len(
            {people[n]["id"] for n in ("Gabrielle Nyberg", "Ulrika Nyberg", "Katarina Nyberg Finn")}
        )
        == 3
    )
    dan = {people[n]["id"] for n in ("Bo-Göran Danielsson", "Daniel Danielsson", "Mats Danielsson")}
    assert len(dan) == 3
    assert people["Margareta Winberg"]["meetings"] >= 3


@pytest.mark.slow
def test_seed_initials_resolve_through_the_same_document(seed_store: Store) -> None:
    rows = seed_store.conn.execute(
        "SELECT m.text, m.person_id FROM mentions m WHERE m.text IN ('M. Östlund', 'L. Åsberg')"
    ).fetchall()
    linked = {(r["text"], r["person_id"]) for r in rows}
    assert ("M. Östlund", "maria-ostlund") in linked
    assert ("L. Åsberg", "liselott-asberg") in linked
    assert "M. Östlund" in person_detail(seed_store, "maria-ostlund")["aliases"]
    # items --json shows the resolved name, not the initial
    item_id = seed_store.conn.execute(
        "SELECT item_id FROM mentions WHERE text = 'M. Östlund' LIMIT 1"
    ).fetchone()[0]
    item = seed_store.item_json(seed_store.item_row(item_id))
    assert "Maria Östlund" in item["persons"]
    assert "M. Östlund" not in item["persons"]


@pytest.mark.slow
def test_persons_cli_json_and_person_cli(seed_settings: Settings) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    idx = str(seed_settings.index_dir)
    result = runner.invoke(main, ["--index-dir", idx, "persons", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all(
        set(r) == {"id", "name", "aliases", "party", "orgs", "meetings", "roles"} for r in rows
    )
    winberg = next(r for r in rows if r["id"] == "margareta-winberg")
    assert winberg["party"] == "S" and "ordförande" in winberg["roles"]
    result = runner.invoke(main, ["--index-dir", idx, "person", "Bianca Sandén", "--json"])
    assert result.exit_code == 0, result.output
    detail = json.loads(result.output)
    assert detail["id"] == "bianca-zanden"
    assert {"attended", "presented", "motions", "mentions"} <= set(detail)
    result = runner.invoke(main, ["--index-dir", idx, "person", "Ingen Alls"])
    assert result.exit_code == 1
    assert "Ingen person" in result.output
    csv_out = runner.invoke(main, ["--index-dir", idx, "persons", "--csv"]).output
    assert csv_out.splitlines()[0] == "id,name,aliases,party,orgs,meetings,roles"


@pytest.mark.slow
def test_motion_makers_in_goteborg_minutes(extra_dir: Path) -> None:
    """Every "På förslag av [role] Name (P)" line in Göteborg's minutes names its mover."""
    import re

    from minutesearch.entities.roles import motion_names

    lines = [
        line
        for path in sorted((extra_dir / "goteborg").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"På förslag av .*\((S|M|SD|C|V|KD|L|MP|D)\)", line)
    ]
    assert len(lines) > 50
    for line in lines:
        names = motion_names(line)
        assert len(names) == 1, line
        words = names[0].split()
        assert len(words) >= 2 and all(w[0].isupper() for w in words), line
        assert names[0] in line


def test_annotate_is_incremental_and_keeps_identities(built_store: Store, tmp_path: Path) -> None:
    conn = built_store.conn
    before = conn.execute("SELECT id, item_id, text FROM mentions ORDER BY id").fetchall()
    assert ("M. Östlund",) in {(r["text"],) for r in before}  # the initials rule works without NER
    extra = Document(
        source="test/socsam-2023-04-28.txt",
        body="Sociala samrådsgruppen",
        body_short="SocSam",
        date="2023-04-28",
        present=[Attendee("Bianca Zandén", "V", "Åre kommun", "Ordf. Socialnämnden")],
        items=[
            Item(
                5,
                "Familjehem",
                "Bianca Zandén (V) yrkar att Östersunds kommun utreder frågan.",
                parts=ItemParts(motions="Bianca Zandén (V) yrkar att kommunen utreder frågan."),
            )
        ],
    )
    doc_id = built_store.save_document(extra, "sha-new")
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    annotate(StageContext(store=built_store, settings=settings, changed_docs={doc_id}))
    analyse_decisions(built_store)
    after = conn.execute("SELECT id, item_id, text FROM mentions ORDER BY id").fetchall()
    assert [tuple(r) for r in after[: len(before)]] == [tuple(r) for r in before]
    assert ("Östersunds kommun", "ORG") in {
        (r["text"], r["label"]) for r in conn.execute("SELECT text, label FROM mentions")
    }
    bianca = person_detail(built_store, "Bianca Sandén")
    assert bianca["id"] == "bianca-zanden"
    assert bianca["meetings"] == 2  # present in March and April; February (absent) does not count
    assert [m["title"] for m in bianca["motions"]] == ["Familjehem"]


def test_yrkande_on_the_proposal_heading_counts_as_a_motion(
    extra_dir: Path, tmp_path: Path
) -> None:
    """Alingsås writes yrkanden under "Förslag till beslut på sammanträdet"; the mover gets the role."""
    from minutesearch.ingest import ingest

    utdrag = next((extra_dir / "alingsas" / "utdrag").glob("*ss90-ksau-fortydligande-parkering*"))
    settings = Settings(index_dir=tmp_path, embedder="none")  # the NER model finds the name
    ingest([utdrag], settings)
    with Store.open(tmp_path, create=False) as store:
        detail = person_detail(store, "Jens Christian Berlin")
    assert [m["id"] for m in detail["motions"]] == ["ksau-2026-06-03-utdrag-90"]
