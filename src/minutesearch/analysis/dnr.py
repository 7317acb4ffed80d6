"""Diarienummer in the forms minutes write them, normalised so the same matter meets itself.

The patterns and keys live in `minutesearch.vocabulary`; these names stay for their callers."""

from __future__ import annotations

from ..vocabulary import DNR_ANY, dnr_key, dnr_keys, item_dnr, normalise_dnr

__all__ = ["DNR_ANY", "dnr_key", "dnr_keys", "item_dnr", "normalise_dnr"]
