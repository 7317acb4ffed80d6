"""The Swedish analyzer, the query language and snippets."""

from __future__ import annotations

import pytest

from minutesearch.errors import QueryError
from minutesearch.index.analyzer import analyze, normalize_dnr, parse_query, snippet, stop_words


def test_inflected_forms_of_a_compound_share_one_term() -> None:
    forms = ["familjehem", "familjehemmen", "familjehemmet", "familjehemmens"]
    assert len({tuple(analyze(f)) for f in forms}) == 1


@pytest.mark.parametrize(
    "forms",
    [
        ["sammanträden", "sammanträdet"],
        ["ersättare", "ersättarna"],
        ["förskola", "förskolan", "förskolor"],
        ["beslut", "beslutet", "besluten"],
        ["budget", "budgeten"],
    ],
)
def test_swedish_word_forms_match(forms: list[str]) -> None:
    assert len({tuple(analyze(f)) for f in forms}) == 1, [analyze(f) for f in forms]


def test_different_words_stay_apart() -> None:
    assert analyze("familjehem") != analyze("familj")
    assert analyze("förskola") != analyze("skola")


def test_stop_words_are_dropped_and_letters_preserved() -> None:
    assert {"och", "att", "för", "på", "över"} <= stop_words()
    terms = analyze("Köer för familjehem och åtgärder på Öckerö")
    assert "för" not in terms and "och" not in terms and "på" not in terms
    assert terms[0] == "köer"
    assert any(t.startswith("åtgärd") for t in terms)
    assert any(t.startswith("öckerö") for t in terms)


def test_digits_are_tokens() -> None:
    assert analyze("KS 2023/123") == ["ks", "2023", "123"]


def test_diarienummer_normalise_to_one_key() -> None:
    assert normalize_dnr("KS 2023/123") == normalize_dnr("KS2023/0123") == "ks/2023/123"
    assert normalize_dnr("SLK-2024-00062") == "slk/2024/62"
    forms = ["KS 2020.008", "2020.008 KS", "KS 2020/8", "KS-2020-008", "KS2020:8"]
    assert {normalize_dnr(f) for f in forms} == {"ks/2020/8"}
    assert normalize_dnr("2020.008") == "2020/8"


def test_query_words_phrases_prefixes_and_exclusions() -> None:
    q = parse_query('ersättare "psykiatrisk vård" famil* -budget')
    assert [c.stems for c in q.must[:2]] == [analyze("ersättare"), analyze("psykiatrisk vård")]
    assert q.must[1].is_phrase
    assert q.must[2].prefix == "famil"
    assert [c.stems for c in q.exclude] == [analyze("budget")]
    assert "budget" not in q.plain and "ersättare" in q.plain


def test_query_finds_diarienummer_and_section_numbers() -> None:
    q = parse_query("SLK-2024-00062 § 21")
    assert q.dnrs and q.dnrs[0][0] == "slk/2024/62"
    assert q.sections == ["21"]
    assert parse_query("2026.016 KS").dnrs[0][0] == parse_query("KS 2026/16").dnrs[0][0]


@pytest.mark.parametrize("bad", ["", "   ", '"familjehem', "*", "a*", "och att", "-budget"])
def test_malformed_queries_raise_a_clear_query_error(bad: str) -> None:
    with pytest.raises(QueryError) as err:
        parse_query(bad)
    assert err.value.msg and "Traceback" not in err.value.msg


@pytest.mark.parametrize(
    "odd", ["(familjehem", "title:budget]", "'; DROP TABLE items; --", "a:b:c"]
)
def test_odd_punctuation_is_read_as_words(odd: str) -> None:
    q = parse_query(odd)
    assert q.must


def test_snippet_marks_every_matched_word_form() -> None:
    text = (
        "Inledning. " * 40
        + "Kommunen har köer till familjehemmen och behöver fler familjehem. "
        + "Slut. " * 40
    )
    q = parse_query("familjehem")
    out, spans = snippet(text, q.match_stems(), q.match_prefixes())
    marked = [out[a:b] for a, b in spans]
    assert marked == ["familjehemmen", "familjehem"]
    assert out.startswith("…") and len(out) < len(text)


def test_repeated_words_are_one_clause() -> None:
    assert len(parse_query("budget " * 800).must) == 1


def test_a_pasted_page_is_searched_and_more_is_refused_with_a_message() -> None:
    page = " ".join(f"ord{i}" for i in range(500))  # 3 400 characters: a page
    assert len(parse_query(page).must) == 500
    with pytest.raises(QueryError, match="för lång"):
        parse_query(page * 3)
