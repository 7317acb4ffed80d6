"""The decision procedure of one §, read from the protocol's own steps.

A § records its procedure in order: yrkanden (who proposes what), the propositionsordning (the
chair puts propositions and *finds* a result), an omröstning when one is asked for (the vote
overrides the chair's finding it was asked against), the final beslut, then reservationer,
protokollsanteckningar and jäv. This module reads those steps from the text under their own
headings and ties each finding back to the yrkanden it decides, so `won` is true or false
whenever the protocol says so, and null only when it does not.

Nothing here names a municipality or layout: headings, the verbs of the procedure ("yrkar",
"föreslår", "ställer … och finner att"), vote phrasings ("Med 7 ja-röster och 8 nej-röster",
"röstar Ja (7)") and references to a proposal (a proposer's surname in the genitive, "yrkandet
från S, V och MP", "stadsledningskontorets förslag") are Swedish procedure, not one issuer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import PROCEDURE_BLOCKS
from .text import NAME, fold, one_line, overlap

_PARTY = r"\((?:[A-ZÅÄÖ]{1,4}|-)\)"
_WHO = rf"{NAME}\s*{_PARTY}(?:\s*(?:,|och)\s*(?:tjänstgörande ersättaren\s+)?{NAME}\s*{_PARTY})*"
_ONE = re.compile(rf"(?P<name>{NAME})\s*\((?P<party>[A-ZÅÄÖ]{{1,4}}|-)\)")

_STOP_PREFIX = re.compile(r"^(?:protokollsutdrag skickas till|expedieras till)\b", re.I)
# "Förslag till beslut i kommunfullmäktige" inside a Beslut block: the body proposes to KF.
_TO_COUNCIL = re.compile(r"^förslag till beslut i [\wåäö ]+$", re.I)
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:Sammanträdesdatum:.*|Protokoll nr \d+|Utdragsbestyrkande|\d{1,3})\s*$"
)

# Words that a capitalised-name pattern swallows before a real name: roles, headings, acronyms.
_NOT_NAME = frozenset(
    fold(w)
    for w in [
        "ordföranden",
        "ordförande",
        "ledamoten",
        "ledamöterna",
        "ersättaren",
        "ersättarna",
        "tjänstgörande",
        "vice",
        "även",
        "och",
        "anteckning",
        "anteckningar",
        "tilläggsyrkande",
        "yrkande",
        "yrkanden",
        "reservation",
        "beslut",
        "förslag",
        "ändringsyrkande",
        "protokollsanteckning",
        "vidare",
        "dessutom",
        "slutligen",
        "först",
        "sedan",
        "därefter",
        "härefter",
        "till",
        "dagens",
        "sammanträde",
        "har",
        "ärendet",
        "kommunstyrelsen",
        "nämnden",
    ]
)
_CHAIR_WORD = re.compile(r"\bordförande[n]?\s*$", re.I)


def clean_name(raw: str) -> str:
    """'EOMS Tilläggsyrkande Heidi Hankanen Ängberg' -> 'Heidi Hankanen Ängberg'."""
    words = raw.split()
    while len(words) > 2 and (
        fold(words[0]) in _NOT_NAME or (words[0].isupper() and len(words[0]) > 1)
    ):
        words.pop(0)
    if len(words) == 2 and fold(words[0]) in _NOT_NAME:
        words.pop(0)
    return " ".join(words)


def people(text: str) -> list[tuple[str, str | None]]:
    """Every 'Name (P)' in a text, names cleaned, party None for '(-)'."""
    out: list[tuple[str, str | None]] = []
    for m in _ONE.finditer(text):
        name = clean_name(m.group("name"))
        if len(name.split()) < 2:
            continue
        party = m.group("party")
        out.append((name, None if party == "-" else party))
    return out


@dataclass
class Block:
    kind: str
    text: str
    heading: str = ""


def blocks(text: str) -> list[Block]:
    """The § text cut at its procedure headings, in order (a heading may recur)."""
    out: list[Block] = [Block("head", "")]
    lines: list[str] = []

    def close() -> None:
        out[-1].text = "\n".join(lines).strip()

    for line in text.splitlines():
        key = line.strip().rstrip(":").strip().lower()
        if key in PROCEDURE_BLOCKS:
            close()
            out.append(Block(PROCEDURE_BLOCKS[key], "", key))
            lines = []
            continue
        if _STOP_PREFIX.match(line.strip()):
            close()
            out.append(Block("stop", ""))
            lines = []
            continue
        if _PAGE_FURNITURE.match(line) or (out[-1].kind == "decision" and _TO_COUNCIL.match(key)):
            continue
        lines.append(line)
    close()
    return [b for b in out if b.text or b.kind == "decision"]


def block_text(bs: Sequence[Block], kind: str) -> str:
    return "\n".join(b.text for b in bs if b.kind == kind and b.text).strip()


# ---------------------------------------------------------------------------------- yrkanden

_HEAD = re.compile(
    rf"(?P<lead>(?:Ordförande[n]?|Tjänstgörande ersättaren)\s+)?(?P<who>{_WHO})(?:\s*,?\s*(?:med flera|m\.fl\.))?\s+"
    r"(?P<verb>yrkar|föreslår|instämmer|inkommit med|lämnar|lämnat)\b"
)
_VIDARE = re.compile(
    rf"\b(?:Vidare|Dessutom|Slutligen)\s+yrkar\s+(?:(?:ordföranden|tjänstgörande ersättaren)\s+)?(?P<who>{NAME})\s*{_PARTY}"
)
_PROPOSAL_WORD = re.compile(r"förslag|yrkande|tillägg|ändring", re.I)
_SENTENCE_END = re.compile(r"\.(?:\s+(?=[A-ZÅÄÖ\"”])|\s*$)")
_FINDS = re.compile(r"\bfinner\b", re.I)


@dataclass
class Yrkande:
    """A proposal made at the meeting: by whom, its kind, its text; `won` None when not stated."""

    by: str
    party: str | None
    text: str
    kind: str = "bifall"
    won: bool | None = None
    chair: bool = False
    names: list[str] = field(default_factory=list)


# Opposing someone else's proposal ("avslag på tilläggsyrkande från SD") says nothing about the
# kind of one's own; cut those phrases before classifying.
_OPPOSES = re.compile(
    r"(?:samt |och )?avslag på (?:övriga yrkanden|samtliga yrkanden|\w*yrkande\w*\s+från\s+[A-ZÅÄÖ, och]+(?:den \d+ \w+ \d{4})?)"
)
_KIND_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("återremiss", re.compile(r"återremitt|återremiss", re.I)),
    ("bordläggning", re.compile(r"bordl[äa]g", re.I)),
    ("avslag", re.compile(r"\bavslag|\bavslås\b|\bavslå\b|\bavstyrk", re.I)),
    ("bifall", re.compile(r"\bbifall|\btillstyrk|\bantas\b|\bgodkänn", re.I)),
]


def yrkande_kind(text: str) -> str:
    """bifall|avslag|ändring|tillägg|återremiss|bordläggning of a yrkande's text."""
    own = _OPPOSES.sub(" ", text)
    named = re.search(r"(?:följande|nedanstående)\s+(tillägg|ändring)", own, re.I)
    if named:
        return "tillägg" if named.group(1).lower() == "tillägg" else "ändring"
    found = sorted((m.start(), kind) for kind, p in _KIND_RULES if (m := p.search(own)))
    first = found[0][1] if found else None
    if first in ("återremiss", "bordläggning"):
        return first
    if re.search(r"tillägg", own, re.I):
        return "tillägg"
    if re.search(r"ändring|i stället för", own, re.I):
        return "ändring"
    return first or "bifall"


