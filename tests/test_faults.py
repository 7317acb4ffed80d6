"""Killing ingest mid-run, and reading while an ingest writes, through the real CLI.

No hooks in the library: the test watches the store through its own read-only SQLite connection
and freezes the ingest process (SIGSTOP) at the moment it wants, so "killed after some but not
all documents" is deterministic rather than a race.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from minutesearch.locations import store_path

CLI = [sys.executable, "-c", "from minutesearch.cli import main; main()"]
GENERATED = 30
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
INGEST_ARGS = ["ingest", "--embedder", "fake", "--no-ner", "-q"]
QUERY = "samverkan"  # a word of several seed items


def cli(idx: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "--index-dir", str(idx), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


def start_ingest(idx: Path, folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*CLI, "--index-dir", str(idx), *INGEST_ARGS, str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=ENV,
    )


def generate(seeds_dir: Path, folder: Path, n: int) -> None:
    """n distinct copies of the seeds (a marker line changes each file's hash)."""
    folder.mkdir()
    seeds = sorted(seeds_dir.glob("*.txt"))
    for i in range(n):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8") + f"\nKopia {i} för feltest.\n"
        (folder / f"g{i:04d}__{seed.name}").write_text(text, encoding="utf-8")


@contextmanager
def read_only(idx: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"file:{store_path(idx)}?mode=ro", uri=True, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def count_documents(idx: Path) -> int:
    if not store_path(idx).exists():
        return 0
    try:
        with read_only(idx) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is still being created
        return 0


def items_per_document(idx: Path) -> dict[str, int]:
    with read_only(idx) as conn:
        rows = conn.execute(
            "SELECT d.source, count(i.id) FROM documents d LEFT JOIN items i ON i.doc_id = d.id"
            " GROUP BY d.id"
        ).fetchall()
    return {str(source): int(n) for source, n in rows}


def template_of(source: str) -> str:
    return Path(source).name.split("__", 1)[-1]


def items_json(idx: Path) -> list[dict[str, object]]:
    run = cli(idx, "items", "--json")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


def wait_for_documents(proc: subprocess.Popen[bytes], idx: Path, at_least: int) -> int:
    """Poll the store until it holds at_least documents; fail if the ingest ends first."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        n = count_documents(idx)
        if n >= at_least:
            return n
        if proc.poll() is not None:
            pytest.fail(f"ingest ended (exit {proc.returncode}) before {at_least} documents")
        time.sleep(0.005)
    pytest.fail("ingest made no progress in 120 s")


def keyword_search_works(idx: Path, query: str) -> list[dict[str, object]]:
    """`search --mode keyword --json` answers, without a traceback."""
    run = cli(idx, "search", query, "--mode", "keyword", "--json", "--limit", "1000")
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def generated(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of GENERATED distinct protocols, shared by the tests of this module."""
    root = tmp_path_factory.mktemp("faults")
    generate(seeds_dir, root / "gen", GENERATED)
    return root / "gen"


def seed_index(seeds_dir: Path, idx: Path) -> dict[str, int]:
    """Ingest the seeds into idx; returns items per seed file name."""
    run = cli(idx, *INGEST_ARGS, str(seeds_dir))
    assert run.returncode == 0, run.stderr
    return {Path(s).name: n for s, n in items_per_document(idx).items()}


def test_sigkill_while_storing_keeps_previous_state(
    seeds_dir: Path, generated: Path, tmp_path: Path
) -> None:
    gen = generated
    idx = tmp_path / "idx"
    per_seed = seed_index(seeds_dir, idx)
    before = {str(i["id"]) for i in items_json(idx)}
    prior_docs = len(per_seed)

    proc = start_ingest(idx, gen)
    wait_for_documents(proc, idx, prior_docs + 10)
    proc.send_signal(signal.SIGSTOP)  # freeze, look, then kill exactly this state
    stored = count_documents(idx)
    proc.kill()
    proc.wait(timeout=30)

    assert prior_docs < stored < prior_docs + GENERATED, "killed outside the store phase"
    with read_only(idx) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Every document that made it is whole: exactly the items a clean parse of its seed gives.
    for source, n in items_per_document(idx).items():
        assert n == per_seed[template_of(source)], f"{source} half-written: {n} items"
    after = {str(i["id"]) for i in items_json(idx)}
    assert before <= after
    assert keyword_search_works(idx, QUERY)

    again = cli(idx, *INGEST_ARGS, str(gen))
    assert again.returncode == 0, again.stderr
    assert count_documents(idx) == prior_docs + GENERATED
    assert len(items_json(idx)) == len(before) + sum(
        per_seed[template_of(f.name)] for f in gen.iterdir()
    )


def test_sigkill_after_store_keeps_indexes_usable(
    seeds_dir: Path, generated: Path, tmp_path: Path
) -> None:
    """Killed once every document is stored, i.e. in the stages that build the indexes."""
    gen = generated
    idx = tmp_path / "idx"
    per_seed = seed_index(seeds_dir, idx)
    hits_before = keyword_search_works(idx, QUERY)
    assert hits_before

    proc = start_ingest(idx, gen)
    wait_for_documents(proc, idx, len(per_seed) + GENERATED)
    proc.kill()
    proc.wait(timeout=30)

    assert {h["id"] for h in hits_before} <= {h["id"] for h in keyword_search_works(idx, QUERY)}
    assert len(items_json(idx)) >= sum(per_seed.values())

    again = cli(idx, *INGEST_ARGS, str(gen))
    assert again.returncode == 0, again.stderr
    ids = {str(i["id"]) for i in items_json(idx)}
    stored_ids = {str(h["id"]) for h in keyword_search_works(idx, QUERY)}
    assert stored_ids <= ids, "the keyword index points at items the store does not have"


def test_reader_works_while_ingest_is_paused_mid_write(
    seeds_dir: Path, generated: Path, tmp_path: Path
) -> None:
    """Freeze a running ingest wherever it is (maybe inside a transaction): readers still answer."""
    gen = generated
    idx = tmp_path / "idx"
    per_seed = seed_index(seeds_dir, idx)

    proc = start_ingest(idx, gen)
    try:
        wait_for_documents(proc, idx, len(per_seed) + 5)
        proc.send_signal(signal.SIGSTOP)
        visible = items_json(idx)
        assert len(visible) >= sum(per_seed.values())
        assert keyword_search_works(idx, QUERY)
    finally:
        proc.send_signal(signal.SIGCONT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode(errors="replace")
    assert count_documents(idx) == len(per_seed) + GENERATED


def test_readers_run_concurrently_with_a_live_ingest(
    seeds_dir: Path, generated: Path, tmp_path: Path
) -> None:
    gen = generated
    idx = tmp_path / "idx"
    per_seed = seed_index(seeds_dir, idx)
    floor = sum(per_seed.values())

    proc = start_ingest(idx, gen)
    overlapped = 0
    seen = [floor]
    while proc.poll() is None:
        with read_only(idx) as conn:
            n = int(conn.execute("SELECT count(*) FROM items").fetchone()[0])
        if proc.poll() is None:
            overlapped += 1
        # The count only grows: each document is committed whole, never rolled back by a reader.
        assert n >= seen[-1]
        seen.append(n)
        time.sleep(0.005)
    _, err = proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")
    assert overlapped > 0
    assert len(set(seen)) > 2, "the reader never saw the ingest in progress"


def test_held_write_transaction_does_not_block_the_cli(seeds_dir: Path, tmp_path: Path) -> None:
    """What an ingest looks like from outside mid-document: a reader sees the last commit."""
    idx = tmp_path / "idx"
    seed_index(seeds_dir, idx)
    before = items_json(idx)
    writer = sqlite3.connect(store_path(idx), isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM items")
        start = time.monotonic()
        during = items_json(idx)
        assert time.monotonic() - start < 20, "the reader waited for the writer"
        assert [i["id"] for i in during] == [i["id"] for i in before]
        keyword_search_works(idx, QUERY)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_second_ingest_into_the_same_index_is_refused_clearly(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """Two writers would race on the keyword index; the second gets one line and exit 1."""
    import fcntl

    from minutesearch.ingest import LOCK_FILE

    idx = tmp_path / "idx"
    idx.mkdir()
    with open(idx / LOCK_FILE, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # what a running ingest holds
        run = cli(idx, *INGEST_ARGS, str(seeds_dir))
        assert run.returncode == 1
        assert "Traceback" not in run.stderr
        assert "ingest" in run.stderr and str(idx) in run.stderr
        assert count_documents(idx) == 0
    run = cli(idx, *INGEST_ARGS, str(seeds_dir))  # released (as when the holder dies)
    assert run.returncode == 0, run.stderr
    assert count_documents(idx) == 5
