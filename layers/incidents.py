"""Past incidents around a case: one point each, casualty ranges, distance from the case's site."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Geod

from geo.settings import INCIDENTS_CSV

from geo.cases import CaseError

from ._frames import filled, numbers, points_frame, read_csv, shown_name

CLAIM_STATUSES = ("claimed", "unclaimed", "disputed", "state_action")
#: Columns of an incidents file; the first ones must be there, the others may be left out.
REQUIRED_COLUMNS = ("id", "date_start", "lat", "lon", "precision_km", "claim_status", "sources")
COLUMNS = ("id", "date_start", "date_end", "place", "admin1", "lat", "lon", "precision_km", "killed_low",
           "killed_high", "injured_low", "injured_high", "claimed_by", "claim_status", "target", "summary",
           "casualty_notes", "sources")
#: A dataset row is the case's own incident when it has the case's id, or when it
#: covers the case's date (a day either side) and lies this close to the case's site.
SAME_INCIDENT_KM = 50.0
SAME_INCIDENT_DAYS = 1
_GEOD = Geod(ellps="WGS84")


def incidents_layer(path: Path = INCIDENTS_CSV) -> gpd.GeoDataFrame:
    """One point per incident, casualties as low–high ranges, ordered by date.

    ``path``: a CSV in this module's columns, or a GeoPackage that ``incidents import``
    (``layers.datasets``) wrote from an ACLED, GTD or UCDP export.
    """
    if Path(path).suffix.lower() == ".gpkg":
        from .datasets import read_imported  # imported here: the datasets package reads these columns

        return read_imported(path).sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)
    state = Path(path).stat()
    # The dashboard asks twice at start-up (the filters' choices, the case's layers): a
    # million rows are read once. A shallow copy each: a caller's new column stays its own.
    return _read_layer(Path(path), state.st_mtime_ns, state.st_size).copy(deep=False)


@lru_cache(maxsize=2)
def _read_layer(path: Path, mtime_ns: int, size: int) -> gpd.GeoDataFrame:
    frame = _quick_read(Path(path))
    if frame is not None:
        try:
            return _checked_layer(frame, path)
        except CaseError:
            pass  # read again below, so the message names the file's own line
    frame = read_csv(path, REQUIRED_COLUMNS)
    lines = frame.attrs.pop("lines", [])
    try:
        return _checked_layer(frame, path)
    except CaseError:
        frame.attrs["lines"] = lines
        return _checked_layer(frame, path)


def _quick_read(path: Path) -> pd.DataFrame | None:
    """The file read by pyarrow's CSV reader (a million rows in seconds, where the checked
    reader takes a minute), or None when it is not plainly well formed: every cell there,
    every row with a source. The checked reader then reads it and names the bad line."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", engine="pyarrow")
    except Exception:  # noqa: BLE001 - any trouble: the checked reader says what it is
        return None
    columns = list(frame.columns)
    # pandas renames a repeated column "x.1": the checked reader reports the repeat.
    renamed = any(column.rsplit(".", 1)[0] in columns for column in columns if "." in column)
    if (renamed or any(column not in columns for column in REQUIRED_COLUMNS)
            or frame.isna().any().any() or (frame["sources"].str.strip() == "").any()):
        return None
    return frame


def _checked_layer(frame: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    frame = filled(frame, COLUMNS)
    for column in ("killed_low", "killed_high", "injured_low", "injured_high"):
        frame[column] = numbers(frame, column, path, 0, kind="Int64")
    frame["precision_km"] = numbers(frame, "precision_km", path, 0)
    dates = pd.to_datetime(frame["date_start"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        line = int(dates.isna().to_numpy().nonzero()[0][0]) + 2
        raise CaseError(f"{shown_name(path)} line {line}: date_start must be a date such as 2025-03-11")
    bad = sorted(set(frame["claim_status"].unique()) - set(CLAIM_STATUSES))
    if bad:
        raise CaseError(f"{shown_name(path)}: unknown claim_status {bad[0]!r}; known: {', '.join(CLAIM_STATUSES)}")
    # An unclaimed attack must not carry a group's name.
    named = frame[(frame["claim_status"] == "unclaimed") & (frame["claimed_by"].str.strip() != "")]
    if not named.empty:
        raise CaseError(f"{shown_name(path)}: unclaimed incidents with a claimant: {list(named['id'])[:3]}")
    layer = points_frame(frame, path)
    # The file's line numbers are only for the messages above. pandas deep-copies
    # ``attrs`` into every frame derived from this one: a list of 100,000 lines cost
    # seconds a rerun.
    layer.attrs.clear()
    return layer.sort_values(["date_start", "id"], kind="stable").reset_index(drop=True)


def around_case(incidents: gpd.GeoDataFrame, case_id: str, case_date: date | None,
                site: tuple[float, float] | None, site_precision_km: float = SAME_INCIDENT_KM) -> gpd.GeoDataFrame:
    """``incidents`` with their relation to a case: ``distance_km`` from its site (lat, lon),
    ``before_case`` (ended before its date) and ``is_case`` (the case's own incident).

    Unknown when the case has no site or no date (missing distance, ``before_case`` false).
    """
    frame = incidents.copy()
    count = len(frame)
    if site is not None and count:
        _, _, metres = _GEOD.inv(np.full(count, site[1]), np.full(count, site[0]),
                                 frame.geometry.x.to_numpy(), frame.geometry.y.to_numpy())
        frame["distance_km"] = pd.array(np.round(metres / 1000, 1), dtype="Float64")
    else:
        frame["distance_km"] = pd.array([None] * count, dtype="Float64")
    start = pd.to_datetime(frame["date_start"], errors="coerce")
    end = pd.to_datetime(frame["date_end"].where(frame["date_end"].astype(str).str.strip() != "",
                                                 frame["date_start"]), errors="coerce").fillna(start)
    is_case = frame["id"] == case_id
    if case_date is not None:
        day = pd.Timestamp(case_date)
        frame["before_case"] = (end < day).fillna(False).astype(bool)
        if site is not None and not is_case.any():
            slack = pd.Timedelta(days=SAME_INCIDENT_DAYS)
            # As far as either position may be off (at least 10 km), never beyond 50 km.
            reach = np.minimum(SAME_INCIDENT_KM, np.maximum(10.0, np.maximum(frame["precision_km"].to_numpy(),
                                                                           site_precision_km)))
            near = ((start - slack <= day) & (day <= end + slack)
                    & (frame["distance_km"].fillna(np.inf) <= reach)).fillna(False).astype(bool)
            if near.any():  # attacks on several sites the same day: only the nearest is this one
                is_case |= frame.index == frame.loc[near, "distance_km"].astype(float).idxmin()
    else:
        frame["before_case"] = False
    frame["is_case"] = is_case.astype(bool)
    return frame
