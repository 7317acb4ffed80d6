"""Pick a person: the item's persons, or everyone in the index filtered as you type."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList


class PersonPicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Avbryt")]

    def __init__(self, names: list[str], query: str = "") -> None:
        super().__init__()
        self.names = names
        self.initial = query

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Input(self.initial, placeholder="namn …", id="picker-query")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self.query_one("#picker").border_title = "Välj person"
        self._fill(self.initial)

    @on(Input.Changed, "#picker-query")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        words = text.lower().split()
        shown = [n for n in self.names if all(w in n.lower() for w in words)]
        options = self.query_one("#picker-list", OptionList)
        options.set_options(shown[:200])
        if shown:
            options.highlighted = 0

    @on(Input.Submitted, "#picker-query")
    def _submitted(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        if options.highlighted is not None:
            self.dismiss(str(options.get_option_at_index(options.highlighted).prompt))

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(str(event.option.prompt))

    def on_key(self, event: object) -> None:
        # Arrow keys move in the list while typing goes on in the field.
        key = getattr(event, "key", "")
        if key in ("down", "up") and self.query_one("#picker-query").has_focus:
            options = self.query_one("#picker-list", OptionList)
            options.action_cursor_down() if key == "down" else options.action_cursor_up()