_HEADING_KIND = {
    "tillaggsyrkande": "tillägg",
    "andringsyrkande": "ändring",
    "aterremissyrkande": "återremiss",
}


def find_yrkanden(text: str, heading: str = "") -> list[Yrkande]:
    """Yrkanden in the motions text: 'Jens Christian Berlin (L) föreslår avslag.' A heading such
    as "Tilläggsyrkande" gives the kind of the yrkanden under it when their words do not."""
    flat = one_line(text)
    heads = [
        h
        for h in _HEAD.finditer(flat)
        if h.group("verb") not in ("lämnar", "lämnat", "inkommit med")
        or _PROPOSAL_WORD.search(flat[h.end() : h.end() + 60])
    ]
    out: list[Yrkande] = []
    for n, head in enumerate(heads):
        stop = heads[n + 1].start() if n + 1 < len(heads) else len(flat)
        segment = flat[head.end() : stop]
        end = _SENTENCE_END.search(segment)
        # A yrkande naming its proposal after a colon runs on to the next yrkande.
        body = (
            segment
            if segment.lstrip().startswith(("följande", "nedanstående"))
            else (segment[: end.start()] if end else segment)
        )
        body = body.strip(" ,:;")
        who = people(head.group("who"))
        if not who:
            continue
        found_here: bool | None = None
        finds = _FINDS.search(body)
        if finds:
            # "… föreslår att Katarina Berg utses … och finner det bifallet": the chair's own
            # proposal and its finding in one sentence.
            verdict = body[finds.end() :]
            if _POSITIVE.search(verdict) or _NEGATIVE.search(verdict):
                found_here = not _NEGATIVE.search(verdict)
            body = re.sub(r"\s+och\s*$", "", body[: finds.start()].strip(" ,"))
        text_ = f"{head.group('verb')} {body}".strip()
        out.append(
            Yrkande(
                by=", ".join(p[0] for p in who),
                party=", ".join(dict.fromkeys(p[1] for p in who if p[1])) or None,
                text=text_,
                kind=_kind_under(heading, body),
                chair=bool(head.group("lead") and "rdf" in head.group("lead")),
                names=[p[0] for p in who],
                won=found_here,
            )
        )
    # "Vidare yrkar Karin Pleijel (MP) …" adds to that person's yrkande.
    for v in _VIDARE.finditer(flat):
        name = clean_name(v.group("who"))
        rest = flat[v.end() :]
        end = _SENTENCE_END.search(rest)
        extra = (rest[: end.start()] if end else rest).strip(" ,")
        for y in out:
            if y.names and y.names[0] == name:
                y.text = f"{y.text}; vidare yrkar {extra}"
                break
    return out


