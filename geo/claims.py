"""Numeric claims in reporting: who says how many were killed, injured, held, rescued, arrested.

Each number phrase (``geo.numbers``) is read with the words around it: the noun it
counts (passengers, militants, soldiers …) and the nearest event word (rescued,
killed, held hostage …) give the figure; a count with no noun ("killed 5", "two
killed", "death toll rose to 12") is read from the event word right beside it.
Attribution phrases in the sentence ("the TTP claimed", "security officials said",
"PTI reported") give the claimant; the named organisations come from
``data/claimants.csv`` and a case's own spokesmen from its ``case.toml``. A time cue
("In November", "last week", "a similar attack") sends the claim to another incident
of the curated list, or to :data:`OTHER_INCIDENT`. A number whose figure cannot be
told is left out, never guessed.
"""
from __future__ import annotations

import csv
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import islice
from pathlib import Path

from .numbers import Quantity, quantities
from .sentences import Evidence, sentences
from .settings import DATA_DIR

INCIDENTS_CSV = DATA_DIR / "incidents.csv"
CLAIMANTS_CSV = DATA_DIR / "claimants.csv"
COUNTRIES_CSV = DATA_DIR / "gazetteer_countries.csv"
OTHER_INCIDENT = "other"
#: The label of "the group said" when the report names no known group.
UNNAMED_GROUP = "militant group"

#: Figure ids and what each counts.
FIGURES: dict[str, str] = {
    "aboard": "people on board the train, bus or plane attacked",
    "hostages_held": "people held hostage, abducted or kidnapped",
    "security_personnel_held": "security personnel held hostage or abducted",
    "hostages_remaining": "hostages still held at the time of writing",
    "rescued": "people rescued or freed by security forces",
    "released_by_attackers": "people the attackers let go",
    "killed_total": "people killed in all, or killed with no category given",
    "security_personnel_killed": "soldiers, police, guards and other security personnel killed",
    "civilians_killed": "passengers, hostages, workers or other civilians killed",
    "militants_killed": "attackers or militants killed",
    "injured": "people injured in all, or injured with no category given",
    "security_personnel_injured": "soldiers, police, guards and other security personnel injured",
    "civilians_injured": "passengers, hostages, workers or other civilians injured",
    "militants_injured": "attackers or militants injured",
    "arrested": "people arrested, detained or captured (suspects, attackers)",
    "attackers": "how many carried out the attack (gunmen, suicide bombers …)",
    "group_strength": "fighters a group is said to have overall, not in one attack",
}

# The noun a number counts, by group.
_NOUNS: dict[str, str] = {}
for _group, _words in {
    "people": "people persons person individuals lives bodies corpses fatalities victims officials",
    "civilians": "civilians civilian miners labourers laborers workers pilgrims citizens nationals "
                 "residents worshippers worshipers students villagers bystanders shoppers devotees "
                 "tourists engineers teachers employees traders guests visitors spectators participants "
                 "mourners customers miner labourer worker pilgrim bystander "
                 "student engineer",
    "passengers": "passengers passenger travellers travelers commuters",
    "hostages": "hostages hostage captives abductees",
    "militants": "militants militant insurgents insurgent terrorists terrorist attackers "
                 "rebels gunmen assailants separatists bombers hijackers khwarij khawarij suspects attacker "
                 "gunman assailant bomber suspect",
    "fighters": "fighters",
    "security": "soldiers soldier troops troopers personnel policemen policeman officers "
                "guards servicemen sepoys constables constable cops jawans commandos paramilitaries officer "
                "guard trooper serviceman sepoy cop jawan commando enforcers",
    "subgroup": "men women children boys girls man woman child boy girl",
}.items():
    for _word in _words.split():
        _NOUNS[_word] = _group
# A count of these is a count of the dead, whatever the verb ("recovered 9 bodies").
_DEATH_NOUNS = frozenset({"bodies", "lives", "corpses", "fatalities"})
# "23 security officials", "two security forces personnel", "security men".
_SECURITY_MODIFIERS = frozenset({"security", "enforcement", "police", "army", "military", "paramilitary"})
_SECURITY_HEADS = frozenset({"officials", "official", "forces", "men", "personnel"})
_SUBSET_WORDS = frozenset({"including", "mostly", "mainly", "among", "incl"})
_CLAUSE_WORDS = frozenset({"when", "where", "after", "before", "while", "since", "because", "which", "who",
                           "that", "as", "if"})
