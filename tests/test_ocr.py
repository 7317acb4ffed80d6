"""OCR of scanned pages, end to end on a real protocol that this test scans itself.

A short real protocol from corpus-extra is rasterised (pdftoppm, 200 dpi) and put back together
as an image-only PDF, and as a second copy whose first page keeps its text layer and whose other
pages are skewed and noisy. Ingest must read the scanned pages by OCR, mark them, and find the
same §§, titles and meeting date as in the original's text layer. Nothing scanned is committed:
the files are made in a temporary folder. Skips when corpus-extra or Tesseract is absent.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from conftest import pdf_bytes
from minutesearch import ocr
from minutesearch.config import Settings
from minutesearch.errors import ReadError
from minutesearch.ingest import ingest
from minutesearch.read import read_document
from minutesearch.store import Store

PROTOCOL = "alingsas/protokoll/2026-07-07_bygg-och-miljonamnden.pdf"  # 3 pages, § 59
CLI = [sys.executable, "-c", "from minutesearch.cli import main; main()"]


def _needs_ocr() -> None:
    reason = ocr.missing()
    if reason is not None:
        pytest.skip(f"OCR not available here: {reason}")


def _pages_as_images(src: Path, folder: Path, dpi: int = 200) -> list[Path]:
    stem = folder / src.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(stem)], check=True)
    return sorted(folder.glob(f"{src.stem}-*.png"))


def _degrade(image: object, seed: int) -> object:
    """A page as a poor scan: turned 1.2 degrees, salt-and-pepper noise, slightly blurred."""
    from PIL import Image, ImageFilter

    assert isinstance(image, Image.Image)
    rng = random.Random(seed)
    turned = image.rotate(1.2, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    px = turned.load()
    assert px is not None
    w, h = turned.size
    for _ in range(w * h // 300):
        px[rng.randrange(w), rng.randrange(h)] = rng.choice((0, 255))
    return turned.filter(ImageFilter.GaussianBlur(0.6))


def _image_pdf(images: list[object], path: Path, dpi: int = 200) -> None:
    from PIL import Image

    first, *rest = images
    assert isinstance(first, Image.Image)
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)


@pytest.fixture(scope="module")
def scans(extra_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The original protocol, a clean scan of it, and a mixed copy (text page 1, poor scans 2-3)."""
    _needs_ocr()
    pytest.importorskip("PIL", reason="Pillow makes the test scans")
    import pypdf
    from PIL import Image

    folder = tmp_path_factory.mktemp("scans")
    original = folder / "in" / "original.pdf"
    original.parent.mkdir()
    original.write_bytes((extra_dir / PROTOCOL).read_bytes())
    pngs = _pages_as_images(original, folder)
    images = [Image.open(p) for p in pngs]
    _image_pdf(images, folder / "in" / "skannad.pdf")

    _image_pdf([_degrade(im, n) for n, im in enumerate(images[1:])], folder / "poor.pdf")
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(original).pages[0])
    for page in pypdf.PdfReader(folder / "poor.pdf").pages:
        writer.add_page(page)
    with (folder / "in" / "blandad.pdf").open("wb") as fh:
        writer.write(fh)
    return {p.stem: p for p in (folder / "in").glob("*.pdf")}


