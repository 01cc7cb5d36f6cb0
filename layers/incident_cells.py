"""Incidents counted per cell of a grid over the web map, one grid per zoom level, for maps
of more incidents than a browser can hold as markers (a million).

The grid is square in Web Mercator, the map's own projection, so a cell covers the same
number of screen pixels (:data:`CELL_PX`) at its zoom wherever it lies: what the browser's
cluster bubbles would show, made on the server. Each cell is drawn at the mean position of
its incidents. Points are hashed to their cell (``pandas.factorize``), so a grid costs time
linear in the points (a million in about 0.1 s) and each zoom's grid is made once.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ._frames import lon_lat

#: Web Mercator's last latitude (the map's square world).
MAX_LAT = 85.05112878
TILE_PX = 256
#: A cell is this many screen pixels across at the zoom its grid is for.
CELL_PX = 80


@dataclass(frozen=True)
class Bounds:
    """A map view: its south-west and north-east corners, in degrees."""

    south: float
    west: float
    north: float
    east: float

    def padded(self, share: float) -> Bounds:
        """The view grown by ``share`` of its height and width on every side (panning a little
        keeps what was sent)."""
        dy, dx = (self.north - self.south) * share, (self.east - self.west) * share
        return Bounds(max(-90.0, self.south - dy), self.west - dx, min(90.0, self.north + dy), self.east + dx)

    def holds(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Which of the points lie in the view (longitudes taken round the world, as Leaflet's are)."""
        if self.east - self.west >= 360:
            across = np.ones(len(lon), bool)
        else:
            across = (lon - self.west) % 360 <= (self.east - self.west)
        return across & (lat >= self.south) & (lat <= self.north)


def view_bounds(center: tuple[float, float], zoom: int, width_px: int = 1600, height_px: int = 800) -> Bounds:
    """The view a map of ``width_px`` × ``height_px`` opens on at ``center`` (lat, lon) and ``zoom``."""
    scale = TILE_PX * 2 ** zoom
    x, y = _unit_x(np.array([center[1]])) * scale, _unit_y(np.array([center[0]])) * scale
    west, east = (x[0] - width_px / 2) / scale * 360 - 180, (x[0] + width_px / 2) / scale * 360 - 180
    north, south = (_lat(np.array([(y[0] - height_px / 2) / scale]))[0],
                    _lat(np.array([(y[0] + height_px / 2) / scale]))[0])
    return Bounds(float(south), float(west), float(north), float(east))


def _unit_x(lon: np.ndarray) -> np.ndarray:
    return (lon + 180.0) / 360.0


def _unit_y(lat: np.ndarray) -> np.ndarray:
    sin = np.sin(np.radians(np.clip(lat, -MAX_LAT, MAX_LAT)))
    return 0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)


def _lat(unit_y: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan(np.sinh(math.pi * (1 - 2 * unit_y))))


@dataclass(frozen=True)
class Cells:
    """One zoom's grid: the cells that hold incidents (arrays of the same length)."""

    zoom: int
    lat: np.ndarray  # mean position of the cell's incidents
    lon: np.ndarray
    count: np.ndarray
    killed: np.ndarray  # sum of each incident's highest reported toll (none reported: 0)

    def __len__(self) -> int:
        return len(self.count)

    def within(self, bounds: Bounds) -> Cells:
        keep = bounds.holds(self.lat, self.lon)
        return Cells(self.zoom, self.lat[keep], self.lon[keep], self.count[keep], self.killed[keep])


@dataclass
class IncidentGrid:
    """The incidents' positions, made once, and their cells per zoom, each made when first asked."""

    lat: np.ndarray
    lon: np.ndarray
    killed: np.ndarray
    rows: np.ndarray  # each point's position in the frame it was made from
    _x: np.ndarray = field(init=False, repr=False)
    _y: np.ndarray = field(init=False, repr=False)
    _grids: dict[int, Cells] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._x, self._y = _unit_x(self.lon), _unit_y(self.lat)

    @classmethod
    def of(cls, incidents: gpd.GeoDataFrame) -> IncidentGrid:
        """The grid of an incident frame (WGS84 points; rows without a position are left out)."""
        lon, lat = lon_lat(incidents.geometry)
        toll = incidents["killed_high"].fillna(incidents["killed_low"]) if len(incidents) else pd.Series([], dtype=float)
        killed = pd.to_numeric(toll, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        placed = np.isfinite(lon) & np.isfinite(lat)
        return cls(lat[placed], lon[placed], np.nan_to_num(killed[placed]), np.flatnonzero(placed))

    def __len__(self) -> int:
        return len(self.lat)

    def in_view(self, bounds: Bounds) -> np.ndarray:
        """The positions, in the frame the grid was made from, of the incidents in ``bounds``."""
        return self.rows[bounds.holds(self.lat, self.lon)]

    def cells(self, zoom: int, cell_px: int = CELL_PX) -> Cells:
        """The cells of ``zoom``'s grid that hold any incident."""
        if zoom not in self._grids:
            across = TILE_PX * 2 ** zoom / cell_px
            column = np.minimum(np.floor(self._x * across), across - 1).astype(np.int64)
            row = np.minimum(np.floor(self._y * across), across - 1).astype(np.int64)
            codes, keys = pd.factorize(column * (1 << 31) + row)
            cells = len(keys)
            count = np.bincount(codes, minlength=cells)
            mean_x = np.bincount(codes, weights=self._x, minlength=cells) / count
            mean_y = np.bincount(codes, weights=self._y, minlength=cells) / count
            killed = np.bincount(codes, weights=self.killed, minlength=cells)
            order = np.argsort(-count, kind="stable")  # the biggest first: drawn under the small ones
            self._grids[zoom] = Cells(zoom, _lat(mean_y)[order], (mean_x * 360.0 - 180.0)[order],
                                      count[order].astype(np.int64), np.round(killed[order]).astype(np.int64))
        return self._grids[zoom]
