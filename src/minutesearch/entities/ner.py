"""The spaCy pipeline: loaded once per process from models/, or a rules-only fallback."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..locations import NER_MODEL_DIR
from .gazetteer import load_gazetteer, ruler_patterns

LABELS = ("PER", "ORG", "LOC")
_CAPS_WORD = re.compile(r"^[A-ZÅÄÖÉÜ][A-ZÅÄÖÉÜ-]+$")


@dataclass(frozen=True)
class Span:
    """Omnämnande: one entity found in a text, with character offsets."""

    label: str
    text: str
    start: int
    end: int


# "M. Östlund", "L. Åsberg": an initial and a surname is a person the news-trained model misses.
INITIALS_PATTERNS: list[dict[str, Any]] = [
    {
        "label": "PER",
        "pattern": [{"TEXT": {"REGEX": r"^[A-ZÅÄÖ]\.$"}}, {"IS_TITLE": True, "IS_ALPHA": True}],
    },
    {
        "label": "PER",
        "pattern": [
            {"TEXT": {"REGEX": r"^[A-ZÅÄÖ]$"}},
            {"ORTH": "."},
            {"IS_TITLE": True, "IS_ALPHA": True},
        ],
    },
]


def add_rulers(nlp: Any) -> None:
    """Add the rulers: the gazetteer before `ner`, initials after it.

    The gazetteer goes first because its names are curated and unambiguous (ambiguous places such
    as "Berg" or "Lund" are left out): the model then predicts around them and can never split
    "Region Jämtland Härjedalen" into places. Initials go last and overwrite, since the model
    often tags only the surname of "M. Östlund".
    """
    lower, exact = ruler_patterns(nlp.make_doc)
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    # Multi-word names first: they are the longer matches, which a single ruler would prefer too.
    gazetteer = nlp.add_pipe(
        "entity_ruler",
        name="gazetteer_ruler",
        config={"validate": True, "phrase_matcher_attr": "LOWER"},
        **before,
    )
    gazetteer.add_patterns(lower)
    exact_ruler = nlp.add_pipe(
        "entity_ruler",
        name="gazetteer_exact",
        config={"validate": True, "phrase_matcher_attr": "ORTH"},
        **({"before": "ner"} if "ner" in nlp.pipe_names else {}),
    )
    exact_ruler.add_patterns(exact)
    initials = nlp.add_pipe("entity_ruler", name="initials_ruler", config={"overwrite_ents": True})
    initials.add_patterns(INITIALS_PATTERNS)


def replace_rulers(nlp: Any) -> None:
    """Drop any rulers in a pipeline and add the current ones (after the name lists changed)."""
    for name in [n for n, pipe in nlp.pipeline if type(pipe).__name__ == "EntityRuler"]:
        nlp.remove_pipe(name)
    add_rulers(nlp)


def import_spacy() -> Any:
    """spaCy, imported without torch.

    thinc (under spaCy) imports torch if it can, only to offer torch-backed layers; our NER model
    is thinc's own CNN. That import cost 1.2 of spaCy's 1.9 s in every ingest (and in every NER
    worker's parent). torch stays importable afterwards for the sentence-transformers embedder.
    """
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]  # makes `import torch` fail
    try:
        import spacy
    finally:
        if hide and sys.modules.get("torch", False) is None:
            del sys.modules["torch"]
    return spacy


@lru_cache(maxsize=2)
def load_pipeline(model_dir: str | None = None) -> Any:
    """The trained pipeline from disk (cached per process); ModelError when it cannot load."""
    spacy = import_spacy()

    path = Path(model_dir) if model_dir else NER_MODEL_DIR
    if not (path / "meta.json").is_file():
        raise ModelError(
            f"NER-modellen saknas i {path} — kör `make models` eller `minutesearch train-ner`."
        )
    try:
        return spacy.load(path)
    except Exception as exc:  # spaCy raises many kinds for a damaged or incompatible package
        raise ModelError(f"NER-modellen i {path} kunde inte laddas: {exc}") from exc


@lru_cache(maxsize=1)
def rules_pipeline() -> Any:
    """A blank Swedish pipeline with only the gazetteer rulers (no statistical model)."""
    spacy = import_spacy()

    nlp = spacy.blank("sv")
    add_rulers(nlp)
    return nlp


def _is_heading(doc: Any, ent: Any) -> bool:
    """An entity inside an ALL-CAPS heading ("§ 26 KOMMUNFÖRBUNDET JÄMTLAND HÄRJEDALEN")."""
    words = [t.text for t in ent if t.is_alpha]
    if not words or not all(_CAPS_WORD.match(w) for w in words):
        return False
    if len(words) >= 2:
        return True
    neighbours = []
    if ent.start > 0:
        neighbours.append(doc[ent.start - 1])
    if ent.end < len(doc):
        neighbours.append(doc[ent.end])
    return any(t.is_alpha and len(t.text) > 1 and _CAPS_WORD.match(t.text) for t in neighbours)


def keep_entity(doc: Any, ent: Any, party_codes: frozenset[str]) -> bool:
    """Post-hoc filter: no party letters "(S)", no all-caps headings, no "IFO-chef" titles."""
    text = ent.text.strip("() ,.")
    if ent.label_ not in LABELS or len(text) < 2 and ent.label_ != "PER":
        return False
    if text in party_codes or (ent.label_ == "PER" and len(text) <= 2):
        return False
    if text in load_gazetteer().non_entities:
        return False
    if _is_heading(doc, ent) or "\n\n" in ent.text or "\n \n" in ent.text:
        return (
            False  # a heading glued to the next paragraph: "Propositionsordning\n\nOrdföranden …"
        )
    # "IFO-chef", "BUP-mottagning": an acronym glued to a lower-case word is a title or a thing.
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if nxt is not None and nxt.text == "-" and ent.end + 1 < len(doc) and doc[ent.end + 1].is_lower:
        return ent.label_ != "PER" and not ent.text.isupper()
    return True


_LOWER_WORD = re.compile(r"\b[a-zåäöéü]{3,}\b")


def common_words(texts: list[str]) -> set[str]:
    """Words written in lower case somewhere in these texts: "verksamheten", "skrivelsen"."""
    return {w for t in texts for w in _LOWER_WORD.findall(t)}


def _common_noun(doc: Any, ent: Any, common: set[str]) -> bool:
    """A single capitalised word that the same texts also write in lower case ("Verksamheten",
    "Yttrande"), a one-word line ("Sammanfattning", "Expedieras"), or a sentence-initial
    definite noun the model took for a body or place ("Överskottet")."""
    if len(ent) != 1 or is_known_name(ent.text):
        return False
    if ent.text.lower() in common and not ent.text.isupper():
        return True
    before = doc[ent.start - 1].text if ent.start > 0 else "\n"
    after = doc[ent.end].text if ent.end < len(doc) else "\n"
    if "\n" in before and "\n" in after:
        return True
    # Bodies with such names ("Socialstyrelsen") are in the gazetteer and never reach this line.
    initial = "\n" in before or before in (".", ":", "-", "•")
    return ent.label_ != "PER" and initial and bool(_DEFINITE.search(ent.text))


_DEFINITE = re.compile(r"[a-zåäö](?:et|en|erna|arna|orna|na)$")


def is_known_name(text: str) -> bool:
    """A name the gazetteer lists (a body, agency, kommun or place), in any case."""
    from .gazetteer import _known_lower

    return text.lower() in _known_lower()


@lru_cache(maxsize=1)
def procedure_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """(words, word endings) of the protocol's procedure and papers: data/procedurord.txt."""
    from importlib import resources

    text = resources.files("minutesearch.data").joinpath("procedurord.txt").read_text("utf-8")
    lines = [ln.strip().lower() for ln in text.splitlines() if ln.strip() and ln[0] != "#"]
    return (
        frozenset(ln for ln in lines if not ln.startswith("-")),
        tuple(ln[1:] for ln in lines if ln.startswith("-")),
    )


def is_procedure_word(word: str, *, endings: bool = False) -> bool:
    """'Omröstning', 'Återremitterat'; with `endings` also 'Kompetensförsörjningsplan'."""
    words, suffixes = procedure_vocabulary()
    w = word.lower().strip(".,:;()")
    if w in words:
        return True
    return endings and any(w.endswith(x) and len(w) > len(x) + 2 for x in suffixes)


_ACRONYM = re.compile(r"^[A-ZÅÄÖ]{2,}$")
_ACRONYM_COMPOUND = re.compile(r"^[A-ZÅÄÖ]{2,}-[a-zåäö]+$")  # "HVB-hem", "IFO-chef", "LSS-boende"
_ORG_HEAD = re.compile(
    r"(nämnd|nämnden|nämndens|styrelse|styrelsen|styrelsens|förvaltning|förvaltningen|kontor"
    r"|kontoret|fullmäktige|utskott|utskottet|gruppen|rådet|förbund|förbundet|kommun|region"
    r"|departement|departementet|koncern|koncernen)s?$"
)


def procedure_or_heading(ent: Any, common: set[str]) -> bool:
    """An ORG/LOC that is procedure vocabulary or a heading, not a name: "Omröstning",
    "Återremitterat", "Sammanfattning\nAnmälan" (a heading line glued to the next),
    "AU Kompetensförsörjningsplan"/"AU Ekonomisk" (a body's acronym before its paper's title),
    "HVB-hem" (an acronym compounded with a common noun), "barn- och elevpeng" (a lower-case
    phrase no list knows and no organisation word ends)."""
    if ent.label_ == "PER":
        # "Stadenövergripande Spendrapport": a paper's title, not a person.
        last = ent.text.strip(" ,.:;").split()[-1:]
        return bool(last) and is_procedure_word(last[0], endings=True)
    if ent.label_ not in ("ORG", "LOC"):
        return False
    text = ent.text.strip(" ,.:;")
    lines = [ln.split() for ln in text.split("\n") if ln.strip()]
    words = [w for ln in lines for w in ln]
    if not words or is_known_name(text):
        return False
    if any(is_procedure_word(ln[0]) for ln in lines) or is_procedure_word(words[-1]):
        return True
    if ent.label_ == "ORG" and is_procedure_word(words[-1], endings=True):
        return True
    if len(words) == 1 and _ACRONYM_COMPOUND.match(words[0]):
        return True
    # Words the same texts write in lower case are common nouns, capitalised or not: "Lön:",
    # "Revidering Felparkeringsavgifter", "Strategiska vägval" are headings, not bodies — unless
    # an organisation word ends the name ("Tekniska nämnden").
    plain = [w.strip(".,:;()") for w in words]
    if (
        plain
        and all(w.lower() in common and not w.isupper() for w in plain)
        and (len(plain) == 1 or ent.label_ == "ORG")
        and not any(_ORG_HEAD.search(w.lower()) for w in plain)
        and not (len(plain) > 1 and plain[0].lower() in _NAME_PREFIX)
    ):
        return True
    # "AU Ekonomisk", "BUN AU Uppföljning": the title of a paper after its body's acronym.
    lead = 0
    while lead < len(words) and _ACRONYM.match(words[lead]):
        lead += 1
    rest = words[lead:]
    if lead and rest and all(w[0].isupper() and w.lower() in common for w in rest):
        return True
    return text[0].islower() and ent.label_ == "ORG" and not _ORG_HEAD.search(words[-1].lower())


# "Östra sjukhuset", "Stora Tullhuset": a compass or size word before a noun makes a proper name.
_NAME_PREFIX = frozenset(["östra", "västra", "norra", "södra", "stora", "lilla", "nya", "gamla"])
_GENITIVE_DEFINITE = re.compile(r"(?:en|et|na|erna|arna|orna)s$")


def base_form(text: str, label: str) -> str:
    """An organisation named in the genitive, as its name: "Sociala samrådsgruppens" ->
    "Sociala samrådsgruppen", "Göteborg Energi AB:s" -> "Göteborg Energi AB", "Göteborgs Stads"
    -> "Göteborgs Stad" (when the list knows the name); anything else unchanged."""
    if label != "ORG" or len(text) < 4:
        return text
    if text.endswith(":s"):
        return text[:-2]
    last = text.split()[-1].lower()
    if text.endswith("s") and (
        is_known_name(text[:-1]) or (len(last) > 6 and _GENITIVE_DEFINITE.search(last))
    ):
        return text[:-1]
    return text


def doc_spans(
    doc: Any, common: set[str] | None = None, *, procedure_filter: bool = True
) -> list[Span]:
    """Filtered entity spans of a processed spaCy Doc; `common`: lower-case words of the corpus.
    `procedure_filter=False` gives the spans before the procedure/heading filter and the
    genitive folding (the baseline `make eval-ner` reports beside them)."""
    codes = load_gazetteer().party_codes
    words = common or set()
    out = []
    for ent in doc.ents:
        if not keep_entity(doc, ent, codes) or _common_noun(doc, ent, words):
            continue
        if procedure_filter and procedure_or_heading(ent, words):
            continue
        text, start = ent.text.rstrip(" ,.:;"), ent.start_char
        if procedure_filter and ent.label_ == "PER":
            # "Anteckning Jan-Erik Wallin": a heading word glued before a name is not the name.
            while len(text.split()) > 2 and is_procedure_word(text.split()[0]):
                cut = len(text.split()[0])
                cut += len(text[cut:]) - len(text[cut:].lstrip())
                text, start = text[cut:], start + cut
        shown = base_form(text, ent.label_) if procedure_filter else text
        out.append(Span(ent.label_, shown, start, start + len(text)))
    if not procedure_filter:
        return out
    spans = company_names(doc.text, coordinated(doc.text, out), words)
    return party_persons(doc.text, property_places(doc.text, spans))


# "Masthugget 712:39", "Gullbergsvass 703:58": a name before a property number is a place.
_PROPERTY = re.compile(
    r"(?<![\wÅÄÖåäö])([A-ZÅÄÖ][a-zåäöé]+(?:[- ][A-ZÅÄÖ][a-zåäöé]+)?) \d{1,4}:\d{1,4}\b"
)


_PROPERTY_WORD = re.compile(r"\b(?:fastigheten|fastigheterna|kvarteret) ([A-ZÅÄÖ][a-zåäöé]+)\b")


def property_places(text: str, spans: list[Span]) -> list[Span]:
    """A fastighetsbeteckning's name ("Masthugget 712:39", "fastigheten Masthugget") is a
    place, whatever the model said."""
    found = [
        Span("LOC", m.group(1), m.start(1), m.end(1))
        for rx in (_PROPERTY, _PROPERTY_WORD)
        for m in rx.finditer(text)
        if not is_procedure_word(m.group(1))
    ]
    if not found:
        return spans
    kept = [s for s in spans if not any(s.start < f.end and f.start < s.end for f in found)]
    return sorted(kept + found, key=lambda s: s.start)


_NO_LETTER = re.compile(r"^[^A-Za-zÅÄÖåäöÉé]+$")
_PLACE_END = re.compile(r"(gatan|vägen|torget|platsen|gången|leden|allén|backen|stigen|kajen)$")
_COORDINATED = re.compile(r"\s*och\s+([a-zåäöA-ZÅÄÖ][\w-]*)")
_COMPANY = re.compile(r"(?<![\wÅÄÖåäö])((?:(?:[A-ZÅÄÖ][\w&-]*|&)\s+){1,5}AB)(:s)?(?![\wÅÄÖåäö])")


def coordinated(text: str, spans: list[Span]) -> list[Span]:
    """Spans read right: "Landsbygds- och infrastrukturdepartementet" is one body (the
    coordinated compound), "31/3" is no name, "Hjalmar Brantingsgatan" is a place and
    "Stadshuskoncernen" (an organisation word ends it) an organisation."""
    out = []
    for sp in spans:
        if _NO_LETTER.match(sp.text):
            continue
        if sp.text.endswith("-"):
            m = _COORDINATED.match(text, sp.end)
            if not m:
                continue
            end = m.end()
            label = "ORG" if _ORG_HEAD.search(m.group(1).lower()) else sp.label
            sp = Span(label, text[sp.start : end], sp.start, end)
        last = sp.text.split()[-1].lower()
        if sp.label != "LOC" and _PLACE_END.search(last):
            sp = Span("LOC", sp.text, sp.start, sp.end)
        elif sp.label == "LOC" and _ORG_HEAD.search(last):  # "Stadshuskoncernen", "X kommun"
            sp = Span("ORG", sp.text, sp.start, sp.end)
        out.append(sp)
    # A coordinated compound swallowed the span after it.
    return [
        s
        for s in out
        if not any(
            o is not s
            and o.start <= s.start
            and s.end <= o.end
            and (o.end - o.start) > (s.end - s.start)
            for o in out
        )
    ]


def company_names(text: str, spans: list[Span], common: set[str]) -> list[Span]:
    """ "Göteborgs Egnahem AB:s": the capitalised words before "AB" are one company, replacing
    the pieces the model cut it into; a span already holding the whole name is kept, and a
    capitalised common word or procedure word before the name is not part of it."""
    found = []
    for m in _COMPANY.finditer(text):
        start, name = m.start(1), m.group(1)
        words = name.split()
        while len(words) > 2 and (words[0].lower() in common or is_procedure_word(words[0])):
            cut = text.index(words[1], start + len(words[0]))
            start, words = cut, words[1:]
        end = m.end(2) if m.group(2) else m.end(1)
        if any(sp.label == "ORG" and sp.start <= start and end <= sp.end for sp in spans):
            continue
        found.append(Span("ORG", base_form(text[start:end], "ORG"), start, end))
    if not found:
        return spans
    kept = [s for s in spans if not any(s.start < f.end and f.start < s.end for f in found)]
    return sorted(kept + found, key=lambda s: s.start)


_PARTY_PERSON = re.compile(
    r"(?<![\wÅÄÖåäö])([A-ZÅÄÖÉ][a-zåäöéüø]+(?:[- ][A-ZÅÄÖÉ][a-zåäöéüø]+){1,4})"
    r" ?\((?:S|M|SD|C|V|KD|L|MP|D)\)"
)


def party_persons(text: str, spans: list[Span]) -> list[Span]:
    """A name written with a party after it ("Axel Josefson (M)") is a person, with exactly
    those words: it replaces any overlapping span, less a leading title or procedure word
    ("Ordföranden Jonas Attenius (S)", "Anteckning Jan-Erik Wallin (M)")."""
    from .identity import role_words

    titles = role_words()
    found: list[Span] = []
    for m in _PARTY_PERSON.finditer(text):
        start, name = m.start(1), m.group(1)
        while len(name.split()) > 2 and (
            name.split()[0].lower() in titles or is_procedure_word(name.split()[0])
        ):
            cut = len(name.split()[0]) + 1
            name, start = name[cut:], start + cut
        if name.split()[0].lower() in titles or is_procedure_word(name.split()[0]):
            continue
        found.append(Span("PER", name, start, start + len(name)))
    if not found:
        return spans
    kept = [s for s in spans if not any(s.start < f.end and f.start < s.end for f in found)]
    return sorted(kept + found, key=lambda s: s.start)


def extract(nlp: Any, texts: list[str], *, common: set[str] | None = None) -> list[list[Span]]:
    """Entities of many texts; spaCy's pipe batches them. `common` defaults to the texts' own words."""
    words = common if common is not None else common_words(texts)
    return [doc_spans(doc, words) for doc in nlp.pipe(texts, batch_size=32)]
