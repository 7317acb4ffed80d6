"""Resolve references to items and meetings of the store; link attachments to the items naming them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..store import Store
from .bodies import document_key
from .dnr import item_dnr, normalise_dnr
from .references import Reference
from .text import GENERIC, content_words, fold, overlap

DNR_HEAD = 160
"""The first characters of an item's text where its own diarienummer is looked for (item_dnr)."""
ATTACHMENT_MIN_OVERLAP = 0.6
ITEM_IN_MEETING_MIN_OVERLAP = 0.4


@dataclass
class Doc:
    """What resolution needs of a stored document."""

    id: str
    kind: str
    key: str | None
    org: str | None
    date: str | None
    title: str
    stem: str = ""  # the file name as words: a second title when the parsed one is a heading
    dnr: str | None = None
    items: list[tuple[str, int, str]] = field(default_factory=list)  # (id, section, title)


@dataclass
class Resolved:
    """Where a reference points: an item, a meeting, both, or nothing in the corpus."""

    item_id: str | None = None
    doc_id: str | None = None


class Corpus:
    """A snapshot of the store's documents and items, indexed for reference resolution."""

    def __init__(self, store: Store, changed_docs: set[str] | None = None) -> None:
        """`changed_docs`: when given, the diarienummer the last analysis read (analysis_items)
        is taken for the items of every other document, so their texts are not read; None:
        every item's is read again (a first analysis, a rebuild)."""
        self.docs: dict[str, Doc] = {}
        for r in store.conn.execute("SELECT * FROM documents"):
            stem = (
                r["source"].rsplit("/", 1)[-1].rsplit(".", 1)[0].split("__")[-1].replace("-", " ")
            )
            key = document_key(r["body"], r["body_short"])
            self.docs[r["id"]] = Doc(
                r["id"],
                r["kind"],
                key,
                r["organisation"],
                r["date"],
                r["title"] or stem,
                stem,
                normalise_dnr(r["dnr"]),
            )
        # id -> (doc, §, title). Texts stay in the store (a million items' texts are gigabytes):
        # `texts` reads those a caller needs; the diarienummer needs only the first lines.
        self.items: dict[str, tuple[str, int, str]] = {}
        self.dnr: dict[str, str] = {}
        self._conn = store.conn
        self._meeting_texts: dict[str, dict[str, str]] = {}
        if changed_docs is None:
            rows = store.conn.execute(
                f"SELECT id, doc_id, section, title, substr(text, 1, {DNR_HEAD}) AS head, dnr"
                " FROM items ORDER BY position"
            )
        else:
            rows = store.conn.execute(
                "SELECT i.id, i.doc_id, i.section, i.title, a.item_id AS seen, a.dnr AS seen_dnr"
                " FROM items i LEFT JOIN analysis_items a ON a.item_id = i.id ORDER BY i.position"
            )
        todo: list[str] = []
        for r in rows:
            self.docs[r["doc_id"]].items.append((r["id"], r["section"], r["title"]))
            self.items[r["id"]] = (r["doc_id"], r["section"], r["title"])
            if changed_docs is None:
                dnr = item_dnr(r["dnr"], r["title"], r["head"])
            elif r["seen"] is None or r["doc_id"] in changed_docs:
                todo.append(r["id"])  # new, or stored again: read below
                continue
            else:
                dnr = r["seen_dnr"]
            if dnr:
                self.dnr[r["id"]] = dnr
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            for r in store.conn.execute(
                f"SELECT id, title, dnr, substr(text, 1, {DNR_HEAD}) AS head FROM items"
                f" WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ):
                dnr = item_dnr(r["dnr"], r["title"], r["head"])
                if dnr:
                    self.dnr[r["id"]] = dnr
        self.meetings: dict[tuple[str | None, str | None], list[Doc]] = defaultdict(list)
        for d in self.docs.values():
            if d.kind != "attachment":
                self.meetings[(d.key, d.date)].append(d)
        for docs in self.meetings.values():
            docs.sort(key=lambda d: d.kind != "protocol")  # full protocols before extracts
        # The meetings of each body, in the order above: a reference without a date looks
        # among its body's meetings only, not among every meeting of the corpus.
        self.by_key: dict[str | None, list[Doc]] = defaultdict(list)
        for (k, _date), docs in self.meetings.items():
            self.by_key[k].extend(docs)

    def texts(self, item_ids: list[str] | None = None) -> Iterator[tuple[str, str]]:
        """(id, text) of the given items, or of every item in the order the corpus holds them."""
        if item_ids is None:
            yield from self._conn.execute("SELECT id, text FROM items ORDER BY position")
            return
        for start in range(0, len(item_ids), 500):
            chunk = item_ids[start : start + 500]
            found = dict(
                self._conn.execute(
                    f"SELECT id, text FROM items WHERE id IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
            )
            yield from ((i, found[i]) for i in chunk if i in found)

    def _texts_of(self, doc_id: str) -> dict[str, str]:
        """The item texts of one meeting (the last few read are kept)."""
        if doc_id not in self._meeting_texts:
            if len(self._meeting_texts) > 256:
                self._meeting_texts.clear()
            self._meeting_texts[doc_id] = dict(
                self._conn.execute("SELECT id, text FROM items WHERE doc_id = ?", (doc_id,))
            )
        return self._meeting_texts[doc_id]

    def _same_org(self, a: Doc, b: Doc) -> bool:
        # Parsers spell one organisation several ways ("Region Jämtland Härjedalen(s)").
        return not (a.org and b.org and overlap(a.org, b.org) < 0.5)

    def resolve(self, ref: Reference, item_id: str) -> Resolved:
        """The item or meeting a reference points at, when it is in the corpus."""
        doc = self.docs[self.items[item_id][0]]
        key = ref.body or doc.key
        if ref.kind == "attachment":
            return self.resolve_attachment(ref.text, doc)
        if ref.kind == "section" and ref.section is not None:
            return self._section(key, ref.date, ref.section, doc, item_id)
        if ref.kind == "previous" and not ref.date:
            earlier = [
                d
                for d in self.by_key.get(key, [])
                if d.date and doc.date and d.date < doc.date and self._same_org(doc, d)
            ]
            if not earlier:
                return Resolved()
            target = max(earlier, key=lambda d: (d.date or "", d.kind == "protocol"))
            return Resolved(doc_id=target.id)
        if ref.date and (key, ref.date) != (doc.key, doc.date):  # not the meeting it is in
            for target in self.meetings.get((key, ref.date), []):
                if self._same_org(doc, target):
                    return Resolved(
                        item_id=self._item_in(target, item_id, ref.context), doc_id=target.id
                    )
        return Resolved()

    def _section(
        self, key: str | None, date: str | None, section: int, doc: Doc, item_id: str
    ) -> Resolved:
        pool = self.by_key.get(key, []) if date is None else self.meetings.get((key, date), [])
        candidates = [d for d in pool if self._same_org(doc, d)]
        # Without a date, "§ 72 KSAU" means the latest such § up to this meeting.
        candidates.sort(key=lambda d: (d.date or "", d.kind == "protocol"), reverse=True)
        for target in candidates:
            # Undated, a § of the same body means an earlier meeting's ("§ 43 VON" in Beslutsunderlag).
            if date is None and doc.date and target.date and target.date > doc.date:
                continue
            if date is None and (target.key, target.date) == (doc.key, doc.date):
                continue
            for iid, sec, _title in target.items:
                if sec == section and iid != item_id:
                    return Resolved(item_id=iid, doc_id=target.id)
        return Resolved()

    def _item_in(self, target: Doc, item_id: str, context: str) -> str | None:
        """The item of a referenced meeting on the same matter as the referring item, if clear:
        most of the distinctive words around the reference occur in it, and in no other item."""
        words = content_words(f"{self.items[item_id][2]} {context}") - GENERIC
        if not words:
            return None
        texts = self._texts_of(target.id)
        scored = sorted(
            (
                (len(words & content_words(f"{title} {texts.get(iid, '')}")) / len(words), iid)
                for iid, _sec, title in target.items
            ),
            reverse=True,
        )
        if not scored or scored[0][0] < ITEM_IN_MEETING_MIN_OVERLAP:
            return None
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.1:
            return None
        return scored[0][1]

    def resolve_attachment(self, text: str, doc: Doc) -> Resolved:
        """The attachment document a 'Bilaga 4: …' or 'Tjänsteskrivelse - …' line names."""
        best: tuple[float, str | None] = (0.0, None)
        for d in self.docs.values():
            if d.kind != "attachment" or not self._same_org(doc, d):
                continue
            score = max(overlap(text, d.title), overlap(fold(text), fold(d.title)))
            if score > best[0]:
                best = (score, d.id)
        return Resolved(doc_id=best[1]) if best[0] >= ATTACHMENT_MIN_OVERLAP else Resolved()

    def attachment_item(self, doc_id: str) -> tuple[str, str] | None:
        """For an attachment: the item it belongs to, by title (or file name), diarienummer and
        body, at a meeting within four months after the attachment's date."""
        att = self.docs[doc_id]
        best: tuple[float, str | None, str] = (0.0, None, "")
        for d in self.docs.values():
            if d.kind == "attachment" or not self._same_org(att, d):
                continue
            if att.date and d.date and not (att.date <= d.date <= _plus_days(att.date, 120)):
                continue
            for iid, _sec, title in d.items:
                score = max(
                    overlap(att.title, title), overlap(att.stem, title) if att.stem else 0.0
                )
                score += 0.5 if att.dnr and self.dnr.get(iid) == att.dnr else 0.0
                score += 0.2 if att.key and att.key == d.key else 0.0
                score += 0.01 if d.kind == "protocol" else 0.0
                if score > best[0]:
                    best = (score, iid, title)
        if best[1] is None or best[0] < ATTACHMENT_MIN_OVERLAP:
            return None
        return best[1], best[2]


def _plus_days(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
