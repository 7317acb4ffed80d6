"""Where ingest's per-file work runs: this machine's worker processes, or a Ray cluster.

The seam is small (`FileExecutor`): given the files to read, in file order, yield for each one the
parsed `Document` or the `FileOutcome` that says why it was skipped, in the same order. What runs
for a file is always `ingest.read_and_parse` (read, OCR, parse), so every executor gives the same
documents; the store and the indexes are written by the calling process alone, in file order, so
the result of an ingest does not depend on the executor.

Ray is an optional extra (`pip install minutesearch[cluster]`) and is imported only when a Ray
executor is asked for: `minutesearch --help` and a local ingest never load it.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from .errors import MinutesearchError

if TYPE_CHECKING:
    from .index.embedders import Embedder
    from .parallel import Preload

EXECUTORS = ("local", "ray")
RAY_ATTEMPTS = 3
"""Tries per file on Ray: a file whose worker dies this many times is skipped, with the reason."""
RAY_IN_FLIGHT_PER_CPU = 4
"""Files queued per cluster CPU, so no worker waits while the driver stores, and memory stays
bounded (each queued file's bytes sit in Ray's object store)."""
INSTALL_HINT = "pip install minutesearch[cluster]"
EMBED_BATCH_CPU = 32
"""Passages per embedding call on a CPU actor (what `build_semantic` uses on one machine)."""
EMBED_BATCH_GPU = 256
"""Passages per embedding call on a GPU actor: a small encoder needs large batches to fill a GPU."""


@dataclass(frozen=True)
class FileJob:
    """One new or changed file: where it is and the key it is stored under."""

    path: Path
    key: str


ReadFn = Callable[[Path, str], Any]
"""`read_and_parse(path, key) -> Document | FileOutcome`, or a stand-in with that shape (tests)."""
EmbedderFactory = Callable[[str], Any]
"""`index.embedders.get_embedder(spec) -> Embedder`, or a stand-in with that shape (tests)."""


class FileExecutor(Protocol):
    """Maps files to their parsed results, in the order given."""

    name: str

    def map_files(self, jobs: Sequence[FileJob], preload: Preload) -> Generator[Any, None, None]:
        """`read_and_parse` of each job, in order (closing it stops the work left); `preload`
        is started once the workers run."""
        ...


class RayExecutor:
    """Reads and parses files as Ray tasks; the caller stores the results in order.

    Each file's bytes are sent with its task (Ray's object store), so the cluster's nodes need no
    shared file system; a task writes them to a temporary file of the same name and reads that. A
    task whose worker dies (a crash in a parser, the OOM killer, a lost node) is run again by Ray,
    up to `RAY_ATTEMPTS` times in all; after that the file is skipped with the reason, like any
    bad file. Files too large to read are rejected here, without being sent.

    Used as a context manager: it connects to the cluster at `address` (`ray.init(address=...)`),
    or without one starts a local Ray instance of `num_cpus` CPUs and shuts it down at the end.
    """

    name = "ray"

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: int = 2,
        read_fn: ReadFn | None = None,
        make_embedder: EmbedderFactory | None = None,
    ) -> None:
        self.address = address
        self.num_cpus = num_cpus
        self.read_fn = read_fn
        self.make_embedder = make_embedder
        self._ray: Any = None
        self._task: Any = None
        self._started = False
        self._embed_pool: list[Any] = []
        self._embed_spec: str | None = None
        self._embed_gpus = 0
        self._embed_failed = False

    def __enter__(self) -> RayExecutor:
        self._ray = import_ray()
        ray = self._ray
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no phoning home from here
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            try:
                if self.address:
                    ray.init(address=self.address, **kwargs)
                else:
                    ray.init(num_cpus=self.num_cpus, **kwargs)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = f"klustret {self.address}" if self.address else "en lokal Ray-instans"
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise MinutesearchError(
                    f"Kunde inte ansluta till {where}: {first}", "Ray-fel"
                ) from exc
            self._started = True
        self._task = ray.remote(max_retries=RAY_ATTEMPTS - 1, num_cpus=1)(_read_shipped)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._ray is not None and self._ray.is_initialized():
            self.release_embedders()
        if self._started and self._ray is not None:
            self._ray.shutdown()
        self._started = False

    def cpus(self) -> int:
        """CPUs of the cluster (at least 1)."""
        return max(1, int(self._ray.cluster_resources().get("CPU", 1)))

    def map_files(self, jobs: Sequence[FileJob], preload: Preload) -> Generator[Any, None, None]:
        from .ingest import read_and_parse
        from .read import MAX_BYTES

        if self._task is None:
            raise RuntimeError("RayExecutor is used as a context manager")
        ray = self._ray
        self.release_embedders()  # their CPUs/GPUs are the readers' now
        read_fn = self.read_fn or read_and_parse
        preload.start()  # nothing is forked here: loading can start at once
        limit = RAY_IN_FLIGHT_PER_CPU * self.cpus()
        pending = deque(jobs)
        in_flight: deque[tuple[FileJob, Any]] = deque()
        try:
            while pending or in_flight:
                while pending and len(in_flight) < limit:
                    job = pending.popleft()
                    in_flight.append((job, self._submit(job, read_fn, MAX_BYTES)))
                job, ref = in_flight.popleft()
                if not isinstance(ref, ray.ObjectRef):
                    yield ref  # decided here: the file was not sent
                    continue
                yield self._result(job, ref)
        finally:
            for _, ref in in_flight:
                if isinstance(ref, ray.ObjectRef):
                    ray.cancel(ref, force=True)

    def annotate_batches(
        self, nlp: Any, batches: Sequence[list[Any]], common: set[str]
    ) -> Generator[list[list[Any]], None, None]:
        """NER of each batch of items (`entities.pipeline.mentions_of`), in order, by one Ray
        actor per cluster CPU holding the pipeline (sent once through the object store).

        The batches are the ones the local path uses, so the entities are the same. A dead actor
        is restarted and its batch run again (`RAY_ATTEMPTS` in all); a batch that still fails
        is annotated in this process.
        """
        from .entities.pipeline import mentions_of

        ray = self._ray
        if not batches:
            return
        self.release_embedders()  # their CPUs are the annotators' now
        annotator = ray.remote(
            num_cpus=1, max_restarts=RAY_ATTEMPTS - 1, max_task_retries=RAY_ATTEMPTS - 1
        )(_Annotator)
        # Pickled by us: Ray would hand numpy weights over read-only, which thinc cannot use.
        nlp_ref, common_ref = ray.put(pickle.dumps(nlp)), ray.put(common)
        actors = [
            annotator.remote(nlp_ref, common_ref) for _ in range(min(self.cpus(), len(batches)))
        ]
        limit = RAY_IN_FLIGHT_PER_CPU * len(actors)
        in_flight: deque[tuple[list[Any], Any]] = deque()
        submitted = 0
        try:
            while submitted < len(batches) or in_flight:
                while submitted < len(batches) and len(in_flight) < limit:
                    actor = actors[submitted % len(actors)]
                    batch = batches[submitted]
                    in_flight.append((batch, actor.mentions.remote(batch)))
                    submitted += 1
                batch, ref = in_flight.popleft()
                try:
                    yield ray.get(ref)
                except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError):
                    yield mentions_of(nlp, batch, common)  # its actor died RAY_ATTEMPTS times
        finally:
            for _, ref in in_flight:
                ray.cancel(ref)
            for actor in actors:
                ray.kill(actor)

    @property
    def embed_chunk(self) -> int:
        """Windows per `embed_passages` call: RAY_IN_FLIGHT_PER_CPU batches per actor, so every
        actor stays busy within a chunk while the caller (`build_semantic`) caches each chunk
        before asking for the next: a big ingest streams, and the driver holds one chunk's
        vectors beyond the cache."""
        gpus = int(self._ray.cluster_resources().get("GPU", 0)) if self._ray else 0
        size = EMBED_BATCH_GPU if gpus else EMBED_BATCH_CPU
        return size * (gpus or self.cpus()) * RAY_IN_FLIGHT_PER_CPU

    def embed_passages(
        self,
        spec: str,
        texts: Sequence[str],
        *,
        local: Embedder | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> Any:
        """Vectors of `texts` (a float32 matrix, rows in order) from embedder `spec`, computed by
        Ray actors: one per GPU (`num_gpus=1`, batches of EMBED_BATCH_GPU) where the cluster has
        GPUs, else one per CPU (batches of EMBED_BATCH_CPU). The actors load the embedder once
        and are kept for the next call, holding their CPU or GPU, until `release_embedders`.

        Faults: a dead actor is restarted by Ray and its batch run again (`RAY_ATTEMPTS` in
        all); a batch whose actor still dies is embedded here, by `local` (default: the
        embedder loaded in this process), and that actor is dropped. When Ray fails otherwise
        (the cluster lost, an actor that cannot load the model, every actor dead), this call and
        the rest of the run embed here, after one warning through `warn`.
        """
        import numpy as np

        if self._embed_failed or not texts:
            return _embed_here(spec, local, texts)
        ray = self._ray
        try:
            actors = self._embed_actors(spec)
            size = EMBED_BATCH_GPU if self._embed_gpus else EMBED_BATCH_CPU
            batches = [list(texts[i : i + size]) for i in range(0, len(texts), size)]
            refs = [
                (actors[n % len(actors)], actors[n % len(actors)].embed.remote(b))
                for n, b in enumerate(batches)
            ]
            out: list[Any] = []
            for batch, (actor, ref) in zip(batches, refs, strict=True):
                try:
                    out.append(ray.get(ref))
                except ray.exceptions.RayActorError as exc:  # died RAY_ATTEMPTS times
                    out.append(_embed_here(spec, local, batch))
                    self._drop_embed_actor(actor)
                    if not self._embed_pool:
                        self._give_up_embedding(f"varje aktör dog: {_first_line(exc)}", warn)
            return np.vstack(out).astype(np.float32, copy=False)
        except (ray.exceptions.RayError, ConnectionError) as exc:
            self._give_up_embedding(_first_line(exc), warn)
            return _embed_here(spec, local, texts)

    def _give_up_embedding(self, why: str, warn: Callable[[str], None] | None) -> None:
        """Embed in this process from now on (the embedding cache is the caller's: no vector
        already computed is lost), and say so once."""
        if self._embed_failed:
            return
        self._embed_failed = True
        self.release_embedders()
        if warn is not None:
            warn(f"Inbäddningen på Ray misslyckades ({why}); resten bäddades in lokalt.")

    def _embed_actors(self, spec: str) -> list[Any]:
        """The embedding actors of `spec`, started on first use (those of another spec are
        ended: one model at a time holds the cluster's GPUs)."""
        if self._embed_spec == spec and self._embed_pool:
            return self._embed_pool
        self.release_embedders()
        ray = self._ray
        gpus = int(ray.cluster_resources().get("GPU", 0))
        options: dict[str, Any] = {"num_gpus": 1} if gpus else {"num_cpus": 1}
        actor_cls = ray.remote(
            max_restarts=RAY_ATTEMPTS - 1, max_task_retries=RAY_ATTEMPTS - 1, **options
        )(_EmbedActor)
        self._embed_gpus = gpus
        self._embed_spec = spec
        self._embed_pool = [
            actor_cls.remote(spec, self.make_embedder) for _ in range(gpus or self.cpus())
        ]
        return self._embed_pool

    def _drop_embed_actor(self, actor: Any) -> None:
        if actor in self._embed_pool:
            self._embed_pool.remove(actor)
            self._kill(actor)

    def release_embedders(self) -> None:
        """End the embedding actors (they hold a CPU or GPU each until then); the next
        `embed_passages` starts new ones. Done by `map_files`, `annotate_batches` and at exit."""
        for actor in self._embed_pool:
            self._kill(actor)
        self._embed_pool = []
        self._embed_spec = None

    def _kill(self, actor: Any) -> None:
        with contextlib.suppress(Exception):  # gone with its node or the cluster: nothing to free
            self._ray.kill(actor)

    def _submit(self, job: FileJob, read_fn: ReadFn, max_bytes: int) -> Any:
        """A task reading `job`, or the outcome at once for a file that cannot be sent."""
        try:
            if job.path.stat().st_size > max_bytes:
                return read_fn(job.path, job.key)  # rejected by size without reading it
            data = job.path.read_bytes()
        except OSError:
            return read_fn(job.path, job.key)  # the reader words the reason
        return self._task.remote(job.path.name, data, job.key, read_fn)

    def _result(self, job: FileJob, ref: Any) -> Any:
        from .ingest import FileOutcome, _internal_error

        ray = self._ray
        try:
            return ray.get(ref)
        except (ray.exceptions.WorkerCrashedError, ray.exceptions.NodeDiedError) as exc:
            return FileOutcome(
                job.key,
                "skipped",
                reason=f"reading it crashed the Ray worker {RAY_ATTEMPTS} times"
                f" ({type(exc).__name__})",
            )
        except ray.exceptions.RayError as exc:
            cause = getattr(exc, "cause", None)
            return _internal_error(job.key, cause if isinstance(cause, Exception) else exc)


class _Annotator:
    """A Ray actor holding an NER pipeline and the corpus' common words (see `annotate`)."""

    def __init__(self, nlp_pickled: bytes, common: set[str]) -> None:
        from .entities.pipeline import _load_name_lists

        _load_name_lists()
        self.nlp, self.common = pickle.loads(nlp_pickled), common

    def mentions(self, batch: list[Any]) -> list[list[Any]]:
        from .entities.pipeline import mentions_of

        return mentions_of(self.nlp, batch, self.common)


class _EmbedActor:
    """A Ray actor holding one embedder (`index.embedders.get_embedder(spec)`)."""

    def __init__(self, spec: str, make: EmbedderFactory | None = None) -> None:
        from .index.embedders import get_embedder

        self.embedder = (make or get_embedder)(spec)

    def embed(self, texts: list[str]) -> Any:
        return self.embedder.embed_passages(texts)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200] or type(exc).__name__


def _embed_here(spec: str, embedder: Embedder | None, texts: Sequence[str]) -> Any:
    """`texts` embedded in this process, by `embedder` or the one `spec` names."""
    from .index.embedders import get_embedder

    return (embedder or get_embedder(spec)).embed_passages(list(texts))


def _read_shipped(name: str, data: bytes, key: str, read_fn: ReadFn) -> Any:
    """In a Ray worker: write the file's bytes under its own name, then read and parse it."""
    with tempfile.TemporaryDirectory(prefix="minutesearch-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return read_fn(path, key)


def import_ray() -> Any:
    """The `ray` module, or a clear error naming the extra that installs it."""
    try:
        import ray
    except ImportError as exc:
        raise MinutesearchError(
            f"--executor ray behöver Ray, som inte är installerat: {INSTALL_HINT}",
            "Ray saknas",
        ) from exc
    return ray
