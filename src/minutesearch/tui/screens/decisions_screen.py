"""Beslut: the decisions on the current query (and filters), newest first."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape

from .. import data
from ..widgets.entry_list import Row, where
from .list_screen import ListScreen
from .timeline_screen import _short


def kronor(amount: float) -> str:
    """12 500 000 kr: Swedish thousands spacing."""
    return f"{amount:,.0f} kr".replace(",", " ")


class DecisionsScreen(ListScreen):
    SUB_TITLE = "Beslut"
    heading = "Beslut"
    empty = "Inga beslut hittades."
    export_name = "beslut"

    def __init__(self, query: str, filters: data.Filters) -> None:
        super().__init__()
        self.query_text = query
        self.filters = filters

    def title_text(self) -> str:
        return f"Beslut om ”{self.query_text}”" if self.query_text else "Alla beslut"

    def fetch(self) -> list[Row]:
        return data.decisions(self.ms_app.settings, self.query_text, self.filters)

    def summary(self, rows: list[Row]) -> str:
        return f"{len(rows)} beslut, nyast först"

    def prompt(self, row: Row) -> Content:
        outcome = row.get("outcome")
        tag = (
            f"  [reverse] {escape(str(outcome))} [/reverse]"
            if outcome not in (None, "other")
            else ""
        )
        lines = [
            f"[b]{escape(row.get('title') or '')}[/b]{tag}",
            f"[dim]{escape(where(row))}[/dim]",
        ]
        if row.get("decision"):
            lines.append(escape(_short(str(row["decision"]), 220)))
        amounts = row.get("amounts") or []
        if amounts:
            lines.append("Belopp: " + escape(", ".join(kronor(float(a)) for a in amounts)))
        for motion in row.get("motions") or []:
            by = str(motion.get("by") or "") + (
                f" ({motion['party']})" if motion.get("party") else ""
            )
            text = _short(str(motion.get("text") or ""), 100)
            verdict = _VERDICT[motion.get("won")]
            lines.append(f"{verdict} [dim]Yrkande {escape(by)}: {escape(text)}[/dim]")
        vote = row.get("vote")
        if vote:
            lines.append(escape(vote_text(vote)))
        reservations = row.get("reservations") or []
        if reservations:
            count = row.get("reservation_count")
            names = ", ".join(
                str(r.get("by") or r.get("party") or "?") for r in reservations[:6]
            ) + (" …" if len(reservations) > 6 else "")
            head = f"Reservationer ({count})" if count is not None else "Reservationer"
            lines.append(f"[dim]{head}: {escape(names)}[/dim]")
        return Content.from_markup("\n".join(lines))


_VERDICT = {True: "[b]✓ bifölls[/b]", False: "✗ föll", None: "[dim]? ej angivet[/dim]"}


def vote_text(vote: dict[str, object]) -> str:
    """'Omröstning 7–8 (0 avstod): nej vann – för bifall till …'."""
    side = vote.get("winner")
    won = f"{side} vann" if side in ("ja", "nej") else "lika röstetal"
    proposition = vote.get(str(side)) if side in ("ja", "nej") else None
    tail = f" – {_short(str(proposition), 90)}" if proposition else ""
    return (
        f"Omröstning {vote.get('for')}–{vote.get('against')} "
        f"({vote.get('abstain', 0)} avstod): {won}{tail}"
    )
