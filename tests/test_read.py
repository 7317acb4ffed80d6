"""The reader on the real documents (seeds, corpus-extra) and on every kind of bad input."""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from minutesearch import read
from minutesearch.errors import ReadError
from minutesearch.read import read_document

SVOM = "003_67c1054d05d03686.txt"
KS_PROTOCOL = "alingsas/protokoll/2026-06-01_kommunstyrelsen.pdf"
KSAU_EXTRACT = "alingsas/utdrag/2026-06-15_kommunstyrelsen__ss90-ksau-fortydligande-parkering-for-fortroendevalda.pdf"
LETTER = "alingsas/skrivelser/2026-05-19_bygg-och-miljonamnden__forvaltningens-utlatande.pdf"
SECTION_LINE = re.compile(r"^§+ ?\d+\b")


def _squash(line: str) -> str:
    return " ".join(line.split())


def _lines(text: str) -> list[str]:
    return [_squash(s) for s in text.split("\n") if s.strip()]


@functools.cache
def _pdf(path: Path) -> tuple[list[str], read.ReadResult]:
    """Raw pages and the reader's result, extracting each PDF once (pypdf is the slow part)."""
    pages = read.extract_pdf_pages(path, path.read_bytes())
    return pages, read.clean_pdf_pages(path, pages)


def _raw_pages(path: Path) -> list[str]:
    return _pdf(path)[0]


def _fails(path: Path, reason: str) -> None:
    """read_document raises a ReadError 'PATH: reason...' (ingest shows what follows 'PATH: ')."""
    with pytest.raises(ReadError) as info:
        read_document(path)
    assert info.value.msg.startswith(f"{path}: {reason}"), info.value.msg


# -- real documents --------------------------------------------------------------------------


def test_protocol_pdf_loses_page_headers_and_numbers_but_no_section(extra_dir: Path) -> None:
    path = extra_dir / KS_PROTOCOL
    pages, result = _pdf(path)
    raw = [_lines(p) for p in pages]
    out = _lines(result.text)

    assert result.pages == len(pages) > 20
    assert sum(p.count("Utdragsbestyrkande") for p in raw) > 20
    # The cover page keeps its header (body, "Protokoll", date): the parser reads them there.
    assert out.count("Utdragsbestyrkande") == 1
    assert out[:3] == raw[0][:3] == ["Kommunstyrelsen", "Protokoll", "2026-06-01"]
    assert out.count("2026-06-01") == 1
    # Every page ends with its number in the PDF; none of them survives as a line of its own.
    assert all(p[-1] == str(n) for n, p in enumerate(raw, 1))
    numbers_in_text = Counter(s for p in raw for s in p[:-1] if s.isdigit())
    assert Counter(s for s in out if s.isdigit()) == numbers_in_text
    raw_sections = [s for p in raw for s in p if SECTION_LINE.match(s)]
    assert len(raw_sections) > 17
    assert Counter(raw_sections) == Counter(s for s in out if SECTION_LINE.match(s))
    assert "§ 95 2026.016 KS" in out
    assert out.count("Beslut") == sum(p.count("Beslut") for p in raw)


def test_extract_pdf_loses_sida_n_av_m(extra_dir: Path) -> None:
    path = extra_dir / KSAU_EXTRACT
    raw = [_lines(p) for p in _raw_pages(path)]
    text = _pdf(path)[1].text
    out = _lines(text)

    assert [p[-1] for p in raw] == ["Sida 1 av 3", "Sida 2 av 3", "Sida 3 av 3"]
    assert not [s for s in out if s.startswith("Sida ")]
    assert out.count("Utdragsbestyrkande") == 1
    assert out.count("Kommunstyrelsens") == 1
    assert out.index("§ 90 2026.275 KS") < out.index("Beslutsgång") < out.index("Reservation")
    # A paragraph running on over a page break stays one block: no blank line inserted there.
    assert "grunder som fastställts i\nde kommunala reseavtalen" in text


