"""An item's text -> ItemParts (föredragande, sammanfattning, förslag, yrkanden, beslut, underlag)."""

from __future__ import annotations

import re

from ..model import ItemParts
from ..textutil import unwrap_paragraphs
from ..vocabulary import PART_HEADINGS

_PRESENTER = re.compile(r"^\s*föredragande\s*:?\s*(.*)$", re.IGNORECASE)
_BILAGA = re.compile(r"^\s*Bilaga\s+\d+\s*[:.\-–]?\s*(\S.*)$")
_CLOSING = re.compile(
    r"^\s*(?:rätt\s+utdraget\s+intygar|utdragsbestyrkande|vid\s+protokollet)\b", re.I
)
_BULLET = re.compile(r"^\s*(?:[•\-–*▪●◦]|\d{1,2}[.)])\s+")
# "Förslag till beslut i kommunstyrelsen" under "Beslut" is the decision itself (a proposal to
# the next body), not a new section of the item.
_PROPOSAL_TO = re.compile(r"^förslag till beslut (?:i|till) \S", re.IGNORECASE)


def heading_part(line: str) -> str | None:
    """The part a heading line opens ("Beslutsunderlag:" -> "attachments"), else None."""
    key = line.strip().rstrip(":").strip().lower()
    if len(key) > 40:
        return None
    key = re.sub(r"\s+", " ", key)
    part = PART_HEADINGS.get(key)
    if part is None and _PROPOSAL_TO.match(key):
        return "proposal"
    return part


def is_part_heading(line: str) -> bool:
    """True for a part heading line or a "Föredragande:" line."""
    return heading_part(line) is not None or bool(_PRESENTER.match(line) and len(line) < 200)


def split_parts(lines: list[str]) -> ItemParts:
    """Assign the lines of one item body to its parts by their headings."""
    buckets: dict[str, list[str]] = {}
    attachments: list[str] = []
    presenter: str | None = None
    current: str | None = None
    for raw in lines:
        line = raw.rstrip()
        part = heading_part(line)
        if part == "proposal" and current == "decision" and _PROPOSAL_TO.match(line.strip()):
            part = None
        if part is not None and part != current:
            current = part
            if part == "attachments":
                attachments.append("")  # a marker: entries start here
            continue
        if part is not None:
            continue
        if _CLOSING.match(line):
            current = "other"
            continue
        pm = _PRESENTER.match(line)
        if pm and presenter is None and len(line) < 200:
            presenter = pm.group(1).strip() or None
            continue
        bm = _BILAGA.match(line)
        if bm and current != "attachments":
            attachments.append(line.strip())
            continue
        if current is None or current == "other":
            if current is None and line.strip():
                buckets.setdefault("summary_lead", []).append(line)
            continue
        if current == "attachments":
            attachments.append(line)
        else:
            buckets.setdefault(current, []).append(line)

    def text(key: str) -> str | None:
        joined = unwrap_paragraphs("\n".join(buckets.get(key, []))).strip()
        return joined or None

    summary = text("summary")
    if summary is None:
        # Items without a "Sammanfattning" heading (SocSam "§ 17") keep their opening text here.
        summary = text("summary_lead")
    return ItemParts(
        presenter=presenter,
        summary=summary,
        proposal=text("proposal"),
        motions=text("motions"),
        proceedings=text("proceedings"),
        decision=text("decision"),
        attachments=_attachment_entries(attachments),
    )


def _attachment_entries(lines: list[str]) -> list[str]:
    """List lines -> one entry per bullet or line; unbulleted lines continue a bulleted entry."""
    entries: list[str] = []
    bulleted_block = False
    for raw in lines:
        if raw == "":
            bulleted_block = False
            continue
        line = raw.strip()
        if not line:
            continue
        if _BILAGA.match(line) and not bulleted_block:
            entries.append(line)
            continue
        bullet = _BULLET.match(line)
        if bullet:
            bulleted_block = True
            entries.append(line[bullet.end() :].strip())
        elif entries and (bulleted_block or _wraps(entries[-1], line)):
            entries[-1] = f"{entries[-1]} {line}"
        else:
            entries.append(line)
    return [re.sub(r"\s+", " ", e).strip() for e in entries if e.strip()]


def _wraps(prev: str, line: str) -> bool:
    """An unbulleted list line that carries on the previous entry ("... 2023-11-08 och" / "2023-11-23")."""
    words = prev.split()
    return bool(words) and (
        line[:1].islower()
        or words[-1].lower() in {"och", "samt", "i", "av", "för"}
        or prev.endswith(",")
    )
