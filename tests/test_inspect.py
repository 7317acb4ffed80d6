"""`minutesearch inspect FILE`: how one file was read, with no index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from minutesearch.cli import main

LAYOUTS = Path(__file__).parent / "data" / "layouts"


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["inspect", *args])
    return result.exit_code, result.output


def test_report_lists_items_and_lines_not_taken(tmp_path: Path) -> None:
    code, out = _run(str(LAYOUTS / "dnr_on_heading.txt"))
    assert code == 0, out
    assert "Typ: protokoll (protocol)" in out
    assert "Datum: 2011-03-15" in out and "Paragrafer enligt försättsbladet: §§ 21-26" in out
    assert "§ 22" in out and "dnr 0459/10" in out and "Bygglov för tillbyggnad" in out
    assert "continued: fortsättning på öppet ärende" in out
    assert "§ 12 i nämndens delegationsordning" in out and "reference:" in out


def test_json_contract() -> None:
    code, out = _run(str(LAYOUTS / "numbered_with_period.txt"), "--json")
    assert code == 0, out
    report = json.loads(out)
    assert set(report) >= {
        "file", "kind", "pages", "ocr", "ocr_pages", "meeting", "items", "not_taken", "warnings"
    }  # fmt: skip
    assert report["kind"] == "protocol" and report["meeting"]["date"] == "1998-10-14"
    assert [i["section_label"] for i in report["items"]] == ["1", "2", "3", "3A", "3B", "4"]
    assert [i["section"] for i in report["items"]] == [1, 2, 3, 3, 3, 4]
    assert report["items"][3]["parts"] == ["presenter", "summary"]
    assert report["items"][0]["line"] == 17 and report["items"][0]["heading"].startswith("§1.")
    assert [(r["line"], r["reason"]) for r in report["not_taken"]] == [
        (13, "attendance"),
        (43, "reference"),
    ]


def test_ocr_flag_reads_misread_signs() -> None:
    plain = json.loads(_run(str(LAYOUTS / "ocr_scan.txt"), "--json")[1])
    ocr = json.loads(_run(str(LAYOUTS / "ocr_scan.txt"), "--json", "--ocr")[1])
    assert [i["section"] for i in plain["items"]] == [24]
    assert [i["section"] for i in ocr["items"]] == [21, 22, 23, 24, 25, 26]
    assert [i["ocr_read"] for i in ocr["items"]] == [True, True, True, False, True, True]
    assert "OCR-läst rubrik" in _run(str(LAYOUTS / "ocr_scan.txt"), "--ocr")[1]


def test_unreadable_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "tom.txt"
    bad.write_text("   \n", encoding="utf-8")
    code, out = _run(str(bad))
    assert code == 1
    assert str(bad) in out and "empty" in out
    missing_code, missing_out = _run(str(tmp_path / "finns-inte.pdf"))
    assert missing_code == 2 and "does not exist" in missing_out


def test_help_imports_no_parser() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from minutesearch.cli import main;"
        "r = CliRunner().invoke(main, ['inspect', '--help']); assert r.exit_code == 0, r.output;"
        "bad = [m for m in ('spacy', 'torch', 'textual', 'minutesearch.parse', 'pypdf')"
        " if m in sys.modules]; assert not bad, bad"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
