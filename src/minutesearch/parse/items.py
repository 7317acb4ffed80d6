"""Clean lines -> §-items: headings found, agenda lines and references dropped, titles joined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Item
from ..textutil import unwrap_paragraphs
from .parts import heading_part, is_part_heading, split_parts
from .segment import Segmentation, segment, toc_start

_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_JOINERS = {"och", "i", "av", "för", "till", "om", "med", "mellan", "på", "från", "inom", "vid"}
_MAX_TITLE_LINES = 4
_CONTENTS = re.compile(r"^\s*(?:innehåll|innehållsförteckning|ärendeförteckning)\b", re.IGNORECASE)


@dataclass
class _Head:
    """One § heading and the lines up to the next one."""

    section: int
    rest: str
    dnr: str | None
    label: str = ""
    ocr: bool = False
    body: list[str] = field(default_factory=list)


def _ends_with_joiner(prev: str) -> bool:
    words = prev.strip().split()
    return bool(words) and words[-1].lower() in _JOINERS | {"den", "enligt", "kap.", "se"}


def find_items(
    lines: list[str], declared: tuple[int, int] | None = None, *, ocr: bool = False
) -> tuple[list[Item], list[str], int]:
    """Items in body order, warnings about numbering, and the line where the first item starts."""
    seg = segment(lines, declared, ocr=ocr)
    items, warnings, first = items_from(seg, lines)
    return items, warnings, first


def items_from(seg: Segmentation, lines: list[str]) -> tuple[list[Item], list[str], int]:
    """The items a segmentation's headings open, numbering warnings, the first item's line."""
    taken = seg.taken
    skip = {c.line_no for c in seg.candidates if c.reason == "continued"}
    stop = toc_start(seg)
    items: list[Item] = []
    for k, c in enumerate(taken):
        end = taken[k + 1].line_no if k + 1 < len(taken) else (stop or len(lines))
        body = [
            ln for no, ln in enumerate(lines[c.line_no + 1 : end], c.line_no + 1) if no not in skip
        ]
        if k + 1 == len(taken) and stop is not None:
            while body and (not body[-1].strip() or _CONTENTS.match(body[-1])):
                body.pop()
        rest = c.title if c.dnr else c.rest
        head = _Head(c.number, rest, c.dnr, c.label, c.ocr, body)
        items.append(_make_item(head))
    first = taken[0].line_no if taken else len(lines)
    warnings = _numbering_warnings([c.label for c in taken])
    warnings += [
        f"§ {c.label} appears more than once" for c in seg.candidates if c.reason == "duplicate"
    ]
    return items, warnings, first


def _make_item(h: _Head) -> Item:
    title_lines: list[str] = [h.rest] if h.rest else []
    body = list(h.body)
    i = 0
    # SVOM and Alingsås put the title on the line(s) after "§1" / "§ 95  2026.016 KS".
    while i < len(body) and not body[i].strip():
        i += 1
    block = _title_block(body, i) if not title_lines else None
    if block:
        title_lines, i = [ln.strip() for ln in body[i:block]], block
    blanks = 0
    while not block and i < len(body) and len(title_lines) < _MAX_TITLE_LINES:
        line = body[i].strip()
        if not line:
            blanks += 1
            i += 1
            continue
        if heading_part(line) is not None or is_part_heading(line) or len(line) > 160:
            break
        if title_lines and not _continues_title(title_lines[-1], line, strict=blanks > 0):
            break
        title_lines.append(line)
        blanks = 0
        i += 1
    title = re.sub(r"\s+", " ", " ".join(title_lines)).strip()
    rest = body[i:]
    text = unwrap_paragraphs("\n".join(rest)).strip()
    parts = split_parts(rest)
    if not title:
        title = (parts.summary or text or "").split("\n", 1)[0][:80]
    return Item(
        section=h.section,
        title=title,
        text=text,
        dnr=h.dnr,
        parts=parts,
        section_label=h.label or str(h.section),
        ocr_read=h.ocr,
    )


def _title_block(body: list[str], start: int) -> int | None:
    """End of a title that sits alone between the § line and a part heading ("Beslut").

    Göteborg and Alingsås wrap long titles over several lines with no other cue; when the
    lines run straight into a part heading they are all title.
    """
    end = start
    while end < len(body) and end - start <= _MAX_TITLE_LINES:
        line = body[end].strip()
        if (
            not line
            or len(line) > 160
            or (_SENTENCE_END.search(line) and not is_part_heading(line))
        ):
            return None
        if is_part_heading(line):
            return end if end > start else None
        end += 1
    return None


def _continues_title(prev: str, line: str, *, strict: bool = False) -> bool:
    """Does `line` carry on a wrapped title rather than start the item text?"""
    if _SENTENCE_END.search(prev):
        return False
    if line[0].islower() or (line[0].isdigit() and not strict):
        return True
    if prev.endswith((",", "-", "–")):
        return True
    return _ends_with_joiner(prev) and len(line) < 100


def _numbering_warnings(labels: list[str]) -> list[str]:
    """Gaps in the § numbers of the chosen sequence ("3", "3A", "4" is no gap)."""
    warnings: list[str] = []
    nums = [int(re.match(r"\d+", lab).group(0)) for lab in labels]  # type: ignore[union-attr]
    for prev, cur in zip(nums, nums[1:], strict=False):
        if cur > prev + 1:
            missing = f"§ {prev + 1}" if cur == prev + 2 else f"§§ {prev + 1}-{cur - 1}"
            warnings.append(f"numbering skips {missing} (between § {prev} and § {cur})")
    return warnings
