"""Property tests: the parser never raises or hangs, and mutations away from § headings lose no item."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minutesearch.model import Document
from minutesearch.parse import parse_document
from minutesearch.read import read_document

SEEDS = sorted((Path(__file__).resolve().parent.parent / "corpus").glob("*.txt"))
_HEADING = re.compile(r"^\s*§")
# Protocol-flavoured alphabet so random text hits the parser's paths, not only its fast exits.
_WORDS = st.sampled_from(
    [
        "§", "§§", "§ 12", "§12", "forts.", "Beslut", "Beslutande", "Ej tjänstgörande", "ersättare",
        "ersätter", "(S)", "(M)", "(", ")", "Paragrafer", "§§3-9", "kl. 09:00-12:00", "2023-02-24",
        "24 mars 2023", "Ordförande", "Sekreterare", "Utses att justera", "Sammanfattning",
        "Förslag till beslut", "Yrkande", "Proposition", "Beslutsunderlag", "•", "-", "\t", "\n",
        "Anna Andersson", "Östersunds kommun", "PROTOKOLL", "Sida 2 av 9", "Utdrag", "Bilaga 1",
        "Kommunstyrelsen", "2026.016 KS", "Ärendenummer SLK-2024-00062", ".....", "  ",
    ]
)  # fmt: skip
# database=None: no .hypothesis/ folder is written into the checkout.
_FAST = settings(
    deadline=2000, max_examples=60, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def _sections(doc: Document) -> set[int]:
    return {i.section for i in doc.items}


@pytest.fixture(scope="module")
def seeds() -> list[tuple[str, list[str], set[int]]]:
    out = []
    for path in SEEDS:
        text = read_document(path).text
        out.append((str(path), text.split("\n"), _sections(parse_document(text, str(path)))))
    return out


@_FAST
@given(st.text(max_size=3000))
def test_random_unicode_never_raises(text: str) -> None:
    doc = parse_document(text, "random.txt")
    assert isinstance(doc, Document)


@_FAST
@given(st.lists(_WORDS, max_size=400).map(" ".join))
def test_protocol_words_never_raise(text: str) -> None:
    doc = parse_document(text, "words.txt")
    assert all(0 <= i.section <= 9999 for i in doc.items)


@settings(_FAST, max_examples=15)
@given(
    st.sampled_from(range(len(SEEDS))), st.integers(1, 40), st.sampled_from(["", "\n", "\t", " §"])
)
def test_huge_repetitions_finish(
    seeds: list[tuple[str, list[str], set[int]]], which: int, times: int, glue: str
) -> None:
    source, lines, _ = seeds[which]
    parse_document(glue.join(["\n".join(lines)] * times), source)


def _free(lines: list[str]) -> list[int]:
    """Lines that neither are a § heading nor touch one (its neighbours hold its title/context)."""
    near: set[int] = set()
    for i, line in enumerate(lines):
        if _HEADING.match(line):
            near.update({i - 2, i - 1, i, i + 1, i + 2})
    return [i for i in range(len(lines)) if i not in near]


@settings(
    deadline=2000,
    max_examples=40,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_mutations_away_from_headings_keep_items(
    seeds: list[tuple[str, list[str], set[int]]], data: st.DataObject
) -> None:
    source, lines, clean = data.draw(st.sampled_from(seeds))
    free = _free(lines)
    if not free:
        return
    picked = data.draw(st.lists(st.sampled_from(free), max_size=40, unique=True))
    mode = data.draw(st.sampled_from(["delete", "duplicate", "shuffle"]))
    mutated = list(lines)
    if mode == "delete":
        mutated = [ln for i, ln in enumerate(lines) if i not in set(picked)]
    elif mode == "duplicate":
        mutated = []
        for i, ln in enumerate(lines):
            mutated.append(ln)
            if i in set(picked):
                mutated.append(ln)
    else:
        order = data.draw(st.permutations(sorted(picked)))
        for src, dst in zip(sorted(picked), order, strict=True):
            mutated[dst] = lines[src]
    doc = parse_document("\n".join(mutated), source)
    assert clean <= _sections(doc), f"{mode} lost {sorted(clean - _sections(doc))}"


@pytest.mark.parametrize("path", SEEDS, ids=[p.name[:3] for p in SEEDS])
def test_furniture_lines_anywhere_lose_nothing(path: Path) -> None:
    """Page furniture dropped between any two lines (a page break) changes no § numbers."""
    lines = read_document(path).text.split("\n")
    clean = _sections(parse_document("\n".join(lines), str(path)))
    furniture = ["Sida 3 av 21", "PROTOKOLL", "Justerandes sign", "Utdragsbestyrkande", "10 / 21"]
    for step in range(7, len(lines), 23):
        broken = lines[:step] + furniture + lines[step:]
        assert _sections(parse_document("\n".join(broken), str(path))) == clean


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_newline_conventions_parse_alike(newline: str) -> None:
    """Windows and old Mac line ends give the same items, cover and attendance as LF."""
    for path in SEEDS:
        text = read_document(path).text
        lf = parse_document(text, str(path))
        other = parse_document(text.replace("\n", newline), str(path))
        assert [(i.section, i.title) for i in other.items] == [
            (i.section, i.title) for i in lf.items
        ]
        assert (other.body, other.date, other.chair) == (lf.body, lf.date, lf.chair)
        assert [a.name for a in other.present] == [a.name for a in lf.present]