# "40 armed men" are attackers, not a breakdown of victims.
_ARMED = frozenset({"armed", "masked", "gun"})

# Event words and the event they name; multi-word cues are matched on the text.
_EVENT_WORDS: dict[str, str] = {}
for _event, _words in {
    "killed": "killed kill killing kills dead died dies death deaths executed martyred martyring "
              "slain massacred lives eliminated eliminating neutralised neutralized perished fatalities "
              "succumbed",
    "rescued": "rescued rescue rescuing freed recovered evacuated saved",
    "injured": "injured injuring injuries wounded wounding hurt",
    "held": "hostage hostages held holding captive captured seized abducted kidnapped abducting "
            "kidnapping",
    "arrested": "arrested arresting arrest arrests detained detaining apprehended apprehending nabbed",
    "attacked": "attacked attacking stormed storming raided raiding ambushed assaulted rammed involved",
    "aboard": "carrying aboard onboard travelling traveling",
    "remaining": "remain remaining remained",
}.items():
    for _word in _words.split():
        _EVENT_WORDS[_word] = _event
_EVENT_PHRASES = [(re.compile(p, re.I), e) for p, e in (
    (r"\bshot dead\b|\bfatally shot\b|\bgunned down\b|\blost their lives\b|\bembraced martyrdom\b",
     "killed"),
    (r"\btaken into custody\b", "arrested"),
    (r"\battack(?:ed)? by\b|\ba group of\b|\bopened fire\b|\btook part\b", "attacked"),
    (r"\bon board\b|\bon the train\b|\bon the spot\b", "aboard"),
    (r"\blet (?:\w+ )?go\b|\breleased\b", "released"),
    (r"\bto free\b", "remaining"),  # "operations to free hundreds more": still held
)]
_ATTACKER_GROUPS = frozenset({"militants", "fighters"})

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
    ("militants", "held"): "arrested",      # "captured 3 militants"
    ("passengers", "aboard"): "aboard",
    ("people", "aboard"): "aboard",
    ("hostages", "aboard"): "hostages_remaining",   # "300 more [hostages] are on the train"
    ("hostages", "remaining"): "hostages_remaining",
    ("passengers", "remaining"): "hostages_remaining",
    ("passengers", "released"): "released_by_attackers",
    ("hostages", "released"): "released_by_attackers",
    ("civilians", "released"): "released_by_attackers",
    ("militants", "attacked"): "attackers",
    ("fighters", "attacked"): "attackers",
}
for _group in ("passengers", "hostages", "people", "civilians"):
    _FIGURE_BY[(_group, "rescued")] = "rescued"
for _group in ("people", "civilians", "militants", "fighters", "security", "passengers"):
    _FIGURE_BY[(_group, "arrested")] = "arrested"
for _group, _figure_id in (("security", "security_personnel_injured"), ("militants", "militants_injured"),
                           ("fighters", "militants_injured"), ("civilians", "civilians_injured"),
                           ("passengers", "civilians_injured"), ("hostages", "civilians_injured"),
                           ("people", "injured")):
    _FIGURE_BY[(_group, "injured")] = _figure_id
_SUBGROUP_FIGURE = {"rescued": "rescued", "killed": "civilians_killed", "held": "hostages_held",
                    "released": "released_by_attackers", "injured": "civilians_injured",
                    "arrested": "arrested"}

# A count with no noun of its own, read from the event word right beside it:
# "killing two and wounding 30 others", "death toll rose to 12", "two killed", "7 dead".
_BARE_EVENT = {
    "killed": "killed_total", "killing": "killed_total", "kills": "killed_total", "kill": "killed_total",
    "martyred": "killed_total", "martyring": "killed_total", "dead": "killed_total", "died": "killed_total",
    "succumbed": "killed_total",
    "toll": "killed_total", "lives": "killed_total",
    "wounded": "injured", "wounding": "injured", "injured": "injured", "injuring": "injured", "hurt": "injured",
    "rescued": "rescued", "rescuing": "rescued", "freed": "rescued",
    "abducted": "hostages_held", "abducting": "hostages_held", "kidnapped": "hostages_held",
    "kidnapping": "hostages_held",
    "arrested": "arrested", "arresting": "arrested", "detained": "arrested", "detaining": "arrested",
    "apprehended": "arrested", "apprehending": "arrested",
}
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
    r"|(?P<injuries>sustained|suffered|received) (?:\w+ )?(?:injuries|wounds)\b)", re.I)
