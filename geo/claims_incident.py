"""Which incident a sentence speaks of: the report's own, a recalled one of the curated
list, or :data:`OTHER_INCIDENT`.

A time cue ("In November", "last week", "a similar attack", "on March 12" days before
the report's own date) sends a sentence's figures to an earlier incident; the words the
sentence shares with a curated incident tell which one.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from .claims_lexicon import NOUNS
from .incident_words import (
    FULL_MONTH,
    MONTH,
    MONTH_STEM,
    MONTH_WORDS,
    MONTHS,
    RECALL_CUES,
)
from .settings import INCIDENTS_CSV

OTHER_INCIDENT = "other"
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
# The word right after a number, if it starts within two characters of it.
_NEXT_WORD = re.compile(r"[^A-Za-z]{0,2}([A-Za-z]+(?:['’][a-z]+)?)")

# Words every incident summary shares: they tell no incident from another.
_GENERIC_WORDS = frozenset("""
attack attacks attacked killed killing people security forces militant militants group
that with from their were which after before about into near this other over been they
said said while more than
""".split())
# How far a time cue (RECALL_CUES) reaches from a number, in characters.
_CUE_REACH = 120
# "on March 12", "12 March 2025": a day the report names; its number counts nobody.
_DAY_DATE = re.compile(rf"\b(?P<m1>{MONTH})\.? (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<y1>(?:19|20)\d\d)\b)?"
                       rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m2>{MONTH})\b\.?(?:,? (?P<y2>(?:19|20)\d\d)\b)?")
MONTH_BEFORE = re.compile(rf"\b{MONTH}\.?\s*$")
MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b(?![,.]?\d)")
_DATE_YEAR = re.compile(
    rf"\b{MONTH_STEM} \d{{1,2}},? (20\d\d)\b"
    rf"|\b\d{{1,2}} {MONTH_STEM},? (20\d\d)\b"
    r"|\b(20\d\d)-[01]\d-[0-3]\d\b")



@dataclass(frozen=True, order=True)
class IncidentRef:
    """What the claims parser needs to know of an incident; ``start`` is None when its date is unknown."""

    id: str
    start: date | None
    words: frozenset[str] = frozenset()



def telling_words(text: str) -> frozenset[str]:
    """The words of ``text`` that can tell one incident from another."""
    return frozenset(w.lower() for w in _TOKEN.findall(text) if len(w) > 3 and w.lower() not in _GENERIC_WORDS)


def load_incident_refs(path: Path = INCIDENTS_CSV) -> list[IncidentRef]:
    """The curated incidents, with the words of their place and summary for matching."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [IncidentRef(row["id"], date.fromisoformat(row["date_start"]),
                        telling_words(f"{row['place']} {row['summary']} {row['target']}")) for row in rows]



@dataclass(frozen=True)
class TimeCues:
    """The time words of a sentence: capitalised months, years, and relative cues ("last week")."""

    months: tuple[int, ...]
    years: tuple[int, ...]
    relative: frozenset[str]
    days: tuple[tuple[int, int, int | None], ...] = ()   # (month, day, year or None)
    relative_at: tuple[tuple[str, int, int], ...] = ()    # each relative cue and its span

    def __bool__(self) -> bool:
        return bool(self.months or self.years or self.relative)

    def near(self, position: int) -> TimeCues:
        """These cues as seen from a number at ``position``: relative cues out of reach dropped."""
        relative = frozenset(name for name, start, end in self.relative_at if name == "link" or (
            0 <= position - end <= _CUE_REACH if name == "after"
            else max(start - position, position - end) <= _CUE_REACH))
        return self if relative == self.relative else replace(self, relative=relative)


YEAR_AS_DATE = re.compile(r"\b(?:in|since|until|till|by|during|of|from|early|late|mid)\W*$", re.I)


def time_cues(sentence: str) -> TimeCues:
    found = _TOKEN.findall(sentence)
    # Only a capitalised month is a date: "the toll may rise" names no month.
    months = tuple(MONTHS[w.lower()] for w in found if w[:1].isupper() and w.lower() in MONTHS)
    years = []
    for match in _YEAR.finditer(sentence):
        # "about 2000 people" is a count, "in 2000 militants attacked" a date.
        noun = _NEXT_WORD.match(sentence, match.end())
        if (noun and noun.group(1).lower() in NOUNS
                and not YEAR_AS_DATE.search(sentence, max(0, match.start() - 12), match.start())):
            continue
        years.append(int(match.group(1)))
    relative_at = tuple((name, *m.span()) for m in RECALL_CUES.finditer(sentence)
                        for name, value in m.groupdict().items() if value)
    days = tuple((MONTH_WORDS[(m.group("m1") or m.group("m2"))[:3].lower()], int(m.group("d1") or m.group("d2")),
                  int(y) if (y := m.group("y1") or m.group("y2")) else None) for m in _DAY_DATE.finditer(sentence))
    return TimeCues(months, tuple(years), frozenset(name for name, _, _ in relative_at), days, relative_at)


