"""The app and its factory: `make_app(settings)` is what the CLI runs and what the tests drive."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from ..config import Settings
from ..errors import MinutesearchError
from . import corpus, data
from .export import write_csv
from .messages import OpenItem, OpenPerson
from .screens.decisions_screen import DecisionsScreen
from .screens.help_screen import HelpScreen
from .screens.item_screen import ItemScreen
from .screens.overview_screen import OverviewScreen
from .screens.person_picker import PersonPicker
from .screens.person_screen import PersonScreen
from .screens.search_screen import SearchScreen
from .screens.start_screen import StartScreen
from .screens.timeline_screen import TimelineScreen
from .screens.watches_screen import WatchesScreen

_LOCAL_EMBEDDERS = ("fake", "none")


class MinutesApp(App[None]):
    """Sök is the base screen; every other screen is pushed on it and `escape` pops back."""

    CSS_PATH = "app.tcss"
    TITLE = "minutesearch"
    SUB_TITLE = "Sök i protokollen"
    BINDINGS = [
        Binding("q", "quit", "Avsluta"),
        Binding("question_mark", "help", "Hjälp"),
        Binding("escape", "go_back", "Tillbaka"),
        # The footer has room for a few keys at 80 columns: screens show the ones that matter
        # there (as `app.…` bindings); all of them are in the help and the command palette.
        Binding("t", "timeline", "Tidslinje", show=False),
        Binding("p", "person", "Person", show=False),
        Binding("b", "decisions", "Beslut", show=False),
        Binding("w", "watches", "Bevakningar", show=False),
        Binding("o", "overview", "Översikt", show=False),
        Binding("e", "export", "Exportera CSV", show=False),
        Binding("slash", "search", "Sök", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        mode: str = "hybrid",
        debounce_s: float = 0.08,
        show_timing: bool = True,
        export_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.mode = mode
        """Search mode: hybrid, keyword or semantic (the mode switch changes it)."""
        self.debounce_s = debounce_s
        """Quiet time after the last keystroke before a search starts."""
        self.show_timing = show_timing
        """Show the search time on the status line (off in snapshot tests: it varies)."""
        self.export_dir = export_dir
        """Where `e` writes CSV files; None means the current directory."""
        self.start_error: str | None = None

    def get_default_screen(self) -> Screen[Any]:
        try:
            ready = data.index_ready(self.settings)
        except MinutesearchError as exc:
            ready, self.start_error = False, exc.msg
        return SearchScreen() if ready else StartScreen(self.settings.index_dir, self.start_error)

    def on_mount(self) -> None:
        if isinstance(self.screen, SearchScreen):
            self._warm_up(self.mode != "keyword" and self.settings.embedder not in _LOCAL_EMBEDDERS)

    @work(thread=True, exclusive=True, group="warm-up")
    def _warm_up(self, embedder: bool) -> None:
        """Load the embedder (seconds, with an indicator) and open the indexes once, so the
        first real query is as quick as the rest."""
        if embedder:
            self.call_from_thread(self._model_loading, True)
            try:
                data.warm_embedder(self.settings)
            except (data.Unavailable, MinutesearchError) as exc:
                self.call_from_thread(
                    self.notify, f"Semantisk sökning fungerar inte: {exc}", severity="warning"
                )
            self.call_from_thread(self._model_loading, False)
        # A broken index shows itself on the first real search instead.
        with contextlib.suppress(Exception):
            data.search(self.settings, "kommun", self.mode, data.Filters(), limit=5)

    def _model_loading(self, loading: bool) -> None:
        if self.search_screen is not None:
            self.search_screen.model_loading(loading)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `escape` is only offered where there is somewhere to go back to.
        if action == "go_back":
            return len(self.screen_stack) > 1
        return True

    # -- navigation ---------------------------------------------------------------------

    @property
    def search_screen(self) -> SearchScreen | None:
        base = self.screen_stack[0] if self.screen_stack else None
        return base if isinstance(base, SearchScreen) else None

    @on(OpenItem)
    def _open_item(self, message: OpenItem) -> None:
        self.push_screen(ItemScreen(message.item_id))

    @on(OpenPerson)
    def _open_person(self, message: OpenPerson) -> None:
        self.push_screen(PersonScreen(message.name))

    def _has_index(self) -> bool:
        if self.search_screen is None:
            self.notify("Inget index ännu — kör `minutesearch ingest`.", severity="warning")
            return False
        return True

    def action_go_back(self) -> None:
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.search_screen is not None:
            self.search_screen.action_focus_query()

    def action_search(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        if self.search_screen is not None:
            self.search_screen.action_focus_query()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_timeline(self) -> None:
        if not self._has_index():
            return
        screen = self.screen
        if isinstance(screen, ItemScreen) and screen.item:
            self.push_screen(TimelineScreen(screen.item_id, screen.item.get("title")))
            return
        search = self.search_screen
        assert search is not None
        # A highlighted hit in a focused list means "this item"; otherwise the query itself.
        row = search.current_row() if screen is search and not search.typing else None
        if row:
            self.push_screen(TimelineScreen(str(row["id"]), row.get("title")))
        elif search.query_text:
            self.push_screen(TimelineScreen(search.query_text))
        else:
            self.notify("Skriv en sökning eller markera ett ärende först.")

    def action_person(self) -> None:
        if not self._has_index():
            return
        screen = self.screen
        if isinstance(screen, ItemScreen):
            names = screen.persons()
            if len(names) == 1:
                self.post_message(OpenPerson(names[0]))
                return
            if names:
                self.push_screen(PersonPicker(names), self._picked_person)
                return
        search = self.search_screen
        row = search.current_row() if search is screen and search and not search.typing else None
        names = data.item(self.settings, str(row["id"]))["persons"] if row else []
        if names:
            self.push_screen(PersonPicker(names), self._picked_person)
        else:
            self.push_screen(PersonPicker(corpus.person_names(self.settings)), self._picked_person)

    def _picked_person(self, name: str | None) -> None:
        if name:
            self.post_message(OpenPerson(name))

    def action_decisions(self) -> None:
        if self._has_index():
            search = self.search_screen
            assert search is not None
            self.push_screen(DecisionsScreen(search.query_text, search.filters))

    def action_watches(self) -> None:
        if self._has_index() and not isinstance(self.screen, WatchesScreen):
            search = self.search_screen
            assert search is not None
            self.push_screen(WatchesScreen(search.query_text, search.filters, self.mode))

    def action_overview(self) -> None:
        if self._has_index() and not isinstance(self.screen, OverviewScreen):
            self.push_screen(OverviewScreen())

    def action_export(self) -> None:
        exporter = getattr(self.screen, "export_rows", None)
        if exporter is None:
            self.notify("Här finns ingen lista att exportera.")
            return
        name, rows = exporter()
        if not rows:
            self.notify("Listan är tom — inget att exportera.")
            return
        path = write_csv(rows, self.export_dir or Path.cwd(), name)
        self.notify(f"{len(rows)} rader sparade i {path}", title="Export")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield SystemCommand("Sök", "Till sökfältet", self.action_search)
        yield SystemCommand("Översikt", "Protokollen i korthet", self.action_overview)
        yield SystemCommand("Beslut", "Beslut om sökningen, nyast först", self.action_decisions)
        yield SystemCommand(
            "Bevakningar", "Sparade sökningar och vad som är nytt", self.action_watches
        )
        yield SystemCommand("Tidslinje", "Ärendet eller sökningen över tid", self.action_timeline)
        yield SystemCommand("Person", "Välj en person", self.action_person)
        yield SystemCommand("Exportera CSV", "Spara listan som CSV", self.action_export)
        yield SystemCommand("Hjälp", "Tangenterna", self.action_help)
        yield from super().get_system_commands(screen)


def make_app(settings: Settings, **options: Any) -> MinutesApp:
    """The one way to build the app (CLI and tests); `options` go to `MinutesApp`."""
    if settings.embedder == "none":
        options.setdefault("mode", "keyword")
    return MinutesApp(settings, **options)
