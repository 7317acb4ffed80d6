"""Parser report over a corpus folder: kind, body, date, items vs. declared § ranges, warnings.

Usage: python scripts/eval_parse.py [CORPUS_DIR]   (default ../shared/corpus-extra)
Reads every .pdf/.txt/.docx below CORPUS_DIR, prints one row per file and the totals; writes nothing.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from minutesearch.errors import MinutesearchError
from minutesearch.parse import parse_document
from minutesearch.read import SUPPORTED_SUFFIXES, read_document

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus-extra"
_RANGE = re.compile(r"§§?\s*(\d+)(?:\s*[-–]\s*(\d+))?")


@dataclass
class Row:
    """One file's outcome."""

    name: str
    kind: str
    body: str
    date: str
    items: int
    found: str
    cover: str
    listed: str
    match: bool | None
    warnings: list[str]
    parse_ms: float


def sources_ranges(root: Path) -> dict[str, tuple[int, int]]:
    """§ ranges stated per file in SOURCES.md ("| §§94-110 |"), keyed by relative path."""
    table = root / "SOURCES.md"
    out: dict[str, tuple[int, int]] = {}
    if not table.is_file():
        return out
    for line in table.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 5 or not cells[4].startswith("§"):
            continue
        m = _RANGE.match(cells[4])
        if m:
            a = int(m.group(1))
            out[cells[0]] = (a, int(m.group(2)) if m.group(2) else a)
    return out


def _span(sections: list[int]) -> str:
    if not sections:
        return "-"
    return f"§{sections[0]}" if len(sections) == 1 else f"§§{sections[0]}-{sections[-1]}"


def _fmt(span: tuple[int, int] | None) -> str:
    if span is None:
        return "-"
    return f"§{span[0]}" if span[0] == span[1] else f"§§{span[0]}-{span[1]}"


def evaluate(root: Path) -> list[Row]:
    """Read and parse every document below `root`."""
    expected = sources_ranges(root)
    rows: list[Row] = []
    for path in sorted(p for p in root.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES):
        rel = path.relative_to(root).as_posix()
        try:
            text = read_document(path).text
        except MinutesearchError as exc:
            rows.append(Row(rel, "unreadable", "", "", 0, "-", "-", "-", None, [exc.msg], 0.0))
            continue
        t0 = time.perf_counter()
        doc = parse_document(text, str(path))
        ms = (time.perf_counter() - t0) * 1000
        sections = [i.section for i in doc.items]
        ranges = [r for r in (doc.declared_sections, expected.get(rel)) if r is not None]
        # Exact: the § numbers found are the stated range, each once (cover and SOURCES.md alike).
        match = all(sections == list(range(a, b + 1)) for a, b in ranges) if ranges else None
        rows.append(
            Row(
                rel,
                doc.kind,
                doc.body_short or doc.body or "?",
                doc.date or "?",
                len(doc.items),
                _span(sections),
                _fmt(doc.declared_sections),
                _fmt(expected.get(rel)),
                match,
                doc.warnings,
                ms,
            )
        )
    return rows


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not root.is_dir():
        print(f"corpus folder not found: {root}", file=sys.stderr)
        return 2
    rows = evaluate(root)
    head = f"{'file':<58} {'kind':<10} {'body':<7} {'date':<10} {'items':>5} {'found':<11}"
    print(f"{head} {'cover':<11} {'SOURCES':<11} ok  warn")
    for r in rows:
        ok = "-" if r.match is None else ("yes" if r.match else "NO")
        line = f"{r.name[:58]:<58} {r.kind:<10} {r.body[:7]:<7} {r.date:<10} {r.items:>5} {r.found:<11}"
        print(f"{line} {r.cover:<11} {r.listed:<11} {ok:<3} {len(r.warnings)}")
        for w in r.warnings:
            print(f"    ! {w}")
    ranged = [r for r in rows if r.match is not None]
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    listed = [r for r in rows if r.listed != "-"]
    print()
    print(f"documents: {len(rows)} ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")
    print(f"items: {sum(r.items for r in rows)}")
    print(f"cover ranges read: {sum(1 for r in rows if r.cover != '-')} documents")
    print(
        f"cover range agrees with SOURCES.md: {sum(1 for r in listed if r.cover in ('-', r.listed))}/{len(listed)}"
    )
    print(
        f"exact § range matches: {sum(1 for r in ranged if r.match)}/{len(ranged)} documents with a range"
    )
    print(
        f"warnings: {sum(len(r.warnings) for r in rows)} in {sum(1 for r in rows if r.warnings)} documents"
    )
    total = sum(r.parse_ms for r in rows)
    print(
        f"parse time: {total:.0f} ms total, max {max((r.parse_ms for r in rows), default=0):.1f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
