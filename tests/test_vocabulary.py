"""The one Swedish vocabulary: folding, diarienummer keys, and heading tables that agree."""

from __future__ import annotations

import pytest

from minutesearch import vocabulary as v
from minutesearch.analysis import text as analysis_text
from minutesearch.entities import identity
from minutesearch.index import analyzer


def test_swedish_folding_keeps_the_swedish_letters() -> None:
    assert v.fold_swedish("César Ångström") == "cesar ångström"
    assert v.fold_swedish("Müller Øberg") == "muller öberg"


def test_ascii_folding_drops_every_accent() -> None:
    assert v.fold_ascii("Förhöjd Ängberg César") == "forhojd angberg cesar"
    # a compatibility capital is lowered after it is decomposed
    assert v.fold_ascii("ᴬB") == "ab"


def test_old_names_are_the_vocabulary_functions() -> None:
    assert analyzer.fold is v.fold_swedish
    assert analysis_text.fold is v.fold_ascii
    assert identity.ascii_fold is v.fold_ascii
    assert analyzer.normalize_dnr is v.dnr_search_key


@pytest.mark.parametrize(
    "written", ["KS 2020.008", "2020.008 KS", "KS 2020/8", "KS2020/008", "KS 2020:8"]
)
def test_every_form_of_a_diarienummer_has_one_key(written: str) -> None:
    assert v.dnr_search_key(written) == "ks/2020/8"
    assert v.dnr_keys(f"Dnr {written} gäller") == ["ks/2020/8", "2020/8"]


def test_stored_form_and_search_key_name_the_same_number() -> None:
    stored = v.normalise_dnr("§ 95  2026.016 KS")
    assert stored == "KS 2026.016"
    assert v.dnr_search_key(stored) == v.dnr_search_key("2026.016 KS") == "ks/2026/16"


# The analysis grain is finer than the parser's ItemParts: reservations live in `proceedings`.
_TO_PARSER = {"reservations": "proceedings"}
# Known and documented: analysis reads the meeting's "förslag till beslut" as yrkanden.
_KNOWN = {"förslag till beslut på sammanträdet", "förslag till beslut på mötet"}


def test_analysis_sections_agree_with_the_parser_parts() -> None:
    """A heading both tables know opens the same part, at the parser's grain ("other" in
    analysis only means "not read", so it says nothing about the part)."""
    differ = {
        h: (part, v.PART_HEADINGS[h])
        for h, part in v.SECTION_HEADINGS.items()
        if h in v.PART_HEADINGS and part != "other" and h not in _KNOWN
        if _TO_PARSER.get(part, part) != v.PART_HEADINGS[h]
    }
    assert differ == {}


def test_procedure_blocks_agree_with_the_analysis_sections() -> None:
    """Where the procedure reader opens a step, it is the section analysis reads it as."""
    steps = {"decision", "proposal", "motions", "proceedings", "reservations"}
    differ = {
        h: (step, v.SECTION_HEADINGS[h])
        for h, step in v.PROCEDURE_BLOCKS.items()
        if step in steps and h in v.SECTION_HEADINGS and v.SECTION_HEADINGS[h] != step
    }
    assert differ == {}


def test_every_part_heading_is_a_standalone_line_or_longer() -> None:
    """The reader never joins a line the parser treats as a heading: the short, common headings
    are in the standalone set."""
    for h in ("beslut", "beslutsunderlag", "yrkanden", "reservation", "propositionsordning"):
        assert h in v.STANDALONE_HEADINGS
        assert h in v.PART_HEADINGS
