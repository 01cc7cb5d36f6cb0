"""Numeric claims in reporting: who says how many were killed, injured, held, rescued, arrested.

Each number phrase (``geo.numbers``) is read with the words around it: the noun it
counts (passengers, militants, soldiers …) and the nearest event word (rescued,
killed, held hostage …) give the figure; a count with no noun ("killed 5", "two
killed", "death toll rose to 12") is read from the event word right beside it; the
words themselves are in :mod:`geo.claims_lexicon`. Who is credited comes from
:mod:`geo.claimants`; which incident a sentence speaks of (the report's own, a recalled
one of the curated list, or :data:`OTHER_INCIDENT`) from its time cues
(:mod:`geo.claims_incident`) and the sentences before it (:mod:`geo.claims_thread`).
A number whose figure cannot be told is left out, never guessed.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice

from .claimants import (
    CLAIMANTS_CSV,
    COUNTRIES_CSV,
    UNNAMED_GROUP,
    ClaimantRow,
    Claimants,
    GroupsNamed,
    claimant_table,
    frozen_names,
    load_claimants,
)
from .claims_incident import (
    INCIDENTS_CSV,
    MONTH_AFTER,
    MONTH_BEFORE,
    OTHER_INCIDENT,
    YEAR_AS_DATE,
    IncidentRef,
    ReportTime,
    TimeCues,
    incident_of,
    load_incident_refs,
    telling_words,
    time_cues,
)
from .claims_lexicon import (
    ARMED,
    ATTACKER_GROUPS,
    BARE_EVENT,
    CLAUSE_WORDS,
    DEATH_NOUNS,
    EVENT_PHRASES,
    EVENT_WORDS,
    FIGURE_BY,
    FIGURES,
    NOUNS,
    SECURITY_HEADS,
    SECURITY_MODIFIERS,
    SUBGROUP_FIGURE,
    SUBSET_WORDS,
)
from .claims_thread import Thread
from .numbers import Quantity, quantities
from .sentences import Evidence, sentences

__all__ = [
    "CLAIMANTS_CSV", "COUNTRIES_CSV", "FIGURES", "INCIDENTS_CSV", "OTHER_INCIDENT", "UNNAMED_GROUP",
    "Claim", "ClaimantRow", "IncidentRef", "claims_in_text", "load_claimants", "load_incident_refs",
    "telling_words",
]

_BARE_BEFORE = re.compile(
    r"\b(?P<event>killed|killing|kills|kill|martyred|martyring|wounded|wounding|injured|injuring|hurt"
    r"|rescued|rescuing|freed|abducted|abducting|kidnapped|kidnapping|arrested|arresting|detained"
    r"|detaining|apprehended|apprehending)(?:\s+(?:another|other|a further|an additional))?\s*$"
    r"|\b(?P<toll>toll)\b[\w\s]{0,25}?\b(?:to|at|of|reached|hit|is|was|stands|stood)\s*$"
    r"|\b(?P<lives>lives) of\s*$", re.I)
_BARE_AFTER = re.compile(
    r"(?:,?\s+(?:others|more|of them|were|was|have|has|had|been|are|is|being|also|later|so far|people"
    r"|reported|reportedly|said|believed|feared|confirmed|to be|\w+ly))*\s+(?:(?P<event>killed|dead|died"
    r"|martyred|succumbed|injured|wounded|hurt|rescued|freed|abducted|kidnapped|arrested|detained)\b"
    r"|(?P<injuries>sustained|suffered|received) (?:\w+ )?(?:injuries|wounds)\b"
    r"|(?P<treated>(?:undergoing|receiving|under) (?:medical )?treatment|being treated)\b)", re.I)
# "no one", "No. 1"; "the two were …" points back at people already counted.
_NOT_BARE_BEFORE = re.compile(r"\b(?:no|any|every|some|No\.|number|#|the|these|those)\s*$", re.I)
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")

_NOT_COUNTS = re.compile(r"\s*(?:-?\s*year|%|per ?cent|km|kilomet|miles?\b|hours?\b|days?\b|"
                         r"minutes?\b|months?\b|weeks?\b|years?\b|bn\b|billion|coaches|vehicles|"
                         r"trains?\b|am\b|pm\b|a\.m|p\.m|kg\b|kilograms?\b|rupees\b|rs\b|"
                         r"locations?\b|places?\b|districts?\b|times\b)", re.I)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
# Bodies are counted when handled (recovered, brought, identified), after the toll is known.
_BODY_NOUNS = frozenset({"bodies", "corpses"})
_NOUN_STOP = re.compile(r"[,;:()—–\"“”]")
_MORE = re.compile(r"\s+more\b")
# How far from a number its words are read: the event word (a verb right before it or a
# noun phrase after it) and the hedge and noun before it.
# Bounded, so a sentence of thousands of numbers is read in linear time.
_EVENT_REACH = 90
_NEAR_WORDS = 40
_WORD_REACH = 40  # characters per word looked for after a number
_CLAUSE_BREAK = re.compile(r"[;:()“”\"—–]| - | but | while | whereas | after | before | when ")


@dataclass(frozen=True, slots=True)
class Claim:
    """One numeric claim an article reports."""

    article: str
    figure: str
    low: int | None
    high: int | None
    claimant: str
    incident: str
    sentence: str
    start: int          # offsets of the number phrase in the article
    end: int
    quote: str          # the number phrase with the noun it counts
    subgroup: str = ""  # "women", "children" … for a breakdown of a larger figure


def _words_after(sentence: str, pos: int, limit: int) -> list[tuple[str, int]]:
    # Looked for within reach only: after a bare number ("1 2 3 …") no word may follow.
    found = []
    for match in islice(_TOKEN.finditer(sentence, pos, pos + _WORD_REACH * limit), limit):
        word = _TOKEN.match(sentence, match.start(), match.start() + _WORD_REACH)  # whole, if the reach cut it
        found.append((word.group().lower(), word.start()))
    return found


def _counted_noun(sentence: str, quantity_end: int) -> tuple[str, str, int]:
    """The noun group a number counts, the noun, and where the noun ends (or "", "", end)."""
    words = _words_after(sentence, quantity_end, 6)
    previous_end = quantity_end
    # "27 of the rebels", "150 of the 450 passengers": the noun after "of the"; a comma
    # ends the phrase ("wounding 30 others, mostly policemen" counts no policemen).
    for index, (word, start) in enumerate(words[:4]):
        if _NOUN_STOP.search(sentence, previous_end, start):
            break
        modifier = words[index - 1][0] if index else ""
        if word in NOUNS or modifier in SECURITY_MODIFIERS and word in SECURITY_HEADS:
            group = "security" if modifier in SECURITY_MODIFIERS else NOUNS[word]
            if group == "subgroup" and modifier in ARMED:
                group = "militants"
            return group, word, start + len(word)
        if word == "dead" and index + 1 < len(words) and words[index + 1][0] in _BODY_NOUNS:
            previous_end = start + len(word)
            continue  # "two dead bodies"
        if word in SUBSET_WORDS or word in CLAUSE_WORDS:
            break  # "157 others including policemen": the policemen are some of them
        if word in ("of", "the", "more", "other", "people's") or index < 2 and word not in EVENT_WORDS:
            previous_end = start + len(word)
            continue
        break
    return "", "", quantity_end


def _events(sentence: str) -> list[tuple[int, str]]:
    """Event words in ``sentence`` with their character positions."""
    found = [(m.start(), EVENT_WORDS[m.group().lower()]) for m in _TOKEN.finditer(sentence)
             if m.group().lower() in EVENT_WORDS]
    for pattern, event in EVENT_PHRASES:
        found.extend((m.start(), event) for m in pattern.finditer(sentence))
    return sorted(found)


def _same_clause(sentence: str, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return not _CLAUSE_BREAK.search(sentence[lo:hi])


_PART_OF = re.compile(r"\s+of\b")
_SOURCES = re.compile(r"\b(?:according to|citing|quoting)(?: the)?$")
_AUXILIARY = re.compile(r"\b(?:were|was|been|are|is|be|being|got|get|gets)\s+(?:\w+ly\s+)?$", re.I)
_STRENGTH = re.compile(r"\b(?:has|have|had|boasts?|comprises?|strength of|numbering|of up to)\s*$", re.I)


def _figure(group: str, noun: str, noun_end: int, start: int, end: int, sentence: str,
            events: list[tuple[int, str]]) -> tuple[str, str]:
    """(figure, subgroup) for a number at ``start:end`` counting ``group``, from its event word."""
    before = sentence[max(0, start - _NEAR_WORDS):start].rstrip().lower()
    if group == "passengers" and re.search(r"\b(?:of the|its|all)$", before):
        return "aboard", ""  # "190 of the 450 passengers", "its nearly 500 passengers"
    if _SOURCES.search(before):
        return "", ""  # "according to the three security officials": who speaks, not a figure
    candidates = []
    # Only event words within reach matter; the events are sorted by position.
    lo = bisect_left(events, (start - _EVENT_REACH, ""))
    hi = bisect_right(events, (noun_end + _EVENT_REACH, "~"))
    for position, event in events[lo:hi]:
        if start <= position < noun_end:
            continue  # inside the counted phrase ("40 hostages" is a count, not an event)
        if event == "attacked" and group not in ATTACKER_GROUPS:
            continue  # "attacked … killing 20 passengers": the passengers did not attack
        gap = start - position if position < start else position - noun_end
        # A verb right before its object wins ("rescued 40", "shot dead 20 miners"), unless
        # it is passive ("were martyred and 12 others"); then the predicate after the noun
        # ("… were abducted", not the participle in "passengers travelling on a coach").
        passive = bool(_AUXILIARY.search(sentence, max(0, position - 20), position))
        rank = 0 if position < start and gap <= 25 and not passive else 1 if position > start and passive else 2
        if gap <= _EVENT_REACH and _same_clause(sentence, position, start):
            candidates.append((rank, gap, event))
    event = min(candidates)[2] if candidates else ""
    if noun in DEATH_NOUNS:
        return "killed_total", ""  # "claimed 26 lives", "recovered nine bodies"
    if not event:
        if group == "fighters" or group == "militants" and _STRENGTH.search(before):
            return "group_strength", ""  # "the group has around 3,000 fighters"
        if group == "militants" and not _PART_OF.match(sentence, end, end + 8):
            return "attackers", ""  # "four suicide bombers", but not "one of the attackers"
        return "", ""
    if group == "subgroup":
        noun_after = _words_after(sentence, end, 1)
        return SUBGROUP_FIGURE.get(event, ""), noun_after[0][0] if noun_after else ""
    return FIGURE_BY.get((group, event), ""), ""


_BARE_TAIL = re.compile(r"\s*(?:$|[,.;:)\-—–]|(?:and|or|others|more|in|at|on|from|of|as|when|after|during"
                        r"|while|since|including|with|so|but|by|near|inside|outside|people|persons)\b)", re.I)


def _bare_figure(sentence: str, quantity: Quantity) -> str:
    """The figure of a count with no noun, from the event word right beside it ("" if none)."""
    if _BARE_YEAR.fullmatch(quantity.text) or _NOT_BARE_BEFORE.search(
            sentence, max(0, quantity.start - 12), quantity.start):
        return ""  # "in 2023", "no one", "No. 1"
    before = _BARE_BEFORE.search(sentence, max(0, quantity.start - _NEAR_WORDS), quantity.start)
    if before and _BARE_TAIL.match(sentence, quantity.end, quantity.end + _NEAR_WORDS):
        # "killed 5 and …", but not "freed 34 detained comrades": the count must end there.
        word = before.group("event") or before.group("toll") or before.group("lives")
        return BARE_EVENT[word.lower()]
    after = _BARE_AFTER.match(sentence, quantity.end, quantity.end + _NEAR_WORDS)
    if not after:
        return ""
    if after.group("treated") and re.match(r"\s+of\s+(?:them|whom)\b", sentence[quantity.end:], re.I):
        return ""  # "Ten were injured; 4 of them are under treatment": a part, not another figure
    if after.group("injuries") or after.group("treated"):
        return "injured"  # "45 others were undergoing treatment"
    return BARE_EVENT[after.group("event").lower()]


def claims_in_text(text: str, article: str, main: IncidentRef | None = None,
                   incidents: list[IncidentRef] | None = None, *,
                   claimants: Mapping[str, Sequence[str]] | None = None) -> list[Claim]:
    """Every numeric claim in ``text``.

    ``main`` is the incident the article reports on (its date may be unknown);
    ``incidents`` the curated ones a report may recall; ``claimants`` a case's own
    names for a claimant label (label → names, e.g. a group's spokesman).
    """
    incidents = incidents if incidents is not None else []
    table = claimant_table(frozen_names(claimants))
    groups = GroupsNamed(text, table)
    time = ReportTime.of(text, main)
    thread = Thread(main.id if main else "")
    shown = Evidence(text)
    read: list[tuple[Claim, bool]] = []
    previous_end = 0
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        cues = time_cues(sentence)
        own = incident_of(sentence, main, incidents, time, cues, toll_given=thread.toll_given)
        incident = thread.incident(sentence, own, cues, "\n" in text[previous_end:s_start])
        previous_end = s_end
        incident_at = _NumberIncidents(cues, incident, lambda near, sentence=sentence: incident_of(
            sentence, main, incidents, time, near, toll_given=thread.toll_given))
        found = _sentence_claims(
            article, sentence, (s_start, s_end), incident_at,
            Claimants(sentence, table, lambda at, base=s_start: groups(base + at)), shown)
        thread.close(sentence, incident, cues, (c.incident for c, _ in found if c.figure != "group_strength"))
        read.extend(found)
    return _without_repeated_bodies(read)


class _NumberIncidents:
    """The incident of each number of a sentence. A relative cue counts for the numbers near
    it ("… killed 73 near Kerman, where Soleimani was killed four years ago"): one answer
    per set of cues in reach, the sentence's own for its whole set."""

    def __init__(self, cues: TimeCues, incident: str, resolve: Callable[[TimeCues], str]):
        self._cues = cues
        self._resolve = resolve
        self._by_cues: dict[TimeCues, str] = {cues: incident}

    def __call__(self, position: int) -> str:
        near = self._cues.near(position)
        if near not in self._by_cues:
            self._by_cues[near] = self._resolve(near)
        return self._by_cues[near]


def _sentence_claims(article: str, sentence: str, span: tuple[int, int], incident_at: Callable[[int], str],
                     claimant: Claimants, shown: Evidence) -> list[tuple[Claim, bool]]:
    """The claims of one sentence, each with whether it is a count of bodies."""
    s_start = span[0]
    found = []
    last_group = ""
    events = _events(sentence)
    for quantity in quantities(sentence):
        if (_NOT_COUNTS.match(sentence, quantity.end, quantity.end + _NEAR_WORDS)
                or MONTH_BEFORE.search(sentence, max(0, quantity.start - 12), quantity.start)
                or MONTH_AFTER.match(sentence, quantity.end, quantity.end + 16)):
            continue  # "9 am", "100 km", "the 32-year-old", "on July 23"
        if _BARE_YEAR.fullmatch(quantity.text) and YEAR_AS_DATE.search(
                sentence, max(0, quantity.start - 12), quantity.start):
            continue  # "in 2019 when officials were killed"
        group, noun, noun_end = _counted_noun(sentence, quantity.end)
        if not group and _MORE.match(sentence, quantity.end):
            group = last_group  # "40 hostages … but 60 more are still held"
        last_group = group or last_group
        if group:
            figure, subgroup = _figure(group, noun, noun_end, quantity.start, quantity.end, sentence, events)
        else:
            figure, subgroup = _bare_figure(sentence, quantity), ""
        if not figure:
            continue
        incident = "" if figure == "group_strength" else incident_at(quantity.start)
        quote = sentence[quantity.start:max(noun_end, quantity.end)]
        found.append((Claim(article=article, figure=figure, low=quantity.low, high=quantity.high,
                            claimant=claimant(quantity.start), incident=incident,
                            sentence=shown(span, s_start + quantity.start),
                            start=s_start + quantity.start, end=s_start + quantity.end,
                            quote=quote, subgroup=subgroup),
                      noun in _BODY_NOUNS))
    return found


def _without_repeated_bodies(read: list[tuple[Claim, bool]]) -> list[Claim]:
    """The claims but for counts of bodies that repeat or part a toll of the same incident.

    Bodies brought to a hospital, identified or pulled from the rubble are counted after
    the toll is known ("three of the 8 bodies have been identified", "four bodies were
    recovered from the mosque"). Such a count is dropped when a total of its incident is
    as large, or any other toll (of soldiers, civilians …) or body count is larger: one
    equal to the soldiers killed still tells the total, and one larger than every toll,
    or the only toll, is a toll.
    """
    totals: dict[str, int] = {}
    tolls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    for claim, body in read:
        if "killed" in claim.figure and claim.low is not None:
            for kept in (bodies,) if body else (tolls, totals) if claim.figure == "killed_total" else (tolls,):
                kept[claim.incident] = max(kept.get(claim.incident, 0), claim.low)

    def repeats(claim: Claim) -> bool:
        low, incident = claim.low or 0, claim.incident
        return low <= totals.get(incident, 0) or low < max(tolls.get(incident, 0), bodies.get(incident, 0))

    return [claim for claim, body in read if not body or claim.low is None or not repeats(claim)]
