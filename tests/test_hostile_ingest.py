"""Hostile files through `minutesearch ingest`, end to end in a subprocess.

Each bad file must fail alone: one line on stderr naming it and the reason, exit status 1, no
traceback, bounded time and memory, and the good files of the same run are stored. The time and
memory limits are safety bounds (a bomb must not take the machine down), not speed targets.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import pdf_bytes

CLI = [sys.executable, "-c", "from minutesearch.cli import main; main()"]
TIME_LIMIT_S = 120.0
RSS_LIMIT_BYTES = 1536 * 1024 * 1024


# -- building hostile files -------------------------------------------------------------------


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def flate_bomb_pdf(path: Path) -> None:
    """One page whose content stream inflates from ~1 MB to ~320 MB of text operators."""
    comp = zlib.compressobj(9)
    chunk = b"BT /F1 12 Tf 72 712 Td (bomb) Tj ET\n" * 30_000
    data = b"".join(comp.compress(chunk) for _ in range(300)) + comp.flush()
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [_CATALOG, _PAGES, page, _stream(data, b"/Filter /FlateDecode"), _FONT]
    path.write_bytes(pdf_bytes(objects))


def xobject_bomb_pdf(path: Path) -> None:
    """'Billion laughs': nine levels of form XObjects each drawing the next ten times (10^8 draws)."""
    levels = 9
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >>"
        b" /XObject << /X0 6 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [_CATALOG, _PAGES, page, _stream(b"/X0 Do"), _FONT]
    for level in range(levels):
        if level < levels - 1:
            body = b" ".join([b"/X Do"] * 10)
            res = b"/Resources << /XObject << /X %d 0 R >> /Font << /F1 5 0 R >> >>" % (7 + level)
        else:
            body = b"BT /F1 12 Tf (laugh) Tj ET"
            res = b"/Resources << /Font << /F1 5 0 R >> >>"
        form = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + res
        objects.append(_stream(body, form))
    path.write_bytes(pdf_bytes(objects))


def malformed_pdf(path: Path) -> None:
    """A PDF header, then objects that reference nothing, a broken xref and no catalog."""
    rng = random.Random(11)
    junk = rng.randbytes(4096)
    path.write_bytes(
        b"%PDF-1.7\n1 0 obj\n<< /Type /Pages /Kids [9 0 R] /Count 3 >>\nendobj\n"
        + junk
        + b"\nxref\n0 2\nthis is not a table\ntrailer\n<< /Root 42 0 R >>\nstartxref\n999999\n%%EOF\n"
    )


def scanned_pdf(path: Path) -> None:
    """A page that only draws an image: a scan with no text layer."""
    rng = random.Random(5)
    pixels = zlib.compress(rng.randbytes(100 * 100))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
        b" /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
    )
    image = _stream(
        pixels,
        b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Filter /FlateDecode",
    )
    objects = [_CATALOG, _PAGES, page, image, _stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q")]
    path.write_bytes(pdf_bytes(objects))


def junk_named_pdf(path: Path) -> None:
    path.write_bytes(random.Random(3).randbytes(200_000))


def docx_of_something_else(path: Path) -> None:
    """A valid zip archive, but of a text file and an image, not an Office document."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "Det här är inget Word-dokument.\n")
        zf.writestr("bild.png", random.Random(9).randbytes(2048))


