"""PDF / DOCX / text -> clean text, one visual line per line, page furniture removed.

Every failure is a ReadError "PATH: reason"; ingest shows the reason. Hostile files (PDF bombs,
junk named .pdf, zips posing as .docx) fail alone within bounded time and memory.
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReadError
from .furniture import (
    collapse_blank_lines,
    collapse_double_spacing,
    join_pages,
    strip_page_furniture,
    strip_text_furniture,
)
from .textutil import normalize_chars, strip_markup

if TYPE_CHECKING:  # pypdf and python-docx load only when a PDF or DOCX is read
    from docx.table import _Row
    from pypdf import PdfReader

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")
MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 2000
MAX_CHARS = 20_000_000
MAX_SECONDS = 60.0  # a PDF whose text takes longer than this to extract is treated as hostile
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # the unzipped size a .docx may claim (zip bombs)


@dataclass
class ReadResult:
    """The text of one document and what the reader noticed on the way."""

    text: str
    pages: int = 0
    warnings: list[str] = field(default_factory=list)


def read_document(path: Path) -> ReadResult:
    """Read one file; raise ReadError naming the reason when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            mb = 1024 * 1024
            raise ReadError(f"{path}: too large ({size // mb} MB > {MAX_BYTES // mb} MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise ReadError(f"{path}: empty file")
    if suffix == ".pdf":
        result = clean_pdf_pages(path, extract_pdf_pages(path, raw))
    elif suffix == ".docx":
        result = _read_docx(path, raw)
    else:
        result = _read_txt(path, raw)
    if not result.text.strip():
        raise ReadError(f"{path}: no text in the document")
    return result


def _clean(text: str) -> str:
    """Odd characters and markup removed; spaces trimmed at line ends (leading tabs are columns)."""
    text = strip_markup(normalize_chars(text))
    return "\n".join(line.rstrip().lstrip(" ") for line in text.split("\n"))


def _garbled(text: str, min_letters: float = 0.4) -> bool:
    """Binary or mis-decoded content: NUL bytes, control characters, or too few letters."""
    if "\x00" in text:
        return True
    sample = text[:200_000]
    visible = [c for c in sample if not c.isspace()]
    if not visible:
        return False
    controls = sum(1 for c in visible if unicodedata.category(c) in ("Cc", "Co", "Cs"))
    replaced = sample.count("\ufffd")
    letters = sum(1 for c in visible if c.isalpha())
    return (controls + replaced) > 0.01 * len(visible) or letters < min_letters * len(visible)


_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _decode(raw: bytes) -> tuple[str, str | None]:
    """Text and a warning about its encoding (None for clean UTF-8 or UTF-16 with a BOM)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    high = sum(1 for b in raw if b >= 0x80)
    in_utf8 = sum(len(m) for m in _UTF8_SEQ.findall(raw))
    if in_utf8 >= 0.8 * high:
        # Mostly valid UTF-8 with a few broken bytes (a bad copy-paste): cp1252 would turn every
        # å/ä/ö into mojibake, so the few bad bytes are replaced instead.
        text = raw.decode("utf-8-sig", errors="replace")
        bad = high - in_utf8
        return text, f"replaced {bad} invalid UTF-8 byte{'s' if bad != 1 else ''}"
    try:
        return raw.decode("cp1252"), "decoded as cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps them to control characters instead,
        # which the garble check then counts.
        return raw.decode("latin-1"), "decoded as latin-1"


def _read_txt(path: Path, raw: bytes) -> ReadResult:
    text, note = _decode(raw)
    if _garbled(text):
        raise ReadError(f"{path}: binary or garbled content")
    warnings = [note] if note else []
    if "\f" in text:  # form feeds mark pages: the PDF page logic applies
        pages = [_clean(p) for p in text.split("\f")]
        text = join_pages(strip_page_furniture(pages))
        n_pages = len(pages)
    else:
        text, n_pages = collapse_double_spacing(_clean(text)), 0
    return ReadResult(collapse_blank_lines(strip_text_furniture(text)), n_pages, warnings)


def extract_pdf_pages(path: Path, raw: bytes) -> list[str]:
    """The raw text layer of each page of a PDF (the bytes of `path`), within bounds."""
    import pypdf

    # pypdf logs every oddity of a damaged file as a warning; the reader reports what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if b"%PDF-" not in raw[:1024]:
        raise ReadError(f"{path}: not a valid PDF (no PDF header)")
    started = time.monotonic()
    pages: list[str] = []
    total = 0
    try:
        reader = pypdf.PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise ReadError(f"{path}: not a valid PDF (encrypted, needs a password)")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise ReadError(f"{path}: too many pages ({count} > {MAX_PAGES})")
        for page in reader.pages:
            text = page.extract_text() or ""
            total += len(text)
            if total > MAX_CHARS:
                raise ReadError(
                    f"{path}: too much text (over {MAX_CHARS // 1_000_000} M characters)"
                )
            if time.monotonic() - started > MAX_SECONDS:
                raise ReadError(f"{path}: took too long to read (over {MAX_SECONDS:.0f} s)")
            pages.append(text)
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError(f"{path}: too large to read (out of memory)") from exc
    except pypdf.errors.LimitReachedError as exc:  # pypdf's own bounds stop decompression bombs
        raise ReadError(f"{path}: not a valid PDF (over safety limits: {exc})") from exc
    except Exception as exc:  # pypdf raises many types (and bare ones from its internals) on junk
        raise ReadError(f"{path}: not a valid PDF ({_short(exc)})") from exc
    return pages


def clean_pdf_pages(path: Path, pages: list[str]) -> ReadResult:
    """The text of a PDF from its raw pages: characters cleaned, page furniture removed."""
    if not any(p.strip() for p in pages):
        raise ReadError(f"{path}: no text layer (needs OCR)")
    cleaned = [_clean(p) for p in pages]
    if _garbled("\n".join(cleaned), min_letters=0.25):  # tables of figures are still text
        raise ReadError(f"{path}: garbled text layer (needs OCR)")
    warnings = []
    empty = sum(1 for p in cleaned if not p.strip())
    if empty:
        warnings.append(f"{empty} of {len(pages)} pages have no text layer")
    body = join_pages(strip_page_furniture(cleaned))
    return ReadResult(collapse_blank_lines(strip_text_furniture(body)), len(pages), warnings)


def _decrypt(reader: PdfReader) -> bool:
    """Open a PDF encrypted with an empty user password (common for 'no copying' PDFs)."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # missing crypto backend or an unsupported scheme: treat as locked
        return False


def _short(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {msg[:80]}" if msg else name


def _read_docx(path: Path, raw: bytes) -> ReadResult:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            names = set(zf.namelist())
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReadError(f"{path}: not a valid DOCX (not a zip file)") from exc
    if "word/document.xml" not in names:
        raise ReadError(f"{path}: not a valid DOCX (a zip without word/document.xml)")
    if unpacked > MAX_DOCX_UNPACKED:
        raise ReadError(f"{path}: not a valid DOCX (unpacks to {unpacked // (1024 * 1024)} MB)")
    try:
        import docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(raw))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.append("")
                lines += [_row_text(row) for row in block.rows]
                lines.append("")
            else:
                lines.append(block.text)
    except MemoryError as exc:
        raise ReadError(f"{path}: too large to read (out of memory)") from exc
    except Exception as exc:  # python-docx and lxml raise assorted errors on damaged parts
        raise ReadError(f"{path}: not a valid DOCX ({_short(exc)})") from exc
    text = _clean("\n".join(lines))
    return ReadResult(collapse_blank_lines(strip_text_furniture(text)), 0, [])


def _row_text(row: _Row) -> str:
    """A table row as one line, cells joined by tabs; merged cells appear once."""
    cells: list[str] = []
    last = None
    for cell in row.cells:
        if cell._tc is last:  # merged cells repeat the same element
            continue
        last = cell._tc
        cells.append(" ".join(cell.text.split()))
    return "\t".join(cells).rstrip("\t")
