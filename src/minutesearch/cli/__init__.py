"""The `minutesearch` command: a thin click wrapper over the library.

Only click and the standard library are imported at start-up so `--help` is instant; each command
imports what it needs inside its body.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from ..errors import MinutesearchError
from .common import AppContext


class _Group(click.Group):
    """Turns library errors into one clear line on stderr and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MinutesearchError as exc:
            click.echo(f"{exc.title}: {exc.msg}", err=True)
            sys.exit(1)
        except BrokenPipeError:  # `minutesearch items --json | head`
            sys.exit(0)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the store and indexes (default: indexes/, or $MINUTESEARCH_INDEX_DIR).",
)
@click.version_option(package_name="minutesearch")
@click.pass_context
def main(ctx: click.Context, index_dir: str | None) -> None:
    """Search and analysis over Swedish meeting minutes (protokoll)."""
    ctx.obj = AppContext(index_override=index_dir)


def _register() -> None:
    from . import analysis_cmds, api_cmds, entity_cmds, ingest_cmds, search_cmds, tui_cmd

    for module in (ingest_cmds, search_cmds, entity_cmds, analysis_cmds, api_cmds, tui_cmd):
        for command in module.COMMANDS:
            main.add_command(command)
    from . import inspect_cmd  # minutesearch inspect FILE (issue 11)

    for command in inspect_cmd.COMMANDS:
        main.add_command(command)


_register()
