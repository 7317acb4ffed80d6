"""The Swedish vocabulary of meeting minutes, in one place: part headings, body names and
short names, diarienummer patterns and their one search key, and case/accent folding.

parse, analysis, index and search all import from here (the old module-level names stay as
re-exports where callers use them). Pure Python, standard library only.

Heading tables: each consumer splits an item at a different grain, so each keeps its own table
of heading -> part, but they live side by side here so they can be read (and kept) together:
- `STANDALONE_HEADINGS`: lines that always stand alone (the reader never joins them to a paragraph);
- `PART_HEADINGS`: the parser's `ItemParts` fields (no reservations part: reservations,
  protocol notes and special statements go with the `proceedings`);
- `SECTION_HEADINGS`: analysis' sections of raw item text (with `reservations` of their own);
- `PROCEDURE_BLOCKS`: the procedure reader's steps (annotations, conflicts, "stop").

Folding, two behaviours with two names:
- `fold_swedish`: Swedish collation: lower case, foreign accents dropped, å/ä/ö kept as letters
  (the search index and queries);
- `fold_ascii`: accent-free matching, å/ä/ö -> a/a/o too (file names, titles, name fallbacks).
"""

from __future__ import annotations

import re
import unicodedata

# -- case and accent folding -------------------------------------------------------------------

# Accents Swedish does not spell with (é, ü, á, ç …) fold away, so "cesar" finds "César";
# å, ä and ö are letters of their own and stay.
_SWEDISH_FOLD = str.maketrans("éèêëáàâãíìîïóòôõúùûüýÿçñæøœ", "eeeeaaaaiiiioooouuuuyycnäöö")


def fold_swedish(word: str) -> str:
    """Lowercase and drop the accents Swedish does not use (é -> e; å, ä, ö stay)."""
    return word.lower().translate(_SWEDISH_FOLD)


