"""The screen an empty or missing index gets: what to run, not an error."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Center, Middle
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class StartScreen(Screen[None]):
    SUB_TITLE = "Kom igång"

    def __init__(self, index_dir: Path, error: str | None = None) -> None:
        super().__init__()
        self.index_dir = index_dir
        self.error = error

    def compose(self) -> ComposeResult:
        yield Header()
        with Middle(), Center():
            yield Static(
                "[b]Inget index ännu[/b] — kör `minutesearch ingest`\n\n"
                "Det läser protokollen i corpus/ (eller de mappar du anger) och bygger "
                f"sökindexet i {escape(str(self.index_dir))}.\n\n"
                "  minutesearch ingest                 # corpus/\n"
                "  minutesearch ingest MAPP …          # egna protokoll\n\n"
                "Starta sedan om med `minutesearch tui`.  Tryck q för att avsluta.",
                id="start",
            )
            if self.error:
                yield Static(self.error, id="start-error", markup=False)
        yield Footer(show_command_palette=False)
