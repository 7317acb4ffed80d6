"""Text helpers on real seed text: paragraph unwrapping, dehyphenation, character clean-up."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minutesearch.textutil import (
    is_heading,
    is_list_item,
    join_hyphenated,
    normalize_chars,
    normalize_whitespace,
    strip_markup,
    unwrap_paragraphs,
)


def _seed(seeds_dir: Path, prefix: str) -> str:
    (path,) = seeds_dir.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


# --- dehyphenation ------------------------------------------------------------------------------


def test_line_break_hyphen_joins_a_lower_case_word() -> None:
    assert join_hyphenated("en läns-\ngemensam plan") == "en länsgemensam\nplan"
    assert join_hyphenated("för kvalitets-\narbetet.") == "för kvalitetsarbetet."


def test_shortened_compounds_keep_their_hyphen() -> None:
    text = "samordnad hälso-\noch sjukvård"
    assert join_hyphenated(text) == text
    assert unwrap_paragraphs(text) == "samordnad hälso- och sjukvård"
    assert unwrap_paragraphs("Ordf. Barn-\noch ungdomsnämnden") == "Ordf. Barn- och ungdomsnämnden"


def test_capitalised_acronym_and_short_prefixes_keep_the_hyphen() -> None:
    assert join_hyphenated("tid för SIP-\nplaneringen och") == "tid för SIP-planeringen\noch"
    assert join_hyphenated("via e-\npost") == "via e-post"
    assert join_hyphenated("planen 2024-\n2027 gäller") == "planen 2024-2027\ngäller"


def test_dehyphenation_leaves_list_items_and_table_rows_alone() -> None:
    listed = "Beslutsunderlag för-\n- Tjänsteskrivelse"
    assert join_hyphenated(listed) == listed
    # Seed 004: a table label split over two rows; joining would shift the columns.
    table = "närvar-\nande\tBianca Sandén (V),\tÅre kommun"
    assert join_hyphenated(table) == table


def test_seed_sip_planeringen_is_joined(seeds_dir: Path) -> None:
    """Seed 001 breaks "SIP-planeringen" over two lines."""
    from minutesearch.read import read_document

    (path,) = seeds_dir.glob("001_*.txt")
    text = unwrap_paragraphs(read_document(path).text)
    assert "avsatt tid för SIP-planeringen och ofta är det svårigheter" in text
    assert "SIP-\n" not in text


# --- unwrapping ---------------------------------------------------------------------------------


def test_double_spaced_seed_paragraph_flows(seeds_dir: Path) -> None:
    """Seed 000 puts an empty line after every wrapped line; whitespace-only lines are the breaks."""
    raw = _between(_seed(seeds_dir, "000"), "Sammanfattning", "Ställningstagande")
    text = unwrap_paragraphs(normalize_chars(raw))
    lines = text.split("\n")
    assert lines[0] == "Sammanfattning"
    summary = lines[2]
    assert summary.startswith("Socialtjänsten i länets åtta kommuner")
    assert "försöken till samverkan mellan psykiatrin" in summary
    assert "SocSam. M. Östlund beskriver att problematiken" in summary
    assert summary.endswith("som varit tidigare eller nu pågående.")
    assert "Förslag till beslut" in lines
    # The dash item and its wrapped tail become one list line.
    assert (
        "- Skrivelse angående samverkan mellan Jämtlands läns kommuner och psykiatrin överlämnas till SVOM"
        in lines
    )


def test_headings_and_lists_keep_their_lines(seeds_dir: Path) -> None:
    """Seed 003's § 12: headings and bullet lists stay on their own lines."""
    from minutesearch.read import read_document

    (path,) = seeds_dir.glob("003_*.txt")
    text = read_document(path).text
    out = unwrap_paragraphs(text)
    out_lines = set(out.split("\n"))
    for heading in ("Beslut", "Sammanfattning", "Förslag till beslut", "Beslutsunderlag"):
        assert heading in out_lines
    src_sections = [line for line in text.split("\n") if re.match(r"§\s*\d+$", line.strip())]
    assert len(src_sections) >= 10
    for line in src_sections:
        assert line.strip() in out_lines
    # Every bullet of the source still starts a line.
    bullets = [line.strip() for line in text.split("\n") if line.strip().startswith("•")]
    out_starts = [line for line in out.split("\n") if line.startswith("•")]
    assert len(out_starts) == len(bullets)


