"""Checks shared by the dataset backends, one column at a time over all rows.

Each check returns its values and a ``Problems`` update: a row keeps the first problem
found, and every row with a problem is reported with its line and left out.
"""
from __future__ import annotations

from typing import Callable, Mapping, NamedTuple

import numpy as np
import pandas as pd

from ._precision import PrecisionCode


class Problems:
    """The first problem of each row ("" when none yet)."""

    def __init__(self, index: pd.Index) -> None:
        self.text = pd.Series("", index=index, dtype=object)

    def flag(self, mask: pd.Series, message: Callable[[pd.Index], pd.Series | str]) -> None:
        """Record ``message`` (built only for the rows concerned) on the ``mask`` rows still without a problem."""
        new = mask.fillna(False).astype(bool) & (self.text == "")
        if new.any():
            self.text.loc[new] = message(new[new].index)

    @property
    def bad(self) -> pd.Series:
        return self.text != ""


def quoted(values: pd.Series) -> pd.Series:
    """Cells as messages show them: ``'text'``."""
    return values.map(repr)


def stripped(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column's cells without surrounding spaces; "" for every row when the file lacks the column."""
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].str.strip()


def numbers(text: pd.Series) -> pd.Series:
    """Cells as floats: NaN when empty or not a number."""
    return pd.to_numeric(text.where(text != ""), errors="coerce").astype("float64")


def required(text: pd.Series, column: str, problems: Problems) -> None:
    problems.flag(text == "", lambda rows: f"no {column}")


def coordinates(frame: pd.DataFrame, problems: Problems, lat_column: str = "latitude",
                lon_column: str = "longitude") -> tuple[pd.Series, pd.Series]:
    """Latitude and longitude as floats; empty, unreadable, out-of-range and 0, 0 positions flagged."""
    lat_text, lon_text = stripped(frame, lat_column), stripped(frame, lon_column)
    lat, lon = numbers(lat_text), numbers(lon_text)
    problems.flag((lat_text == "") | (lon_text == ""),
                  lambda rows: f"no coordinates ({lat_column} and {lon_column} must both be given)")
    for text, values, column, limit in ((lat_text, lat, lat_column, 90), (lon_text, lon, lon_column, 180)):
        problems.flag(values.isna(), lambda rows, t=text, c=column: c + " " + quoted(t[rows]) + " is not a number")
        problems.flag(values.abs() > limit, lambda rows, t=text, c=column, k=limit:
                      c + " " + quoted(t[rows]) + f" is outside -{k} to {k}")
    # 0, 0 is in the sea off West Africa: an export's placeholder for "no position".
    problems.flag((lat == 0) & (lon == 0), lambda rows: "coordinates 0, 0 are a placeholder, not a position")
    return lat, lon


def precision(text: pd.Series, column: str, codes: Mapping[int, PrecisionCode],
              problems: Problems) -> pd.Series:
    """Radius in km of each row's precision code; unknown codes, and codes meaning "no position", flagged."""
    values = numbers(text)
    whole = values.where(values % 1 == 0)
    known = whole.isin(list(codes))
    listed = ", ".join(str(code) for code in codes)
    problems.flag(text == "", lambda rows: f"no {column}")
    problems.flag(~known, lambda rows: column + " " + quoted(text[rows]) + f" is not a code of the dataset ({listed})")
    unknown_position = [code for code, entry in codes.items() if entry.radius_km is None]
    problems.flag(whole.isin(unknown_position), lambda rows: column + " " + text[rows]
                  + ": the dataset gives no position for this event (" + whole[rows].map(
                      lambda code: codes[int(code)].meaning) + ")")
    radii = {code: entry.radius_km for code, entry in codes.items() if entry.radius_km is not None}
    return whole.map(radii).astype("float64")


MAX_COUNT = 10_000_000


def counts(text: pd.Series, column: str, problems: Problems) -> pd.Series:
    """Whole numbers of at least 0 (people killed, injured); empty cells stay missing (unknown, not 0)."""
    values = numbers(text)
    problems.flag((text != "") & (values.isna() | (values < 0) | (values % 1 != 0) | np.isinf(values)),
                  lambda rows: column + " " + quoted(text[rows]) + " is not a whole number of at least 0")
    # Larger than any toll, and larger than the whole-number column holds.
    problems.flag((text != "") & (values > MAX_COUNT),
                  lambda rows: column + " " + quoted(text[rows]) + f" is over {MAX_COUNT:,}, not a count of people")
    return values.where(np.isfinite(values) & (values <= MAX_COUNT)).round().astype("Int64")


def iso_dates(text: pd.Series, column: str, problems: Problems, formats: tuple[str, ...] = ("%Y-%m-%d",),
              example: str = "2023-02-16") -> pd.Series:
    """Dates in the first of ``formats`` that reads each cell; empty and unreadable cells flagged."""
    dates = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for form in formats:
        missing = dates.isna() & (text != "")
        if not missing.any():
            break
        dates.loc[missing] = pd.to_datetime(text[missing], format=form, errors="coerce")
    problems.flag(text == "", lambda rows: f"no {column}")
    problems.flag(dates.isna(), lambda rows: column + " " + quoted(text[rows]) + f" is not a date such as {example}")
    return dates


def unique_ids(ids: pd.Series, column: str, problems: Problems) -> None:
    """The second and later rows with one id are flagged: an id names one event."""
    problems.flag(ids.duplicated(keep="first") & (ids != ""),
                  lambda rows: column + " " + quoted(ids[rows]) + " repeats an earlier row's")


def event_ids(frame: pd.DataFrame, column: str, problems: Problems) -> pd.Series:
    """Each row's event id (``column``); empty and repeated ids flagged."""
    ids = stripped(frame, column)
    required(ids, column, problems)
    unique_ids(ids, column, problems)
    return ids


class Position(NamedTuple):
    """Where each row's event is, as its dataset says it."""

    code: pd.Series  # the precision code's text
    radius_km: pd.Series
    lat: pd.Series
    lon: pd.Series


def position(frame: pd.DataFrame, code_column: str, codes: Mapping[int, PrecisionCode],
             problems: Problems) -> Position:
    """Each row's precision code, its radius, and the coordinates (``latitude``, ``longitude``)."""
    code = stripped(frame, code_column)
    # The code is checked first: a code saying the dataset has no position is the row's
    # problem, rather than the empty coordinates that follow from it.
    radius = precision(code, code_column, codes, problems)
    lat, lon = coordinates(frame, problems)
    return Position(code, radius, lat, lon)


def unknown_counts(frame: pd.DataFrame) -> pd.arrays.IntegerArray:
    """A count the dataset does not record, for every row: missing, not 0."""
    return pd.array([pd.NA] * len(frame), dtype="Int64")


def iso_text(dates: pd.Series) -> pd.Series:
    """Dates as ``YYYY-MM-DD`` text ("" where missing), as ``incidents.csv`` holds them."""
    return dates.dt.strftime("%Y-%m-%d").fillna("").astype("str")


def joined(first: pd.Series, rest: pd.Series, separator: str) -> pd.Series:
    """``first`` + ``separator`` + ``rest`` where ``rest`` is not empty, else ``first``."""
    return first.where(rest == "", first + separator + rest)
