"""Choose one gazetteer entry for each mention among same-name candidates.

Signals, in order of weight: a qualifier in the text ("Sibi district" → the
district), the article's focus country (most mentions' likely country), nearness to
the article's unambiguous places, the kind of place (a town before a district of the
same name, unless qualified), and population.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from statistics import median

from .gazetteer import haversine_km
from .lexicon import GENERIC_LOCALITIES
from .mentions import Candidate
from .records import GazetteerEntry
from .settings import HOME_COUNTRY
from .spelling import fold, skeleton

DEFAULT_FOCUS_COUNTRY = HOME_COUNTRY
#: Foreign places smaller than this need their country named in the article.
FOREIGN_CITY_POPULATION = 1_000_000
#: Capitals this large need not ("talks in Doha"); "Victoria" in a report from Quetta is
#: a person, not the capital of the Seychelles.
CAPITAL_POPULATION = 100_000
_ADMIN_KINDS = {"province", "region", "district"}
_AREA_KINDS = ("country", "province", "region", "water")
# Without a qualifier a bare name usually means the settlement; a district or
# province of the same name is the second reading.
_KIND_PRIOR = {"country": 1.2, "province": 1.0, "city": 1.0, "town": 0.9, "village": 0.6,
               "station": 0.3, "landmark": 0.3, "water": 0.8, "region": 0.7, "district": 0.4}


def focus_country(candidates: list[Candidate], default: str = DEFAULT_FOCUS_COUNTRY) -> str:
    """The country most of the article's mentions most likely lie in."""
    votes: Counter[str] = Counter()
    for candidate in candidates:
        countries = sorted({e.country for e in candidate.entries if e.country})
        if len(countries) > 1:
            # A state or province abroad votes only when its name is no one else's
            # ("Texas"), not as one more namesake ("Gaza" province of Mozambique).
            countries = sorted({e.country for e in candidate.entries
                                if e.country and (e.curated or e.kind not in _ADMIN_KINDS)})
        for country in countries:
            votes[country] += 1 / len(countries)
    if not votes:
        return default
    # Ties go to the default country, then to the first code: the same answer in every process.
    best = min(votes, key=lambda country: (-votes[country], country != default, country))
    # A country needs at least one name that is only its own: "Victoria" alone, a town
    # in eight countries, points at none of them.
    return best if votes[best] > votes.get(default, 0) and votes[best] >= 1 else default


def _anchor(candidates: list[Candidate], focus: str) -> tuple[float, float] | None:
    # Only names matched as written: a spelling variant is itself the doubtful case.
    points = [(c.entries[0].lat, c.entries[0].lon) for c in candidates
              if c.exact and len(c.entries) == 1
              and c.entries[0].kind not in ("country", "province", "water")
              and c.entries[0].country == focus]
    if not points:
        return None
    return median(p[0] for p in points), median(p[1] for p in points)


def _score(entry: GazetteerEntry, candidate: Candidate, focus: str,
           anchor: tuple[float, float] | None, home: str) -> float:
    qualifier = candidate.mention.qualifier
    score = _KIND_PRIOR.get(entry.kind, 0.5)
    if qualifier:
        if qualifier == entry.kind or (qualifier in _ADMIN_KINDS and entry.kind in _ADMIN_KINDS
                                       and qualifier != "district" and entry.kind != "district"):
            score += 3.0
        elif qualifier in ("city", "town", "village") and entry.kind in ("city", "town", "village"):
            score += 1.5
    if entry.country == focus:
        score += 2.0
    if entry.country == home:
        score += 1.0  # the reporting this tool reads is about Pakistan first
    if _main_name_key(entry.name) == fold(candidate.mention.surface):
        # A main name beats an alternate ("Islamabad" of Chattogram; "Lasbela" is not
        # Bela); "Haveli" is the main name of Haveli District, not of Haveli Lakha.
        # A country's own name is the country, whatever city lists it as another name
        # ("Mexico" of Mexico City), however near the report's other places that city is.
        score += 2.5 if entry.kind == "country" else 1.0
    score += min(math.log10(entry.population + 1) / 7, 1.0)
    if anchor is not None and entry.kind not in ("country", "province", "water"):
        score += 1.5 * math.exp(-haversine_km(entry.lat, entry.lon, *anchor) / 300)
    if entry.curated:
        score += 0.2  # checked by hand
    return score


