"""`ingest`, `meetings`, `items`, `show`."""

from __future__ import annotations

import contextlib
import sys
import textwrap
from pathlib import Path
from typing import Any

import click

from ..locations import CORPUS_DIR
from ..model import PART_LABELS
from .common import AppContext, echo_json_lines, pass_app


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--rebuild", is_flag=True, help="Start over: build a fresh store and indexes, then swap."
)
@click.option(
    "--embedder",
    default="e5-small",
    show_default=True,
    help="e5-small, sentence-transformers:<dir|package>, fake (tests) or none.",
)
@click.option(
    "--no-ner", is_flag=True, help="Skip the statistical NER model (gazetteer rules only)."
)
@click.option(
    "--keyword-engine",
    type=click.Choice(["tantivy", "whoosh"]),
    default=None,
    help="Engine of the keyword index (both use the same Swedish analysis)."
    " Default: the index's current engine, else tantivy.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes for reading and NER; 0 = one per CPU core (at most 4).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Where files are read and parsed: this machine's processes, or Ray tasks"
    " (needs minutesearch[cluster]). The store is written here, in file order, either way.",
)
@click.option(
    "--ray-address",
    default=None,
    help="Ray cluster to use with --executor ray (e.g. ray://head:10001 or auto);"
    " default: start a local Ray instance for this run.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_app
def ingest(
    app: AppContext,
    paths: tuple[Path, ...],
    rebuild: bool,
    embedder: str,
    no_ner: bool,
    keyword_engine: str | None,
    workers: int,
    quiet: bool,
    executor: str = "local",
    ray_address: str | None = None,
) -> None:
    """Read protocols (PDF, DOCX, HTML, Markdown, text) into the store. Default: corpus/."""
    from ..ingest import ingest as run_ingest

    if ray_address and executor != "ray":
        raise click.UsageError("--ray-address needs --executor ray")
    targets = list(paths) or [CORPUS_DIR]
    engine = {"keyword_engine": keyword_engine} if keyword_engine else {}
    settings = app.settings(embedder=embedder, ner=not no_ner, workers=workers, **engine)
    bar = _Progress(quiet or not sys.stderr.isatty())
    with contextlib.ExitStack() as stack:
        chosen = None
        if executor == "ray":
            from ..executors import RayExecutor
            from ..parallel import effective_workers

            chosen = stack.enter_context(
                RayExecutor(ray_address, num_cpus=effective_workers(settings))
            )
        report = run_ingest(targets, settings, rebuild=rebuild, progress=bar, executor=chosen)
    bar.close()
    for f in report.skipped:
        click.echo(f"Hoppade över {f.source}: {f.reason}", err=True)
    for w in report.warnings:
        click.echo(f"Varning: {w}", err=True)
    status = {
        s: sum(1 for f in report.files if f.status == s)
        for s in ("new", "changed", "unchanged", "removed", "skipped")
    }
    c = report.counts
    click.echo(
        f"Klart: {c.get('documents', 0)} dokument, {c.get('meetings', 0)} möten, {c.get('items', 0)} ärenden"
        f" ({status['new']} nya, {status['changed']} ändrade, {status['unchanged']} oförändrade,"
        f" {status['removed']} borttagna, {status['skipped']} överhoppade; {len(report.warnings)} varningar)"
        f" i {settings.index_dir}"
    )
    sys.exit(1 if report.skipped else 0)


class _Progress:
    """A one-line progress display on stderr (the library only reports numbers)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.quiet:
            return
        width = 30
        filled = int(width * done / total) if total else width
        line = f"\r{stage:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if line != self.last:
            click.echo(line, nl=False, err=True)
            self.last = line

    def close(self) -> None:
        if not self.quiet and self.last:
            click.echo("", err=True)


@click.command()
@click.option("--body", help="Only this body (full or short name).")
@click.option("--org", help="Only this municipality/region (e.g. Alingsås, Göteborg).")
@click.option("--since", help="From this date (YYYY[-MM[-DD]]).")
@click.option("--until", help="Up to this date (YYYY[-MM[-DD]]).")
@click.option("--kind", type=click.Choice(["protocol", "extract", "attachment"]))
@click.option("--json", "as_json", is_flag=True, help="JSON lines (see README for the fields).")
@pass_app
def meetings(
    app: AppContext,
    body: str | None,
    kind: str | None,
    as_json: bool,
    org: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> None:
    """List meetings and other documents."""
    from ..filters import Filters
    from ..query import document_ids

    filters = Filters(body=body, org=org, since=since, until=until, kind=kind)
    with app.store() as store:
        rows = [store.meeting_json(store.document_row(i)) for i in document_ids(store, filters)]
    if as_json:
        echo_json_lines(rows)
        return
    for m in rows:
        name = m["body_short"] or m["body"] or m["title"] or "?"
        click.echo(
            f"{m['id']:<40} {m['date'] or '----------'}  {m['kind']:<10} {name}"
            f"  ({len(m['items'])} §, {len(m['present'])} närvarande)"
        )


@click.command()
@click.option("--body", help="Only this body (full or short name).")
@click.option("--org", help="Only this municipality/region (e.g. Alingsås, Göteborg).")
@click.option("--since", help="From this date (YYYY-MM-DD).")
@click.option("--until", help="Up to this date (YYYY-MM-DD).")
@click.option("--kind", type=click.Choice(["protocol", "extract", "attachment"]))
@click.option("--meeting", "meeting", help="Only the items of this meeting id.")
@click.option("--person", help="Only items naming or attended by this person.")
@click.option("--party", help="Only items with this party (S, M, SD, …).")
@click.option("--topic", help="Only items in this topic (label or id).")
@click.option("--outcome", help="Only items whose decision has this outcome (bifall, avslag, …).")
@click.option("--json", "as_json", is_flag=True, help="JSON lines (see README for the fields).")
@pass_app
def items(
    app: AppContext,
    body: str | None,
    org: str | None,
    since: str | None,
    until: str | None,
    kind: str | None,
    meeting: str | None,
    as_json: bool,
    person: str | None = None,
    party: str | None = None,
    topic: str | None = None,
    outcome: str | None = None,
) -> None:
    """List §-items."""
    with app.store() as store:
        from ..filters import Filters, allowed_items

        filters = Filters(
            body=body,
            org=org,
            since=since,
            until=until,
            kind=kind,
            person=person,
            party=party,
            topic=topic,
            outcome=outcome,
        )
        allowed = allowed_items(store, filters)  # the one filter model: dates are checked
        rows = [r for r in store.item_rows(doc_id=meeting) if allowed is None or r["id"] in allowed]
        if as_json:
            echo_json_lines(store.item_json(r) for r in rows)
            return
        for r in rows:
            click.echo(f"{r['id']:<44} {r['date'] or '':<10} § {r['section']:<4} {r['title'][:70]}")


@click.command()
@click.argument("item_id")
@click.option("--json", "as_json", is_flag=True, help="One JSON object (the items contract).")
@pass_app
def show(app: AppContext, item_id: str, as_json: bool) -> None:
    """Show one §-item (or a meeting, given its id) with its parts."""
    from ..errors import NotFoundError

    with app.store() as store:
        try:
            row = store.item_row(item_id)
            item = store.item_json(row)
            ocr_pages = store.meeting_json(store.document_row(row["doc_id"]))["ocr_pages"]
        except NotFoundError:
            meeting = store.meeting_json(store.document_row(item_id))
            if as_json:
                echo_json_lines([meeting])
            else:
                _print_meeting(meeting)
            return
    if as_json:
        echo_json_lines([item])
        return
    _print_item(item)
    _ocr_note(ocr_pages)


def _ocr_note(pages: list[int]) -> None:
    """Text read by OCR from scanned pages may hold misreadings: say so, and where."""
    if pages:
        listed = ", ".join(map(str, pages))
        click.echo(
            f"OBS: {'skannade sidor' if len(pages) > 1 else 'skannad sida'} {listed} lästes med OCR;"
            " texten kan innehålla läsfel."
        )


def _wrap(text: str, indent: str = "  ") -> str:
    paras = [p for p in text.split("\n")]
    return "\n".join(
        textwrap.fill(p, 96, initial_indent=indent, subsequent_indent=indent) if p.strip() else ""
        for p in paras
    )


def _print_item(item: dict[str, Any]) -> None:
    head = f"{item['body_short'] or item['body'] or ''} {item['date'] or ''} § {item['section']}".strip()
    click.secho(head, bold=True)
    click.secho(item["title"], bold=True)
    if item["dnr"]:
        click.echo(f"Diarienummer: {item['dnr']}")
    parts = item["parts"]
    shown = False
    for key, label in PART_LABELS:
        if parts.get(key):
            click.secho(f"\n{label}", underline=True)
            click.echo(_wrap(parts[key]))
            shown = True
    if parts.get("attachments"):
        click.secho("\nBeslutsunderlag", underline=True)
        for a in parts["attachments"]:
            click.echo(f"  • {a}")
    if not shown:
        click.echo("\n" + _wrap(item["text"]))
    for key, label in (
        ("persons", "Personer"),
        ("orgs", "Organisationer"),
        ("places", "Platser"),
        ("topics", "Ämnen"),
    ):
        if item.get(key):
            click.echo(f"\n{label}: {', '.join(item[key])}")
    click.echo(f"\nKälla: {item['source']}  (id {item['id']})")


def _print_meeting(m: dict[str, Any]) -> None:
    click.secho(f"{m['body'] or m['title'] or ''} {m['date'] or ''}", bold=True)
    for key, label in (
        ("time", "Tid"),
        ("place", "Plats"),
        ("chair", "Ordförande"),
        ("secretary", "Sekreterare"),
    ):
        if m.get(key):
            click.echo(f"{label}: {m[key]}")
    if m["adjusters"]:
        click.echo(f"Justerare: {', '.join(m['adjusters'])}")
    for group in ("beslutande", "ersättare", "tjänsteperson", "övrig deltagare"):
        people = [p for p in m["present"] if p["group"] == group]
        if people:
            click.secho(f"\n{group.capitalize()}", underline=True)
            for p in people:
                extra = ", ".join(x for x in (p["party"], p["org"], p["role"]) if x)
                rep = f" ersätter {p['replaces']}" if p["replaces"] else ""
                click.echo(f"  {p['name']}{' (' + extra + ')' if extra else ''}{rep}")
    if m["absent"]:
        click.secho("\nFrånvarande", underline=True)
        for p in m["absent"]:
            click.echo(f"  {p['name']}{' (' + p['party'] + ')' if p['party'] else ''}")
    click.echo(f"\n{len(m['items'])} ärenden. Källa: {m['source']}")
    _ocr_note(m.get("ocr_pages") or [])


COMMANDS: list[click.Command] = [ingest, meetings, items, show]
