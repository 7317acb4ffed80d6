"""Persons in the store, listed and looked up (`persons`, `person`); built by `resolve.py`.

The read model lives in `people.py` (one place for `person`, `persons`, the person filter and the
TUI); this module keeps the names the CLI, the TUI and the architecture document use."""

from __future__ import annotations

from .people import (
    AmbiguousPersonError,
    find_person,
    list_persons,
    person_detail,
    person_ids_matching,
    person_item_ids,
)

__all__ = [
    "AmbiguousPersonError",
    "find_person",
    "list_persons",
    "person_detail",
    "person_ids_matching",
    "person_item_ids",
]
