"""Numeric claims in reporting: who says how many were aboard, held, rescued, killed.

Each number phrase (``geo.numbers``) is read with the words around it: the noun it
counts (passengers, militants, soldiers …) and the nearest event word (rescued,
killed, held hostage …) give the figure; attribution phrases in the sentence ("the
BLA claimed", "security officials said", "PTI reported") give the claimant; a time
cue ("In November", "last year") sends the claim to another incident of the
curated list. A number whose figure cannot be told is left out, never guessed.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date
from itertools import islice
from pathlib import Path

from .sentences import Evidence, sentences
from .settings import DATA_DIR
from .numbers import Quantity, quantities

INCIDENTS_CSV = DATA_DIR / "incidents.csv"
OTHER_INCIDENT = "other"

#: Figure ids and what each counts.
FIGURES: dict[str, str] = {
    "aboard": "people on board",
    "hostages_held": "people held hostage",
    "security_personnel_held": "security personnel held hostage",
    "hostages_remaining": "hostages still held at the time of writing",
    "rescued": "people rescued or freed by security forces",
    "released_by_attackers": "people the attackers let go",
    "militants_killed": "attackers killed",
    "security_personnel_killed": "soldiers, police and other security personnel killed",
    "civilians_killed": "passengers, hostages or other civilians killed",
    "killed_total": "people killed, category not given",
    "injured": "people injured",
    "group_strength": "fighters the group is said to have",
}

# The noun a number counts, by group.
_NOUNS: dict[str, str] = {}
for _group, _words in {
    "people": "people persons individuals lives bodies",
    "civilians": "civilians miners labourers workers pilgrims citizens nationals residents",
    "passengers": "passengers passenger travellers travelers commuters",
    "hostages": "hostages hostage captives",
    "militants": "militants militant insurgents insurgent terrorists terrorist attackers "
                 "rebels gunmen assailants separatists bombers hijackers",
    "fighters": "fighters",
    "security": "soldiers soldier troops troopers personnel policemen policeman officers "
                "guards servicemen sepoys",
    "subgroup": "men women children",
}.items():
    for _word in _words.split():
        _NOUNS[_word] = _group

# Event words and the event they name; multi-word cues are matched on the text.
_EVENT_WORDS: dict[str, str] = {}
for _event, _words in {
    "killed": "killed kill killing kills dead died dies death deaths executed martyred slain "
              "massacred lives",
    "rescued": "rescued rescue rescuing freed recovered evacuated saved",
    "injured": "injured injuring injuries wounded wounding hurt",
    "held": "hostage hostages held holding captive captured seized abducted kidnapped",
    "aboard": "carrying aboard onboard travelling traveling",
    "remaining": "remain remaining remained",
}.items():
    for _word in _words.split():
        _EVENT_WORDS[_word] = _event
_EVENT_PHRASES = [(re.compile(p, re.I), e) for p, e in (
    (r"\bshot dead\b|\bfatally shot\b|\bgunned down\b|\blost their lives\b", "killed"),
    (r"\bon board\b|\bon the train\b|\bon the spot\b", "aboard"),
    (r"\blet (?:\w+ )?go\b|\breleased\b", "released"),
    (r"\bto free\b", "remaining"),  # "operations to free hundreds more": still held
)]

_FIGURE_BY = {
    ("militants", "killed"): "militants_killed",
    ("fighters", "killed"): "militants_killed",
    ("security", "killed"): "security_personnel_killed",
    ("security", "held"): "security_personnel_held",
    ("passengers", "killed"): "civilians_killed",
    ("hostages", "killed"): "civilians_killed",
    ("civilians", "killed"): "civilians_killed",
    ("people", "killed"): "killed_total",
    ("passengers", "held"): "hostages_held",
    ("hostages", "held"): "hostages_held",
    ("people", "held"): "hostages_held",
    ("civilians", "held"): "hostages_held",
    ("passengers", "aboard"): "aboard",
    ("people", "aboard"): "aboard",
    ("hostages", "aboard"): "hostages_remaining",   # "300 more [hostages] are on the train"
    ("hostages", "remaining"): "hostages_remaining",
    ("passengers", "remaining"): "hostages_remaining",
    ("passengers", "released"): "released_by_attackers",
    ("hostages", "released"): "released_by_attackers",
    ("civilians", "released"): "released_by_attackers",
}
for _group in ("passengers", "hostages", "people", "civilians"):
    _FIGURE_BY[(_group, "rescued")] = "rescued"

# Claimants, most specific first: "a security source told Reuters" is the source's claim.
_CLAIMANTS: list[tuple[str, re.Pattern[str]]] = [(label, re.compile(pattern, re.I)) for label, pattern in (
    ("BLA", r"\b(?:BLA|Baloch(?:istan)? Liberation Army|Jeeyand Baloch|the (?:militant )?group)\b"
            r"[^.]{0,60}?\b(?:said|says|claimed|claims|statement|Telegram|warned)\b"
            r"|\bclaimed by the BLA\b"),
    ("security officials", r"\bsecurity (?:officials?|sources?)\b|\bsenior security officials\b"),
    ("ISPR/military", r"\bISPR\b|\b(?:the )?(?:military|army) (?:said|says|spokesman)\b"
                      r"|\bsecurity forces said\b"),
    ("railway officials", r"\brailway (?:officials|authorities|controller|spokesman)\b"),
    ("police", r"\bpolice\b[^.]{0,40}\b(?:said|says|confirmed|told)\b|\bpolice officer\b"),
    ("PTI", r"\bPTI\b"),
    ("Reuters", r"\bReuters\b"),
    ("AFP", r"\bAFP\b"),
    ("AP", r"\bAssociated Press\b|\(AP\)|\bAP\b"),
    ("Radio Pakistan", r"\bRadio Pakistan\b"),
    ("government officials", r"\bofficials?\b|\bauthorities\b|\bgovernment spokes\w+\b|\bPakistan says\b"
                             r"|\bspokes(?:man|woman|person)\b|\bShahid Rind\b"),
    ("Centre for Research and Security Studies", r"\bCentre for Research and Security Studies\b"),
    ("analysts", r"\banalysts?\b"),
)]

# Words every incident summary shares: they tell no incident from another.
_GENERIC_WORDS = frozenset("""
attack attacks attacked killed killing people security forces militant militants group
that with from their were which after before about into near this other over been they
said said while more than
""".split())
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_NOT_COUNTS = re.compile(r"\s*(?:-?\s*year|%|per ?cent|km|kilomet|miles?\b|hours?\b|days?\b|"
                         r"minutes?\b|months?\b|weeks?\b|years?\b|bn\b|billion|coaches|vehicles|"
                         r"trains?\b|am\b|pm\b|a\.m|p\.m)", re.I)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_MORE = re.compile(r"\s+more\b")
_ANAPHORA = re.compile(r"\s*(?:They|Those|These|The dead|Among them|Those killed)\b")
_STATEMENT_BREAK = re.compile(r", as |; |, while ")
# How far from a number its words are read: the event word (a verb right before it or a
# noun phrase after it), the hedge and noun before it, and the statement that credits it.
# Bounded, so a sentence of thousands of numbers is read in linear time.
_EVENT_REACH = 90
_NEAR_WORDS = 40
_WORD_REACH = 40  # characters per word looked for after a number
_CLAIMANT_REACH = 400
_CLAUSE_BREAK = re.compile(r"[;:()“”\"]| but | while | whereas ")


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


@dataclass(frozen=True, order=True)
class IncidentRef:
    """What the claims parser needs to know of a curated incident."""

    id: str
    start: date
    words: frozenset[str]


def load_incident_refs(path: Path = INCIDENTS_CSV) -> list[IncidentRef]:
    """The curated incidents, with the words of their place and summary for matching."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    refs = []
    for row in rows:
        text = f"{row['place']} {row['summary']} {row['target']}"
        words = frozenset(w.lower() for w in _TOKEN.findall(text)
                          if len(w) > 3 and w.lower() not in _GENERIC_WORDS)
        refs.append(IncidentRef(row["id"], date.fromisoformat(row["date_start"]), words))
    return refs


