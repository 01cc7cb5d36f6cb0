"""Past incidents around a case: one point each, casualty ranges, distance from the case's site."""
from __future__ import annotations

import csv
from datetime import date
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from pyproj import Geod

from geo.cases import CaseError
from geo.settings import INCIDENTS_CSV

from ._frames import checked_positions, filled, lon_lat, numbers, point_layer, read_csv, shown_name
from ._threads import by_parts, each
from .incident_dates import first_and_last_days, iso_days

#: Columns read as numbers (empty cells allowed where the layer leaves them missing).
NUMBER_COLUMNS = ("lat", "lon", "precision_km", "killed_low", "killed_high", "injured_low", "injured_high")
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
    """The file read by Arrow's CSV reader, numbers parsed there (a million rows in a
    second, where the checked reader takes a minute), or None when it is not plainly well
    formed: every cell there, every number plain, every row with a source. The checked
    reader then reads it and names the bad line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return None
    if (len(set(header)) != len(header) or any(column not in header for column in REQUIRED_COLUMNS)
            or "source" in header):
        return None  # the checked reader names the repeated or missing column, or reads "source"
    types = {column: pa.float64() if column in NUMBER_COLUMNS else pa.string() for column in header}
    options = pa_csv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False,
                                    quoted_strings_can_be_null=False)
    try:
        table = pa_csv.read_csv(path, convert_options=options)
    except (pa.ArrowException, OSError):
        return None
    for column in NUMBER_COLUMNS:
        # An empty cell is missing; "nan" or "inf" written out is no number.
        if column in header and pc.any(pc.or_(pc.is_nan(table[column]), pc.is_inf(table[column]))).as_py():
            return None
    if pc.any(pc.equal(pc.utf8_trim_whitespace(table["sources"]), "")).as_py():
        return None
    # Python's csv module refuses a cell longer than its field limit: so must this. Bytes
    # are counted (ten times faster than characters, and never fewer).
    limit = csv.field_size_limit()
    if any((pc.max(pc.binary_length(table[column])).as_py() or 0) > limit
           for column in header if column not in NUMBER_COLUMNS):
        return None
    return table.to_pandas()


def _checked_layer(frame: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    frame = filled(frame, COLUMNS)
    for column in ("killed_low", "killed_high", "injured_low", "injured_high"):
        frame[column] = numbers(frame, column, path, 0, kind="Int64")
    frame["precision_km"] = numbers(frame, "precision_km", path, 0)
    dates = iso_days(frame["date_start"])
    if dates is None:
        dates = pd.to_datetime(frame["date_start"], format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        line = int(dates.isna().to_numpy().nonzero()[0][0]) + 2
        raise CaseError(f"{shown_name(path)} line {line}: date_start must be a date such as 2025-03-11")
    bad = sorted(set(frame["claim_status"].unique()) - set(CLAIM_STATUSES))
    if bad:
        raise CaseError(f"{shown_name(path)}: unknown claim_status {bad[0]!r}; known: {', '.join(CLAIM_STATUSES)}")
    # An unclaimed attack must not carry a group's name.
    named = (frame["claim_status"] == "unclaimed") & (frame["claimed_by"].str.strip() != "")
    if named.any():
        raise CaseError(f"{shown_name(path)}: unclaimed incidents with a claimant: {list(frame.loc[named, 'id'])[:3]}")
    frame = checked_positions(frame, path)
    # The file's line numbers are only for the messages above. pandas deep-copies
    # ``attrs`` into every frame derived from this one: a list of 100,000 lines cost
    # seconds a rerun.
    frame.attrs.clear()
    # Points made after the sort lie in memory in the frame's order, which later passes
    # over a million of them read several times faster than scattered ones.
    return point_layer(_by_date(frame, dates))


def _by_date(frame: pd.DataFrame, dates: pd.Series) -> pd.DataFrame:
    """``frame`` ordered by day, then id; Arrow's stable sort orders a million rows in a
    fraction of pandas' time, and a file already in order is not copied."""
    keys = pa.table({"day": pa.array(dates.to_numpy().astype("datetime64[D]")),
                     "id": pa.array(frame["id"].array, type=pa.string())})
    order = pc.sort_indices(keys, sort_keys=[("day", "ascending"), ("id", "ascending")]).to_numpy()
    if (order[1:] > order[:-1]).all():
        return frame.reset_index(drop=True)
    columns = each(lambda name: frame[name].take(order).reset_index(drop=True), list(frame.columns))
    return pd.DataFrame(dict(zip(frame.columns, columns)))


def around_case(incidents: gpd.GeoDataFrame, case_id: str, case_date: date | None,
                site: tuple[float, float] | None, site_precision_km: float = SAME_INCIDENT_KM) -> gpd.GeoDataFrame:
    """``incidents`` with their relation to a case: ``distance_km`` from its site (lat, lon),
    ``before_case`` (ended before its date) and ``is_case`` (the case's own incident).

    Unknown when the case has no site or no date (missing distance, ``before_case`` false).
    """
    frame = incidents.copy()
    count = len(frame)
    if site is not None and count:
        lon, lat = lon_lat(frame.geometry)
        metres = by_parts(lambda lons, lats: _GEOD.inv(np.full(len(lons), site[1]), np.full(len(lons), site[0]),
                                                       lons, lats)[2], lon, lat)
        frame["distance_km"] = pd.array(np.round(metres / 1000, 1), dtype="Float64")
    else:
        frame["distance_km"] = pd.array([None] * count, dtype="Float64")
    start, end = first_and_last_days(frame)
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
