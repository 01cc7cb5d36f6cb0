"""Dates of incidents as the map needs them: the month of each, and its day as a number."""
from __future__ import annotations

import pandas as pd

EPOCH = pd.Timestamp("1970-01-01")


def start_days(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's ``date_start`` as a timestamp (NaT when it has none or it is not a date)."""
    return pd.to_datetime(incidents["date_start"], errors="coerce")


def incident_months(incidents: pd.DataFrame) -> pd.Series:
    """Each incident's month, ``YYYY-MM`` of its ``date_start`` (``""`` when it has no date)."""
    return start_days(incidents).dt.strftime("%Y-%m").fillna("")


def day_numbers(incidents: pd.DataFrame) -> pd.Series:
    """Days from 1970-01-01 to each incident's ``date_start`` (-1 when it has no date)."""
    return ((start_days(incidents) - EPOCH).dt.days).fillna(-1).astype(int)