def _kind_under(heading: str, body: str) -> str:
    kind = yrkande_kind(body)
    under = _HEADING_KIND.get(fold(heading).rstrip("n"))
    return under if under and kind == "bifall" else kind


def motion_blocks(bs: Sequence[Block]) -> list[Yrkande]:
    """Yrkanden of every motions block, each read with its own heading."""
    out: list[Yrkande] = []
    for b in bs:
        if b.kind == "motions" and b.text:
            out += find_yrkanden(b.text, b.heading)
    return out


# ---------------------------------------------------------------------------- propositions

_GROUP = r"[A-ZÅÄÖ]{1,4}(?:\s*(?:,|och)\s*[A-ZÅÄÖ]{1,4})*"
_GROUP_REF = re.compile(rf"(?P<kind>\w*)(?:yrkande|förslag)\w*\s+från\s+(?P<g>{_GROUP})\b")
_ORGAN_REF = re.compile(
    r"(?P<organ>\w+(?:s|ns|ets|ens))\s+(?:\w+\s+)?förslag(?:et)?(?:\s+till beslut)?", re.I
)
_NOT_ORGAN = {"ordförandens", "tilläggs", "ändrings", "avslags", "återremiss", "fleras", "egna"}
_POSITIVE = re.compile(
    r"bifall|beslutar enligt|beslutat enligt|besluta enligt|antag|finner det bifallet|beslutar så|beslutar detta",
    re.I,
)
_NEGATIVE = re.compile(r"avslå|avslag|avslog", re.I)
_DECIDE_TODAY = re.compile(r"avgör\w*\s+(?:ärendet\s+)?(?:idag|i dag|vid dagens)", re.I)
_REMIT_FOUND = re.compile(r"återremitter|ska återremitteras", re.I)
_TABLE_FOUND = re.compile(r"bordlägg|bordlagt", re.I)
_CONTEST = re.compile(
    r"mot varandra|propositioner på (?:återstående )?yrkandena|\bmot\s+(?!avslag)\w", re.I
)
_OWN = re.compile(r"det egna (?:yrkandet|förslaget)", re.I)
_KIND_REF = re.compile(
    r"(tilläggs|ändrings|avslags|återremiss)(?:förslag|yrkande)(?:et|n)?\b", re.I
)


