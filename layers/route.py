"""A case's route (a train's line, a convoy's road): a LineString through its ordered stops, and the stops."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import LineString

from geo.cases import RouteInfo

from ._frames import WGS84, points_frame, read_csv, to_number, yes

#: Properties of the two layers (their GeoJSON contract).
ROUTE_COLUMNS = ["name", "from_stop", "to_stop", "stop_count", "principal_stop_count",
                 "estimated_stop_count", "length_km", "note", "sources"]
STOP_COLUMNS = ["seq", "name", "alternate_names", "principal", "km_from_rohri", "lat", "lon",
                "precision_km", "estimate", "method", "source"]
_GEOD = Geod(ellps="WGS84")


def stops_layer(path: Path) -> gpd.GeoDataFrame:
    """The route's stops in travel order (``route.csv`` of a case), principal stops and stations alike."""
    frame = read_csv(path)
    frame["seq"] = to_number(frame["seq"])
    frame["km_from_rohri"] = to_number(frame["km_from_rohri"], "Float64")
    frame["precision_km"] = frame["precision_km"].astype(float)
    frame["principal"] = yes(frame["principal"])
    frame["estimate"] = yes(frame["estimate"])
    frame["alternate_names"] = frame["alternate_names"].map(
        lambda text: [n.strip() for n in text.split(";") if n.strip()])
    stops = points_frame(frame).sort_values("seq", kind="stable").reset_index(drop=True)
    if list(stops["seq"]) != list(range(1, len(stops) + 1)):
        raise ValueError(f"{path.name}: stop numbers must run 1, 2, 3 … without gaps")
    return stops


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
