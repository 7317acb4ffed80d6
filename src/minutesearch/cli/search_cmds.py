"""`search` and `related`."""

from __future__ import annotations

from typing import Any

import click

from .common import AppContext, echo_csv, echo_json_lines, pass_app


def _bold_spans(text: str, spans: list[list[int]]) -> str:
    out, pos = [], 0
    for start, end in spans:
        out.append(text[pos:start])
        out.append(click.style(text[start:end], bold=True))
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _print_hits(hits: list[Any]) -> None:
    for h in hits:
        where = f"{h.body_short or h.body or '?'} {h.date or '----------'} § {h.section}"
        click.echo(f"{h.rank:>3}. {where}  {click.style(' '.join(h.title.split()), bold=True)}")
        if h.snippet:
            click.echo(f"     {_bold_spans(h.snippet, h.highlights)}")
        click.echo(click.style(f"     {h.id}  ({h.source})", dim=True))


@click.command()
@click.argument("query")
@click.option(
    "--mode",
    type=click.Choice(["keyword", "semantic", "hybrid"]),
    default="hybrid",
    show_default=True,
    help="Keyword (BM25F), semantic (embeddings) or hybrid (RRF).",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--body", help="Only this body (full or short name).")
@click.option("--org", help="Only this municipality/region (e.g. Alingsås, Göteborg).")
@click.option("--since", help="From this date (YYYY[-MM[-DD]]).")
@click.option("--until", help="Up to this date (YYYY[-MM[-DD]]).")
@click.option("--person", help="Only items naming or attended by this person (name or alias).")
@click.option("--party", help="Only items involving this party (S, M, SD, ...).")
@click.option("--kind", help="protocol, extract or attachment (protokoll, utdrag, bilaga).")
@click.option("--topic", help="Only items of this topic (label or id).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines (see README for the fields).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with provenance (body, date, §, source).")
@pass_app
def search(
    app: AppContext,
    query: str,
    mode: str,
    limit: int,
    body: str | None,
    org: str | None,
    since: str | None,
    until: str | None,
    person: str | None,
    party: str | None,
    kind: str | None,
    topic: str | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Search §-items: words, questions or a pasted paragraph; "phrase", -exclude, prefix*."""
    from ..search import SearchFilters
    from ..search import search as run_search

    filters = SearchFilters(
        body=body,
        org=org,
        since=since,
        until=until,
        person=person,
        party=party,
        kind=kind,
        topic=topic,
    )
    with app.store() as store:
        result = run_search(store, app.settings(), query, mode=mode, limit=limit, filters=filters)
    if as_json:
        extra = {"suggestion": result.suggestion} if result.suggestion else {}
        echo_json_lines({**h.to_json(), **extra} for h in result.hits)
        return
    if as_csv:
        from dataclasses import fields

        from ..search import Hit

        csv_fields = [f.name for f in fields(Hit) if f.name != "highlights"]
        echo_csv((h.to_json() for h in result.hits), csv_fields)
        return
    if result.note:
        click.echo(result.note, err=True)
    if result.fallback_or:
        click.echo("Inget ärende innehöll alla orden; visar ärenden med något av dem.", err=True)
    if not result.hits:
        described = filters.describe()  # say which filter emptied it ("efter 2030-01-01")
        click.echo(f"Inga träffar för {query!r}" + (f" ({described})." if described else "."))
        if result.suggestion:
            click.echo(f"Menade du: {result.suggestion}?")
        else:
            click.echo(
                "Pröva andra eller färre ord, ett ord ur ärendets rubrik eller ta bort filter."
            )
        return
    if result.suggestion:
        click.echo(f"Menade du: {result.suggestion}?", err=True)
    _print_hits(result.hits)
    click.echo(
        f"\n{len(result.hits)} av {result.total} träffar ({result.mode}, {result.elapsed_ms:.0f} ms)",
        err=True,
    )


@click.command()
@click.argument("item_id")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--json", "as_json", is_flag=True, help="JSON lines (same fields as search).")
@pass_app
def related(app: AppContext, item_id: str, limit: int, as_json: bool) -> None:
    """The items most like ITEM_ID, from other meetings first."""
    from ..search import related as run_related

    with app.store() as store:
        hits = run_related(store, app.settings(), item_id, limit=limit)
    if as_json:
        echo_json_lines(h.to_json() for h in hits)
        return
    if not hits:
        click.echo(f"Inga liknande ärenden för {item_id}.")
        return
    _print_hits(hits)


COMMANDS: list[click.Command] = [search, related]
