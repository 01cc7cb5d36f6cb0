"""ACLED exports (the export tool's or the API's CSV): one row per event."""
from __future__ import annotations

import pandas as pd

from . import _precision
from ._checks import Problems, counts, event_ids, iso_dates, iso_text, joined, position, stripped, unknown_counts

NAME = "acled"
LABEL = "ACLED"
#: Columns only this dataset has: their presence tells an ACLED export.
SIGNATURE = ("event_id_cnty",)
REQUIRED = ("event_id_cnty", "event_date", "latitude", "longitude", "geo_precision", "fatalities")
#: Columns that become incident columns; every other column is kept in ``attributes``.
MAPPED = ("event_id_cnty", "event_date", "event_type", "actor1", "actor2", "admin1", "admin2", "location",
          "latitude", "longitude", "geo_precision", "source", "notes", "fatalities")
#: Older exports wrote "16 February 2023" or "16-February-2023"; current ones 2023-02-16.
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d/%m/%Y")

# State forces: ACLED names them "Military Forces of …" and "Police Forces of …", and
# gives them inter code 1 ("State forces" in exports since 2024).
_STATE_ACTOR = r"^(?:Military|Police) Forces of\b"
_STATE_INTER = ("1", "state forces")
# A claim the notes report, unless the same sentence says no one claimed (conservative:
# "no group claimed … later X claimed" stays unclaimed).
_CLAIM = (r"\bclaim(?:ed|s|ing)? (?:the )?responsibility\b|\bresponsibility (?:was|has been) claimed\b"
          r"|\bclaimed the (?:attack|bombing|blast|killing|ambush)\b")
_NO_CLAIM = r"\b(?:no|not|nobody|none|neither|yet to)\b[^.;]{0,40}\bclaim"


def convert(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """The incident columns of each row; problems flagged in ``problems``."""
    source_id = event_ids(frame, "event_id_cnty", problems)
    dates = iso_text(iso_dates(stripped(frame, "event_date"), "event_date", problems, DATE_FORMATS))
    where = position(frame, "geo_precision", _precision.ACLED, problems)
    killed = counts(stripped(frame, "fatalities"), "fatalities", problems)
    actor1, notes = stripped(frame, "actor1"), stripped(frame, "notes")
    state = actor1.str.contains(_STATE_ACTOR, regex=True) | stripped(frame, "inter1").str.lower().isin(_STATE_INTER)
    named = (actor1 != "") & ~actor1.str.lower().str.startswith("unidentified")
    claimed = (~state & named & notes.str.contains(_CLAIM, case=False, regex=True)
               & ~notes.str.contains(_NO_CLAIM, case=False, regex=True))
    status = pd.Series("unclaimed", index=frame.index, dtype="str").mask(claimed, "claimed").mask(state, "state_action")
    missing = unknown_counts(frame)
    return pd.DataFrame({
        "source_id": source_id, "date_start": dates, "date_end": dates,
        "place": stripped(frame, "location"), "admin1": stripped(frame, "admin1"), "admin2": stripped(frame, "admin2"),
        "lat": where.lat, "lon": where.lon, "precision_km": where.radius_km, "precision_code": where.code,
        # ACLED records one figure, its most conservative estimate: the range is that figure.
        "killed_low": killed, "killed_high": killed, "killed_best": missing,
        "injured_low": missing, "injured_high": missing,
        "claimed_by": actor1.where(claimed, ""), "claim_status": status,
        "actor": actor1, "target": stripped(frame, "actor2"), "event_type": stripped(frame, "event_type"),
        "summary": notes, "casualty_notes": "",
        "sources": joined("ACLED " + source_id, stripped(frame, "source"), ": "),
    }, index=frame.index)
