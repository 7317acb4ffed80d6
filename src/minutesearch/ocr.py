"""OCR of scanned PDF pages: poppler's `pdftoppm` rasterises a page, Tesseract reads it in Swedish.

Only pages without a text layer are read this way (read.py decides which). Both programs run as
subprocesses with a time limit per page and a memory limit, so a hostile or huge page costs at
most OCR_PAGE_SECONDS and never takes ingest down: a page that fails is reported, not raised.

Progress: ingest calls `track_progress()` before it forks its readers; every page read (in any
process) is then counted in shared memory, and `poll_progress()` in the ingest process reports
"ocr done/total" on the progress bar.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANG = "swe"
"""Tesseract's Swedish model (Debian: tesseract-ocr-swe)."""
LONG_SIDE_PX = 3508
"""Pixels on a page's long side when rasterised: A4 at 300 dpi (200 dpi fuses '§ 59' to '859')."""
OCR_PAGE_SECONDS = 90.0
"""At most this long per page, rasterising and reading together; the page is skipped after."""
MAX_OCR_PAGES = 300
"""Scanned pages read per document; the rest are reported as skipped."""
MEMORY_LIMIT_BYTES = 2 * 1024 * 1024 * 1024
"""Address-space limit of each pdftoppm/tesseract run."""
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-swe poppler-utils"
NEEDS_OCR = "needs OCR"
"""Every reason or warning about pages that could not be read without OCR contains this."""


@dataclass
class OcrOutcome:
    """The text read from each page (1-based page number -> text) and what went wrong."""

    pages: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


@functools.cache
def missing() -> str | None:
    """Why OCR cannot run here (a sentence naming what to install), or None when it can."""
    if turned_off():
        return "OCR is turned off (MINUTESEARCH_OCR=0)"
    tesseract, pdftoppm = shutil.which("tesseract"), shutil.which("pdftoppm")
    if tesseract is None or pdftoppm is None:
        absent = " and ".join(
            n for n, p in (("tesseract", tesseract), ("pdftoppm", pdftoppm)) if p is None
        )
        return f"{absent} not installed (install: {INSTALL_HINT})"
    try:
        langs = subprocess.run(
            [tesseract, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"tesseract does not run ({exc}); reinstall: {INSTALL_HINT}"
    if LANG not in (langs.stdout + langs.stderr).split():
        return f"Tesseract's Swedish model is not installed (install: {INSTALL_HINT})"
    return None


def turned_off() -> bool:
    """MINUTESEARCH_OCR=0 turns OCR off (scanned pages are then skipped as without Tesseract)."""
    return os.environ.get("MINUTESEARCH_OCR", "").strip().lower() in ("0", "off", "no", "false")


def available() -> bool:
    return missing() is None


def ocr_pdf_pages(path: Path, page_numbers: list[int]) -> OcrOutcome:
    """OCR the given pages (1-based) of the PDF at `path`; never raises for a bad page."""
    out = OcrOutcome()
    reason = missing()
    if reason is not None:
        out.warnings.append(f"{len(page_numbers)} scanned pages not read ({NEEDS_OCR}: {reason})")
        return out
    todo = page_numbers[:MAX_OCR_PAGES]
    if len(page_numbers) > len(todo):
        out.warnings.append(
            f"{len(page_numbers) - len(todo)} scanned pages not read"
            f" (OCR reads at most {MAX_OCR_PAGES} pages per document)"
        )
    _count(total=len(todo))
    with tempfile.TemporaryDirectory(prefix="minutesearch-ocr-") as tmp:
        for number in todo:
            try:
                out.pages[number] = ocr_page(path, number, Path(tmp))
            except OcrError as exc:
                out.warnings.append(f"page {number}: OCR failed ({exc})")
            finally:
                _count(done=1)
    return out


class OcrError(Exception):
    """One page could not be OCR'd (timeout, a crash of pdftoppm/tesseract, no image)."""


def ocr_page(path: Path, number: int, tmp: Path) -> str:
    """The text Tesseract reads on page `number` of `path`, within OCR_PAGE_SECONDS."""
    deadline = OCR_PAGE_SECONDS
    stem = tmp / f"p{number}"
    started = _now()
    _run(
        [
            "pdftoppm",
            "-f",
            str(number),
            "-l",
            str(number),
            "-singlefile",
            "-gray",
            "-scale-to",
            str(LONG_SIDE_PX),
            "-png",
            str(path),
            str(stem),
        ],
        deadline,
        "pdftoppm",
    )
    image = stem.with_suffix(".png")
    if not image.is_file():
        raise OcrError("pdftoppm made no image")
    try:
        left = deadline - (_now() - started)
        if left <= 1:
            raise OcrError(f"over {OCR_PAGE_SECONDS:.0f} s")
        result = _run(["tesseract", str(image), "stdout", "-l", LANG], left, "tesseract")
    finally:
        image.unlink(missing_ok=True)
    return result.decode("utf-8", errors="replace")


def _now() -> float:
    import time

    return time.monotonic()


def _limit_memory() -> None:  # runs in the child between fork and exec
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    except (ImportError, ValueError, OSError):
        pass


def _run(cmd: list[str], timeout: float, name: str) -> bytes:
    # One thread per Tesseract: ingest already reads files in parallel processes.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
            preexec_fn=_limit_memory if os.name == "posix" else None,  # noqa: PLW1509
        )
    except subprocess.TimeoutExpired as exc:
        raise OcrError(f"{name} took over {timeout:.0f} s") from exc
    except OSError as exc:
        raise OcrError(f"{name} could not run: {exc.strerror or exc}") from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", errors="replace").strip().splitlines()
        detail = err[-1][:120] if err else f"exit status {proc.returncode}"
        raise OcrError(f"{name}: {detail}")
    return proc.stdout


# -- progress across reader processes ---------------------------------------------------------

_shared: Any = None  # a multiprocessing Array('i', [done, total]) while ingest tracks progress
_reporter: Callable[[int, int], None] | None = None
_owner = 0
_last: tuple[int, int] = (0, 0)


def track_progress(report: Callable[[int, int], None]) -> None:
    """Count OCR'd pages from here on, in this process and in processes forked from it."""
    global _shared, _reporter, _owner, _last
    import multiprocessing

    from .parallel import fork_context

    ctx = fork_context() or multiprocessing.get_context()
    _shared = ctx.Array("i", [0, 0])  # type: ignore[attr-defined]
    _reporter, _owner, _last = report, os.getpid(), (0, 0)


def stop_tracking() -> None:
    global _shared, _reporter
    poll_progress()
    _shared, _reporter = None, None


def poll_progress() -> None:
    """Report (done, total) pages when they changed; only in the process that started tracking."""
    global _last
    if _shared is None or _reporter is None or os.getpid() != _owner:
        return
    now = (int(_shared[0]), int(_shared[1]))
    if now != _last and now[1]:
        _last = now
        _reporter(*now)


def _count(*, done: int = 0, total: int = 0) -> None:
    if _shared is None:
        return
    with _shared.get_lock():
        _shared[0] += done
        _shared[1] += total
    poll_progress()  # in-process reading reports at once; workers leave it to the parent
