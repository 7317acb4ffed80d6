"""Line clean-up the parser does itself, in case the reader left page furniture behind."""

from __future__ import annotations

import re
from collections import Counter

from ..textutil import SECTION_START
from .parts import is_part_heading

_MARKUP = re.compile(r"</?[A-Za-z]{1,6}\s*/?>")
# Lines that only ever appear as page headers/footers; matched on the stripped line.
_ANCHORS = re.compile(
    r"(?:protokoll|utdragsbestyrkande|justerandes\s+sign(?:atur)?(?:\s+utdragsbestyrkande)?"
    r"|mötesdatum|justerat\s+av|sida\s*\d+(?:\s*\(\s*\d+\s*\)|\s+av\s+\d+)?|\d{1,3}\s*/\s*\d{1,3}"
    r"|\d{1,3}\s*\(\s*\d{1,3}\s*\)|\d{1,3}|protokoll\s+nr\s*\d+|paragrafen\s+är\s+justerad"
    r"|signerat\s+med\s+.*signeringsportal)",
    re.IGNORECASE,
)
_WINDOW = 3
_COLUMNS = re.compile(r"\s{3,}|\t+")
# A page marker ending a running header: "1 (3)", "Sida 2 av 9", "2/9", or a number set apart.
_PAGE_MARK = re.compile(
    r"(?:\d{1,3}\s*\(\s*\d{1,3}\s*\)|sida\s*\d{1,3}(?:\s*(?:av|\()\s*\d{1,3}\)?)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|(?<=\s{3})\d{1,3})\s*$",
    re.IGNORECASE,
)


def strip_markup(text: str) -> str:
    """Remove stray HTML-like tags ("<i>ordf.</i>") and NUL bytes."""
    return _MARKUP.sub("", text.replace("\x00", ""))


def is_furniture(line: str) -> bool:
    """A page header/footer line such as "PROTOKOLL", "Sida 3 av 21" or a bare page number.

    Also a line of such cells set apart in columns ("Justerandes sign      Utdragsbestyrkande").
    """
    s = line.strip()
    if not s or len(s) >= 120:
        return False
    if len(s) < 80 and _ANCHORS.fullmatch(s) is not None:
        return True
    cells = [c for c in _COLUMNS.split(s) if c]
    return len(cells) > 1 and all(_ANCHORS.fullmatch(c) is not None for c in cells)


def _running_headers(lines: list[str]) -> set[int]:
    """Lines that end in a page marker and recur, page numbers aside, on two or more pages.

    "Brf Lönnen  2024-03-21  1 (3)" or "Kammarens protokoll 2019/20:45   2": whatever the
    header says, it is the same line on every page but for the page number.
    """
    keyed: dict[str, list[int]] = {}
    for i, ln in enumerate(lines):
        s = ln.strip()
        if not s or len(s) > 160 or SECTION_START.match(s):
            continue
        m = _PAGE_MARK.search(s)
        if m is None or m.start() == 0:
            continue
        key = re.sub(r"\s+", " ", s[: m.start()]).strip().lower()
        if key:
            keyed.setdefault(key, []).append(i)
    return {i for found in keyed.values() if len(found) >= 2 for i in found}


def split_lines(text: str) -> list[str]:
    """Text -> lines without markup, any newline convention."""
    return (
        strip_markup(text).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n")
    )


def clean_lines(raw: list[str]) -> list[str]:
    """Lines with furniture blanked out; line positions are kept (furniture becomes "")."""
    lines = [ln.rstrip() for ln in raw]
    headers = _running_headers(lines)
    anchors = [i for i, ln in enumerate(lines) if i in headers or is_furniture(ln)]
    if not anchors:
        return lines
    # The repeated body/date header ("Kommunstyrelsen", "2026-06-01") sits next to the anchors:
    # a short line that recurs beside them on several pages is furniture too.
    # Counted once per line, not per anchor: one line beside two anchors on the same page
    # ("Paragrafen är justerad", "Utdragsbestyrkande") is not a repeated header.
    seen_at: dict[str, set[int]] = {}
    windows: list[list[int]] = []
    for a in anchors:
        win = _neighbours(lines, a, headers)
        windows.append(win)
        for j in win:
            seen_at.setdefault(lines[j].strip(), set()).add(j)
    near: Counter[str] = Counter({k: len(v) for k, v in seen_at.items()})
    repeated = {
        s
        for s, n in near.items()
        if n >= 2 and len(s) <= 60 and not SECTION_START.match(s) and not is_part_heading(s)
    }
    out = list(lines)
    for a, win in zip(anchors, windows, strict=True):
        out[a] = ""
        for j in win:
            if lines[j].strip() in repeated:
                out[j] = ""
    return out


def _neighbours(lines: list[str], at: int, skip: set[int]) -> list[int]:
    """Indexes of up to _WINDOW non-blank, non-anchor lines on each side of `at`."""
    found: list[int] = []
    for step in (-1, 1):
        j, n = at + step, 0
        while 0 <= j < len(lines) and n < _WINDOW:
            if lines[j].strip():
                if not is_furniture(lines[j]) and j not in skip:
                    found.append(j)
                n += 1
            j += step
    return found
