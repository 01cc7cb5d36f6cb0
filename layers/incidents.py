"""Past incidents: the group's earlier attacks and related strikes, with casualty ranges."""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.settings import DATA_DIR

from ._frames import points_frame, read_csv, to_number

INCIDENTS_CSV = DATA_DIR / "incidents.csv"
CLAIM_STATUSES = ("claimed", "unclaimed", "disputed", "state_action")


def incidents_layer(path: Path = INCIDENTS_CSV) -> gpd.GeoDataFrame:
    """One point per incident, casualties as low–high ranges, ordered by date."""
    frame = read_csv(path)
    for column in ("killed_low", "killed_high", "injured_low", "injured_high"):
        frame[column] = to_number(frame[column])
    frame["precision_km"] = frame["precision_km"].astype(float)
    bad = sorted(set(frame["claim_status"]) - set(CLAIM_STATUSES))
    if bad:
        raise ValueError(f"{path.name}: unknown claim_status {bad}")
    # An unclaimed attack must not carry a group's name.
    named = frame[(frame["claim_status"] == "unclaimed") & (frame["claimed_by"].str.strip() != "")]
    if not named.empty:
        raise ValueError(f"{path.name}: unclaimed incidents with a claimant: {list(named['id'])}")
    layer = points_frame(frame)
    return layer.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)
