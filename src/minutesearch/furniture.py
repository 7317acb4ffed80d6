"""Page furniture: headers, footers, page numbers and signature stamps that repeat on pages.

Used by the reader; kept apart from textutil so each module stays small.
"""

from __future__ import annotations

import re

from .textutil import _TERMINAL, SECTION_START, _typical_width, is_heading, normalize_whitespace

_PAGE_NUMBER = re.compile(
    r"^(?:sida\s*)?-?\s*\d{1,4}\s*-?\s*(?:(?:av|/|of)\s*\d{1,4}|\(\s*\d{1,4}\s*\))?$", re.I
)
# "Sida 2 av 3", "10 / 21", "1(2)": a page number and a page count.
_PAGE_OF = re.compile(r"^(?:sida\s*)?(\d{1,3})\s*(?:av|/|of|\()\s*(\d{1,3})\s*\)?$", re.I)
# Signature stamps and justification notes that belong to no item.
_NOISE = re.compile(
    r"^(?:paragrafen är justerad|signerat med .{0,40}signeringsportal|"
    r"justerandes sign(?:atur)?(?:\s+utdragsbestyrkande)?|ordförandes sign(?:atur)?)$",
    re.I,
)
# Lines that only ever appear as page furniture; a run of two of them marks a page header.
_MARKER = re.compile(
    r"^(?:protokoll|mötesdatum|utdragsbestyrkande|protokoll nr \d+|sammanträdesdatum:?\s*\S+|"
    r"justerandes sign(?:atur)?.*|paragrafen är justerad|signerat med .*)$",
    re.I,
)
_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}|\d{1,2} (?:januari|februari|mars|april|maj|juni|juli|augusti|"
    r"september|oktober|november|december) \d{4}",
    re.I,
)
_EDGE = 8  # header/footer lines are looked for among the first and last 8 non-blank lines


def _protected(key: str) -> bool:
    """Lines that are content however often they recur: § headings and section headings."""
    return bool(SECTION_START.match(key)) or is_heading(key)


def _page_key(line: str) -> str:
    return re.sub(r"\d", "#", normalize_whitespace(line))


def _is_page_number(text: str, page_no: int) -> bool:
    """A page number: "Sida 2 av 3", "10 / 21", "1(2)" (number within count), or this page's."""
    m = _PAGE_OF.match(text)
    if m:
        return 0 < int(m.group(1)) <= int(m.group(2))
    return text in (str(page_no), f"Sida {page_no}", f"- {page_no} -")


