"""The Jaffar Express route: a LineString through its ordered stops, and the stops."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from pyproj import Geod
from shapely.geometry import LineString

from geo.settings import DATA_DIR

from ._frames import WGS84, points_frame, read_csv, to_number, yes

ROUTE_CSV = DATA_DIR / "routes" / "jaffar_express.csv"
ROUTE_NAME = "Jaffar Express (39UP/40DN), Quetta → Peshawar Cantonment"
_GEOD = Geod(ellps="WGS84")


def stops_layer(path: Path = ROUTE_CSV) -> gpd.GeoDataFrame:
    """The route's stops in travel order, principal stops and Bolan-section stations alike."""
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


def route_layer(stops: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One LineString feature through ``stops`` in order, with its length along the stops."""
    line = LineString(list(zip(stops.geometry.x, stops.geometry.y)))
    row = {
        "name": ROUTE_NAME,
        "from_stop": stops["name"].iloc[0],
        "to_stop": stops["name"].iloc[-1],
        "stop_count": len(stops),
        "principal_stop_count": int(stops["principal"].sum()),
        "estimated_stop_count": int(stops["estimate"].sum()),
        # Straight segments between stops: a lower bound on the track length.
        "length_km": round(_GEOD.geometry_length(line) / 1000, 1),
        "note": "Drawn stop to stop; no public railway geometry is available. Stops between "
                "Rawalpindi and Peshawar Cantonment are not verified.",
        "sources": "; ".join(dict.fromkeys(part.strip() for source in stops["source"]
                                           for part in source.split(";") if part.strip())),
    }
    return gpd.GeoDataFrame([row], geometry=[line], crs=WGS84)
