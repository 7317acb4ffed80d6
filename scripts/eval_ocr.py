"""OCR against the text layer: real PDFs scanned here, then read and parsed as a user's scans would be.

Usage: python scripts/eval_ocr.py [PDF ...]   (default: two corpus-extra protocols)
Each PDF is rasterised at 200 dpi (pdftoppm) into an image-only PDF in a temporary folder (never
kept), read by OCR, parsed, and compared with the parse of its own text layer: § numbers, titles,
date, body, chair and attendance. Prints one row per file, OCR seconds per page and the totals.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from minutesearch import ocr
from minutesearch.model import Document
from minutesearch.parse import parse_document
from minutesearch.read import read_document

EXTRA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-extra"
DEFAULT = [
    EXTRA / "alingsas/protokoll/2026-05-18_tekniska-namnden.pdf",
    EXTRA / "alingsas/protokoll/2026-06-16_socialnamnden.pdf",
]


def scan(pdf: Path, folder: Path, dpi: int = 200) -> Path:
    """An image-only copy of `pdf`: every page rasterised in grey and put back as a picture."""
    from PIL import Image

    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(folder / "p")], check=True
    )
    images = [Image.open(p) for p in sorted(folder.glob("p-*.png"))]
    out = folder / f"{pdf.stem}.scan.pdf"
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


def facts(doc: Document) -> dict[str, object]:
    return {
        "sections": [i.section for i in doc.items],
        "titles": [" ".join(i.title.split()) for i in doc.items],
        "date": doc.date,
        "body": doc.body,
        "chair": doc.chair,
        "present": sorted(a.name for a in doc.present),
    }


def main(paths: list[Path]) -> int:
    reason = ocr.missing()
    if reason:
        print(f"OCR not available: {reason}")
        return 1
    total_items = same_items = same_titles = pages_done = 0
    seconds = 0.0
    for pdf in paths:
        with tempfile.TemporaryDirectory() as tmp:
            scanned = scan(pdf, Path(tmp))
            t0 = time.monotonic()
            result = read_document(scanned)
            took = time.monotonic() - t0
        ref = facts(parse_document(read_document(pdf).text, str(pdf)))
        got = facts(parse_document(result.text, str(pdf), ocr=True))
        ref_titles = dict(zip(ref["sections"], ref["titles"], strict=True))  # type: ignore[call-overload]
        got_titles = dict(zip(got["sections"], got["titles"], strict=True))  # type: ignore[call-overload]
        found = [s for s in ref_titles if s in got_titles]
        total_items += len(ref_titles)
        same_items += len(found)
        same_titles += sum(1 for s in found if ref_titles[s] == got_titles[s])
        pages_done += len(result.ocr_pages)
        seconds += took
        ref_people, got_people = set(ref["present"]), set(got["present"])  # type: ignore[call-overload]
        print(
            f"{pdf.name}: {len(result.ocr_pages)} pages in {took:.0f} s"
            f" ({took / max(1, len(result.ocr_pages)):.1f} s/page);"
            f" §§ {len(found)}/{len(ref_titles)} (extra {len(set(got_titles) - set(ref_titles))}),"
            f" titles equal {sum(1 for s in found if ref_titles[s] == got_titles[s])}/{len(found)},"
            f" date {'=' if got['date'] == ref['date'] else '≠'},"
            f" body {'=' if got['body'] == ref['body'] else '≠'},"
            f" chair {'=' if got['chair'] == ref['chair'] else '≠'},"
            f" present {len(ref_people & got_people)}/{len(ref_people)}"
        )
        for s in found:
            if ref_titles[s] != got_titles[s]:
                print(f"   § {s}: {ref_titles[s]!r} -> {got_titles[s]!r}")
    print(
        f"total: §§ {same_items}/{total_items}, titles equal {same_titles}/{same_items},"
        f" {pages_done} pages, {seconds / max(1, pages_done):.1f} s/page"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]] or DEFAULT))
