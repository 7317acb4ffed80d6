"""PDF / DOCX / HTML / Markdown / text -> clean text, one visual line per line, furniture removed.

Every failure is a ReadError "PATH: reason"; ingest shows the reason. Hostile files (PDF bombs,
junk named .pdf, zips posing as .docx) fail alone within bounded time and memory. PDF pages
without a text layer are read by OCR (ocr.py) when Tesseract is installed.
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
from typing import TYPE_CHECKING, Any

from . import ocr
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

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm", ".md")
MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 2000
MAX_CHARS = 20_000_000
MAX_SECONDS = 60.0  # a PDF whose text takes longer than this to extract is treated as hostile
MAX_DOCX_UNPACKED = 200 * 1024 * 1024  # the unzipped size a .docx may claim (zip bombs)
FOLDER_NOTES = frozenset(
    {"readme", "sources", "changelog", "license", "licence", "contributing", "notice", "authors"}
)
"""File names (without suffix) of a folder's notes about itself, skipped when a folder is walked."""
MAX_MARKUP_BYTES = 10 * 1024 * 1024  # HTML/Markdown: a protocol page is well under 2 MB
MIN_PAGE_LETTERS = 10  # a PDF page with fewer letters in its text layer has none (a scan)


@dataclass
class ReadResult:
    """The text of one document and what the reader noticed on the way."""

    text: str
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 1-based pages whose text OCR read


def is_folder_note(path: Path) -> bool:
    """README.md, SOURCES.md, LICENSE.txt…: documentation of an archive folder, not a document.

    Ingesting a folder skips them (with .md and .html now read, a folder's README would otherwise
    be stored as a document); naming one explicitly still reads it.
    """
    return path.stem.lower() in FOLDER_NOTES


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
        result = _read_pdf(path, raw)
    elif suffix == ".docx":
        result = _read_docx(path, raw)
    elif suffix in (".html", ".htm", ".md"):
        result = _read_markup(path, raw, markdown=suffix == ".md")
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
    return _extract_pdf(path, raw)[0]


def _extract_pdf(path: Path, raw: bytes) -> tuple[list[str], list[bool]]:
    """The text layer of each page, and whether the page draws anything (a scan may need OCR)."""
    import pypdf

    # pypdf logs every oddity of a damaged file as a warning; the reader reports what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if b"%PDF-" not in raw[:1024]:
        raise ReadError(f"{path}: not a valid PDF (no PDF header)")
    started = time.monotonic()
    pages: list[str] = []
    drawn: list[bool] = []
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
            drawn.append(_draws(page))
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError(f"{path}: too large to read (out of memory)") from exc
    except pypdf.errors.LimitReachedError as exc:  # pypdf's own bounds stop decompression bombs
        raise ReadError(f"{path}: not a valid PDF (over safety limits: {exc})") from exc
    except Exception as exc:  # pypdf raises many types (and bare ones from its internals) on junk
        raise ReadError(f"{path}: not a valid PDF ({_short(exc)})") from exc
    return pages, drawn


def _draws(page: object) -> bool:
    """A page with a content stream (an empty page from a blank-page tool has none)."""
    try:
        return page.get("/Contents") is not None  # type: ignore[attr-defined]
    except Exception:  # a damaged page dictionary: let OCR try
        return True


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalpha())


