"""`decisions`, `threads`, `trace` and `watch` (add/list/remove; alone: what is new)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from ..analysis.decisions import OUTCOMES
from .common import AppContext, echo_csv, echo_json_lines, pass_app

OUTCOME_CHOICES = OUTCOMES
DECISION_CSV = [
    "date",
    "body",
    "section",
    "title",
    "outcome",
    "decision",
    "amounts",
    "motions",
    "reservations",
    "vote",
    "reservation_count",
    "multi_part",
    "amounts_mentioned",
    "id",
    "source",
    "org",
    "dnr",
]
TRACE_CSV = [
    "date",
    "body",
    "section",
    "title",
    "outcome",
    "decision",
    "said",
    "link_kind",
    "evidence",
    "id",
    "source",
    "org",
    "dnr",
    "in_corpus",
]


def _filter_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for opt in reversed(
        [
            click.option("--body", help="Only this body (full or short name)."),
            click.option("--org", help="Only this municipality/region (e.g. Alingsås, Göteborg)."),
            click.option("--since", help="From this date (YYYY-MM-DD)."),
            click.option("--until", help="Up to this date (YYYY-MM-DD)."),
            click.option("--person", help="Only items naming this person."),
            click.option("--party", help="Only items with this party (S, M, SD, …)."),
            click.option("--kind", type=click.Choice(["protocol", "extract", "attachment"])),
            click.option("--topic", help="Only items in this topic (label or id)."),
        ]
    ):
        fn = opt(fn)
    return fn


def _filters(kw: dict[str, Any]) -> dict[str, str | None]:
    return {
        k: kw.get(k) for k in ("body", "org", "since", "until", "person", "party", "kind", "topic")
    }


def _where(row: dict[str, Any]) -> str:
    return f"{row['body_short'] or row['body'] or '?'} {row['date'] or '----------'} § {row['section']}"


@click.command()
@click.argument("query", required=False)
@_filter_options
@click.option("--outcome", type=click.Choice(OUTCOME_CHOICES), help="Only decisions of this type.")
@click.option("--limit", type=click.IntRange(min=1), help="At most N decisions (newest first).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: id, body, body_short, date, section, title, decision, outcome, multi_part,"
    " amounts[], amounts_mentioned[], motions[{by, party, kind, text, won}], vote, votes[],"
    " reservations[], reservation_count, annotations[], conflicts[], source.",
)
@click.option(
    "--csv", "as_csv", is_flag=True, help="CSV with provenance (body, date, section, source)."
)
@pass_app
def decisions(
    app: AppContext,
    query: str | None,
    outcome: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    **kw: Any,
) -> None:
    """Decisions (on QUERY, when given), newest first, with outcome, amounts and yrkanden."""
    from ..analysis.matching import make_filters
    from ..analysis.queries import find_decisions
    from ..query import add_provenance

    with app.store() as store:
        rows = find_decisions(
            store, app.settings(), query, make_filters(_filters(kw)), outcome=outcome
        )
        add_provenance(store, rows)
    rows = rows[:limit] if limit else rows
    if as_json:
        echo_json_lines(rows)
        return
    if as_csv:
        echo_csv(rows, DECISION_CSV)
        return
    if not rows:
        described = make_filters(_filters(kw)).describe()
        click.echo(f"Inga beslut hittades ({described})." if described else "Inga beslut hittades.")
    for r in rows:
        parts = " (flera beslutssatser)" if r.get("multi_part") else ""
        click.secho(f"{_where(r)}  [{r['outcome']}]{parts}  {r['title'][:70]}", bold=True)
        if r["decision"]:
            click.echo("  " + " ".join(r["decision"].split())[:300])
        if r["amounts"]:
            click.echo("  Belopp: " + ", ".join(_kr(a) for a in r["amounts"]))
        for m in r["motions"]:
            won = {True: "bifölls", False: "föll", None: "utfall ej angivet"}[m["won"]]
            party = f" ({m['party']})" if m["party"] else ""
            kind = f" [{m['kind']}]" if m.get("kind") else ""
            click.echo(f"  Yrkande{kind}: {m['by']}{party} {m['text'][:120]} – {won}")
        if r.get("vote"):
            click.echo(f"  {vote_line(r['vote'])}")
        if r["reservations"]:
            count = r.get("reservation_count")
            head = f"  Reservationer ({count}): " if count is not None else "  Reservationer: "
            click.echo(head + "; ".join(_who(x) for x in r["reservations"]))
        for note in r.get("annotations") or []:
            click.echo(f"  Protokollsanteckning: {_who(note)}")
        for c in r.get("conflicts") or []:
            click.echo(f"  Jäv: {_who(c)}")
        click.echo(f"  id {r['id']}")


def _kr(amount: float) -> str:
    return f"{amount:,.0f} kr".replace(",", " ")


def _who(entry: dict[str, Any]) -> str:
    if entry.get("by"):
        return f"{entry['by']} ({entry['party']})" if entry.get("party") else str(entry["by"])
    return str(entry.get("party") or "?")


def vote_line(vote: dict[str, Any]) -> str:
    """'Omröstning: 7 ja, 8 nej, 0 avstod – nej vann (för …)' in Swedish."""
    side = vote.get("winner")
    proposition = vote.get(side) if side in ("ja", "nej") else None
    won = f" – {side} vann" if side in ("ja", "nej") else " – lika röstetal"
    what = f" ({proposition})" if proposition else ""
    return (
        f"Omröstning: {vote['for']} ja, {vote['against']} nej, {vote.get('abstain', 0)} avstod"
        f"{won}{what}"
    )


@click.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: id, items[{id, date, body, body_short, section, title, org}], link_kinds[].",
)
@click.option("--org", help="Only threads with an item of this municipality/region.")
@pass_app
def threads(app: AppContext, as_json: bool, org: str | None = None) -> None:
    """Recurring issues: items linked across meetings (diarienummer, references, extracts)."""
    from ..api import Corpus
    from ..filters import Filters

    rows = Corpus(app.settings()).threads(Filters(org=org)).to_records()
    if as_json:
        echo_json_lines(rows)
        return
    if not rows:
        click.echo("Inga återkommande ärenden hittades.")
    for t in rows:
        click.secho(
            f"{t['id']}  ({len(t['items'])} ärenden; {', '.join(t['link_kinds'])})", bold=True
        )
        for it in t["items"]:
            click.echo(f"  {_where(it):<28} {it['title'][:70]}")


@click.command()
@click.argument("query_or_item_id")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: id, date, body, body_short, section, title, said, decision, outcome, link_kind, evidence, linked_from, attachments[], kind, source, in_corpus, org, dnr, related[] (similar items, on the start entry; never steps).",
)
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="CSV with provenance (body, date, section, source, org, dnr) and said/decision in full.",
)
@pass_app
def trace(app: AppContext, query_or_item_id: str, as_json: bool, as_csv: bool) -> None:
    """One issue as a dated timeline across bodies (QUERY, item id or thread id)."""
    from ..analysis.threads import trace as run_trace
    from ..query import add_provenance, full_text_steps

    with app.store() as store:
        rows = run_trace(store, app.settings(), query_or_item_id)
        add_provenance(store, rows)
        if as_csv:  # a spreadsheet gets the full texts, not the 300-character excerpts
            echo_csv(full_text_steps(store, rows), TRACE_CSV)
            return
    if as_json:
        echo_json_lines(rows)
        return
    for r in rows:
        if not r["in_corpus"]:
            click.secho(f"{r['date']}  {_where(r)}  (finns inte i korpusen)", dim=True)
            click.echo(f"  Nämns i {r['linked_from']}: {r['evidence']}")
            continue
        click.secho(f"{r['date'] or '----------'}  {_where(r)}  {r['title'][:70]}", bold=True)
        if r["link_kind"] != "start":
            click.echo(f"  Kopplat via {r['link_kind']}: {r['evidence']}")
        if r["said"]:
            click.echo(f"  {r['said']}")
        if r["decision"]:
            click.echo(f"  Beslut [{r['outcome']}]: {r['decision']}")
        for a in r["attachments"]:
            click.echo(f"  Bilaga: {a['title']}")
    related = [x for r in rows for x in r.get("related") or []]
    if related:  # alike, but nothing says it is the same matter: shown apart, never as a step
        click.secho("\nLiknande ärenden (inte samma ärende):", bold=True)
        for x in related:
            click.echo(f"  {_where(x):<28} {x['title'][:60]}  (likhet {x['score']:.2f}, {x['id']})")


def _print_new(entries: list[dict[str, Any]]) -> None:
    for w in entries:
        click.secho(f"Bevakning {w['id']}: ”{w['query']}” — {w['new']} nya", bold=True)
        for it in w["items"]:
            click.echo(f"  {_where(it):<28} {it['title'][:70]}  ({it['id']})")


@click.group(invoke_without_command=True)
@click.option("--peek", is_flag=True, help="Show what is new without marking it seen.")
@click.option(
    "--json", "as_json", is_flag=True, help="JSON lines: id, query, filters{}, mode, new, items[]."
)
@pass_app
@click.pass_context
def watch(ctx: click.Context, app: AppContext, peek: bool, as_json: bool) -> None:
    """Saved searches. Alone: show the items new since each watch was last checked."""
    if ctx.invoked_subcommand is not None:
        return
    from ..analysis.watches import check_watches

    with app.store() as store:
        entries = check_watches(store, app.settings(), mark=not peek)
    if as_json:
        echo_json_lines(entries)
    elif not entries:
        click.echo('Inga bevakningar. Lägg till en med `minutesearch watch add "sökfråga"`.')
    else:
        _print_new(entries)


@watch.command("add")
@click.argument("query")
@_filter_options
@click.option(
    "--mode",
    type=click.Choice(["keyword", "semantic", "hybrid", "terms"]),
    default="keyword",
    show_default=True,
)
@pass_app
def watch_add(app: AppContext, query: str, mode: str, **kw: Any) -> None:
    """Save QUERY (with filters) as a watch; prints its id."""
    from ..analysis.watches import add_watch

    with app.store() as store:
        click.echo(add_watch(store, query, _filters(kw), mode))


@watch.command("list")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: id, query, filters{}, mode, created_at, last_checked_at, new.",
)
@pass_app
def watch_list(app: AppContext, as_json: bool) -> None:
    """List watches with how many new items each has."""
    from ..analysis.watches import list_watches

    with app.store() as store:
        rows = list_watches(store, app.settings())
    if as_json:
        echo_json_lines(rows)
        return
    for w in rows:
        filters = " ".join(f"--{k} {v}" for k, v in w["filters"].items())
        click.echo(f"{w['id']:>3}  ”{w['query']}” {filters} [{w['mode']}]  {w['new']} nya")


@watch.command("remove")
@click.argument("watch_id", type=int)
@pass_app
def watch_remove(app: AppContext, watch_id: int) -> None:
    """Delete a watch."""
    from ..analysis.watches import remove_watch

    with app.store() as store:
        remove_watch(store, watch_id)
    click.echo(f"Bevakning {watch_id} borttagen.")


COMMANDS: list[click.Command] = [decisions, threads, trace, watch]
