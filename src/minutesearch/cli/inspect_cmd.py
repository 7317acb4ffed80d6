"""`minutesearch inspect FILE`: how one file was read, without an index.

Kind, meeting metadata, each § found (number, title, dnr, parts), each §-like line that was not
taken and why, pages read by OCR, warnings. The first thing to run when an item looks missing,
and how a new layout is debugged. Reading and parsing are imported inside the command so
`--help` stays light.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

# Swedish wording of the segmenter's reason codes (the codes themselves are the JSON contract).
REASON_SV: dict[str, str] = {
    "reference": "hänvisning i löptext, inte en rubrik",
    "attendance": "§-intervall (närvaro eller försättsblad), inte en rubrik",
    "toc": "innehållsförteckning (rubrik med sidnummer eller lista efter ärendena)",
    "agenda": "dagordning före ärendena",
    "duplicate": "samma § finns redan som ärende",
    "out_of_sequence": "passar inte dokumentets §-följd",
    "continued": "fortsättning på öppet ärende (forts.)",
    "ocr_unsupported": "OCR-läsning av § som numreringen inte stöder",
}
_PART_SV = {
    "presenter": "föredragande",
    "summary": "sammanfattning",
    "proposal": "förslag",
    "motions": "yrkanden",
    "proceedings": "beslutsgång",
    "decision": "beslut",
}
_KIND_SV = {
    "protocol": "protokoll",
    "extract": "protokollsutdrag",
    "attachment": "bilaga/skrivelse",
}


def inspect_file(path: Path, *, ocr: bool = False) -> dict[str, Any]:
    """Read and parse one file; everything `inspect` shows, as JSON-ready data.

    `ocr` treats the text as OCR output even when the reader ran no OCR (a text file that was
    OCR'd elsewhere): misread "§" signs ("8 620") may then open items.
    """
    from ..parse import parse_traced
    from ..read import read_document

    result = read_document(path)
    ocr_pages = list(getattr(result, "ocr_pages", []) or [])
    doc, seg = parse_traced(result.text, str(path), ocr=ocr or bool(ocr_pages))
    items = []
    for c, item in zip(seg.taken, doc.items, strict=True):
        p = item.parts
        items.append(
            {
                "section": item.section,
                "section_label": item.section_label or str(item.section),
                "title": item.title,
                "dnr": item.dnr,
                "line": c.line_no + 1,
                "heading": c.line.strip(),
                "ocr_read": item.ocr_read,
                "parts": [k for k in _PART_SV if getattr(p, k)],
                "attachments": len(p.attachments),
            }
        )
    rejected = [
        {
            "line": c.line_no + 1,
            "text": c.line.strip(),
            "section_label": c.label,
            "reason": c.reason,
        }
        for c in seg.rejected
    ]
    return {
        "file": str(path),
        "kind": doc.kind,
        "pages": result.pages,
        "ocr": bool(ocr_pages),
        "ocr_pages": ocr_pages,
        "meeting": {
            "title": doc.title,
            "body": doc.body,
            "body_short": doc.body_short,
            "organisation": doc.organisation,
            "date": doc.date,
            "time": doc.time,
            "place": doc.place,
            "chair": doc.chair,
            "secretary": doc.secretary,
            "adjusters": doc.adjusters,
            "dnr": doc.dnr,
            "declared_sections": list(doc.declared_sections) if doc.declared_sections else None,
            "linked_section": doc.linked_section,
            "present": len(doc.present),
            "absent": len(doc.absent),
        },
        "items": items,
        "not_taken": rejected,
        "warnings": [*result.warnings, *doc.warnings],
    }


def _print(report: dict[str, Any]) -> None:
    m = report["meeting"]
    click.secho(report["file"], bold=True)
    kind = _KIND_SV.get(report["kind"], report["kind"])
    pages = f", {report['pages']} sidor" if report["pages"] else ""
    click.echo(f"Typ: {kind} ({report['kind']}){pages}")
    if report["ocr_pages"]:
        click.echo(f"OCR-lästa sidor: {', '.join(map(str, report['ocr_pages']))}")
    body = m["body"] or ""
    if m["body_short"] and m["body_short"] != body:
        body = f"{body} ({m['body_short']})"
    declared = m["declared_sections"]
    for label, value in (
        ("Titel", m["title"]),
        ("Organ", body),
        ("Organisation", m["organisation"]),
        ("Datum", m["date"]),
        ("Tid", m["time"]),
        ("Plats", m["place"]),
        ("Ordförande", m["chair"]),
        ("Sekreterare", m["secretary"]),
        ("Justerare", ", ".join(m["adjusters"])),
        ("Diarienummer", m["dnr"]),
        ("Paragrafer enligt försättsbladet", declared and f"§§ {declared[0]}-{declared[1]}"),
        ("Hör till §", m["linked_section"]),
    ):
        if value:
            click.echo(f"{label}: {value}")
    if m["present"] or m["absent"]:
        click.echo(f"Närvarande: {m['present']}, frånvarande: {m['absent']}")
    click.secho(f"\n§-rubriker ({len(report['items'])})", underline=True)
    for it in report["items"]:
        extra = [f"dnr {it['dnr']}"] if it["dnr"] else []
        parts = [_PART_SV[p] for p in it["parts"]]
        if it["attachments"]:
            parts.append(f"underlag {it['attachments']}")
        if parts:
            extra.append("delar: " + ", ".join(parts))
        if it["ocr_read"]:
            extra.append("OCR-läst rubrik")
        tail = f"  [{'; '.join(extra)}]" if extra else ""
        click.echo(f"  § {it['section_label']:<5} rad {it['line']:<5} {it['title'][:70]}{tail}")
    if report["not_taken"]:
        click.secho(
            f"\n§-liknande rader som inte blev rubriker ({len(report['not_taken'])})",
            underline=True,
        )
        for r in report["not_taken"]:
            why = REASON_SV.get(r["reason"] or "", r["reason"])
            click.echo(f"  rad {r['line']:<5} {r['text'][:56]:<56}  {r['reason']}: {why}")
    if report["warnings"]:
        click.secho("\nVarningar", underline=True)
        for w in report["warnings"]:
            click.echo(f"  ! {w}")


@click.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of the report.")
@click.option(
    "--ocr",
    is_flag=True,
    help="Read the text as OCR output: misread § signs (8 620, S 620) may open items.",
)
def inspect(file: Path, as_json: bool, ocr: bool) -> None:
    """Show how one file is read: kind, meeting, each § and each §-like line not taken, and why.

    Works on any file, without an index.
    """
    report = inspect_file(file, ocr=ocr)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
    else:
        _print(report)


COMMANDS: list[click.Command] = [inspect]