@pytest.fixture(scope="module")
def ingested(
    scans: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[tuple[str, int, int]]]:
    """The three PDFs ingested in one run, with two reader processes; the progress calls seen."""
    idx = tmp_path_factory.mktemp("idx")
    calls: list[tuple[str, int, int]] = []
    report = ingest(
        [scans["original"].parent],
        Settings(index_dir=idx, embedder="none", ner=False, workers=2),
        stages=[],
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    assert not report.skipped, report.skipped
    return idx, calls


def _meeting(idx: Path, name: str) -> dict[str, object]:
    with Store.open(idx, create=False) as store:
        for row in store.document_rows():
            if Path(row["source"]).stem == name:
                meeting = store.meeting_json(row)
                meeting["sections"] = [
                    (r["section"], " ".join(r["title"].split()))
                    for r in store.item_rows(doc_id=row["id"])
                ]
                return meeting
    raise AssertionError(f"{name} was not stored")


@pytest.mark.slow
@pytest.mark.parametrize(("name", "pages"), [("skannad", [1, 2, 3]), ("blandad", [2, 3])])
def test_scan_reads_like_the_text_layer(
    ingested: tuple[Path, list[tuple[str, int, int]]], name: str, pages: list[int]
) -> None:
    idx, _ = ingested
    text_layer = _meeting(idx, "original")
    scanned = _meeting(idx, name)

    assert text_layer["ocr"] is False and text_layer["ocr_pages"] == []
    assert scanned["ocr"] is True
    assert scanned["ocr_pages"] == pages
    assert text_layer["sections"], "the original gave no §-items"
    assert scanned["sections"] == text_layer["sections"]  # § numbers and titles
    assert scanned["date"] == text_layer["date"] == "2026-07-07"
    assert scanned["kind"] == text_layer["kind"] == "protocol"
    assert scanned["body"] == text_layer["body"]
    # The cover page keeps its label/value lines: chair and attendance come out as from the text.
    for key in ("chair", "secretary", "adjusters"):
        assert scanned[key] == text_layer[key], key
    names = [sorted(str(p["name"]) for p in m["present"]) for m in (scanned, text_layer)]
    assert names[0] == names[1]


@pytest.mark.slow
def test_ocr_pages_are_counted_on_the_progress_bar(
    ingested: tuple[Path, list[tuple[str, int, int]]],
) -> None:
    _, calls = ingested
    ocr_calls = [(done, total) for stage, done, total in calls if stage == "ocr"]
    assert ocr_calls, calls
    assert ocr_calls[-1] == (5, 5)  # 3 pages of the scan, 2 of the mixed copy; none of the original
    assert all(done <= total for done, total in ocr_calls)


@pytest.mark.slow
def test_show_says_the_text_was_read_by_ocr(
    ingested: tuple[Path, list[tuple[str, int, int]]], tmp_path: Path
) -> None:
    idx, _ = ingested
    meeting = _meeting(idx, "blandad")
    run = subprocess.run(
        [*CLI, "--index-dir", str(idx), "show", str(meeting["id"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "skannade sidor 2, 3 lästes med OCR" in run.stdout
    plain = _meeting(idx, "original")
    run = subprocess.run(
        [*CLI, "--index-dir", str(idx), "show", str(plain["id"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "OCR" not in run.stdout


def test_a_page_past_its_time_limit_is_skipped_with_the_reason(
    scans: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "OCR_PAGE_SECONDS", 0.001)
    with pytest.raises(ReadError, match=r"OCR found no text on 3 pages \(page 1: OCR failed"):
        read_document(scans["skannad"])
    # The mixed copy keeps its text page; the two scanned pages are reported, not fatal.
    result = read_document(scans["blandad"])
    assert result.ocr_pages == []
    assert any("page 2: OCR failed" in w for w in result.warnings), result.warnings


# -- without Tesseract ------------------------------------------------------------------------


def _pdf_pages(path: Path, pages: list[str | None], seed: int = 0) -> None:
    """A PDF written by hand: a text page for each string, a scan (an image of noise) for None."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    for n, text in enumerate(pages):
        if text is None:
            pixels = zlib.compress(random.Random(seed + n).randbytes(64 * 64))
            objects.append(
                b"<< /Length %d /Type /XObject /Subtype /Image /Width 64 /Height 64"
                b" /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode >>\nstream\n"
                % len(pixels)
                + pixels
                + b"\nendstream"
            )
            resources = b"<< /XObject << /Im0 %d 0 R >> >>" % len(objects)
            content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
        else:
            objects.append(font)
            resources = b"<< /Font << /F1 %d 0 R >> >>" % len(objects)
            shown = b" ".join(
                b"(%s) Tj 0 -16 Td" % line.encode("latin-1") for line in text.split("\n")
            )
            content = b"BT /F1 12 Tf 72 760 Td " + shown + b" ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s"
            b" /Contents %d 0 R >>" % (resources, len(objects))
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    path.write_bytes(pdf_bytes(objects))


_PAGE_ONE = "Protokoll\nKulturnamnden 2025-04-02\n\u00a7 7 Bidrag till foreningar\nNamnden beslutar att bevilja bidraget."


def test_without_ocr_a_mixed_pdf_keeps_its_text_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "missing", lambda: "tesseract not installed (install: ...)")
    path = tmp_path / "blandad.pdf"
    _pdf_pages(path, [_PAGE_ONE, None, None])

    result = read_document(path)

    assert "Bidrag till foreningar" in result.text
    assert result.ocr_pages == []
    assert "2 scanned pages not read (needs OCR)" in result.warnings


def test_without_tesseract_ingest_says_once_how_to_install_it(
    seeds_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        _pdf_pages(folder / f"skanning-{n}.pdf", [None], seed=n)
    _pdf_pages(folder / "blandad.pdf", [_PAGE_ONE, None])  # stored, its scanned page unread
    seed = sorted(seeds_dir.glob("*.txt"))[0]
    (folder / seed.name).write_bytes(seed.read_bytes())
    empty_path = tmp_path / "bin"
    empty_path.mkdir()  # neither tesseract nor pdftoppm can be found
    env = {**os.environ, "PATH": str(empty_path), "HF_HUB_OFFLINE": "1"}
    args = ["--index-dir", str(tmp_path / "idx"), "ingest", "--embedder", "none", "--no-ner", "-q"]

    run = subprocess.run(
        [*CLI, *args, str(folder)], capture_output=True, text=True, env=env, check=False
    )

    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    for n in range(3):
        named = [line for line in run.stderr.splitlines() if f"skanning-{n}.pdf" in line]
        assert len(named) == 1, run.stderr
        assert "no text layer (needs OCR" in named[0]
    hints = [line for line in run.stderr.splitlines() if "apt-get install" in line]
    assert len(hints) == 1, run.stderr
    assert "tesseract-ocr tesseract-ocr-swe poppler-utils" in hints[0]
    assert "4 filer" in hints[0]
    assert re.search(r"Klart: 2 dokument", run.stdout), run.stdout
    assert "Hoppade över" not in "".join(s for s in run.stderr.splitlines() if "blandad" in s)
