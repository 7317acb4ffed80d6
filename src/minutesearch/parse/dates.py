"""Swedish dates and times -> ISO strings ("Fredag den 24 februari 2023" -> "2023-02-24")."""

from __future__ import annotations

import re

MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
_ISO = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")
_LONG = re.compile(
    r"(?<!\d)(\d{1,2})(?:\s*:e)?\s+(" + "|".join(MONTHS) + r")\s+((?:19|20)\d\d)(?!\d)",
    re.IGNORECASE,
)
_TIME = re.compile(
    r"(?:kl\.?\s*)?(?<![\d.:])([0-2]?\d)[:.]([0-5]\d)\s*(?:-|–|—|till)\s*([0-2]?\d)[:.]([0-5]\d)(?![\d])"
)


def _valid(y: int, m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100


def find_date(text: str) -> str | None:
    """The first date in `text` as ISO, from "2023-02-24" or "24 februari 2023"; None without one."""
    best: tuple[int, str] | None = None
    for m in _ISO.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            best = (m.start(), f"{y:04d}-{mo:02d}-{d:02d}")
            break
    for m in _LONG.finditer(text):
        y, mo, d = int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))
        if _valid(y, mo, d):
            if best is None or m.start() < best[0]:
                best = (m.start(), f"{y:04d}-{mo:02d}-{d:02d}")
            break
    return best[1] if best else None


def find_time(text: str) -> str | None:
    """A meeting time span ("kl. 14:00-17:20", "09.00–12.00") as "HH:MM-HH:MM"."""
    for m in _TIME.finditer(text):
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 < 24 and h2 < 24:
            return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
    return None


_START = re.compile(r"\bkl\.?\s*([0-2]?\d)[:.]([0-5]\d)(?!\d)")


def find_start_time(text: str) -> str | None:
    """A lone start time ("kl. 14:00") as "HH:MM", used when no span is stated."""
    m = _START.search(text)
    if m and int(m.group(1)) < 24:
        return f"{int(m.group(1)):02d}:{m.group(2)}"
    return None