def _foreign_out_of_context(entry: GazetteerEntry, home: str, focus: str, countries_named: set[str],
                            names_facility: bool = False, qualifier: str = "") -> bool:
    # A smaller foreign town whose country the article never names is a lookalike of
    # something local ("Turi" tribesmen are not in Turin), not a place it reports on.
    # Home is never foreign, even in a report mostly about Afghanistan.
    if entry.country in ("", home, focus) or entry.country in countries_named:
        return False
    if entry.kind in _ADMIN_KINDS and not entry.curated:
        # The states and provinces of every country: "Guerrero" is a surname, "Plateau"
        # a word, until the report names the country or calls it a state ("Benue State");
        # "the Tanga area of Qila Saifullah" is no province of Tanzania. "District" is
        # everyday in this region's reporting: "Shaki district" is not Azerbaijan's.
        return entry.kind == "district" or qualifier != entry.kind
    if entry.kind in _AREA_KINDS or entry.capital and entry.population >= CAPITAL_POPULATION:
        return False
    # A mosque or hospital named after a holy city ("Madina mosque") is local, however
    # large the city it is named after.
    return names_facility or entry.population < FOREIGN_CITY_POPULATION


#: A neighbourhood with a name many cities share must lie this close to another
#: place the article names (its city).
GENERIC_LOCALITY_KM = 30.0
_QUALIFIED_AREAS = ("district", "province")
_DISTRICT_SUFFIX = re.compile(r"\s+(?:district|tehsil|agency)$", re.IGNORECASE)
# GeoNames names some district headquarters "Jhang City", "Attock City".
_TOWN_SUFFIX = re.compile(r"\s+(?:city|town|cantonment|cantt)$", re.IGNORECASE)


@lru_cache(maxsize=65536)
def _main_name_key(name: str) -> str:
    # "Haveli District" is called "Haveli": the district's own name. Scored for every
    # candidate entry of every mention, hence remembered.
    return fold(_DISTRICT_SUFFIX.sub("", name))


class _PointIndex:
    """The article's places on a one-degree grid, so asking whether any lies within a
    distance looks at the nearby cells only: linear however many places a text names."""

    def __init__(self, points: Iterable[tuple[str, float, float]]):
        self._cells: dict[tuple[int, int], set[tuple[str, float, float]]] = defaultdict(set)
        for point in points:
            self._cells[math.floor(point[1]), math.floor(point[2])].add(point)

    def any_within(self, lat: float, lon: float, km: float, other_than: str | None = None) -> bool:
        """Whether a place not keyed ``other_than`` lies within ``km`` of (lat, lon)."""
        rows = math.ceil(km / 111.0)
        cols = min(180, math.ceil(km / (111.0 * max(math.cos(math.radians(lat)), 0.01))))
        row, col = math.floor(lat), math.floor(lon)
        return any(key != other_than and haversine_km(lat, lon, p_lat, p_lon) <= km
                   for r in range(row - rows, row + rows + 1)
                   for c in range(col - cols, col + cols + 1)
                   for key, p_lat, p_lon in self._cells.get((r, (c + 180) % 360 - 180), ()))

    def __bool__(self) -> bool:
        return bool(self._cells)


def _generic_locality_elsewhere(candidate: Candidate, entry: GazetteerEntry, points: _PointIndex) -> bool:
    """"Saddar" in a report from Rawalpindi is not Karachi's Saddar.

    ``points`` are the article's single-sense places, keyed by their name key.
    """
    key = fold(candidate.mention.surface)
    if key not in GENERIC_LOCALITIES:
        return False
    return not points.any_within(entry.lat, entry.lon, GENERIC_LOCALITY_KM, other_than=key)


def _settlement_for_an_area(candidate: Candidate, entry: GazetteerEntry) -> bool:
    """"Haveli district" is not the town Haveli Lakha: a settlement stands best for a
    named district or province under its own main name, however spelt ("Sibi district"
    → Sibi, "Shujabad tehsil" → Shujaabad). Used as a preference among namesakes only:
    "DG Khan district" still finds Dera Ghazi Khan."""
    return (candidate.mention.qualifier in _QUALIFIED_AREAS and entry.kind not in _ADMIN_KINDS
            and entry.kind != "country"
            and skeleton(_TOWN_SUFFIX.sub("", entry.name)) != skeleton(candidate.mention.surface))


