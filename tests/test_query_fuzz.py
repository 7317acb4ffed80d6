"""Every query string a user can type gives results or a clear message, never a traceback.

The library API is fuzzed (fast, many examples) on the seed index; a handful of CLI runs check
that what reaches the terminal is a message and an exit status, not a stack trace.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minutesearch.config import Settings
from minutesearch.errors import QueryError
from minutesearch.store import Store

search_mod = pytest.importorskip("minutesearch.search")

CLI = [sys.executable, "-c", "from minutesearch.cli import main; main()"]

# Pieces that mean something to a query parser, SQL, a shell or a regex engine.
SYNTAX = [
    '"',
    "'",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "*",
    "?",
    ":",
    "-",
    "+",
    "~",
    "^",
    "!",
    "|",
    "&",
    "\\",
    "/",
    "%",
    "_",
    ";",
    "§",
    "§§",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "title:",
    "text:",
    "'; DROP TABLE items; --",
    "1=1",
    "KS 2023/123",
    "Dnr 2024-00062",
    "\x00",
    "\n",
    "\t",
]
WORDS = ["budget", "förskola", "socialtjänst", "Östersund", "beslut", "psykiatri", "samverkan"]

queries = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map(" ".join),
    st.lists(st.sampled_from(SYNTAX + WORDS), max_size=12).map("".join),
    st.lists(st.text(alphabet="\"'()[]*:-§ åäöéü𝔘😀\u0301\u200bab1", max_size=8), max_size=6).map(
        " ".join
    ),
)

NASTY = [
    "",
    " ",
    "\t\n",
    '"',
    '""',
    '"unclosed phrase',
    "(",
    ")",
    "((budget",
    "[",
    "]",
    "{}",
    "*",
    "**",
    "budget*",
    "*get",
    ":",
    "title:",
    "title:budget",
    "-",
    "--",
    "-budget",
    "- -",
    "NOT",
    "AND OR NOT",
    "'; DROP TABLE items; --",
    "' OR 1=1 --",
    "%",
    "_%_",
    "\\",
    "\x00",
    "§",
    "§ 21",
    "§§ 1-3",
    "KS 2023/123",
    "😀",
    "مرحبا",
    "Ω≈ç√",
    "e\u0301",
    "\u200b",
    "a" * 5000,
    "budget " * 2000,
    " ".join(f"ord{i}" for i in range(2000)),
    "förskola" + "\u0301" * 300,
]


def check(store: Store, cfg: Settings, query: str, mode: str) -> None:
    """The contract: a SearchResult within limit, or QueryError with a message; nothing else."""
    try:
        result = search_mod.search(store, cfg, query, mode=mode, limit=10)
    except QueryError as exc:
        assert exc.msg.strip(), f"empty message for {query!r}"
        return
    assert len(result.hits) <= 10
    for hit in result.hits:
        data = hit.to_json()
        for start, end in data["highlights"]:
            assert 0 <= start <= end <= len(data["snippet"])


@pytest.mark.parametrize("query", NASTY, ids=lambda q: repr(q)[:30])
def test_nasty_queries_keyword(seed_store: Store, seed_settings: Settings, query: str) -> None:
    check(seed_store, seed_settings, query, "keyword")


@pytest.mark.parametrize("query", ["", '"', "*", "-budget", "'; DROP TABLE items; --", "a" * 5000])
@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_nasty_queries_other_modes(
    seed_store: Store, seed_settings: Settings, query: str, mode: str
) -> None:
    check(seed_store, seed_settings, query, mode)


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_any_query_keyword(seed_store: Store, seed_settings: Settings, query: str) -> None:
    check(seed_store, seed_settings, query, "keyword")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_any_query_hybrid(seed_store: Store, seed_settings: Settings, query: str) -> None:
    check(seed_store, seed_settings, query, "hybrid")


def test_a_plain_word_finds_items(seed_store: Store, seed_settings: Settings) -> None:
    """Guards the fuzz tests above: they are only worth something if search finds things."""
    result = search_mod.search(seed_store, seed_settings, "samverkan", mode="keyword", limit=10)
    assert result.hits


def test_sql_looking_input_changes_nothing(seed_store: Store, seed_settings: Settings) -> None:
    count = seed_store.conn.execute("SELECT count(*) FROM items").fetchone()[0]
    for query in ("'; DROP TABLE items; --", "budget'); DELETE FROM documents; --"):
        check(seed_store, seed_settings, query, "keyword")
    assert seed_store.conn.execute("SELECT count(*) FROM items").fetchone()[0] == count


def run_cli(index_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(
        [*CLI, "--index-dir", str(index_dir), "search", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.parametrize(
    "query", ['"', "", "*", "'; DROP TABLE items; --", "title:(x", "-budget", "😀 §"]
)
def test_cli_gives_a_message_not_a_traceback(seed_settings: Settings, query: str) -> None:
    # `--` ends the options, as a user must write it for a query that starts with "-".
    run = run_cli(seed_settings.index_dir, "--mode", "keyword", "--json", "--", query)
    assert "Traceback" not in run.stderr, run.stderr
    if run.returncode == 0:
        for line in run.stdout.splitlines():
            assert "id" in json.loads(line)
    else:
        assert run.returncode == 1, (run.returncode, run.stderr)
        lines = [line for line in run.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and len(lines[0]) > 10, run.stderr


def test_cli_query_starting_with_dash_without_double_dash(seed_settings: Settings) -> None:
    """Click reads `-budget` as options: a usage message and status 2, still no traceback."""
    run = run_cli(seed_settings.index_dir, "-budget", "--mode", "keyword")
    assert "Traceback" not in run.stderr
    assert run.returncode in (0, 2), run.stderr
