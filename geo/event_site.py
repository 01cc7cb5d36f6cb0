"""Where did the incident happen? Candidate sites read from the text of its reports.

A report names many places: the site, but also the victims' home towns, where a bus was
heading, the hospital, where officials spoke and earlier attacks it recalls. Each place
mention is read in a short window of its sentence and weighed:

* incident words near it ("attack", "blast", "ambushed" …) and a locative before it
  ("in", "at", "near") make it likely; the report's first sentences weigh more;
* a role that is not the site ("hailed from", "bound for", "shifted to", "said in",
  "last year") makes it unlikely, and a list of names shares the role of its head;
* a smaller place beats its container ("the Bagan area of Kurram district"): a name no
  gazetteer holds stays a candidate, placed at its container with its uncertainty;
* "10 km from Duki" keeps Duki as the point but widens its uncertainty.

Weights are summed per place within a report, scaled so each report's best is 1, then
summed across reports, so a site several reports name wins. All reading is done in
bounded windows around mentions (a capped number per place), so a 1 MB paste costs
time and memory linear in its length.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import _event_words as words
from . import cases, incident_words
from .areas import outline_of
from .gazetteer import haversine_km
from .records import KINDS, GazetteerEntry, Mention, Place
from .sentences import ELLIPSIS, sentences
from .settlements import settlement_within
from .spelling import fold


@dataclass(frozen=True)
class SiteCandidate:
    """One place the incident may have happened at, with why and who says so."""

    id: str            # slug unique within the result, e.g. "rarasham"
    label: str         # shown to users, e.g. "Rarasham area, Musakhail district"
    lat: float
    lon: float
    precision_km: float
    score: float       # higher is better; comparable within one result (the best scores about 1 per report)
    basis: str         # why this candidate and how it is placed
    supported_by: str  # "[report.txt] sentence … | [other.txt] sentence …"
    sources: str       # "article:report.txt article:other.txt"
    in_gazetteer: bool  # False when the named place is unknown and placed at its container
    outline_id: int = 0  # the district's or province's outline (geo.areas) that is its uncertainty, if any


Report = tuple[str, str, Sequence[Place]]

# Reach of the windows read around a mention, in characters.
_BACK = 90          # role and containment cues before the name
_AHEAD = 60         # "-bound", "hospital" after it
_EVENT_REACH = 160  # incident words on either side
_RECALL_REACH = 220  # "last year" anywhere near it in its sentence
_EVIDENCE_REACH = 150  # evidence shown on either side (300 characters in all)
# Mentions read per place and per report: the lead and agreement matter, not the
# 5,000th repetition of a name in a pasted list.
_MENTIONS_PER_PLACE = 25
_MENTIONS_PER_REPORT = 2_000
_UNKNOWN_PER_REPORT = 200
_PAIRWISE = 60      # candidates compared for containment after pooling

# How much a place of each kind says about where it happened: a check post pins it,
# a province barely. A name placed at its container is as specific as its own word says.
_SPECIFICITY = {"landmark": 1.0, "station": 1.0, "village": 0.95, "area": 0.95, "town": 0.85,
                "city": 0.75, "district": 0.5, "region": 0.4, "water": 0.15, "province": 0.2,
                "country": 0.05}
# Multipliers of a mention's weight by what the text says the place is.
_ROLE_WEIGHT = {"home": 0.1, "destination": 0.15, "hospital": 0.1, "statement": 0.15,
                "origin": 0.4, "to": 0.4, "container": 0.35}
_ROLE_LABEL = {"home": "victims' home", "destination": "destination", "hospital": "hospital",
               "statement": "where a statement was made", "origin": "where someone came from",
               "to": "where someone went", "container": "the larger area"}
_NO_EVENT = 0.2     # a mention with no incident word nearby
_LOCATIVE = 1.6     # "in X", "at X", "10 km from X" near incident words
_RECALLED = 0.15    # an earlier incident the report recalls
_DATELINE = 0.25    # "QUETTA: …" is where the reporter filed from, often near the site
_CONTAINED = 1.3    # the text says where this place lies: it is meant precisely
_REPEATS = (1.0, 0.35, 0.2, 0.1)  # shares of a place's best, second … mention's weight
_SUPPORT = 0.2      # share of a containing candidate's score given to what it contains
_AREA_KINDS = {"village": "village", "goth": "village", "killi": "village", "kili": "village"}


@dataclass
class _Reading:
    """One mention of a place as read for the incident."""

    weight: float
    sentence: int
    evidence: str
    role: str = ""
    distance_km: float | None = None


@dataclass
class _Local:
    """A candidate within one report: a known place, or a name placed at its container."""

    key: str
    name: str
    kind: str
    entry: GazetteerEntry          # the place itself, or its container when unknown
    in_gazetteer: bool
    readings: list[_Reading] = field(default_factory=list)
    container: GazetteerEntry | None = None
    area_word: str = ""

    def score(self) -> float:
        weights = sorted((r.weight for r in self.readings), reverse=True)
        # Repetition counts, with diminishing returns: a province named in every
        # paragraph of background must not outgrow the village named once in the lead.
        raw = sum(w * share for w, share in zip(weights, _REPEATS))
        return raw * _SPECIFICITY.get(self.kind, 0.5)


@dataclass
class _Pooled:
    """A candidate across reports."""

    local: _Local
    score: float = 0.0
    reports: list[str] = field(default_factory=list)
    evidence: list[tuple[float, str, str]] = field(default_factory=list)  # weight, report, text
    distance_km: float | None = None


def site_candidates(reports: Sequence[Report], limit: int = 8) -> list[SiteCandidate]:
    """Candidate sites of the one incident these reports tell, best first; [] when none."""
    pooled: dict[str, _Pooled] = {}
    for name, text, places in reports:
        locals_ = _read_report(text, places)
        best = max((c.score() for c in locals_.values()), default=0.0)
        if best <= 0:
            continue
        for key, local in locals_.items():
            pool = pooled.setdefault(key, _Pooled(local))
            # Scaled per report, so a long report does not outvote two short ones, and
            # squared, so the places a report puts first count far more than its background.
            pool.score += (local.score() / best) ** 2
            pool.reports.append(name)
            for reading in local.readings:
                pool.evidence.append((reading.weight, name, reading.evidence))
                if reading.distance_km is not None:
                    pool.distance_km = max(pool.distance_km or 0.0, reading.distance_km)
    ranked = sorted(pooled.values(), key=lambda p: -p.score)[:_PAIRWISE]
    _support_contained(ranked)
    ranked.sort(key=lambda p: (-p.score, p.local.name))
    return _as_candidates(ranked[:max(limit, 0)])


def _read_report(text: str, places: Sequence[Place]) -> dict[str, _Local]:
    """The report's candidates, keyed by gazetteer uid or by the unknown name."""
    spans = sentences(text)
    starts = [s for s, _ in spans]
    mentions = sorted(((m, p) for p in places for m in p.mentions[:_MENTIONS_PER_PLACE]),
                      key=lambda mp: mp[0].start)[:_MENTIONS_PER_REPORT]
    first_char = len(text) - len(text.lstrip())
    locals_: dict[str, _Local] = {}
    roles: list[str] = []
    unknown_tries = 0
    for i, (mention, place) in enumerate(mentions):
        s_index = max(bisect_right(starts, mention.start) - 1, 0)
        sentence = spans[s_index] if spans else (0, len(text))
        role = _role(text, mention.start, mention.end, sentence)
        previous = mentions[i - 1][0] if i else None
        if not role and previous is not None and roles[-1] not in ("", "container") \
                and _joined(text, previous, mention, words.LIST_GAP):
            role = roles[-1]  # "hailed from Zhob, Pishin and Quetta"
        # "Rarasham area of Musakhail district": the name before is said to lie in this one.
        inner: tuple[_Local, _Reading] | None = None
        # A destination or home town is no part of where it happened, wherever it lies.
        if i and roles[-1] in ("", "container") \
                and _contained_before(text, mention, place, sentence, previous, mentions[i - 1][1]):
            known = locals_[mentions[i - 1][1].entry.uid]
            known.container = known.container or place.entry
            known.readings[-1].weight *= _CONTAINED
            role = role or "container"
        elif unknown_tries < _UNKNOWN_PER_REPORT:
            unknown_tries += 1
            inner = _unknown_before(text, mention, sentence, place, previous, s_index)
        if inner is not None and not role:
            role = "container"
        roles.append(role)
        reading = _reading(text, mention.start, mention.end, sentence, s_index, role, first_char)
        local = locals_.setdefault(place.entry.uid, _Local(place.entry.uid, place.entry.name, place.entry.kind,
                                                           place.entry, True))
        local.readings.append(reading)
        if inner is not None:
            unknown = locals_.setdefault(inner[0].key, inner[0])
            unknown.readings.append(inner[1])
    return locals_