#: A place matched only by a spelling variant must lie this close to one of the article's
#: other places: a lookalike far away is more likely an unknown local name.
FAR_VARIANT_KM = 400.0


def _exact_points(candidates: list[Candidate]) -> _PointIndex:
    """Points of the article's unambiguous places, matched as written (not areas)."""
    return _PointIndex(("", c.entries[0].lat, c.entries[0].lon) for c in candidates
                       if c.exact and len(c.entries) == 1 and c.entries[0].kind not in _AREA_KINDS)


def _far_from_all(entry: GazetteerEntry, points: _PointIndex) -> bool:
    # The nearest place counts, not the article's centre: a Lahore dateline must not
    # push "Turbet" away from the Kech district it is reported in.
    if not points or entry.kind in _AREA_KINDS:
        return False
    return not points.any_within(entry.lat, entry.lon, FAR_VARIANT_KM)


def _can_contain(container: GazetteerEntry, by_area_word: bool) -> bool:
    # Districts, provinces and regions contain places; a city only when the text says
    # "area of" ("Chamkani area of Peshawar"): "workers from Karachi in Dubai" is no
    # statement about where Karachi lies, nor is "Karachi in the UAE".
    if container.kind in _ADMIN_KINDS:
        return True
    return by_area_word and container.kind in ("city", "town")


def _lies_in(entry: GazetteerEntry, container: GazetteerEntry, said_district: bool = False) -> bool:
    """Whether ``entry`` can lie in ``container``: within twice its radius, and at least
    120 km of a district or 80 km of a city (whose name often stands for its district:
    "Kulachi area of D.I. Khan")."""
    if entry.kind in _AREA_KINDS:
        return entry.kind != "country"  # a river or a region may run through it
    if container.kind != "region" and container.country and entry.country != container.country:
        return False  # "Gomal city of Khyber Pakhtunkhwa" is not the Gomal across the border
    if container.kind in ("province", "district") and container.admin1 and entry.admin1 \
            and entry.admin1 != container.admin1:
        return False  # "Nasirabad, Balochistan" is not the Nasirabad of Sindh
    # Districts are drawn as their headquarters' point, and some are 300 km across.
    # A town named with "district" ("Sehwan town of Jamshoro district") stands for it.
    floor = 80.0 if container.kind in ("city", "town") and not said_district else 120.0
    reach = max(2 * container.precision_km, floor)
    return haversine_km(entry.lat, entry.lon, container.lat, container.lon) <= reach


def _as_far_as_said(entry: GazetteerEntry, other: GazetteerEntry, km: float) -> bool:
    """Whether ``entry`` can lie ``km`` (by road, so up to half again as far in a straight
    line, or less) from ``other``, allowing for both places' extent."""
    slack = 10.0 + entry.precision_km + other.precision_km
    return haversine_km(entry.lat, entry.lon, other.lat, other.lon) <= 1.5 * km + slack


