"""PLACEHOLDER stage: replaced by the real implementation."""

from __future__ import annotations

from ..stages import StageContext


def annotate(ctx: StageContext) -> None:
    return None
