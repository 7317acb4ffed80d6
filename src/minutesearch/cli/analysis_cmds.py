"""Commands of this area (to be filled in)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
