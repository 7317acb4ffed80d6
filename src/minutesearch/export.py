"""Exports that lose nothing: flat tables (CSV, JSON lines or Parquet) with provenance.

No JSON inside a cell: a repeated field is either its own table (attendees, motions,
reservations, mentions) or a column of values joined with "; " (persons, topics, amounts, ...).
Every row that comes from a §-item carries its provenance: org, body, date, section, dnr, source.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import MinutesearchError, QueryError
from .filters import Filters

if TYPE_CHECKING:
    from .api import Corpus

WHAT = ("items", "meetings", "decisions", "persons", "mentions")
"""What `export --what` takes (plus "all")."""
FORMATS = ("csv", "jsonl", "parquet")
JOIN = "; "

PROVENANCE = ["org", "body", "body_short", "date", "section", "dnr", "source"]
TABLE_FIELDS: dict[str, list[str]] = {
    "items": [
        "id",
        *PROVENANCE,
        "title",
        "kind",
        "meeting",
        "canonical_id",
        "presenter",
        "summary",
        "proposal",
        "motions_text",
        "proceedings",
        "decision",
        "attachments",
        "persons",
        "orgs",
        "places",
        "topics",
        "text",
    ],
    "meetings": [
        "id",
        "org",
        "body",
        "body_short",
        "date",
        "kind",
        "title",
        "time",
        "place",
        "chair",
        "secretary",
        "dnr",
        "adjusters",
        "present",
        "absent",
        "items",
        "declared_from",
        "declared_to",
        "linked_item",
        "warnings",
        "source",
    ],
    "attendees": [
        "meeting_id",
        "org",
        "body",
        "date",
        "source",
        "position",
        "name",
        "party",
        "person_org",
        "role",
        "group",
        "replaces",
        "present",
        "sections",
    ],
    "decisions": [
        "id",
        *PROVENANCE,
        "title",
        "outcome",
        "decision",
        "amounts",
        "amounts_mentioned",
        "multi_part",
        "motions",
        "reservations",
        "reservation_count",
        "vote_for",
        "vote_against",
        "vote_abstain",
        "vote_winner",
        "votes",
        "annotations",
        "conflicts",
    ],
    "motions": ["decision_id", *PROVENANCE, "position", "by", "party", "kind", "text", "won"],
    "reservations": ["decision_id", *PROVENANCE, "position", "by", "party", "text"],
    "persons": ["id", "name", "party", "meetings", "aliases", "orgs", "roles"],
    "mentions": ["item_id", *PROVENANCE, "label", "text", "start", "end", "person_id", "person"],
}
"""Each table's columns, in order (also the header of an empty table)."""


def _joined(values: Iterable[Any]) -> str:
    return JOIN.join(_cell(v) for v in values if v is not None)


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _who(entry: dict[str, Any]) -> str:
    """ "Name (Party)" of a protokollsanteckning or jäv entry (or its text)."""
    by, party = entry.get("by"), entry.get("party")
    if by:
        return f"{by} ({party})" if party else str(by)
    return str(party or entry.get("text") or "")


def _provenance(meta: dict[str, Any], item_id: str) -> dict[str, Any]:
    r = meta.get(item_id)
    if r is None:
        return dict.fromkeys(PROVENANCE)
    return {
        "org": r["organisation"],
        "body": r["body"],
        "body_short": r["body_short"],
        "date": r["date"],
        "section": r["section"],
        "dnr": r["dnr"],
        "source": r["source"],
    }