def _edge_set(pages: list[list[str]], top: bool) -> set[str]:
    """Keys found at about the same place near the top (bottom) of half the pages, two at least.

    The place matters: a table row that happens to end two pages of a short document is content,
    a header sits at the same offset from the page edge on every page.
    """
    where: dict[str, list[set[int]]] = {}
    for n, lines in enumerate(pages):
        keys = [_page_key(s) for s in lines if s.strip()]
        edge = keys[:_EDGE] if top else keys[::-1][:_EDGE]
        for offset, k in enumerate(edge):
            where.setdefault(k, [set() for _ in range(_EDGE)])[offset].add(n)
    need = max(2, (len(pages) + 1) // 2)
    found = set()
    for k, at in where.items():
        if _protected(k):
            continue
        if any(len(set().union(*at[max(0, o - 1) : o + 2])) >= need for o in range(_EDGE)):
            found.add(k)
    return found


def _strip_edge(lines: list[str], furniture: set[str], page_no: int, top: bool) -> list[str]:
    """Drop furniture lines from one edge of a page, stopping at the first content line."""
    seq = lines if top else lines[::-1]
    cut, seen = 0, 0
    for i, line in enumerate(seq):
        text = normalize_whitespace(line)
        if not text:
            continue
        seen += 1
        is_number = seen <= 2 and _is_page_number(text, page_no)
        if _page_key(text) in furniture or _NOISE.match(text) or is_number:
            cut = i + 1
            continue
        break
    kept = seq[cut:]
    return kept if top else kept[::-1]


def strip_page_furniture(pages: list[str]) -> list[str]:
    """Remove headers, footers and page numbers repeated at the edges of the pages of a PDF."""
    split = [p.split("\n") for p in pages]
    many = len(split) >= 2
    head = _edge_set(split, top=True) if many else set()
    foot = _edge_set(split, top=False) if many else set()
    out = []
    for n, lines in enumerate(split):
        # The first page's header is the cover heading (body, "Protokoll", date): the parser needs it.
        lines = _strip_edge(lines, head if n else set(), n + 1, top=True)
        lines = _strip_edge(lines, foot, n + 1, top=False)
        out.append("\n".join(_drop_page_of(lines, n + 1)))
    return out


def _drop_page_of(lines: list[str], page_no: int) -> list[str]:
    """Drop "1 (3)" / "Sida 1 av 3" for this page inside a letterhead, away from the very edge."""
    filled = [i for i, s in enumerate(lines) if s.strip()]
    edge = set(filled[:12] + filled[-12:])  # letterheads run longer than page headers
    out = []
    for i, line in enumerate(lines):
        m = _PAGE_OF.match(normalize_whitespace(line)) if i in edge else None
        if m and int(m.group(1)) == page_no and page_no <= int(m.group(2)):
            continue
        out.append(line)
    return out


def strip_text_furniture(text: str) -> str:
    """Remove page headers repeated inline in text without page breaks, and signature stamps."""
    lines = text.split("\n")
    keys = [normalize_whitespace(s) for s in lines]
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1

    def candidate(k: str) -> bool:
        if not k or _protected(k):
            return False
        return counts[k] >= 3 or bool(_PAGE_NUMBER.match(k) or counts[k] >= 2 and _MARKER.match(k))

    drop = {n for n, k in enumerate(keys) if _NOISE.match(k)}
    seen_dates: set[str] = set()
    i = 0
    while i < len(lines):
        if not candidate(keys[i]):
            if _DATE.search(keys[i]):
                seen_dates.add(keys[i])
            i += 1
            continue
        run: list[int] = []
        j = i
        while j < len(lines) and (not keys[j] or candidate(keys[j])):
            if keys[j]:
                run.append(j)
            j += 1
        at = [n for n in run if _MARKER.match(keys[n])]
        if len({keys[n] for n in at}) >= 2:
            # A page header: everything from its first to its last marker line, and page numbers
            # right next to it. Recurring content lines beside it are not part of it.
            for n in run:
                key = keys[n]
                if not (at[0] <= n <= at[-1] or _PAGE_NUMBER.match(key)):
                    continue
                # The first dated header line carries body and date; the parser needs one copy.
                if _DATE.search(key) and key not in seen_dates:
                    seen_dates.add(key)
                    continue
                drop.add(n)
        seen_dates.update(keys[n] for n in run if _DATE.search(keys[n]))
        i = j
    return "\n".join(s for n, s in enumerate(lines) if n not in drop)


def collapse_double_spacing(text: str) -> str:
    """Undo converters that put a blank line after every line; a longer gap stays a paragraph break."""
    lines = text.split("\n")
    filled = sum(1 for s in lines if s.strip())
    if filled < 10:
        return text
    gaps = [len(g) for g in re.findall(r"\n(\n*)(?=\S)", text)]
    # Double spacing shows as almost no line directly followed by another, and mostly
    # single blank lines; documents with blank lines between paragraphs have many of the former.
    if gaps.count(0) > 0.1 * len(gaps) or gaps.count(1) < 0.5 * len(gaps):
        return text
    text = re.sub(r"\n{3,}", "\x00", text)  # a paragraph break: two or more blank lines
    text = text.replace("\n\n", "\n")
    return text.replace("\x00", "\n\n")


def join_pages(pages: list[str]) -> str:
    """Pages as one text: a blank line between them unless a paragraph runs on to the next page."""
    width = _typical_width([s for p in pages for s in p.split("\n")])
    out = ""
    for page in (p.strip("\n") for p in pages):
        if not page:
            continue
        if out:
            last = out.rsplit("\n", 1)[-1]
            runs_on = page[:1].islower() or (
                len(last) >= 0.6 * width and not _TERMINAL.search(last) and not is_heading(last)
            )
            out += "\n" if runs_on else "\n\n"
        out += page
    return out


def collapse_blank_lines(text: str) -> str:
    """At most one blank line in a row, none at the start or end."""
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")