def test_letter_pdf_loses_repeated_letterhead_and_page_count(extra_dir: Path) -> None:
    path = extra_dir / LETTER
    raw = [_lines(p) for p in _raw_pages(path)]
    out = _lines(read_document(path).text)

    assert sum(p.count("Bygglovsenheten") for p in raw) == 3
    assert out.count("Bygglovsenheten") == 1
    assert not [s for s in out if re.fullmatch(r"\d+ ?\(\d+\)", s)]
    assert "Diarienummer: LOV 2026-000142" in out


@pytest.mark.slow
def test_every_corpus_extra_file_keeps_its_content(extra_dir: Path) -> None:
    """What the reader removes from each file is furniture: page-1 header lines, page numbers,
    signature stamps and repeated inline headers. Headings (§, Beslut) all survive."""
    files = sorted(extra_dir.rglob("*.pdf")) + sorted(extra_dir.rglob("*.txt"))
    assert len(files) >= 40
    for path in files:
        if path.suffix == ".pdf":
            pages = [_lines(p) for p in _raw_pages(path)]
            text = _pdf(path)[1].text
        else:
            pages = [_lines(path.read_text(encoding="utf-8"))]
            text = read_document(path).text
        before = Counter(s for p in pages for s in p)
        after = Counter(_lines(text))
        removed = before - after
        assert not after - before, path.name
        # The header as the cover page has it, and as the next page repeats it.
        page1 = set(pages[0][:12] + (pages[1][:12] if len(pages) > 1 else []))
        for line in removed:
            assert (
                line in page1
                or re.fullmatch(r"(Sida )?\d+( av \d+)?|\d+ ?\(\d+\)|Paragrafen är justerad", line)
                or re.fullmatch(r"Protokoll nr \d+|Sammanträdesdatum: [\d-]+", line)
            ), f"{path.name}: removed {line!r}"
        for line in before:
            if SECTION_LINE.match(line) or line in ("Beslut", "Förslag till beslut"):
                assert after[line] == before[line], f"{path.name}: lost {line!r}"


def test_goteborg_text_keeps_one_dated_header(extra_dir: Path) -> None:
    path = extra_dir / "goteborg/ks-2024-05-29.paragraphs.txt"
    raw = _lines(path.read_text(encoding="utf-8"))
    out = _lines(read_document(path).text)

    assert raw.count("Protokoll nr 17") >= 5
    assert "Protokoll nr 17" not in out
    assert out.count("Sammanträdesdatum: 2024-05-29") == 1
    assert [s for s in raw if SECTION_LINE.match(s)] == [s for s in out if SECTION_LINE.match(s)]


def test_svom_seed_keeps_one_body_and_date_line(seeds_dir: Path) -> None:
    path = seeds_dir / SVOM
    raw = _lines(path.read_text(encoding="utf-8"))
    out = _lines(read_document(path).text)

    heading = "Sociala vård och omsorgsgruppen 2023-02-24"
    assert raw.count(heading) > 10
    assert out.count(heading) == 1
    assert out[:2] == ["Mötesdatum", heading]  # the cover page is left as it is
    for furniture in ("PROTOKOLL", "Justerandes sign Utdragsbestyrkande", "10 / 21"):
        assert furniture in raw and furniture not in out
    assert [s for s in raw if SECTION_LINE.match(s)] == [s for s in out if SECTION_LINE.match(s)]
    assert out.count("Beslut") == raw.count("Beslut")


def test_double_spaced_seed_is_single_spaced_with_paragraph_breaks(seeds_dir: Path) -> None:
    path = seeds_dir / "000_3fd6fd63b5e6e506.txt"
    raw_text = path.read_text(encoding="utf-8")
    text = read_document(path).text

    assert _lines(text) == _lines(raw_text)
    assert "Sammanfattning\nSocialtjänsten i länets åtta kommuner" in text
    assert "upplevt att försöken till\nsamverkan mellan psykiatrin" in text
    assert "som varit tidigare eller nu pågående.\n\nInspel" in text


