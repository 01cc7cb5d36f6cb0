"""Settlements down to villages, with their districts: an indexed table on disk.

``data/settlements.tsv.gz`` (built by ``tools/build_settlements.py`` from Who's On First's
Pakistan and Afghanistan repositories: GeoNames localities, neighbourhoods, districts and
provinces) holds 164,000 places — too many to parse at every start and too many common
words to scan text with. So it is turned, once, into a SQLite file in the cache folder
(keyed by the table's digest, written under a temporary name and renamed into place),
and then only asked about names the text already gives as places.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import os
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .areas import holds
from .gazetteer import haversine_km
from .records import GazetteerEntry
from .settings import SETTLEMENTS_TSV, cache_dir
from .spelling import fold, is_variant, skeleton

SOURCE = "GeoNames (CC BY 4.0) via Who's On First (CC BY 4.0), wof:id {}"
#: Changes when the index's layout does, so an index of an older layout is not read.
INDEX_VERSION = 2
#: Skeletons shorter than this match too many names to be asked about.
_MIN_SKELETON = 3
_SCHEMA = """
CREATE TABLE places (wof_id INTEGER PRIMARY KEY, geonameid TEXT, name TEXT, ascii_name TEXT, variants TEXT,
                     place_type TEXT, feature_code TEXT, lat REAL, lon REAL, population INTEGER,
                     district TEXT, province TEXT, country TEXT);
