"""read -> parse -> store -> stages (entities, topics, indexes, analysis); incremental by hash.

New and changed files are read and parsed in worker processes (`Settings.workers`); this process
alone writes to the store, in file order, so the result does not depend on the number of workers.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path

from . import ocr
from .atomic import swap_into_place
from .config import Settings
from .errors import MinutesearchError, ReadError, StoreError
from .executors import FileExecutor, FileJob
from .locations import PROJECT_ROOT, store_path
from .model import Document
from .parallel import (
    Preload,
    die_with_parent,
    effective_workers,
    exit_reason,
    fork_context,
    map_surviving_crashes,
    process_pool,
)
from .parse import parse_document
from .read import SUPPORTED_SUFFIXES, is_folder_note, read_document
from .stages import FunctionStage, ProgressFn, StageContext, StageFn, _no_progress, as_stage
from .stages import Stage as Stage  # re-exported: callers pass and annotate stage lists
from .store import Store

LOCK_FILE = "ingest.lock"
READ_AHEAD = 16
"""Files in flight per reader process: enough that one slow PDF does not leave the others idle."""


@dataclass
class FileOutcome:
    """What happened to one file: new, changed, unchanged, removed or skipped (with reason)."""

    source: str
    status: str
    doc_id: str | None = None
    items: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """The summary `minutesearch ingest` prints."""

    files: list[FileOutcome] = field(default_factory=list)
    stage_warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def skipped(self) -> list[FileOutcome]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def warnings(self) -> list[str]:
        out = [f"{f.source}: {w}" for f in self.files for w in f.warnings]
        return out + self.stage_warnings


def source_key(path: Path) -> str:
    """A stable key for a file: relative to the project when inside it, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """Files to ingest under the given paths (sorted), and outcomes for paths that are unusable."""
    found: list[Path] = []
    bad: list[FileOutcome] = []
    for p in paths:
        if p.is_dir():
            found += sorted(
                f
                for f in p.rglob("*")
                if f.is_file()
                and f.suffix.lower() in SUPPORTED_SUFFIXES
                and not f.name.startswith(".")
                and not is_folder_note(f)
            )
        elif p.is_file():
            found.append(p)
        else:
            bad.append(FileOutcome(str(p), "skipped", reason="no such file or directory"))
    return found, bad


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_stages() -> list[Stage]:
    """The stages after store, in order. Imported here so each stage loads its heavy deps lazily."""
    from .analysis.pipeline import analyse
    from .entities.pipeline import annotate
    from .index.fulltext import build_fulltext
    from .index.semantic import build_semantic
    from .topics import build_topics

    return [annotate, build_topics, analyse, build_fulltext, build_semantic]


def ingest(
    paths: Iterable[Path],
    settings: Settings,
    *,
    rebuild: bool = False,
    progress: ProgressFn = _no_progress,
    stages: Sequence[Stage | StageFn] | None = None,
    executor: FileExecutor | None = None,
) -> IngestReport:
    """Ingest files into the store under settings.index_dir; never damages what was stored.

    One ingest at a time per index folder (StoreError for a second one); readers never wait.
    `executor` is where new and changed files are read and parsed (default: this machine's worker
    processes, `LocalExecutor`); the store is written here, in file order, whichever it is.
    """
    paths = list(paths)
    with ingest_lock(settings.index_dir):
        if rebuild:
            return _rebuild(paths, settings, progress, stages, executor)
        return _ingest(paths, settings, progress, stages, executor)


class LocalExecutor:
    """Files read and parsed by `workers` forked processes of this machine, or in-process."""

    name = "local"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def map_files(
        self, jobs: Sequence[FileJob], preload: Preload
    ) -> Generator[Document | FileOutcome, None, None]:
        if self.workers > 1 and len(jobs) > 1:
            return read_in_workers(jobs, self.workers, preload)
        return (read_and_parse(job.path, job.key) for job in jobs)


