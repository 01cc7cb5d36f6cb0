"""Global Terrorism Database exports (START's CSV): one row per attack."""
from __future__ import annotations

import pandas as pd

from . import _precision
from ._checks import Problems, counts, event_ids, iso_text, numbers, position, quoted, stripped, unknown_counts

NAME = "gtd"
LABEL = "GTD"
SIGNATURE = ("eventid", "iyear")
REQUIRED = ("eventid", "iyear", "imonth", "iday", "latitude", "longitude", "specificity")
MAPPED = ("eventid", "iyear", "imonth", "iday", "provstate", "city", "latitude", "longitude", "specificity",
          "attacktype1_txt", "targtype1_txt", "gname", "nkill", "nwound", "summary")
#: GTD's name for "the perpetrator is not known".
UNKNOWN = "unknown"


def _dates(frame: pd.DataFrame, problems: Problems) -> tuple[pd.Series, pd.Series]:
    """First and last day of each attack: GTD's month 0 is an unknown month (the whole
    year), its day 0 an unknown day (the whole month)."""
    texts = {part: stripped(frame, part) for part in ("iyear", "imonth", "iday")}
    year, month, day = (numbers(texts[part]) for part in ("iyear", "imonth", "iday"))
    for part, values, low, high in (("iyear", year, 1, 9999), ("imonth", month, 0, 12), ("iday", day, 0, 31)):
        problems.flag(texts[part] == "", lambda rows, p=part: f"no {p}")
        problems.flag(values.isna() | (values % 1 != 0) | (values < low) | (values > high),
                      lambda rows, p=part, t=texts[part], lo=low, hi=high:
                      p + " " + quoted(t[rows]) + f" must be a whole number from {lo} to {hi}")
    usable = ~problems.bad
    year = year.where(usable, 2000).astype("int64")
    month = month.where(usable, 1).astype("int64")
    day = day.where(usable, 1).astype("int64")
    whole_year, whole_month = month == 0, (day == 0) & (month != 0)
    start = pd.to_datetime(pd.DataFrame({"year": year, "month": month.where(~whole_year, 1),
                                         "day": day.where(~(whole_year | whole_month), 1)}), errors="coerce")
    problems.flag(start.isna(), lambda rows: texts["iyear"][rows] + "-" + texts["imonth"][rows] + "-"
                  + texts["iday"][rows] + " (iyear-imonth-iday) is not a date")
    end = start.mask(whole_month, start + pd.offsets.MonthEnd(0))
    end = end.mask(whole_year, pd.to_datetime(pd.DataFrame({"year": year, "month": 12, "day": 31}), errors="coerce"))
    return iso_text(start), iso_text(end)


def _claims(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``claim_status``, ``claimed_by`` and ``actor``.

    GTD's ``gname`` is the perpetrator GTD attributes the attack to, not a claim. The
    codebook's ``claimed`` (1 = a group or person claimed responsibility, 0 = no claim,
    -9 = unknown) decides: only 1 makes the attack claimed, and ``compclaim`` = 1
    (competing claims) makes it disputed. Without a claim the group stays in ``actor``
    and the attack stays unclaimed; "Unknown" is no group at all.
    """
    gname = stripped(frame, "gname")
    named = (gname != "") & (gname.str.lower() != UNKNOWN)
    claimed = numbers(stripped(frame, "claimed")) == 1
    competing = numbers(stripped(frame, "compclaim")) == 1
    status = (pd.Series("unclaimed", index=frame.index, dtype="str")
              .mask(claimed, "claimed").mask(claimed & competing, "disputed"))
    return status, gname.where(claimed & named, ""), gname.where(named, "")


def convert(frame: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """The incident columns of each row; problems flagged in ``problems``."""
    source_id = event_ids(frame, "eventid", problems)
    date_start, date_end = _dates(frame, problems)
    where = position(frame, "specificity", _precision.GTD, problems)
    # An empty nkill or nwound is unknown, not 0.
    killed = counts(stripped(frame, "nkill"), "nkill", problems)
    injured = counts(stripped(frame, "nwound"), "nwound", problems)
    status, claimed_by, actor = _claims(frame)
    city, province = stripped(frame, "city"), stripped(frame, "provstate")
    return pd.DataFrame({
        "source_id": source_id, "date_start": date_start, "date_end": date_end,
        "place": city.where(city.str.lower() != UNKNOWN, ""),
        "admin1": province.where(province.str.lower() != UNKNOWN, ""), "admin2": "",
        "lat": where.lat, "lon": where.lon, "precision_km": where.radius_km, "precision_code": where.code,
        "killed_low": killed, "killed_high": killed, "killed_best": unknown_counts(frame),
        "injured_low": injured, "injured_high": injured,
        "claimed_by": claimed_by, "claim_status": status, "actor": actor,
        "target": stripped(frame, "targtype1_txt"), "event_type": stripped(frame, "attacktype1_txt"),
        "summary": stripped(frame, "summary"), "casualty_notes": "",
        "sources": "GTD eventid " + source_id,
    }, index=frame.index)
