"""Översikt: the corpus at a glance — meetings per body over time, items, persons, topics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static
from textual.worker import get_current_worker

from ...api import Corpus
from ...errors import MinutesearchError
from .. import corpus
from ..widgets.decision_chart import DecisionChart
from ..widgets.month_chart import chart

if TYPE_CHECKING:
    from ..app import MinutesApp


class OverviewScreen(Screen[None]):
    """Read in a worker: counting the corpus touches every document."""

    SUB_TITLE = "Översikt"

    @property
    def ms_app(self) -> MinutesApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="overview"):
            yield Static("Räknar …", id="ov-counts")
            yield Label("Möten per organ över tid", classes="part-heading")
            yield Static("", id="ov-chart", markup=False)
            yield Label("Största ämnen", classes="part-heading")
            yield Static("", id="ov-topics", markup=False)
            yield Label("Oftast närvarande", classes="part-heading")
            yield Static("", id="ov-people", markup=False)
            yield Label("Beslut per år och utfall", classes="part-heading")
            yield Static("", id="ov-no-decisions", markup=False)
            yield DecisionChart(id="ov-decisions")
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="overview")
    def _load(self) -> None:
        info = corpus.overview(self.ms_app.settings)
        try:  # the public API: the same counts as `minutesearch stats --by year,outcome`
            stats = Corpus(self.ms_app.settings).stats(["year", "outcome"])
            info["decisions"] = stats.to_records()
        except MinutesearchError:
            info["decisions"] = []
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, info)

    def _show(self, info: dict[str, Any]) -> None:
        self.info = info
        c = info["counts"]
        self.query_one("#ov-counts", Static).update(
            f"[b]{c['meetings']}[/b] möten · [b]{c['documents']}[/b] dokument · "
            f"[b]{c['items']}[/b] ärenden · [b]{c['persons']}[/b] personer"
        )
        width = max(self.query_one("#ov-chart").size.width, 40)
        self.query_one("#ov-chart", Static).update(chart(info["per_body"], info["months"], width))
        topics = info["topics"]
        self.query_one("#ov-topics", Static).update(
            "\n".join(
                f"{n:>4} ärenden  {label}"
                + (f" ({', '.join(t for t in terms[:6] if t not in label)})" if terms else "")
                for label, n, terms in topics
            )
            or "Inga ämnen ännu (ämnesmodellen har inte körts)."
        )
        decisions = info.get("decisions") or []
        self.query_one("#ov-decisions", DecisionChart).display = bool(decisions)
        self.query_one("#ov-decisions", DecisionChart).show(decisions)
        self.query_one("#ov-no-decisions", Static).display = not decisions
        self.query_one("#ov-no-decisions", Static).update("Inga beslut i indexet.")
        people = info["people"]
        self.query_one("#ov-people", Static).update(
            "\n".join(
                f"{n:>4} möten  {name}" + (f" ({party})" if party else "")
                for name, party, n in people
            )
            or "Inga närvarolistor i indexet."
        )

    def export_rows(self) -> tuple[str, list[dict[str, Any]]]:
        info = getattr(self, "info", None) or {"per_body": {}}
        rows = [
            {"body": body, "month": month, "meetings": n}
            for body, counts in info["per_body"].items()
            for month, n in sorted(counts.items())
        ]
        return "oversikt", rows
