"""Small helpers shared by the layer builders."""
from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd

WGS84 = "EPSG:4326"


def read_csv(path: Path) -> pd.DataFrame:
    """Read a curated CSV as strings (empty cells stay empty strings), refusing rows without a source."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for number, row in enumerate(rows, start=2):
        source = row.get("source", row.get("sources", ""))
        if not (source or "").strip():
            raise ValueError(f"{path.name} line {number}: row has no source")
    return pd.DataFrame(rows)


def points_frame(frame: pd.DataFrame, lat: str = "lat", lon: str = "lon") -> gpd.GeoDataFrame:
    """A WGS84 point GeoDataFrame from a frame with latitude/longitude columns."""
    frame = frame.copy()
    frame[lat] = frame[lat].astype(float)
    frame[lon] = frame[lon].astype(float)
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame[lon], frame[lat]), crs=WGS84)


def to_number(series: pd.Series, kind: str = "Int64") -> pd.Series:
    """Empty strings become missing values; the rest become numbers of ``kind``."""
    return pd.to_numeric(series.replace("", None), errors="raise").astype(kind)


def yes(series: pd.Series) -> pd.Series:
    """A yes/no text column as booleans."""
    return series.str.strip().str.lower().eq("yes")


def empty_layer(columns: list[str]) -> gpd.GeoDataFrame:
    """A layer with no features and the given properties (a case without a route, say)."""
    return gpd.GeoDataFrame(pd.DataFrame(columns=[*columns, "geometry"]), geometry="geometry", crs=WGS84)
