"""Chips: names shown as small clickable labels, laid out in rows that never split a chip."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.markup import escape
from textual.widgets import Static

MAX_CHIPS = 12
"""More names than this on one item is noise from the tagger more often than not."""


class ChipRow(Static):
    """'Personer:  Anna Berg   Per Ek ' — each name calls `action(index)` when clicked.

    Text wrapping would break 'Bergs kommun' between its words, so the row is laid out here,
    chip by chip, for the width the widget has."""

    def __init__(self, label: str, names: Sequence[str], action: str | None = None) -> None:
        super().__init__(classes="chips")
        self.label = label
        self.names = list(names)
        self.action = action

    def render(self) -> Content:
        width = max(self.content_region.width, 20)
        lines = [f"[b]{escape(self.label)}:[/b] "]
        used = len(self.label) + 2
        shown = self.names[:MAX_CHIPS]
        extra = len(self.names) - len(shown)
        for i, name in enumerate(shown):
            cells = len(name) + 3
            if used + cells > width and used > 0:
                lines.append("\n")
                used = 0
            chip = f" {escape(name)} "
            if self.action:
                chip = f"[@click={self.action}({i})]{chip}[/]"
            lines.append(f"[reverse]{chip}[/reverse] ")
            used += cells
        if extra:
            lines.append(f"[dim]+{extra} till[/dim]")
        return Content.from_markup("".join(lines))


def link_list(entries: Sequence[str], action: str) -> Content:
    """One clickable line per entry; `action(index)` runs on click."""
    lines = [f"• [@click={action}({i})][u]{escape(text)}[/u][/]" for i, text in enumerate(entries)]
    return Content.from_markup("\n".join(lines))