def fold_ascii(text: str) -> str:
    """Lowercase ASCII folding ('Förhöjd' -> 'forhojd') so file names and titles compare."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


# -- part headings -------------------------------------------------------------------------------

# Section headings of Swedish minutes: they always stand on their own line.
STANDALONE_HEADINGS = frozenset(
    h.casefold()
    for h in (
        "Ajournering",
        "Anförande",
        "Bakgrund",
        "Beredning",
        "Beslut",
        "Beslutet ska skickas till",
        "Beslutsgång",
        "Beslutsunderlag",
        "Bilagor",
        "Ekonomisk bedömning",
        "Expedieras till",
        "Förslag till beslut",
        "Förslag till beslut på sammanträdet",
        "Föredragande",
        "Handling",
        "Handlingar",
        "Inledning",
        "Jäv",
        "Omröstning",
        "Paragrafen är justerad",
        "Proposition",
        "Propositionsordning",
        "Protokollsanteckning",
        "Reservation",
        "Sammanfattning",
        "Särskilt yttrande",
        "Ställningstagande",
        "Votering",
        "Yrkande",
        "Yrkanden",
        "Ärendebeskrivning",
        "Ärendet",
        "Övervägande",
    )
)

# Headings on a line of their own (a trailing colon is allowed), mapped to the part they open.
# "other" closes the open part: what follows stays in the item text only.
PART_HEADINGS: dict[str, str] = {
    "sammanfattning": "summary",
    "sammanfattning av ärendet": "summary",
    "ärendebeskrivning": "summary",
    "beskrivning av ärendet": "summary",
    "ärendet": "summary",
    "bakgrund": "summary",
    "beredning": "summary",
    "tidigare behandling": "summary",
    "förvaltningens yttrande": "summary",
    "förvaltningens bedömning": "summary",
    "förslag till beslut": "proposal",
    # Analysis reads these two as yrkanden ("motions"); the parser keeps them with the proposal
    # (its golden files expect that), so `ItemParts.proposal` may hold the meeting's yrkanden.
    "förslag till beslut på sammanträdet": "proposal",
    "förslag till beslut på mötet": "proposal",
    "yrkande": "motions",
    "yrkanden": "motions",
    "yrkande(n)": "motions",
    "proposition": "proceedings",
    "propositionsordning": "proceedings",
    "propositionsordningar": "proceedings",
    "beslutsgång": "proceedings",
    "omröstning": "proceedings",
    "votering": "proceedings",
    "omröstningsresultat": "proceedings",
    "voteringslista": "proceedings",
    "voteringslistor": "proceedings",
    "voteringslist(or)": "proceedings",
    "omröstningslista": "proceedings",
    "reservation": "proceedings",
    "reservationer": "proceedings",
    "protokollsanteckning": "proceedings",
    "protokollsanteckningar": "proceedings",
    "anteckning": "proceedings",
    "särskilt yttrande": "proceedings",
    "särskilda yttranden": "proceedings",
    "beslut": "decision",
    "ställningstagande": "decision",
    "beslutsunderlag": "attachments",
    "handlingar": "attachments",
    "handling": "attachments",
    "bilagor": "attachments",
    "underlag": "attachments",
    "expedieras till": "other",
    "protokollsutdrag skickas till": "other",
    "beslutet ska skickas till": "other",
    "beslutet skickas till": "other",
    "ekonomisk bedömning": "other",
    "ajournering": "other",
    "jäv": "other",
}

# The headings of a decision's steps, the same for both tables below.
_STEP_HEADINGS: dict[str, str] = {
    "beslut": "decision",
    "ställningstagande": "decision",
    "kommunstyrelsens beslut": "decision",
    "nämndens beslut": "decision",
    "förslag till beslut": "proposal",
    "förslag till beslut på sammanträdet": "motions",
    "förslag till beslut på mötet": "motions",
    "yrkande": "motions",
    "yrkanden": "motions",
    "propositionsordning": "proceedings",
    "proposition": "proceedings",
    "beslutsgång": "proceedings",
    "omröstning": "proceedings",
    "reservation": "reservations",
    "reservationer": "reservations",
}

# The parser fills items' parts; these headings let analysis work on the raw item text too (an
# older store, or an item layout the parser does not split), so results never depend on it alone.
SECTION_HEADINGS: dict[str, str] = {
    **_STEP_HEADINGS,
    "beslutsunderlag": "attachments",
    "handlingar": "attachments",
    "handling": "attachments",
    "protokollsanteckning": "other",
    "anteckning": "other",
    "expedieras till": "other",
    "protokollsutdrag skickas till": "other",
    "justering": "other",
    "tidigare behandling": "summary",
    "sammanfattning": "summary",
    "ärendebeskrivning": "summary",
    "beredning": "summary",
}

# Block headings on a line of their own -> the step they open. "stop" ends the procedure part
# (case description, papers, distribution) so its text is never read as a step.
PROCEDURE_BLOCKS: dict[str, str] = {
    **_STEP_HEADINGS,
    "tilläggsyrkande": "motions",
    "tilläggsyrkanden": "motions",
    "ändringsyrkande": "motions",
    "ändringsyrkanden": "motions",
    "återremissyrkande": "motions",
    "omröstningsresultat": "proceedings",
    "votering": "proceedings",
    "protokollsanteckning": "annotations",
    "protokollsanteckningar": "annotations",
    "anteckning": "annotations",
    "anteckningar": "annotations",
    "jäv": "conflicts",
    "voteringslista": "stop",
    "beslutsunderlag": "stop",
    "handlingar": "stop",
    "handling": "stop",
    "expedieras till": "stop",
    "justering": "stop",
    "tidigare behandling": "stop",
    "sammanfattning": "stop",
    "ärendebeskrivning": "stop",
    "ärendet": "stop",
    "beredning": "stop",
    "anförande": "stop",
    "bakgrund": "stop",
    "yttrande": "stop",
}


# -- bodies (organ) ------------------------------------------------------------------------------

# The parser's table: full name (as a heading writes it) -> the short name shown. Arbetsutskott
# before their nämnd so the longer name wins a tie.
BODY_SHORT_NAMES: dict[str, str] = {
    "Sociala samrådsgruppen": "SocSam",
    "Sociala vård och omsorgsgruppen": "SVOM",
    "Sociala vård- och omsorgsgruppen": "SVOM",
    "Kommunstyrelsens arbetsutskott": "KSAU",
    "Kommunstyrelsen": "KS",
    "Kommunfullmäktige": "KF",
    "Regionstyrelsen": "RS",
    "Regionfullmäktige": "RF",
    "Barn- och ungdomsnämndens arbetsutskott": "BUN AU",
    "Barn- och ungdomsnämnden": "BUN",
    "Vård- och omsorgsnämndens arbetsutskott": "VONAU",
    "Vård- och omsorgsnämnden": "VON",
    "Bygg- och miljönämnden": "BMN",
    "Kultur- och utbildningsnämndens arbetsutskott": "KUNAU",
    "Kultur- och utbildningsnämnden": "KUN",
    "Överförmyndarnämnden": "ÖN",
    "Socialnämndens arbetsutskott": "SNAU",
    "Socialnämnden": "SN",
    "Tekniska nämndens arbetsutskott": "TEN AU",
    "Tekniska nämnden": "TEN",
    "Samhällsbyggnadsnämnden": "SBN",
    "Utbildningsnämnden": "UN",
    "Valnämnden": "VN",
    "Revisionen": "REV",
    "Sociala resursnämnden": "SRN",
    "Stadsbyggnadsnämnden": "SBN",
    "Miljö- och klimatnämnden": "MKN",
    "Kretslopp och vattennämnden": "KVN",
    "Idrotts- och föreningsnämnden": "IFN",
    "Alingsås och Vårgårda Räddningstjänstförbund": "AVRF",
}

# Analysis' table: one key per body -> the ways running text names it. Abbreviations are matched case-sensitively (as written in
# Beslutsunderlag: "§68 KSAU"), full names in any case and with a genitive ("Kommunstyrelsens").
BODY_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "kf": (("kommunfullmäktige",), ("KF",)),
    "ksau": (("kommunstyrelsens arbetsutskott",), ("KSAU", "KS AU", "KS-AU")),
    "ks": (("kommunstyrelsen", "kommunstyrelse"), ("KS",)),
    "tenau": (("tekniska nämndens arbetsutskott",), ("TEN AU", "TENAU", "TEN-AU")),
    "ten": (("tekniska nämnden", "tekniska nämnd"), ("TEN", "TN")),
    "sbn": (("samhällsbyggnadsnämnden", "samhällsbyggnadsnämnd"), ("SBN",)),
    "bunau": (("barn- och ungdomsnämndens arbetsutskott",), ("BUN AU", "BUNAU", "BUN-AU")),
    "bun": (("barn- och ungdomsnämnden", "barn- och ungdomsnämnd"), ("BUN",)),
    "vonau": (("vård- och omsorgsnämndens arbetsutskott",), ("VONAU", "VON AU", "VON-AU")),
    "von": (("vård- och omsorgsnämnden", "vård- och omsorgsnämnd"), ("VON",)),
    "snau": (("socialnämndens arbetsutskott",), ("SNAU", "SN AU", "SN-AU")),
    "sn": (("socialnämnden", "socialnämnd"), ("SN",)),
    "kunau": (("kultur- och utbildningsnämndens arbetsutskott",), ("KUNAU", "KUN AU", "KUN-AU")),
    "kun": (("kultur- och utbildningsnämnden", "kultur- och utbildningsnämnd"), ("KUN",)),
    "bmn": (("bygg- och miljönämnden", "bygg- och miljönämnd"), ("BMN",)),
    "öfn": (("överförmyndarnämnden", "överförmyndarnämnd"), ("ÖFN",)),
    "socsam": (("sociala samrådsgruppen", "social samrådsgruppen"), ("SocSam", "SOCSAM")),
    "svom": (("sociala vård och omsorgsgruppen", "sociala vård- och omsorgsgruppen"), ("SVOM",)),
    "rf": (("regionfullmäktige",), ("RF",)),
    "rs": (("regionstyrelsen",), ("RS",)),
    "avrf": (("alingsås-vårgårda räddningstjänstförbund",), ("AVRF",)),
    "barnarena": (("barnarenan", "barnarena"), ()),
}


# -- diarienummer --------------------------------------------------------------------------------
# Two forms: `normalise_dnr` is how an item's number is stored and shown ("KS 2026.016"); the ONE
# key that compares numbers, whatever form they are written or typed in, is `dnr_key` /
# `dnr_search_key` ("ks/2026/16"), which the search index and queries use.

# "2026.016 KS", "KS 2026.016", "KS2026/016", "SLK-2023-00050", "RS/123/2023"
_DNR = re.compile(
    r"\b(?:(?P<o1>[A-ZÅÄÖ]{2,6})\s?(?P<n1>(?:19|20)\d{2}[.:/]\d{1,5})"
    r"|(?P<n2>(?:19|20)\d{2}[.:/]\d{1,5})\s?(?P<o2>[A-ZÅÄÖ]{2,6})"
    r"|(?P<g>[A-ZÅÄÖ]{2,6}-(?:19|20)\d{2}-\d{3,6}))\b"
)


def normalise_dnr(text: str | None) -> str | None:
    """'2026.016 KS' and 'KS 2026.016' -> 'KS 2026.016'; 'SLK-2023-00050' stays; None if none."""
    if not text:
        return None
    m = _DNR.search(text)
    if not m:
        return None
    if m.group("g"):
        return m.group("g")
    org = m.group("o1") or m.group("o2")
    number = re.sub(r"[:/]", ".", m.group("n1") or m.group("n2"))
    return f"{org} {number}"


def item_dnr(dnr: str | None, title: str, text: str) -> str | None:
    """An item's diarienummer: the parser's, else one in its title or first lines (not the body,
    where other matters' numbers are cited)."""
    return normalise_dnr(dnr) or normalise_dnr(title) or normalise_dnr(text[:160])


# -- one search key per diarienummer, whatever form it is typed in ------------------------------

# "KS 2020.008", "KS 2020/8", "KS2020/008", "2020.008 KS", "2020.008", "SLK-2024-00062",
# "SOU 2024:25", "RS/123/2023". The organ is upper case (as minutes and people write it).
DNR_ANY = re.compile(
    r"(?<![\w/.])(?:"
    r"(?P<o1>[A-ZÅÄÖ]{2,8})[ -]?(?P<y1>(?:19|20)\d{2})[/:.-](?P<n1>\d{1,6})"
    r"|(?P<y2>(?:19|20)\d{2})[.:/](?P<n2>\d{1,6})(?:[ -](?P<o2>[A-ZÅÄÖ]{2,8})(?![\w]))?"
    r"|(?P<o3>[A-ZÅÄÖ]{2,8})/(?P<n3>\d{1,6})/(?P<y3>(?:19|20)\d{2})"
    r")(?![\w/])"
)


def dnr_key(match: re.Match[str], *, with_org: bool = True) -> str:
    """The search key of a DNR_ANY match: 'ks/2020/8' for "KS 2020.008", "2020.008 KS" and
    "KS 2020/8" alike (the number as an integer); with_org=False or no organ: '2020/8'."""
    org = match.group("o1") or match.group("o2") or match.group("o3") or ""
    year = match.group("y1") or match.group("y2") or match.group("y3")
    number = int(match.group("n1") or match.group("n2") or match.group("n3"))
    key = f"{year}/{number}"
    return f"{org.lower()}/{key}" if org and with_org else key


def dnr_keys(text: str | None) -> list[str]:
    """Every key of every diarienummer in a text: with its organ and without (so "2020.008"
    finds "KS 2020.008"), each once."""
    out: dict[str, None] = {}
    for m in DNR_ANY.finditer(text or ""):
        out[dnr_key(m)] = None
        out[dnr_key(m, with_org=False)] = None
    return list(out)


def dnr_search_key(dnr: str) -> str:
    """A diarienummer as one search key, whatever its form (`dnr_key`):
    'KS 2020.008', '2020.008 KS' and 'KS 2020/8' -> 'ks/2020/8'; '2020.008' -> '2020/8'."""
    m = DNR_ANY.search(dnr)
    return dnr_key(m) if m else re.sub(r"[^0-9a-zåäö]", "", dnr.lower())
