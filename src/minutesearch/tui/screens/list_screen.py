"""The shape Tidslinje and Beslut share: a heading, a status line and a list filled by a worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from .. import data
from ..widgets.entry_list import EntryList, Row

if TYPE_CHECKING:
    from ..app import MinutesApp


class ListScreen(Screen[None]):
    """Subclasses say what to fetch (in a thread) and how one row looks."""

    heading = ""
    empty = "Inget att visa."
    export_name = "lista"

    @property
    def ms_app(self) -> MinutesApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="list-pane"):
            yield Static(self.title_text(), id="list-heading", markup=False)
            yield Static("Hämtar …", id="status")
            yield EntryList(self.prompt, id="entries")
        yield Footer(show_command_palette=False)

    def title_text(self) -> str:
        return self.heading

    def fetch(self) -> list[Row]:
        raise NotImplementedError

    def prompt(self, row: Row) -> Content:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(EntryList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="list")
    def _load(self) -> None:
        try:
            rows: list[Row] | str = self.fetch()
        except data.Unavailable:
            rows = f"{self.heading} är inte tillgängligt ännu."
        except Exception as exc:  # shown on the status line, never a crash
            rows = f"{getattr(exc, 'title', 'Fel')}: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[Row] | str) -> None:
        status = self.query_one("#status", Static)
        if isinstance(rows, str):
            status.update(rows)
            status.add_class("error")
            return
        status.update(self.summary(rows) if rows else self.empty)
        self.query_one(EntryList).set_rows(rows)

    @property
    def rows(self) -> list[Row]:
        return self.query_one(EntryList).rows

    def summary(self, rows: list[Row]) -> str:
        return f"{len(rows)} st"

    def export_rows(self) -> tuple[str, list[dict[str, Any]]]:
        return self.export_name, self.query_one(EntryList).rows