_NOT_BARE_BEFORE = re.compile(r"\b(?:no|any|every|some|No\.|number|#)\s*$", re.I)
_BARE_YEAR = re.compile(r"(?:19|20)\d\d")

# Statement verbs after a named agency ("the CTD said") or a named group ("the TTP claimed").
_AGENCY_VERBS = r"said|says|told|confirmed|stated|statement|reported|spokes\w+|chief|added"
_GROUP_VERBS = r"said|says|claimed|claims|claiming|statement|Telegram|warned"
# "23 security officials were martyred": officials who are counted, not quoted.
_NOT_VICTIMS = r"(?!\s+(?:were|was|had been|have been|are)\b)"
_KINDS = ("group", "officials", "military", "police", "media", "government", "analysts")
# Roles that name no particular case, by kind; a data row with the same label adds its names.
_GENERIC_CLAIMANTS: tuple[tuple[str, str, str], ...] = (
    ("security officials", "officials", rf"\bsecurity (?:officials?|sources?)\b{_NOT_VICTIMS}"),
    ("hospital officials", "officials", r"\bhospital (?:officials?|sources?|spokes\w+|authorities)\b"
                                        r"|\bhealth officials\b|\bdoctors? (?:said|says|told)\b"
                                        r"|\bspokes\w+ (?:for|of) the [\w ]{0,40}?Hospital\b"),
    ("railway officials", "officials", r"\brailway (?:officials|authorities|controller|spokesman)\b"),
    ("ISPR/military", "military", r"\b(?:the )?(?:military|army) (?:said|says|spokesman)\b"
                                  r"|\bsecurity forces said\b|\bmilitary'?s? media (?:wing|affairs)\b"),
    ("police", "police", r"\bpolice\b[^.]{0,40}\b(?:said|says|confirmed|told)\b|\bpolice officer\b"
                         r"|\bpolice (?:official|chief|spokes\w+)\b|(?-i:\b(?:SSP|DIG|DPO|CCPO|SHO|IGP)\b)"),
    ("government officials", "government", rf"\bofficials?\b{_NOT_VICTIMS}|\bauthorities\b|\bgovernment spokes\w+\b"
                                           r"|\bspokes(?:man|woman|person)\b"
                                           r"|\b(?:deputy|assistant) commissioner\b|\bminist(?:er|ry)\b"),
    ("analysts", "analysts", r"\banalysts?\b"),
)
_THE_GROUP = (rf"\bthe (?:militant |armed |banned |separatist |insurgent )?(?:group|outfit)\b[^.]{{0,60}}?"
              rf"\b(?:{_GROUP_VERBS})\b")

# Words every incident summary shares: they tell no incident from another.
_GENERIC_WORDS = frozenset("""
attack attacks attacked killed killing people security forces militant militants group
that with from their were which after before about into near this other over been they
said said while more than
""".split())
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTHS_SHORT = {m[:3]: i for m, i in _MONTHS.items()}
_NOT_COUNTS = re.compile(r"\s*(?:-?\s*year|%|per ?cent|km|kilomet|miles?\b|hours?\b|days?\b|"
                         r"minutes?\b|months?\b|weeks?\b|years?\b|bn\b|billion|coaches|vehicles|"
                         r"trains?\b|am\b|pm\b|a\.m|p\.m|kg\b|kilograms?\b|rupees\b|rs\b|"
                         r"locations?\b|places?\b|districts?\b|times\b)", re.I)
_TOKEN = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_NOUN_STOP = re.compile(r"[,;:()—–\"“”]")
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
_CLAUSE_BREAK = re.compile(r"[;:()“”\"—–]| - | but | while | whereas | after | before | when ")


