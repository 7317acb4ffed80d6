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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext
from typing import Any

from .config import Settings

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