def _joined(text: str, first: Mention, second: Mention, gap_pattern: re.Pattern[str]) -> bool:
    return 0 <= second.start - first.end <= _AHEAD and bool(gap_pattern.fullmatch(text, first.end, second.start))


def _rank(kind: str) -> int:
    return KINDS.index(kind) if kind in KINDS else len(KINDS)


def _contained_before(text: str, mention: Mention, place: Place, sentence: tuple[int, int],
                      previous: Mention | None, previous_place: Place | None) -> bool:
    """Whether the known place just before this one is said to lie in it ("Turbat, Kech
    district", "the Thal area of Hangu"): the smaller place inside a larger one."""
    if previous is None or previous_place is None or previous.start < sentence[0]:
        return False
    if not _joined(text, previous, mention, words.LIES_IN_GAP) or "\n" in text[previous.end:mention.start]:
        return False
    if _rank(previous_place.entry.kind) <= _rank(place.entry.kind):
        return False
    if text[previous.end:mention.start].strip() == ",":
        # "Turbat, Kech district" says where; "Zhob, Musa Khel, Quetta" is a list.
        return mention.qualifier in ("district", "province", "tehsil") or (
            place.entry.kind == "province" and not words.LIST_GAP.match(text, mention.end, mention.end + _AHEAD))
    return True