def test_table_rows_are_untouched(seeds_dir: Path) -> None:
    raw = _seed(seeds_dir, "002")
    rows = [line for line in raw.split("\n") if "\t" in line][:12]
    assert unwrap_paragraphs("\n".join(rows)).split("\n") == [r.rstrip() for r in rows]


def _paragraphs(seeds_dir: Path, prefix: str) -> list[str]:
    """Long one-line paragraphs of a seed: whole sentences, without ':' (which ends a line on
    purpose). Some seed lines stop mid-sentence at a former page break; those are left out."""
    lines = [normalize_whitespace(s) for s in _seed(seeds_dir, prefix).split("\n")]
    return [
        s
        for s in lines
        if len(s) > 200
        and ":" not in s
        and not is_list_item(s)
        and s[0].isupper()
        and s[-1] in ".!?"
    ]


@pytest.mark.parametrize("width", [60, 75, 90])
def test_rewrapped_seed_paragraphs_round_trip(seeds_dir: Path, width: int) -> None:
    """Real paragraphs hard-wrapped at a margin come back exactly, blank-line breaks kept."""
    paragraphs = _paragraphs(seeds_dir, "002") + _paragraphs(seeds_dir, "004")
    assert len(paragraphs) >= 15
    wrapped = "\n\n".join(textwrap.fill(p, width, break_on_hyphens=False) for p in paragraphs)
    assert unwrap_paragraphs(wrapped).split("\n\n") == paragraphs


def test_rewrapped_paragraphs_with_broken_words_round_trip(seeds_dir: Path) -> None:
    """Split long lower-case words at the margin with a hyphen: unwrapping restores them."""
    paragraphs = _paragraphs(seeds_dir, "002")[:8]
    broken: list[str] = []
    for p in paragraphs:
        lines = textwrap.wrap(p, 70, break_on_hyphens=False)
        for n in range(len(lines) - 1):
            head, word = lines[n + 1].split(" ", 1)[0], lines[n + 1]
            if len(head) >= 8 and head.isalpha() and head.islower():
                lines[n] += f" {head[:4]}-"
                lines[n + 1] = word[4:]
        broken.append("\n".join(lines))
    assert any("-\n" in b for b in broken)
    assert unwrap_paragraphs("\n\n".join(broken)).split("\n\n") == paragraphs


def test_unwrap_keeps_numbered_and_lettered_items() -> None:
    text = "Nämnden beslutar att\n1. anta planen\n2. ge förvaltningen i uppdrag att\nåterkomma\na) första\nb) andra"
    assert unwrap_paragraphs(text).split("\n") == [
        "Nämnden beslutar att",
        "1. anta planen",
        "2. ge förvaltningen i uppdrag att återkomma",
        "a) första",
        "b) andra",
    ]


def test_unwrap_of_empty_and_blank_text() -> None:
    assert unwrap_paragraphs("") == ""
    assert unwrap_paragraphs("\n\n  \n") == ""


# --- characters and markup ----------------------------------------------------------------------


def test_normalize_chars_cleans_invisible_characters() -> None:
    text = (
        "Beslut\r\nKommun\u00adstyrelsen\u00a0beslutar\u200b att\r\n  läns\u00ad\ngemensam\x07\tx"
    )
    out = normalize_chars(text)
    assert out == "Beslut\nKommunstyrelsen beslutar att\n  länsgemensam\tx"


def test_normalize_chars_maps_symbol_font_bullets() -> None:
    assert normalize_chars("\uf0b7 Tjänsteskrivelse") == "• Tjänsteskrivelse"