def _located(chosen: list[tuple[Candidate, GazetteerEntry]], focus: str,
             anchor: tuple[float, float] | None, home: str) -> dict[str, GazetteerEntry | None]:
    """Names the text places inside another place, with the entry that lies there (None:
    no known place of that name lies there)."""
    where = {(c.mention.start, c.mention.end): e for c, e in chosen}
    located: dict[str, GazetteerEntry | None] = {}
    for candidate, entry in chosen:
        container = where.get((candidate.within.start, candidate.within.end)) if candidate.within else None
        if container is None:
            continue
        if candidate.within_km is not None:
            # "Nasirabad, 40 kilometres from Turbat": a namesake 490 km away is not meant.
            near = [e for e in candidate.entries if _as_far_as_said(e, container, candidate.within_km)]
            if entry in near or not (near or candidate.within_decides and len(candidate.entries) > 1):
                continue  # a place with no namesake, farther than said, is still that place
            located.setdefault(fold(candidate.mention.surface), max(
                near, key=lambda e: _score(e, candidate, focus, anchor, home)) if near else None)
            continue
        if not _can_contain(container, candidate.within_by_area_word):
            continue
        if entry.kind in _AREA_KINDS or entry.kind == "district":
            continue  # "India in Kashmir", "Awaran district of Kalat division": not a namesake question
        said_district = candidate.within.qualifier in ("district", "province")
        inside = [e for e in candidate.entries if _lies_in(e, container, said_district)]
        if _lies_in(entry, container, said_district):
            nearer = _much_nearer(inside, entry, container)
            if nearer is not None:
                located.setdefault(fold(candidate.mention.surface), nearer)
            continue  # nothing to correct; other rules (qualifiers) keep deciding
        if not inside and not candidate.within_decides:
            continue  # "Earthquake jolts Islamabad, Azad Kashmir": a list, not where Islamabad lies
        best = max(inside, key=lambda e: _score(e, candidate, focus, anchor, home)) if inside else None
        located.setdefault(fold(candidate.mention.surface), best)
    return located


def _much_nearer(inside: list[GazetteerEntry], entry: GazetteerEntry,
                 container: GazetteerEntry) -> GazetteerEntry | None:
    """A namesake in a province, less than half as far from its centre as ``entry``, when
    neither names its province: the world's towns do not, and a state's radius is only a
    rough one ("Springfield, Illinois" is not the larger Springfield of Missouri, 460 km
    off Illinois' centre and still inside twice its radius)."""
    if container.kind != "province" or entry.admin1:
        return None
    towns = [e for e in inside if not e.admin1 and e.kind not in _AREA_KINDS and e.kind != "district"]
    if len(towns) < 2:
        return None
    nearest = min(towns, key=lambda e: haversine_km(e.lat, e.lon, container.lat, container.lon))
    far = haversine_km(entry.lat, entry.lon, container.lat, container.lon)
    return nearest if haversine_km(nearest.lat, nearest.lon, container.lat, container.lon) < far / 2 else None


def _holds(container: GazetteerEntry, entry: GazetteerEntry) -> bool:
    """Whether ``entry`` may lie in ``container`` read as a country or an admin area."""
    if container.kind == "country":
        return entry.kind != "country" and entry.country == container.country
    return container.kind in _ADMIN_KINDS and entry.kind not in _AREA_KINDS and _lies_in(entry, container)


def _containers_that_hold(chosen: list[tuple[Candidate, GazetteerEntry]], focus: str,
                          anchor: tuple[float, float] | None, home: str,
                          ) -> tuple[list[tuple[Candidate, GazetteerEntry]], dict[str, GazetteerEntry]]:
    """Read a container as the one of its senses that holds the place said to lie in it.

    "Atlanta, Georgia" is the American state, "Tbilisi, Georgia" the country: when the
    container's chosen sense holds none of the place's senses and another one does, that
    one is taken. Returns the choices and those containers' senses by folded name, which
    every bare mention of that name then follows.
    """
    index = {(c.mention.start, c.mention.end): number for number, (c, _) in enumerate(chosen)}
    chosen = list(chosen)
    holders: dict[str, GazetteerEntry] = {}
    for candidate, _ in list(chosen):
        number = index.get((candidate.within.start, candidate.within.end)) if candidate.within else None
        if number is None or candidate.within_km is not None:
            continue
        outer, current = chosen[number]
        if len(outer.entries) < 2 or any(_holds(current, e) for e in candidate.entries):
            continue
        # Not a district: "Mastung, Kalat" keeps the town of Kalat it read.
        holding = [r for r in outer.entries
                   if r.kind in ("country", "province") and any(_holds(r, e) for e in candidate.entries)]
        if holding:
            best = max(holding, key=lambda r: _score(r, outer, focus, anchor, home))
            chosen[number] = (outer, best)
            holders[fold(outer.mention.surface)] = best
    return chosen, holders


def _own_name_elsewhere(candidate: Candidate, preferred: GazetteerEntry) -> bool:
    """Whether the bare name is a country's own name while the qualified place only lists
    it as another name: "Mexico" after "MEXICO CITY" is still the country."""
    key = fold(candidate.mention.surface)
    return _main_name_key(preferred.name) != key and any(
        e.kind == "country" and _main_name_key(e.name) == key for e in candidate.entries)