def _words_after(sentence: str, pos: int, limit: int) -> list[tuple[str, int]]:
    # Looked for within reach only: after a bare number ("1 2 3 …") no word may follow.
    found = []
    for match in islice(_TOKEN.finditer(sentence, pos, pos + _WORD_REACH * limit), limit):
        word = _TOKEN.match(sentence, match.start(), match.start() + _WORD_REACH)  # whole, if the reach cut it
        found.append((word.group().lower(), word.start()))
    return found


def _counted_noun(sentence: str, quantity_end: int) -> tuple[str, str, int]:
    """The noun group a number counts, the noun, and where the noun ends (or "", "", end)."""
    if _NOT_COUNTS.match(sentence, quantity_end, quantity_end + _NEAR_WORDS):
        return "", "", quantity_end
    words = _words_after(sentence, quantity_end, 6)
    # "27 of the rebels", "150 of the 450 passengers": the noun after "of the".
    for index, (word, start) in enumerate(words[:4]):
        if word in _NOUNS:
            return _NOUNS[word], word, start + len(word)
        if word in ("of", "the", "more", "other", "people's") or index < 2 and word not in _EVENT_WORDS:
            continue
        break
    return "", "", quantity_end


def _events(sentence: str) -> list[tuple[int, str]]:
    """Event words in ``sentence`` with their character positions."""
    found = [(m.start(), _EVENT_WORDS[m.group().lower()]) for m in _TOKEN.finditer(sentence)
             if m.group().lower() in _EVENT_WORDS]
    for pattern, event in _EVENT_PHRASES:
        found.extend((m.start(), event) for m in pattern.finditer(sentence))
    return sorted(found)