def test_strip_markup_on_seed_attendance(seeds_dir: Path) -> None:
    raw = _seed(seeds_dir, "002")
    assert "<i>" in raw
    clean = strip_markup(raw)
    assert "<i>" not in clean and "</i>" not in clean
    assert "Ordf. Vård och omsorgsnämnden (ordf.)" in clean
    assert strip_markup("om 3 < 5 och 7 > 2") == "om 3 < 5 och 7 > 2"


def test_list_and_heading_recognition() -> None:
    assert is_list_item("• infört digital hantering")
    assert is_list_item("- Skrivelse angående samverkan")
    assert is_list_item("1. Skrivelse angående samverkan")
    assert is_list_item("a) första")
    assert is_list_item("A/ Förprojektering av överföringsledningar")
    assert not is_list_item("M. Östlund bekräftar")
    assert not is_list_item("2026-06-01")
    assert not is_list_item("-76,9 mnkr")
    assert is_heading("§ 95  2026.016 KS")
    assert is_heading("Förslag till beslut")
    assert is_heading("Beslutsunderlag:")
    assert not is_heading("Beslut om deltagande FSÖ-dagarna")


def test_normalize_whitespace() -> None:
    assert (
        normalize_whitespace("  Plats och tid \t Regionens hus\n") == "Plats och tid Regionens hus"
    )


# --- properties over mixed real lines ----------------------------------------------------------


def _seed_lines() -> list[str]:
    from minutesearch.locations import CORPUS_DIR

    lines: list[str] = []
    for path in sorted(CORPUS_DIR.glob("*.txt")):
        text = normalize_chars(path.read_text(encoding="utf-8"))
        lines += [s.rstrip() for s in text.split("\n") if s.strip()]
    return lines


_LINES = _seed_lines()


def _visible(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_LINES), st.just(""), st.just("kvalitets-")), max_size=40)
)
def test_unwrap_never_loses_text_headings_or_list_items(picked: list[str]) -> None:
    """Any mix of real seed lines: no character is lost (a joined hyphen aside), every heading
    and list item still starts a line."""
    text = "\n".join(picked)
    out = unwrap_paragraphs(text)
    assert _visible(out) == _visible(text)
    out_lines = [s.strip() for s in out.split("\n")]
    for line in picked:
        s = line.strip()
        if is_heading(s) and "\t" not in line:
            assert s in out_lines
    items = sum(1 for s in picked if s.strip() and is_list_item(s) and "\t" not in s)
    assert sum(1 for s in out.split("\n") if is_list_item(s) and "\t" not in s) == items


def test_lower_case_heading_words_continue_a_sentence() -> None:
    """A heading word wrapped onto a line start ("... lämnar följande / protokollsanteckning:")."""
    text = "Ledamöterna i oppositionen lämnar följande\nprotokollsanteckning:"
    assert unwrap_paragraphs(text) == text.replace("\n", " ")
    assert not is_heading("protokollsanteckning:")
    assert is_heading("Protokollsanteckning")


_WORDY = [s for s in _LINES if "\t" not in s and re.search(r"\b[a-zåäö]{6,}\b", s)]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_WORDY), st.data())
def test_a_word_broken_at_any_point_is_restored(line: str, data: st.DataObject) -> None:
    """Break a real lower-case word of a seed line with a line-break hyphen anywhere inside it."""
    words = list(re.finditer(r"\b[a-zåäö]{6,}\b", line))
    hit = data.draw(st.sampled_from(words))
    cut = data.draw(st.integers(hit.start() + 3, hit.end() - 2))  # hyphenation leaves 2+ letters
    # "lik-\nsom" cannot be told from "hälso-\noch": a tail that is a conjunction keeps the hyphen.
    assume(line[cut : hit.end()] not in ("och", "eller", "samt", "som", "till", "men", "utan"))
    broken = f"{line[:cut]}-\n{line[cut:]}"
    out = unwrap_paragraphs(broken)
    assert hit.group(0) in out
    assert _visible(out) == _visible(line)
