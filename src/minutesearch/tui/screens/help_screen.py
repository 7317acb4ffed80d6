"""Hjälp: the keys, in a box over the current screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("/", "sök (flytta till sökfältet)"),
    ("enter", "öppna ärendet / sök nu"),
    ("↑ ↓", "flytta i listan"),
    ("r", "relaterade ärenden"),
    ("t", "tidslinje för ärendet eller sökningen"),
    ("p", "person (från ärendet eller sökfältet)"),
    ("b", "beslut om sökningen, nyast först"),
    ("w", "bevakningar"),
    ("o", "översikt över protokollen"),
    ("k", "öppna källdokumentet (i ärendet)"),
    ("f", "visa/dölj filter (i Sök)"),
    ("m", "byt sökläge: hybrid, nyckelord, semantisk"),
    ("e", "exportera listan till CSV"),
    ("ctrl+p", "kommandopalett (alla kommandon)"),
    ("?", "den här hjälpen"),
    ("escape", "tillbaka"),
    ("q", "avsluta"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Stäng")]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS)
        lines = [f"[b]{k:<{width}}[/b]  {what}" for k, what in KEYS]
        lines.append("\nSökfrågor: flera ord = alla ord; ”citat” = fras; ord* = prefix.")
        with VerticalScroll(id="help"):
            yield Static("\n".join(lines))

    def on_mount(self) -> None:
        self.query_one("#help").border_title = "Hjälp — tangenter"
