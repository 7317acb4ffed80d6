"""Line clean-up the parser does itself, in case the reader left page furniture behind."""

from __future__ import annotations

import re
from collections import Counter

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
_SECTION = re.compile(r"^\s*§")
_WINDOW = 3


def strip_markup(text: str) -> str:
    """Remove stray HTML-like tags ("<i>ordf.</i>") and NUL bytes."""
    return _MARKUP.sub("", text.replace("\x00", ""))


def is_furniture(line: str) -> bool:
    """A page header/footer line such as "PROTOKOLL", "Sida 3 av 21" or a bare page number."""
    s = line.strip()
    return bool(s) and len(s) < 80 and _ANCHORS.fullmatch(s) is not None


def split_lines(text: str) -> list[str]:
    """Text -> lines without markup, any newline convention."""
    return strip_markup(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def clean_lines(raw: list[str]) -> list[str]:
    """Lines with furniture blanked out; line positions are kept (furniture becomes "")."""
    lines = [ln.rstrip() for ln in raw]
    anchors = [i for i, ln in enumerate(lines) if is_furniture(ln)]
    if not anchors:
        return lines
    # The repeated body/date header ("Kommunstyrelsen", "2026-06-01") sits next to the anchors:
    # a short line that recurs beside them on several pages is furniture too.
    near: Counter[str] = Counter()
    windows: list[list[int]] = []
    for a in anchors:
        win = _neighbours(lines, a)
        windows.append(win)
        for j in set(win):
            near[lines[j].strip()] += 1
    repeated = {
        s
        for s, n in near.items()
        if n >= 2 and len(s) <= 60 and not _SECTION.match(s) and not is_part_heading(s)
    }
    out = list(lines)
    for a, win in zip(anchors, windows, strict=True):
        out[a] = ""
        for j in win:
            if lines[j].strip() in repeated:
                out[j] = ""
    return out


def _neighbours(lines: list[str], at: int) -> list[int]:
    """Indexes of up to _WINDOW non-blank, non-anchor lines on each side of `at`."""
    found: list[int] = []
    for step in (-1, 1):
        j, n = at + step, 0
        while 0 <= j < len(lines) and n < _WINDOW:
            if lines[j].strip():
                if not is_furniture(lines[j]):
                    found.append(j)
                n += 1
            j += step
    return found
