"""Incident density: incident points counted in hexagons, for maps of thousands of incidents.

The hexagons are pointy-top and laid out in a Lambert azimuthal equal-area projection
centred on the incidents' extent, so every cell covers the same ground wherever it lies
(shapes stay true within a few thousand km of the centre); incidents spread over more than
60 degrees use the world-wide cylindrical equal-area projection instead, where cells far
from the equator look squashed but still cover equal ground. Each point goes to the hexagon whose centre is
nearest (axial coordinates, cube rounding), all of it vectorised: the cost grows linearly
with the number of points (100,000 in about 0.1 s). The six corners are projected back
to WGS84 and joined by straight lines in degrees, which part from the hexagon's true
edges by a few metres (under 10 m for cells 40 km across): a point that close to an edge
may be drawn just outside the cell that counts it.
"""
from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

WGS84 = "EPSG:4326"
#: Columns of a density frame, geometry last.
COLUMNS = ("count", "killed", "unreported", "first_date", "last_date", "geometry")
#: Without a cell size, the longer side of the incidents' extent spans this many cells.
CELLS_ACROSS = 40
#: The smallest cell chosen from an extent, and the cell of an extent with no size (one place).
MIN_CELL_KM = 1.0
POINT_CELL_KM = 10.0
_SQRT3 = math.sqrt(3.0)