def _named_day(month: int, day: int, year: int | None, start: date) -> date | None:
    """The date "March 12" names in a report on an incident of ``start``: this year's, or
    last year's when this year's would come more than a week after it."""
    try:
        when = date(year or start.year, month, day)
        if year is None and when > start + timedelta(days=7):
            when = date(start.year - 1, month, day)
    except ValueError:
        return None  # "February 30"
    return when


def year_of_report(text: str) -> int | None:
    """The latest year a full date of the report names ("March 12, 2025"), for a case of unknown date."""
    years = [int(next(g for g in m.groups() if g)) for m in _DATE_YEAR.finditer(text)]
    return max(years) if years else None


DATELINE_SLACK = 3
_DATELINE_CHARS = 400


def _month_day(match: re.Match[str]) -> tuple[int, int]:
    return (MONTH_WORDS[(match.group("m1") or match.group("m2"))[:3].lower()],
            int(match.group("d1") or match.group("d2")))


def date_of_report(text: str, report_year: int | None) -> date | None:
    """The report's own date from its opening lines ("Karachi, Mar 16 (PTI)", "March 16, 2025")."""
    for match in _DAY_DATE.finditer(text, 0, _DATELINE_CHARS):
        year = match.group("y1") or match.group("y2")
        year = int(year) if year else report_year
        if year is None:
            continue
        try:
            return date(year, *_month_day(match))
        except ValueError:
            continue
    return None


def _dateline_day(text: str) -> tuple[int, int] | None:
    """Month and day of the report's opening lines when no year goes with them."""
    for match in _DAY_DATE.finditer(text, 0, _DATELINE_CHARS):
        month, day = _month_day(match)
        if _valid_day(month, day):
            return month, day
    return None