@contextmanager
def ingest_lock(idx_dir: Path) -> Iterator[None]:
    """Hold `idx_dir/ingest.lock` (flock: released by the OS even when the process is killed)."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the store's own transactions still protect it
        yield
        return
    idx_dir.mkdir(parents=True, exist_ok=True)
    with open(idx_dir / LOCK_FILE, "a+b") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise StoreError(
                f"Ett annat `minutesearch ingest` skriver redan till {idx_dir}; vänta tills det"
                " är klart och kör sedan igen.",
                "Ingest pågår",
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _ingest(
    paths: list[Path],
    settings: Settings,
    progress: ProgressFn,
    stages: Sequence[Stage | StageFn] | None,
    executor: FileExecutor | None,
) -> IngestReport:
    report = IngestReport()
    files, bad = discover(paths)
    report.files += bad
    with Store.open(settings.index_dir) as store:
        known = store.source_hashes()
        changed: set[str] = set()
        to_run = [as_stage(s) for s in (stages if stages is not None else default_stages())]
        preload = Preload([partial(s.prepare, settings) for s in to_run if _prepares(s)])
        executor = executor or LocalExecutor(effective_workers(settings))
        # Scanned pages are counted from every reader process; the bar shows "ocr done/total".
        ocr.track_progress(partial(progress, "ocr"))
        try:
            for outcome in _store_files(store, files, known, executor, progress, preload):
                report.files.append(outcome)
                if outcome.status in ("new", "changed") and outcome.doc_id:
                    changed.add(outcome.doc_id)
        finally:
            ocr.stop_tracking()
        preload.wait()
        removed = _remove_vanished(store, paths, {source_key(f) for f in files}, known)
        report.files += [FileOutcome(s, "removed") for s in removed]
        store.relink(changed)  # the dates of the stored documents, not the whole store
        ctx = StageContext(
            store=store,
            settings=settings,
            changed_docs=changed,
            removed_docs=set(removed),
            rebuild=False,  # a --rebuild ingests into a fresh folder: nothing to redo
            progress=progress,
            executor=executor,
        )
        for stage in to_run:
            if not changed and not removed and stage.is_current(ctx):
                continue
            stage.run(ctx)
        report.stage_warnings = ctx.warnings + _ocr_notice(report.files)
        report.counts = store.counts()
    return report


def _ocr_notice(files: list[FileOutcome]) -> list[str]:
    """Once per run, when scanned pages went unread for want of OCR: how to install it."""
    unread = [
        f
        for f in files
        if ocr.NEEDS_OCR in (f.reason or "") or any(ocr.NEEDS_OCR in w for w in f.warnings)
    ]
    reason = ocr.missing() if unread else None
    if reason is None:
        return []
    n = len(unread)
    what = f"{n} {'fil' if n == 1 else 'filer'} har skannade sidor utan textlager som inte lästes"
    if ocr.turned_off():
        return [f"{what}: OCR är avstängt (MINUTESEARCH_OCR=0)."]
    return [
        f"{what} ({reason.split(' (')[0]}). Installera OCR (Tesseract med svensk modell) och kör"
        f" ingest igen: sudo {ocr.INSTALL_HINT}"
    ]


def _prepares(stage: Stage) -> bool:
    """Whether a stage has loading to do ahead (a `FunctionStage` without `prepare_fn` has none)."""
    return not (isinstance(stage, FunctionStage) and stage.prepare_fn is None)


@dataclass(frozen=True)
class _ToRead(FileJob):
    """A file whose content is new or changed: it is read, parsed and stored."""

    digest: str


def _check_file(path: Path, known: dict[str, str]) -> FileOutcome | _ToRead:
    """Hash one file: an outcome when it is unreadable or unchanged, else what to read."""
    key = source_key(path)
    try:
        digest = sha256_file(path)
    except OSError as exc:
        return FileOutcome(key, "skipped", reason=f"cannot read ({exc.strerror})")
    if known.get(key) == digest:
        return FileOutcome(key, "unchanged")
    return _ToRead(path, key, digest)


def read_and_parse(path: Path, key: str) -> Document | FileOutcome:
    """Read and parse one file; any failure is a skipped outcome with its reason.

    The same function runs in a worker process and in-process, so both give the same result.
    """
    try:
        result = read_document(path)
        doc = parse_document(result.text, key, ocr=bool(result.ocr_pages))
    except ReadError as exc:
        return FileOutcome(key, "skipped", reason=exc.msg.removeprefix(f"{path}: "))
    except MinutesearchError as exc:
        return FileOutcome(key, "skipped", reason=exc.msg)
    except Exception as exc:  # a parser bug must not end the whole run; it is reported per file
        return _internal_error(key, exc)
    doc.warnings = result.warnings + doc.warnings
    doc.ocr = bool(result.ocr_pages)
    doc.ocr_pages = list(result.ocr_pages)
    return doc


def _store_files(
    store: Store,
    files: list[Path],
    known: dict[str, str],
    executor: FileExecutor,
    progress: ProgressFn,
    preload: Preload,
) -> Iterator[FileOutcome]:
    """Outcomes of the files in order; new and changed ones are read by `executor`, then stored.

    Only this process writes to the store, one document per transaction in file order, so the
    store ends up the same whatever the executor and its number of workers. While workers read,
    `preload` runs.
    """
    checked = [_check_file(path, known) for path in files]
    to_read = [c for c in checked if isinstance(c, _ToRead)]
    parsed = executor.map_files(to_read, preload)
    with closing(parsed):
        for n, check in enumerate(checked):
            progress("read", n, len(files))
            yield _store_one(store, check, parsed, known) if isinstance(check, _ToRead) else check
    progress("read", len(files), len(files))


def _store_one(
    store: Store, todo: _ToRead, parsed: Iterator[Document | FileOutcome], known: dict[str, str]
) -> FileOutcome:
    """Store the next parsed document (the one of `todo`), or pass on why it was skipped."""
    doc = next(parsed)
    if isinstance(doc, FileOutcome):
        return doc
    doc_id = store.save_document(doc, todo.digest)
    status = "changed" if todo.key in known else "new"
    return FileOutcome(
        todo.key, status, doc_id=doc_id, items=len(doc.items), warnings=list(doc.warnings)
    )


def read_in_workers(
    to_read: Sequence[FileJob], workers: int, preload: Preload | None = None
) -> Generator[Document | FileOutcome, None, None]:
    """`read_and_parse` of each file, in order, computed by a pool of `workers` processes.

    At most READ_AHEAD files per worker are in flight, so memory stays bounded. When a worker
    dies (a crash in a parser, the OOM killer), the pool is broken: each file that was in flight
    and has no result is then read again alone in a process of its own, so the file that kills
    its process is skipped with that reason and the others are stored; a fresh pool reads the
    rest. Should no process start at all, the remaining files are read in this process.
    `preload` starts once the workers are forked, and is waited for before any later fork.
    """
    preload = preload or Preload([])
    yield from map_surviving_crashes(
        to_read,
        _read_job,
        start_pool=partial(process_pool, workers),
        max_in_flight=READ_AHEAD * workers,
        in_process=_read_job,
        recover=_read_alone,
        restart=True,
        result=_result,
        poll=ocr.poll_progress,  # a scanned PDF takes seconds a page: show it on the bar
        on_submit=preload.start,  # the first submit forked all the workers
        before_fork=preload.wait,  # no fork while the preload thread may hold an import lock
    )


def _read_job(todo: FileJob) -> Document | FileOutcome:
    """`read_and_parse` of one job (what a worker runs)."""
    return read_and_parse(todo.path, todo.key)


def _result(todo: FileJob, future: Future[Document | FileOutcome]) -> Document | FileOutcome:
    """The result of one worker's read; BrokenProcessPool passes through to the caller."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception as exc:  # e.g. a result that could not be sent back; reported per file
        return _internal_error(todo.key, exc)


