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
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LANG = "swe"
"""Tesseract's Swedish model (Debian: tesseract-ocr-swe)."""
PAGE_SEGMENTATION = "4"
"""Tesseract --psm 4, one column of lines: a cover's "Beslutande  Anna Berg (S)" stays one line
(the default, automatic layout, reads the label column first and the names after it)."""
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
    started = _now()

    def left() -> float:
        remaining = OCR_PAGE_SECONDS - (_now() - started)
        if remaining <= 0.5:
            raise OcrError(f"over {OCR_PAGE_SECONDS:.0f} s")
        return remaining

    image = tmp / f"p{number}.png"
    _run(_pdftoppm(path, number, image), OCR_PAGE_SECONDS, "pdftoppm")
    if not image.is_file():
        raise OcrError("pdftoppm made no image")
    try:
        cmd = ["tesseract", str(image), "stdout", "-l", LANG, "--psm", PAGE_SEGMENTATION, "tsv"]
        tsv = _run(cmd, left(), "tesseract")
    finally:
        image.unlink(missing_ok=True)
    lines = _tsv_lines(tsv.decode("utf-8", errors="replace"))
    for line in [ln for ln in lines if _misread_sign(ln.words)][:MAX_SIGN_CHECKS]:
        try:
            _check_sign(path, number, line, tmp, left())
        except OcrError:
            break  # out of time for this page: the text stays as first read
    return _text(lines)


# -- "§" read again ---------------------------------------------------------------------------
# Tesseract's Swedish model often reads the section sign as "8", "3", "S" or "$" ("8 59", "859"); its
# English model reads it right. A line that starts like a misread "§ N" is cropped and read again
# by the English model as one line; the sign is restored only when that reading starts with "§"
# and gives the same number.

SIGN_LANG = "eng"
MAX_SIGN_CHECKS = 25  # second readings per page
_SIGNLIKE = re.compile(r"^[3589$S&§]{1,2}$")  # "8", "$", and "83" for a smudged "§"
_FUSED = re.compile(r"^[3589$S&§](\d{1,4}[a-zA-Z]?)[.:]?$")  # "859": sign and number as one word
# At a line's end only the commonest misreadings: figures in tables end lines too.
_FUSED_AT_END = re.compile(r"^[8$S&](\d{1,3}[a-zA-Z]?)[.:]?$")
_NUMBER = re.compile(r"^(\d{1,4}[a-zA-Z]?)[.:]?$")
_SECOND = re.compile(r"^§\s*(\d{1,4}[a-zA-Z]?)")
_SECOND_AT_END = re.compile(r"§\s*(\d{1,4}[a-zA-Z]?)[.:]?$")


@dataclass
class _Line:
    """One line Tesseract found: its words, its box on the page image, and its paragraph."""

    words: list[str]
    box: tuple[int, int, int, int]  # left, top, width, height in pixels
    para: tuple[int, int]  # (block, paragraph)


def _tsv_lines(tsv: str) -> list[_Line]:
    lines: dict[tuple[int, int, int], _Line] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or not cols[0].isdigit():
            continue
        level, block, par, line = (int(c) for c in (cols[0], cols[2], cols[3], cols[4]))
        key = (block, par, line)
        if level == 4:
            box = (int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]))
            lines[key] = _Line([], box, (block, par))
        elif level == 5 and key in lines and cols[11].strip():
            lines[key].words.append(cols[11].strip())
    return [ln for ln in lines.values() if ln.words]


def _text(lines: list[_Line]) -> str:
    """Lines in reading order; a blank line where a new block starts or the gap above a line is
    wider than a line (a paragraph break), not at every paragraph Tesseract guesses: it splits a
    list of names with ordinary line spacing into many."""
    heights = sorted(ln.box[3] for ln in lines)
    height = heights[len(heights) // 2] if heights else 0
    out: list[str] = []
    prev: _Line | None = None
    for line in lines:
        if prev is not None:
            gap = line.box[1] - (prev.box[1] + prev.box[3])
            if line.para[0] != prev.para[0] or gap > height:
                out.append("")
        out.append(" ".join(line.words))
        prev = line
    return "\n".join(out) + "\n"


def _misread_sign(words: list[str]) -> list[tuple[str, int, int]]:
    """Where a line may hold a misread "§ N": (number, first word, words spanned) candidates.

    At the start of a line ("8 59 Title", "859 2025.034 BMN", "83 30 ...") and glued to a number
    at its end ("Anna Ek (Ekonom) 825" for "§25" in an attendance list).
    """
    if not words:
        return []
    out: list[tuple[str, int, int]] = []
    if not words[0].startswith("§"):
        if len(words) > 1 and _SIGNLIKE.match(words[0]):
            number = _NUMBER.match(words[1])
            if number:
                out.append((number.group(1), 0, 2))
        fused = _FUSED.match(words[0])
        if fused:
            out.append((fused.group(1), 0, 1))
    if len(words) > 1:
        fused = _FUSED_AT_END.match(words[-1])
        if fused:
            out.append((fused.group(1), len(words) - 1, 1))
    return out


def _check_sign(path: Path, number: int, line: _Line, tmp: Path, timeout: float) -> None:
    """Read the line again with SIGN_LANG; restore "§ N" in `line.words` when both agree."""
    x, y, w, h = line.box
    pad = max(8, h // 3)
    crop = tmp / f"p{number}-line.png"
    box = [str(max(0, x - pad)), str(max(0, y - pad)), str(w + 2 * pad), str(h + 2 * pad)]
    cmd = _pdftoppm(path, number, crop)
    cmd[1:1] = ["-x", box[0], "-y", box[1], "-W", box[2], "-H", box[3]]
    _run(cmd, timeout, "pdftoppm")
    try:
        again = _run(
            ["tesseract", str(crop), "stdout", "-l", SIGN_LANG, "--psm", "7"], timeout, "tesseract"
        ).decode("utf-8", errors="replace")
    finally:
        crop.unlink(missing_ok=True)
    again = again.strip()
    head, tail = _SECOND.match(again), _SECOND_AT_END.search(again)
    for expected, at, span in reversed(_misread_sign(line.words)):  # the end first: indices hold
        second = head if at == 0 else tail
        if second and second.group(1).lower() == expected.lower():
            # The number as Tesseract wrote it ("12." stays "12.").
            written = line.words[at + 1] if span == 2 else line.words[at][1:]
            line.words[at : at + span] = ["§", written] if at == 0 else ["§" + written]
            if at == 0:
                return


def _pdftoppm(path: Path, number: int, image: Path) -> list[str]:
    """Rasterise one page, grey, LONG_SIDE_PX on its long side, to `image` (a .png path)."""
    page = str(number)
    return [
        "pdftoppm",
        "-f",
        page,
        "-l",
        page,
        "-singlefile",
        "-gray",
        "-scale-to",
        str(LONG_SIDE_PX),
        "-png",
        str(path),
        str(image.with_suffix("")),
    ]


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