def _read_pdf(path: Path, raw: bytes) -> ReadResult:
    """The text layer of a PDF; pages without one (scans) are read by OCR where it is installed."""
    pages, drawn = _extract_pdf(path, raw)
    textless = [n for n, p in enumerate(pages, 1) if _letters(p) < MIN_PAGE_LETTERS]
    garbled = bool(pages) and _garbled("\n".join(_clean(p) for p in pages), min_letters=0.25)
    # A garbled text layer (fonts without a character map) is replaced by OCR page by page.
    scanned = [n for n in (range(1, len(pages) + 1) if garbled else textless) if drawn[n - 1]]
    if not scanned:
        return clean_pdf_pages(path, pages)
    outcome = ocr.ocr_pdf_pages(path, scanned)
    ocr_pages = []
    for n, text in sorted(outcome.pages.items()):
        text = text.replace("\f", "\n")
        if _letters(text) >= MIN_PAGE_LETTERS and not _garbled(_clean(text), min_letters=0.25):
            pages[n - 1] = text
            ocr_pages.append(n)
    if garbled:  # pages OCR could not read keep nothing of their garbled layer
        pages = [p if n in ocr_pages else "" for n, p in enumerate(pages, 1)]
    reason = ocr.missing()
    if not any(_letters(p) >= MIN_PAGE_LETTERS for p in pages):
        if reason is not None:
            why = "garbled text layer" if garbled else "no text layer"
            raise ReadError(f"{path}: {why} ({ocr.NEEDS_OCR}; {reason.split(' (')[0]})")
        raise ReadError(
            f"{path}: no text layer, and OCR found no text on {_plural(len(scanned), 'page')}"
            + (f" ({outcome.warnings[0]})" if outcome.warnings else "")
        )
    result = clean_pdf_pages(path, pages, checked=True)
    result.ocr_pages = ocr_pages
    unread = len(scanned) - len(ocr_pages)
    if unread and reason is not None:
        result.warnings.append(f"{_plural(unread, 'scanned page')} not read ({ocr.NEEDS_OCR})")
    result.warnings += [w for w in outcome.warnings if ocr.NEEDS_OCR not in w]
    return result


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def clean_pdf_pages(path: Path, pages: list[str], *, checked: bool = False) -> ReadResult:
    """The text of a PDF from its raw pages: characters cleaned, page furniture removed."""
    if not any(p.strip() for p in pages):
        raise ReadError(f"{path}: no text layer ({ocr.NEEDS_OCR})")
    cleaned = [_clean(p) for p in pages]
    # Tables of figures are still text. Pages OCR replaced were checked one by one.
    if not checked and _garbled("\n".join(cleaned), min_letters=0.25):
        raise ReadError(f"{path}: garbled text layer ({ocr.NEEDS_OCR})")
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


def _read_markup(path: Path, raw: bytes, *, markdown: bool) -> ReadResult:
    """HTML (a protocol published as a web page) or Markdown, as text with one block per line.

    Markdown is rendered to HTML by markdown-it-py; inscriptis lays HTML out as text (block
    elements on their own lines, table rows as lines, script and style dropped).
    """
    kind = "Markdown" if markdown else "HTML"
    if len(raw) > MAX_MARKUP_BYTES:
        mb = 1024 * 1024
        raise ReadError(
            f"{path}: too large for {kind} ({len(raw) // mb} MB > {MAX_MARKUP_BYTES // mb} MB)"
        )
    source, note = _decode(raw)
    if _garbled(source, min_letters=0.25):
        raise ReadError(f"{path}: binary or garbled content")
    try:
        if markdown:
            from markdown_it import MarkdownIt

            # Line breaks are kept: in a protocol "Datum: ..." and "Plats: ..." are lines.
            md = MarkdownIt("commonmark", {"breaks": True}).enable("table")
            source = md.render(source)
        from inscriptis import get_text

        text = get_text(source, _html_config())
    except MemoryError as exc:
        raise ReadError(f"{path}: too large to read (out of memory)") from exc
    except RecursionError as exc:
        raise ReadError(f"{path}: not valid {kind} (nested too deeply)") from exc
    except Exception as exc:  # lxml and the renderers raise assorted errors on broken input
        raise ReadError(f"{path}: not valid {kind} ({_short(exc)})") from exc
    text = _clean(text)
    if text.strip() and _garbled(text):
        raise ReadError(f"{path}: binary or garbled content")
    text = "\n".join(_untab(line) for line in text.split("\n"))
    warnings = [note] if note else []
    return ReadResult(collapse_blank_lines(strip_text_furniture(text)), 0, warnings)


def _html_config() -> Any:
    """inscriptis's strict CSS profile; table cells aligned to the top (a label by its first name)."""
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.html_properties import VerticalAlignment
    from inscriptis.model.config import ParserConfig
    from inscriptis.model.html_element import HtmlElement

    css = dict(CSS_PROFILES["strict"])
    for tag in ("td", "th"):
        css[tag] = HtmlElement(tag, valign=VerticalAlignment.top)
    return ParserConfig(css=css, table_cell_separator="\t")


def _untab(line: str) -> str:
    """A table row laid out by inscriptis: cells joined by one tab, padding removed."""
    if "\t" not in line:
        return line
    return "\t".join(c.strip() for c in line.split("\t") if c.strip())


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
