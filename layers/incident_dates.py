"""Dates of incidents: each one's first and last day, its month, and its day as a number."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

EPOCH = pd.Timestamp("1970-01-01")


def parse_days(text: pd.Series) -> pd.Series:
    """``text`` as timestamps, NaT where a cell is empty or no date; days written
    2025-03-11 are read fast (:func:`iso_days`), any other form by pandas, which infers it."""
    days = iso_days(text)
    return pd.to_datetime(text, errors="coerce") if days is None else days


def iso_days(text: pd.Series) -> pd.Series | None:
    """``text`` as timestamps when every cell is empty (NaT) or a real day written
    2025-03-11, else None. Arrow's compiled cast reads a million in 0.05 s."""
    try:
        cells = pa.array(text.array, type=pa.string())
        # Empty cells become missing; Arrow's cast refuses the rest unless each is a real day.
        days = pc.cast(pc.if_else(pc.equal(pc.utf8_trim_whitespace(cells), ""), None, cells), pa.date32())
    except (pa.ArrowException, TypeError):
        return None
    return pd.Series(days.to_numpy(zero_copy_only=False), index=text.index, name=text.name).astype("datetime64[s]")


def start_days(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's ``date_start`` as a timestamp (NaT when it has none or it is not a date)."""
    return parse_days(incidents["date_start"])


def first_and_last_days(incidents: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last day of every incident (an incident may span days: 2022-02-02/03);
    the last is the first when ``date_end`` is empty."""
    start = start_days(incidents)
    end = parse_days(incidents["date_end"].astype(str)) if "date_end" in incidents else start
    return start, end.fillna(start)


def incident_months(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's month, ``YYYY-MM`` of its ``date_start`` (``""`` when it has no date)."""
    return start_days(incidents).dt.strftime("%Y-%m").fillna("")


def day_numbers(incidents: pd.DataFrame) -> pd.Series:
    """Days from 1970-01-01 to each incident's ``date_start`` (-1 when it has no date)."""
    return ((start_days(incidents) - EPOCH).dt.days).fillna(-1).astype(int)
