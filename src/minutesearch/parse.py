"""Clean text -> Document with §-items. Pure Python, no spaCy.

PLACEHOLDER: a minimal heading splitter so the pipeline runs end to end; the full parser
(metadata, attendance, parts, extracts, attachments) replaces it.
"""

from __future__ import annotations

import re

from .model import Document, Item, ItemParts

_HEAD = re.compile(r"^\s*§\s*(\d{1,4})\b\s*(.*)$")
_AGENDA = re.compile(r"(\.{3,}|\t)\s*\d+\s*$")


def parse_document(text: str, source: str) -> Document:
    doc = Document(source=source)
    current: tuple[int, str] | None = None
    buf: list[str] = []

    def flush() -> None:
        if current is not None:
            body = "\n".join(buf).strip()
            doc.items.append(Item(section=current[0], title=current[1] or body[:80], text=body, parts=ItemParts()))

    for line in text.splitlines():
        m = _HEAD.match(line)
        if m and not _AGENDA.search(line):
            flush()
            current, buf = (int(m.group(1)), m.group(2).strip()), []
        elif current is not None:
            buf.append(line)
    flush()
    return doc
