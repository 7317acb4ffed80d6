"""Ingest with worker processes stores exactly what the in-process path stores, and survives
hostile files and workers that die."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Snapshot, store_snapshot
from minutesearch import ingest as ingest_module
from minutesearch.config import Settings
from minutesearch.entities import pipeline
from minutesearch.entities.pipeline import annotate
from minutesearch.ingest import IngestReport, ingest
from minutesearch.parallel import MAX_AUTO_WORKERS, effective_workers, fork_context

pytestmark = pytest.mark.skipif(fork_context() is None, reason="worker processes need fork")


def run(
    tmp: Path, name: str, paths: list[Path], workers: int, stages: list[Any] | None = None
) -> tuple[IngestReport, Snapshot]:
    settings = Settings(index_dir=tmp / name, embedder="none", workers=workers)
    report = ingest(paths, settings, stages=[] if stages is None else stages)
    return report, store_snapshot(settings.index_dir)


def outcomes(report: IngestReport) -> list[tuple[str, str, int, str | None]]:
    return [(f.source, f.status, f.items, f.reason) for f in report.files]


@pytest.fixture()
def pool_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each process pool that ingest or annotate starts (to know the workers ran)."""
    calls: list[str] = []

    def spy(where: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def start(*args: Any, **kwargs: Any) -> Any:
            calls.append(where)
            return real(*args, **kwargs)

        return start

    monkeypatch.setattr(ingest_module, "process_pool", spy("read", ingest_module.process_pool))
    monkeypatch.setattr(pipeline, "process_pool", spy("ner", pipeline.process_pool))
    return calls


def test_effective_workers() -> None:
    assert effective_workers(1) == 1
    assert effective_workers(3) == 3
    assert 1 <= effective_workers(0) <= MAX_AUTO_WORKERS
    assert effective_workers(Settings(index_dir=Path("x"), workers=2)) == 2


def test_seeds_give_the_same_store_with_two_workers(
    seeds_dir: Path, tmp_path: Path, pool_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents, items and mentions (real NER model, batches spread over two workers)."""
    monkeypatch.setattr(pipeline, "MIN_ITEMS_FOR_WORKERS", 1)
    monkeypatch.setattr(pipeline, "BATCH", 16)  # the seeds have fewer than 64 items
    one, alone = run(tmp_path, "w1", [seeds_dir], 1, [annotate])
    assert pool_calls == []
    two, pooled = run(tmp_path, "w2", [seeds_dir], 2, [annotate])
    assert pool_calls == ["read", "ner"]
    assert outcomes(one) == outcomes(two)
    assert not one.skipped
    assert alone["mentions"], "the seeds gave no mentions"
    assert pooled == alone


def test_corpus_extra_pdfs_give_the_same_store(extra_dir: Path, tmp_path: Path) -> None:
    pdfs = sorted(extra_dir.rglob("*.pdf"))[:6]
    assert len(pdfs) > 1
    one, alone = run(tmp_path, "w1", pdfs, 1)
    two, pooled = run(tmp_path, "w2", pdfs, 2)
    assert outcomes(one) == outcomes(two)
    assert alone["items"]
    assert pooled == alone


def test_unchanged_files_are_not_read_again(
    seeds_dir: Path, tmp_path: Path, pool_calls: list[str]
) -> None:
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", workers=2)
    ingest([seeds_dir], settings, stages=[])
    again = ingest([seeds_dir], settings, stages=[])
    assert {f.status for f in again.files} == {"unchanged"}
    assert pool_calls == ["read"], "a pool was started with nothing to read"


def test_hostile_files_among_good_ones_fail_alone(seeds_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b-junk.pdf").write_bytes(os.urandom(50_000))
    (folder / "d-fake.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "f-empty.txt").write_bytes(b"")
    (folder / "h-binary.txt").write_bytes(bytes(range(256)) * 100)
    seeds = sorted(seeds_dir.glob("*.txt"))
    for n, seed in enumerate(seeds):
        (folder / f"{'aceg'[n % 4]}{n}-{seed.name}").write_bytes(seed.read_bytes())

    one, alone = run(tmp_path, "w1", [folder], 1)
    two, pooled = run(tmp_path, "w2", [folder], 2)

    assert outcomes(two) == outcomes(one)
    skipped = {Path(f.source).name: f.reason or "" for f in two.skipped}
    assert set(skipped) == {"b-junk.pdf", "d-fake.docx", "f-empty.txt", "h-binary.txt"}
    assert "not a valid PDF" in skipped["b-junk.pdf"]
    assert "not a valid DOCX" in skipped["d-fake.docx"]
    assert skipped["f-empty.txt"] == "empty file"
    assert len({row[1] for row in pooled["documents"]}) == len(seeds)
    assert pooled == alone


def _crash_reading(monkeypatch: pytest.MonkeyPatch, victim: str, crash: Callable[[], None]) -> None:
    """Reading `victim` ends the process that reads it, but only in a worker, never in pytest."""
    parent = os.getpid()
    real = ingest_module.read_document

    def read(path: Path) -> Any:
        if path.name == victim and os.getpid() != parent:
            crash()
        return real(path)

    monkeypatch.setattr(ingest_module, "read_document", read)


@pytest.mark.parametrize(
    ("crash", "said"),
    [
        (lambda: os._exit(3), "exit status 3"),
        (lambda: os.kill(os.getpid(), signal.SIGKILL), "SIGKILL"),
    ],
    ids=["exit", "sigkill"],
)
def test_a_worker_that_dies_loses_only_its_file(
    crash: Callable[[], None],
    said: str,
    seeds_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seeds = sorted(seeds_dir.glob("*.txt"))
    victim = seeds[1]
    _, expected = run(tmp_path, "w1", [s for s in seeds if s != victim], 1)
    _crash_reading(monkeypatch, victim.name, crash)

    report, pooled = run(tmp_path, "w2", seeds, 2)

    assert [Path(f.source).name for f in report.files] == [s.name for s in seeds]
    assert [Path(f.source).name for f in report.skipped] == [victim.name]
    reason = report.skipped[0].reason or ""
    assert "crashed the worker process" in reason and said in reason, reason
    assert pooled == expected


def test_a_dying_ner_worker_falls_back_to_in_process(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool_calls: list[str]
) -> None:
    monkeypatch.setattr(pipeline, "MIN_ITEMS_FOR_WORKERS", 1)
    monkeypatch.setattr(pipeline, "BATCH", 16)
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", ner=False, workers=1)
    ingest([seeds_dir], settings, stages=[annotate])
    expected = store_snapshot(settings.index_dir)["mentions"]

    parent = os.getpid()
    real = pipeline.mentions_of

    def mentions_of(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(5)
        return real(*args)

    monkeypatch.setattr(pipeline, "mentions_of", mentions_of)
    settings = Settings(index_dir=tmp_path / "idx2", embedder="none", ner=False, workers=2)
    ingest([seeds_dir], settings, stages=[annotate])
    assert "ner" in pool_calls
    assert store_snapshot(settings.index_dir)["mentions"] == expected


WORKER_OF_KILLED_PARENT = """
import os, sys, time
from minutesearch.parallel import process_pool
pool = process_pool(1)
print(pool.submit(os.getpid).result(), flush=True)
pool.submit(time.sleep, 120)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by whoever adopted it counts as dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_workers_end_when_their_parent_is_killed() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER_OF_KILLED_PARENT], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        worker = int(proc.stdout.readline())
        assert _alive(worker)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), "a worker outlived its SIGKILLed parent"


def test_stages_prepare_while_workers_read(seeds_dir: Path, tmp_path: Path) -> None:
    """A stage's `prepare` runs (once, before the stage) while files are read; its errors are
    left for the stage to meet."""
    seen: list[str] = []

    def stage(ctx: Any) -> None:
        seen.append("run")

    def prepare(settings: Settings) -> None:
        seen.append(f"prepare {settings.workers}")
        raise RuntimeError("the stage reports this itself")

    stage.prepare = prepare  # type: ignore[attr-defined]
    settings = Settings(index_dir=tmp_path / "idx", embedder="none", workers=2)
    report = ingest([seeds_dir], settings, stages=[stage])
    assert not report.skipped
    assert seen == ["prepare 2", "run"]
