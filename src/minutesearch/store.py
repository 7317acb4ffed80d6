"""SQLite store with numbered migrations. One transaction per document; WAL so readers never block."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import NotFoundError, StoreError
from .locations import store_path
from .model import Document, Item

MIGRATIONS_PACKAGE = "minutesearch.migrations"
_MIGRATION_RE = re.compile(r"^(\d{4})_[\w-]+\.sql$")


def slugify(text: str, maxlen: int = 48) -> str:
    """ASCII slug for ids: 'Sociala samrådsgruppen' -> 'sociala-samradsgruppen'."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")
    return slug[:maxlen].rstrip("-") or "doc"


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped in the package, as (version, name, sql), in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


# The migrations that existed before `schema_migrations` recorded them (0.1.0 and 0.2.0).
LEGACY_MIGRATIONS = (1, 300)


IN_CHUNK = 500  # values per "IN (...)": short statements, far below SQLite's variable limit


def rows_in(
    conn: sqlite3.Connection,
    sql: str,
    column: str,
    values: Iterable[Any] | None,
    args: Sequence[Any] = (),
) -> Iterator[Any]:
    """Rows of `sql` (with its own `args`) where `column IN values`, queried in chunks of
    IN_CHUNK (every row when values is None). `sql` may end in a WHERE clause; the condition
    is ANDed to it."""
    if values is None:
        yield from conn.execute(sql, list(args))
        return
    glue = " AND " if " WHERE " in sql else " WHERE "
    wanted = list(values)
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        yield from conn.execute(
            f"{sql}{glue}{column} IN ({','.join('?' * len(chunk))})", [*args, *chunk]
        )


