"""Sök, the home screen: search as you type, a mode switch, filters and a results list."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label, LoadingIndicator, Select, Static
from textual.worker import get_current_worker

from .. import corpus, data, export
from ..messages import FiltersChanged
from ..widgets.entry_list import EntryList
from ..widgets.filter_panel import FilterPanel

if TYPE_CHECKING:
    from ..app import MinutesApp

MODES = [("hybrid", "hybrid"), ("nyckelord", "keyword"), ("semantisk", "semantic")]


class SearchScreen(Screen[None]):
    """Each keystroke restarts a short timer; when it fires, one worker searches and a result
    that arrives after a newer query was started is dropped."""

    SUB_TITLE = "Sök"

    BINDINGS = [
        Binding("slash", "focus_query", "Sök", show=False),
        Binding("down", "focus_results", "Till träffarna"),
        Binding("f", "toggle_filters", "Filter"),
        Binding("t", "app.timeline", "Tidslinje"),
        Binding("p", "app.person", "Person"),
        Binding("b", "app.decisions", "Beslut"),
        Binding("m", "next_mode", "Läge", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._seq = 0
        self._typed_at = 0.0
        self.latency_ms: float | None = None
        """Last keystroke (or filter change) to results on screen, for the latency measurement."""
        self.found: data.Found | None = None
        self.idle = True
        """False from a keystroke until its results (or its error) are on screen."""

    @property
    def ms_app(self) -> MinutesApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="search-bar"):
            yield Input(placeholder="Sök i protokollen …  (t.ex. familjehem)", id="query")
            yield Select(MODES, value=self.ms_app.mode, allow_blank=False, id="mode")
        with Horizontal(id="search-body"):
            yield FilterPanel(corpus.filter_choices(self.ms_app.settings), id="filters")
            with Vertical(id="results-pane"):
                with Horizontal(id="model-row"):
                    yield LoadingIndicator()
                    yield Label("Laddar språkmodellen för semantisk sökning …")
                yield Static(self._idle_text(), id="status")
                yield EntryList(id="results")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        # Below ~110 columns the list needs the width more than the panel does.
        self.query_one(FilterPanel).display = self.app.size.width >= 110
        self.query_one("#query", Input).focus()

    @property
    def query_text(self) -> str:
        return self.query_one("#query", Input).value.strip()

    # -- scheduling ---------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        self._schedule()

    @on(FiltersChanged)
    def _filters_changed(self) -> None:
        self._schedule()

    @on(Select.Changed, "#mode")
    def _mode_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.ms_app.mode = event.value
            self._schedule()

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        # Enter after the results came in only moves to the list; before, it searches now.
        if not self.idle:
            self._schedule(delay=0)
        self.action_focus_results()

    def _schedule(self, delay: float | None = None) -> None:
        self.idle = False
        self._typed_at = time.perf_counter()
        if self._timer is not None:
            self._timer.stop()
        wait = self.ms_app.debounce_s if delay is None else delay
        self._timer = self.set_timer(max(wait, 0.001), self.run_search)

    def run_search(self) -> None:
        """Start the search for what the field and filters say now."""
        self._seq += 1
        query = self.query_text
        if not query:
            self.found = None
            self.query_one(EntryList).set_rows([])
            self._status(self._idle_text())
            self.idle = True
            return
        self._status("Söker …")
        self._search(self._seq, query, self.ms_app.mode, self.query_one(FilterPanel).filters)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, seq: int, query: str, mode: str, filters: data.Filters) -> None:
        try:
            found: data.Found | str = data.search(self.ms_app.settings, query, mode, filters)
        except data.Unavailable:
            found = "Sökningen är inte tillgänglig ännu."
        except Exception as exc:  # a failed search is a status line, never a crash
            found = f"{getattr(exc, 'title', 'Fel')}: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, seq, found)

    def _show(self, seq: int, found: data.Found | str) -> None:
        if seq != self._seq:
            return  # a newer query is on its way; this answer is stale
        self.idle = True
        results = self.query_one(EntryList)
        if isinstance(found, str):
            self.found = None
            results.set_rows([])
            self._status(found, error=True)
            return
        self.found = found
        results.set_rows(found.hits)
        self.latency_ms = (time.perf_counter() - self._typed_at) * 1000
        self._status(self._summary(found))

    def _idle_text(self) -> str:
        c = data.counts(self.ms_app.settings)
        return (
            f"{c['meetings']} möten och {c['items']} ärenden i indexet. Skriv för att söka;"
            " ? visar tangenterna."
        )

    def _summary(self, found: data.Found, *, typing: bool | None = None) -> str:
        label = dict((v, k) for k, v in MODES).get(found.mode, found.mode)
        text = f"{found.total} träffar" if found.total != 1 else "1 träff"
        if not found.total:
            text = "Inga träffar"
        if found.suggestion:
            text = f"Menade du: {found.suggestion}? · {text}"
        if found.total > len(found.hits):
            text += f" (visar {len(found.hits)})"
        if self.ms_app.show_timing:
            text += f" · {found.elapsed_ms:.0f} ms"
        text += f" · {label}"
        if found.hits and (self.typing if typing is None else typing):
            text += " · ↓ eller enter till listan"
        if found.fallback_or:
            text += " · inga träffar på alla ord, visar träffar på något av dem"
        text += "".join(f" · {note}" for note in found.notes)
        active = self.query_one(FilterPanel).filters.active()
        if active:
            text += " · filter: " + ", ".join(active.values())
        return text

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "error")

    def model_loading(self, loading: bool) -> None:
        """Show or hide the model-loading row (the app loads the embedder in a worker)."""
        self.query_one("#model-row").display = loading

    # -- actions ------------------------------------------------------------------------

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_focus_results(self) -> None:
        self.query_one(EntryList).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The "↓ till listan" hint is for the search field only.
        if self.idle and self.found is not None:
            typing = isinstance(event.widget, Input) and event.widget.id == "query"
            self._status(self._summary(self.found, typing=typing))

    def action_toggle_filters(self) -> None:
        panel = self.query_one(FilterPanel)
        panel.display = not panel.display

    def action_next_mode(self) -> None:
        select = self.query_one("#mode", Select)
        values = [v for _, v in MODES]
        select.value = values[(values.index(self.ms_app.mode) + 1) % len(values)]

    def export_rows(self) -> tuple[str, list[dict[str, Any]]]:
        """The whole result set, not only the rows on screen."""
        rows = self.query_one(EntryList).rows
        if self.found is None or self.found.total <= len(rows):
            return "sok", rows
        settings, mode = self.ms_app.settings, self.ms_app.mode
        return "sok", export.all_hits(
            settings, self.query_text, mode, self.filters, self.found.total
        )

    def current_row(self) -> dict[str, Any] | None:
        return self.query_one(EntryList).current

    @property
    def filters(self) -> data.Filters:
        return self.query_one(FilterPanel).filters

    @property
    def typing(self) -> bool:
        return self.query_one("#query", Input).has_focus