def _surname_in(name: str, text_folded: str) -> bool:
    """Does a proposer's surname occur (also genitive, also one letter off) in a folded text?"""
    surname = fold(name.split()[-1])
    if re.search(rf"\b{re.escape(surname)}s?\b", text_folded):
        return True
    if len(surname) < 6:
        return False
    for word in re.findall(r"[a-z-]{5,}", text_folded):
        w = word[:-1] if word.endswith("s") and len(word) > len(surname) else word
        if abs(len(w) - len(surname)) <= 1 and _one_edit(w, surname):
            return True
    return False


def _one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    if len(a) > len(b):
        a, b = b, a
    return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))


def _groups(text: str) -> list[tuple[frozenset[str], bool]]:
    """(party group, supported?) for each written yrkande a text refers to."""
    out = []
    for g in _GROUP_REF.finditer(text):
        parties = frozenset(re.findall(r"[A-ZÅÄÖ]{1,4}", g.group("g")))
        before = text[max(0, g.start() - 12) : g.start()]
        out.append((parties, "avslag" not in before and "avslag" not in g.group("kind")))
    return out


def _organs(text: str) -> list[tuple[str, bool]]:
    out = []
    for o in _ORGAN_REF.finditer(text):
        organ = fold(o.group("organ"))
        if organ in {fold(x) for x in _NOT_ORGAN} or organ.endswith("fleras"):
            continue
        before = text[max(0, o.start() - 14) : o.start()]
        out.append((organ, "avslag" not in before))
    return out


@dataclass
class _Finding:
    verdicts: dict[int, bool]
    vote: bool = False


def _links(y: Yrkande, before: str, after: str) -> bool | None:
    """What one finding ('… finner att …') says about a yrkande, or None when it is not about it."""
    fb, fa = fold(before), fold(after)
    named_after = any(_surname_in(n, fa) for n in y.names) or (y.chair and _OWN.search(after))
    named_before = any(_surname_in(n, fb) for n in y.names)
    pos, neg = bool(_POSITIVE.search(after)), bool(_NEGATIVE.search(after))
    if named_after and (pos or neg):
        # "avslår Heidi Hankanen Ängbergs tilläggsförslag" / "bifaller Jan-Erik Wallins förslag"
        return not neg if neg != pos else _order(after, pos)
    # A written yrkande (party group) or an organ's proposal the finding names.
    verdict_obj = _object_verdict(y, before, after, pos, neg)
    if verdict_obj is not None:
        return verdict_obj
    if (
        named_before
        and re.search(r"\bdet\b|yrkandet\b|förslaget\b", after)
        and not _CONTEST.search(before)
    ):
        # "ställer tilläggsförslag från X mot avslag och finner att … avslår tilläggsyrkandet"
        return pos and not neg if (pos or neg) else None
    return None


def _order(after: str, pos: bool) -> bool:
    p, n = _POSITIVE.search(after), _NEGATIVE.search(after)
    if p and n:
        return p.start() < n.start()
    return pos