_MONTH_NAMES = r"(?:January|February|March|April|May|June|July|August|September|October|November|December" \
               r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)"
# Time cues that put a number on an earlier incident than the report's own. Each counts
# for the numbers near it (:data:`_CUE_REACH`); "came … after" only for those after it.
_ATTACK_NOUNS = r"(?:attack|incident|bombing|blast|assault|raid|ambush|strike|hijacking|shooting|explosion|abduction)s?"
_RELATIVE_CUES = re.compile(
    r"\b(?P<last_week>(?:last|previous) week|earlier this week)\b"
    r"|\b(?P<last_month>(?:last|previous) month)\b"
    r"|\b(?P<this_month>earlier this month)\b"
    r"|\b(?P<last_year>(?:last|previous) year)\b"
    rf"|\b(?P<this_year>(?:earlier|so far) this year|(?:in|on) {_MONTH_NAMES}(?: \d{{1,2}})? this year)\b"
    r"|\b(?P<before>(?:\w+ )?(?:days?|weeks?|months?|years?) ago"
    rf"|(?:a|an|the) (?:similar|previous|earlier|last) (?:\w+ )?{_ATTACK_NOUNS}|similar (?:\w+ )?{_ATTACK_NOUNS}"
    r"|(?:has|have|had) previously"
    rf"|(?:second|third|fourth) (?:\w+ ){{0,3}}?{_ATTACK_NOUNS} (?:\w+ ){{0,4}}?(?:within|in) "
    r"(?:a|the past|the last|less than a) (?:week|fortnight|month))\b"
    r"|\b(?P<after>(?:came|comes|come) (?:just |only )?(?:(?:a|one|two|three|four|five|six|several|few|\d+) )?"
    rf"(?:hours?|days?|weeks?|months?) after|{_ATTACK_NOUNS} (?:came|comes|come) (?:just |only |barely )?after)\b"
    r"|^\W*(?P<link>also read|read more|related|see also)\b", re.I)  # a link to another story
_CUE_REACH = 120
# "on March 12", "12 March 2025": a day the report names; its number counts nobody.
_DAY_DATE = re.compile(rf"\b(?P<m1>{_MONTH_NAMES})\.? (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,? (?P<y1>(?:19|20)\d\d)\b)?"
                       rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m2>{_MONTH_NAMES})\b\.?(?:,? (?P<y2>(?:19|20)\d\d)\b)?")
_MONTH_BEFORE = re.compile(rf"\b{_MONTH_NAMES}\.?\s*$")
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_NAMES}\b")
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b(?![,.]?\d)")
_DATE_YEAR = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? (20\d\d)\b"
    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?,? (20\d\d)\b"
    r"|\b(20\d\d)-[01]\d-[0-3]\d\b")


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
    """What the claims parser needs to know of an incident; ``start`` is None when its date is unknown."""

    id: str
    start: date | None
    words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClaimantRow:
    """A row of ``data/claimants.csv``: an organisation that gives figures, and its names."""

    label: str
    names: tuple[str, ...]
    kind: str
    source: str


def telling_words(text: str) -> frozenset[str]:
    """The words of ``text`` that can tell one incident from another."""
    return frozenset(w.lower() for w in _TOKEN.findall(text) if len(w) > 3 and w.lower() not in _GENERIC_WORDS)


def load_incident_refs(path: Path = INCIDENTS_CSV) -> list[IncidentRef]:
    """The curated incidents, with the words of their place and summary for matching."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [IncidentRef(row["id"], date.fromisoformat(row["date_start"]),
                        telling_words(f"{row['place']} {row['summary']} {row['target']}")) for row in rows]


def load_claimants(path: Path = CLAIMANTS_CSV) -> list[ClaimantRow]:
    """The named claimants, in file order; ValueError names a row that cannot be used."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    found = []
    for number, row in enumerate(rows, 2):
        names = tuple(n.strip() for n in (row.get("pattern_names") or "").split(";") if n.strip())
        label, kind, source = ((row.get(k) or "").strip() for k in ("label", "kind", "source"))
        if not label or not names or kind not in _KINDS or not source.startswith("http"):
            raise ValueError(f"{path.name} row {number}: needs a label, names, a kind "
                             f"({'|'.join(_KINDS)}) and a source URL")
        found.append(ClaimantRow(label, names, kind, source))
    return found