def _same_clause(sentence: str, a: int, b: int) -> bool:
    lo, hi = sorted((a, b))
    return not _CLAUSE_BREAK.search(sentence[lo:hi])


def _figure(group: str, noun_end: int, start: int, end: int, sentence: str,
            events: list[tuple[int, str]]) -> tuple[str, str]:
    """(figure, subgroup) for a number at ``start:end`` counting ``group``, from its event word."""
    before = sentence[max(0, start - _NEAR_WORDS):start].rstrip().lower()
    if group == "passengers" and re.search(r"\b(?:of the|its|all)$", before):
        return "aboard", ""  # "190 of the 450 passengers", "its nearly 500 passengers"
    candidates = []
    # Only event words within reach matter; the events are sorted by position.
    lo = bisect_left(events, (start - _EVENT_REACH, ""))
    hi = bisect_right(events, (noun_end + _EVENT_REACH, "~"))
    for position, event in events[lo:hi]:
        if start <= position < noun_end:
            continue  # inside the counted phrase ("155 hostages" is a count, not an event)
        gap = start - position if position < start else position - noun_end
        # A verb right before its object wins: "rescued 155", "shot dead 20 miners".
        rank = 0 if position < start and gap <= 25 else 1
        if gap <= _EVENT_REACH and _same_clause(sentence, position, start):
            candidates.append((rank, gap, event))
    if not candidates:
        return ("group_strength", "") if group == "fighters" else ("", "")
    event = min(candidates)[2]
    if event == "injured":
        return "injured", ""
    if group == "subgroup":
        figure = {"rescued": "rescued", "killed": "civilians_killed", "held": "hostages_held",
                  "released": "released_by_attackers"}.get(event, "")
        noun = _words_after(sentence, end, 1)
        return figure, noun[0][0] if noun else ""
    return _FIGURE_BY.get((group, event), ""), ""


class _Claimants:
    """Who a sentence credits with each of its numbers.

    Attribution is looked for in the number's own statement and after it ("…, officials
    said"), not in an earlier statement of the sentence ("Forces said they rescued 155,
    as operations to free hundreds more continue": nobody is quoted on the hundreds).
    Each claimant's phrases are found once per sentence; a statement is searched only
    for those with a phrase near it, so a sentence of thousands of numbers stays linear.
    """

    def __init__(self, sentence: str):
        self.sentence = sentence
        self._spans: dict[str, tuple[list[int], list[int]]] = {}

    def __call__(self, position: int) -> str:
        statement = _statement_start(self.sentence, position)
        scope = (statement, min(len(self.sentence), max(position, statement) + _CLAIMANT_REACH))
        for label, pattern in _CLAIMANTS:
            if self._near(label, pattern, *scope) and pattern.search(self.sentence, *scope):
                return label
        return ""

    def _near(self, label: str, pattern: re.Pattern[str], lo: int, hi: int) -> bool:
        # A match inside lo:hi starts there or overlaps a match of the whole sentence
        # that starts before hi and ends after lo.
        if label not in self._spans:
            found = [m.span() for m in pattern.finditer(self.sentence)]
            self._spans[label] = ([start for start, _ in found], [end for _, end in found])
        starts, ends = self._spans[label]
        first = bisect_right(ends, lo)
        return first < len(starts) and starts[first] < hi


