"""What a case is, read from its reports when no ``case.toml`` says: date, kind, title, id.

The site comes from ``geo.event_site``; here the reports give the date (a full date
written in the text, the earliest in the report first), the kind of incident (the
event words of the opening sentences) and a title made of both ("Bombing in Karachi,
6 October 2024"). What ``case.toml`` sets is kept; only what it leaves out is inferred.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from itertools import islice
from typing import TYPE_CHECKING, Sequence

from .cases import Case, slug
from .incident_words import KIND_WORDS, MONTH, MONTH_WORDS, RECALL
from .sentences import sentences

if TYPE_CHECKING:
    from .event_site import SiteCandidate

_MONTH = rf"(?P<month>{MONTH})\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATES = [re.compile(pattern, re.I) for pattern in (
    rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s*{_YEAR}\b",      # 11 March 2025
    rf"\b{_MONTH}\s+{_DAY}\s*,?\s*{_YEAR}\b",                # March 11, 2025
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b",  # 2025-03-11
)]
#: Dates are looked for in the opening of each report: the incident's own date is given
#: early, while dates further down are mostly of earlier incidents.
_OPENING_SENTENCES = 6

_KIND_PATTERNS = {kind: re.compile(pattern, re.I) for kind, pattern in KIND_WORDS.items()}
#: A kind that refines another: chosen over it whenever its words are there at all
#: ("suicide" alone refines a bombing: "a blast, believed to be suicide in nature").
_REFINES = {"suicide_bombing": "bombing"}
_KIND_LABELS = {
    "hijacking": "Hijacking", "suicide_bombing": "Suicide bombing", "bombing": "Bombing",
    "ambush": "Ambush", "raid": "Raid", "kidnapping": "Kidnapping", "rocket_attack": "Rocket attack",
    "airstrike": "Air strike", "shooting": "Shooting", "attack": "Attack", "other": "Incident",
}

Report = tuple[str, str]  # (article name, text)


#: The first sentence (the lede) says what happened; it counts this many times.
_LEDE_WEIGHT = 3


def _openings(reports: Sequence[Report]) -> list[str]:
    """The first sentences of each report, as one text each."""
    openings = []
    for _, text in reports:
        spans = list(islice(sentences(text), _OPENING_SENTENCES))
        openings.append(text[:spans[-1][1]] if spans else "")
    return openings


def _opening_sentences(reports: Sequence[Report]) -> list[tuple[str, int]]:
    """The opening sentences of every report that do not recall another incident, with their weights."""
    found = []
    for _, text in reports:
        for number, (start, end) in enumerate(islice(sentences(text), _OPENING_SENTENCES)):
            sentence = text[start:end]
            if not RECALL.search(sentence):  # a recalled incident tells nothing of this one's kind
                found.append((sentence, _LEDE_WEIGHT if number == 0 else 1))
    return found


def _dates_in(text: str) -> list[date]:
    found: list[tuple[int, date]] = []
    for pattern in _DATES:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else MONTH_WORDS[month.lower().rstrip(".")]
            try:
                found.append((match.start(), date(int(match["year"]), number, int(match["day"]))))
            except ValueError:
                continue  # 31 February
    return [day for _, day in sorted(found)]


def incident_date(reports: Sequence[Report]) -> date | None:
    """The date the reports give for the incident: the commonest first-given date of their openings."""
    firsts = Counter()
    for opening in _openings(reports):
        days = _dates_in(opening)
        if days:
            firsts[days[0]] += 1
    if not firsts:
        return None
    # Most reports agreeing wins; between equals, the earlier day (reports run a day late).
    return min(firsts, key=lambda day: (-firsts[day], day))


def incident_kind(reports: Sequence[Report]) -> str:
    """The kind of incident the reports' openings tell (``"attack"`` when none is clearer)."""
    counts: Counter[str] = Counter()
    for sentence, weight in _opening_sentences(reports):
        for kind, pattern in _KIND_PATTERNS.items():
            counts[kind] += weight * len(pattern.findall(sentence))
    specific = {kind: count for kind, count in counts.items() if count and kind not in ("attack",)}
    if not specific:
        return "attack" if counts["attack"] else ""
    best = max(specific, key=lambda kind: (specific[kind], -list(KIND_WORDS).index(kind)))
    for refined, general in _REFINES.items():
        if best == general and specific.get(refined):
            best = refined
    return best


#: A site given as a distance from a town ("About 10 km from Duki"): titled "near Duki".
_DISTANCE_FROM = re.compile(r"(?:about |some |around |nearly )?\d[\d.,]*(?:\s*(?:to|-|–)\s*\d[\d.,]*)?\s*"
                            r"(?:km|kilomet(?:re|er)s?|miles?)\s+(?:from|of)\s+(?:the\s+)?(?P<place>.+)", re.I)


def _where(candidate: SiteCandidate) -> str:
    """The site as a title says it: "in Saddar, Karachi", "near Duki"."""
    distance = _DISTANCE_FROM.fullmatch(candidate.label)
    return f"near {distance['place']}" if distance else f"in {candidate.label}"


def case_title(kind: str, site: Sequence[SiteCandidate], day: date | None) -> str:
    """A title from what is known: "Bombing in Saddar, Karachi, 6 October 2024"."""
    title = _KIND_LABELS.get(kind, "Incident")
    if site:
        title += f" {_where(site[0])}"
    if day:
        title += f", {day.day} {day.strftime('%B %Y')}"
    return title


def completed_case(case: Case, reports: Sequence[Report], site: Sequence[SiteCandidate]) -> Case:
    """``case`` with whatever its settings leave out read from ``reports`` and ``site``.

    An id is made from the date, the place and the kind ("2024-10-06-karachi-bombing");
    an inferred case always has one.
    """
    day = case.date or incident_date(reports)
    kind = case.kind or incident_kind(reports)
    title = case.title or case_title(kind, site, day)
    case_id = case.id
    if not case_id:
        parts = [day.isoformat() if day else "", _where(site[0]).removeprefix("in ") if site else "", kind or "incident"]
        case_id = slug(" ".join(part for part in parts if part)) or "incident"
    return replace(case, id=case_id, date=day, kind=kind, title=title)