def empty_grid() -> gpd.GeoDataFrame:
    """A density frame with no cells (the columns and types of a full one)."""
    frame = gpd.GeoDataFrame({
        "count": pd.Series(dtype="int64"), "killed": pd.Series(dtype="int64"),
        "unreported": pd.Series(dtype="int64"), "first_date": pd.Series(dtype=object),
        "last_date": pd.Series(dtype=object)}, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    frame.attrs["cell_km"] = None
    return frame


#: Beyond this span (degrees of longitude or latitude) a Lambert projection centred on the
#: points would send far ones towards infinity: a world-wide cylindrical one is used instead.
REGIONAL_SPAN_DEGREES = 60.0
WORLD_EQUAL_AREA = "EPSG:6933"


def equal_area_crs(lon: np.ndarray, lat: np.ndarray) -> CRS:
    """Lambert azimuthal equal-area centred on the middle of the points' bounding box, or,
    for points spread over much of the world, the cylindrical equal-area EPSG:6933."""
    if float(lon.max() - lon.min()) > REGIONAL_SPAN_DEGREES or float(lat.max() - lat.min()) > REGIONAL_SPAN_DEGREES:
        return CRS.from_user_input(WORLD_EQUAL_AREA)
    lat_0 = (float(lat.min()) + float(lat.max())) / 2
    lon_0 = (float(lon.min()) + float(lon.max())) / 2
    return CRS.from_proj4(f"+proj=laea +lat_0={lat_0:.6f} +lon_0={lon_0:.6f} +datum=WGS84 +units=m +no_defs")


def extent_cell_km(x: np.ndarray, y: np.ndarray, cells_across: int = CELLS_ACROSS) -> float:
    """The cell size (km across flats) that makes the longer side of the extent ``cells_across`` cells.

    ``x``/``y`` are projected metres. Never below :data:`MIN_CELL_KM`; points all at one
    place (no extent) get :data:`POINT_CELL_KM`.
    """
    span_km = max(float(x.max() - x.min()), float(y.max() - y.min())) / 1000.0
    if span_km <= 0:
        return POINT_CELL_KM
    return max(MIN_CELL_KM, span_km / cells_across)


def hex_cells(x: np.ndarray, y: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """Axial coordinates (q, r) of the pointy-top hexagon of circumradius ``size`` holding each point."""
    q = (_SQRT3 / 3 * x - y / 3) / size
    r = (2 / 3 * y) / size
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    # Cube rounding: the coordinate rounded furthest is the one to recompute.
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(np.int64), rr.astype(np.int64)


def hex_corners(q: np.ndarray, r: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    """The six corners (x, y arrays of shape (n, 6)) of each hexagon, counter-clockwise."""
    cx = size * _SQRT3 * (q + r / 2)
    cy = size * 1.5 * r
    angles = np.radians(30 + 60 * np.arange(6))
    return cx[:, None] + size * np.cos(angles), cy[:, None] + size * np.sin(angles)


def _days(values: pd.Series) -> np.ndarray:
    """Days since 1970 as float (NaN when missing or not a date)."""
    parsed = pd.to_datetime(values.astype("string").str.strip().replace("", pd.NA), errors="coerce",
                            format="ISO8601")
    days = (parsed - pd.Timestamp("1970-01-01")).dt.days
    return days.to_numpy(dtype=float, na_value=np.nan)


def _iso(days: np.ndarray) -> list[str]:
    """ISO dates for day numbers ('' for missing ones)."""
    stamps = pd.to_datetime(pd.Series(days), unit="D", origin="unix", errors="coerce")
    return stamps.dt.strftime("%Y-%m-%d").fillna("").tolist()


def density_grid(incidents: gpd.GeoDataFrame, cell_km: float | None = None) -> gpd.GeoDataFrame:
    """Incident points counted in hexagons: one WGS84 polygon per cell that holds any.

    Columns: ``count`` (incidents), ``killed`` (sum of each incident's highest reported
    toll, ``killed_high`` else ``killed_low``; an incident with no figure counts as 0
    and is counted in ``unreported``, so a reader can tell "0 killed" from "not
    reported"), ``first_date`` (earliest ``date_start``) and ``last_date`` (latest
    ``date_end``, else ``date_start``), as ISO dates. ``cell_km`` is the hexagon's width
    across flats (the distance between neighbouring centres); without it the longer side
    of the incidents' extent spans :data:`CELLS_ACROSS` cells. The size used is in
    ``frame.attrs["cell_km"]``. Rows missing a geometry are left out; cells come in a
    fixed order (by axial coordinates), so the same input gives the same frame.
    """
    if cell_km is not None and not (math.isfinite(cell_km) and cell_km > 0):
        raise ValueError(f"cell_km must be a positive number, not {cell_km!r}")
    # A plain view without ``attrs``: pandas deep-copies a frame's attrs (the incidents
    # file's line numbers, 100,000 of them) on every column taken from it.
    table = pd.DataFrame(incidents, copy=False)
    table.attrs = {}
    geometry = gpd.GeoSeries(table[incidents.active_geometry_name].to_numpy(), crs=incidents.crs)
    if geometry.crs is not None and not geometry.crs.equals(CRS.from_user_input(WGS84)):
        geometry = geometry.to_crs(WGS84)
    keep = (geometry.notna() & ~geometry.is_empty).to_numpy()
    if not keep.any():
        return empty_grid()
    table, geometry = table[keep], geometry[keep]
    lon, lat = shapely.get_x(geometry.to_numpy()), shapely.get_y(geometry.to_numpy())
    to_metres = Transformer.from_crs(WGS84, equal_area_crs(lon, lat), always_xy=True)
    x, y = to_metres.transform(lon, lat)
    placed = np.isfinite(x) & np.isfinite(y)  # a pole in the cylindrical projection
    if not placed.all():
        table, x, y = table[placed], x[placed], y[placed]
        if not placed.any():
            return empty_grid()
    cell_km = cell_km if cell_km is not None else extent_cell_km(x, y)
    size = cell_km * 1000 / _SQRT3  # circumradius from the width across flats
    q, r = hex_cells(x, y, size)
    codes, keys = pd.factorize(q * (1 << 32) + r)  # hashing: linear in the points
    cells = len(keys)

    killed = _column(table, "killed_high").fillna(_column(table, "killed_low"))
    killed = pd.to_numeric(killed, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    unreported = np.isnan(killed)
    start = _days(_column(table, "date_start"))
    end = _days(_column(table, "date_end"))
    end = np.where(np.isnan(end), start, end)
    first = np.full(cells, np.inf)
    last = np.full(cells, -np.inf)
    np.fmin.at(first, codes, start)  # fmin/fmax skip NaN: a missing date never wins
    np.fmax.at(last, codes, end)

    cell_q = np.empty(cells, np.int64)
    cell_r = np.empty(cells, np.int64)
    cell_q[codes], cell_r[codes] = q, r
    order = np.lexsort((cell_q, -cell_r))  # rows north to south, each west to east
    corner_x, corner_y = hex_corners(cell_q[order], cell_r[order], size)
    if to_metres.target_crs.equals(CRS.from_user_input(WORLD_EQUAL_AREA)):
        # A cell at the edge of the world map has corners beyond it: they are drawn at the edge.
        x_edge, y_edge = to_metres.transform(180.0, 89.9)
        corner_x, corner_y = np.clip(corner_x, -x_edge, x_edge), np.clip(corner_y, -y_edge, y_edge)
    to_degrees = Transformer.from_crs(to_metres.target_crs, WGS84, always_xy=True)
    corner_lon, corner_lat = to_degrees.transform(corner_x, corner_y)
    rings = np.stack([corner_lon, corner_lat], axis=-1)
    rings = np.concatenate([rings, rings[:, :1]], axis=1)  # closed
    polygons = shapely.polygons(rings)

    frame = gpd.GeoDataFrame({
        "count": np.bincount(codes, minlength=cells)[order].astype(np.int64),
        "killed": np.bincount(codes, weights=np.nan_to_num(killed), minlength=cells)[order].round().astype(np.int64),
        "unreported": np.bincount(codes, weights=unreported, minlength=cells)[order].astype(np.int64),
        "first_date": _iso(np.where(np.isfinite(first), first, np.nan)[order]),
        "last_date": _iso(np.where(np.isfinite(last), last, np.nan)[order]),
    }, geometry=gpd.GeoSeries(polygons, crs=WGS84), crs=WGS84)
    frame.attrs["cell_km"] = cell_km
    return frame


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or a column of missing values when the frame has none."""
    return frame[name] if name in frame else pd.Series(pd.NA, index=frame.index, dtype=object)
