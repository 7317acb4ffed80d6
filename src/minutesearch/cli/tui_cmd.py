"""`minutesearch tui`: the terminal UI. Textual is imported inside the command so `--help` and
every other command start without it."""

from __future__ import annotations

import click

from .common import AppContext, pass_app


@click.command()
@click.option(
    "--embedder",
    default=None,
    help="Embedder for semantic queries (default: the one the index was built with).",
)
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "keyword", "semantic"]),
    default="hybrid",
    show_default=True,
    help="Search mode to start in (switch in the app).",
)
@pass_app
def tui(app: AppContext, embedder: str | None, mode: str) -> None:
    """Open the terminal UI: search as you type, items, persons, decisions, watches."""
    from ..tui.app import make_app

    # Without --embedder, AppContext uses the one recorded in the index's vector stamp.
    settings = app.settings(embedder=embedder) if embedder else app.settings()
    make_app(settings, mode=mode).run()


COMMANDS: list[click.Command] = [tui]