def test_seed_markup_is_stripped(seeds_dir: Path) -> None:
    text = read_document(seeds_dir / "004_a76be3cd7be83ac5.txt").text
    assert "<i>" not in text and "</i>" not in text
    assert "Ordf. Vård och omsorgsnämnden (ordf. § 5-14)" in text


def test_seeds_read_without_warnings(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("*.txt")):
        result = read_document(path)
        assert result.warnings == [], path.name
        assert "\r" not in result.text and "\u00a0" not in result.text


# -- text encodings and characters -------------------------------------------------------------


def test_cp1252_text_is_decoded_with_a_warning(seeds_dir: Path, tmp_path: Path) -> None:
    text = (seeds_dir / "001_58866ac3bd8c7294.txt").read_text(encoding="utf-8")
    path = tmp_path / "cp.txt"
    path.write_bytes(text.encode("cp1252"))
    result = read_document(path)
    assert result.warnings == ["decoded as cp1252"]
    assert result.text == read_document(seeds_dir / "001_58866ac3bd8c7294.txt").text
    assert "Jämtlands läns" in result.text


def test_utf8_bom_crlf_and_invisible_characters(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    body = "§ 5 Val av justerare\r\nBeslut\r\nläns\u00adgemensam\u00a0plan\u200b för Östersund\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    result = read_document(path)
    assert result.text == "§ 5 Val av justerare\nBeslut\nlänsgemensam plan för Östersund"
    assert result.warnings == []


def test_utf8_with_a_few_broken_bytes_is_not_read_as_cp1252(
    seeds_dir: Path, tmp_path: Path
) -> None:
    seed = seeds_dir / "001_58866ac3bd8c7294.txt"
    data = seed.read_bytes()
    path = tmp_path / "trasig.txt"
    path.write_bytes(data[:500] + b"\xf6" + data[500:])
    result = read_document(path)
    assert result.warnings == ["replaced 1 invalid UTF-8 byte"]
    assert "Jämtlands läns" in result.text and "Ã" not in result.text


def test_utf16_text_with_bom(seeds_dir: Path, tmp_path: Path) -> None:
    seed = seeds_dir / "001_58866ac3bd8c7294.txt"
    path = tmp_path / "utf16.txt"
    path.write_bytes(seed.read_text(encoding="utf-8").encode("utf-16"))
    assert read_document(path).text == read_document(seed).text


def test_form_feeds_mark_pages_in_text(seeds_dir: Path, tmp_path: Path) -> None:
    body = _lines((seeds_dir / "001_58866ac3bd8c7294.txt").read_text(encoding="utf-8"))
    pages = [
        "Sociala samrådsgruppen\nProtokoll\n" + "\n".join(body[i : i + 20]) + f"\n{n}"
        for n, i in enumerate(range(0, 60, 20), 1)
    ]
    path = tmp_path / "paged.txt"
    path.write_text("\f".join(pages), encoding="utf-8")
    result = read_document(path)
    out = _lines(result.text)
    assert result.pages == 3
    assert out.count("Sociala samrådsgruppen") == 1
    assert out[2:] == body[:60]


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 40, b"\x00\x01\x02 Beslut \x00" * 500, b"\x89PNG\r\n\x1a\n" + bytes(4000)],
    ids=["all-bytes", "nul-bytes", "png"],
)
def test_binary_text_is_rejected(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(data)
    _fails(path, "binary or garbled content")


def test_mostly_symbols_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "symbols.txt"
    path.write_text("§ 1 Beslut\n" + "#=+%&/()=?*^~{}[]|<>" * 400, encoding="utf-8")
    _fails(path, "binary or garbled content")


# -- files that cannot be read ------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t "], ids=["empty", "whitespace"])
@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".docx"])
def test_empty_file(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"tom{suffix}"
    path.write_bytes(content)
    _fails(path, "empty file")


def test_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(read, "MAX_BYTES", 2 * 1024 * 1024)
    path = tmp_path / "stor.txt"
    path.write_bytes(b"Beslut om budget.\n" * 200_000)
    _fails(path, "too large (3 MB > 2 MB)")


def test_unsupported_suffix_and_missing_file(tmp_path: Path) -> None:
    odt = tmp_path / "protokoll.odt"
    odt.write_bytes(b"PK\x03\x04")
    _fails(odt, "unsupported file type '.odt'")
    _fails(tmp_path / "finns-inte.txt", "cannot read (No such file or directory)")


def test_unreadable_file(seeds_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "låst.txt"
    path.write_bytes((seeds_dir / SVOM).read_bytes())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod cannot make the file unreadable")
        _fails(path, "cannot read (Permission denied)")
    finally:
        path.chmod(0o644)


# -- PDFs --------------------------------------------------------------------------------------


def test_junk_named_pdf(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(os.urandom(50_000))
    _fails(path, "not a valid PDF (no PDF header)")


def test_truncated_pdf(extra_dir: Path, tmp_path: Path) -> None:
    raw = (extra_dir / KSAU_EXTRACT).read_bytes()
    path = tmp_path / "halv.pdf"
    path.write_bytes(raw[: len(raw) // 2])
    _fails(path, "not a valid PDF (")


def test_pdf_with_broken_structure(tmp_path: Path) -> None:
    path = tmp_path / "trasig.pdf"
    path.write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Pages /Kids [9 0 R] >>\nendobj\n"
        + bytes(300)
        + b"\nxref\n0 2\nnot a table\ntrailer\n<< /Root 42 0 R >>\n%%EOF\n"
    )
    _fails(path, "not a valid PDF (")


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "skannad.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    _fails(path, "no text layer (needs OCR)")


def test_encrypted_pdf(extra_dir: Path, tmp_path: Path) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(extra_dir / KSAU_EXTRACT))
    writer.encrypt(user_password="hemligt", algorithm="RC4-128")
    locked, open_ = tmp_path / "låst.pdf", tmp_path / "öppen.pdf"
    with locked.open("wb") as fh:
        writer.write(fh)
    _fails(locked, "not a valid PDF (encrypted, needs a password)")
    # An empty user password only restricts copying: such a PDF is read as usual.
    writer = pypdf.PdfWriter(clone_from=str(extra_dir / KSAU_EXTRACT))
    writer.encrypt(user_password="", owner_password="ägare", algorithm="RC4-128")
    with open_.open("wb") as fh:
        writer.write(fh)
    assert read_document(open_).text == _pdf(extra_dir / KSAU_EXTRACT)[1].text


def test_pdf_bounds(extra_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = extra_dir / KSAU_EXTRACT
    monkeypatch.setattr(read, "MAX_PAGES", 2)
    _fails(path, "too many pages (3 > 2)")
    monkeypatch.setattr(read, "MAX_PAGES", 2000)
    monkeypatch.setattr(read, "MAX_CHARS", 3000)
    _fails(path, "too much text")
    monkeypatch.setattr(read, "MAX_CHARS", 20_000_000)
    monkeypatch.setattr(read, "MAX_SECONDS", 0.0)
    _fails(path, "took too long to read")


# -- DOCX --------------------------------------------------------------------------------------


def test_real_docx_paragraphs_and_table_rows(seeds_dir: Path, tmp_path: Path) -> None:
    import docx

    body = _lines((seeds_dir / "001_58866ac3bd8c7294.txt").read_text(encoding="utf-8"))
    document = docx.Document()
    document.add_paragraph("§ 21 Skrivelse angående samverkan")
    for line in body[:5]:
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate(
        [
            ("Margareta Winberg (S)", "Östersunds kommun", "Ordf."),
            ("Morgan Olsson (S)", "Strömsunds kommun", ""),
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("Beslut")
    path = tmp_path / "protokoll.docx"
    document.save(str(path))

    out = read_document(path).text.split("\n")
    assert out[:6] == ["§ 21 Skrivelse angående samverkan", *body[:5]]
    assert "Margareta Winberg (S)\tÖstersunds kommun\tOrdf." in out
    assert "Morgan Olsson (S)\tStrömsunds kommun" in out
    assert out[-1] == "Beslut"


def test_docx_that_is_a_zip_of_something_else(tmp_path: Path) -> None:
    path = tmp_path / "inte-word.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "Det här är inget Word-dokument.\n")
    _fails(path, "not a valid DOCX (a zip without word/document.xml)")


def test_docx_with_broken_document_xml(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document>inte xml")
    path = tmp_path / "trasig.docx"
    path.write_bytes(buf.getvalue())
    _fails(path, "not a valid DOCX (")


def test_docx_zip_bomb_is_refused_before_unpacking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "MAX_DOCX_UNPACKED", 1024 * 1024)
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:p>Beslut</w:p>" * 200_000)
    assert path.stat().st_size < 100_000
    _fails(path, "not a valid DOCX (unpacks to 3 MB)")


def test_docx_that_is_not_a_zip(seeds_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "text.docx"
    path.write_bytes((seeds_dir / SVOM).read_bytes())
    _fails(path, "not a valid DOCX (not a zip file)")


# -- HTML and Markdown -----------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Protokoll – Kultur- och fritidsnämnden</title>
<style>.para { font-weight: bold } p::before { content: "§ 99 stil" }</style>
<script>var rubrik = "§ 98 Skript";</script></head>
<body>
<nav><a href="/">Start</a> <a href="/protokoll">Protokoll</a></nav>
<h1>Kultur- och fritidsnämnden</h1>
<table>
<tr><th>Datum</th><td>2025-09-02</td></tr>
<tr><th>Beslutande</th><td>Anna Berg (S), ordförande<br>Olle Kvist (M)</td></tr>
</table>
<p class="para">&sect;&nbsp;14</p>
<p>Bidrag till studieförbund</p>
<p>Nämnden beslutar att fördela 1&nbsp;200&nbsp;000 kronor enligt <b>bilaga&nbsp;1</b>.</p>
<h2>§ 15 Taxor för idrottshallar</h2>
<ul><li>att höja timtaxan</li><li>att införa ungdomsrabatt</li></ul>
</body></html>
"""


def _markup(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> list[str]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return _lines(read_document(path).text)


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_protocol_is_read_as_lines_of_text(tmp_path: Path, suffix: str) -> None:
    out = _markup(tmp_path, f"protokoll{suffix}", _HTML)

    assert "§ 14" in out  # &sect;&nbsp; decoded, a paragraph its own line
    assert "Bidrag till studieförbund" in out
    assert "§ 15 Taxor för idrottshallar" in out
    assert "Nämnden beslutar att fördela 1 200 000 kronor enligt bilaga 1." in out
    assert "Datum\t2025-09-02" in [
        s.strip() for s in read_document(tmp_path / f"protokoll{suffix}").text.split("\n")
    ]
    # A <br> inside a cell ends a line; the row's label stays with the first name.
    assert "Beslutande Anna Berg (S), ordförande" in out
    assert "Olle Kvist (M)" in out
    assert not any("Skript" in s or "stil" in s or "font-weight" in s for s in out)
    assert not any("<" in s for s in out)
    assert out.index("§ 14") < out.index("§ 15 Taxor för idrottshallar")


def test_html_protocol_parses_into_items(tmp_path: Path) -> None:
    from minutesearch.parse import parse_document

    path = tmp_path / "protokoll.html"
    path.write_text(_HTML, encoding="utf-8")
    doc = parse_document(read_document(path).text, str(path))

    assert [i.section for i in doc.items] == [14, 15]
    assert doc.items[0].title == "Bidrag till studieförbund"
    assert doc.date == "2025-09-02"


def test_html_in_windows_1252_keeps_its_letters(tmp_path: Path) -> None:
    html = _HTML.replace('charset="utf-8"', 'charset="windows-1252"')
    assert _markup(tmp_path, "a.html", html, "cp1252") == _markup(tmp_path, "b.html", html)


_MARKDOWN = """# Protokoll, styrelsemöte i Bostadsrättsföreningen Lärkan

**Datum:** 2025-10-07
**Plats:** Föreningslokalen

| Närvarande | Roll |
|---|---|
| Eva Sten | ordförande |
| Ali Noor | sekreterare |

## § 1 Mötets öppnande

Ordföranden öppnade mötet.

## § 2 Ekonomi

Kassören redovisade:

1. resultat per september
2. likviditet

Styrelsen beslutade *att* lägga rapporten till handlingarna.
"""


def test_markdown_protocol_is_read_as_lines_of_text(tmp_path: Path) -> None:
    out = _markup(tmp_path, "protokoll.md", _MARKDOWN)

    assert out[0] == "Protokoll, styrelsemöte i Bostadsrättsföreningen Lärkan"
    assert "Datum: 2025-10-07" in out  # a line break in the source stays one
    assert "Plats: Föreningslokalen" in out
    assert "Eva Sten ordförande" in out  # a table row is one line
    assert "§ 1 Mötets öppnande" in out and "§ 2 Ekonomi" in out
    assert "Styrelsen beslutade att lägga rapporten till handlingarna." in out
    assert not any(s.startswith(("#", "|", "**")) or "---" in s for s in out)


def test_markdown_protocol_parses_into_items(tmp_path: Path) -> None:
    from minutesearch.parse import parse_document

    path = tmp_path / "protokoll.md"
    path.write_text(_MARKDOWN, encoding="utf-8")
    doc = parse_document(read_document(path).text, str(path))

    assert [(i.section, i.title) for i in doc.items] == [(1, "Mötets öppnande"), (2, "Ekonomi")]
    assert doc.date == "2025-10-07"


def test_bad_html_and_markdown_fail_with_a_reason(tmp_path: Path) -> None:
    junk = tmp_path / "skräp.html"
    junk.write_bytes(bytes(range(256)) * 400)
    _fails(junk, "binary or garbled content")
    huge = tmp_path / "enorm.html"
    huge.write_bytes(b"<p>" + b"Beslut om budget. " * 700_000 + b"</p>")
    _fails(huge, "too large for HTML (")
    empty = tmp_path / "tom.md"
    empty.write_bytes(b"<!-- inget -->\n\n")
    _fails(empty, "no text in the document")
    tags_only = tmp_path / "bara-taggar.htm"
    tags_only.write_bytes(b"<html><body>" + b"<div></div>" * 5000 + b"</body></html>")
    _fails(tags_only, "no text in the document")


def test_a_folders_own_readme_is_not_taken_for_a_document(tmp_path: Path) -> None:
    from minutesearch.ingest import discover

    (tmp_path / "README.md").write_text("# Arkiv\nProtokoll från nämnden 2025.\n")
    (tmp_path / "SOURCES.md").write_text("| fil | datum |\n|---|---|\n| a.md | 2025-10-07 |\n")
    (tmp_path / "2025-10-07_styrelsen.md").write_text(_MARKDOWN)
    (tmp_path / "2025-09-02_kfn.html").write_text(_HTML)

    found, bad = discover([tmp_path])

    assert [p.name for p in found] == ["2025-09-02_kfn.html", "2025-10-07_styrelsen.md"]
    assert not bad
    # Named on the command line, a README is read like any file.
    assert discover([tmp_path / "README.md"])[0] == [tmp_path / "README.md"]
