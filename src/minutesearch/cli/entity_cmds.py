"""`persons`, `person`, `topics`, `train-ner`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .common import AppContext, echo_csv, echo_json_lines, pass_app

PERSON_FIELDS = ["id", "name", "aliases", "party", "orgs", "meetings", "roles"]


@click.command()
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines: id, name, aliases[], party, orgs[], meetings, roles[].",
)
@click.option("--csv", "as_csv", is_flag=True, help="CSV with the same fields as --json.")
@click.option("--org", help="Only persons of this municipality/region (one of their orgs).")
@click.option("--party", help="Only persons of this party (S, M, SD, …).")
@pass_app
def persons(
    app: AppContext, as_json: bool, as_csv: bool, org: str | None = None, party: str | None = None
) -> None:
    """List every person, one identity across meetings and spellings."""
    from ..api import filter_persons
    from ..entities.persons import list_persons
    from ..filters import Filters

    with app.store() as store:
        rows = filter_persons(list_persons(store), Filters(org=org, party=party))
    if as_json:
        echo_json_lines(rows)
        return
    if as_csv:
        echo_csv(rows, PERSON_FIELDS)
        return
    if not rows:
        click.echo("Inga personer i indexet.")
        return
    for p in rows:
        who = p["name"] + (f" ({p['party']})" if p["party"] else "")
        roles = ", ".join(p["roles"][:3])
        orgs = ", ".join(p["orgs"][:2])
        click.echo(f"{who:<32} {p['meetings']:>3} möten  {roles:<38} {orgs}  [{p['id']}]")


def _print_detail(d: dict[str, Any]) -> None:
    party = f" ({d['party']})" if d["party"] else ""
    click.echo(f"{d['name']}{party}  [{d['id']}]")
    if d["aliases"]:
        click.echo(f"  Även skrivet: {', '.join(d['aliases'])}")
    if d["orgs"]:
        click.echo(f"  Organisation: {', '.join(d['orgs'])}")
    click.echo(f"  Möten: {d['meetings']}  Roller: {', '.join(d['roles']) or '–'}")
    sections = (
        (
            "Möten",
            d["attended"],
            lambda m: (
                f"{m['date'] or '?'}  {m['body'] or ''}  {', '.join(m['roles'])}  [{m['id']}]"
            ),
        ),
        ("Föredragit", d["presented"], lambda i: f"{i['date'] or '?'}  {i['title']}  [{i['id']}]"),
        ("Yrkanden", d["motions"], _motion_line),
        ("Omnämnd i", d["mentions"], lambda i: f"{i['date'] or '?'}  {i['title']}  [{i['id']}]"),
    )
    for heading, rows, fmt in sections:
        if rows:
            click.echo(f"\n{heading}:")
            for r in rows:
                click.echo(f"  {fmt(r)}")


_WON = {True: "bifallet", False: "avslaget", None: "utfall ej angivet"}


def _motion_line(m: dict[str, Any]) -> str:
    text = " ".join(str(m.get("text") or "").split())
    text = text if len(text) <= 90 else text[:89] + "…"
    return (
        f"{m['date'] or '?'}  {m['body'] or ''} § {m.get('section', '')}  {m['title']}"
        f"  [{_WON[m.get('won')]}]  [{m['id']}]" + (f"\n      {text}" if text else "")
    )


@click.command()
@click.argument("name")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object: the persons fields plus attended, presented, motions, mentions;"
    ' for an ambiguous name {"candidates": [...]}.',
)
@pass_app
def person(app: AppContext, name: str, as_json: bool) -> None:
    """Show one person (name, surname, alias or id): meetings, items presented, yrkanden with
    their outcome, mentions. A name that fits several persons lists them and exits with 2."""
    from ..entities.people import AmbiguousPersonError, person_detail

    with app.store() as store:
        try:
            detail = person_detail(store, name)
        except AmbiguousPersonError as exc:
            if as_json:
                echo_json_lines([{"candidates": exc.candidates}])
            else:
                click.echo(f"Flera personer matchar {name.strip()!r}; ange hela namnet eller id:")
                for c in exc.candidates:
                    who = c["name"] + (f" ({c['party']})" if c["party"] else "")
                    orgs = ", ".join(c["orgs"][:2])
                    n = c["meetings"]
                    click.echo(
                        f"  {who:<32} {n:>3} {'möte ' if n == 1 else 'möten'}  {orgs}  [{c['id']}]"
                    )
            sys.exit(2)
    if as_json:
        echo_json_lines([detail])
    else:
        _print_detail(detail)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="JSON lines: id, label, terms[], items.")
@pass_app
def topics(app: AppContext, as_json: bool) -> None:
    """List the topics found in the items (NMF over TF-IDF), largest first."""
    from ..topics import list_topics

    with app.store() as store:
        rows = list_topics(store)
    if as_json:
        echo_json_lines(rows)
        return
    if not rows:
        click.echo("Inga ämnen i indexet (för få ärenden?).")
    for t in rows:
        click.echo(
            f"{t['id']:>3}  {t['items']:>4} ärenden  {t['label']}   ({', '.join(t['terms'])})"
        )


@click.command("train-ner")
@click.option("--epochs", default=10, show_default=True, help="Training passes over the data.")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to save the pipeline (default: models/sv_minutes_ner).",
)
@click.option(
    "--no-silver", is_flag=True, help="Train on the news corpus only (no labels from minutes)."
)
def train_ner(epochs: int, output: Path | None, no_silver: bool) -> None:
    """Train the Swedish NER pipeline (same as `make models`; about 10–20 minutes on CPU)."""
    from ..entities.training import EXTRA_DIR, train
    from ..locations import NER_MODEL_DIR

    report = train(
        output or NER_MODEL_DIR,
        extra_dir=None if no_silver else EXTRA_DIR,
        epochs=epochs,
        log=lambda msg: click.echo(msg, err=True),
    )
    click.echo(
        f"Klart: {report.gold_sentences} + {report.silver_sentences} meningar, {report.epochs} varv,"
        f" dev-F {report.dev_f[-1] if report.dev_f else '–'}, {report.seconds} s → {report.output}"
    )


COMMANDS: list[click.Command] = [persons, person, topics, train_ner]
