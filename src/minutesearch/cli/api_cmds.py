"""`stats` and `export`: counts and lossless tables, both over the public API (`minutesearch.api`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .common import AppContext, echo_csv, echo_json_lines, pass_app

FILTER_NAMES = ("body", "org", "since", "until", "person", "party", "kind", "topic", "outcome")


def filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--body --org --since --until --person --party --kind --topic --outcome (the one Filters)."""
    for opt in reversed(
        [
            click.option("--body", help="Only this body (full or short name)."),
            click.option("--org", help="Only this municipality/region (e.g. Alingsås, Göteborg)."),
            click.option("--since", help="From this date (YYYY[-MM[-DD]])."),
            click.option("--until", help="Up to this date (YYYY[-MM[-DD]])."),
            click.option("--person", help="Only items naming or attended by this person."),
            click.option("--party", help="Only items with this party (S, M, SD, …)."),
            click.option(
                "--kind", help="protocol, extract or attachment (protokoll, utdrag, bilaga)."
            ),
            click.option("--topic", help="Only items in this topic (label or id)."),
            click.option("--outcome", help="Only decisions of this type (bifall, avslag, …)."),
        ]
    ):
        fn = opt(fn)
    return fn


def filters_from(kw: dict[str, Any]) -> Any:
    from ..filters import Filters

    return Filters(**{k: kw.pop(k, None) for k in FILTER_NAMES})


def _corpus(app: AppContext) -> Any:
    from ..api import Corpus

    return Corpus(app.settings())


@click.command()
@click.option(
    "--by",
    "by",
    default="year",
    show_default=True,
    help="Dimensions, comma-separated: body, org, year, month, outcome, party, topic;"
    " with --count motions also won and kind.",
)
@click.option(
    "--count",
    "count",
    type=click.Choice(["decisions", "items", "motions"]),
    default="decisions",
    show_default=True,
    help="What to count: decisions, items or motions (yrkanden).",
)
@click.option("--query", help="Only decisions on this query (as `decisions QUERY`).")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="JSON lines: the dimension values and count.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV: the dimensions and count.")
@pass_app
def stats(
    app: AppContext,
    by: str,
    count: str,
    query: str | None,
    as_json: bool,
    as_csv: bool,
    **kw: Any,
) -> None:
    """Count decisions, items or yrkanden along dimensions, e.g. --by year,outcome --body KF.

    The counts add up to what `decisions` (or `items`, or the decisions' motions) lists with the
    same filters; party and topic count a row once per value (rows without one: empty).
    Yrkanden per party that won or lost: --count motions --by party,won."""
    filters = filters_from(kw)
    result = _corpus(app).stats(by, filters, count=count, query=query)
    if as_json:
        echo_json_lines(result.to_records())
        return
    if as_csv:
        echo_csv(result.to_records(), result.columns())
        return
    if not result:
        click.echo(result.note or "Inget att räkna.")
        return
    dims = result.columns()[:-1]
    widths = [max(len(d), *(len(_shown(r.values[d])) for r in result)) for d in dims]
    click.secho(
        "  ".join(d.ljust(w) for d, w in zip(dims, widths, strict=True)) + "  antal", bold=True
    )
    for r in result:
        cells = [_shown(r.values[d]).ljust(w) for d, w in zip(dims, widths, strict=True)]
        click.echo("  ".join(cells) + f"  {r.count:>5}")
    click.echo(f"\nSumma: {sum(r.count for r in result)}", err=True)


def _shown(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "vann" if value else "föll"
    return str(value)


@click.command()
@click.option(
    "--what",
    type=click.Choice(["items", "meetings", "decisions", "persons", "mentions", "all"]),
    default="all",
    show_default=True,
    help="Which tables (meetings adds attendees; decisions adds motions and reservations).",
)
@filter_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "parquet"]),
    default="csv",
    show_default=True,
    help="File format (parquet needs the [data] extra: pandas and pyarrow).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write <table>.<format> into (created if missing).",
)
@pass_app
def export(app: AppContext, what: str, fmt: str, out: Path, **kw: Any) -> None:
    """Export flat tables with provenance (org, body, date, §, dnr, source) for spreadsheets."""
    from ..export import tables, write_tables

    filters = filters_from(kw)
    written = write_tables(tables(_corpus(app), what, filters), fmt, out)
    for path, rows in written:
        click.echo(f"{path}  ({rows} rader)")


COMMANDS: list[click.Command] = [stats, export]