def _valid_day(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: "February 29" is a day
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class ReportTime:
    """What a report tells of its own incident's time."""

    start: date | None             # the case's date, or the dateline's when the case has none
    year: int | None               # the report's year
    day: tuple[int, int] | None = None   # (month, day) of a dateline that gives no year
    slack: int = 0                 # days a named day may lie before ``start`` or ``day``

    @classmethod
    def of(cls, text: str, main: IncidentRef | None) -> ReportTime:
        year = main.start.year if main and main.start else year_of_report(text)
        if main is None or main.start is not None:
            return cls(main.start if main else None, year)
        # A case of unknown date: the report's dateline stands in for it, a few days' slack
        # allowed ("on Saturday" in Monday's paper); with no year, its month and day do.
        if dated := date_of_report(text, year):
            return cls(dated, year, None, DATELINE_SLACK)
        day = _dateline_day(text)
        return cls(None, year, day, DATELINE_SLACK if day else 0)


def _days_before(month: int, day: int, report: tuple[int, int]) -> int | None:
    """How many days "March 12" lies before a report of ``report`` (month, day) of an unknown
    year: this year's date, or last year's when this year's would come more than a week later."""
    if not _valid_day(month, day):
        return None
    gap = (date(2000, *report) - date(2000, month, day)).days
    return gap + 366 if gap < -7 else gap


# "In May, five guards died …": a sentence that opens on a month recalls what happened then.
_OPENING_MONTH = re.compile(
    rf"\W*(?:(?:In|During|Since|By|Until|Last|Back in|Earlier in|Later in|Early in|Late in)\s+"
    rf"(?:early |late |mid-?)?{FULL_MONTH}\b(?!\s*\d)|{FULL_MONTH},)")
_PAST = re.compile(r"\b(?:were|was|had|died|slain|dead|hurt|held|fled|shot|struck|blew|\w{3,}ed)\b", re.I)


def _is_own_time(cues: TimeCues, time: ReportTime, recalls_month: bool = False) -> bool:
    """Whether the time cues of a sentence fit the report's own incident (``recalls_month``:
    the sentence opens on a month, after the case's own figures were given)."""
    if cues.relative:
        return False  # "last week", "a similar attack", "came days after"
    start = time.start
    # A month that comes with a day is judged with its day ("Saturday, February 28").
    day_months = {month for month, _, _ in cues.days}
    months = [month for month in cues.months if month not in day_months]
    if start is not None:
        named = [d for d in (_named_day(*day, start) for day in cues.days) if d]
        if any(d < start - timedelta(days=time.slack) for d in named):
            return False  # "on March 12" in a report of 16 March: an earlier event
        if months:
            return start.month in months and (not cues.years or start.year in cues.years)
        return all(year == start.year for year in cues.years)
    if time.day is not None:
        gaps = [g for g in (_days_before(month, day, time.day) for month, day, _ in cues.days) if g is not None]
        if any(gap > time.slack for gap in gaps):
            return False  # "on March 12" under a dateline of "Mar 16", year unknown
        if months and time.day[0] not in months:
            return False  # "In May" in a report dated March
    if cues.years:
        return time.year is not None and all(year == time.year for year in cues.years)
    # A month alone cannot be told from an unknown date, unless the sentence opens on it
    # once the case's own figures are given.
    return not (recalls_month and months and time.day is None)


def _fits(ref: IncidentRef, cues: TimeCues, start: date | None, report_year: int | None) -> bool:
    """Whether the curated incident ``ref`` fits the time cues of a sentence about an earlier one."""
    if ref.start is None or start is not None and ref.start >= start:
        return False
    year_now = start.year if start else report_year
    relative = cues.relative
    if cues.days and start is not None:
        named = [d for d in (_named_day(*day, start) for day in cues.days) if d]
        if named and not any(abs((ref.start - d).days) <= 1 for d in named):
            return False
    if cues.months:
        if ref.start.month not in cues.months:
            return False
        year = cues.years[0] if cues.years else year_now - 1 if "last_year" in relative and year_now else None
        if year is not None:
            return ref.start.year == year
        # "In November" in a March report: the most recent November before it.
        return start is not None and (start - ref.start).days < 366
    if cues.years and ref.start.year not in cues.years:
        return False
    if year_now is not None and ("last_year" in relative and ref.start.year != year_now - 1
                                 or "this_year" in relative and ref.start.year != year_now):
        return False
    if start is not None:
        days = (start - ref.start).days
        if ("last_week" in relative and days > 14 or "last_month" in relative and days > 62
                or "this_month" in relative and (ref.start.year, ref.start.month) != (start.year, start.month)):
            return False
    return True


def incident_of(sentence: str, main: IncidentRef | None, incidents: list[IncidentRef], time: ReportTime,
                cues: TimeCues | None = None, *, toll_given: bool = False) -> str:
    """The incident a sentence speaks of: the report's own unless a time cue says otherwise
    (``toll_given``: the case's own figures came before)."""
    main_id = main.id if main else ""
    cues = time_cues(sentence) if cues is None else cues
    start, report_year = time.start, time.year
    recalls_month = toll_given and bool(cues.months and _OPENING_MONTH.match(sentence) and _PAST.search(sentence))
    if not cues or _is_own_time(cues, time, recalls_month):
        return main_id
    tokens = _TOKEN.findall(sentence)
    words = {w.lower() for w in tokens}
    names = {w.lower() for w in tokens[1:] if w[:1].isupper()}  # "Quetta Railway Station"
    fitting = [ref for ref in incidents if ref.id != main_id and _fits(ref, cues, start, report_year)]
    if not cues.months:
        # A cue with no month must also share a telling word with the incident; two, one a
        # name, when nothing bounds its date ("a similar attack", or a case of unknown date).
        year_now = start.year if start else report_year
        bounded = bool(cues.years or year_now and cues.relative & {"last_year", "this_year"}
                       or start and cues.relative & {"last_week", "last_month", "this_month"})
        fitting = [ref for ref in fitting if len(ref.words & words) >= 1 and bounded
                   or len(ref.words & words) >= 2 and ref.words & names]
    if not fitting:
        return OTHER_INCIDENT
    # A word few incidents share tells more ("station") than one many do ("Quetta").
    share = Counter(word for ref in incidents for word in ref.words)
    score = {ref: round(sum(1 / share[word] for word in ref.words & words), 6) for ref in fitting}
    best = max(score.values())
    chosen = {ref for ref in fitting if score[ref] == best}
    # Events within a few days of the chosen one that also fit the time cue are linked
    # (the tit-for-tat strikes of 16 and 18 January 2024): the claim covers them all.
    chosen |= {ref for ref in fitting if any(abs((ref.start - c.start).days) <= 3 for c in chosen)}
    # One event on several sites (same day) or two linked strikes: name them all.
    if len(chosen) <= 2 or len({ref.start for ref in chosen}) == 1:
        return ";".join(ref.id for ref in sorted(chosen, key=lambda ref: ref.id))
    return OTHER_INCIDENT