def _object_verdict(y: Yrkande, before: str, after: str, pos: bool, neg: bool) -> bool | None:
    if not (pos or neg):
        return None
    mine = _groups(y.text)
    found_groups = _groups(after) or (
        _groups(before) if re.search(r"\bdet\b|\bdetta\b", after) else []
    )
    for parties, _ in found_groups:
        for own, supports in mine:
            if own == parties:
                won = pos and not neg
                return won if supports else not won
    organs_after = _organs(after) or (_organs(before) if re.search(r"\bdet\b", after) else [])
    for organ, _ in organs_after:
        for own_organ, supports in _organs(y.text):
            if own_organ == organ:
                won = pos and not neg
                return won if supports else not won
    kind = _KIND_REF.search(after)
    if kind and not _CONTEST.search(before):
        word = fold(kind.group(1))
        target = {
            "tillaggs": "tillägg",
            "andrings": "ändring",
            "avslags": "avslag",
            "aterremiss": "återremiss",
        }
        if y.kind == target.get(word) and not any(_surname_in(n, fold(after)) for n in y.names):
            return pos and not neg
    return None


def _procedural(y: Yrkande, sentence: str) -> bool | None:
    """Verdicts on återremiss/bordläggning questions ('avgöra ärendet idag' / 're-mit')."""
    after = sentence.split("finner", 1)[-1]
    if not re.search(r"återremi|bordl|avgör", sentence, re.I):
        return None
    remitted = bool(_REMIT_FOUND.search(after))
    tabled = bool(re.search(r"bordläggas|bordlägga|bordlagt|bordläggs", after))
    today = bool(_DECIDE_TODAY.search(after))
    if not (remitted or tabled or today):
        return None
    opposes_remit = bool(re.search(r"avslag på (?:\w+ )?(?:återremiss|bordläggning)", y.text))
    if y.kind in ("återremiss", "bordläggning"):
        return (remitted and y.kind == "återremiss") or (tabled and y.kind == "bordläggning")
    if opposes_remit or re.search(r"avgöras (?:vid dagens|idag|i dag)", y.text):
        return today
    if remitted or tabled:
        return None
    return None


# "Med 7 ja-röster och 8 nej-röster (och 1 som avstår)" / "röstar Ja (7)"
_VOTE_A = re.compile(
    r"Med (\d+) ja-röst\w*(?:,|\s+och)\s+(\d+) nej-röst\w*(?:\s+och\s+(\d+)\s+(?:som\s+)?avst\w*(?:\s+från att rösta)?)?",
    re.I,
)
_VOTE_B = re.compile(
    r"(?P<who>[^.]*?)\b(?:röstar (?P<side>Ja|Nej)|(?P<abst>avstår)(?: från att rösta)?)\s*\((?P<n>\d+)\)",
    re.I,
)
_BALLOT = re.compile(
    r"Ja(?:-röst)? för (?P<ja>.+?)(?:\.|\s+och)\s+Nej(?:-röst)? för (?P<nej>.+?)(?:[.\"”]|$)", re.I
)


def find_votes(proceedings: str) -> list[dict[str, Any]]:
    """Every omröstning in the proceedings: {for, against, abstain, winner, ja, nej, voters?}."""
    flat = one_line(proceedings)
    votes: list[dict[str, Any]] = []
    if "röst" not in flat.lower() and "avstår" not in flat:
        return votes
    ballots = list(_BALLOT.finditer(flat))
    for m in _VOTE_A.finditer(flat):
        votes.append(
            {
                "for": int(m.group(1)),
                "against": int(m.group(2)),
                "abstain": int(m.group(3) or 0),
                "pos": m.start(),
            }
        )
    if not votes:
        current: dict[str, Any] | None = None
        hits = [
            (sm.start() + m.start(), m)
            for sm in _SENTENCE.finditer(flat)
            if "röstar" in sm.group(0) or "avstår" in sm.group(0)
            for m in _VOTE_B.finditer(sm.group(0))
        ]
        for pos, m in hits:
            side = (
                "abstain"
                if m.group("abst")
                else ("for" if m.group("side").lower() == "ja" else "against")
            )
            if current is None or (side == "for" and current.get("for") is not None):
                current = {"for": None, "against": None, "abstain": 0, "pos": pos, "voters": {}}
                votes.append(current)
            current[side] = int(m.group("n"))
            names = [n for n, _ in people(m.group("who"))]
            if names:
                current["voters"][{"for": "ja", "against": "nej", "abstain": "avstår"}[side]] = (
                    names
                )
    out = []
    for v in votes:
        if v["for"] is None or v["against"] is None:
            continue
        ballot = next((b for b in reversed(ballots) if b.start() < v["pos"]), None)
        winner = "ja" if v["for"] > v["against"] else "nej" if v["against"] > v["for"] else "lika"
        vote: dict[str, Any] = {
            "for": v["for"],
            "against": v["against"],
            "abstain": v["abstain"],
            "winner": winner,
            "ja": ballot.group("ja").strip() if ballot else None,
            "nej": ballot.group("nej").strip() if ballot else None,
            "pos": v["pos"],
        }
        if v.get("voters"):
            vote["voters"] = v["voters"]
        out.append(vote)
    return out


