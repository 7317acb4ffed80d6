"""Yrkanden (who proposed what, and whether it won) and reservationer, from an item's text."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from .text import NAME, one_line

_P = r"\([A-ZÅÄÖ]{1,4}\)"
_WHO = rf"{NAME}\s*{_P}(?:\s*(?:,|och)\s*{NAME}\s*{_P})*"
# The head of a yrkande: one or more "Name (Party)" then the verb. Its text runs to the end of the
# sentence or the next head, whichever comes first.
_HEAD = re.compile(rf"(?P<who>{_WHO})(?:\s*,?\s*med flera)?\s+(?P<verb>yrkar|föreslår|instämmer)\b")
_ONE = re.compile(rf"(?P<name>{NAME})\s*\((?P<party>[A-ZÅÄÖ]{{1,4}})\)")
_SENTENCE_END = re.compile(r"\.(?:\s+(?=[A-ZÅÄÖ\"”])|\s*$)")
# Role words that a name pattern would otherwise swallow ("Ordföranden Jonas Attenius (S)").
_ROLE = re.compile(
    r"^(?:Ordföranden|Ordförande|Ledamoten|Ledamöterna|Ersättaren|Tjänstgörande|Vice|Även|Och)\s+"
)
_RESERV = re.compile(r"reserverar\s+sig", re.IGNORECASE)
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
_GROUP = re.compile(
    r"(?:Ledamöterna|Ledamoterna|Representanterna|Företrädarna)\s+(?:från|för)\s+"
    r"(?P<parties>[A-ZÅÄÖ]{1,4}(?:\s*(?:,|och)\s*[A-ZÅÄÖ]{1,4})*)"
)


@dataclass
class Motion:
    """Yrkande: a proposal made at the meeting, by whom, and whether it won (None: not stated)."""

    by: str
    party: str | None
    text: str
    won: bool | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _people(who: str) -> list[tuple[str, str]]:
    out = []
    for m in _ONE.finditer(who):
        name = m.group("name")
        while _ROLE.match(name):
            name = _ROLE.sub("", name, count=1)
        out.append((name.strip(), m.group("party")))
    return out


def find_motions(text: str) -> list[Motion]:
    """Yrkanden in a motions/proposal text: 'Jens Christian Berlin (L) föreslår avslag.'"""
    flat = one_line(text)
    heads = list(_HEAD.finditer(flat))
    motions: list[Motion] = []
    for n, head in enumerate(heads):
        stop = heads[n + 1].start() if n + 1 < len(heads) else len(flat)
        segment = flat[head.end() : stop]
        end = _SENTENCE_END.search(segment)
        body = (segment[: end.start()] if end else segment).strip(" ,:;")
        people = _people(head.group("who"))
        if not people:
            continue
        verb = head.group("verb")
        motions.append(
            Motion(
                by=", ".join(p[0] for p in people),
                party=", ".join(dict.fromkeys(p[1] for p in people)),
                text=f"{verb} {body}".strip(),
            )
        )
    return motions


def _surnames(motion: Motion) -> list[str]:
    return [name.split()[-1] for name in motion.by.split(", ") if name.split()]


def _mentions(clause: str, surnames: list[str]) -> bool:
    return any(re.search(rf"\b{re.escape(s)}s?\b", clause) for s in surnames)


_PARTIES = r"[A-ZÅÄÖ]{1,4}(?:\s*(?:,|och)\s*[A-ZÅÄÖ]{1,4})*"
# Göteborg votes on written yrkanden by the parties behind them: "återremissyrkandet från S, V
# och MP … finner att det bifallits".
_GROUP_REF = re.compile(rf"(?:yrkande\w*|förslag\w*)\s+från\s+(?P<g>{_PARTIES})")
_CHAIR = re.compile(rf"Ordförande[n]?\s+(?:{NAME}\s*{_P})?")
_PROPOSES_REMIT = re.compile(r"återremitteras|återremittera\b|yrkar återremiss|föreslår återremiss")


# "finner att kommunstyrelsen beslutat avstyrka motionen": yrkanden asking the same won.
_MOTION_ACTION = re.compile(
    r"beslut\w*\s+(?:att\s+)?(avstyrka|tillstyrka|avslå|bifalla)\s+motionen"
    r"|motionen\s+(?:ska\s+)?(anses besvarad|avslås|bifalls)"
)
_OPPOSITE = {
    "avstyr": "tillstyrk",
    "tillst": "avstyrk",
    "avslå": "bifall",
    "bifall": "avslå",
    "anses ": "bifall",
}
# "ställer propositioner på yrkandena" / "ställer förslagen mot varandra": one contest, so whoever
# is not named the winner (nor backs the winner) lost.
_CONTEST = re.compile(r"propositioner på yrkandena|förslagen mot varandra")


def _group(text: str) -> frozenset[str] | None:
    """The party group whose written yrkande a motion supports (not one it wants rejected)."""
    for g in _GROUP_REF.finditer(text):
        if "avslag" not in text[max(0, g.start() - 30) : g.start()]:
            return frozenset(re.findall(r"[A-ZÅÄÖ]{1,4}", g.group("g")))
    return None


def _verdict(m: Motion, before: str, after: str, sentence: str) -> bool | None:
    """What one 'ställer … och finner att …' sentence says about a motion (None: nothing)."""
    names = _surnames(m)
    group = _group(m.text)
    subjects = [
        frozenset(re.findall(r"[A-ZÅÄÖ]{1,4}", g.group("g"))) for g in _GROUP_REF.finditer(before)
    ]
    if subjects == [group] and re.search(r"\bdet\s+(?:bifall|avslag)", after):
        return bool(re.search(r"\bdet\s+bifall", after))
    if _mentions(after, names):
        if re.search(r"avsl", after):
            return False
        if re.search(r"bifall|beslutar enligt|beslutat enligt", after):
            return True
    if _mentions(before, names) and re.search(r"bifall|beslutar enligt", after):
        return False  # a contestant not named as the winner lost the vote
    if re.search(r"återremi", sentence) and re.search(r"avgör", sentence):
        remitted = bool(re.search(r"återremitter", after))
        if _PROPOSES_REMIT.search(m.text):
            return remitted
        if "avslag på återremiss" in m.text and remitted:
            return False
        return None
    action = _MOTION_ACTION.search(after)
    if action and re.search(r"motion", m.text):
        stem = (action.group(1) or action.group(2))[:6]
        if stem in m.text:
            return True
        opp = _OPPOSITE.get(stem, "-")
        if re.search(rf"{opp}\w*\s+(?:till\s+)?motionen|motionen\s+(?:ska\s+)?{opp}", m.text):
            return False
    organ = re.search(r"bifall\w*\s+(?:till\s+)?(\w+s)\s+förslag", after)
    if organ and re.search(r"bifall", m.text):
        return organ.group(1) in m.text
    if organ and re.search(r"avslag|avslås|avslå", m.text):
        return False
    return None


def decide_won(motions: list[Motion], proceedings: str) -> None:
    """Set each motion's `won` from the Beslutsgång/Propositionsordning ('finner att … bifaller …');
    a later proposition settles the matter over an earlier one (återremiss first, then the main vote)."""
    flat = one_line(proceedings)
    # "Med 20 ja-röster och 26 nej-röster finner ordföranden att …": a vote after the
    # acclamation settles it, and a later verdict of lost overrides an earlier one of won.
    flat = re.sub(r"finner ordföranden att", "finner att", flat)
    sentences = [s for s in re.split(r"(?<=\.)\s+", flat) if "finner att" in s]
    for sentence in sentences:
        before, _, after = sentence.partition("finner att")
        verdicts = {id(m): _verdict(m, _CHAIR.sub("", before), after, sentence) for m in motions}
        winners = [m for m in motions if verdicts[id(m)]]
        for m in motions:
            verdict = verdicts[id(m)]
            if verdict is None and winners and _CONTEST.search(before):
                backs = any(_mentions(m.text, _surnames(w)) for w in winners) and "bifall" in m.text
                verdict = backs
            if verdict is not None and (m.won is None or verdict is False or m.won):
                m.won = verdict
    _inherit(motions)


def _inherit(motions: list[Motion]) -> None:
    """'X (S) och Y (M) föreslår att Heidi Hankanen Ängbergs (C) förslag bifalls' shares the fate
    of Heidi Hankanen Ängberg's motion."""
    for m in motions:
        if m.won is not None or not re.search(r"bifall", m.text):
            continue
        for other in motions:
            if other is not m and other.won is not None and _mentions(m.text, _surnames(other)):
                m.won = other.won
                break


def find_reservations(text: str) -> list[dict[str, Any]]:
    """Reservationer: [{by, party, text}], one per person (or per party when only parties are named)."""
    flat = one_line(text)
    out: list[dict[str, Any]] = []
    for sentence in re.split(r"(?<=\.)\s+(?=[A-ZÅÄÖ])", flat):
        hit = _RESERV.search(sentence)
        if not hit:
            continue
        who = sentence[: hit.start()]
        rest = sentence[hit.start() :].strip()
        people = _people(who)
        for name, party in people:
            out.append({"by": name, "party": party, "text": rest})
        if people:
            continue
        group = _GROUP.search(who)
        parties = re.findall(r"[A-ZÅÄÖ]{1,4}", group.group("parties")) if group else []
        parties += [
            abbr for word, abbr in PARTY_NAMES.items() if re.search(rf"\b{word}\b", who.lower())
        ]
        for party in dict.fromkeys(parties):
            out.append({"by": None, "party": party, "text": rest})
    return out
