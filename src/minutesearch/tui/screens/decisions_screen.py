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
            text = _short(str(motion.get("text") or ""), 120)
            lines.append(f"[dim]Yrkande {escape(by)}: {escape(text)}[/dim]")
        return Content.from_markup("\n".join(lines))