@lru_cache(maxsize=1)
def _claimant_rows() -> tuple[ClaimantRow, ...]:
    return tuple(load_claimants())


@lru_cache(maxsize=1)
def _country_says() -> str:
    """ "Pakistan says 155 hostages freed": a country speaks through its government."""
    try:
        with COUNTRIES_CSV.open(encoding="utf-8", newline="") as fh:
            names = [row["name"] for row in csv.DictReader(fh) if row.get("name")]
    except OSError:
        return ""
    return rf"{_names_pattern(names)} says\b" if names else ""


def _names_pattern(names: Sequence[str]) -> str:
    """Names as one alternation, matched as written ("AP", not "ap") and as whole words;
    a hyphen or a space between the words of a name may be either."""
    parts = []
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        words = [w for w in re.split(r"[\s\-‐–]+", name) if w]
        parts.append(r"[\s\-‐–]*".join(re.escape(w) for w in words))
    return r"(?-i:(?<!\w)(?:" + "|".join(parts) + r")(?!\w))"


def _styled(kind: str, names: str) -> str:
    """How a name credits a figure: a group must be said to speak ("the TTP claimed"),
    an agency too ("the CTD said"); a news agency is named only to be quoted."""
    if kind == "group":
        return (rf"{names}[^.]{{0,60}}?\b(?:{_GROUP_VERBS})\b|\bclaimed by (?:the )?{names}"
                rf"|\baccording to (?:the )?{names}")
    if kind in ("media", "named"):
        return names
    return (rf"{names}[^.]{{0,25}}?\b(?:{_AGENCY_VERBS})\b"
            rf"|\b(?:according to|statement (?:issued )?(?:by|from)|quoting|citing) (?:the )?{names}")


