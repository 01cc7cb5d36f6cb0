"""Small helpers shared by the layer builders: curated CSV files read and checked."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.cases import CaseError

from ._threads import by_parts

WGS84 = "EPSG:4326"


def shown_name(path: Path) -> str:
    """A curated file as messages name it: its case folder and its name, no server path."""
    return f"{path.parent.name}/{path.name}"


def read_csv(path: Path, required: Sequence[str] = ()) -> pd.DataFrame:
    """Read a curated CSV as strings (empty cells stay empty strings).

    Raises :class:`CaseError` (one line) when the file cannot be read as UTF-8 CSV, lacks
    a ``required`` column, or has a row without a source.
    """
    try:
        # utf-8-sig: spreadsheets save "CSV UTF-8" with a byte-order mark.
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows, lines = [], []
            for row in reader:
                rows.append(row)
                lines.append(reader.line_num)  # the file's own line, quoted line breaks counted
            columns = reader.fieldnames or []
    except UnicodeDecodeError:
        raise CaseError(f"{shown_name(path)}: not UTF-8 text; save it as UTF-8 CSV") from None
    except (OSError, csv.Error) as err:
        raise CaseError(f"{shown_name(path)}: cannot be read as CSV ({type(err).__name__})") from None
    missing = [column for column in required if column not in columns]
    if missing:
        raise CaseError(f"{shown_name(path)}: no {missing[0]!r} column; it needs {', '.join(required)}")
    repeated = [column for number, column in enumerate(columns) if column in columns[:number]]
    if repeated:
        raise CaseError(f"{shown_name(path)}: the column {repeated[0]!r} is there twice; keep one")
    for number, row in zip(lines, rows):
        if None in row or any(value is None for value in row.values()):
            raise CaseError(f"{shown_name(path)} line {number}: not as many cells as there are columns")
        source = row.get("source", row.get("sources", ""))
        if not (source or "").strip():
            raise CaseError(f"{shown_name(path)} line {number}: row has no source")
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["lines"] = lines  # for messages naming a row's line
    return frame


def numbers(frame: pd.DataFrame, column: str, path: Path, low: float = float("-inf"),
            high: float = float("inf"), kind: str = "float") -> pd.Series:
    """``column`` as numbers from ``low`` to ``high``: ``"float"`` needs every cell, while
    ``"Int64"`` and ``"Float64"`` leave empty cells missing. :class:`CaseError` names the
    first bad line."""
    if pd.api.types.is_float_dtype(frame[column]):  # read as numbers already: NaN is an empty cell
        values = frame[column]
        bad = values.isna() if kind == "float" else pd.Series(False, index=values.index)
    elif (values := _plain_numbers(frame[column])) is not None:
        bad = values.isna()  # "nan" is no number; every cell holds something here
    else:
        text = frame[column].str.strip()
        values = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = values.isna() if kind == "float" else (values.isna() & (text != ""))
    array = values.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):  # NaN compares false: empty cells were judged above
        bad |= (array < low) | (array > high) | np.isinf(array)
        if kind == "Int64":  # whole, and within what a float holds exactly (1e20 is no count)
            bad |= np.isfinite(array) & ((array != np.floor(array)) | (np.abs(array) > 2 ** 53))
    if bad.any():
        position = int(bad.to_numpy().nonzero()[0][0])
        line = frame.attrs.get("lines", [])[position] if position < len(frame.attrs.get("lines", [])) else position + 2
        bounds = f"from {low:g} to {high:g}" if high != float("inf") else f"of at least {low:g}"
        raise CaseError(f"{shown_name(path)} line {line}: {column} {frame[column].iloc[position]!r} must be "
                        f"{'a whole number' if kind == 'Int64' else 'a finite number'} {bounds}")
    return values.astype("float64" if kind == "float" else kind)


# In RE2's syntax: its ``\s`` is ASCII only, so a cell padded with other spaces takes the
# checked way, which names its line when it is refused.
_PLAIN_NUMBER = r"^\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*$"


def _plain_numbers(column: pd.Series) -> pd.Series | None:
    """``column`` as floats when every cell is a plain number, else None.

    Match and cast run in Arrow's compiled code (a million cells in milliseconds) and
    fail on any empty or odd cell; those columns take the checked way, which
    names the line.
    """
    try:
        text = pa.array(column.array, type=pa.string())
    except (pa.ArrowException, TypeError):
        return None
    # Arrow's cast takes "nan", "inf" and "-Infinity", which the checked way refuses as no numbers.
    if text.null_count or not pc.all(pc.match_substring_regex(text, _PLAIN_NUMBER)).as_py():
        return None
    try:
        values = pc.cast(pc.utf8_trim_whitespace(text), pa.float64())
    except pa.ArrowException:
        return None
    return pd.Series(values.to_numpy(zero_copy_only=False), index=column.index, name=column.name)


def filled(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with each of ``columns`` it lacks added as empty text (optional columns)."""
    return frame.assign(**{column: "" for column in columns if column not in frame.columns})


def points_frame(frame: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    """A WGS84 point GeoDataFrame from a curated frame with ``lat`` and ``lon`` columns."""
    return point_layer(checked_positions(frame, path))


def checked_positions(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """``frame`` with ``lat`` and ``lon`` as numbers; :class:`CaseError` names a bad line."""
    frame = frame.copy(deep=False)  # the new columns are the copy's own (pandas copies on write)
    frame["lat"] = numbers(frame, "lat", path, -90, 90)
    frame["lon"] = numbers(frame, "lon", path, -180, 180)
    return frame


def point_layer(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A WGS84 point GeoDataFrame from checked numeric ``lat`` and ``lon`` columns."""
    points = by_parts(shapely.points, frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float))
    return gpd.GeoDataFrame(frame, geometry=gpd.array.from_shapely(points, crs=WGS84), crs=WGS84)


def lon_lat(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of point geometries, NaN where one is missing or empty."""
    array = points.to_numpy()
    coordinates = shapely.get_coordinates(array)  # one pass: three times get_x and get_y's speed
    if len(coordinates) == len(array):
        return coordinates[:, 0], coordinates[:, 1]
    lon, lat = np.full(len(array), np.nan), np.full(len(array), np.nan)
    placed = ~(shapely.is_missing(array) | shapely.is_empty(array))
    lon[placed], lat[placed] = shapely.get_x(array[placed]), shapely.get_y(array[placed])
    return lon, lat


def yes(series: pd.Series) -> pd.Series:
    """A yes/no text column as booleans."""
    return series.str.strip().str.lower().eq("yes")


def empty_layer(columns: list[str]) -> gpd.GeoDataFrame:
    """A layer with no features and the given properties (a case without a route, say)."""
    return gpd.GeoDataFrame(pd.DataFrame(columns=[*columns, "geometry"]), geometry="geometry", crs=WGS84)
