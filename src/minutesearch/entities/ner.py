"""The spaCy pipeline: loaded once per process from models/, or a rules-only fallback."""

from __future__ import annotations

import re
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


def add_rulers(nlp: Any) -> None:
    """Add the gazetteer rulers: ORG before `ner`, LOC after it (see the model's README)."""
    org, loc = ruler_patterns(nlp.make_doc)
    before = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    org_ruler = nlp.add_pipe("entity_ruler", name="org_ruler", config={"validate": True}, **before)
    org_ruler.add_patterns(org)
    loc_ruler = nlp.add_pipe("entity_ruler", name="loc_ruler", config={"overwrite_ents": False})
    loc_ruler.add_patterns(loc)


@lru_cache(maxsize=2)
def load_pipeline(model_dir: str | None = None) -> Any:
    """The trained pipeline from disk (cached per process); ModelError when it cannot load."""
    import spacy

    path = Path(model_dir) if model_dir else NER_MODEL_DIR
    if not (path / "meta.json").is_file():
        raise ModelError(f"NER-modellen saknas i {path} — kör `make models` eller `minutesearch train-ner`.")
    try:
        return spacy.load(path)
    except Exception as exc:  # spaCy raises many kinds for a damaged or incompatible package
        raise ModelError(f"NER-modellen i {path} kunde inte laddas: {exc}") from exc


@lru_cache(maxsize=1)
def rules_pipeline() -> Any:
    """A blank Swedish pipeline with only the gazetteer rulers (no statistical model)."""
    import spacy

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
    if _is_heading(doc, ent):
        return False
    # "IFO-chef", "BUP-mottagning": an acronym glued to a lower-case word is a title or a thing.
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if nxt is not None and nxt.text == "-" and ent.end + 1 < len(doc) and doc[ent.end + 1].is_lower:
        return ent.label_ != "PER" and not ent.text.isupper()
    return True


def doc_spans(doc: Any) -> list[Span]:
    """Filtered entity spans of a processed spaCy Doc."""
    codes = load_gazetteer().party_codes
    out = []
    for ent in doc.ents:
        if keep_entity(doc, ent, codes):
            text = ent.text.rstrip(" ,.:;")
            out.append(Span(ent.label_, text, ent.start_char, ent.start_char + len(text)))
    return out


def extract(nlp: Any, texts: list[str], *, batch_size: int = 32) -> list[list[Span]]:
    """Entities of many texts; spaCy's pipe batches them for speed."""
    return [doc_spans(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]
