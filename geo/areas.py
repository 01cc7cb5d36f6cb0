"""Outlines of districts and provinces, so that an area a report names is drawn as itself.

``data/areas.geojson.gz`` (built with the settlements table by
``tools/build_settlements.py`` from Who's On First) holds the polygons of the districts
and provinces of the detailed countries. A gazetteer entry for a district or province is
matched to its outline by name and place: the outline must carry the entry's name and
hold its point (a district is placed at its head town, which lies inside it), so the
tribal "FR Bannu" is not taken for Bannu district.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from .gazetteer import haversine_km
from .records import GazetteerEntry
from .settings import AREAS_GEOJSON
from .spelling import fold, is_variant

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

SOURCE = "Who's On First (CC BY 4.0), wof:id {}, outline from {}"
#: Where Who's On First took each outline from (its ``src:geom``), with the licence.
GEOMETRY_SOURCES = {"meso": "Mesoshapes (CC0)", "quattroshapes": "Quattroshapes (CC BY 2.0)",
                    "wof": "Who's On First's own work (CC0)", "whosonfirst": "Who's On First's own work (CC0)"}
#: Kinds of gazetteer entry that have outlines, and the outlines' place type for each.
_PLACE_TYPES = {"district": "district", "province": "province", "region": "province"}
#: A head town on the edge of a simplified outline may fall just outside it; a province's
#: point (a centroid from another source) may fall farther out.
_EDGE_DEGREES = {"district": 0.05, "province": 0.3}


@dataclass(eq=False)
class Outline:
    """One district's or province's polygon, made from its GeoJSON text when first used."""

    wof_id: int
    name: str
    place_type: str     # district, province
    province: str       # a district's ("" for a province)
    country: str
    geometry_text: str = field(repr=False)
    geometry_source: str = ""
    _shape: BaseGeometry | None = field(default=None, init=False, repr=False)

    @property
    def source(self) -> str:
        return SOURCE.format(self.wof_id, GEOMETRY_SOURCES.get(self.geometry_source, self.geometry_source or "?"))

    @property
    def geometry(self) -> BaseGeometry:
        if self._shape is None:
            import shapely  # see _outlines

            self._shape = shapely.from_geojson(self.geometry_text)
            shapely.prepare(self._shape)
        return self._shape

    def holds(self, lat: float, lon: float) -> bool:
        """Whether the point lies in the outline (or on its simplified edge)."""
        from shapely import Point

        return self.geometry.dwithin(Point(lon, lat), _EDGE_DEGREES[self.place_type])


def _key(name: str) -> str:
    key = fold(name)
    for suffix in ("district", "agency", "province"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[:-len(suffix)]
    return key


@lru_cache(maxsize=2)
def _by_id(path: Path) -> dict[int, Outline]:
    return {o.wof_id: o for found in _outlines(path).values() for o in found}


def outline_by_id(wof_id: int, path: Path = AREAS_GEOJSON) -> Outline | None:
    """The outline with Who's On First id ``wof_id``, or ``None``."""
    return _by_id(path).get(wof_id) if path.is_file() else None


def holds(area: GazetteerEntry, lat: float, lon: float, path: Path = AREAS_GEOJSON) -> bool:
    """Whether the point lies in ``area``: in its outline when it has one, else within its radius."""
    outline = outline_of(area, path)
    if outline is not None:
        return outline.holds(lat, lon)
    return haversine_km(lat, lon, area.lat, area.lon) <= area.precision_km


#: How each feature line of the file starts (tools/build_settlements.py writes one per line,
#: properties first), so the properties can be read without parsing the polygon.
FEATURE_START = '{"type":"Feature","properties":'
_GEOMETRY_KEY = ',"geometry":'
_DECODER = json.JSONDecoder()


@lru_cache(maxsize=2)
def _outlines(path: Path) -> dict[tuple[str, str], tuple[Outline, ...]]:
    """Every outline of ``path``, by (folded name, place type).

    Only the properties are parsed here; a polygon is made (with shapely, imported then,
    so texts that need no outline start sooner) when it is first asked about.
    """
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    by_key: dict[tuple[str, str], list[Outline]] = {}
    for line in lines:
        if not line.startswith(FEATURE_START):
            continue
        p, end = _DECODER.raw_decode(line, len(FEATURE_START))
        if not line.startswith(_GEOMETRY_KEY, end):
            raise ValueError(f"{path.name}: a feature's geometry must follow its properties")
        geometry = line[end + len(_GEOMETRY_KEY):].rstrip(",").removesuffix("}")
        outline = Outline(int(p["wof_id"]), p["name"], p["place_type"], p["province"], p["country"], geometry,
                          p.get("geometry_source", ""))
        for name in {p["name"], p["ascii_name"]} - {""}:
            by_key.setdefault((_key(name), p["place_type"]), []).append(outline)
    if not by_key and any(line.strip() not in ("", "]}") for line in lines[1:]):
        raise ValueError(f"{path.name}: no feature line starts with {FEATURE_START!r}; "
                         "rebuild it with tools/build_settlements.py")
    return {key: tuple(found) for key, found in by_key.items()}


@lru_cache(maxsize=4096)
def outline_of(entry: GazetteerEntry, path: Path = AREAS_GEOJSON) -> Outline | None:
    """The outline of the district or province ``entry`` is, or ``None`` (another kind,
    a country without outlines, or no outline of that name holding its point)."""
    place_type = _PLACE_TYPES.get(entry.kind)
    if place_type is None or not path.is_file():
        return None
    outlines = _outlines(path)
    names = (entry.name, *entry.alternate_names)
    for name in names:
        for outline in outlines.get((_key(name), place_type), ()):
            if outline.country == entry.country and outline.holds(entry.lat, entry.lon):
                return outline
    # Spelt another way ("Zabol", "Konduz") or with a longer title ("Islamabad Capital
    # Territory"): the outline of that kind holding the point, if its name is such a form.
    keys = {_key(name) for name in names}
    for (key, kind), found in outlines.items():
        if kind != place_type or not any(_same_name(key, other) for other in keys):
            continue
        for outline in found:
            if outline.country == entry.country and outline.holds(entry.lat, entry.lon):
                return outline
    return None


#: Tails of an area's title that do not make it another area ("Karachi South" does).
_TITLE_TAILS = frozenset({"capitalterritory", "pa", "protectedarea"})


def _same_name(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return (longer.startswith(shorter) and longer[len(shorter):] in _TITLE_TAILS) or is_variant(a, b)