def _vote_sentence(vote: dict[str, Any]) -> str | None:
    """The winning side of a ballot as a finding: 'Ja för avslag och Nej för bifall till X'."""
    if vote["winner"] not in ("ja", "nej") or not vote.get("ja") or not vote.get("nej"):
        return None
    win, lose = (vote["ja"], vote["nej"]) if vote["winner"] == "ja" else (vote["nej"], vote["ja"])
    # "Ja för bifall och Nej för avslag på återremissyrkandet från S": the object is shared.
    obj = re.sub(r"^(?:bifall|avslag)\s*(?:till|på)?\s*", "", lose)
    if re.fullmatch(r"(?:bifall|avslag)", win.strip()):
        win = f"{win.strip()} {'på' if win.strip() == 'avslag' else 'till'} {obj}"
    lose_obj = re.sub(r"^(?:bifall|avslag)\s*(?:till|på)?\s*", "", lose)
    return f"ställer {win} mot {lose_obj} och finner att {win}"


def decide(
    yrkanden: list[Yrkande], proceedings: str, outcome: str | None, decision: str | None = None
) -> list[dict[str, Any]]:
    """Set each yrkande's `won` from the proceedings (findings, then votes) and the outcome.
    Returns the votes found."""
    flat = one_line(proceedings)
    flat = re.sub(r"finner ordföranden att", "finner att", flat)
    votes = find_votes(proceedings)
    events: list[tuple[int, str, bool]] = [
        (m.start(), m.group(0), bool(_VOTE_A.search(m.group(0))))
        for m in _SENTENCE.finditer(flat)
        if _FINDING.search(m.group(0))
    ]
    for v in votes:
        s = _vote_sentence(v)
        if s:
            events.append((v["pos"], s, True))
    events.sort(key=lambda e: e[0])
    findings: list[_Finding] = []
    for _, sentence, is_vote in events:
        before, _, after = _split(sentence)
        verdicts: dict[int, bool] = {}
        for i, y in enumerate(yrkanden):
            verdict = _procedural(y, sentence)
            if verdict is None:
                verdict = _links(y, before, after)
            if verdict is not None:
                verdicts[i] = verdict
        winners = [i for i, won in verdicts.items() if won]
        if _CONTEST.search(before) and (winners or _named_winner(after)):
            for i, y in enumerate(yrkanden):
                if i in verdicts or y.kind in ("återremiss", "bordläggning"):
                    continue
                if y.kind == "tillägg" and "undantag" in before:
                    continue
                backs = any(
                    _surname_in(n, fold(y.text)) for w in winners for n in yrkanden[w].names
                )
                verdicts[i] = backs
        if not verdicts and _CONTEST.search(before) and not is_vote:
            verdicts = _action_verdicts(yrkanden, after)
        if is_vote and findings and not findings[-1].vote:
            findings.pop()  # the vote settles the question the chair's finding was asked against
        elif is_vote and not verdicts:
            continue
        if not verdicts:
            verdicts = _action_verdicts(yrkanden, after)
        findings.append(_Finding(verdicts, is_vote))
    for i, y in enumerate(yrkanden):
        said = [f.verdicts[i] for f in findings if i in f.verdicts]
        if said:
            y.won = all(said)
    _inherit(yrkanden)
    _uncontested(yrkanden, findings, outcome, decision)
    for v in votes:
        v.pop("pos", None)
    return votes


