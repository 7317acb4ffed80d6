"""Find the § structure of a document: every line that could open a §, and the best sequence.

Any line that starts like a § heading is a candidate: `§ N`, `§N`, `§ N.`, `§ 3A`, `N §`, with or
without a title or a diarienummer after it. Some are rejected by their own shape (a reference
running on in lower case, an attendance range "§ 1-3A", a table-of-contents line ending in a page
number). The rest compete in one sequence chosen by dynamic programming: § numbers rise (by one,
or with gaps that cost a little), and a heading with an item's text after it weighs more than a
line in a list of headings. What the sequence does not take keeps a reason: an agenda before the
items, a table of contents after them, a duplicate, a line out of sequence. Nothing here knows
an issuer or a layout: position and context decide.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..textutil import BODY_PREFIX
from .parts import is_part_heading

# The reasons a §-like line is not an item.
REASONS = {
    "reference": "a reference in running text, not a heading",
    "attendance": "a § range (attendance or cover), not a heading",
    "toc": "a table of contents line (heading with a page number, or a list after the items)",
    "agenda": "an agenda line before the items",
    "duplicate": "the same § number is already an item",
    "out_of_sequence": "does not fit the document's § sequence",
    "continued": "continues the open item (forts.)",
    "ocr_unsupported": "an OCR-like § reading the sequence does not support",
}

_MAX_LINE = 400  # longer lines are running text; also keeps the regexes linear
_SIGN = r"§"
# What OCR makes of "§": "S 620", "$ 620", "8 620", and glued to the number, "8620" / "894"
# (Tesseract's Swedish model reads "§ 94" as "894"): one leading 8 is taken for the sign.
_OCR_SIGN = r"(?:[S$&]|8(?=[ \t]|\d{1,4}(?!\d)))"
# A sub-§ letter: "3A", "3b", or set apart ("3 a", "3 B.") when what follows cannot be a word.
_NUM = (
    r"(?P<num>\d{1,4})(?:(?P<suf>[A-Za-z](?![A-Za-zÅÄÖåäö]))"
    r"|[ \t](?P<suf2>[A-Ha-h])(?=[ \t]*(?:$|[.):]|[ \t]+[A-ZÅÄÖ\d])))?(?![\d§])"
)
_RANGE = r"(?P<range>[ \t]*[-–][ \t]*§?[ \t]*\d{1,4}[A-Za-z]?(?![\d]))?"
_SIGN_FIRST = re.compile(rf"^[ \t]*{BODY_PREFIX}(?P<sign>{_SIGN})[ \t]*{_NUM}{_RANGE}(?P<rest>.*)$")
_OCR_FIRST = re.compile(rf"^[ \t]*(?P<sign>{_OCR_SIGN})[ \t]*{_NUM}{_RANGE}(?P<rest>.*)$")
_SIGN_AFTER = re.compile(
    r"^[ \t]*(?P<num>\d{1,4})(?:[ \t]?(?P<suf>[A-Za-z]))?[ \t]*§(?!§)(?P<range>)(?P<rest>.*)$"
)
_LEAD = re.compile(r"^[ \t]*[.:)][ \t]*|^[ \t]+[-–][ \t]+")
_PAGE_REF = re.compile(r"(?:\.{3,}|…+|\t|[ \t]{3,})[ \t.…]*(\d{1,3})[ \t]*$")
_FORTS = re.compile(r"^\(?forts(?:\.|ätt\w*)?(?:\b|$)", re.IGNORECASE)
# A diarienummer right after the number: "0509/23", "2026.016 KS", "KS 2023/0123",
# "SLK-2024-00062", "Dnr 2023-000123", "Ärendenummer SLK-2024-00062".
_DNR = re.compile(
    r"^(?:(?i:ärendenummer|diarienummer|diarienr|dnr)\.?[ \t]*:?[ \t]*)?"
    r"(?P<dnr>(?:[A-ZÅÄÖ]{2,6}[ /-]?)?\d{2,4}[./:-]\d{1,6}(?:[./:-]\d{1,6})?(?::-?\d+)?"
    r"(?:[ \t]+[A-ZÅÄÖ]{2,6}(?![\wÅÄÖåäö-]))?)"
    r"(?![\d./:-])[ \t]*(?P<title>.*)$"
)
_LABELLED_DNR = re.compile(
    r"[ \t,(]+(?i:dnr|diarienr|diarienummer|ärendenummer)\.?[ \t]*:?[ \t]*(?P<dnr>[^\s()]+(?:[ \t]+[A-ZÅÄÖ]{2,6})?)\)?[ \t]*$"
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_JOINERS = {
    "och", "i", "av", "för", "till", "om", "med", "mellan", "på", "från", "inom", "vid", "den",
    "enligt", "kap.", "se", "jämför", "jfr", "samt", "under",
}  # fmt: skip
_OPENERS = "\"”'«(„"
_WINDOW = 250  # predecessors looked at per candidate (bounds the work on hostile input)
# No protocol has thousands of § headings; past this many §-like lines the rest of a (hostile or
# mis-read) text is not searched for more.
MAX_CANDIDATES = 5000


@dataclass
class Candidate:
    """One line that could open a §, what was read from it, and what became of it."""

    line_no: int
    line: str
    number: int
    suffix: str = ""  # "A" in "§ 3A"
    rest: str = ""  # the text after the number (dnr and title)
    title: str = ""  # rest without the dnr
    dnr: str | None = None
    style: str = "sign"  # "sign" (§ N), "after" (N §) or "ocr" (8 N / S N read for § N)
    forts: bool = False
    page_ref: bool = False  # ends in a page number: a table-of-contents line
    content: int = 0  # non-blank lines up to the next candidate in play
    has_parts: bool = False  # a part heading ("Beslut", "Yrkande") before the next candidate
    listed: bool = False  # one of a run of three or more bare headings (a list, not items)
    taken: bool = False
    reason: str | None = None

    @property
    def label(self) -> str:
        return f"{self.number}{self.suffix}"

    @property
    def key(self) -> tuple[int, int]:
        return (self.number, ord(self.suffix.upper()) - 64 if self.suffix else 0)

    @property
    def ocr(self) -> bool:
        return self.style == "ocr"


@dataclass
class Segmentation:
    """All candidates in line order; `taken` are the § headings, in order."""

    candidates: list[Candidate] = field(default_factory=list)

    @property
    def taken(self) -> list[Candidate]:
        return [c for c in self.candidates if c.taken]

    @property
    def rejected(self) -> list[Candidate]:
        return [c for c in self.candidates if not c.taken]


def candidate(line: str, prev: str, *, ocr: bool = False) -> Candidate | None:
    """The § reading of one line, or None when it does not start like a § at all.

    A line that starts like a § but cannot be a heading (lower-case continuation, a range) comes
    back with its reason set, so that every §-like line can be accounted for.
    """
    if len(line) > _MAX_LINE or not line.strip():
        return None
    style = "sign"
    m = _SIGN_FIRST.match(line)
    if m is None:
        m = _SIGN_AFTER.match(line)
        style = "after"
    if m is None and ocr:
        m = _OCR_FIRST.match(line)
        style = "ocr"
    if m is None:
        return None
    suffix = m.groupdict().get("suf") or m.groupdict().get("suf2") or ""
    cand = Candidate(-1, line, int(m.group("num")), suffix.upper(), style=style)
    raw_rest = m.group("rest")
    if m.group("range"):
        cand.reason = "attendance"
        return cand
    rest = _LEAD.sub("", raw_rest, count=1).strip() if raw_rest.strip() else ""
    if _FORTS.match(rest):
        cand.forts = True
        return cand
    page = _PAGE_REF.search(rest)
    if page and page.start() > 0:
        cand.page_ref = True
        rest = rest[: page.start()].strip().rstrip(".… ").strip()
    cand.rest = rest
    dm = _DNR.match(rest)
    if dm and not _ISO_DATE.match(dm.group("dnr").strip()):
        cand.dnr = re.sub(r"\s+", " ", dm.group("dnr")).strip()
        cand.title = dm.group("title").strip()
    else:
        cand.title = rest
        lm = _LABELLED_DNR.search(rest)
        if lm:
            cand.dnr = re.sub(r"\s+", " ", lm.group("dnr")).strip()
            cand.title = rest[: lm.start()].strip(" ,")
    cand.reason = _shape_reason(cand, raw_rest, prev)
    return cand


def _shape_reason(cand: Candidate, raw_rest: str, prev: str) -> str | None:
    """ "reference" when the line reads as running text rather than a heading."""
    title = cand.title
    if cand.dnr is None and title:
        first = title[0]
        if not (first.isupper() or first.isdigit() or first in _OPENERS):
            return "reference"  # "§ 12 i protokollet", "5 § kommunallagen"
        if first.isdigit() and not re.match(r"\d+(?::e|:a)?\s+[A-Za-zÅÄÖåäö]", title):
            return "reference"  # "§ 12 3 st.", a number list
    if cand.style == "after" and (
        raw_rest[:1] not in ("", " ", "\t") or raw_rest.strip()[:1].isdigit()
    ):
        return "reference"  # "4 §§", "2025 § 79 för att ..." (a wrapped date and §)
    if not raw_rest.strip() or raw_rest.strip() == ".":
        p = prev.rstrip()
        words = p.split()
        if p.endswith((",", "§", "-", "–")) or (words and words[-1].lower() in _JOINERS):
            return "reference"  # "... den 13 december 2023,\n§ 925" is a wrapped reference
    return None


_OCR_BARE = re.compile(r"^[ \t]*(?:[S$&][ \t]?|8[ \t]?)\d{1,4}[ \t]*$")


_OCR_RANGE = re.compile(
    r"(?<![\w§$-])(?:88|SS|\$\$|§8|8§|§S|S§)(?=[ \t]?\d{1,4}[ \t]*[-–][ \t]*\d)"
)


def fix_ocr_ranges(line: str) -> str:
    """ "Paragrafer 8834-39" -> "Paragrafer §§34-39": OCR reads "§§" before a range as "88"."""
    return _OCR_RANGE.sub("§§", line) if ("8" in line or "S" in line or "$" in line) else line


def keep_ocr_headings(cleaned: list[str], raw: list[str]) -> list[str]:
    """Put back bare "894" lines that page-furniture cleaning took for page numbers.

    In OCR'd text "§ 94" alone on a line reads "894": it is up to the sequence to decide.
    """
    return [
        r if not c.strip() and r.strip() and _OCR_BARE.match(r) else c
        for c, r in zip(cleaned, raw, strict=True)
    ]


def find_candidates(lines: list[str], *, ocr: bool = False) -> list[Candidate]:
    out: list[Candidate] = []
    prev = ""
    for no, line in enumerate(lines):
        if "§" in line or (ocr and line[:8].strip()[:1] in "S$&8"):
            cand = candidate(line, prev, ocr=ocr)
            if cand is not None:
                cand.line_no = no
                out.append(cand)
                if len(out) >= MAX_CANDIDATES:
                    break
        if line.strip():
            prev = line
    return out


def segment(
    lines: list[str], declared: tuple[int, int] | None = None, *, ocr: bool = False
) -> Segmentation:
    """Candidates with `taken` and `reason` set: the § headings of the document and the rest."""
    cands = find_candidates(lines, ocr=ocr)
    live = [c for c in cands if c.reason is None and not c.forts]
    _measure(live, lines)
    _choose(live, declared)
    _explain(cands)
    return Segmentation(cands)


def _measure(live: list[Candidate], lines: list[str]) -> None:
    """Content lines and part headings between each live candidate and the next one."""
    for i, c in enumerate(live):
        end = live[i + 1].line_no if i + 1 < len(live) else len(lines)
        end = min(end, c.line_no + 400)
        body = [ln for ln in lines[c.line_no + 1 : end] if ln.strip()]
        c.content = len(body) + (1 if c.title else 0)
        c.has_parts = any(is_part_heading(ln) for ln in body[:200])


def _weight(
    c: Candidate, listed: bool, declared: tuple[int, int] | None, rare: set[str] | None = None
) -> float:
    """How strongly a candidate looks like a heading with an item under it."""
    w = 0.6 + 0.15 * min(c.content, 6) + (0.5 if c.has_parts else 0.0)
    if rare and c.style in rare:
        w -= 0.4  # "12 § Lagen om …" in a document whose headings are "§ N"
    if listed:
        w = min(w, 0.45)  # one of a run of bare headings: an agenda, a list or a contents page
    if c.page_ref:
        w -= 1.0
    if declared is not None and not declared[0] <= c.number <= declared[1]:
        w -= 1.5
    if c.ocr:
        w *= 0.8
    return w


def _listed(live: list[Candidate]) -> list[bool]:
    """Candidates inside a run of at least three headings with at most a title line each."""
    bare = [c.content <= 1 and not c.has_parts for c in live]
    out = [False] * len(live)
    i = 0
    while i < len(live):
        j = i
        while j < len(live) and bare[j]:
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                out[k] = True
        i = max(j, i + 1)
    return out


def _gap_cost(a: Candidate, b: Candidate) -> float:
    gap = 0 if b.number == a.number else b.number - a.number - 1
    cost = 0.0 if gap == 0 else 0.3 + 0.25 * math.log2(1 + gap)
    if gap and (a.ocr or b.ocr):
        cost += 1.5  # an OCR reading is a heading only where the numbering vouches for it
    return cost


def _choose(live: list[Candidate], declared: tuple[int, int] | None) -> None:
    """Mark the best chain of rising § numbers as taken (weighted longest chain)."""
    if not live:
        return
    for c, lst in zip(live, _listed(live), strict=True):
        c.listed = lst
    # A document writes its headings one way: the minority way ("N §" among "§ N") is weaker.
    styles = [c.style for c in live if c.style != "ocr"]
    rare = {st for st in set(styles) if styles.count(st) * 4 < len(styles)}
    weights = [_weight(c, c.listed, declared, rare) for c in live]
    n = len(live)
    window = _WINDOW if n <= 1000 else 25
    keys = [c.key for c in live]
    best = [0.0] * n
    back = [-1] * n
    for j, c in enumerate(live):
        start = weights[j] - (0.5 if c.ocr else 0.0)
        best[j], back[j] = start, -1
        key = keys[j]
        for i in range(max(0, j - window), j):
            if keys[i] >= key:
                continue
            score = best[i] + weights[j] - _gap_cost(live[i], c)
            if score > best[j]:
                best[j], back[j] = score, i
    end = max(range(n), key=lambda k: best[k])
    if best[end] <= 0:
        return
    while end >= 0:
        live[end].taken = True
        end = back[end]


def _explain(cands: list[Candidate]) -> None:
    """A reason for every candidate the chain did not take."""
    taken = [c for c in cands if c.taken]
    if not taken:
        for c in cands:
            if c.reason is None:
                c.reason = "toc" if c.page_ref else "out_of_sequence"
        return
    keys = {c.key for c in taken}
    first, last = taken[0].line_no, taken[-1].line_no
    open_item: Candidate | None = None
    for c in cands:
        if c.taken:
            open_item = c
            continue
        if c.reason is not None:
            continue
        if c.forts:
            same = open_item is not None and open_item.number == c.number
            c.reason = "continued" if same else "out_of_sequence"
        elif c.page_ref:
            c.reason = "toc"
        elif c.line_no < first:
            c.reason = "agenda" if c.content <= 4 or c.key in keys else "out_of_sequence"
        elif c.line_no > last and (c.listed or (c.key in keys and c.content <= 2)):
            c.reason = "toc"
        elif c.listed:
            c.reason = "reference"  # a list of §§ inside an item ("Föredragningar: § 25 ...")
        elif c.key in keys:
            c.reason = "duplicate"
        elif c.ocr:
            c.reason = "ocr_unsupported"
        else:
            c.reason = "out_of_sequence"
    # The last line of a list of §§ inside an item runs on into the text after it.
    for prev, c in zip(cands, cands[1:], strict=False):
        listed_ref = prev.reason == "reference" and prev.listed
        if c.reason == "duplicate" and listed_ref and c.line_no - prev.line_no <= 3:
            c.reason, c.listed = "reference", True
    # A line among table-of-contents lines after the items is one, page number read or not.
    tail = [c for c in cands if c.line_no > last]
    for k, c in enumerate(tail):
        near = tail[max(0, k - 1) : k] + tail[k + 1 : k + 2]
        if c.reason in ("duplicate", "out_of_sequence") and any(n.reason == "toc" for n in near):
            c.reason = "toc"


def toc_start(seg: Segmentation) -> int | None:
    """The line where a table of contents after the last item begins, if there is one."""
    taken = seg.taken
    if not taken:
        return None
    after = [c for c in seg.candidates if c.line_no > taken[-1].line_no]
    if after and after[0].reason == "toc" and sum(c.reason == "toc" for c in after) >= 2:
        return after[0].line_no
    return None
