"""Threads across meetings and bodies (diarienummer, references, extracts) and `trace` timelines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from minutesearch.analysis.pipeline import analyse
from minutesearch.analysis.threads import list_threads, trace
from minutesearch.config import Settings
from minutesearch.ingest import ingest
from minutesearch.store import Store

# A KSAU extract, the KS meeting that took the matter on, a KS extract and the KF meeting after it,
# and a tjänsteskrivelse with its VON meeting: a small slice of Alingsås with real cross-body paths.
SLICE = [
    "protokoll/2026-06-01_kommunstyrelsen.pdf",
    "utdrag/2026-06-01_kommunstyrelsen__ss72-ksau-svar-pa-motion-gallande-att-utreda-mojligheten-till-fler-bostader-genom-inrednin.pdf",
    "protokoll/2026-06-10_kommunfullmaktige.pdf",
    "utdrag/2026-06-10_kommunfullmaktige__ss81-ks-detaljplan-for-alingsas-forskola-vid-nolhaga-alle-sorhaga-24-med-flera-beslut-om-a.pdf",
    "protokoll/2026-05-18_vard-och-omsorgsnamnden.pdf",
    "skrivelser/2026-05-18_vard-och-omsorgsnamnden__tjansteskrivelse-forhojd-habiliteringsersattning-2026.pdf",
]


@pytest.fixture(scope="module")
def alingsas(extra_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(index_dir=tmp_path_factory.mktemp("alingsas"), embedder="none")
    report = ingest([extra_dir / "alingsas" / p for p in SLICE], settings, stages=[analyse])
    assert not report.skipped, report.skipped
    return settings


def _thread_of(threads: list[dict[str, Any]], item_id: str) -> dict[str, Any]:
    for t in threads:
        if any(it["id"] == item_id for it in t["items"]):
            return t
    raise AssertionError(f"{item_id} is in no thread")


def test_dnr_and_reference_thread_across_bodies(alingsas: Settings) -> None:
    with Store.open(alingsas.index_dir, create=False) as store:
        threads = list_threads(store)
        ks99 = store.conn.execute(
            "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id"
            " WHERE d.body_short = 'KS' AND d.date = '2026-06-01' AND i.section = 99"
        ).fetchone()["id"]
    t = _thread_of(threads, ks99)
    steps = [(it["body_short"], it["date"], it["section"]) for it in t["items"]]
    assert steps == [("KSAU", "2026-05-20", 72), ("KS", "2026-06-01", 99)]
    assert {"dnr", "ref"} <= set(t["link_kinds"])


def test_trace_is_a_dated_timeline(alingsas: Settings) -> None:
    with Store.open(alingsas.index_dir, create=False) as store:
        kf116 = store.conn.execute(
            "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id"
            " WHERE d.body_short = 'KF' AND i.section = 116"
        ).fetchone()["id"]
        steps = trace(store, alingsas, kf116)
    stored = [s for s in steps if s["in_corpus"]]
    assert [(s["body_short"], s["date"], s["section"]) for s in stored] == [
        ("KS", "2026-05-11", 81),
        ("KF", "2026-06-10", 116),
    ]
    first, last = stored
    assert last["link_kind"] == "start"
    assert first["link_kind"] in ("ref", "dnr") and first["evidence"]
    assert first["decision"] and first["outcome"] in ("bifall", "överlämnad")
    assert all(s["source"].endswith(".pdf") for s in stored)


def test_trace_shows_cited_steps_outside_the_corpus(alingsas: Settings) -> None:
    with Store.open(alingsas.index_dir, create=False) as store:
        steps = trace(store, alingsas, "vindar Alingsåshems")
    outside = [(s["body_short"], s["date"], s["section"]) for s in steps if not s["in_corpus"]]
    # The motion was sent on by KF on 5 November 2025, § 228 — cited, but not collected.
    assert ("KF", "2025-11-05", 228) in outside
    assert [s["date"] for s in steps] == sorted(s["date"] for s in steps)


def test_trace_by_query_and_unknown(alingsas: Settings) -> None:
    from minutesearch.errors import NotFoundError

    with Store.open(alingsas.index_dir, create=False) as store:
        steps = trace(store, alingsas, "vindar Alingsåshems")
        assert {s["section"] for s in steps} >= {72, 99}
        with pytest.raises(NotFoundError):
            trace(store, alingsas, "zzzxq obefintligt")


def test_tjansteskrivelse_linked_to_its_item(alingsas: Settings) -> None:
    with Store.open(alingsas.index_dir, create=False) as store:
        row = store.conn.execute(
            "SELECT i.section, i.title, d.body_short FROM documents a JOIN items i ON i.id = a.linked_item_id"
            " JOIN documents d ON d.id = i.doc_id WHERE a.kind = 'attachment'"
        ).fetchone()
    assert row is not None
    assert (row["body_short"], row["title"]) == ("VON", "Förhöjd habiliteringsersättning 2026")


def test_seed_thread_by_explicit_reference(seed_store: Store) -> None:
    threads = list_threads(seed_store)
    pairs = {tuple((it["date"], it["section"]) for it in t["items"]) for t in threads}
    assert (("2023-02-24", 5), ("2023-03-24", 17)) in pairs  # föregående protokoll
    assert (
        ("2023-02-24", 12),
        ("2023-03-24", 24),
    ) in pairs  # Vid SocSam:s sammanträde den 24 februari


def test_cli_threads_and_trace(seed_settings: Settings) -> None:
    from minutesearch.cli import main

    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir)]
    out = runner.invoke(main, [*base, "threads", "--json"])
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert rows and set(rows[0]) == {"id", "items", "link_kinds"}
    assert set(rows[0]["items"][0]) >= {"id", "date", "body", "section", "title"}
    out = runner.invoke(main, [*base, "trace", rows[0]["id"], "--csv"])
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO(out.output)))
    stored = [r for r in table if r["id"]]  # the rest are cited steps outside the corpus
    assert {r["id"] for r in stored} == {it["id"] for it in rows[0]["items"]}
    assert {"date", "body", "section", "source", "decision", "link_kind"} <= set(table[0])
    out = runner.invoke(main, [*base, "trace", rows[0]["items"][0]["id"], "--json"])
    entries = [json.loads(line) for line in out.output.splitlines()]
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    assert all(isinstance(e["related"], list) for e in entries)
    assert all(e["link_kind"] != "semantic" for e in entries)


def test_semantic_likeness_is_related_never_a_step(seed_settings: Settings) -> None:
    with Store.open(seed_settings.index_dir, create=False) as store:
        start = store.conn.execute(
            "SELECT i.id FROM items i JOIN documents d ON d.id = i.doc_id"
            " WHERE d.body_short = 'SocSam' AND d.date = '2023-03-24' AND i.section = 23"
        ).fetchone()["id"]
        plain = trace(store, seed_settings, start, semantic_threshold=None)
        loose = trace(store, seed_settings, start, semantic_threshold=-1.0)
        strict = trace(store, seed_settings, start, semantic_threshold=1.01)
    # However alike, the steps are the same: likeness is no evidence of the same matter.
    assert [e["id"] for e in loose] == [e["id"] for e in plain] == [e["id"] for e in strict]
    assert all(e["link_kind"] != "semantic" for e in loose)
    head = next(e for e in loose if e["id"] == start)
    assert head["related"] and all(r["id"] != start and "score" in r for r in head["related"])
    steps = {e["id"] for e in loose}
    assert not steps & {r["id"] for r in head["related"]}
    assert all(e["related"] == [] for e in loose if e["id"] != start)
    assert next(e for e in strict if e["id"] == start)["related"] == []


def _synthetic(tmp_path: Path, docs: list[Any]) -> Store:
    from minutesearch.analysis.links import build_links, build_references, build_threads
    from minutesearch.analysis.resolve import Corpus

    store = Store.open(tmp_path / "idx")
    for n, doc in enumerate(docs):
        store.save_document(doc, f"sha{n}")
    corpus = Corpus(store)
    build_references(store, corpus)
    build_links(store, corpus)
    build_threads(store, corpus)
    return store


def test_collective_dnr_and_notice_lists_make_no_thread(tmp_path: Path) -> None:
    """One dnr for all elections of a year, and a list of notices citing two matters, are no
    evidence that those matters are one."""
    from minutesearch.model import Document, Item

    def meeting(body: str, short: str, date: str, items: list[Item]) -> Document:
        return Document(
            source=f"test/{short}-{date}.txt",
            kind="protocol",
            body=body,
            body_short=short,
            organisation="Alingsås kommun",
            date=date,
            items=items,
        )

    kf = meeting(
        "Kommunfullmäktige",
        "KF",
        "2026-05-06",
        [
            Item(92, "Svar på motion om vård", "Motionen anses besvarad.", dnr="2025.511 KS"),
            Item(104, "Fyllnadsval", "Anna Berg väljs till ledamot.", dnr="2026.219 KS"),
        ],
    )
    ks_spring = meeting(
        "Kommunstyrelsen",
        "KS",
        "2026-03-04",
        [
            Item(10, "Val av ledamot i HBTQI-rådet", "Val.", dnr="KS 2026/6"),
            Item(11, "Val av ledamot i romerrådet", "Val.", dnr="KS 2026/6"),
        ],
    )
    ks_summer = meeting(
        "Kommunstyrelsen",
        "KS",
        "2026-06-17",
        [Item(20, "Val av ledamot i arbetsutskottet", "Val.", dnr="KS 2026/6")],
    )
    von = meeting(
        "Vård- och omsorgsnämnden",
        "VON",
        "2026-05-18",
        [
            Item(
                44,
                "Meddelanden",
                "Kommunfullmäktige 2026-05-06 § 92 Svar på motion.\n"
                "Kommunfullmäktige 2026-05-06 § 104 Fyllnadsval.\n"
                "Kommunfullmäktige 2026-05-06 § 85 Avsägelse.",
            )
        ],
    )
    store = _synthetic(tmp_path, [kf, ks_spring, ks_summer, von])
    threads = list_threads(store)
    members = [{it["section"] for it in t["items"]} for t in threads]
    assert not any({92, 104} <= m for m in members)  # the notice list joins nothing
    assert not any({10, 20} <= m or {11, 20} <= m for m in members)  # collective dnr
    refs = store.conn.execute("SELECT count(*) FROM links WHERE kind = 'ref'").fetchone()[0]
    assert refs == 2  # both references to stored §§ are still found and linked
    # A trace from § 92 reaches the notice list but goes no further: not § 104, nor the
    # uncollected § 85 the list also cites.
    kf92 = store.conn.execute("SELECT id FROM items WHERE section = 92").fetchone()[0]
    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    steps = trace(store, settings, kf92)
    assert {s["section"] for s in steps} == {92, 44}


def test_cited_step_without_a_body_is_the_citing_body(tmp_path: Path) -> None:
    from minutesearch.model import Document, Item

    ks = Document(
        source="test/ks.txt",
        kind="protocol",
        body="Kommunstyrelsen",
        body_short="KS",
        organisation="Göteborgs Stad",
        date="2025-03-12",
        items=[
            Item(
                217,
                "Genomförandebeslut",
                "Bordlagt den 5 februari 2025, § 92. Enligt KF 2024-11-05 § 228.",
            )
        ],
    )
    kf = Document(
        source="test/kf.txt",
        kind="protocol",
        body="Kommunfullmäktige",
        body_short="KF",
        organisation="Göteborgs Stad",
        date="2025-04-10",
        items=[Item(5, "Val", "Val av ledamot.")],
    )
    store = _synthetic(tmp_path, [ks, kf])
    settings = Settings(index_dir=tmp_path / "idx", embedder="none")
    item_id = store.conn.execute("SELECT id FROM items WHERE section = 217").fetchone()[0]
    outside = [s for s in trace(store, settings, item_id) if not s["in_corpus"]]
    got = {(s["body"], s["body_short"], s["date"], s["section"]) for s in outside}
    assert ("Kommunstyrelsen", "KS", "2025-02-05", 92) in got
    # A body named by its short form is given its full name from the same organisation's meetings.
    assert ("Kommunfullmäktige", "KF", "2024-11-05", 228) in got