CREATE TABLE names (key TEXT NOT NULL, wof_id INTEGER NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Settlement:
    """One place of the table."""

    wof_id: int
    geonameid: str
    name: str
    place_type: str      # locality, neighbourhood, district, province
    feature_code: str
    lat: float
    lon: float
    population: int
    district: str
    province: str
    country: str
    variants: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """Where the position comes from, as layers cite it."""
        return SOURCE.format(self.wof_id)


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()[:16]


def build_index(table: Path, target: Path) -> Path:
    """Write the SQLite index of ``table`` to ``target`` (atomically: a temporary file renamed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(descriptor)
    try:
        with sqlite3.connect(temporary) as db:
            db.executescript(_SCHEMA)
            with gzip.open(table, "rt", encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
                places, names = [], []
                for row in reader:
                    wof_id = int(row["wof_id"])
                    places.append((wof_id, row["geonameid"], row["name"], row["ascii_name"], row["variants"],
                                   row["place_type"], row["feature_code"], float(row["lat"]), float(row["lon"]),
                                   int(row["population"] or 0), row["district"], row["province"], row["country"]))
                    spellings = {row["name"], row["ascii_name"], *row["variants"].split(";")} - {""}
                    keys = {fold(s) for s in spellings} | {"~" + skeleton(s) for s in spellings
                                                           if len(skeleton(s)) >= _MIN_SKELETON}
                    names.extend((key, wof_id) for key in keys if key.strip("~"))
            db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", places)
            db.executemany("INSERT INTO names VALUES (?,?)", names)
            db.execute("CREATE INDEX names_by_key ON names (key)")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


@lru_cache(maxsize=4)
def _index(table: Path) -> Path:
    """The SQLite index of ``table``, built on first use (in a temporary folder if the cache cannot be written)."""
    name = f"settlements-{INDEX_VERSION}-{_digest(table)}.sqlite"
    for folder in (cache_dir(), Path(tempfile.gettempdir()) / "incident-atlas"):
        target = folder / name
        if target.is_file():
            return target
        try:
            return build_index(table, target)
        except OSError:
            continue
    raise OSError(f"no writable folder for the settlements index ({cache_dir()})")


def prepare_index(table: Path = SETTLEMENTS_TSV) -> None:
    """Build the index now if it is not there yet, without opening it: a program about to
    fork worker processes calls this first, so they do not each build it."""
    _index(table)


_THREAD = threading.local()


def _connection(table: Path) -> sqlite3.Connection:
    # One read-only connection per thread: the dashboard serves sessions from several.
    connections = _THREAD.__dict__.setdefault("connections", {})
    index = _index(table)
    if index not in connections:
        connections[index] = sqlite3.connect(f"file:{index}?mode=ro", uri=True)
    return connections[index]


def settlements_named(name: str, table: Path = SETTLEMENTS_TSV, variants: bool = False) -> list[Settlement]:
    """Every place of the table that ``name`` names (any of its spellings, folded), largest first.

    With ``variants``, places spelt another way are included ("Mangochar" for
    "Mangūchar"): those whose consonant skeleton is the same and whose spelling is close.
    """
    return list(_settlements_named(name, table, variants))


# A dashboard rerun or a batch of reports on one region asks about the same names again.
@lru_cache(maxsize=4096)
def _settlements_named(name: str, table: Path, variants: bool) -> tuple[Settlement, ...]:
    key = "~" + skeleton(name) if variants else fold(name)
    if not key.strip("~") or variants and len(key) - 1 < _MIN_SKELETON:
        return ()
    rows = _connection(table).execute(
        "SELECT p.wof_id, p.geonameid, p.name, p.place_type, p.feature_code, p.lat, p.lon, p.population, "
        "p.district, p.province, p.country, p.variants FROM names n JOIN places p ON p.wof_id = n.wof_id "
        "WHERE n.key = ? ORDER BY p.population DESC, p.wof_id", (key,)).fetchall()
    places = [Settlement(*row[:11], variants=tuple(v for v in row[11].split(";") if v)) for row in rows]
    if variants:
        places = [p for p in places if any(is_variant(name, spelling) for spelling in (p.name, *p.variants))]
    return tuple(places)


#: What a settlement is, as the gazetteer's kinds say it (seats of districts are towns).
_KINDS = {"locality": "village", "neighbourhood": "village", "district": "district", "province": "province"}
#: Precision radius of a settlement's point, by its kind (a village spans a few km).
_PRECISION_KM = {"village": 3.0, "town": 5.0, "district": 40.0, "province": 200.0}


def _entry(place: Settlement) -> GazetteerEntry:
    kind = "town" if place.feature_code.startswith("PPLA") else _KINDS[place.place_type]
    return GazetteerEntry(name=place.name, kind=kind, lat=place.lat, lon=place.lon,
                          precision_km=_PRECISION_KM[kind], source=place.source, country=place.country,
                          admin1=place.province, population=place.population, alternate_names=place.variants,
                          uid=f"wof:{place.wof_id}")


def settlement_within(name: str, container: GazetteerEntry, table: Path = SETTLEMENTS_TSV) -> GazetteerEntry | None:
    """The settlement called ``name`` that lies in ``container`` (a district or province the
    text names with it: "the X area of Y"), as a gazetteer entry; ``None`` unless exactly one does.

    Only for names the text already gives as places: the table is never scanned for words.
    """
    container_key = fold(container.name)

    def inside(places: list[Settlement]) -> list[Settlement]:
        return [place for place in places if place.place_type in ("locality", "neighbourhood")
                and (container_key in (fold(place.district), fold(place.province))
                     or holds(container, place.lat, place.lon))]

    # The name as written first; a spelling variant only when no place has it.
    found = inside(settlements_named(name, table)) or inside(settlements_named(name, table, variants=True))
    return _entry(found[0]) if len(found) == 1 else None


#: Without a district or province named with it, a village must lie this close to one of
#: the article's other places to be the namesake meant.
NEAR_OTHERS_KM = 100.0


def settlement_named_in(name: str, containers: list[GazetteerEntry], points: list[tuple[float, float]],
                        table: Path = SETTLEMENTS_TSV) -> GazetteerEntry | None:
    """The village or neighbourhood called ``name`` that the text means, as a gazetteer entry.

    ``containers``: the district or province the text names with it ("X village in Y
    district", "in X, Y district") — exact through the table's hierarchy (a village whose
    district or province is Y), and only then within the area's outline (or radius). Without one, the
    namesake nearest to the article's other places (``points``) within
    :data:`NEAR_OTHERS_KM`. ``None`` when neither decides. The name is looked up as
    written: a spelling variant is too weak a reading for a name nothing else knows.
    """
    places = [p for p in settlements_named(name, table) if p.place_type in ("locality", "neighbourhood")]
    if containers:
        keys = {_area_key(n) for c in containers for n in (c.name, *c.alternate_names)}
        inside = [p for p in places if ({_area_key(p.district), _area_key(p.province)} - {""}) & keys]
        if not inside:
            inside = [p for p in places if any(holds(c, p.lat, p.lon) for c in containers)]
        inside = _by_main_name(inside, name)
        return _entry(inside[0]) if len(inside) == 1 else _nearest(inside, points)
    near = [p for p in places if any(haversine_km(p.lat, p.lon, lat, lon) <= NEAR_OTHERS_KM for lat, lon in points)]
    return _nearest(_by_main_name(near, name), points)


#: Without a province named with it, a district must lie this close to one of the
#: article's other places (districts are wide; their points are their centres).
DISTRICT_NEAR_OTHERS_KM = 80.0


def district_named_in(name: str, containers: list[GazetteerEntry], points: list[tuple[float, float]],
                      table: Path = SETTLEMENTS_TSV) -> GazetteerEntry | None:
    """The district called ``name`` that the text means ("Behsud district of Nangarhar"), as
    a gazetteer entry; ``None`` unless the province named with it, or nearness to the
    article's other places, decides.

    A district of the table is also known by the names of the districts it was split from
    ("Fayz abad" among Argo's other names), so a name that is some district's own name
    means that district only.
    """
    places = _by_main_name([p for p in settlements_named(name, table) if p.place_type == "district"], name)
    if containers:
        keys = {_area_key(n) for c in containers for n in (c.name, *c.alternate_names)}
        inside = [p for p in places if _area_key(p.province) in keys or any(holds(c, p.lat, p.lon) for c in containers)]
        return _entry(inside[0]) if len(inside) == 1 else None
    near = [p for p in places
            if any(haversine_km(p.lat, p.lon, lat, lon) <= DISTRICT_NEAR_OTHERS_KM for lat, lon in points)]
    return _entry(near[0]) if len(near) == 1 else None


def _by_main_name(places: list[Settlement], name: str) -> list[Settlement]:
    """The places whose own name ``name`` is, if any: "Zan Abad" is the Zanabad of Bagrami
    rather than the hamlet beside it that has "Zanābād" among its other names."""
    key = fold(name)
    return [p for p in places if fold(p.name) == key] or places


def _area_key(name: str) -> str:
    key = fold(name)
    for suffix in ("district", "agency", "tehsil", "province"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[:-len(suffix)]
    return key


def _nearest(places: list[Settlement], points: list[tuple[float, float]]) -> GazetteerEntry | None:
    """The place nearest to any of ``points``; ``None`` without points or places."""
    if not places or not points:
        return None
    best = min(places, key=lambda p: min(haversine_km(p.lat, p.lon, lat, lon) for lat, lon in points))
    return _entry(best)