class Store:
    """The project's database: documents, attendance, §-items and what later stages add."""

    def __init__(self, path: Path, *, create: bool = True) -> None:
        self.path = path
        if not path.exists() and not create:
            raise StoreError(
                f"Inget index i {path.parent} — kör `minutesearch ingest` först.", "Inget index"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(path, timeout=30, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path}: {exc} — bygg om med `minutesearch ingest --rebuild`."
            ) from exc

    @classmethod
    def open(cls, idx_dir: Path, *, create: bool = True) -> Store:
        return cls(store_path(idx_dir), create=create)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        """Apply every migration not yet applied, in number order, each in one transaction.

        Applied versions are kept in `schema_migrations`, not only as PRAGMA user_version: the
        numbers are reserved per area (core 0001–0099, analysis 0300–0399, …), so a new core
        migration can be numbered below one that an existing store already has.
        """
        current = self.conn.execute("PRAGMA user_version").fetchone()[0]
        known = migrations()
        newest = known[-1][0] if known else 0
        if current > newest:
            raise StoreError(
                f"{self.path} has schema version {current}, newer than this program ({newest})."
            )
        has_ledger = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        ).fetchone()
        if not has_ledger:
            # Stores made before the ledger hold exactly the migrations that had landed then.
            legacy = [v for v in LEGACY_MIGRATIONS if v <= current]
            self.conn.executescript(
                "BEGIN;\nCREATE TABLE schema_migrations (version INTEGER PRIMARY KEY);\n"
                + "".join(f"INSERT INTO schema_migrations VALUES ({v});\n" for v in legacy)
                + "COMMIT;"
            )
        applied = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        # user_version is the newest migration applied, also when an older one is applied late.
        current = max([current, *applied])
        for version, _name, sql in known:
            if version in applied:
                continue
            top = max(version, current)
            # One script, one transaction: a migration applies whole or not at all.
            try:
                self.conn.executescript(
                    f"BEGIN;\n{sql}\nINSERT INTO schema_migrations VALUES ({version});\n"
                    f"PRAGMA user_version={top};\nCOMMIT;"
                )
            except sqlite3.DatabaseError:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            current = top

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE … COMMIT; rolled back on any exception, so nothing half-written stays."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # -- writing --------------------------------------------------------------------------

    def source_hashes(self) -> dict[str, str]:
        return {
            r["source"]: r["sha256"]
            for r in self.conn.execute("SELECT source, sha256 FROM documents")
        }

    def _doc_id(self, doc: Document) -> str:
        if doc.kind == "attachment":
            base = "skr-" + slugify(Path(doc.source).stem, 56)
        else:
            base = slugify(doc.body_short or doc.body or Path(doc.source).stem, 40)
            if doc.date:
                base += "-" + doc.date
            if doc.kind == "extract":
                sections = "-".join(str(i.section) for i in doc.items[:3])
                base += "-utdrag" + (f"-{sections}" if sections else "")
        candidate, n = base, 1
        while True:
            row = self.conn.execute(
                "SELECT source FROM documents WHERE id=?", (candidate,)
            ).fetchone()
            if row is None or row["source"] == doc.source:
                return candidate
            n += 1
            candidate = f"{base}-{n}"

    def save_document(self, doc: Document, sha256: str) -> str:
        """Insert or replace one parsed document and its items, atomically. Returns its id."""
        with self.transaction() as c:
            c.execute("DELETE FROM documents WHERE source=?", (doc.source,))
            doc_id = self._doc_id(doc)
            c.execute(
                "INSERT INTO documents (id, source, sha256, kind, title, body, body_short, date, time,"
                " place, chair, secretary, adjusters, organisation, dnr, declared_from, declared_to,"
                " linked_section, warnings, ingested_at, ocr, ocr_pages)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc_id,
                    doc.source,
                    sha256,
                    doc.kind,
                    doc.title,
                    doc.body,
                    doc.body_short,
                    doc.date,
                    doc.time,
                    doc.place,
                    doc.chair,
                    doc.secretary,
                    json.dumps(doc.adjusters, ensure_ascii=False),
                    doc.organisation,
                    doc.dnr,
                    doc.declared_sections[0] if doc.declared_sections else None,
                    doc.declared_sections[1] if doc.declared_sections else None,
                    doc.linked_section,
                    json.dumps(doc.warnings, ensure_ascii=False),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    int(doc.ocr or bool(doc.ocr_pages)),
                    json.dumps(doc.ocr_pages),
                ),
            )
            people = [(a, 1) for a in doc.present] + [(a, 0) for a in doc.absent]
            c.executemany(
                "INSERT INTO attendees VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        doc_id,
                        pos,
                        a.name,
                        a.party,
                        a.org,
                        a.role,
                        a.group,
                        a.replaces,
                        json.dumps(a.sections),
                        present,
                    )
                    for pos, (a, present) in enumerate(people)
                ],
            )
            seen: dict[str, int] = {}
            for pos, item in enumerate(doc.items):
                # An extract's id already names its § ("…-utdrag-21"): don't repeat it.
                if doc.kind == "extract" and doc_id.endswith(f"-utdrag-{item.section}"):
                    item_id = doc_id
                else:
                    item_id = f"{doc_id}-{item.section_label or item.section}"
                seen[item_id] = seen.get(item_id, 0) + 1
                if seen[item_id] > 1:
                    item_id += f"-{seen[item_id]}"
                self._insert_item(c, doc_id, pos, item_id, item)
        return doc_id

    @staticmethod
    def _insert_item(
        c: sqlite3.Connection, doc_id: str, pos: int, item_id: str, item: Item
    ) -> None:
        import hashlib

        p = item.parts
        content_hash = hashlib.sha256(f"{item.title}\n{item.text}".encode()).hexdigest()
        c.execute(
            "INSERT INTO items (id, doc_id, position, section, title, text, dnr, presenter, summary,"
            " proposal, motions, proceedings, decision, attachments, content_hash, section_label,"
            " ocr_read) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                item_id,
                doc_id,
                pos,
                item.section,
                item.title,
                item.text,
                item.dnr,
                p.presenter,
                p.summary,
                p.proposal,
                p.motions,
                p.proceedings,
                p.decision,
                json.dumps(p.attachments, ensure_ascii=False),
                content_hash,
                item.section_label or str(item.section),
                int(item.ocr_read),
            ),
        )

    def delete_source(self, source: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM documents WHERE source=?", (source,))

    def relink(self, doc_ids: Iterable[str] | None = None) -> None:
        """Point each extract's item at the same § of the full protocol (same body, date, §), and
        each attachment at its item.

        `doc_ids`: the documents stored since the last relink; only extracts and attachments of
        their dates are linked again (and any whose target is gone), so one new meeting costs
        the documents of its date, not the whole store. None: every document.
        """
        with self.transaction() as c:
            if doc_ids is None:
                c.execute("UPDATE items SET canonical_id=NULL WHERE canonical_id IS NOT NULL")
                c.execute(
                    "UPDATE documents SET linked_item_id=NULL WHERE linked_item_id IS NOT NULL"
                )
                extract_scope = "doc_id IN (SELECT id FROM documents WHERE kind = 'extract')"
                attach_scope = "1=1"
                args: list[Any] = []
            else:
                dates = json.dumps(_distinct_dates(c, sorted(set(doc_ids))))
                # Extracts of those dates, and those whose protocol item is gone (removed files).
                c.execute(
                    "UPDATE items SET canonical_id=NULL WHERE canonical_id IS NOT NULL AND NOT"
                    " EXISTS (SELECT 1 FROM items p WHERE p.id = items.canonical_id)"
                )
                c.execute(
                    "UPDATE documents SET linked_item_id=NULL WHERE linked_item_id IS NOT NULL"
                    " AND NOT EXISTS (SELECT 1 FROM items p WHERE p.id = documents.linked_item_id)"
                )
                extract_scope = (
                    "doc_id IN (SELECT id FROM documents WHERE kind = 'extract'"
                    " AND date IN (SELECT value FROM json_each(?)))"
                )
                attach_scope = "date IN (SELECT value FROM json_each(?))"
                args = [dates]
            c.execute(
                f"""
                UPDATE items SET canonical_id = (
                    SELECT p.id FROM items p JOIN documents pd ON pd.id = p.doc_id
                    JOIN documents ed ON ed.id = items.doc_id
                    WHERE pd.kind = 'protocol' AND ed.kind = 'extract'
                      AND pd.date = ed.date AND p.section = items.section
                      AND (lower(pd.body_short) = lower(ed.body_short) OR lower(pd.body) = lower(ed.body))
                    LIMIT 1)
                WHERE {extract_scope}
                """,
                args,
            )
            # An attachment is linked to the item of the same body and date that it belongs to.
            c.execute(
                f"""
                UPDATE documents SET linked_item_id = (
                    SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id
                    WHERE d.kind = 'protocol' AND d.date = documents.date
                      AND i.section = documents.linked_section
                      AND (lower(d.body) = lower(documents.body)
                           OR lower(d.body_short) = lower(documents.body_short))
                    LIMIT 1)
                WHERE kind = 'attachment' AND linked_section IS NOT NULL AND {attach_scope}
                """,
                args,
            )

    # -- change journal (migration 0303) ----------------------------------------------------

    def store_id(self) -> str:
        """A random id given to this store when its change journal was made: an index stamp
        naming another id holds no cursor into this store."""
        row = self.conn.execute("SELECT value FROM store_meta WHERE key = 'store_id'").fetchone()
        return str(row[0]) if row else ""

    def journal_seq(self) -> int:
        """The newest seq of the change journal (0: nothing journalled). An index that has
        applied every change up to it is current."""
        return int(self.conn.execute("SELECT IFNULL(MAX(seq), 0) FROM item_changes").fetchone()[0])

    def changed_items_since(self, seq: int) -> list[str]:
        """Ids of the items written since `seq` (inserted, changed or deleted: a deleted item
        is no longer in `items`), in journal order."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT item_id FROM item_changes WHERE seq > ? ORDER BY seq, item_id", (seq,)
            )
        ]

    # -- reading --------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        q = self.conn.execute
        return {
            "documents": q("SELECT count(*) FROM documents").fetchone()[0],
            "meetings": q("SELECT count(*) FROM documents WHERE kind='protocol'").fetchone()[0],
            "items": q("SELECT count(*) FROM items").fetchone()[0],
            "persons": q("SELECT count(*) FROM persons").fetchone()[0],
        }

    def item_rows(
        self,
        *,
        body: str | None = None,
        org: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kind: str | None = None,
        doc_id: str | None = None,
        include_duplicates: bool = True,
    ) -> list[sqlite3.Row]:
        """Item rows joined with their document, in document date and § order."""
        sql = [ITEM_SELECT, "WHERE 1=1"]
        args: list[Any] = []
        if body:
            sql.append("AND (lower(d.body) LIKE ? OR lower(d.body_short) = ?)")
            args += [f"%{body.lower()}%", body.lower()]
        if org:
            sql.append("AND lower(d.organisation) LIKE ?")
            args.append(f"%{org.lower()}%")
        if since:
            sql.append("AND d.date >= ?")
            args.append(since)
        if until:
            sql.append("AND d.date <= ?")
            args.append(until)
        if kind:
            sql.append("AND d.kind = ?")
            args.append(kind)
        if doc_id:
            sql.append("AND d.id = ?")
            args.append(doc_id)
        if not include_duplicates:
            sql.append("AND i.canonical_id IS NULL")
        sql.append("ORDER BY d.date, d.id, i.position")
        return list(self.conn.execute(" ".join(sql), args))

    def item_row(self, item_id: str) -> sqlite3.Row:
        row = self.conn.execute(ITEM_SELECT + " WHERE i.id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"Inget ärende med id {item_id!r}.")
        return row

    def item_json(self, row: sqlite3.Row) -> dict[str, Any]:
        """The `items --json` contract (README): one object per item."""
        ents: dict[str, list[str]] = {"PER": [], "ORG": [], "LOC": []}
        for m in self.conn.execute(
            "SELECT m.label, coalesce(p.name, m.text) AS name FROM mentions m"
            " LEFT JOIN persons p ON p.id = m.person_id WHERE m.item_id = ? ORDER BY m.start",
            (row["id"],),
        ):
            bucket = ents.get(m["label"])
            if bucket is not None and m["name"] not in bucket:
                bucket.append(m["name"])
        for label in ("ORG", "LOC"):
            ents[label] = _without_variants(ents[label])
        topics = [
            r["label"]
            for r in self.conn.execute(
                "SELECT t.label FROM item_topics it JOIN topics t ON t.id = it.topic_id"
                " WHERE it.item_id = ? ORDER BY it.weight DESC",
                (row["id"],),
            )
        ]
        return {
            "id": row["id"],
            "org": row["organisation"],
            "body": row["body"],
            "body_short": row["body_short"],
            "date": row["date"],
            "section": row["section"],
            "section_label": row["section_label"] or str(row["section"]),
            "ocr_read": bool(row["ocr_read"]),
            "title": row["title"],
            "kind": row["kind"],
            "source": row["source"],
            "text": row["text"],
            "dnr": row["dnr"],
            "parts": {
                "presenter": row["presenter"],
                "summary": row["summary"],
                "proposal": row["proposal"],
                "motions": row["motions"],
                "proceedings": row["proceedings"],
                "decision": row["decision"],
                "attachments": json.loads(row["attachments"]),
            },
            "meeting": row["doc_id"],
            "canonical_id": row["canonical_id"],
            "persons": ents["PER"],
            "orgs": ents["ORG"],
            "places": ents["LOC"],
            "topics": topics,
        }

    def document_rows(
        self, *, kind: str | None = None, body: str | None = None
    ) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM documents WHERE 1=1", []
        if kind:
            sql += " AND kind = ?"
            args.append(kind)
        if body:
            sql += " AND (lower(body) LIKE ? OR lower(body_short) = ?)"
            args += [f"%{body.lower()}%", body.lower()]
        return list(self.conn.execute(sql + " ORDER BY date, id", args))

    def document_row(self, doc_id: str) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"Inget möte/dokument med id {doc_id!r}.")
        return row

    def meeting_json(self, row: sqlite3.Row) -> dict[str, Any]:
        """The `meetings --json` contract (README): one object per document."""
        people = list(
            self.conn.execute(
                "SELECT * FROM attendees WHERE doc_id=? ORDER BY position", (row["id"],)
            )
        )

        def person(a: sqlite3.Row) -> dict[str, Any]:
            return {
                "name": a["name"],
                "party": a["party"],
                "org": a["org"],
                "role": a["role"],
                "group": a["grp"],
                "replaces": a["replaces"],
                "sections": json.loads(a["sections"]),
            }

        item_ids = [
            r["id"]
            for r in self.conn.execute(
                "SELECT id FROM items WHERE doc_id=? ORDER BY position", (row["id"],)
            )
        ]
        return {
            "id": row["id"],
            "org": row["organisation"],
            "body": row["body"],
            "body_short": row["body_short"],
            "date": row["date"],
            "kind": row["kind"],
            "title": row["title"],
            "time": row["time"],
            "place": row["place"],
            "chair": row["chair"],
            "secretary": row["secretary"],
            "adjusters": json.loads(row["adjusters"]),
            "present": [person(a) for a in people if a["present"]],
            "absent": [person(a) for a in people if not a["present"]],
            "items": item_ids,
            "organisation": row["organisation"],
            "dnr": row["dnr"],
            "declared_sections": (
                [row["declared_from"], row["declared_to"]]
                if row["declared_from"] is not None
                else None
            ),
            "linked_item": row["linked_item_id"],
            "warnings": json.loads(row["warnings"]),
            "source": row["source"],
            "ocr": bool(row["ocr"]),
            "ocr_pages": json.loads(row["ocr_pages"]),
        }


ITEM_SELECT = (
    "SELECT i.*, d.body, d.body_short, d.date, d.kind, d.source, d.organisation"
    " FROM items i JOIN documents d ON d.id = i.doc_id"
)


def _distinct_dates(c: sqlite3.Connection, doc_ids: list[str]) -> list[str]:
    """The meeting dates of these documents (those still stored), each once."""
    sql = "SELECT DISTINCT date FROM documents WHERE date IS NOT NULL"
    return sorted({r[0] for r in rows_in(c, sql, "id", doc_ids)})


def _without_variants(names: list[str]) -> list[str]:
    """Drop case variants and genitives ("FHCs", "Sociala Samrådsgruppens") of names also listed."""
    seen = {n.lower() for n in names}
    out: list[str] = []
    kept: set[str] = set()
    for n in names:
        key = n.lower()
        if key in kept or (key.endswith("s") and key[:-1] in seen):
            continue
        kept.add(key)
        out.append(n)
    return out