def huge_text(path: Path) -> None:
    """100 MB of protocol-like text, written in large blocks so it takes well under a second."""
    block = (
        "§ 1 Ärende om budget\nKommunstyrelsen beslutar att godkänna rapporten.\n" * 2000
    ).encode()
    with path.open("wb") as fh:
        while fh.tell() < 100 * 1024 * 1024:
            fh.write(block)


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def binary_named_html(path: Path) -> None:
    """An image (random bytes behind a PNG signature) saved as .html."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(4).randbytes(300_000))


def huge_html(path: Path) -> None:
    """A 30 MB web page of table cells: over the HTML size bound, refused before parsing."""
    row = b"<tr><td>\xc2\xa7 1</td><td>Beslut om budget</td></tr>\n" * 10_000
    with path.open("wb") as fh:
        fh.write(b"<html><body><table>")
        while fh.tell() < 30 * 1024 * 1024:
            fh.write(row)


def garbled_markdown(path: Path) -> None:
    """Text decoded from the wrong encoding twice over: control characters everywhere."""
    path.write_bytes(bytes(b % 32 for b in random.Random(6).randbytes(100_000)))


# Files that must be refused. The XObject bomb is only bounded: pypdf caps form invocations, so
# it may also come through as a document with some text and no §-items.
HOSTILE: dict[str, Callable[[Path], None]] = {
    "flate-bomb.pdf": flate_bomb_pdf,
    "malformed.pdf": malformed_pdf,
    "scanned.pdf": scanned_pdf,
    "junk.pdf": junk_named_pdf,
    "not-word.docx": docx_of_something_else,
    "huge.txt": huge_text,
    "empty.txt": empty_file,
    "image.html": binary_named_html,
    "huge.html": huge_html,
    "garbled.md": garbled_markdown,
}
BOUNDED_ONLY: dict[str, Callable[[Path], None]] = {"xobject-bomb.pdf": xobject_bomb_pdf}


# -- running the CLI with a time bound and per-child memory accounting -----------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_bytes: int


# A small launcher forks the CLI and reports that child's own peak RSS. Linux starts a process's
# ru_maxrss at the high-water mark of the memory it had before exec, and a child forked straight
# from pytest inherits pytest's (large, once a test has loaded a model); a child forked from this
# launcher inherits only the launcher's few MB.
_RSS_LAUNCHER = """
import os, sys
out, cmd = sys.argv[1], sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execv(cmd[0], cmd)
_, status, usage = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_cli(args: list[str], tmp: Path, timeout: float = TIME_LIMIT_S) -> Run:
    """Run the CLI and measure its own peak RSS (see _RSS_LAUNCHER)."""
    out_path, err_path = tmp / "stdout.log", tmp / "stderr.log"
    rss_path = tmp / "maxrss.txt"
    rss_path.unlink(missing_ok=True)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    launcher = [sys.executable, "-c", _RSS_LAUNCHER, str(rss_path)]
    start = time.monotonic()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            [*launcher, *CLI, *args], stdout=out, stderr=err, env=env, start_new_session=True
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            pytest.fail(f"minutesearch {' '.join(args)} ran past {timeout:.0f} s")
    return Run(
        code=proc.returncode,
        stdout=out_path.read_text(errors="replace"),
        stderr=err_path.read_text(errors="replace"),
        seconds=time.monotonic() - start,
        max_rss_bytes=int(rss_path.read_text()) * 1024,  # Linux reports KiB
    )


def ingest(idx: Path, paths: list[Path], tmp: Path) -> Run:
    args = ["--index-dir", str(idx), "ingest", "--embedder", "none", "--no-ner", "-q"]
    return run_cli([*args, *map(str, paths)], tmp)


def stored_items(idx: Path, tmp: Path) -> list[dict[str, object]]:
    run = run_cli(["--index-dir", str(idx), "items", "--json"], tmp)
    assert run.code == 0, run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def lines_naming(stderr: str, name: str) -> list[str]:
    return [line for line in stderr.splitlines() if name in line]


def assert_clear_failure(run: Run, name: str) -> None:
    """Exactly one stderr line names the file and says why; never a traceback."""
    assert "Traceback" not in run.stderr, run.stderr
    named = lines_naming(run.stderr, name)
    assert len(named) == 1, f"expected one line naming {name}, got:\n{run.stderr}"
    reason = named[0].split(name, 1)[1].strip(" :-")
    assert len(reason) >= 5, f"no reason given for {name}: {named[0]!r}"
    assert "internal error" not in reason.lower(), f"unclear reason for {name}: {named[0]!r}"
    assert run.max_rss_bytes < RSS_LIMIT_BYTES, f"{name}: peak RSS {run.max_rss_bytes >> 20} MB"


# -- tests -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clean_seed_items(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    """Item counts per seed file from a clean run: what a run with hostile files must also store."""
    tmp = tmp_path_factory.mktemp("clean")
    run = ingest(tmp / "idx", [seeds_dir], tmp)
    assert run.code == 0, run.stderr
    counts: dict[str, int] = {}
    for item in stored_items(tmp / "idx", tmp):
        name = Path(str(item["source"])).name
        counts[name] = counts.get(name, 0) + 1
    assert counts, "the seeds gave no items"
    return counts


