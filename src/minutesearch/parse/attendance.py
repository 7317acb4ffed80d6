"""The attendance list (närvaro) of a protocol's cover page -> present and absent Attendees."""

from __future__ import annotations

import re

from ..model import Attendee

PARTIES = {"S", "M", "SD", "C", "V", "KD", "L", "MP", "D", "-", "FP", "SPI", "ÖP", "AP", "NY"}
_LABELS: list[tuple[re.Pattern[str], str | None, bool | None]] = [
    # (label at line start, group it opens (None: keep), absent? (None: keep))
    (re.compile(r"^ej\s+närvarande(?:\s+ledamöter)?\b:?", re.I), None, True),
    (re.compile(r"^frånvarande(?:\s+ledamöter)?\b:?", re.I), None, True),
    (re.compile(r"^beslutande\s*\(ej\s+kallade\)\s*:?", re.I), "beslutande", True),
    (re.compile(r"^beslutande\s*\(kallade\)\s*:?", re.I), "beslutande", True),
    (re.compile(r"^ej\s+tjänstgörande(?:\s+ersättare)?\s*:?", re.I), "ersättare", False),
    (re.compile(r"^tjänstgörande\s+ersättare\s*:?", re.I), "beslutande", False),
    (re.compile(r"^beslutande(?:\s+ledamöter)?\s*:?", re.I), "beslutande", False),
    (re.compile(r"^närvarande\s+ersättare\s*:?", re.I), "ersättare", False),
    (re.compile(r"^närvarande(?:\s+ledamöter)?\s*:?", re.I), "beslutande", False),
    (re.compile(r"^ersättare\s*:?", re.I), "ersättare", None),
    (re.compile(r"^tjänste-?\s*(?:personer|män)\s*:?", re.I), "tjänsteperson", None),
    (
        re.compile(r"^övriga\s+(?:deltagare|närvarande)\s*:?|^övriga\s*:", re.I),
        "övrig deltagare",
        False,
    ),
    (re.compile(r"^ej\b", re.I), None, True),
]
_END = re.compile(
    r"^(?:utses\s+att\s+justera|justerare|justerande|justeringens|justering|sekreterare|ordförande"
    r"|muntligt\s+justerat|ärendelista|dagordning|föredragningslista|paragrafer|underskrifter"
    r"|protokollet\s+(?:justeras|omfattar|är)|anslag|plats\s+och\s+tid|organ\b|sammanträdesdatum|§)",
    re.I,
)
# "§§ 7-15", "§ 94", and sub-§§ "(§ 1-3A)": the letter belongs to the §, never to the name.
_SECTIONS = re.compile(
    r"§§?\s*(\d{1,4})[A-Za-z]?(?:\s*[-–]\s*§?\s*(\d{1,4})[A-Za-z]?)?(?![A-Za-zÅÄÖåäö])"
)
_PAREN = re.compile(r"\(([^()]*)\)")
_NAME_WORD = r"(?:[A-ZÅÄÖÉÜ][\w'’\-é]*|van|von|de|af|der|la)"
_NAME = re.compile(rf"^{_NAME_WORD}(?:[ \-]{_NAME_WORD}){{1,5}}$")
_ORG = re.compile(
    r"kommun|region|\brjh\b|\bstad\b|landsting|kommunerna|förbund|\bbup\b|\bvup\b", re.I
)
_ROLE = re.compile(
    r"ordf|sekret|chef|controller|handläggare|utvecklare|strateg|företrädare|jurist|direktör"
    r"|ingenjör|arkitekt|ledare|assistent|samordnare|utredare|ekonom|punkt|\btf\b|tillika|ansvarig"
    r"|planerare|revisor|ledamot|ersättare|rådgivare|specialist|expert|konsult|tjänsteperson",
    re.I,
)


