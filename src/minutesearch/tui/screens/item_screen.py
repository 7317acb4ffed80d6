"""Ärende: one §-item laid out by its parts, with chips, linked documents and related items."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static
from textual.worker import get_current_worker

from ...errors import MinutesearchError
from ...locations import PROJECT_ROOT
from ...model import PART_LABELS
from .. import data
from ..messages import OpenItem, OpenPerson
from ..widgets.chips import ChipRow, link_list
from ..widgets.entry_list import EntryList, where

if TYPE_CHECKING:
    from ..app import MinutesApp

LINK_KINDS = {"attachment": "Bilaga", "extract": "Utdrag", "protocol": "Protokoll"}


class ItemScreen(Screen[None]):
    """The item is read when the screen is built (one indexed row); related items come later
    from a worker because `related` may need the embedder."""

    SUB_TITLE = "Ärende"

    BINDINGS = [
        Binding("r", "related", "Relaterade"),
        Binding("k", "open_source", "Källa"),
        Binding("t", "app.timeline", "Tidslinje"),
        Binding("p", "app.person", "Person"),
    ]

    def __init__(self, item_id: str) -> None:
        super().__init__()
        self.item_id = item_id
        self.item: dict[str, Any] | None = None
        self.error: str | None = None
        try:
            self.item = data.item(self.ms_app.settings, item_id)
        except MinutesearchError as exc:
            self.error = exc.msg

    @property
    def ms_app(self) -> MinutesApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="item"):
            if self.item is None:
                yield Static(self.error or "Ärendet hittades inte.", classes="error")
            else:
                yield from self._body(self.item)
                yield Label("Relaterade ärenden", classes="part-heading")
                yield Static("Letar efter relaterade ärenden …", id="related-status")
                yield EntryList(id="related")
        yield Footer(show_command_palette=False)

    def _body(self, item: dict[str, Any]) -> ComposeResult:
        head = where(item)
        if item.get("dnr"):
            head += f" · Dnr {item['dnr']}"
        yield Static(head, id="item-where", markup=False)
        yield Static(item.get("title") or "(utan rubrik)", id="item-title", markup=False)
        for key, label in (
            ("persons", "Personer"),
            ("orgs", "Organisationer"),
            ("topics", "Ämnen"),
        ):
            if item.get(key):
                action = "screen.person" if key == "persons" else None
                yield ChipRow(label, item[key], action)
        parts = item.get("parts") or {}
        shown = False
        for key, label in PART_LABELS:
            text = (parts.get(key) or "").strip()
            if text:
                shown = True
                yield Label(label, classes="part-heading")
                yield Static(text, classes="part-text", markup=False)
        if not shown:
            yield Label("Text", classes="part-heading")
            yield Static(
                (item.get("text") or "").strip() or "(ingen text)",
                classes="part-text",
                markup=False,
            )
        links = [f"Beslutsunderlag: {a}" for a in parts.get("attachments") or []]
        links_actionable = [
            f"{LINK_KINDS.get(x['kind'], x['kind'])}: {x['title']}" for x in item["linked"]
        ]
        if links or links_actionable:
            yield Label("Bilagor och utdrag", classes="part-heading")
            if links:
                yield Static("\n".join(links), classes="part-text", markup=False)
            if links_actionable:
                yield Static(link_list(links_actionable, "screen.linked"), classes="part-text")

    def on_mount(self) -> None:
        if self.item is not None:
            self._load_related(self.item_id)

    @work(thread=True, exclusive=True, group="related")
    def _load_related(self, item_id: str) -> None:
        try:
            rows: list[dict[str, Any]] | str = data.related(self.ms_app.settings, item_id)
        except data.Unavailable:
            rows = "Relaterade ärenden är inte tillgängliga ännu."
        except Exception as exc:  # shown in place of the list, never a crash
            rows = f"{getattr(exc, 'title', 'Fel')}: {exc}"
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_related, rows)

    def _show_related(self, rows: list[dict[str, Any]] | str) -> None:
        status = self.query_one("#related-status", Static)
        if isinstance(rows, str):
            status.update(rows)
            return
        status.display = not rows
        status.update("Inga relaterade ärenden hittades.")
        self.query_one("#related", EntryList).set_rows(rows)

    # -- actions ------------------------------------------------------------------------

    def action_related(self) -> None:
        related = self.query("#related").first(EntryList)
        related.focus()
        related.scroll_visible()

    def action_person(self, index: int) -> None:
        if self.item is not None:
            self.post_message(OpenPerson(self.item["persons"][index]))

    def action_linked(self, index: int) -> None:
        assert self.item is not None
        link = self.item["linked"][index]
        if link["kind"] == "attachment":
            self._open_path(link["source"], None)
        else:
            self.post_message(OpenItem(link["id"]))

    def action_open_source(self) -> None:
        if self.item is not None:
            self._open_path(self.item["source"], self.item.get("section"))

    def _open_path(self, source: str, section: int | None) -> None:
        path = Path(source) if Path(source).is_absolute() else PROJECT_ROOT / source
        where_ = f" (§ {section})" if section is not None else ""
        opener = shutil.which("xdg-open") or shutil.which("open")
        if opener and (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            subprocess.Popen(
                [opener, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            self.notify(f"Öppnar {path}{where_}", title="Källdokument")
        else:
            self.notify(f"{path}{where_}", title="Källdokument", timeout=10)

    def persons(self) -> list[str]:
        return list(self.item["persons"]) if self.item else []

    def export_rows(self) -> tuple[str, list[dict[str, Any]]]:
        return f"relaterade-{self.item_id}", self.query_one("#related", EntryList).rows
