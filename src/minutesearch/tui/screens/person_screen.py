"""Person: party, bodies and roles, meetings attended, items presented and yrkanden with their
outcome; for a name that fits several persons, the candidates to choose from."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList

from .. import data
from ..widgets.entry_list import Row, where
from .list_screen import ListScreen
from .timeline_screen import _short, count

LABELS = {
    "attended": "Möte",
    "presented": "Föredragit",
    "motions": "Yrkande",
    "mentions": "Nämnd",
}
"""The dated lists of `person_detail`, as the tag each row gets; meetings open no item."""

WON = {
    True: "[green]bifallet[/green]",
    False: "[red]avslaget[/red]",
    None: "[dim]utfall ej angivet[/dim]",
}
"""A yrkande's outcome (`won`) as the person screen shows it."""


class PersonScreen(ListScreen):
    """The header sums the person up; the list holds every dated entry of the detail, newest
    first, each tagged with what it is (möte, föredragit, yrkande) so one list serves all."""

    SUB_TITLE = "Person"
    heading = "Person"
    empty = "Inga möten eller ärenden för personen."
    export_name = "person"

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_ = name
        self.detail: dict[str, Any] = {}

    def title_text(self) -> str:
        return self.name_

    def fetch(self) -> list[Row]:
        from ...entities.people import AmbiguousPersonError

        try:
            self.detail = data.person(self.ms_app.settings, self.name_)
        except AmbiguousPersonError as exc:
            # "Maria": never pick one silently; list them, `enter` opens the one meant.
            self.detail = {"candidates": exc.candidates}
            return [{**c, "_what": "Kandidat", "_item": False} for c in exc.candidates]
        rows: list[Row] = []
        for key, label in LABELS.items():
            for entry in self.detail.get(key) or []:
                rows.append({**entry, "_what": label, "_item": key != "attended"})
        return sorted(
            rows, key=lambda r: (r.get("date") or "", r.get("section") or 0), reverse=True
        )

    def summary(self, rows: list[Row]) -> str:
        d = self.detail
        if "candidates" in d:
            return f"{len(rows)} personer matchar ”{self.name_}” — välj en med enter."
        line = " · ".join(
            [f"Parti: {d['party']}"] * bool(d.get("party")) + [str(o) for o in d.get("orgs") or []]
        )
        roles = d.get("roles") or []
        if roles:
            line += "\nRoller: " + ", ".join(_role(r) for r in roles[:8])
        if d.get("aliases"):
            line += "\nÄven skrivet: " + ", ".join(map(str, d["aliases"]))
        line += "\n" + " · ".join(
            [
                count(d.get("meetings") or 0, "möte", "möten"),
                count(len(d.get("presented") or []), "föredraget ärende", "föredragna ärenden"),
                count(len(d.get("motions") or []), "yrkande", "yrkanden"),
                "nämnd i " + count(len(d.get("mentions") or []), "ärende", "ärenden"),
            ]
        )
        won = [m.get("won") for m in d.get("motions") or []]
        if won:
            line += (
                f"\nYrkanden: {won.count(True)} bifallna, {won.count(False)} avslagna,"
                f" {won.count(None)} utan angivet utfall"
            )
        return line.strip()

    def _show(self, rows: list[Row] | str) -> None:
        super()._show(rows)
        if "candidates" in self.detail:
            self.query_one("#list-heading").update(f"Flera personer: {self.name_}")  # type: ignore[attr-defined]
        elif self.detail.get("name"):
            self.query_one("#list-heading").update(str(self.detail["name"]))  # type: ignore[attr-defined]

    @on(OptionList.OptionSelected, "#entries")
    def _meeting_chosen(self, event: OptionList.OptionSelected) -> None:
        # Item rows open themselves; a meeting has no item screen, so say what it is instead.
        row = self.rows[event.option_index]
        if row.get("_what") == "Kandidat":
            self.app.push_screen(PersonScreen(str(row["id"])))
            return
        self.notify(
            f"{where(row)}: {', '.join(row.get('roles') or [])} (möte {row.get('id')}). "
            "Sök med organ- och datumfilter för mötets ärenden.",
            title="Möte",
        )

    def prompt(self, row: Row) -> Content:
        if row["_what"] == "Kandidat":
            party = f" ({row['party']})" if row.get("party") else ""
            lines = [f"[b]{escape(str(row['name']) + party)}[/b]"]
            facts = [count(row.get("meetings") or 0, "möte", "möten"), *map(str, row["orgs"][:2])]
            lines.append(f"[dim]{escape(' · '.join(facts))} · {escape(str(row['id']))}[/dim]")
            return Content.from_markup("\n".join(lines))
        title = row.get("title") or ", ".join(row.get("roles") or []) or row.get("role") or ""
        lines = [f"[reverse] {escape(row['_what'])} [/reverse] [b]{escape(str(title))}[/b]"]
        outcome = WON.get(row.get("won")) if row["_what"] == "Yrkande" else None
        lines.append(f"[dim]{escape(where(row))}[/dim]" + (f"  {outcome}" if outcome else ""))
        text = row.get("text") or row.get("motion") or row.get("summary")
        if text:
            lines.append(escape(_short(str(text))))
        return Content.from_markup("\n".join(lines))


def _role(role: Any) -> str:
    if isinstance(role, dict):
        return " ".join(str(role.get(k)) for k in ("role", "body_short", "body") if role.get(k))
    return str(role)
