"""Small text helpers shared by the reader and the parser: character clean-up, dehyphenation,
paragraph unwrapping. Pure Python, no heavy imports."""

from __future__ import annotations

import re

# Section headings of Swedish minutes: they always stand on their own line.
HEADINGS = frozenset(
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

# Bullets, dashes, "1." / "1)", "a." / "a)", "A/" (Alingsås) and Word's "o" sub-bullet.
_LIST_ITEM = re.compile(
    r"^\s*(?:[•●○◦▪■□◆◇➢➤►·*\uf0b7\uf0a7\uf0d8\uf0fc]|[-–—](?=\s)|o(?=\s+\S)"
    r"|\d{1,2}[.)](?=\s)|[a-zåäö][.)](?=\s)|[A-ZÅÄÖ][/)](?=\s))"
)
_SECTION_LINE = re.compile(r"^\s*§\s*\d")
_TERMINAL = re.compile(r"[.!?][\"'”’)]*$")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Word-processor symbol fonts put bullets in the private use area.
_PUA_BULLET = re.compile("[\uf0a7\uf0b7\uf0d8\uf0fc\uf076\uf0a8]")
_MARKUP = re.compile(r"</?(?:i|b|u|em|strong|sup|sub|span|font|small|big)\b[^<>]{0,200}>|<br\s*/?>", re.I)
_SOFT_BREAK = re.compile("\u00ad[ \t]*\n[ \t]*(?=\\w)")
_HYPHEN_END = re.compile(r"(?<![\s\-])(\w+)-$")
_NEXT_WORD = re.compile(r"^(\w+)(.*)$")
# After "hälso-" these words mean the hyphen belongs to a shortened compound: "hälso- och sjukvård".
_CONJUNCTIONS = frozenset(
    ("och", "eller", "samt", "respektive", "resp", "som", "liksom", "alternativt", "men", "utan", "till")
)


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def normalize_chars(text: str) -> str:
    """Newlines to LF; odd spaces, zero-width and control characters removed; PUA bullets to '•'."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SOFT_BREAK.sub("", text)  # a soft hyphen at a line end always splits one word
    text = text.replace("\u00ad", "")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _PUA_BULLET.sub("•", text)
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    return _CONTROL.sub("", text)


def strip_markup(text: str) -> str:
    """Remove stray inline HTML tags such as <i>ordf.</i> but keep their content."""
    return _MARKUP.sub("", text)


def is_list_item(line: str) -> bool:
    """True when the line opens a bullet, dash, numbered or lettered list item."""
    return bool(_LIST_ITEM.match(line))


def is_heading(line: str) -> bool:
    """True for a §-heading line or a known part heading ("Beslut", "Förslag till beslut")."""
    s = line.strip()
    return bool(_SECTION_LINE.match(s)) or s.rstrip(" :").casefold() in HEADINGS


def _merge_hyphenated(prefix: str, word: str) -> str | None:
    """The joined word for a line-end "prefix-" followed by "word", or None to keep both."""
    if word.casefold() in _CONJUNCTIONS or not word[0].isalpha() and not word[0].isdigit():
        return None
    if word[0].isupper() or any(c.isupper() or c.isdigit() for c in prefix) or len(prefix) <= 2:
        # "SIP-planeringen", "2024-2027", "e-post", "km-ersättning": the hyphen is part of the word.
        return f"{prefix}-{word}"
    if word[0].isdigit():
        return f"{prefix}-{word}"
    return f"{prefix}{word}"


def join_hyphenated(text: str) -> str:
    """Join words split by a line-break hyphen ("läns-\\ngemensam" -> "länsgemensam"), keeping lines.

    The rest of the continuation line stays on its own line; "hälso-\\noch sjukvård" is left as it
    is, and a capitalised or acronym prefix keeps its hyphen ("SIP-\\nplaneringen" -> "SIP-planeringen").
    """
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        m = _HYPHEN_END.search(line)
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        nm = _NEXT_WORD.match(nxt) if m and nxt and not is_list_item(nxt) else None
        joined = _merge_hyphenated(m.group(1), nm.group(1)) if m and nm else None
        if m is None or nm is None or joined is None:
            out.append(lines[i])
            i += 1
            continue
        head = line[: m.start(1)] + joined
        rest = nm.group(2).lstrip()
        if rest.startswith((",", ".", ";", ":", ")")):
            # Punctuation glued to the word moves up with it.
            punct = re.match(r"^[,.;:)]+", rest)
            assert punct is not None
            head += punct.group(0)
            rest = rest[punct.end() :].lstrip()
        lines[i + 1] = rest
        if rest:
            out.append(head)
        else:
            lines[i + 1] = head  # the whole next line was the word's tail: keep checking from there
        i += 1
    return "\n".join(out)


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(s) for s in lines if s.strip())
    if not lengths:
        return 60
    return max(60, lengths[int(0.9 * (len(lengths) - 1))])


def _continues(prev: str, cur: str, width: int) -> bool:
    """Whether `cur` is the wrapped continuation of the physical line `prev`."""
    if is_heading(prev) or is_heading(cur) or is_list_item(cur) or "\t" in prev or "\t" in cur:
        return False
    first = cur.split(" ", 1)[0]
    if cur[0].islower() or cur[0].isdigit() or cur[0] in ",;)":
        return not prev.endswith(":") or cur[0].islower()
    if prev.endswith(":"):
        return False
    # A line that ends well short of the margin, though the next word would have fitted, was
    # broken on purpose (heading, name, last line of a paragraph).
    would_fit = len(prev) + 1 + len(first) <= 0.85 * width
    if _TERMINAL.search(prev):
        return not would_fit
    return len(prev) >= 0.6 * width


def unwrap_paragraphs(text: str) -> str:
    """Join hard line wraps inside paragraphs into flowing text.

    Blank lines (paragraph breaks), list items ("•", "-", "1.", "a."), headings ("§ 95", "Beslut")
    and table rows (tabs) keep their own lines; words split by a line-break hyphen are joined.
    """
    lines = join_hyphenated(text).split("\n")
    width = _typical_width(lines)
    out: list[str] = []
    prev: str | None = None
    for raw in lines:
        line = raw.strip() if "\t" not in raw else raw.rstrip()
        if not line:
            if out and out[-1] != "":
                out.append("")
            prev = None
            continue
        if prev is not None and _continues(prev, line.strip(), width):
            out[-1] = f"{out[-1].rstrip()} {line.strip()}"
        else:
            out.append(line)
        prev = line.strip()
    return "\n".join(out).strip("\n")
