"""A list of items (hits, related items, decisions, timeline entries) that opens one on enter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.content import Content
from textual.markup import escape
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ..messages import OpenItem

Row = dict[str, Any]
_FLAT = str.maketrans("\n\r\t", "   ")


def marked(text: str, spans: Sequence[Sequence[int]]) -> str:
    """Markup for `text` with the character spans in `spans` emphasised (the matched words)."""
    out, pos = [], 0
    for start, end in sorted((int(s), int(e)) for s, e in spans):
        if start < pos or end <= start:
            continue
        out += [escape(text[pos:start]), "[b $text-accent]", escape(text[start:end]), "[/]"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def where(row: Row) -> str:
    """'SocSam · 2023-03-24 · § 21': body, date and section as the lists show them; with more
    than one kommun/region in the index, the body's too ('KS, Alingsås kommun · …')."""
    body = row.get("body_short") or row.get("body") or ""
    if row.get("_org"):
        body = f"{body}, {row['_org']}" if body else str(row["_org"])
    parts = [body, row.get("date") or "utan datum"]
    if row.get("section") is not None:
        parts.append(f"§ {row['section']}")
    return " · ".join(p for p in parts if p)


def hit_prompt(row: Row) -> Content:
    """Title, then where it is, then the snippet with the matched words highlighted."""
    lines = [
        f"[b]{escape(row.get('title') or '(utan rubrik)')}[/b]",
        f"[dim]{escape(where(row))}[/dim]",
    ]
    # Newlines become spaces one for one, so the highlight offsets still point at the words.
    snippet = (row.get("snippet") or "").translate(_FLAT)
    if snippet.strip():
        lines.append(marked(snippet, row.get("highlights") or []))
    return Content.from_markup("\n".join(lines))


class EntryList(OptionList):
    """Rows with an `id` each; enter or a click posts `OpenItem` for the row's item."""

    def __init__(
        self, prompt: Callable[[Row], Content] = hit_prompt, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.prompt = prompt
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.rows = rows
        self.set_options(Option(self.prompt(r), id=str(i)) for i, r in enumerate(rows))
        if rows:
            self.highlighted = 0

    @property
    def current(self) -> Row | None:
        if self.highlighted is None or not self.rows:
            return None
        return self.rows[self.highlighted]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.rows[event.option_index]
        # Rows that are not items (a meeting attended, a watch) say so with `_item: False`;
        # their selection bubbles on to the screen.
        if row.get("id") and row.get("_item", True):
            event.stop()
            self.post_message(OpenItem(str(row["id"])))
