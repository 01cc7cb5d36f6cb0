"""A case's route (a train's line, a convoy's road): a LineString through its ordered stops, and the stops."""
from __future__ import annotations

import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import LineString

from geo.cases import RouteInfo

from geo.cases import CaseError

from ._frames import WGS84, filled, numbers, points_frame, read_csv, shown_name, yes

#: Properties of the two layers (their GeoJSON contract).
ROUTE_COLUMNS = ["name", "from_stop", "to_stop", "stop_count", "principal_stop_count",
                 "estimated_stop_count", "length_km", "note", "sources"]
STOP_COLUMNS = ["seq", "name", "alternate_names", "principal", "lat", "lon",
                "precision_km", "estimate", "method", "source"]
#: An optional column of km posts, named after the line's zero point ("km_from_sukkur"):
#: kept under its own name, after ``principal``.
KM_POST = re.compile(r"km_from_[a-z0-9_]+")
_GEOD = Geod(ellps="WGS84")


def km_post_column(stops: pd.DataFrame) -> str | None:
    """The stops' km-post column, if the route has one."""
    return next((column for column in stops.columns if KM_POST.fullmatch(column)), None)


def stops_layer(path: Path) -> gpd.GeoDataFrame:
    """The route's stops in travel order (``route.csv`` of a case), principal stops and stations alike."""
    frame = filled(read_csv(path, ("seq", "name", "lat", "lon", "precision_km", "source")), STOP_COLUMNS)
    frame["seq"] = numbers(frame, "seq", path, 1, kind="Int64")
    km_post = km_post_column(frame)
    km_posts = [km_post] if km_post else []
    if km_post:
        frame[km_post] = numbers(frame, km_post, path, 0, kind="Float64")
    frame["precision_km"] = numbers(frame, "precision_km", path, 0)
    frame["principal"] = yes(frame["principal"])
    frame["estimate"] = yes(frame["estimate"])
    frame["alternate_names"] = frame["alternate_names"].map(
        lambda text: [n.strip() for n in text.split(";") if n.strip()])
    stops = points_frame(frame, path).sort_values("seq", kind="stable").reset_index(drop=True)
    if len(stops) < 2 or list(stops["seq"]) != list(range(1, len(stops) + 1)):
        raise CaseError(f"{shown_name(path)}: a route needs two or more stops numbered 1, 2, 3 … without gaps")
    columns = [*STOP_COLUMNS[:4], *km_posts, *STOP_COLUMNS[4:]]
    return stops[[*columns, "geometry"]]


def route_layer(stops: gpd.GeoDataFrame, info: RouteInfo) -> gpd.GeoDataFrame:
    """One LineString feature through ``stops`` in order, with its length along the stops."""
    line = LineString(list(zip(stops.geometry.x, stops.geometry.y)))
    row = {
        "name": info.name,
        "from_stop": stops["name"].iloc[0],
        "to_stop": stops["name"].iloc[-1],
        "stop_count": len(stops),
        "principal_stop_count": int(stops["principal"].sum()),
        "estimated_stop_count": int(stops["estimate"].sum()),
        # Straight segments between stops: a lower bound on the track length.
        "length_km": round(_GEOD.geometry_length(line) / 1000, 1),
        "note": info.note or "Drawn stop to stop.",
        "sources": "; ".join(dict.fromkeys(part.strip() for source in stops["source"]
                                           for part in source.split(";") if part.strip())),
    }
    return gpd.GeoDataFrame([row], geometry=[line], crs=WGS84)
