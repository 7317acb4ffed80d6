"""Stage `build_topics`: NMF over TF-IDF of item texts; topics named by their top terms."""

from __future__ import annotations

import json
import pickle
import re
import sqlite3
from dataclasses import dataclass
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


def _prepared(title: str, text: str) -> str:
    # The title counts twice: it is the best summary of what the item is about.
    flat = _FULL_NAME.sub(" ", " ".join(f"{title}. {title}. {text}".split()))
    return _MID_NAME.sub(" ", flat)


def _texts(store: Store, doc_ids: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Ids and prepared texts of the items a topic is fitted on (of `doc_ids` only, when given)."""
    ids, texts = [], []
    sql = "SELECT id, title, text FROM items WHERE canonical_id IS NULL"
    args: list[str] = []
    if doc_ids is not None:
        sql += " AND doc_id IN (SELECT value FROM json_each(?))"
        args.append(json.dumps(doc_ids))
    for r in store.conn.execute(sql + " ORDER BY id", args):
        if PROCEDURAL.search(r["title"]):
            continue
        ids.append(r["id"])
        texts.append(_prepared(r["title"], r["text"]))
    return ids, texts


FIT_SAMPLE = 20_000
"""Items the model is fitted on: all of a corpus up to this size, an even sample of a larger one
(then every item is assigned with the fitted model), so a refit at 1M items stays bounded."""
REFIT_GROWTH = 1.25
"""Items are added with the stored model until the corpus has grown by this factor since the fit."""
MODEL_FILE = "topics_model.pkl"


@dataclass
class TopicModel:
    """What assigning new items needs: the fitted vectorizer and NMF, and what they were fitted on."""

    vectorizer: Any
    nmf: Any
    terms: list[list[str]]
    fitted_items: int


def _assign(ids: list[str], weights: Any) -> list[list[tuple[str, int, float]]]:
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
    return assigned


def fit_model(
    ids: list[str], texts: list[str]
) -> tuple[TopicModel, list[list[tuple[str, int, float]]]]:
    """Fit the model (on an even sample above FIT_SAMPLE items) and assign every item; deterministic."""
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    step = max(1, -(-len(texts) // FIT_SAMPLE))
    fit_texts = texts[::step]
    k = n_topics(len(texts))
    vec = TfidfVectorizer(
        stop_words=stop_words(),
        token_pattern=r"(?u)\b[^\W\d_]{3,}\b",
        lowercase=True,
        max_df=0.5,
        min_df=2 if len(fit_texts) >= 20 else 1,
        sublinear_tf=True,
    )
    matrix = vec.fit_transform(fit_texts)
    vec.stop_words_ = None  # every pruned term: large, and not needed to transform
    vocab = vec.get_feature_names_out()
    k = max(1, min(k, matrix.shape[0], matrix.shape[1]))
    model = NMF(n_components=k, init="nndsvd", random_state=SEED, max_iter=400)
    fitted = model.fit_transform(matrix)
    terms = [[str(vocab[j]) for j in row.argsort()[::-1][:TOP_TERMS]] for row in model.components_]
    topic_model = TopicModel(vec, model, terms, len(texts))
    if step == 1:
        return topic_model, _assign(ids, fitted)
    return topic_model, transform(topic_model, ids, texts)


def transform(
    model: TopicModel, ids: list[str], texts: list[str], batch: int = 20_000
) -> list[list[tuple[str, int, float]]]:
    """Assignments of items with an already fitted model, in batches (bounded memory)."""
    out: list[list[tuple[str, int, float]]] = []
    for start in range(0, len(texts), batch):
        matrix = model.vectorizer.transform(texts[start : start + batch])
        out += _assign(ids[start : start + batch], model.nmf.transform(matrix))
    return out


def fit_topics(
    ids: list[str], texts: list[str]
) -> tuple[list[list[str]], list[list[tuple[str, int, float]]]]:
    """(top terms per topic, per-item assignments (item_id, topic index, weight)); deterministic."""
    model, assigned = fit_model(ids, texts)
    return model.terms, assigned


def label_of(terms: list[str]) -> str:
    """'familjehem · barn · placering' from the top terms."""
    return " · ".join(terms[:LABEL_TERMS])


def _load_model(ctx: StageContext) -> TopicModel | None:
    """The stored model when it is the one the store's topics came from; else None (refit)."""
    path = ctx.index_dir / MODEL_FILE
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            model = pickle.load(fh)
    except Exception:  # unreadable or from another version: a refit replaces it
        return None
    if not isinstance(model, TopicModel):
        return None
    stored = [
        json.loads(r[0]) for r in ctx.store.conn.execute("SELECT terms FROM topics ORDER BY id")
    ]
    return model if stored == model.terms else None


def _save_model(ctx: StageContext, model: TopicModel) -> None:
    path = ctx.index_dir / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def _run(ctx: StageContext) -> None:
    """Assign the changed documents' items with the stored model; refit over all items (rewriting
    topics and item_topics) when there is none, on a rebuild, or once the corpus has grown by
    REFIT_GROWTH since the fit."""
    store = ctx.store
    ctx.progress(STAGE, 0, 1)
    model = None if ctx.rebuild else _load_model(ctx)
    if model is not None:
        n_now = store.conn.execute(
            "SELECT count(*) FROM items WHERE canonical_id IS NULL"
        ).fetchone()[0]
        if n_now <= REFIT_GROWTH * max(model.fitted_items, 1):
            _assign_changed(ctx, model)
            ctx.progress(STAGE, 1, 1)
            return
    _refit(ctx)
    ctx.progress(STAGE, 1, 1)


def _assign_changed(ctx: StageContext, model: TopicModel) -> None:
    """Topics of the items of the changed documents only: the rest of the store is not read."""
    docs = sorted(ctx.changed_docs)
    ids, texts = _texts(ctx.store, docs)
    assigned = transform(model, ids, texts) if ids else []
    with ctx.store.transaction() as tx:
        tx.execute(
            "DELETE FROM item_topics WHERE item_id IN"
            " (SELECT id FROM items WHERE doc_id IN (SELECT value FROM json_each(?)))",
            (json.dumps(docs),),
        )
        _write_topics(tx, assigned, docs)


def _write_topics(
    tx: sqlite3.Connection, assigned: list[list[tuple[str, int, float]]], docs: list[str] | None
) -> None:
    """Store the assigned topics; extracts share their protocol item's topics (those of `docs`
    only, or of every document when None)."""
    tx.executemany(
        "INSERT INTO item_topics (item_id, topic_id, weight) VALUES (?,?,?)",
        [(item_id, t + 1, w) for picks in assigned for item_id, t, w in picks],
    )
    sql = (
        "INSERT OR IGNORE INTO item_topics (item_id, topic_id, weight)"
        " SELECT i.id, it.topic_id, it.weight FROM items i"
        " JOIN item_topics it ON it.item_id = i.canonical_id WHERE i.canonical_id IS NOT NULL"
    )
    if docs is None:
        tx.execute(sql)
    else:
        tx.execute(sql + " AND i.doc_id IN (SELECT value FROM json_each(?))", (json.dumps(docs),))


def _refit(ctx: StageContext) -> None:
    """Refit the topic model over all items and rewrite topics and item_topics."""
    store = ctx.store
    ids, texts = _texts(store)
    model: TopicModel | None = None
    assigned: list[list[tuple[str, int, float]]] = []
    if len([t for t in texts if re.search(r"\w{3,}", t)]) >= 2:
        try:
            model, assigned = fit_model(ids, texts)
        except ValueError as exc:  # an empty vocabulary after stop words: nothing to model
            ctx.warn(f"Ämnesmodellen kunde inte byggas: {exc}")
    terms = model.terms if model is not None else []
    with store.transaction() as tx:
        tx.execute("DELETE FROM item_topics")
        tx.execute("DELETE FROM topics")
        for n, words in enumerate(terms, 1):
            tx.execute(
                "INSERT INTO topics (id, label, terms) VALUES (?,?,?)",
                (n, label_of(words), json.dumps(words, ensure_ascii=False)),
            )
        _write_topics(tx, assigned, None)
    path = ctx.index_dir / MODEL_FILE
    if model is not None:
        _save_model(ctx, model)
    elif path.exists():
        path.unlink()


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
