"""Domain objects. Each carries the Swedish term it models in its docstring."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

DocKind = Literal["protocol", "extract", "attachment"]
AttendeeGroup = Literal["beslutande", "ersättare", "tjänsteperson", "övrig deltagare"]

GROUPS: tuple[str, ...] = ("beslutande", "ersättare", "tjänsteperson", "övrig deltagare")


@dataclass
class Attendee:
    """Närvarande/frånvarande: one person on a meeting's attendance list."""

    name: str
    party: str | None = None
    org: str | None = None  # organisation or municipality ("Östersunds kommun", "RJH")
    role: str | None = None  # title or role ("Ordf. Socialnämnden", "ordförande")
    group: str = "beslutande"  # one of GROUPS
    replaces: str | None = None  # "ersätter X"
    sections: list[int] = field(default_factory=list)  # §§ attended, when stated

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ItemParts:
    """Ärendets delar: föredragande, sammanfattning, förslag till beslut, yrkanden, beslut, underlag."""

    presenter: str | None = None  # föredragande
    summary: str | None = None  # sammanfattning / ärendebeskrivning
    proposal: str | None = None  # förslag till beslut
    motions: str | None = None  # yrkanden
    proceedings: str | None = None  # proposition / beslutsgång
    decision: str | None = None  # beslut / ställningstagande
    attachments: list[str] = field(default_factory=list)  # beslutsunderlag / bilagor

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# The Swedish heading each text part is shown under, in protocol order (CLI and TUI).
PART_LABELS: tuple[tuple[str, str], ...] = (
    ("presenter", "Föredragande"),
    ("summary", "Sammanfattning"),
    ("proposal", "Förslag till beslut"),
    ("motions", "Yrkanden"),
    ("proceedings", "Beslutsgång"),
    ("decision", "Beslut"),
)


@dataclass
class Item:
    """Paragraf (§-item): one numbered matter in a protocol or extract."""

    section: int
    title: str
    text: str
    dnr: str | None = None  # diarienummer
    parts: ItemParts = field(default_factory=ItemParts)
    section_label: str | None = None  # the § as written: "3A" for a sub-§ (section is then 3)
    ocr_read: bool = False  # the heading was read from an OCR misreading of "§" ("8 620")


@dataclass
class Document:
    """Protokoll, protokollsutdrag or skrivelse/bilaga: one ingested file, parsed."""

    source: str
    kind: DocKind = "protocol"
    title: str | None = None
    body: str | None = None  # organ, full name ("Sociala samrådsgruppen")
    body_short: str | None = None  # "SocSam"
    date: str | None = None  # ISO date of the meeting
    time: str | None = None  # "09:00-12:00"
    place: str | None = None
    chair: str | None = None  # ordförande
    secretary: str | None = None  # sekreterare
    adjusters: list[str] = field(default_factory=list)  # justerare
    present: list[Attendee] = field(default_factory=list)
    absent: list[Attendee] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    organisation: str | None = None  # the municipality/region that owns the body
    dnr: str | None = None  # diarienummer of an attachment (skrivelse/tjänsteskrivelse)
    declared_sections: tuple[int, int] | None = None  # "Paragrafer §§ 94–110" on the cover
    linked_section: int | None = None  # for attachments: the § they belong to, when known
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False  # some of the text was read by OCR from scanned pages
    ocr_pages: list[int] = field(default_factory=list)  # those pages, 1-based
