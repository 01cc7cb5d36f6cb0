"""UCDP Georeferenced Event Dataset (GED) exports: one row per event, deaths as low–best–high."""
from __future__ import annotations

import pandas as pd

from . import _precision
from ._checks import Problems, counts, event_ids, iso_dates, iso_text, joined, position, stripped, unknown_counts

NAME = "ucdp"
LABEL = "UCDP GED"
SIGNATURE = ("where_prec",)
REQUIRED = ("id", "date_start", "date_end", "latitude", "longitude", "where_prec", "best", "low", "high")
MAPPED = ("id", "date_start", "date_end", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude",
          "where_prec", "side_a", "side_b", "best", "low", "high", "source_article", "type_of_violence")
TYPES_OF_VIOLENCE = {"1": "state-based conflict", "2": "non-state conflict", "3": "one-sided violence"}
#: UCDP names a state side "Government of <country>".
_STATE_SIDE = "government of "


def convert(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """The incident columns of each row; problems flagged in ``problems``."""
    source_id = event_ids(frame, "id", problems)
    # GED writes "2019-03-01 00:00:00.000" (or just the day): the day is what counts.
    start = iso_dates(stripped(frame, "date_start").str[:10], "date_start", problems, example="2019-03-01")
    end_text = stripped(frame, "date_end").str[:10]
    end = iso_dates(end_text.where(end_text != "", stripped(frame, "date_start").str[:10]), "date_end", problems,
                    example="2019-03-01")
    problems.flag(end < start, lambda rows: "date_end " + iso_text(end[rows]) + " is before date_start "
                  + iso_text(start[rows]))
    where = position(frame, "where_prec", _precision.UCDP, problems)
    low, best, high = (counts(stripped(frame, column), column, problems) for column in ("low", "best", "high"))
    problems.flag(((low > best) | (best > high) | (low > high)).fillna(False),
                  lambda rows: "low, best, high " + low[rows].astype(str) + ", " + best[rows].astype(str) + ", "
                  + high[rows].astype(str) + " are not in order")
    side_a, side_b = stripped(frame, "side_a"), stripped(frame, "side_b")
    state = side_a.str.lower().str.startswith(_STATE_SIDE) | side_b.str.lower().str.startswith(_STATE_SIDE)
    place = stripped(frame, "where_coordinates")
    civilians = stripped(frame, "deaths_civilians")
    notes = "UCDP best estimate " + best.astype(str).replace("<NA>", "unknown")
    missing = unknown_counts(frame)
    return pd.DataFrame({
        "source_id": source_id, "date_start": iso_text(start), "date_end": iso_text(end),
        "place": place.where(place != "", stripped(frame, "where_description")),
        "admin1": stripped(frame, "adm_1"), "admin2": stripped(frame, "adm_2"),
        "lat": where.lat, "lon": where.lon, "precision_km": where.radius_km, "precision_code": where.code,
        "killed_low": low, "killed_high": high, "killed_best": best, "injured_low": missing, "injured_high": missing,
        # UCDP records no claims: an event with a state side is a state action, any other stays unclaimed.
        "claimed_by": "", "claim_status": pd.Series("unclaimed", index=frame.index, dtype="str").mask(state,
                                                                                                    "state_action"),
        "actor": side_a, "target": side_b,
        "event_type": stripped(frame, "type_of_violence").map(TYPES_OF_VIOLENCE).fillna("").astype("str"),
        "summary": "", "casualty_notes": joined(notes, civilians, "; civilians killed (best estimate) "),
        "sources": joined("UCDP GED " + source_id, stripped(frame, "source_article"), ": "),
    }, index=frame.index)
