"""`stats`, `export` and `--org` on the list commands, run as a user would (the CLI)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from minutesearch.cli import main
from minutesearch.config import Settings


@pytest.fixture(scope="module")
def run(seed_settings: Settings):
    runner = CliRunner()
    base = ["--index-dir", str(seed_settings.index_dir)]

    def invoke(*args: str, ok: bool = True) -> str:
        result = runner.invoke(main, [*base, *args])
        if ok:
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code == 1, result.output
        return result.output

    return invoke


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


@pytest.mark.parametrize(
    "filters",
    [
        [],
        ["--body", "SocSam"],
        ["--org", "Jämtland"],
        ["--since", "2023-03"],
        ["--org", "Alingsås"],
    ],
)
def test_stats_add_up_to_the_list_commands(run, filters: list[str]) -> None:
    decisions = _lines(run("decisions", *filters, "--json"))
    for by in ("year", "month", "body", "org", "outcome", "year,outcome", "body,org,month"):
        rows = _lines(run("stats", "--by", by, *filters, "--json"))
        assert sum(r["count"] for r in rows) == len(decisions), (by, filters)
        assert all(set(r) == {*by.split(","), "count"} for r in rows)
    outcomes = {
        r["outcome"]: r["count"]
        for r in _lines(run("stats", "--by", "outcome", *filters, "--json"))
    }
    assert outcomes == {
        o: sum(1 for d in decisions if d["outcome"] == o) for o in {d["outcome"] for d in decisions}
    }
    motions = [m for d in decisions for m in d["motions"]]
    per_motion = _lines(run("stats", "--count", "motions", "--by", "won,org", *filters, "--json"))
    assert sum(r["count"] for r in per_motion) == len(motions)
    items = _lines(run("items", *filters, "--json"))
    counted = _lines(run("stats", "--count", "items", "--by", "year", *filters, "--json"))
    assert sum(r["count"] for r in counted) == len(items)


def test_stats_csv_and_text(run) -> None:
    rows = list(csv.DictReader(run("stats", "--by", "year,outcome", "--csv").splitlines()))
    assert rows and list(rows[0]) == ["year", "outcome", "count"]
    text = run("stats", "--by", "outcome")
    assert "antal" in text and "Summa" in text
    assert "Ogiltigt datum" in run("stats", "--since", "2026-02-30", ok=False)
    assert "dimension" in run("stats", "--by", "weather", ok=False)


def test_decisions_org_does_not_mix_municipalities(run) -> None:
    every = _lines(run("decisions", "--json"))
    assert every and all(d["org"] for d in every)
    assert _lines(run("decisions", "--org", "Alingsås", "--json")) == []
    jamtland = _lines(run("decisions", "--org", "jämtland", "--body", "SocSam", "--json"))
    assert jamtland and len(jamtland) < len(every)
    assert all(d["org"] == "Region Jämtland Härjedalen" for d in jamtland)
    assert "Inga beslut hittades (kommun/region Alingsås)" in run("decisions", "--org", "Alingsås")
    header = run("decisions", "--csv").splitlines()[0].split(",")
    assert {"org", "dnr", "id", "source"} <= set(header)


def test_org_on_meetings_threads_persons_watches(run) -> None:
    meetings = _lines(run("meetings", "--json"))
    assert all("org" in m for m in meetings)
    assert _lines(run("meetings", "--org", "Alingsås", "--json")) == []
    jamtland = _lines(run("meetings", "--org", "jämtland", "--json"))
    assert jamtland and all(m["org"] == "Region Jämtland Härjedalen" for m in jamtland)
    march = _lines(run("meetings", "--since", "2023-03", "--json"))
    assert march and all(m["date"] >= "2023-03" for m in march)
    assert "Ogiltigt datum" in run("meetings", "--until", "2026-13-45", ok=False)
    threads = _lines(run("threads", "--json"))
    assert threads and all("org" in it for t in threads for it in t["items"])
    assert _lines(run("threads", "--org", "Alingsås", "--json")) == []
    persons = _lines(run("persons", "--json"))
    ostersund = _lines(run("persons", "--org", "Östersund", "--json"))
    assert ostersund and len(ostersund) < len(persons)
    assert all(any("Östersund" in o for o in p["orgs"]) for p in ostersund)
    items = _lines(run("items", "--json"))
    assert all("org" in i for i in items)
    hits = _lines(run("search", "samverkan", "--json", "--mode", "keyword"))
    assert hits and all(h["org"] for h in hits if h["kind"] == "protocol")


def test_watch_add_keeps_org_and_refuses_bad_dates(run, seed_settings: Settings, tmp_path) -> None:
    import shutil

    copy = tmp_path / "idx"
    shutil.copytree(seed_settings.index_dir, copy)
    runner = CliRunner()
    out = runner.invoke(
        main, ["--index-dir", str(copy), "watch", "add", "psykiatri", "--org", "Jämtland"]
    )
    assert out.exit_code == 0, out.output
    listed = runner.invoke(main, ["--index-dir", str(copy), "watch", "list", "--json"])
    assert json.loads(listed.output.splitlines()[0])["filters"] == {"org": "Jämtland"}
    bad = runner.invoke(
        main, ["--index-dir", str(copy), "watch", "add", "psykiatri", "--since", "2026-02-30"]
    )
    assert bad.exit_code == 1 and "Ogiltigt datum" in bad.output


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_export_csv_is_flat_with_provenance(run, tmp_path: Path) -> None:
    out = tmp_path / "csv"
    printed = run("export", "--what", "all", "--format", "csv", "--out", str(out))
    names = {p.name for p in out.iterdir()}
    assert names == {
        f"{t}.csv"
        for t in (
            "items",
            "meetings",
            "attendees",
            "decisions",
            "motions",
            "reservations",
            "persons",
            "mentions",
        )
    }
    assert "items.csv" in printed
    for path in out.iterdir():
        for row in _read_csv(path):
            for value in row.values():
                assert not (value.startswith(("[", "{")) and value.endswith(("]", "}"))), (
                    path.name,
                    value[:80],
                )
    items = _read_csv(out / "items.csv")
    assert len(items) == len(_lines(run("items", "--json")))
    for column in ("org", "body", "date", "section", "dnr", "source", "text"):
        assert column in items[0]
    decisions = _read_csv(out / "decisions.csv")
    assert len(decisions) == len(_lines(run("decisions", "--json")))
    motions = _read_csv(out / "motions.csv")
    by_decision = {d["id"]: d for d in decisions}
    assert motions and all(m["decision_id"] in by_decision for m in motions)
    assert sum(int(d["motions"]) for d in decisions) == len(motions)
    mentions = _read_csv(out / "mentions.csv")
    assert mentions and all(m["item_id"] and m["source"] for m in mentions)
    attendees = _read_csv(out / "attendees.csv")
    meetings = _read_csv(out / "meetings.csv")
    assert sum(int(m["present"]) + int(m["absent"]) for m in meetings) == len(attendees)


def test_export_filters_and_jsonl(run, tmp_path: Path) -> None:
    out = tmp_path / "jsonl"
    run(
        "export", "--what", "decisions", "--org", "Alingsås", "--format", "jsonl", "--out", str(out)
    )
    assert (out / "decisions.jsonl").read_text() == ""
    run("export", "--what", "items", "--body", "SocSam", "--format", "jsonl", "--out", str(out))
    rows = _lines((out / "items.jsonl").read_text())
    assert rows and all(r["body_short"] == "SocSam" for r in rows)
    assert all(not isinstance(v, list | dict) for r in rows for v in r.values())


def test_export_parquet_round_trip(run, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    out = tmp_path / "pq"
    run("export", "--what", "all", "--format", "parquet", "--out", str(out))
    run("export", "--what", "all", "--format", "csv", "--out", str(tmp_path / "c"))
    for table in ("items", "decisions", "motions", "persons", "mentions", "attendees"):
        frame = pd.read_parquet(out / f"{table}.parquet")
        path = tmp_path / "c" / f"{table}.csv"
        assert len(frame) == len(_read_csv(path)), table
        assert list(frame.columns) == path.read_text(encoding="utf-8").splitlines()[0].split(",")
    items = pd.read_parquet(out / "items.parquet")
    expected = _lines(run("items", "--json"))
    assert list(items["id"]) == [i["id"] for i in expected]
    assert list(items["text"]) == [i["text"] for i in expected]
    # A missing org (the extract) comes back as missing (pandas reads a null string as NaN).
    assert [None if pd.isna(v) else v for v in items["org"]] == [i["org"] for i in expected]


def test_items_take_every_filter_like_stats(run) -> None:
    every = _lines(run("items", "--json"))
    for option, value in (
        ("--person", "Anna Frisk"),  # at one of the seed meetings (the chair is at all)
        ("--party", "S"),
        ("--topic", "samverkan"),
        ("--outcome", "val"),
    ):
        rows = _lines(run("items", option, value, "--json"))
        assert 0 < len(rows) < len(every), option
        counted = _lines(run("stats", "--count", "items", "--by", "org", option, value, "--json"))
        assert sum(r["count"] for r in counted) == len(rows), option


def test_trace_csv_keeps_full_text_org_dnr_in_corpus(run) -> None:
    steps = _lines(run("trace", "psykiatri", "--json"))
    rows = list(csv.DictReader(run("trace", "psykiatri", "--csv").splitlines()))
    assert len(rows) == len(steps) and rows
    assert {"org", "dnr", "in_corpus"} <= set(rows[0])
    cut = [s for s in steps if (s["said"] or "").endswith(" …")]
    assert cut  # the JSON excerpt of a long § …
    for step, row in zip(steps, rows, strict=True):
        if step in cut:  # … is the full text in the CSV
            assert len(row["said"]) > len(step["said"])
            assert row["said"].startswith(step["said"][:-2])
        assert row["org"] == (step["org"] or "")


def test_an_emptied_search_names_its_filter(run) -> None:
    out = run("search", "samverkan", "--since", "2030-01-01", "--mode", "keyword")
    assert "Inga träffar för 'samverkan' (efter 2030-01-01)." in out
    assert "Ogiltigt datum" in run("search", "samverkan", "--until", "2026-02-30", ok=False)
