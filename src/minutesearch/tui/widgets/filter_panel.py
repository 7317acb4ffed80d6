"""The Sök screen's left panel: kommun/region, organ, datum från–till, parti, person, ämne, typ."""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Input, Label, Select

from ..data import Filters
from ..messages import FiltersChanged

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SELECTS = ("org", "body", "party", "topic", "kind")
_SELECT_LABELS = {
    "org": "Kommun/region",
    "body": "Organ",
    "party": "Parti",
    "topic": "Ämne",
    "kind": "Dokumenttyp",
}


class FilterPanel(VerticalScroll):
    """Posts `FiltersChanged` whenever a complete value changes (a half-typed date does not)."""

    can_focus = False  # tab should go from the search field straight to the first filter

    def __init__(self, choices: dict[str, list[tuple[str, str]]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices = choices
        self.border_title = "Filter"

    def compose(self) -> ComposeResult:
        for key in _SELECTS[:2]:  # "KS" is a body in every kommun: the kommun comes first
            yield from self._select(key)
        yield Label("Datum från–till")
        yield Input(placeholder="från ÅÅÅÅ-MM-DD", id="f-since", classes="date", compact=True)
        yield Input(placeholder="till ÅÅÅÅ-MM-DD", id="f-until", classes="date", compact=True)
        yield from self._select("party")
        yield Label("Person")
        yield Input(placeholder="namn", id="f-person", compact=True)
        yield from self._select("topic")
        yield from self._select("kind")
        yield Button("Rensa filter", id="f-clear", variant="default")

    def _select(self, key: str) -> ComposeResult:
        yield Label(_SELECT_LABELS[key])
        yield Select[str](
            self.choices.get(key, []), prompt="alla", id=f"f-{key}", allow_blank=True, compact=True
        )

    @property
    def filters(self) -> Filters:
        values: dict[str, str | None] = {}
        for key in _SELECTS:
            value = self.query_one(f"#f-{key}", Select).value
            values[key] = value if isinstance(value, str) else None
        for key in ("since", "until"):
            text = self.query_one(f"#f-{key}", Input).value.strip()
            values[key] = text if _DATE.match(text) else None
        values["person"] = self.query_one("#f-person", Input).value.strip() or None
        return Filters(**values)

    def set_value(self, key: str, value: str) -> None:
        """Set one filter from code (tests, the command palette)."""
        widget = self.query_one(f"#f-{key}")
        if isinstance(widget, Select | Input):
            widget.value = value

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(FiltersChanged())

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        event.stop()
        text = event.value.strip()
        if event.input.has_class("date") and text and not _DATE.match(text):
            return
        self.post_message(FiltersChanged())

    @on(Button.Pressed, "#f-clear")
    def _clear(self, event: Button.Pressed) -> None:
        event.stop()
        with self.prevent(Select.Changed, Input.Changed):
            for key in _SELECTS:
                self.query_one(f"#f-{key}", Select).clear()
            for inp in self.query(Input):
                inp.value = ""
        self.post_message(FiltersChanged())