@dataclass(frozen=True)
class _ClaimantTable:
    """Claimant patterns, most specific first (a group before "officials"); the label ""
    stands for "the group", which credits the group the report names."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    group_names: tuple[tuple[str, re.Pattern[str]], ...]


@lru_cache(maxsize=32)
def _claimant_table(extra: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> _ClaimantTable:
    rows = _claimant_rows()
    kinds: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for row in rows:
        kinds.setdefault(row.label, row.kind)
        names.setdefault(row.label, []).extend(row.names)
    generic = {label: pattern for label, _, pattern in _GENERIC_CLAIMANTS}
    for label, kind, _ in _GENERIC_CLAIMANTS:
        kinds.setdefault(label, kind)
    spokesmen: dict[str, list[str]] = {}
    for label, extra_names in extra:
        kinds.setdefault(label, "named")  # a case's own claimant: ranked after the groups
        (names if kinds[label] == "group" else spokesmen).setdefault(label, []).extend(extra_names)
    ranks = ("group", "the group", "named") + _KINDS[1:]
    order = sorted(kinds, key=lambda label: ranks.index(kinds[label]))  # stable: file order within a kind
    order.insert(len([lb for lb in order if kinds[lb] == "group"]), "")
    patterns = []
    for label in order:
        if label == "":
            patterns.append(("", re.compile(_THE_GROUP, re.I)))
            continue
        parts = [_styled(kinds[label], _names_pattern(names[label]))] if names.get(label) else []
        parts += [generic[label]] if label in generic else []
        parts += [_country_says()] if label == "government officials" and _country_says() else []
        parts += [_names_pattern(spokesmen[label])] if spokesmen.get(label) else []
        patterns.append((label, re.compile("|".join(parts), re.I)))
    group_names = tuple((label, re.compile(_names_pattern(names[label])))
                        for label in order if kinds.get(label) == "group")
    return _ClaimantTable(tuple(patterns), group_names)


def _frozen(claimants: Mapping[str, Sequence[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not claimants:
        return ()
    return tuple(sorted((str(label), tuple(" ".join(str(n).split()) for n in names if str(n).strip()))
                        for label, names in claimants.items()))


class _GroupsNamed:
    """Where a report names each armed group: "the group said" credits the one named last before."""

    def __init__(self, text: str, table: _ClaimantTable):
        found = sorted((m.start(), -m.end(), label) for label, pattern in table.group_names
                       for m in pattern.finditer(text))
        self._positions: list[int] = []
        self._labels: list[str] = []
        reached = -1
        for start, negative_end, label in found:
            if start >= reached:  # the longest name wins: "Islamic State Khorasan", not "Islamic State"
                self._positions.append(start)
                self._labels.append(label)
                reached = -negative_end

    def __call__(self, position: int) -> str:
        index = bisect_right(self._positions, position)
        if index:
            return self._labels[index - 1]
        return self._labels[0] if self._labels else UNNAMED_GROUP


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
        if word in _NOUNS or modifier in _SECURITY_MODIFIERS and word in _SECURITY_HEADS:
            group = "security" if modifier in _SECURITY_MODIFIERS else _NOUNS[word]
            if group == "subgroup" and modifier in _ARMED:
                group = "militants"
            return group, word, start + len(word)
        if word in _SUBSET_WORDS or word in _CLAUSE_WORDS:
            break  # "157 others including policemen": the policemen are some of them
        if word in ("of", "the", "more", "other", "people's") or index < 2 and word not in _EVENT_WORDS:
            previous_end = start + len(word)
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
            continue  # inside the counted phrase ("155 hostages" is a count, not an event)
        if event == "attacked" and group not in _ATTACKER_GROUPS:
            continue  # "attacked … killing 20 passengers": the passengers did not attack
        gap = start - position if position < start else position - noun_end
        # A verb right before its object wins ("rescued 155", "shot dead 20 miners"), unless
        # it is passive ("were martyred and 12 others"); then the predicate after the noun
        # ("… were abducted", not the participle in "passengers travelling on a coach").
        passive = bool(_AUXILIARY.search(sentence, max(0, position - 20), position))
        rank = 0 if position < start and gap <= 25 and not passive else 1 if position > start and passive else 2
        if gap <= _EVENT_REACH and _same_clause(sentence, position, start):
            candidates.append((rank, gap, event))
    event = min(candidates)[2] if candidates else ""
    if noun in _DEATH_NOUNS:
        return "killed_total", ""  # "claimed 26 lives", "recovered nine bodies"
    if not event:
        if group == "fighters" or group == "militants" and _STRENGTH.search(before):
            return "group_strength", ""  # "the BLA has around 3,000 fighters"
        if group == "militants" and not _PART_OF.match(sentence, end, end + 8):
            return "attackers", ""  # "four suicide bombers", but not "one of the attackers"
        return "", ""
    if group == "subgroup":
        noun_after = _words_after(sentence, end, 1)
        return _SUBGROUP_FIGURE.get(event, ""), noun_after[0][0] if noun_after else ""
    return _FIGURE_BY.get((group, event), ""), ""


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
        return _BARE_EVENT[word.lower()]
    after = _BARE_AFTER.match(sentence, quantity.end, quantity.end + _NEAR_WORDS)
    if not after:
        return ""
    return "injured" if after.group("injuries") else _BARE_EVENT[after.group("event").lower()]


class _Claimants:
    """Who a sentence credits with each of its numbers.

    Attribution is looked for in the number's own statement and after it ("…, officials
    said"), not in an earlier statement of the sentence ("Forces said they rescued 155,
    as operations to free hundreds more continue": nobody is quoted on the hundreds).
    Each claimant's phrases are found once per sentence; a statement is searched only
    for those with a phrase near it, so a sentence of thousands of numbers stays linear.
    """

    def __init__(self, sentence: str, table: _ClaimantTable, group_at: Callable[[int], str]):
        self.sentence = sentence
        self._table = table
        self._group_at = group_at  # the group "the group said" means, by position in the sentence
        self._spans: dict[str, tuple[list[int], list[int]]] = {}

    def __call__(self, position: int) -> str:
        statement = _statement_start(self.sentence, position)
        scope = (statement, min(len(self.sentence), max(position, statement) + _CLAIMANT_REACH))
        for label, pattern in self._table.patterns:
            if self._near(label, pattern, *scope) and (match := pattern.search(self.sentence, *scope)):
                return label or self._group_at(match.start())
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


@dataclass(frozen=True)
class _TimeCues:
    """The time words of a sentence: capitalised months, years, and relative cues ("last week")."""

    months: tuple[int, ...]
    years: tuple[int, ...]
    relative: frozenset[str]
    days: tuple[tuple[int, int, int | None], ...] = ()   # (month, day, year or None)
    relative_at: tuple[tuple[str, int, int], ...] = ()    # each relative cue and its span

    def __bool__(self) -> bool:
        return bool(self.months or self.years or self.relative)

    def near(self, position: int) -> _TimeCues:
        """These cues as seen from a number at ``position``: relative cues out of reach dropped."""
        relative = frozenset(name for name, start, end in self.relative_at if name == "link" or (
            0 <= position - end <= _CUE_REACH if name == "after"
            else max(start - position, position - end) <= _CUE_REACH))
        return self if relative == self.relative else replace(self, relative=relative)


_YEAR_AS_DATE = re.compile(r"\b(?:in|since|until|till|by|during|of|from|early|late|mid)\W*$", re.I)


def _time_cues(sentence: str) -> _TimeCues:
    found = _TOKEN.findall(sentence)
    # Only a capitalised month is a date: "the toll may rise" names no month.
    months = tuple(_MONTHS[w.lower()] for w in found if w[:1].isupper() and w.lower() in _MONTHS)
    years = []
    for match in _YEAR.finditer(sentence):
        # "about 2000 people" is a count, "in 2000 militants attacked" a date.
        noun = _words_after(sentence, match.end(), 1)
        if (noun and noun[0][0] in _NOUNS and noun[0][1] - match.end() < 3
                and not _YEAR_AS_DATE.search(sentence, max(0, match.start() - 12), match.start())):
            continue
        years.append(int(match.group(1)))
    relative_at = tuple((name, *m.span()) for m in _RELATIVE_CUES.finditer(sentence)
                        for name, value in m.groupdict().items() if value)
    days = tuple((_MONTHS_SHORT[(m.group("m1") or m.group("m2"))[:3].lower()], int(m.group("d1") or m.group("d2")),
                  int(y) if (y := m.group("y1") or m.group("y2")) else None) for m in _DAY_DATE.finditer(sentence))
    return _TimeCues(months, tuple(years), frozenset(name for name, _, _ in relative_at), days, relative_at)


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


def _report_year(text: str) -> int | None:
    """The latest year a full date of the report names ("March 12, 2025"), for a case of unknown date."""
    years = [int(next(g for g in m.groups() if g)) for m in _DATE_YEAR.finditer(text)]
    return max(years) if years else None


_DATELINE_SLACK = 3
_DATELINE_CHARS = 400


def _report_date(text: str, report_year: int | None) -> date | None:
    """The report's own date from its opening lines ("Karachi, Mar 16 (PTI)", "March 16, 2025")."""
    for match in _DAY_DATE.finditer(text, 0, _DATELINE_CHARS):
        year = match.group("y1") or match.group("y2")
        year = int(year) if year else report_year
        if year is None:
            continue
        try:
            return date(year, _MONTHS_SHORT[(match.group("m1") or match.group("m2"))[:3].lower()],
                        int(match.group("d1") or match.group("d2")))
        except ValueError:
            continue
    return None


