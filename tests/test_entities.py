"""The gazetteer rulers, the post-hoc filter and the trained model, on sentences from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from minutesearch.entities.gazetteer import load_gazetteer
from minutesearch.entities.ner import doc_spans, load_pipeline, rules_pipeline
from minutesearch.errors import ModelError
from minutesearch.locations import NER_MODEL_DIR


def _seed_sentence(seeds_dir: Path, fragment: str) -> str:
    """The whitespace-normalised seed text from `fragment` to the end of its sentence."""
    for path in sorted(seeds_dir.glob("*.txt")):
        text = " ".join(path.read_text(encoding="utf-8").split())
        at = text.find(fragment)
        if at >= 0:
            end = text.find(". ", at + len(fragment))
            return text[at : end + 1 if end > 0 else None]
    raise AssertionError(f"{fragment!r} not in the seeds")


def _ents(nlp: object, text: str) -> set[tuple[str, str]]:
    return {(s.text, s.label) for s in doc_spans(nlp(text))}  # type: ignore[operator]


def test_gazetteer_has_every_kommun_and_region() -> None:
    gaz = load_gazetteer()
    assert len(gaz.kommuner) == 290
    assert len({place for place, _org, _lan in gaz.kommuner}) == 290
    assert len(gaz.regioner) == 21
    assert len({lan for _p, _o, lan in gaz.kommuner}) == 21
    orgs = {org for _p, org, _l in gaz.kommuner}
    assert {"Östersunds kommun", "Åre kommun", "Alingsås kommun", "Bergs kommun"} <= orgs


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("Huvudman för RSS rekvirerar", {"RSS", "Kammarkollegiet", "Socialstyrelsen"}),
        ("Utmaningen är i år att det", {"RSS", "Region Jämtland Härjedalen"}),
        ("Östersunds kommun blev huvudman", {"Östersunds kommun"}),
        ("Chefsorganisationen har författat", {"SocSam"}),
        ("Förslag ges på att skrivelsen", {"SVOM"}),
        ("närmare bestämt att inrätta", {"Familjehemscentrum", "FHC"}),
        ("Svar ges att tjejer och kvinnor", {"BUP", "VUP"}),
    ],
)
def test_rules_find_bodies_and_agencies_as_org(
    seeds_dir: Path, fragment: str, expected: set[str]
) -> None:
    sentence = _seed_sentence(seeds_dir, fragment)
    orgs = {text for text, label in _ents(rules_pipeline(), sentence) if label == "ORG"}
    assert expected <= orgs, (sentence, orgs)


def test_rules_keep_multiword_bodies_whole() -> None:
    nlp = rules_pipeline()
    text = "Frågan lyfts till Kommunförbundet Jämtland Härjedalen och Region Jämtland Härjedalen."
    assert _ents(nlp, text) == {
        ("Kommunförbundet Jämtland Härjedalen", "ORG"),
        ("Region Jämtland Härjedalen", "ORG"),
    }


def test_party_letters_and_caps_headings_are_not_entities(seeds_dir: Path) -> None:
    nlp = rules_pipeline()
    sentence = _seed_sentence(seeds_dir, "Margareta Winberg (S) yrkar att uppdraget")
    assert not any(text in {"S", "(S)"} for text, _ in _ents(nlp, sentence))
    heading = "§ 26 KOMMUNFÖRBUNDET JÄMTLAND HÄRJEDALEN"
    assert _ents(nlp, heading) == set()
    # The same body in running text is an ORG; an acronym in running text too.
    assert ("Kommunförbundet Jämtland Härjedalen", "ORG") in _ents(
        nlp, "Möte med Kommunförbundet Jämtland Härjedalen."
    )
    assert ("SVOM", "ORG") in _ents(nlp, "Frågan lyfts till SVOM i juni.")


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        load_pipeline(str(tmp_path / "nowhere"))


@pytest.mark.slow
def test_model_loads_from_disk_and_finds_persons(seeds_dir: Path) -> None:
    assert (NER_MODEL_DIR / "meta.json").is_file(), "run `make models`"
    nlp = load_pipeline()
    assert nlp.pipe_names == [
        "gazetteer_ruler",
        "gazetteer_exact",
        "ner",
        "initials_ruler",
    ]
    sentence = _seed_sentence(seeds_dir, "Jessica Isaksson, Maria Höög och Helena Ivansson")
    persons = {text for text, label in _ents(nlp, sentence) if label == "PER"}
    assert {"Jessica Isaksson", "Maria Höög", "Helena Ivansson"} <= persons
    initials = _seed_sentence(seeds_dir, "M. Östlund bekräftar")
    assert ("M. Östlund", "PER") in _ents(nlp, initials)
    assert ("SVOM", "ORG") in _ents(nlp, initials)
    # The ruler runs before the model, so the model cannot split a known body into places.
    assert ("Region Jämtland Härjedalen", "ORG") in _ents(
        nlp, _seed_sentence(seeds_dir, "Utmaningen är i år att det")
    )


# -- procedure words, headings and genitives are not organisations (issue #13) ------------------


class _Ent:
    """Just enough of a spaCy span for `procedure_or_heading`."""

    def __init__(self, text: str, label: str = "ORG") -> None:
        self.text, self.label_ = text, label


@pytest.mark.parametrize(
    "text",
    [
        "Omröstning",
        "Återremitterat",
        "Omröstning\nOmröstning",
        "Sammanfattning\nAnmälan",
        "AU Kompetensförsörjningsplan",
        "AU Ekonomisk",
        "BUN AU Uppföljning",
        "HVB-hem",
        "Cykelplan",
        "barn- och elevpeng",
        "Lön:",
        "Strategiska vägval",
        "SOU",
    ],
)
def test_procedure_words_and_headings_are_not_organisations(text: str) -> None:
    from minutesearch.entities.ner import procedure_or_heading

    common = {
        "ekonomisk",
        "uppföljning",
        "anmälan",
        "kompetensförsörjningsplan",
        "lön",
        "strategiska",
        "vägval",
    }
    assert procedure_or_heading(_Ent(text), common), text


@pytest.mark.parametrize(
    "text",
    [
        "Sociala samrådsgruppen",
        "Göteborg Energi AB",
        "Nämnden för arbetsmarknad och vuxenutbildning",
        "vård- och omsorgsnämnden",
        "Socialnämnden Centrum",
        "Business Region Göteborg AB",
        "BUP",
        "Kommunstyrelsens arbetsutskott",
        "Socialnämnd Centrum",
        "Östra sjukhuset",
    ],
)
def test_organisations_pass_the_procedure_filter(text: str) -> None:
    from minutesearch.entities.ner import procedure_or_heading

    common = {"centrum", "region", "vuxenutbildning", "socialnämnd", "östra", "sjukhuset"}
    assert not procedure_or_heading(_Ent(text), common), text


def test_genitive_organisations_are_shown_in_their_base_form() -> None:
    from minutesearch.entities.ner import base_form

    assert base_form("Sociala samrådsgruppens", "ORG") == "Sociala samrådsgruppen"
    assert base_form("Göteborg Energi AB:s", "ORG") == "Göteborg Energi AB"
    assert base_form("Alingsås kommuns", "ORG") == "Alingsås kommun"
    assert base_form("Kommunstyrelsens", "ORG") == "Kommunstyrelsen"
    assert base_form("Alingsås", "ORG") == "Alingsås"  # no genitive to fold
    assert base_form("Anders", "PER") == "Anders"


def test_a_name_before_a_party_is_one_person_without_titles_or_headings() -> None:
    nlp = rules_pipeline()
    text = "Anteckning Jan-Erik Wallin (M) och ordföranden Jonas Attenius (S) yrkar bifall."
    persons = {(s.text, s.label) for s in doc_spans(nlp(text)) if s.label == "PER"}
    assert persons == {("Jan-Erik Wallin", "PER"), ("Jonas Attenius", "PER")}
    text = "Ordföranden Jonas Attenius (S) tackar Lena Ferm (SD)."
    assert {s.text for s in doc_spans(nlp(text)) if s.label == "PER"} == {
        "Jonas Attenius",
        "Lena Ferm",
    }


def test_companies_coordinated_compounds_streets_and_dates() -> None:
    from minutesearch.entities.ner import Span, company_names, coordinated

    text = "genomlysning av Göteborgs Egnahem AB:s situation"
    pieces = [Span("LOC", "Göteborgs", 16, 25), Span("ORG", "Egnahem", 26, 33)]
    assert [(s.text, s.start, s.end) for s in company_names(text, pieces, set())] == [
        ("Göteborgs Egnahem AB", 16, 38)
    ]
    amp = "Stadsmiljönämnden och Göteborg & Co AB har"
    assert [s.text for s in company_names(amp, [Span("ORG", "Co AB", 33, 38)], set())] == [
        "Göteborg & Co AB"
    ]
    whole = "Redovisning av Förvaltnings AB Framtidens uppdrag"
    kept = [Span("ORG", "Förvaltnings AB Framtiden", 15, 41)]
    assert company_names(whole, kept, set()) == kept  # a span already holding the name stays
    text = "Remiss från Landsbygds- och infrastrukturdepartementet En bättre organisering"
    out = coordinated(text, [Span("PER", "Landsbygds-", 12, 23)])
    assert [(s.label, text[s.start : s.end]) for s in out] == [
        ("ORG", "Landsbygds- och infrastrukturdepartementet")
    ]
    koncern = [Span("LOC", "Stadshuskoncernen", 0, 17)]
    assert [s.label for s in coordinated("Stadshuskoncernen", koncern)] == ["ORG"]
    text = "omvandling av Hjalmar Brantingsgatan avslutar 31/3"
    spans = [Span("ORG", "Hjalmar Brantingsgatan", 14, 36), Span("ORG", "31/3", 46, 50)]
    assert [(s.label, s.text) for s in coordinated(text, spans)] == [
        ("LOC", "Hjalmar Brantingsgatan")
    ]


def test_property_names_are_places_and_paper_titles_no_persons() -> None:
    from minutesearch.entities.ner import Span, procedure_or_heading, property_places

    text = "försäljning av fastigheten Masthugget samt Majorna 721:85 och SOU 2025:33"
    spans = [Span("ORG", "Masthugget", 27, 37)]
    assert [(s.label, s.text) for s in property_places(text, spans)] == [
        ("LOC", "Masthugget"),
        ("LOC", "Majorna"),
    ]
    assert procedure_or_heading(_Ent("Stadenövergripande Spendrapport", "PER"), set())
    assert not procedure_or_heading(_Ent("Anna Kaplan", "PER"), set())
