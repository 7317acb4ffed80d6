"""Links and threads after one ingest are redone only where the change reaches (issue #16), and
equal a whole-corpus analysis: documents ingested one by one, in several orders, then one
changed and one removed, give the same links, threads, references and decisions as a fresh full
analysis of the same store after every step."""

from __future__ import annotations

import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from minutesearch.analysis import incremental
from minutesearch.config import Settings
from minutesearch.model import Document, Item
from minutesearch.stages import StageContext
from minutesearch.store import Store

TABLES = {
    "links": "SELECT src_item_id, dst_item_id, dst_doc_id, kind, evidence FROM links",
    "threads": "SELECT item_id, thread_id FROM thread_items",
    "refs": "SELECT item_id, kind, text, body, ref_date, ref_section, target_item_id,"
    " target_doc_id FROM refs",
    "decisions": "SELECT item_id, decision, outcome, amounts, vote, annotations FROM decisions",
    "attachments": "SELECT id, linked_item_id FROM documents",
    "seen": "SELECT item_id, dnr, thread_id FROM analysis_items",
}

ALINGSAS = [
    "protokoll/2026-06-01_kommunstyrelsen",
    "protokoll/2026-06-10_kommunfullmaktige",
    "protokoll/2026-06-15_kommunstyrelsen",
    "protokoll/2026-06-16_barn-och-ungdomsnamnden",
    "utdrag/2026-06-01_kommunstyrelsen__ss72",
    "utdrag/2026-06-10_kommunfullmaktige__ss97",
    "utdrag/2026-06-15_kommunstyrelsen__ss90",
    "utdrag/2026-06-16_barn-och-ungdomsnamnden__ss30",
    "skrivelser/2026-06-16_barn-och-ungdomsnamnden__ts-biblioteksplan",
]


def _state(idx: Path) -> dict[str, list[tuple[object, ...]]]:
    with Store.open(idx, create=False) as store:
        return {
            t: sorted((tuple(r) for r in store.conn.execute(q)), key=repr)
            for t, q in TABLES.items()
        }


def _full(idx: Path, tmp: Path) -> dict[str, list[tuple[object, ...]]]:
    """The same store analysed whole (on a copy, so the incremental one goes on from its own)."""
    from minutesearch.analysis.pipeline import analyse

    copy = tmp / "full"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(idx, copy)
    settings = Settings(index_dir=copy, embedder="none", ner=False)
    with Store.open(copy) as store:
        analyse(StageContext(store=store, settings=settings, rebuild=True))
    return _state(copy)


def _files(extra: Path) -> list[tuple[Path, str]]:
    """(file, path under the ingested folder): the seeds, Göteborg and a slice of Alingsås."""
    from minutesearch.locations import CORPUS_DIR

    out = [(f, f"seeds/{f.name}") for f in sorted(CORPUS_DIR.glob("*.txt"))]
    out += [(f, f"goteborg/{f.name}") for f in sorted((extra / "goteborg").glob("*.txt"))]
    for prefix in ALINGSAS:
        found = sorted((extra / "alingsas").glob(f"{prefix}*"))
        assert found, prefix
        out.append((found[0], f"alingsas/{found[0].relative_to(extra / 'alingsas')}"))
    return out


def _thread_sets(state: dict[str, list[tuple[object, ...]]]) -> dict[object, set[object]]:
    out: dict[object, set[object]] = {}
    for item, thread in state["threads"]:
        out.setdefault(thread, set()).add(item)
    return out