def _is_own_time(cues: _TimeCues, start: date | None, report_year: int | None, slack: int = 0) -> bool:
    """Whether the time cues of a sentence fit the report's own incident (``slack``: days
    a date may lie before ``start`` when ``start`` is only the report's own date)."""
    if cues.relative:
        return False  # "last week", "a similar attack", "came days after"
    if start is not None:
        named = [d for d in (_named_day(*day, start) for day in cues.days) if d]
        if any(d < start - timedelta(days=slack) for d in named):
            return False  # "on March 12" in a report of 16 March: an earlier event
        if cues.months:
            return start.month in cues.months and (not cues.years or start.year in cues.years)
        return all(year == start.year for year in cues.years)
    if cues.years:
        return report_year is not None and all(year == report_year for year in cues.years)
    return True  # a month alone cannot be told from an unknown date


def _fits(ref: IncidentRef, cues: _TimeCues, start: date | None, report_year: int | None) -> bool:
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


def _incident(sentence: str, main: IncidentRef | None, incidents: list[IncidentRef],
              report_year: int | None, cues: _TimeCues | None = None, slack: int = 0) -> str:
    """The incident a sentence speaks of: the report's own unless a time cue says otherwise."""
    main_id = main.id if main else ""
    cues = _time_cues(sentence) if cues is None else cues
    start = main.start if main else None
    if not cues or _is_own_time(cues, start, report_year, slack):
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


