"""Messages the widgets send upward; the app routes them to screens."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class OpenItem(Message):
    """Open the Ärende screen for an item (from a results list, a timeline, related items)."""

    item_id: str


@dataclass
class OpenPerson(Message):
    """Open the Person screen for a name or person id (from a chip or the person key)."""

    name: str


@dataclass
class FiltersChanged(Message):
    """The filter panel changed; the search screen runs the query again."""
