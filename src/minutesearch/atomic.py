"""Atomic replacement of index folders: build beside, then swap."""

from __future__ import annotations

import shutil
from pathlib import Path


def swap_into_place(tmp: Path, target: Path) -> None:
    """Replace target by tmp; the old folder is kept until the new one is in place."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