def _internal_error(key: str, exc: Exception) -> FileOutcome:
    """A file skipped because of a bug, not because of the file: named so a user can report it."""
    return FileOutcome(key, "skipped", reason=f"internal error: {type(exc).__name__}: {exc}")


def _read_alone(todo: FileJob) -> Document | FileOutcome:
    """`read_and_parse` in a process of its own: if that process dies, the file is skipped."""
    ctx = fork_context()
    if ctx is None:
        return read_and_parse(todo.path, todo.key)
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(  # type: ignore[attr-defined]
        target=_read_alone_child, args=(os.getpid(), send, todo.path, todo.key), daemon=True
    )
    try:
        proc.start()
    except OSError:
        receive.close()
        send.close()
        return read_and_parse(todo.path, todo.key)
    send.close()
    try:
        result: Document | FileOutcome = receive.recv()
    except (EOFError, OSError, pickle.UnpicklingError):
        proc.join()
        return FileOutcome(
            todo.key,
            "skipped",
            reason=f"reading it crashed the worker process ({exit_reason(proc.exitcode)})",
        )
    finally:
        receive.close()
    proc.join()
    return result


def _read_alone_child(parent: int, send: Connection, path: Path, key: str) -> None:
    die_with_parent(parent)
    send.send(read_and_parse(path, key))
    send.close()


def _remove_vanished(
    store: Store, paths: list[Path], present: set[str], known: dict[str, str]
) -> list[str]:
    """Documents stored from an ingested folder whose file is gone are removed."""
    dirs = [source_key(p) for p in paths if p.is_dir()]
    gone = [
        s
        for s in known
        if s not in present and any(s == d or s.startswith(d.rstrip("/") + "/") for d in dirs)
    ]
    for s in gone:
        store.delete_source(s)
    return gone


def _rebuild(
    paths: list[Path],
    settings: Settings,
    progress: ProgressFn,
    stages: Sequence[Stage | StageFn] | None,
    executor: FileExecutor | None,
) -> IngestReport:
    """Build a fresh index beside the old one, then swap: the old one survives any failure."""
    target = settings.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".rebuild-", dir=target.parent))
    try:
        cache = target / "embeddings.sqlite"
        if cache.is_file():  # starting over must not mean embedding every unchanged text again
            shutil.copy2(cache, tmp / "embeddings.sqlite")
        fresh = Settings(**{**settings.__dict__, "index_dir": tmp})
        report = ingest(paths, fresh, progress=progress, stages=stages, executor=executor)
        if store_path(target).exists():
            from .analysis.watches import carry_over

            with Store.open(tmp) as new_store:
                carry_over(target, new_store)  # saved watches and what they have seen survive
        swap_into_place(tmp, target)
        return report
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