def _unknown_before(text: str, mention: Mention, sentence: tuple[int, int], container: Place,
                    previous: Mention | None, s_index: int) -> tuple[_Local, _Reading] | None:
    """"the Bagan area of Kurram": a name the gazetteer lacks, placed at its container."""
    lo = max(sentence[0], mention.start - _BACK, previous.end if previous is not None else 0)
    found = words.CONTAINED_BEFORE.search(text, lo, mention.start)
    if found is None:
        return None
    name_words = found["name"].split()
    while name_words and name_words[0].lower() in words.NOT_NAMES:
        name_words.pop(0)
    if not name_words or any(w.lower() in words.NOT_NAMES for w in name_words):
        return None
    if found.start("name") == sentence[0] and len(name_words) == 1:
        return None  # "Residential area of Quetta": a sentence's first word is no evidence of a name
    name = " ".join(name_words)
    area = found["area"].lower()
    start = found.end("name") - len(name)
    first_char = len(text) - len(text.lstrip())
    reading = _reading(text, start, found.end("name"), sentence, s_index, "", first_char)
    reading.weight *= _CONTAINED
    kind = _AREA_KINDS.get(area, "area")
    settled = settlement_within(name, container.entry)
    if settled is not None:  # the village table knows it: placed where it is, not at its container
        return _Local(settled.uid, settled.name, settled.kind, settled, True, container=container.entry,
                      area_word=area), reading
    local = _Local("unknown:" + fold(name), name, kind, container.entry, False, container=container.entry,
                   area_word=area)
    return local, reading