def claims_in_text(text: str, article: str, main: IncidentRef | None = None,
                   incidents: list[IncidentRef] | None = None, *,
                   claimants: Mapping[str, Sequence[str]] | None = None) -> list[Claim]:
    """Every numeric claim in ``text``.

    ``main`` is the incident the article reports on (its date may be unknown);
    ``incidents`` the curated ones a report may recall; ``claimants`` a case's own
    names for a claimant label (label → names, e.g. a group's spokesman).
    """
    incidents = incidents if incidents is not None else []
    table = _claimant_table(_frozen(claimants))
    groups = _GroupsNamed(text, table)
    report_year = main.start.year if main and main.start else _report_year(text)
    slack = 0
    if main is not None and main.start is None and (dated := _report_date(text, report_year)):
        # A case of unknown date: the report's dateline stands in for it, a few days' slack
        # allowed ("on Saturday" in Monday's paper).
        main, slack = replace(main, start=dated), _DATELINE_SLACK
    main_id = main.id if main else ""
    claims = []
    shown = Evidence(text)
    previous_incident = main_id
    for s_start, s_end in sentences(text):
        sentence = text[s_start:s_end]
        cues = _time_cues(sentence)
        own = _incident(sentence, main, incidents, report_year, cues, slack)
        # "They included 23 passengers …" goes on about the attack just named.
        continues = own == main_id and previous_incident != main_id and bool(_ANAPHORA.match(sentence))
        previous_incident = previous_incident if continues else own
        # A relative cue counts for the numbers near it ("… killed 73 near Kerman, where
        # Soleimani was killed four years ago"): one answer per set of cues in reach.
        by_cues: dict[_TimeCues, str] = {cues: previous_incident}
        last_group = ""
        events = _events(sentence)
        claimant = _Claimants(sentence, table, lambda at, base=s_start: groups(base + at))
        for quantity in quantities(sentence):
            if (_NOT_COUNTS.match(sentence, quantity.end, quantity.end + _NEAR_WORDS)
                    or _MONTH_BEFORE.search(sentence, max(0, quantity.start - 12), quantity.start)
                    or _MONTH_AFTER.match(sentence, quantity.end, quantity.end + 16)):
                continue  # "9 am", "100 km", "the 32-year-old", "on July 23"
            if _BARE_YEAR.fullmatch(quantity.text) and _YEAR_AS_DATE.search(
                    sentence, max(0, quantity.start - 12), quantity.start):
                continue  # "in 2019 when officials were killed"
            group, noun, noun_end = _counted_noun(sentence, quantity.end)
            if not group and _MORE.match(sentence, quantity.end):
                group = last_group  # "155 hostages … but 300 more are on the train"
            last_group = group or last_group
            if group:
                figure, subgroup = _figure(group, noun, noun_end, quantity.start, quantity.end, sentence, events)
            else:
                figure, subgroup = _bare_figure(sentence, quantity), ""
            if not figure:
                continue
            if figure == "group_strength":
                incident = ""
            else:
                near = cues.near(quantity.start)
                if near not in by_cues:
                    by_cues[near] = _incident(sentence, main, incidents, report_year, near, slack)
                incident = by_cues[near]
            quote = sentence[quantity.start:max(noun_end, quantity.end)]
            claims.append(Claim(article=article, figure=figure, low=quantity.low, high=quantity.high,
                                claimant=claimant(quantity.start), incident=incident,
                                sentence=shown((s_start, s_end), s_start + quantity.start),
                                start=s_start + quantity.start, end=s_start + quantity.end,
                                quote=quote, subgroup=subgroup))
    return claims