def _statement_start(sentence: str, position: int) -> int:
    """Where the statement holding ``position`` starts: after the last break before it,
    looked for no farther back than :data:`_CLAIMANT_REACH`."""
    lo = max(0, position - _CLAIMANT_REACH)
    starts = [m.end() for m in _STATEMENT_BREAK.finditer(sentence, lo, position + 8) if m.end() <= position]
    return starts[-1] if starts else lo


def _incident(sentence: str, main: IncidentRef | None, incidents: list[IncidentRef]) -> str:
    """The incident a sentence speaks of: the article's own unless a time cue says otherwise."""
    main_id = main.id if main else ""
    lower = sentence.lower()
    found = _TOKEN.findall(sentence)
    words = {w.lower() for w in found}
    # Only a capitalised month is a date: "the toll may rise" names no month.
    months = [_MONTHS[w.lower()] for w in found if w[:1].isupper() and w.lower() in _MONTHS]
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", sentence)]
    last_year = "last year" in lower or "previous year" in lower
    if main is None or not (months or years or last_year):
        return main_id
    if main.start.month in months and (not years or main.start.year in years) and not last_year:
        return main_id
    year = years[0] if years else main.start.year - 1 if last_year else None

    def fits(ref: IncidentRef) -> bool:
        if ref.id == main_id or ref.start >= main.start:
            return False
        if months:
            if ref.start.month not in months:
                return False
            # "In November" in a March report: the most recent November before it.
            return ref.start.year == year if year is not None else (main.start - ref.start).days < 366
        # A year alone ("last year") must also share a telling word with the incident.
        return ref.start.year == year and bool(ref.words & words)

    fitting = [ref for ref in incidents if fits(ref)]
    if not fitting:
        return OTHER_INCIDENT
    best = max(len(ref.words & words) for ref in fitting)
    chosen = {ref for ref in fitting if len(ref.words & words) == best}
    # Events within a few days of the chosen one that also fit the time cue are linked
    # (the tit-for-tat strikes of 16 and 18 January 2024): the claim covers them all.
    chosen |= {ref for ref in fitting if any(abs((ref.start - c.start).days) <= 3 for c in chosen)}
    # One event on several sites (same day) or two linked strikes: name them all.
    if len(chosen) <= 2 or len({ref.start for ref in chosen}) == 1:
        return ";".join(ref.id for ref in sorted(chosen))
    return OTHER_INCIDENT


def claims_in_text(text: str, article: str, main: IncidentRef | None = None,
                   incidents: list[IncidentRef] | None = None) -> list[Claim]:
    """Every numeric claim in ``text``; ``main`` is the incident the article reports on."""
    incidents = incidents if incidents is not None else []
    claims = []
    shown = Evidence(text)
    previous_incident = main.id if main else ""
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        sentence_incident = _incident(sentence, main, incidents)
        if (main and sentence_incident == main.id and previous_incident != main.id
                and _ANAPHORA.match(sentence)):
            # "They included 23 passengers …" goes on about the attack just named.
            sentence_incident = previous_incident
        previous_incident = sentence_incident
        last_group = ""
        events = _events(sentence)
        claimant = _Claimants(sentence)
        for quantity in quantities(sentence):
            group, _, noun_end = _counted_noun(sentence, quantity.end)
            if not group and _MORE.match(sentence, quantity.end):
                group = last_group  # "155 hostages … but 300 more are on the train"
            last_group = group or last_group
            if not group and not _injury_without_noun(sentence, quantity):
                continue
            figure, subgroup = (_figure(group, noun_end, quantity.start, quantity.end, sentence, events)
                                if group else ("injured", ""))
            if not figure:
                continue
            incident = "" if figure == "group_strength" else sentence_incident
            quote = sentence[quantity.start:max(noun_end, quantity.end)]
            claims.append(Claim(article=article, figure=figure, low=quantity.low, high=quantity.high,
                                claimant=claimant(quantity.start), incident=incident,
                                sentence=shown((s_start, s_end), s_start + quantity.start),
                                start=s_start + quantity.start, end=s_start + quantity.end,
                                quote=quote, subgroup=subgroup))
    return claims


def _injury_without_noun(sentence: str, quantity: Quantity) -> bool:
    # "… and wounded over half a dozen": an injury count often has no noun of its own.
    before = sentence[max(0, quantity.start - _NEAR_WORDS):quantity.start].lower().split()[-2:]
    return bool(before) and any(w in ("wounded", "injured", "injuring", "wounding") for w in before)