def _role(text: str, start: int, end: int, sentence: tuple[int, int]) -> str:
    """What the words around a mention say the place is, if not the site."""
    lo, hi = max(sentence[0], start - _BACK), min(sentence[1], end + _AHEAD)
    checks = (("home", words.HOME_BEFORE, None), ("destination", words.DESTINATION_BEFORE, words.DESTINATION_AFTER),
              ("hospital", words.HOSPITAL_BEFORE, words.HOSPITAL_AFTER),
              ("statement", words.STATEMENT_BEFORE, words.STATEMENT_AFTER))
    for role, before, after in checks:
        if before.search(text, lo, start) or (after is not None and after.match(text, end, hi)):
            if role == "statement" and words.TARGETED_BEFORE.search(text, lo, start):
                return ""  # the building attacked, not where its people spoke from
            return role
    if words.HOME_AFTER.match(text, end, hi):
        return "home"
    if words.DISTANCE_BEFORE.search(text, lo, start):
        return ""
    if words.FROM_BEFORE.search(text, max(lo, start - 12), start):
        return "origin"
    if words.TO_BEFORE.search(text, max(lo, start - 12), start):
        return "to"
    return ""


def _reading(text: str, start: int, end: int, sentence: tuple[int, int], s_index: int, role: str,
             first_char: int) -> _Reading:
    """Weigh one mention: incident words, locative, lead, role and recall."""
    evidence = _evidence(text, sentence, start, end)
    lo = max(sentence[0], start - _BACK)
    distance = words.DISTANCE_BEFORE.search(text, lo, start)
    km = None
    if distance is not None:
        km = float(distance["high"] or distance["low"]) * (1.609 if distance["unit"].lower().startswith("mile") else 1.0)
    lead = 0.5 + 1.5 * 0.7 ** s_index
    if _other_story(text, start):
        return _Reading(0.0, s_index, evidence, "other story")
    if words.BYLINE.search(text, max(sentence[0], start - _RECALL_REACH), min(sentence[1], end + _RECALL_REACH)):
        return _Reading(0.0, s_index, evidence, "byline")
    if _is_dateline(text, start, end, first_char):
        return _Reading(_DATELINE * lead, s_index, evidence, "dateline")
    event = words.EVENT.search(text, max(sentence[0], start - _EVENT_REACH), min(sentence[1], end + _EVENT_REACH))
    weight = lead * (1.0 if event else _NO_EVENT)
    if event and (km is not None or words.LOCATIVE_BEFORE.search(text, max(lo, start - 40), start)):
        weight *= _LOCATIVE
    weight *= _ROLE_WEIGHT.get(role, 1.0)
    if incident_words.RECALL.search(text, max(sentence[0], start - _RECALL_REACH), min(sentence[1], end + _RECALL_REACH)):
        weight *= _RECALLED
    return _Reading(weight, s_index, evidence, role, km)


def _other_story(text: str, at: int) -> bool:
    """Whether the line holding ``at`` links to another story ("Also Read | …")."""
    line = text.rfind("\n", max(0, at - _BACK), at) + 1
    if line == 0 and at > _BACK:
        return False  # the line starts too far back to be a short link line
    return bool(words.OTHER_STORY_LINE.match(text, line, at))


def _is_dateline(text: str, start: int, end: int, first_char: int) -> bool:
    at_line_start = start == first_char or (start > 0 and text[start - 1] == "\n")
    if not at_line_start:
        return False
    if text[start:end].isupper():
        return bool(words.DATELINE_AFTER.match(text, end, end + _AHEAD))
    return bool(words.DATELINE_AFTER_MIXED.match(text, end, end + _AHEAD))


