"""Stage `build_topics`: NMF over TF-IDF of item texts; topics named by their top terms."""

from __future__ import annotations

import json
import re
from typing import Any

from .config import Settings
from .stages import FunctionStage, StageContext
from .store import Store

STAGE = "topics"
MAX_TOPICS = 12
TOP_TERMS = 6
LABEL_TERMS = 3
THRESHOLD = 0.25  # share of an item's strongest topic weight a topic must reach to be assigned
SEED = 0

# Words every protocol repeats say nothing about what an item is about: data/stoppord.txt.
STOP_FILE = "stoppord.txt"


# Procedural items (opening, adjusters, agenda, any other business) say nothing about a topic.
PROCEDURAL = re.compile(
    r"(mötet|sammanträdet)\s+(öppnas|avslutas)|val\s+av\s+(protokoll)?justerare|justering|"
    r"övriga\s+frågor|föregående\s+protokoll|dagordning|föredragningslista|anmälan\s+av\s+jäv|"
    r"presentationsrunda|meddelanden|anmälningsärenden|delegationsbeslut",
    re.I,
)
# A capitalised word after a lower-case word or a comma is a name ("Björn Sandal", "SVOM"):
# names say who, not what, so they are dropped before the topic model sees the text.
_FULL_NAME = re.compile(
    r"\b[A-ZÅÄÖÉ][a-zåäöé]+(?:[ -][A-ZÅÄÖÉ][a-zåäöé]+)+(?:\s*\([A-ZÅÄÖ]{1,3}\))?"
)
_MID_NAME = re.compile(r"(?<=[a-zåäöé,;:] )[A-ZÅÄÖÉ][\wåäöé-]*")


def stop_words() -> list[str]:
    """spaCy's Swedish stop words plus words every protocol repeats."""
    from importlib import resources

    from .entities.ner import import_spacy

    import_spacy()  # spaCy without torch, before spacy.lang loads spaCy itself
    from spacy.lang.sv.stop_words import STOP_WORDS

    text = resources.files("minutesearch.data").joinpath(STOP_FILE).read_text(encoding="utf-8")
    own = {w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")}
    return sorted(set(STOP_WORDS) | own)


def n_topics(n_items: int) -> int:
    """Topics scale with the corpus: 2 for a handful of items, at most 12."""
    return min(MAX_TOPICS, max(2, n_items // 15))


def _texts(store: Store) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    for r in store.conn.execute(
        "SELECT id, title, text FROM items WHERE canonical_id IS NULL ORDER BY id"
    ):
        if PROCEDURAL.search(r["title"]):
            continue
        ids.append(r["id"])
        # The title counts twice: it is the best summary of what the item is about.
        text = f"{r['title']}. {r['title']}. {r['text']}"
        flat = _FULL_NAME.sub(" ", " ".join(text.split()))
        texts.append(_MID_NAME.sub(" ", flat))
    return ids, texts


def fit_topics(
    ids: list[str], texts: list[str]
) -> tuple[list[list[str]], list[list[tuple[str, int, float]]]]:
    """(top terms per topic, per-item assignments (item_id, topic index, weight)); deterministic."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    k = n_topics(len(texts))
    vec = TfidfVectorizer(
        stop_words=stop_words(),
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        lowercase=True,
        max_df=0.5,
        min_df=2 if len(texts) >= 20 else 1,
        sublinear_tf=True,
    )
    matrix = vec.fit_transform(texts)
    vocab = vec.get_feature_names_out()
    k = max(1, min(k, matrix.shape[0], matrix.shape[1]))
    model = NMF(n_components=k, init="nndsvd", random_state=SEED, max_iter=400)
    weights = model.fit_transform(matrix)
    terms = [[str(vocab[j]) for j in row.argsort()[::-1][:TOP_TERMS]] for row in model.components_]
    assigned: list[list[tuple[str, int, float]]] = []
    for item_id, row in zip(ids, weights, strict=True):
        top = float(row.max()) if len(row) else 0.0
        picks = (
            []
            if top <= 0
            else [
                (item_id, int(t), round(float(row[t]), 4))
                for t in row.argsort()[::-1]
                if row[t] >= THRESHOLD * top and row[t] > 0
            ][:3]
        )
        assigned.append(picks)
    return terms, assigned


def label_of(terms: list[str]) -> str:
    """'familjehem · barn · placering' from the top terms."""
    return " · ".join(terms[:LABEL_TERMS])


def _run(ctx: StageContext) -> None:
    """Refit the topic model over all items and rewrite topics and item_topics."""
    store = ctx.store
    ids, texts = _texts(store)
    ctx.progress(STAGE, 0, 1)
    terms: list[list[str]] = []
    assigned: list[list[tuple[str, int, float]]] = []
    if len([t for t in texts if re.search(r"\w{3,}", t)]) >= 2:
        try:
            terms, assigned = fit_topics(ids, texts)
        except ValueError as exc:  # an empty vocabulary after stop words: nothing to model
            ctx.warn(f"Ämnesmodellen kunde inte byggas: {exc}")
    with store.transaction() as tx:
        tx.execute("DELETE FROM item_topics")
        tx.execute("DELETE FROM topics")
        for n, words in enumerate(terms, 1):
            tx.execute(
                "INSERT INTO topics (id, label, terms) VALUES (?,?,?)",
                (n, label_of(words), json.dumps(words, ensure_ascii=False)),
            )
        tx.executemany(
            "INSERT INTO item_topics (item_id, topic_id, weight) VALUES (?,?,?)",
            [(item_id, t + 1, w) for picks in assigned for item_id, t, w in picks],
        )
        # Extracts share their protocol's item: they get the same topics.
        tx.execute(
            "INSERT OR IGNORE INTO item_topics (item_id, topic_id, weight)"
            " SELECT i.id, it.topic_id, it.weight FROM items i"
            " JOIN item_topics it ON it.item_id = i.canonical_id WHERE i.canonical_id IS NOT NULL"
        )
    ctx.progress(STAGE, 1, 1)


def _is_current(ctx: StageContext) -> bool:
    conn = ctx.store.conn
    return conn.execute("SELECT count(*) FROM topics").fetchone()[0] > 0 or (
        conn.execute("SELECT count(*) FROM items").fetchone()[0] < 2
    )


def _prepare(settings: Settings) -> None:
    """Import scikit-learn ahead: ingest calls this while workers read files."""
    import sklearn.decomposition  # noqa: F401
    import sklearn.feature_extraction.text  # noqa: F401


build_topics = FunctionStage("build_topics", _run, is_current_fn=_is_current, prepare_fn=_prepare)


def list_topics(store: Store) -> list[dict[str, Any]]:
    """Every topic: id, label, terms[], items (number of items assigned), largest first."""
    rows = store.conn.execute(
        "SELECT t.id, t.label, t.terms, count(it.item_id) AS n FROM topics t"
        " LEFT JOIN item_topics it ON it.topic_id = t.id GROUP BY t.id ORDER BY n DESC, t.id"
    )
    return [
        {"id": r["id"], "label": r["label"], "terms": json.loads(r["terms"]), "items": r["n"]}
        for r in rows
    ]
