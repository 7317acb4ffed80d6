"""Clean lines -> §-items: headings found, agenda lines and references dropped, titles joined."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Item
from ..textutil import unwrap_paragraphs
from .parts import heading_part, is_part_heading, split_parts

_HEAD = re.compile(r"^[ \t]*§[ \t]*(\d{1,4})(?![\d§])[ \t]*(.*)$")
# "§ 95  2026.016 KS" (Alingsås) and "§ 1 Ärendenummer SLK-2024-00062" (Göteborg).
_DNR_HEAD = re.compile(
    r"^(?:ärendenummer|dnr\.?|diarienummer|diarienr\.?)?[ \t:]*"
    r"((?:\d{4}\.\d{2,4}|[A-ZÅÄÖ]{2,5}[ -]\d{4}-\d{3,6}(?::-?\d+)?)(?:[ \t]+[A-ZÅÄÖ]{2,6})?)"
    r"[ \t]*(.*)$",
    re.IGNORECASE,
)
_AGENDA_SUFFIX = re.compile(r"(?:\.{3,}|\t)[ \t]*\d{1,3}[ \t]*$")
_CONTINUED = re.compile(r"^forts(?:\.|ätt\w*)?\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_JOINERS = {"och", "i", "av", "för", "till", "om", "med", "mellan", "på", "från", "inom", "vid"}
_MAX_TITLE_LINES = 4
_MAX_HEADING_CHARS = 400
_MAX_JUMP = 20  # a larger forward jump in § numbers is taken as a reference, not a heading


@dataclass
class _Head:
    """One candidate § heading and the lines up to the next candidate."""

    line_no: int
    section: int
    rest: str
    dnr: str | None
    agenda_suffix: bool
    line: str = ""  # the heading line as written, kept when the heading turns out not to be one
    inline_title: bool = False  # "§ 67 2026.142 KS Title": a dnr and a title on one line
    body: list[str] = field(default_factory=list)


def _heading(line: str, prev: str) -> _Head | None:
    """A § heading candidate, or None for references ("§9 läkarintyg", "§ 924.", "• §68 KSAU")."""
    if len(line) > _MAX_HEADING_CHARS:
        return None  # also keeps the regexes below linear on hostile input
    m = _HEAD.match(line)
    if not m:
        return None
    rest = m.group(2).strip()
    agenda = bool(_AGENDA_SUFFIX.search(m.group(2)))
    if agenda:
        rest = _AGENDA_SUFFIX.sub("", m.group(2)).strip().rstrip(".").strip()
    section = int(m.group(1))
    dm = _DNR_HEAD.match(rest)
    if dm and (
        rest.lower().startswith(("ärendenummer", "dnr", "diarie")) or re.match(r"\d{4}\.", rest)
    ):
        dnr, title = re.sub(r"\s+", " ", dm.group(1)).strip(), dm.group(2).strip()
        return _Head(0, section, title, dnr, agenda, inline_title=bool(title))
    if rest:
        first = rest[0]
        if not (first.isupper() or first.isdigit() or first in "\"”'«("):
            return None  # lower case or punctuation: a reference inside running text
        if first.isdigit() and not re.match(r"\d+(?::e|:a)?\s+[A-Za-zÅÄÖåäö]", rest):
            return None
    elif prev.rstrip().endswith((",", "§")) or _ends_with_joiner(prev):
        return None  # "... den 13 december 2023,\n§ 925" is a wrapped reference
    return _Head(0, section, rest, None, agenda)


def _ends_with_joiner(prev: str) -> bool:
    words = prev.strip().split()
    return bool(words) and words[-1].lower() in _JOINERS | {"den", "enligt", "kap.", "se"}


def find_items(
    lines: list[str], declared: tuple[int, int] | None = None
) -> tuple[list[Item], list[str], int]:
    """Items in body order, warnings about numbering, and the line where the first item starts."""
    heads = _candidates(lines)
    heads = _drop_agenda(heads, declared)
    items: list[Item] = []
    for h in heads:
        items.append(_make_item(h))
    first = heads[0].line_no if heads else len(lines)
    return items, _numbering_warnings([i.section for i in items]), first


def _candidates(lines: list[str]) -> list[_Head]:
    heads: list[_Head] = []
    prev = ""
    for no, line in enumerate(lines):
        head = _heading(line, prev) if "§" in line else None
        if (
            head is not None
            and heads
            and _CONTINUED.match(head.rest)
            and head.section == heads[-1].section
        ):
            prev = line
            continue  # "§ 12 forts." carries on the open item
        if head is not None and _CONTINUED.match(head.rest):
            head.rest = ""
        if head is not None:
            head.line_no, head.line = no, line
            heads.append(head)
        elif heads:
            heads[-1].body.append(line)
        if line.strip():
            prev = line
    return heads


def _content(h: _Head) -> list[str]:
    return [ln for ln in h.body if ln.strip()]


def _drop_agenda(heads: list[_Head], declared: tuple[int, int] | None) -> list[_Head]:
    """Agenda (ärendelista) lines are not items: the body text is the truth."""
    later: dict[int, int] = {}
    for i, h in enumerate(heads):
        later[h.section] = i  # last index of each number
    short = [_is_short(h) for h in heads]
    agenda = [
        s and (h.agenda_suffix or later[h.section] > i)
        for i, (h, s) in enumerate(zip(heads, short, strict=True))
    ]
    # An agenda line whose item is missing from the body still sits in the agenda run.
    for i in range(1, len(heads) - 1):
        if (
            short[i]
            and not agenda[i]
            and agenda[i - 1]
            and (agenda[i + 1] or heads[i + 1].section <= heads[i].section)
        ):
            agenda[i] = True
    kept: list[_Head] = []
    for h, is_agenda in zip(heads, agenda, strict=True):
        if is_agenda or (kept and _out_of_sequence(h, kept[-1].section, declared)):
            _absorb(kept, h)
        else:
            kept.append(h)
    return kept


def _out_of_sequence(h: _Head, prev: int, declared: tuple[int, int] | None) -> bool:
    """A weak heading that does not follow the numbering is a list line inside the open item.

    Alingsås "Meddelanden" items list other bodies' decisions as "§ 67 2026.142 KS Title".
    """
    if prev < h.section <= prev + _MAX_JUMP:
        return False
    outside = declared is not None and not declared[0] <= h.section <= declared[1]
    return _is_short(h) or h.inline_title or outside


def _is_short(h: _Head) -> bool:
    content = _content(h)
    return len(content) <= _MAX_TITLE_LINES and not any(is_part_heading(c) for c in content)


def _absorb(kept: list[_Head], h: _Head) -> None:
    """A dropped heading's lines belong to the item before it (or to the preamble)."""
    if kept:
        kept[-1].body.extend([h.line, *h.body])


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
    return Item(section=h.section, title=title, text=text, dnr=h.dnr, parts=parts)


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


def _numbering_warnings(sections: list[int]) -> list[str]:
    """Gaps, repeats and backward steps in the § numbers, each naming the §§ concerned."""
    warnings: list[str] = []
    seen: set[int] = set()
    for prev, cur in zip(sections, sections[1:], strict=False):
        if cur in seen or cur == prev:
            warnings.append(f"§ {cur} appears more than once")
        elif cur < prev:
            warnings.append(f"§ {cur} follows § {prev} (numbering goes backwards)")
        elif cur > prev + 1:
            missing = f"§ {prev + 1}" if cur == prev + 2 else f"§§ {prev + 1}-{cur - 1}"
            warnings.append(f"numbering skips {missing} (between § {prev} and § {cur})")
        seen.add(prev)
    return warnings