def _evidence(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The mention's sentence, cut to about 300 characters around it."""
    lo, hi = max(sentence[0], start - _EVIDENCE_REACH), min(sentence[1], end + _EVIDENCE_REACH)
    shown = " ".join(text[lo:hi].split())
    return (ELLIPSIS if lo > sentence[0] else "") + shown + (ELLIPSIS if hi < sentence[1] else "")


def _support_contained(ranked: list[_Pooled]) -> None:
    """A place inside a broader candidate gains a share of its score: "Duki district"
    supports the town of Duki, Balochistan supports Quetta over Islamabad."""
    base = [p.score for p in ranked]
    for pool in ranked:
        inner = pool.local
        for other, score in zip(ranked, base):
            outer = other.local
            if other is pool or _rank(outer.kind) >= _rank(inner.kind) or not outer.in_gazetteer:
                continue
            outline = outline_of(outer.entry)
            if outline is not None:
                inside = outline.holds(inner.entry.lat, inner.entry.lon)
            else:
                reach = max(outer.entry.precision_km, 10.0)
                inside = haversine_km(inner.entry.lat, inner.entry.lon, outer.entry.lat, outer.entry.lon) <= reach
            if inside:
                pool.score += _SUPPORT * score


def _as_candidates(ranked: list[_Pooled]) -> list[SiteCandidate]:
    result: list[SiteCandidate] = []
    used: set[str] = set()
    for pool in ranked:
        local = pool.local
        precision = local.entry.precision_km
        if pool.distance_km is not None:
            precision = max(precision, pool.distance_km)
        # A district or province (or a name placed at one) is uncertain by its outline, not a circle.
        outline = outline_of(local.entry) if pool.distance_km is None else None
        slug = cases.slug(local.name, limit=None) or "site"
        ident, n = slug, 2
        while ident in used:
            ident, n = f"{slug}-{n}", n + 1
        used.add(ident)
        evidence = sorted(pool.evidence, key=lambda e: -e[0])
        shown = list(dict.fromkeys(f"[{report}] {line}" for _, report, line in evidence if line))[:3]
        result.append(SiteCandidate(
            id=ident, label=_label(local, pool.distance_km), lat=local.entry.lat, lon=local.entry.lon,
            precision_km=round(precision, 3), score=round(pool.score, 4), basis=_basis(pool, precision),
            supported_by=" | ".join(shown),
            sources=" ".join(dict.fromkeys(f"article:{r}" for r in pool.reports)),
            in_gazetteer=local.in_gazetteer, outline_id=outline.wof_id if outline else 0))
    return result


def _where(entry: GazetteerEntry) -> str:
    if entry.kind in ("district", "province", "region") and not entry.name.lower().endswith(entry.kind):
        return f"{entry.name} {entry.kind}"
    return entry.name


def _label(local: _Local, distance_km: float | None) -> str:
    if not local.in_gazetteer:
        return f"{local.name} {local.area_word}, {_where(local.entry)}"
    name = _where(local.entry)
    if local.container is not None and _rank(local.kind) > _rank("district") \
            and _rank(local.container.kind) >= _rank("district"):
        name = f"{name}, {_where(local.container)}"
    if distance_km is not None:
        return f"About {distance_km:g} km from {name}"
    return name


def _basis(pool: _Pooled, precision: float) -> str:
    local = pool.local
    count = len(dict.fromkeys(pool.reports))
    told = f"named where the incident is told in {count} report{'s' if count > 1 else ''}"
    roles = {r.role for r in local.readings if r.role}
    if not local.in_gazetteer:
        return (f"{told}; not in the gazetteer: placed at {_where(local.entry)}, "
                f"with its uncertainty ({precision:g} km).")
    entry = local.entry
    within = local.container or None
    where = f"{entry.kind} in {_where(within)}" if within else (
        f"{entry.kind} in {entry.admin1}" if entry.admin1 and entry.kind != "province" else entry.kind)
    text = f"{where}, {told}"
    if pool.distance_km is not None:
        text += f"; said to lie about {pool.distance_km:g} km from it, so the uncertainty is widened to {precision:g} km"
    others = sorted(_ROLE_LABEL[r] for r in roles if r in _ROLE_LABEL)
    if others:
        text += f"; also named as {', '.join(others)}"
    return text + "."