def tables(
    corpus: Corpus, what: str, filters: Filters | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The flat tables for `what` (items, meetings, decisions, persons, mentions or all)."""
    from .query import item_meta, mention_rows

    if what != "all" and what not in WHAT:
        raise QueryError(f"Okänd export {what!r}: välj {', '.join(WHAT)} eller all.")
    f = filters or Filters()
    wanted = WHAT if what == "all" else (what,)
    out: dict[str, list[dict[str, Any]]] = {}
    if "items" in wanted:
        out["items"] = [
            {
                **{k: getattr(i, k) for k in TABLE_FIELDS["items"] if hasattr(i, k)},
                "attachments": _joined(i.attachments),
                "persons": _joined(i.persons),
                "orgs": _joined(i.orgs),
                "places": _joined(i.places),
                "topics": _joined(i.topics),
            }
            for i in corpus.items(f)
        ]
    if "meetings" in wanted:
        meetings = corpus.meetings(f)
        out["meetings"] = []
        out["attendees"] = []
        for m in meetings:
            declared: list[int | None] = [None, None]
            if m.declared_sections:
                declared = list(m.declared_sections)
            out["meetings"].append(
                {
                    **{k: getattr(m, k) for k in TABLE_FIELDS["meetings"] if hasattr(m, k)},
                    "adjusters": _joined(m.adjusters),
                    "present": len(m.present),
                    "absent": len(m.absent),
                    "items": _joined(m.items),
                    "declared_from": declared[0],
                    "declared_to": declared[1],
                    "warnings": _joined(m.warnings),
                }
            )
            for n, (a, present) in enumerate(
                [(a, True) for a in m.present] + [(a, False) for a in m.absent], 1
            ):
                out["attendees"].append(
                    {
                        "meeting_id": m.id,
                        "org": m.org,
                        "body": m.body,
                        "date": m.date,
                        "source": m.source,
                        "position": n,
                        "name": a.name,
                        "party": a.party,
                        "person_org": a.org,
                        "role": a.role,
                        "group": a.group,
                        "replaces": a.replaces,
                        "present": present,
                        "sections": _joined(a.sections),
                    }
                )
    if "decisions" in wanted:
        decisions = corpus.decisions(None, f)
        with corpus.store() as store:
            meta = item_meta(store, [d.id for d in decisions])
        out["decisions"], out["motions"], out["reservations"] = [], [], []
        for d in decisions:
            prov = _provenance(meta, d.id)
            out["decisions"].append(
                {
                    "id": d.id,
                    **prov,
                    "title": d.title,
                    "outcome": d.outcome,
                    "decision": d.decision,
                    "amounts": _joined(d.amounts),
                    "amounts_mentioned": _joined(d.amounts_mentioned),
                    "multi_part": d.multi_part,
                    "motions": len(d.motions),
                    "reservations": len(d.reservations),
                    "reservation_count": d.reservation_count,
                    "vote_for": (d.vote or {}).get("for"),
                    "vote_against": (d.vote or {}).get("against"),
                    "vote_abstain": (d.vote or {}).get("abstain"),
                    "vote_winner": (d.vote or {}).get("winner"),
                    "votes": len(d.votes),
                    "annotations": _joined(_who(a) for a in d.annotations),
                    "conflicts": _joined(_who(c) for c in d.conflicts),
                }
            )
            for n, mo in enumerate(d.motions, 1):
                out["motions"].append(
                    {
                        "decision_id": d.id,
                        **prov,
                        "position": n,
                        "by": mo.by,
                        "party": mo.party,
                        "kind": mo.kind,
                        "text": mo.text,
                        "won": mo.won,
                    }
                )
            for n, res in enumerate(d.reservations, 1):
                out["reservations"].append(
                    {
                        "decision_id": d.id,
                        **prov,
                        "position": n,
                        "by": res.get("by"),
                        "party": res.get("party"),
                        "text": res.get("text"),
                    }
                )
    if "persons" in wanted:
        out["persons"] = [
            {
                "id": p.id,
                "name": p.name,
                "party": p.party,
                "meetings": p.meetings,
                "aliases": _joined(p.aliases),
                "orgs": _joined(p.orgs),
                "roles": _joined(p.roles),
            }
            for p in corpus.persons(f)
        ]
    if "mentions" in wanted:
        from .query import item_ids

        with corpus.store() as store:
            ids = item_ids(store, f)
            meta = item_meta(store, ids)
            rows = mention_rows(store, ids)
        out["mentions"] = [{**_provenance(meta, r["item_id"]), **r} for r in rows]
    return out


def write_tables(
    data: dict[str, list[dict[str, Any]]], fmt: str, out_dir: Path
) -> list[tuple[Path, int]]:
    """Write each table as out_dir/<table>.<fmt>; returns (path, rows) per file."""
    if fmt not in FORMATS:
        raise QueryError(f"Okänt format {fmt!r}: välj {', '.join(FORMATS)}.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise MinutesearchError(f"Kan inte skapa mappen {out_dir}: {exc.strerror}.") from exc
    written: list[tuple[Path, int]] = []
    for name, rows in data.items():
        columns = TABLE_FIELDS[name]
        path = out_dir / f"{name}.{fmt}"
        try:
            if fmt == "csv":
                with path.open("w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
                    writer.writeheader()
                    writer.writerows(rows)
            elif fmt == "jsonl":
                with path.open("w", encoding="utf-8") as fh:
                    for row in rows:
                        fh.write(json.dumps({k: row.get(k) for k in columns}, ensure_ascii=False))
                        fh.write("\n")
            else:
                from .api import require_pandas

                pd = require_pandas()
                frame = pd.DataFrame.from_records(
                    [{k: row.get(k) for k in columns} for row in rows], columns=columns
                )
                try:
                    frame.to_parquet(path, index=False)
                except ImportError as exc:
                    from .api import DependencyMissing

                    raise DependencyMissing(
                        "Parquet-export kräver pyarrow: pip install 'minutesearch[data]'."
                    ) from exc
        except OSError as exc:
            raise MinutesearchError(f"Kan inte skriva {path}: {exc.strerror}.") from exc
        written.append((path, len(rows)))
    return written