def choose_entries(candidates: list[Candidate], default_country: str = DEFAULT_FOCUS_COUNTRY,
                   countries_named: set[str] | None = None) -> list[tuple[Candidate, GazetteerEntry]]:
    """Pair every candidate mention with its best gazetteer entry.

    Mentions that can only be a smaller town of a country the article never names
    are dropped, and so are spelling-variant matches far from the article's other
    places. One name keeps one sense per article: if any of its mentions carries
    a qualifier ("Las Bela district"), the bare mentions follow it.
    """
    focus = focus_country(candidates, default_country)
    anchor = _anchor(candidates, focus)
    exact_points = _exact_points(candidates)
    # Every single-sense place named, areas aside (a dateline's city among them).
    all_points = _PointIndex((fold(c.mention.surface), c.entries[0].lat, c.entries[0].lon) for c in candidates
                             if len(c.entries) == 1 and c.entries[0].kind not in _AREA_KINDS)
    # A country is named by its own name, whatever towns share it ("Durango, Mexico").
    named = set(countries_named or ()) | {
        e.country for c in candidates for e in c.entries
        if e.kind == "country" and (len(c.entries) == 1 or _main_name_key(e.name) == fold(c.mention.surface))}
    def in_context(c: Candidate) -> list[GazetteerEntry]:
        # "Gaza" in a report on Israel is the Gaza Strip the overlay knows, not Gaza city
        # of a country the report never names; a name with no reading in the report's
        # countries is chosen among all, and dropped below if that one is out of context.
        return [e for e in c.entries if e.country in ("", default_country, focus) or e.country in named
                or e.curated and e.kind in _AREA_KINDS] or list(c.entries)

    # "Jhang district" is better placed at Jhang City than at Jhang Sadr (see below).
    chosen = []
    for c in candidates:
        readings = in_context(c)
        chosen.append((c, max([e for e in readings if not _settlement_for_an_area(c, e)] or readings,
                              key=lambda e: _score(e, c, focus, anchor, default_country))))
    chosen, holders = _containers_that_hold(chosen, focus, anchor, default_country)
    # "Atlanta, Georgia": the state points at its country as naming the country would.
    named |= {entry.country for entry in holders.values()}
    # Keys of every qualified choice: the surface as written and each name of the entry
    # ("Las Bela district" → Lasbela, Las Bela …), so a bare "Lasbela" later follows it.
    # "area" and "region" say little ("the Washuk region" after "Washuk district"): a
    # stronger qualifier of the same name decides.
    qualified: dict[str, GazetteerEntry] = dict(holders)
    for c, e in chosen:
        if not c.mention.qualifier:
            continue
        for key in (fold(c.mention.surface), *(fold(n) for n in (e.name, *e.alternate_names))):
            if c.mention.qualifier != "region" or key not in qualified:
                qualified[key] = e
    located = _located(chosen, focus, anchor, default_country)
    paired = []
    for candidate, entry in chosen:
        preferred = qualified.get(fold(candidate.mention.surface))
        if preferred is not None and preferred in candidate.entries and not _own_name_elsewhere(candidate, preferred):
            entry = preferred
        key = fold(candidate.mention.surface)
        if key in located:
            # Where the text says this name lies decides for all its mentions.
            if located[key] is None or located[key] not in candidate.entries:
                continue  # "Thal area of Hangu district" is not the Thal 240 km away
            entry = located[key]
        if _foreign_out_of_context(entry, default_country, focus, named, candidate.names_facility,
                                   candidate.mention.qualifier):
            continue
        if _generic_locality_elsewhere(candidate, entry, all_points):
            continue  # "RAWALPINDI: … shot dead in Saddar"
        if candidate.mention.qualifier == "water" and entry.kind != "water":
            continue  # "the Kurram River" is not Kurram district: the river is not known
        if not candidate.exact and _far_from_all(entry, exact_points):
            continue  # "Siddiqabad" near Khar is not Saddiqabad, 700 km away in Punjab
        paired.append((candidate, entry))
    return paired
