"""Bevakningar: saved searches, each with how many items are new since it was last looked at."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList

from .. import data
from ..widgets.entry_list import EntryList, Row, hit_prompt
from .list_screen import ListScreen
from .timeline_screen import count

MODE_NAMES = {
    "keyword": "nyckelord",
    "semantic": "semantisk",
    "hybrid": "hybrid",
    "terms": "termer",
}


class WatchesScreen(ListScreen):
    """Counting new items does not mark them seen; opening a watch (enter) does."""

    SUB_TITLE = "Bevakningar"
    heading = "Bevakningar"
    empty = "Inga bevakningar ännu. Tryck n för att bevaka sökningen på Sök."
    export_name = "bevakningar"
    BINDINGS = [
        Binding("n", "add", "Bevaka sökningen"),
        Binding("x,delete", "remove", "Ta bort"),
    ]

    def __init__(self, query: str, filters: data.Filters, mode: str) -> None:
        super().__init__()
        self.search = (query, filters, mode)

    def fetch(self) -> list[Row]:
        return data.watches(self.ms_app.settings)

    def summary(self, rows: list[Row]) -> str:
        new = sum(int(r.get("new") or 0) for r in rows)
        return (
            f"{count(len(rows), 'bevakning', 'bevakningar')} · "
            f"{count(new, 'nytt ärende', 'nya ärenden')} sedan sist · enter visar de nya"
        )

    def prompt(self, row: Row) -> Content:
        new = int(row.get("new") or 0)
        badge = f"[reverse] {new} nya [/reverse]" if new else "[dim]inget nytt[/dim]"
        lines = [f"[b]{escape(str(row.get('query') or ''))}[/b]  {badge}"]
        filters = ", ".join(f"{k}: {v}" for k, v in (row.get("filters") or {}).items() if v)
        mode = MODE_NAMES.get(str(row.get("mode")), str(row.get("mode")))
        seen = (row.get("last_checked_at") or row.get("created_at") or "")[:10]
        detail = f"{mode}{' · ' + filters if filters else ''} · senast sedd {seen}"
        lines.append(f"[dim]{escape(detail)}[/dim]")
        return Content.from_markup("\n".join(lines))

    @on(OptionList.OptionSelected, "#entries")
    def _open_watch(self, event: OptionList.OptionSelected) -> None:
        row = self.query_one("#entries", EntryList).rows[event.option_index]
        self.opened = True
        self.app.push_screen(NewItemsScreen(int(row["id"]), str(row.get("query") or "")))

    def on_screen_resume(self) -> None:
        if getattr(self, "opened", False):
            self._load()  # the opened watch's items now count as seen

    def action_add(self) -> None:
        query, filters, mode = self.search
        if not query:
            self.notify("Skriv en sökning på Sök först, så kan den bevakas.")
            return
        try:
            data.add_watch(self.ms_app.settings, query, filters, mode)
        except data.Unavailable:
            self.notify("Bevakningar är inte tillgängliga ännu.", severity="warning")
            return
        except Exception as exc:  # e.g. an invalid query: a notice, never a crash
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"Bevakar ”{query}”.")
        self._load()

    def action_remove(self) -> None:
        row: dict[str, Any] | None = self.query_one("#entries", EntryList).current
        if not row:
            return
        try:
            data.remove_watch(self.ms_app.settings, int(row["id"]))
        except Exception as exc:  # a failed removal is a notice, never a crash
            self.notify(str(exc), severity="warning")
            return
        self.notify(f"Tog bort bevakningen ”{row.get('query')}”.")
        self._load()


class NewItemsScreen(ListScreen):
    """The items a watch found since it was last opened."""

    SUB_TITLE = "Bevakning"
    heading = "Nytt"
    empty = "Inget nytt sedan sist."
    export_name = "bevakning"

    def __init__(self, watch_id: int, query: str) -> None:
        super().__init__()
        self.watch_id = watch_id
        self.query_text = query

    def title_text(self) -> str:
        return f"Nytt för ”{self.query_text}”"

    def fetch(self) -> list[Row]:
        return data.check_watch(self.ms_app.settings, self.watch_id)

    def summary(self, rows: list[Row]) -> str:
        return f"{len(rows)} nya ärenden, äldst först (räknas nu som sedda)"

    def prompt(self, row: Row) -> Content:
        return hit_prompt(
            {**row, "snippet": row.get("title") and (row.get("parts") or {}).get("decision")}
        )
