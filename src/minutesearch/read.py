"""PDF / DOCX / text -> clean text, one visual line per line, page furniture removed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReadError

SUPPORTED_SUFFIXES = (".txt", ".pdf", ".docx")
MAX_BYTES = 50 * 1024 * 1024


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
        raise ReadError(f"{path}: unsupported file type {suffix!r}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ReadError(f"{path}: cannot read ({exc.strerror})") from exc
    if size == 0:
        raise ReadError(f"{path}: empty file")
    if size > MAX_BYTES:
        raise ReadError(f"{path}: too large ({size // (1024 * 1024)} MB > {MAX_BYTES // (1024 * 1024)} MB)")
    if suffix == ".pdf":
        import pypdf

        reader = pypdf.PdfReader(str(path))
        pages = [p.extract_text() or "" for p in reader.pages]
        text = "\n".join(pages)
        if not text.strip():
            raise ReadError(f"{path}: no text layer (needs OCR)")
        return ReadResult(text=text, pages=len(pages))
    if suffix == ".docx":
        import docx

        d = docx.Document(str(path))
        return ReadResult(text="\n".join(p.text for p in d.paragraphs))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise ReadError(f"{path}: empty file")
    return ReadResult(text=text)