def parse_attendance(lines: list[str]) -> tuple[list[Attendee], list[Attendee]]:
    """Present and absent attendees from the cover lines (those before the first item)."""
    present: list[Attendee] = []
    absent: list[Attendee] = []
    group: str | None = None
    is_absent = False
    pending = ""
    for raw in lines:
        line = raw.replace("*", " ").strip()
        if not line or set(line) <= set("-\t _."):
            continue
        if pending:
            line, pending = f"{pending} {line}", ""
        if group is not None and _END.match(line):
            group = None
            is_absent = False
            continue
        cells = [c.strip() for c in raw.replace("*", " ").split("\t")] if "\t" in raw else None
        head = cells[0] if cells else line
        label_hit = False
        while True:
            found = _label(head)
            if found is None:
                break
            label_hit = True
            end, g, a = found
            if a is not None:
                is_absent = a
            if g is not None:
                group = g
            elif a and group is None:
                group = "beslutande"
            head = head[end:].strip()
        if group is None:
            continue
        if line.count("(") > line.count(")"):
            pending = line  # a role in parentheses wrapped onto the next line
            continue
        if cells:
            entry = _from_cells(([head] if head else []) + cells[1:], group)
        elif label_hit:
            entry = _from_text(head, group) if head else None
        else:
            entry = _from_text(line, group)
        if entry is not None:
            (absent if is_absent else present).append(entry)
    return present, absent


def _label(text: str) -> tuple[int, str | None, bool | None] | None:
    for rx, group, absent in _LABELS:
        m = rx.match(text)
        if m:
            return m.end(), group, absent
    return None


def sections_of(text: str) -> list[int]:
    """§§ numbers named in "§§7-15", "§94", "§§ 94-98" (never "9.00-10.30", a time)."""
    out: list[int] = []
    for m in _SECTIONS.finditer(text):
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) else a
        if a <= b <= a + 500:
            out.extend(range(a, b + 1))
    return out


def _clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" ,;.:").strip()


def _replaced(text: str) -> str | None:
    """ "Ingela Andreen (L) (ordförande)" -> "Ingela Andreen (L)": the person, not their role."""
    text = text.strip()
    while text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip()
    for m in reversed(list(_PAREN.finditer(text))):
        if m.group(1).strip().upper() not in PARTIES and m.end() == len(text):
            text = text[: m.start()].rstrip()
    return _clean_name(text) or None


def _from_text(text: str, group: str) -> Attendee | None:
    """ "Irene Jonsson (S) §§99-110 ersätter Peter Norlander (S)" -> Attendee."""
    replaces = None
    parts = re.split(r"\bersätter\b", text, maxsplit=1, flags=re.IGNORECASE)
    if len(parts) == 2:
        text, replaces = parts[0].rstrip(" ("), _replaced(parts[1])
    sections = sections_of(text)
    text = _SECTIONS.sub(" ", text)
    party = org = role = None
    for m in _PAREN.finditer(text):
        inner = _clean_name(m.group(1))
        if inner.upper() in PARTIES and party is None:
            party = inner.upper() if inner != "-" else "-"
        elif _ROLE.search(inner) and role is None:
            role = inner
        elif org is None and inner:
            org = inner
        elif inner:
            role = f"{role}, {inner}" if role else inner
    if len(text) > 400:
        return None
    name = _clean_name(_PAREN.sub(" ", text))
    if "," in name:
        name, _, tail = name.partition(",")
        tail = _clean_name(tail)
        if tail and role is None and _ROLE.match(tail):
            role = tail  # "Ingrid Malm, ordförande"
        else:
            org = org or tail or None
        name = name.strip()
    if len(name) > 60 or not _NAME.match(name):
        return None
    return Attendee(
        name=name,
        party=party,
        org=org,
        role=role,
        group=group,
        replaces=replaces,
        sections=sections,
    )


def _from_cells(cells: list[str], group: str) -> Attendee | None:
    """A tab-separated row: name (party), organisation, role."""
    cells = [c for c in cells if c]
    for i, cell in enumerate(cells):
        person = _from_text(cell, group)
        if person is None:
            continue
        person.sections = []  # in tables a "§" belongs to the role ("ordf. § 5-14"), not attendance
        for extra in cells[i + 1 :]:
            extra = _clean_name(extra)
            if not extra:
                continue
            if person.org is None and _ORG.search(extra) and not _ROLE.match(extra):
                person.org = extra
            elif person.role is None:
                person.role = extra
            else:
                person.role = f"{person.role}, {extra}"
        return person
    return None