@pytest.fixture(scope="module")
def good_seed(clean_seed_items: dict[str, int]) -> str:
    """The seed with the most items, so a lost item shows."""
    return max(clean_seed_items, key=lambda name: clean_seed_items[name])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_fails_alone(
    name: str, seeds_dir: Path, tmp_path: Path, clean_seed_items: dict[str, int], good_seed: str
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    HOSTILE[name](folder / name)
    (folder / good_seed).write_bytes((seeds_dir / good_seed).read_bytes())

    run = ingest(tmp_path / "idx", [folder], tmp_path)

    assert run.code == 1, f"exit {run.code}\n{run.stdout}\n{run.stderr}"
    assert_clear_failure(run, name)
    assert not lines_naming(run.stderr, good_seed), run.stderr
    items = stored_items(tmp_path / "idx", tmp_path)
    assert {Path(str(i["source"])).name for i in items} == {good_seed}
    assert len(items) == clean_seed_items[good_seed]


def test_xobject_bomb_is_bounded(seeds_dir: Path, tmp_path: Path, good_seed: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    xobject_bomb_pdf(folder / "xobject-bomb.pdf")
    (folder / good_seed).write_bytes((seeds_dir / good_seed).read_bytes())

    run = ingest(tmp_path / "idx", [folder], tmp_path)

    assert run.code in (0, 1), run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    if run.code == 1:
        assert_clear_failure(run, "xobject-bomb.pdf")
    assert run.max_rss_bytes < RSS_LIMIT_BYTES
    sources = {Path(str(i["source"])).name for i in stored_items(tmp_path / "idx", tmp_path)}
    assert good_seed in sources


def test_all_hostile_files_in_one_run_lose_nothing(
    seeds_dir: Path, tmp_path: Path, clean_seed_items: dict[str, int]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, make in {**HOSTILE, **BOUNDED_ONLY}.items():
        make(folder / name)
    for seed in seeds_dir.glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())

    run = ingest(tmp_path / "idx", [folder], tmp_path)

    assert run.code == 1, run.stderr
    for name in HOSTILE:
        assert_clear_failure(run, name)
    counts: dict[str, int] = {}
    for item in stored_items(tmp_path / "idx", tmp_path):
        source = Path(str(item["source"])).name
        counts[source] = counts.get(source, 0) + 1
    assert counts == clean_seed_items
    # A later run over the same folder re-reports the bad files and keeps the good ones.
    again = ingest(tmp_path / "idx", [folder], tmp_path)
    assert again.code == 1
    assert len(stored_items(tmp_path / "idx", tmp_path)) == sum(clean_seed_items.values())


def test_cp1252_text_is_read_with_its_letters(
    seeds_dir: Path, tmp_path: Path, good_seed: str
) -> None:
    """Windows-1252 is not hostile: it is ingested, and å/ä/ö come out as in the UTF-8 file."""
    text = (seeds_dir / good_seed).read_text(encoding="utf-8")
    assert any(ch in text for ch in "åäöÅÄÖ")
    utf8_dir, cp_dir = tmp_path / "utf8", tmp_path / "cp1252"
    utf8_dir.mkdir()
    cp_dir.mkdir()
    (utf8_dir / "protokoll.txt").write_text(text, encoding="utf-8")
    (cp_dir / "protokoll.txt").write_bytes(text.encode("cp1252", errors="replace"))

    ok_utf8 = ingest(tmp_path / "idx-utf8", [utf8_dir], tmp_path)
    ok_cp = ingest(tmp_path / "idx-cp", [cp_dir], tmp_path)

    assert ok_utf8.code == 0, ok_utf8.stderr
    assert ok_cp.code == 0, ok_cp.stderr
    titles_utf8 = [i["title"] for i in stored_items(tmp_path / "idx-utf8", tmp_path)]
    titles_cp = [i["title"] for i in stored_items(tmp_path / "idx-cp", tmp_path)]
    assert titles_cp == titles_utf8
    assert any(ch in "".join(map(str, titles_cp)) for ch in "åäöÅÄÖ")


def test_resource_accounting_sees_the_child(tmp_path: Path) -> None:
    """The memory bound above is only worth something if the launcher measures the CLI itself."""
    run = run_cli(["--help"], tmp_path)
    assert run.code == 0
    assert 10 * 1024 * 1024 < run.max_rss_bytes < RSS_LIMIT_BYTES
    # ... and not this process: with 768 MB resident here (as after a test that loaded a model),
    # the CLI's --help still measures its own few dozen MB.
    ballast = bytearray(768 << 20)
    ballast[:: 1 << 12] = b"\x01" * len(range(0, len(ballast), 1 << 12))
    run = run_cli(["--help"], tmp_path)
    del ballast
    assert run.code == 0
    assert 10 * 1024 * 1024 < run.max_rss_bytes < 256 * 1024 * 1024
