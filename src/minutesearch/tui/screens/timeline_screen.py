"""Tidslinje: a recurring issue followed across meetings and bodies, oldest first."""

from __future__ import annotations

from textual.content import Content
from textual.markup import escape

from .. import data
from ..widgets.entry_list import EntryList, Row
from ..widgets.timeline_chart import TimelineChart
from .list_screen import ListScreen


class TimelineScreen(ListScreen):
    SUB_TITLE = "Tidslinje"
    heading = "Tidslinje"
    empty = "Ärendet återkommer inte i andra möten."
    export_name = "tidslinje"

    def __init__(self, query_or_item_id: str, label: str | None = None) -> None:
        super().__init__()
        self.subject = query_or_item_id
        self.label = label or query_or_item_id

    def title_text(self) -> str:
        return f"Tidslinje: {self.label}"

    def on_mount(self) -> None:
        chart = TimelineChart(id="timeline-chart")
        chart.display = False  # shown once there are dated steps
        self.query_one("#list-pane").mount(chart, before=self.query_one(EntryList))
        super().on_mount()

    def _show(self, rows: list[Row] | str) -> None:
        super()._show(rows)
        if isinstance(rows, list) and rows:
            chart = self.query_one("#timeline-chart", TimelineChart)
            chart.display = True
            chart.show(rows)

    def fetch(self) -> list[Row]:
        rows = data.timeline(self.ms_app.settings, self.subject)
        return sorted(rows, key=lambda r: (r.get("date") or "", r.get("section") or 0))

    def summary(self, rows: list[Row]) -> str:
        bodies = {r.get("body_short") or r.get("body") for r in rows}
        return f"{count(len(rows), 'tillfälle', 'tillfällen')} i {len(bodies)} organ, äldst först"

    def prompt(self, row: Row) -> Content:
        body = row.get("body_short") or row.get("body") or ""
        section = f"§ {row['section']}" if row.get("section") is not None else ""
        head = f"[b]{escape(row.get('date') or '????-??-??')}[/b]  {escape(body)} {escape(section)}"
        lines = [head, escape(row.get("title") or "")]
        if row.get("said"):
            lines.append(f"[dim]{escape(_short(str(row['said'])))}[/dim]")
        if row.get("decision"):
            outcome = f" ({row['outcome']})" if row.get("outcome") not in (None, "other") else ""
            lines.append(f"[i]Beslut{escape(outcome)}:[/i] {escape(_short(str(row['decision'])))}")
        return Content.from_markup("\n".join(lines))


def count(n: int, one: str, many: str) -> str:
    """'1 möte', '3 möten'."""
    return f"{n} {one if n == 1 else many}"


def _short(text: str, limit: int = 160) -> str:
    """At most `limit` characters, cut at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"
