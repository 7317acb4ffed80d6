"""Train the Swedish minutes NER pipeline: news gold (swedish-ner-corpus) + silver from the minutes.

The silver part labels what the minutes themselves make certain: "Förnamn Efternamn (S)" is a
person, a gazetteer hit is an ORG/LOC, a lower-case word is no entity; every other capitalised
token is left *missing* so the model is not taught that unknown names are not names.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..locations import NER_MODEL_DIR, PROJECT_ROOT
from .ner import add_rulers, rules_pipeline

SEED = 20230324
SHARED = PROJECT_ROOT.parent / "shared"
NER_CORPUS_DIR = SHARED / "data" / "swedish-ner-corpus"
EXTRA_DIR = SHARED / "corpus-extra"
HELD_OUT = PROJECT_ROOT / "eval" / "ner_heldout_extra.jsonl"
KEEP = {"PER", "ORG", "LOC"}

# Small and CPU-frugal: a hashed-embedding CNN, no vectors (see models/sv_minutes_ner/README.md).
MODEL_CONFIG: dict[str, Any] = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "nO": None,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 4,
        "embed_size": 4000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}

_PARTY_PERSON = re.compile(
    r"(?<![\wÅÄÖåäö])([A-ZÅÄÖÉ][a-zåäöéüø]+(?:[- ][A-ZÅÄÖÉ][a-zåäöéüø]+){1,3})\s?\((?:S|M|SD|C|V|KD|L|MP|D)\)"
)


@dataclass
class TrainReport:
    """What a training run did: sizes, per-epoch losses, dev scores, where it was saved."""

    gold_sentences: int = 0
    silver_sentences: int = 0
    epochs: int = 0
    losses: list[float] = field(default_factory=list)
    dev_f: list[float] = field(default_factory=list)
    seconds: float = 0.0
    output: str = ""


def read_conll(path: Path) -> list[tuple[list[str], list[str]]]:
    """Sentences of the swedish-ner-corpus: (tokens, IO tags), tags PER/ORG/LOC/MISC/0."""
    sents: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if words:
                sents.append((words, tags))
            words, tags = [], []
            continue
        if len(parts) < 2:
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        sents.append((words, tags))
    return sents


def io_to_biluo(tags: list[str]) -> list[str]:
    """Consecutive equal tags form one entity; MISC becomes missing ("-"), 0 becomes O."""
    out: list[str] = []
    n = len(tags)
    for i, tag in enumerate(tags):
        if tag not in KEEP:
            out.append("-" if tag == "MISC" else "O")
            continue
        first = i == 0 or tags[i - 1] != tag
        last = i == n - 1 or tags[i + 1] != tag
        prefix = "U" if first and last else "B" if first else "L" if last else "I"
        out.append(f"{prefix}-{tag}")
    return out


def spans_to_biluo(doc: Any, spans: list[tuple[int, int, str]]) -> list[str] | None:
    """BILUO tags for silver spans; lower-case/punctuation tokens O, other tokens missing."""
    tags = ["O" if (t.is_lower or t.is_punct or t.is_digit or t.is_space) else "-" for t in doc]
    for start, end, label in spans:
        span = doc.char_span(start, end, alignment_mode="contract")
        if span is None or not len(span):
            return None
        if len(span) == 1:
            tags[span.start] = f"U-{label}"
        else:
            tags[span.start] = f"B-{label}"
            for i in range(span.start + 1, span.end - 1):
                tags[i] = f"I-{label}"
            tags[span.end - 1] = f"L-{label}"
    return tags


def held_out_files() -> set[str]:
    """corpus-extra files the held-out evaluation reads: never used for silver labels."""
    if not HELD_OUT.is_file():
        return set()
    rows = (
        json.loads(line)
        for line in HELD_OUT.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    return {row["file"] for row in rows}


def minutes_lines(extra_dir: Path) -> Iterator[str]:
    """Non-empty lines of the corpus-extra documents (read at training time, never stored)."""
    from ..read import read_document

    skip = held_out_files()
    for path in sorted(extra_dir.rglob("*")):
        if path.suffix.lower() not in (".pdf", ".txt") or path.name == "SOURCES.md":
            continue
        if path.relative_to(extra_dir).as_posix() in skip:
            continue
        try:
            text = read_document(path).text
        except Exception:  # an unreadable file only means less silver data
            continue
        for line in text.splitlines():
            line = " ".join(line.split())
            if 20 <= len(line) <= 400:
                yield line


def silver_spans(line: str, rules: Any) -> list[tuple[int, int, str]]:
    """Silver entities of one line: party-tagged names (PER) and gazetteer hits (ORG/LOC)."""
    spans = [(m.start(1), m.end(1), "PER") for m in _PARTY_PERSON.finditer(line)]
    taken = [(s, e) for s, e, _ in spans]
    for ent in rules(line).ents:
        if not any(ent.start_char < e and s < ent.end_char for s, e in taken):
            spans.append((ent.start_char, ent.end_char, ent.label_))
    return sorted(spans)


def build_examples(
    nlp: Any, corpus_dir: Path, extra_dir: Path | None, *, max_silver: int = 2500
) -> tuple[list[Any], list[Any], int]:
    """(train examples, dev examples, number of silver sentences)."""
    from spacy.tokens import Doc
    from spacy.training import Example

    gold = []
    for words, tags in read_conll(corpus_dir / "train_corpus.txt"):
        doc = Doc(nlp.vocab, words=words)
        gold.append(Example.from_dict(doc, {"entities": io_to_biluo(tags)}))
    rng = random.Random(SEED)
    rng.shuffle(gold)
    dev, train = gold[:500], gold[500:]
    silver = []
    if extra_dir is not None and extra_dir.is_dir():
        rules = rules_pipeline()
        seen: set[str] = set()
        candidates = []
        for line in minutes_lines(extra_dir):
            if line in seen:
                continue
            seen.add(line)
            spans = silver_spans(line, rules)
            if spans:
                candidates.append((line, spans))
        rng.shuffle(candidates)
        for line, spans in candidates[:max_silver]:
            doc = nlp.make_doc(line)
            silver_tags = spans_to_biluo(doc, spans)
            if silver_tags is not None:
                silver.append(Example.from_dict(doc, {"entities": silver_tags}))
    return train + silver, dev, len(silver)


def _f_score(nlp: Any, examples: list[Any]) -> float:
    scores = nlp.evaluate(examples)
    return float(scores.get("ents_f") or 0.0)


def train(
    output: Path = NER_MODEL_DIR,
    *,
    corpus_dir: Path = NER_CORPUS_DIR,
    extra_dir: Path | None = EXTRA_DIR,
    epochs: int = 10,
    log: Callable[[str], None] = lambda _msg: None,
) -> TrainReport:
    """Train and save the pipeline (ner + gazetteer rulers) to `output`, deterministically."""
    import spacy
    from spacy.util import fix_random_seed, minibatch

    if not (corpus_dir / "train_corpus.txt").is_file():
        raise ModelError(f"Träningsdata saknas: {corpus_dir}/train_corpus.txt")
    t0 = time.perf_counter()
    fix_random_seed(SEED)
    nlp = spacy.blank("sv")
    nlp.add_pipe("ner", config={"model": MODEL_CONFIG})
    train_ex, dev_ex, n_silver = build_examples(nlp, corpus_dir, extra_dir)
    report = TrainReport(gold_sentences=len(train_ex) - n_silver, silver_sentences=n_silver)
    log(f"{report.gold_sentences} gold + {n_silver} silver sentences, {len(dev_ex)} dev")
    optimizer = nlp.initialize(lambda: train_ex)
    rng = random.Random(SEED)
    for epoch in range(epochs):
        rng.shuffle(train_ex)
        losses: dict[str, float] = {}
        for batch in minibatch(train_ex, size=32):
            nlp.update(batch, drop=0.2, sgd=optimizer, losses=losses)
        report.losses.append(round(losses.get("ner", 0.0), 1))
        report.dev_f.append(round(_f_score(nlp, dev_ex), 4))
        log(f"epoch {epoch + 1}/{epochs}: loss {report.losses[-1]}, dev F {report.dev_f[-1]}")
    report.epochs = epochs
    add_rulers(nlp)
    nlp.meta.update(
        {
            "name": "minutes_ner",
            "version": "0.1.0",
            "description": "Swedish NER for meeting minutes: PER, ORG, LOC + gazetteer rulers",
            "license": "CC BY 4.0 (training data: swedish-ner-corpus, Språkbanken Webbnyheter 2012)",
            "minutesearch": {"seed": SEED, "epochs": epochs, "silver": n_silver},
        }
    )
    save_pipeline(nlp, output)
    report.seconds = round(time.perf_counter() - t0, 1)
    report.output = str(output)
    return report


def refresh_rulers(model_dir: Path = NER_MODEL_DIR) -> None:
    """Rebuild only the gazetteer rulers of a trained pipeline (after the name lists changed)."""
    import spacy

    from .ner import replace_rulers

    nlp = spacy.load(model_dir)
    replace_rulers(nlp)
    save_pipeline(nlp, model_dir)


def save_pipeline(nlp: Any, output: Path) -> None:
    """Write beside the old pipeline, then swap, so no stale component folder survives."""
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.new")
    shutil.rmtree(tmp, ignore_errors=True)
    nlp.to_disk(tmp)
    if output.exists():
        shutil.rmtree(output)
    tmp.rename(output)