_SENTENCE = re.compile(r"[^.]+\.?")
_FINDING = re.compile(r"\b(?:finner|beslutar först|beslutar därefter|beslutar härefter)\b")


def _split(sentence: str) -> tuple[str, str, str]:
    m = re.search(
        r"\b(finner att|finner det|finner|beslutar först att|beslutar därefter att|beslutar härefter att)\b",
        sentence,
    )
    if not m:
        return sentence, "", ""
    return sentence[: m.start()], m.group(1), sentence[m.end() :]


def _named_winner(after: str) -> bool:
    return bool(_ORGAN_REF.search(after) or _GROUP_REF.search(after))


_MOTION_ACTION = re.compile(
    r"beslut\w*\s+(?:att\s+)?(avstyrka|tillstyrka|avslå|bifalla)\s+motionen"
    r"|motionen\s+(?:ska\s+)?(anses besvarad|avslås|bifalls|avstyrks|tillstyrks)"
)


def _action_verdicts(yrkanden: list[Yrkande], after: str) -> dict[int, bool]:
    """'finner att kommunstyrelsen beslutat avstyrka motionen': yrkanden asking the same won."""
    action = _MOTION_ACTION.search(after)
    if not action:
        return {}
    stem = (action.group(1) or action.group(2))[:5]
    out: dict[int, bool] = {}
    for i, y in enumerate(yrkanden):
        if "motion" not in y.text:
            continue
        out[i] = stem in y.text
    return out if any(out.values()) else {}


def _inherit(yrkanden: list[Yrkande]) -> None:
    """'X föreslår att Heidi Hankanen Ängbergs förslag bifalls' shares that yrkande's fate."""
    for y in yrkanden:
        if y.won is not None or not re.search(r"bifall", y.text):
            continue
        for other in yrkanden:
            if (
                other is not y
                and other.won is not None
                and any(_surname_in(n, fold(y.text)) for n in other.names)
            ):
                y.won = other.won
                break


def _uncontested(
    yrkanden: list[Yrkande], findings: list[_Finding], outcome: str | None, decision: str | None
) -> None:
    """A single line of proposals that nobody opposed, and that the beslut carries out, won."""
    if not yrkanden or any(f.verdicts for f in findings):
        return
    if any(y.kind in ("avslag", "återremiss", "bordläggning") for y in yrkanden):
        return
    # When the outcome says nothing, the beslut may still be the proposal in its own words.
    in_own_words = bool(decision) and all(overlap(y.text, decision or "") >= 0.8 for y in yrkanden)
    if outcome in (None, "avslag", "återremiss", "bordläggning", "other") and not in_own_words:
        return
    for y in yrkanden:
        if y.won is None:
            y.won = True


# ----------------------------------------------------------------- reservations and notes

_RESERV_HEAD = re.compile(
    r"reserverar\s+(?:sig|oss)|lämnar\s+(?:följande\s+)?(?:skriftlig[a]?\s+)?reservation", re.I
)
_NOTE_HEAD = re.compile(
    r"lämnar\s+(?:följande\s+)?(?:skriftlig[a]?\s+)?(?:protokolls)?anteckning|\bantecknar\b"
    r"|deltar inte i beslutet|^anteckning\b",
    re.I,
)
PARTY_NAMES = {
    "socialdemokraterna": "S",
    "moderaterna": "M",
    "sverigedemokraterna": "SD",
    "centerpartiet": "C",
    "vänsterpartiet": "V",
    "kristdemokraterna": "KD",
    "liberalerna": "L",
    "miljöpartiet": "MP",
    "demokraterna": "D",
}
_PARTY_GROUP = re.compile(
    r"(?:Ledamöterna|Ledamoterna|Representanterna|Företrädarna)\s+(?:från|för)\s+(?P<parties>"
    + _GROUP
    + r")|(?P<abbr>[A-ZÅÄÖ]{1,4}):s\s+ledamöter|(?P<gen>\w+nas|\w+ernas|\w+tiets)\s+(?:ledamöter|representanter|företrädare)"
)


