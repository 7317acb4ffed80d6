r"""Parser report: § precision/recall per layout against gold, a naive baseline, range checks.

Usage: python scripts/eval_parse.py [CORPUS_DIR] [--gold-only | --no-gold]
                                                  (default ../shared/corpus-extra)

1. Range check: reads every supported file below CORPUS_DIR, prints one row per file (kind, body,
   date, items vs. the cover's and SOURCES.md's § ranges, warnings) and the totals.
2. Gold: every JSON file under eval/parse_gold/dev/ and eval/parse_gold/heldout/
   ({"doc", "layout", "kind", "sections", optional "date", "body", "issuer", "ocr"}) is read,
   parsed and scored: § precision/recall/F1 per layout (micro, over § labels such as "96A"),
   kind accuracy and documents whose § list is exact. The same run scores a NAIVE BASELINE:
   every line matching `^\s*§\s*\d+` or `^\s*\d+\s*§` is an item. Held-out figures are
   printed per layout in aggregate only: no document names, no per-document results.
Writes nothing.
"""

from __future__ import annotations

import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from minutesearch.errors import MinutesearchError
from minutesearch.ingest import discover
from minutesearch.parse import parse_document
from minutesearch.read import read_document

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "corpus-extra"
GOLD = REPO / "eval" / "parse_gold"
SEEDS = REPO / "corpus"
_NAIVE = re.compile(r"^\s*(?:§\s*(\d+)([A-Za-z]?)(?![A-Za-zÅÄÖåäö])|(\d+)\s*§)")
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
    for path in discover([root])[0]:
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


@dataclass
class Score:
    """Counts over § labels (multisets) and documents."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    docs: int = 0
    kind_ok: int = 0
    exact: int = 0
    skipped: int = 0

    def add(self, pred: list[str], gold: list[str]) -> None:
        rest = list(gold)
        hit = 0
        for p in pred:
            if p in rest:
                rest.remove(p)
                hit += 1
        self.tp += hit
        self.fp += len(pred) - hit
        self.fn += len(rest)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def gold_path(doc: str, extra: Path) -> Path:
    """ "extra:<path>" (corpus-extra), "seed:<file>" (corpus/) or a path from the repo root."""
    if doc.startswith("extra:"):
        return extra / doc[len("extra:") :]
    if doc.startswith("seed:"):
        return SEEDS / doc[len("seed:") :]
    return REPO / doc


def naive_sections(text: str) -> list[str]:
    """The baseline: every line that starts like "§ N" or "N §" is an item."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _NAIVE.match(line)
        if m:
            out.append(m.group(3) or f"{m.group(1)}{m.group(2).upper()}")
    return out


def score_gold(split: str, extra: Path) -> dict[str, dict[str, tuple[Score, Score]]]:
    """{grouping: {name: (segmenter score, baseline score)}} for one split's gold files."""
    groups: dict[str, dict[str, tuple[Score, Score]]] = {"layout": {}, "issuer": {}, "batch": {}}
    for gold_file in sorted((GOLD / split).glob("*.json")):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        path = gold_path(gold["doc"], extra)
        # Held-out documents come in batches written blind at different times (b1 first); a
        # batch whose failures were once looked at moves to dev, so each batch row stays blind.
        batch = gold.get("batch", "b1") if split == "heldout" else None
        keys = {"layout": gold.get("layout", "?"), "issuer": gold.get("issuer"), "batch": batch}
        if not path.is_file():
            for group, name in keys.items():
                if name:
                    groups[group].setdefault(name, (Score(), Score()))[0].skipped += 1
            continue
        try:
            result = read_document(path)
        except MinutesearchError:
            result = None
        text = result.text if result is not None else ""
        ocr = bool(gold.get("ocr")) or bool(getattr(result, "ocr_pages", None))
        doc = parse_document(text, str(path), ocr=ocr)
        pred = [i.section_label or str(i.section) for i in doc.items]
        expected = [str(s) for s in gold["sections"]]
        base = naive_sections(text)
        for group, name in keys.items():
            if not name:
                continue
            ours, naive = groups[group].setdefault(name, (Score(), Score()))
            for sc, got in ((ours, pred), (naive, base)):
                sc.add(got, expected)
                sc.docs += 1
                sc.exact += got == expected
            ours.kind_ok += doc.kind == gold.get("kind", doc.kind)
            naive.kind_ok += ("attachment" if not base else "protocol") == gold.get("kind")
    return groups


def print_gold(extra: Path) -> None:
    head = (
        f"{'split':<8} {'layout':<30} {'docs':>4} {'kind':>5} {'exact':>5}"
        f" {'P':>6} {'R':>6} {'F1':>6}   {'base P':>6} {'base R':>6} {'base F1':>7}"
    )
    print()
    print("§ segmentation against gold (eval/parse_gold): micro P/R/F1 over § labels")
    print("baseline: every line matching ^§ N / ^N § is an item (naive scan)")
    print(head)
    print("-" * len(head))
    for split in ("dev", "heldout"):
        groups = score_gold(split, extra)
        rows = sorted(groups["layout"].items())
        total, total_base = Score(), Score()
        for name, (ours, naive) in rows:
            _row(split, name, ours, naive)
            for sc, into in ((ours, total), (naive, total_base)):
                for f in ("tp", "fp", "fn", "docs", "kind_ok", "exact", "skipped"):
                    setattr(into, f, getattr(into, f) + getattr(sc, f))
        if rows:
            _row(split, "ALL", total, total_base)
        else:
            print(f"{split:<8} (no gold files)")
        by = "issuer" if split == "dev" else "batch"
        for name, (ours, naive) in sorted(groups[by].items()):
            _row(by, name, ours, naive)
        print("-" * len(head))


def _row(split: str, name: str, ours: Score, naive: Score) -> None:
    p, r, f = ours.prf()
    bp, br, bf = naive.prf()
    skipped = f"  ({ours.skipped} gold docs not found)" if ours.skipped else ""
    if not ours.docs:
        print(f"{split:<8} {name[:30]:<30} {0:>4}{skipped}")
        return
    print(
        f"{split:<8} {name[:30]:<30} {ours.docs:>4} {ours.kind_ok:>5} {ours.exact:>5}"
        f" {p:>6.3f} {r:>6.3f} {f:>6.3f}   {bp:>6.3f} {br:>6.3f} {bf:>7.3f}{skipped}"
    )


def main(argv: list[str]) -> int:
    args = [a for a in argv[1:] if not a.startswith("--")]
    root = Path(args[0]) if args else DEFAULT
    if "--gold-only" in argv:
        print_gold(root if root.is_dir() else DEFAULT)
        return 0
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
    if "--no-gold" not in argv:
        print_gold(root if (root / "SOURCES.md").is_file() else DEFAULT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
