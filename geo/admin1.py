"""The first-level divisions of every country: states, provinces, counties, governorates.

Reports from anywhere say which state or province an incident happened in ("Benue
State", "Guerrero", "Garissa County"). The countries-states-cities database (ODbL 1.0),
as packaged offline in ``countrystatecity-countries``, gives each division a name, its
type and a representative point. As with GeoNames, the rows are extracted once into
``data/gazetteer_admin1.csv`` (``incident-atlas gazetteer --rebuild``), and a test checks
the shipped file against the package. The detailed countries are left out: their
provinces are curated, with outlines (``geo.areas``).

The database gives no extent, so a division's radius is an estimate: its country's
radius (Natural Earth, ``data/gazetteer_countries.csv``) shared among its divisions as
if they were equal squares, and half as large again for the divisions larger than that.
"""
from __future__ import annotations

import csv
import importlib.util
import json
import math
import re
from pathlib import Path

from .geonames import write_rows
from .settings import COUNTRIES_CSV, DETAILED_COUNTRIES

PACKAGE = "countrystatecity_countries"
SOURCE = "countries-states-cities database (ODbL 1.0) via countrystatecity-countries, state id {}"
METHOD = "radius: 1.5 times the country's shared among its first-level divisions"
COLUMNS = ("state_id", "name", "alternate_names", "country", "kind", "lat", "lon", "precision_km")

# Types of first-level division that are small (the communes of a small country) are
# districts; every other type (state, province, region, county, governorate, …) is a province.
_DISTRICT_TYPES = frozenset({"district", "municipality", "parish", "city", "village", "commune", "town",
                             "local council", "urban municipality", "rural municipality", "district municipality",
                             "metropolitan district", "london borough", "council area", "unitary authority",
                             "city corporation", "island council", "borough", "canton", "division"})
# "Kunduz Province", "Nineveh Governorate": the press also writes the name alone.
_TYPE_SUFFIX = re.compile(r"\s+(?:Province|Region|Governorate|State|County|District|Department|Prefecture|"
                          r"Oblast|Municipality|Territory)$")
# "Michoacán de Ocampo", "Coahuila de Zaragoza": an official tail the press drops.
_OFFICIAL_TAIL = re.compile(r"\s+(?:de|del|do|da)\s+.+$")
# "Nord-Kivu" is "North Kivu" in English reporting: a compass word of French, Spanish or
# Portuguese before the name (not before another compass word: "Nord-Ouest" stays).
_COMPASS_PREFIX = re.compile(r"^(Nord|Sud|Norte|Sur|Sul)[-\s](?!(?:Est|Ouest|Este|Oeste|Leste|de|del|do|da)\b)(\w.*)$")
_COMPASS_ENGLISH = {"Nord": "North", "Norte": "North", "Sud": "South", "Sur": "South", "Sul": "South"}
_MIN_RADIUS_KM = 15.0
# Divisions are not equal: the large ones (Chhattisgarh, 700 km from end to end) must
# still hold their towns, since "X, Chhattisgarh" is tested against the radius.
_SPREAD = 1.5


def package_data() -> Path | None:
    """The per-country folder of the installed package, if it is installed (read without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "by-country"
    return path if path.is_dir() else None


def short_names(name: str) -> list[str]:
    """Other ways the press writes a division's name."""
    forms = []
    for pattern in (_TYPE_SUFFIX, _OFFICIAL_TAIL):
        short = pattern.sub("", name)
        if short != name and len(short) >= 4 and short not in forms:
            forms.append(short)
    if compass := _COMPASS_PREFIX.match(name):
        forms.append(f"{_COMPASS_ENGLISH[compass[1]]} {compass[2]}")
    return forms


def _country_radii(path: Path) -> dict[str, float]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {row["country"]: float(row["precision_km"]) for row in csv.DictReader(fh)}


def subset_rows(data: Path | None = None, countries_csv: Path = COUNTRIES_CSV) -> list[dict[str, str]]:
    """The gazetteer's first-level divisions, from the installed package's data."""
    data = data or package_data()
    if data is None:
        raise ModuleNotFoundError(f"No module named {PACKAGE!r}", name=PACKAGE)
    radii = _country_radii(countries_csv)
    rows = []
    for folder in sorted(data.iterdir()):
        country = folder.name
        states_file = folder / "states.json"
        if country in DETAILED_COUNTRIES or not states_file.is_file():
            continue
        states = [s for s in json.loads(states_file.read_text(encoding="utf-8"))
                  if s.get("latitude") and s.get("longitude")]
        radius = max(_MIN_RADIUS_KM, _SPREAD * radii.get(country, 100.0) / math.sqrt(max(len(states), 1)))
        for state in states:
            kind = "district" if (state.get("type") or "").lower() in _DISTRICT_TYPES else "province"
            rows.append({
                "state_id": str(state["id"]), "name": state["name"],
                "alternate_names": ";".join(short_names(state["name"])), "country": country, "kind": kind,
                "lat": f"{float(state['latitude']):.5f}", "lon": f"{float(state['longitude']):.5f}",
                "precision_km": f"{radius:.0f}",
            })
    rows.sort(key=lambda r: int(r["state_id"]))
    return rows


def write_subset(path: Path) -> int:
    """Write the first-level divisions CSV to ``path``; return the number of rows."""
    return write_rows(path, COLUMNS, subset_rows())
