"""Small text helpers shared by the reader and the parser: character clean-up, dehyphenation,
paragraph unwrapping. Pure Python, no heavy imports."""

from __future__ import annotations

import re

from .vocabulary import STANDALONE_HEADINGS

HEADINGS = STANDALONE_HEADINGS  # the old name, re-exported

# Bullets, dashes, "1." / "1)", "a." / "a)", "A/" (Alingsås) and Word's "o" sub-bullet.
_LIST_ITEM = re.compile(
    r"^\s*(?:[•●○◦▪■□◆◇➢➤►·*\uf0b7\uf0a7\uf0d8\uf0fc]|[-–—](?=\s)|o(?=\s+\S)"
    r"|\d{1,2}[.)](?=\s)|[a-zåäö][.)](?=\s)|[A-ZÅÄÖ][/)](?=\s))"
)
# A body's abbreviation may stand before the sign, as many protocols write their headings
# ("KF § 87", "BUN AU § 12"): an all-capital word, not a sentence running on.
BODY_PREFIX = r"(?:[A-ZÅÄÖ]{2,8}(?:[ \t-]?(?:AU|au))?[ \t]+)?"
# A line that opens like a § heading ("§ 12", "§12", "KF § 12", "12 §"): never page furniture,
# always the start of a paragraph. "#" stands for a digit in keys whose digits are masked.
SECTION_START = re.compile(rf"^\s*(?:{BODY_PREFIX}§+\s*[\d#]|[\d#]{{1,4}}\s*§)")
_TERMINAL = re.compile(r"[.!?][\"'”’)]*$")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Word-processor symbol fonts put bullets in the private use area.
_PUA_BULLET = re.compile("[\uf0a7\uf0b7\uf0d8\uf0fc\uf076\uf0a8]")
_MARKUP = re.compile(
    r"</?(?:i|b|u|em|strong|sup|sub|span|font|small|big)\b[^<>]{0,200}>|<br\s*/?>", re.I
)
_SOFT_BREAK = re.compile("\u00ad[ \t]*\n[ \t]*(?=\\w)")
_HYPHEN_END = re.compile(r"(\w+)-$")
_NEXT_WORD = re.compile(r"^(\w+(?:-\w+)*-?)(.*)$")
# A line ending in one of these words stops mid-phrase, so the next line continues it.
_OPEN_ENDINGS = frozenset(
    ("och", "eller", "samt", "i", "av", "för", "till", "med", "om", "att", "som", "på", "från")
    + ("den", "det", "de", "en", "ett", "vid", "mot", "under", "efter", "enligt", "inom", "hos")
    + ("är", "har", "ska", "kan", "skall", "bör", "mellan", "genom", "utan")
)
# After "hälso-" these words mean the hyphen belongs to a shortened compound: "hälso- och sjukvård".
_CONJUNCTIONS = frozenset(
    ("och", "eller", "samt", "respektive", "resp", "som", "liksom", "alternativt", "men", "utan")
    + ("till",)
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
    if SECTION_START.match(s):
        return True
    # Headings are capitalised: "förslag till beslut:" at a line start is a wrapped sentence.
    return s[:1].isupper() and s.rstrip(" :").casefold() in HEADINGS


def _merge_hyphenated(prefix: str, word: str) -> str | None:
    """The joined word for a line-end "prefix-" followed by "word", or None to keep both."""
    if word.casefold() in _CONJUNCTIONS or not word[0].isalpha() and not word[0].isdigit():
        return None
    keeps_hyphen = not word[0].islower() or len(prefix) <= 2
    if keeps_hyphen or any(c.isupper() or c.isdigit() for c in prefix):
        # "SIP-planeringen", "2024-2027", "e-post", "km-ersättning": the hyphen is part of the word.
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
        joined = _join_with_next(lines[i], lines[i + 1]) if i + 1 < len(lines) else None
        if joined is None:
            out.append(lines[i])
        elif joined[1]:
            out.append(joined[0])
            lines[i + 1] = joined[1]
        else:
            lines[i + 1] = joined[0]  # the whole next line was the word's tail: check on from there
        i += 1
    return "\n".join(out)


def _join_with_next(line: str, nxt_raw: str) -> tuple[str, str] | None:
    """(this line with the word completed, what stays on the next line), or None to keep both."""
    m = _HYPHEN_END.search(line.rstrip())
    nxt = nxt_raw.strip()
    # Table rows keep their columns; list items and headings keep their line.
    if m is None or not nxt or "\t" in nxt_raw or is_list_item(nxt) or is_heading(nxt):
        return None
    nm = _NEXT_WORD.match(nxt)
    joined = _merge_hyphenated(m.group(1), nm.group(1)) if nm else None
    if nm is None or joined is None:
        return None
    head = line.rstrip()[: m.start(1)] + joined
    rest = nm.group(2).lstrip()
    punct = re.match(r"^[,.;:)]+", rest)
    if punct:  # punctuation glued to the word moves up with it
        head += punct.group(0)
        rest = rest[punct.end() :].lstrip()
    if rest and (is_list_item(rest) or is_heading(rest)):
        return f"{head} {rest}", ""  # left alone, the rest would pose as a list item or heading
    return head, rest


def _typical_width(lines: list[str]) -> int:
    lengths = sorted(len(s) for s in lines if s.strip())
    if not lengths:
        return 60
    return max(60, lengths[int(0.9 * (len(lengths) - 1))])


def _continues(prev: str, cur: str, width: int, in_list: bool) -> bool:
    """Whether `cur` is the wrapped continuation of the physical line `prev`."""
    if is_heading(prev) or is_heading(cur) or is_list_item(cur) or "\t" in prev or "\t" in cur:
        return False
    if cur[0].islower() or cur[0].isdigit() or cur[0] in ",;)":
        return not prev.endswith(":") or cur[0].islower()
    if prev.endswith(":"):
        return False
    last = prev.rsplit(" ", 1)[-1].casefold()
    if prev.endswith((",", "-", "–")) or last in _OPEN_ENDINGS:
        return True  # a phrase cut in the middle: the next line goes on with it
    # A line that ends well short of the margin, though the next word would have fitted, was
    # broken on purpose (heading, name, last line of a paragraph or list item).
    would_fit = len(prev) + 1 + len(cur.split(" ", 1)[0]) <= 0.95 * width
    if _TERMINAL.search(prev) or in_list:
        return not would_fit
    return len(prev) >= 0.6 * width


def _bridges_blank(prev: str, cur: str) -> bool:
    """Across one blank line, a lower-case line still continues an unfinished sentence: some
    exports put an empty line after every line (seed 000)."""
    return (
        cur[0].islower()
        and not prev.endswith((".", "!", "?", ":", ";"))
        and not is_heading(prev)
        and "\t" not in prev
    )


def unwrap_paragraphs(text: str) -> str:
    """Join hard line wraps inside paragraphs into flowing text.

    Blank lines (paragraph breaks), list items ("•", "-", "1.", "a."), headings ("§ 95", "Beslut")
    and table rows (tabs) keep their own lines; words split by a line-break hyphen are joined.
    """
    lines = join_hyphenated(text).split("\n")
    width = _typical_width(lines)
    out: list[str] = []
    prev: str | None = None
    blanks = 0
    in_list = False
    for raw in lines:
        line = raw.strip() if "\t" not in raw else raw.rstrip()
        if not line:
            blanks += 1
            continue
        cur = line.strip()
        if prev is not None and (
            (blanks == 0 and _continues(prev, cur, width, in_list))
            or (blanks == 1 and _bridges_blank(prev, cur))
        ):
            out[-1] = f"{out[-1].rstrip()} {cur}"
        else:
            if blanks and out:
                out.append("")
            out.append(line)
            in_list = is_list_item(cur)
        blanks = 0
        prev = cur
    return "\n".join(out)