def _group_parties(who: str) -> list[str]:
    parties: list[str] = []
    for g in _PARTY_GROUP.finditer(who):
        if g.group("parties"):
            parties += re.findall(r"[A-ZÅÄÖ]{1,4}", g.group("parties"))
        elif g.group("abbr"):
            parties.append(g.group("abbr"))
        elif g.group("gen"):
            word = g.group("gen").lower()
            for full, abbr in PARTY_NAMES.items():
                if word in (full + "s", full[:-1] + "s", full[:-2] + "ets", full + "s"):
                    parties.append(abbr)
    if not parties:
        parties = [
            abbr for word, abbr in PARTY_NAMES.items() if re.search(rf"\b{word}\b", who.lower())
        ]
    return list(dict.fromkeys(parties))


def _statements(text: str) -> list[str]:
    """Lines, then sentences within a line: each may open a reservation or a note."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out += [s for s in re.split(r"(?<=\.)\s+(?=[A-ZÅÄÖ])", line) if s]
    return out


def find_reservations(
    text: str, attendance: Iterable[Any] | None = None
) -> tuple[list[dict[str, Any]], int | None]:
    """Reservationer [{by, party, text}] and how many persons reserved themselves (None: unknown).

    A party group ("Moderaternas ledamöter", "Ledamöterna från SD") is expanded to the group's
    voting members on the meeting's attendance list when there is one."""
    members = [a for a in (attendance or []) if getattr(a, "group", "beslutande") == "beslutande"]
    out: list[dict[str, Any]] = []
    groups: list[tuple[str, str]] = []
    for s in _statements(text):
        hit = _RESERV_HEAD.search(s)
        if not hit:
            continue
        who, rest = s[: hit.start()], s[hit.start() :].strip()
        found = people(who)
        for name, party in found:
            if all(r["by"] != name for r in out):
                out.append({"by": name, "party": party, "text": rest})
        if not found:
            groups += [(p, rest) for p in _group_parties(who)]
    count: int | None = len(out)
    for party, rest in dict.fromkeys(groups):
        if out and not any(r["by"] is None for r in out) and any(r["party"] == party for r in out):
            continue  # "Vi moderater reserverar oss…" inside a reservation that named them
        expanded = [a for a in members if getattr(a, "party", None) == party]
        if expanded:
            for a in expanded:
                if all(r["by"] != a.name for r in out):
                    out.append({"by": a.name, "party": party, "text": rest, "from_group": True})
        else:
            out.append({"by": None, "party": party, "text": rest})
            count = None
    if count is not None:
        count = sum(1 for r in out if r["by"])
    return out, count


def find_annotations(text: str) -> list[dict[str, Any]]:
    """Protokollsanteckningar [{by, party, text}]: one per statement that opens one."""
    out: list[dict[str, Any]] = []
    for s in _statements(text):
        hit = _NOTE_HEAD.search(s)
        if not hit:
            continue
        who = s[: hit.start()] if hit.start() else s[hit.end() :]
        found = people(who)
        parties = [p for _, p in found if p] or _group_parties(who)
        if not found and not parties:
            continue
        out.append(
            {
                "by": ", ".join(n for n, _ in found) or None,
                "party": ", ".join(dict.fromkeys(parties)) or None,
                "text": s[hit.start() :].strip(" :") if hit.start() else s.strip(" :"),
            }
        )
    return out


_JAV = re.compile(r"\bjäv", re.I)


def find_conflicts(text: str) -> list[dict[str, Any]]:
    """Jäv: persons who declared a conflict of interest and left the matter."""
    out: list[dict[str, Any]] = []
    if not _JAV.search(text):
        return out
    for s in re.split(r"(?<=\.)\s+", one_line(text)):
        if _JAV.search(s):
            for name, party in people(s):
                if all(c["by"] != name for c in out):
                    out.append({"by": name, "party": party, "text": s.strip()})
    return out