@pytest.mark.parametrize("order", ["forward", "reverse", "shuffled"])
def test_one_by_one_equals_a_full_analysis(
    tmp_path: Path, extra_dir: Path, order: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minutesearch.analysis import pipeline
    from minutesearch.ingest import ingest

    files = _files(extra_dir)
    if order == "reverse":
        files.reverse()
    elif order == "shuffled":
        random.Random(3).shuffle(files)
    # Last, a meeting joining two Göteborg threads: one § with the dnr of "Anmälan av jäv"
    # (KS 2024-01-10 § 2 and later) that cites KS 2024-05-29 § 515 (another matter's thread).
    joiner = tmp_path / "ks-2026-09-02.paragraphs.txt"
    joiner.write_text(
        "§ 900 Ärendenummer SLK-2024-00074\nUppföljning av anmälan\nBeslut\n\n"
        "Ärendet hänger samman med KS 2024-05-29 § 515.\n",
        encoding="utf-8",
    )
    files.append((joiner, f"goteborg/{joiner.name}"))
    folder = tmp_path / "corpus"
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False)
    updates: list[int] = []
    real_update = incremental.update_links_and_threads

    def counted(*args: object, **kwargs: object) -> incremental.ScopeStats | None:
        stats = real_update(*args, **kwargs)  # type: ignore[arg-type]
        updates.append(0 if stats is None else 1)
        return stats

    monkeypatch.setattr(pipeline, "update_links_and_threads", counted)
    joined = cited_old_dnr = 0
    for n, (src, rel) in enumerate(files):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
        before = _state(settings.index_dir) if n else None
        ingest([folder], settings, stages=[pipeline.analyse])
        now = _state(settings.index_dir)
        full = _full(settings.index_dir, tmp_path)
        for t in TABLES:
            assert set(now[t]) - set(full[t]) == set() and set(full[t]) - set(now[t]) == set(), (
                rel,
                t,
            )
        assert now == full, f"after adding {rel}"
        if before is not None:
            # Did this meeting join two earlier threads, or link to an earlier meeting's dnr?
            old = {i: t for i, t in before["threads"]}
            for members in _thread_sets(now).values():
                joined += len({old[m] for m in members if m in old}) > 1
            old_items = {r[0] for r in before["seen"]}
            cited_old_dnr += any(
                k == "dnr" and (a in old_items) != (b in old_items)
                for a, b, _d, k, _e in now["links"]
            )
    assert updates and 0 not in updates, "every update after the first ran incrementally"
    assert joined, "some meeting joined two earlier threads"
    assert cited_old_dnr, "some meeting shared a dnr with an earlier one"

    # Changed documents stored again under the same id: a § that no longer cites another
    # meeting's §; a § whose diarienummer is altered (it leaves its dnr group).
    with Store.open(settings.index_dir, create=False) as store:
        cites = [
            (r[0], r[1])
            for r in store.conn.execute(
                "SELECT DISTINCT d.source, r.text FROM refs r JOIN items i ON i.id = r.item_id"
                " JOIN documents d ON d.id = i.doc_id JOIN items t ON t.id = r.target_item_id"
                " JOIN thread_items ti ON ti.item_id = t.id"
                " WHERE t.doc_id != i.doc_id AND d.source LIKE '%.txt'"
                # Best a cited § that nothing else links to: its thread ends with the citation.
                " ORDER BY (SELECT count(*) FROM links l WHERE l.src_item_id != i.id"
                " AND t.id IN (l.src_item_id, l.dst_item_id)), 1, 2"
            )
        ]
    source, cited = next(
        (f, c)
        for f, c in cites
        if c in Path(f).read_text(encoding="utf-8") and joiner.name not in f
    )
    text = Path(source).read_text(encoding="utf-8")
    Path(source).write_text(text.replace(cited, ""), encoding="utf-8")
    ingest([folder], settings, stages=[pipeline.analyse])
    assert _state(settings.index_dir) == _full(settings.index_dir, tmp_path), "citation gone"
    assert updates[-1] == 1, "a document stored again is updated incrementally"
    # The joining meeting changed: it no longer cites KS 2024-05-29 § 515 (that thread takes
    # back its own id), then its § gets another diarienummer (it leaves the "jäv" dnr group).
    joined_at = folder / "goteborg" / joiner.name
    for before_text, after_text in (("KS 2024-05-29 § 515", ""), ("00074", "00075")):
        text = joined_at.read_text(encoding="utf-8")
        assert before_text in text
        joined_at.write_text(text.replace(before_text, after_text), encoding="utf-8")
        ingest([folder], settings, stages=[pipeline.analyse])
        state = _state(settings.index_dir)
        assert state == _full(settings.index_dir, tmp_path), f"without {before_text}"
        assert updates[-1] == 1

    # A removed document (the whole-corpus path) and then one more added (incremental again).
    (folder / files[len(files) // 2][1]).unlink()
    ingest([folder], settings, stages=[pipeline.analyse])
    assert _state(settings.index_dir) == _full(settings.index_dir, tmp_path), "after a removal"
    back = folder / files[len(files) // 2][1]
    shutil.copy2(files[len(files) // 2][0], back)
    ingest([folder], settings, stages=[pipeline.analyse])
    assert _state(settings.index_dir) == _full(settings.index_dir, tmp_path), "after re-adding"
    assert updates[-1] == 1


def _meeting(n: int, items: int) -> Document:
    """Meeting n of a synthetic body: § k shares its dnr with § k of the meetings n-1 and n+1
    within runs of three meetings, and every seventh § cites § k+2 of the meeting before in its
    run (so no thread spans the corpus)."""
    day = date(2020, 1, 1) + timedelta(days=7 * n)
    prev = (day - timedelta(days=7)).isoformat()
    doc = Document(
        source=f"synthetic/ks-{n:04d}.txt",
        kind="protocol",
        title="Protokoll",
        body="Kommunstyrelsen",
        body_short="KS",
        date=day.isoformat(),
        organisation="Exempels kommun",
    )
    for k in range(items):
        dnr = f"KS {2020 + n // 3}.{1000 * (n // 3 % 50) + k}"
        text = f"Ärende {k} om {WORDS[(n + k) % len(WORDS)]} och {WORDS[k % len(WORDS)]}."
        if k % 7 == 0 and n % 3:
            text += f" Se KS {prev} § {k + 2}."
        doc.items.append(
            Item(section=k + 1, title=f"{WORDS[k % len(WORDS)]} {k}", text=text, dnr=dnr)
        )
    return doc


WORDS = ["detaljplan", "förskola", "budget", "skolskjuts", "bostäder", "avfall", "taxa", "klimat"]


def _add_one_meeting(tmp: Path, meetings: int) -> incremental.ScopeStats:
    """A store of `meetings` × 35 items analysed whole, then one 30-item meeting added: what the
    incremental update touched (and it equals a whole analysis)."""
    from minutesearch.analysis.pipeline import analyse

    idx = tmp / f"idx-{meetings}"
    settings = Settings(index_dir=idx, embedder="none", ner=False)
    with Store.open(idx) as store:
        for n in range(meetings):
            store.save_document(_meeting(n, 35), f"h{n}")
        store.relink()
        analyse(StageContext(store=store, settings=settings, rebuild=True))
        new = store.save_document(_meeting(meetings, 30), "new")
        store.relink({new})
        seen: list[incremental.ScopeStats | None] = []
        real = incremental.update_links_and_threads

        def spy(*args: Any) -> incremental.ScopeStats | None:
            seen.append(real(*args))
            return seen[-1]

        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("minutesearch.analysis.pipeline.update_links_and_threads", spy)
            analyse(StageContext(store=store, settings=settings, changed_docs={new}))
    assert _state(idx) == _full(idx, tmp)
    assert len(seen) == 1 and seen[0] is not None
    return seen[0]


def test_one_meeting_costs_its_groups_not_the_corpus(tmp_path: Path) -> None:
    """Adding the same meeting to a store twice the size touches exactly as many items: the
    dnr groups and threads it joins, not the corpus."""
    small = _add_one_meeting(tmp_path, 31)  # the new one is second of a run of three
    large = _add_one_meeting(tmp_path, 61)
    assert small == large
    assert large.changed_items == 30
    assert 30 < large.thread_items <= 4 * 30, large  # its § and the runs of meetings it joins
    assert large.link_items < 0.1 * 61 * 35, large
