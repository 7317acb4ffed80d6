"""Worker processes for ingest: how many to use, and pools whose workers die with their parent.

Ingest uses processes (not threads) because reading PDFs and running spaCy hold the GIL. Workers
are forked, so what the parent has loaded (the NER pipeline, the name lists) is shared without
pickling or loading it again. Workers never open the store; only the parent writes to it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from .config import Settings

J = TypeVar("J")
R = TypeVar("R")

MAX_AUTO_WORKERS = 4
"""`workers = 0` means one process per CPU core, but never more than this."""

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def cpu_count() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def fork_context() -> BaseContext | None:
    """The "fork" multiprocessing context, or None where the OS has no fork (Windows)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def effective_workers(settings: Settings | int) -> int:
    """Processes to use for a `workers` setting: 0 = one per core (at most 4); 1 = in-process.

    Without fork (where workers could not share the loaded pipeline) the answer is always 1.
    """
    requested = settings.workers if isinstance(settings, Settings) else settings
    if fork_context() is None:
        return 1
    if requested <= 0:
        return max(1, min(cpu_count(), MAX_AUTO_WORKERS))
    return requested


def die_with_parent(parent: int) -> None:
    """Make this (forked) process end when `parent` dies, even by SIGKILL; ignore Ctrl-C.

    Linux delivers SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); elsewhere a daemon
    thread notices the parent is gone within a second. Ctrl-C reaches the whole process group:
    the parent alone handles it, and shuts its pool down.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not _set_parent_death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was set up
        os._exit(1)


def _set_parent_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where that is unavailable."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _init_worker(
    parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def process_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor | None:
    """A fork-context pool of `workers` processes that die with this one; None without fork or
    when the pool cannot be created (callers then do the work in-process).

    With fork the initializer and its arguments are inherited, not pickled: a loaded spaCy
    pipeline can be passed as it is.
    """
    ctx = fork_context()
    if ctx is None:
        return None
    try:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(os.getpid(), initializer, initargs),
        )
    except (OSError, ValueError):
        return None


def exit_reason(exitcode: int | None) -> str:
    """How a worker process ended, in words: "killed by SIGKILL", "exit status 3"."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


class Preload:
    """Loading for later stages, done in a thread of this process while workers read files.

    While forked workers read, this process mostly waits; a stage's `prepare(settings)` (loading
    spaCy, importing scikit-learn) can use that time instead of running alone afterwards. Forking
    while a thread imports could leave a child holding a lock it never gets back, so the thread
    starts only after the readers are forked, and `wait()` must be called before forking again.
    A preparation that fails is ignored: the stage reports the problem when it runs.
    """

    def __init__(self, jobs: list[Callable[[], object]]) -> None:
        self.jobs = jobs
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the jobs once, in a daemon thread (nothing happens without jobs)."""
        if self.jobs and self.thread is None:
            self.thread = threading.Thread(target=self._run, name="minutesearch-preload")
            self.thread.daemon = True
            self.thread.start()

    def wait(self) -> None:
        """Return when the jobs (if started) are done."""
        if self.thread is not None:
            self.thread.join()

    def _run(self) -> None:
        for job in self.jobs:
            with contextlib.suppress(Exception):  # the stage meets the same problem, and says so
                job()


def _future_result(job: object, future: Future[R]) -> R:
    return future.result()


def map_surviving_crashes(
    jobs: Sequence[J],
    work: Callable[[J], R],
    *,
    start_pool: Callable[[], ProcessPoolExecutor | None],
    max_in_flight: int,
    in_process: Callable[[J], R],
    recover: Callable[[J], R],
    restart: bool,
    result: Callable[[J, Future[R]], R] = _future_result,
    poll: Callable[[], None] | None = None,
    on_submit: Callable[[], None] | None = None,
    before_fork: Callable[[], None] | None = None,
) -> Generator[R, None, None]:
    """`work(job)` of each job, in order, computed in a pool from `start_pool()`; the one loop by
    which ingest and the entity stage survive a worker that dies (a crash, the OOM killer).

    At most `max_in_flight` jobs are submitted ahead. Without a pool (`start_pool()` gives None,
    or no submit succeeds with nothing in flight to report the break) a job is done by
    `in_process(job)`. When the pool breaks, the jobs that were in flight keep their finished
    results and the others are done by `recover(job)` (for ingest: alone in a process of its own,
    so only the job that kills its process is lost); then, with `restart`, a fresh pool takes the
    rest, else the rest are done in-process. `result` turns a finished future into the job's
    result (BrokenProcessPool must pass through); `poll` runs every 0.5 s while waiting;
    `on_submit` after each submit (the first one forks the workers); `before_fork` before a
    recovery or a fresh pool may fork again.
    """
    pending = deque(jobs)
    in_flight: deque[tuple[J, Future[R]]] = deque()
    pool = start_pool()
    try:
        while pending or in_flight:
            while pool is not None and pending and len(in_flight) < max_in_flight:
                try:
                    future = pool.submit(work, pending[0])
                except (BrokenProcessPool, RuntimeError, OSError):
                    if not in_flight:  # nothing will report the break: work in this process
                        pool.shutdown(wait=True, cancel_futures=True)
                        pool = None
                    break
                in_flight.append((pending.popleft(), future))
                if on_submit is not None:
                    on_submit()
            if not in_flight:
                yield in_process(pending.popleft())
                continue
            job, future = in_flight[0]
            if poll is not None:
                while not wait([future], timeout=0.5).done:
                    poll()
            try:
                done = result(job, future)
            except BrokenProcessPool:
                if pool is not None:
                    pool.shutdown(wait=True, cancel_futures=True)
                if before_fork is not None:
                    before_fork()
                for lost_job, lost in list(in_flight):
                    if lost.done() and not lost.cancelled() and lost.exception() is None:
                        yield lost.result()
                    else:
                        yield recover(lost_job)
                in_flight.clear()
                pool = start_pool() if restart else None
                continue
            in_flight.popleft()
            yield done
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
