"""Pure functions behind the dashboard's controls: incident filters, the timeline, URL state.

Nothing here touches Streamlit, so every rule the dashboard applies can be unit-tested.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd

#: Map layers a user can switch, in drawing order, with the names shown to people.
LAYER_LABELS: dict[str, str] = {
    "route": "Route and stops",
    "attack_site": "Attack site",
    "places": "Places mentioned",
    "incidents": "Past incidents",
}
CLAIM_LABELS: dict[str, str] = {
    "claimed": "claimed",
    "unclaimed": "unclaimed",
    "disputed": "disputed",
    "state_action": "state action",
}


@dataclass(frozen=True)
class IncidentFilter:
    """What the user keeps of the past incidents. ``None`` dates leave that end open."""

    start: date | None = None
    end: date | None = None
    statuses: tuple[str, ...] = tuple(CLAIM_LABELS)
    min_killed: int = 0


def incident_dates(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """First and last day of every incident (an incident may span days: 2022-02-02/03)."""
    start = pd.to_datetime(frame["date_start"], errors="coerce")
    end = pd.to_datetime(frame["date_end"].where(frame["date_end"].astype(str).str.strip() != "",
                                                 frame["date_start"]), errors="coerce")
    return start, end.fillna(start)


def date_bounds(frame: pd.DataFrame) -> tuple[date, date]:
    """The earliest start and latest end date of ``frame``'s incidents."""
    start, end = incident_dates(frame)
    return start.min().date(), end.max().date()


def highest_killed(frame: pd.DataFrame) -> pd.Series:
    """The highest reported death toll of each incident (missing when no source gives one)."""
    return frame["killed_high"].fillna(frame["killed_low"])


def filter_incidents(frame: gpd.GeoDataFrame, rule: IncidentFilter) -> gpd.GeoDataFrame:
    """The incidents that overlap the date range, have a chosen claim status and a high enough toll.

    The toll test uses the highest figure any source gives, so a disputed "7–10 killed"
    stays in with a threshold of 10; an incident with no figure only passes a threshold of 0.
    """
    start, end = incident_dates(frame)
    keep = frame["claim_status"].isin(rule.statuses)
    if rule.start is not None:
        keep &= end >= pd.Timestamp(rule.start)
    if rule.end is not None:
        keep &= start <= pd.Timestamp(rule.end)
    if rule.min_killed > 0:
        keep &= highest_killed(frame).fillna(-1) >= rule.min_killed
    return frame[keep.fillna(False).astype(bool)]


def timeline_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Incidents and deaths per month and claim status, for the timeline chart.

    Aggregated so that the chart stays small whether there are 20 incidents or 100,000.
    """
    columns = ["month", "claim_status", "incidents", "killed"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    start, _ = incident_dates(frame)
    grouped = pd.DataFrame({
        "month": start.dt.to_period("M").dt.to_timestamp(),
        "claim_status": frame["claim_status"].map(CLAIM_LABELS).fillna(frame["claim_status"]),
        "killed": highest_killed(frame).fillna(0).astype(int),
    }).groupby(["month", "claim_status"], as_index=False).agg(
        incidents=("killed", "size"), killed=("killed", "sum"))
    return grouped[columns]


# --- URL (st.query_params) state -------------------------------------------------------

def parse_layers(value: str | None, keys: Sequence[str] = tuple(LAYER_LABELS)) -> dict[str, bool]:
    """Which layers a ``layers=route,places`` URL value shows; no value shows every layer."""
    if value is None:
        return {key: True for key in keys}
    chosen = {part.strip() for part in value.split(",")}
    return {key: key in chosen for key in keys}


def format_layers(visible: Mapping[str, bool]) -> str:
    """The URL value for the shown layers, in layer order (``"none"`` when all are off)."""
    return ",".join(key for key, shown in visible.items() if shown) or "none"


def parse_date(value: str | None, default: date) -> date:
    """An ISO date from the URL, or ``default`` when missing or malformed."""
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def parse_statuses(value: str | None, options: Iterable[str] = tuple(CLAIM_LABELS)) -> list[str]:
    """Claim statuses from a ``claim=claimed,unclaimed`` URL value; unknown names are dropped."""
    options = list(options)
    if value is None:
        return options
    chosen = {part.strip() for part in value.split(",")}
    return [option for option in options if option in chosen]


def parse_count(value: str | None, default: int = 0) -> int:
    """A non-negative whole number from the URL, or ``default``."""
    try:
        return max(0, int(value)) if value is not None else default
    except ValueError:
        return default


def layers_from_map(selected: object, generation: int,
                    keys: Sequence[str] = tuple(LAYER_LABELS)) -> dict[str, bool] | None:
    """The layers the map's own layer control shows, or ``None`` when the report is not usable.

    The map reports ``[{"name": key, "url": "atlas"}, …]`` plus one ``@<generation>`` entry
    naming the state it was drawn for; a report for an older state (the map had not yet
    redrawn) or without that entry (sent before the control existed) is ignored, so a
    stale report can never undo a newer choice made in the sidebar.
    """
    if not isinstance(selected, list):
        return None
    names = [item.get("name") for item in selected
             if isinstance(item, dict) and item.get("url") == "atlas"]
    if f"@{generation}" not in names:
        return None
    shown = {key: key in names for key in keys}
    # A report that names no overlay at all comes from a map whose overlays were not yet
    # attached (a click while the page was still loading): acting on it would switch
    # every layer off. Switching all of them off is done in the sidebar instead.
    return shown if any(shown.values()) else None


def date_window(value: object, bounds: tuple[date, date]) -> tuple[date, date]:
    """The (start, end) a date-range widget holds: none, one or two days, in any order."""
    days = [day for day in (value if isinstance(value, (tuple, list)) else (value,)) if isinstance(day, date)]
    if not days:
        return bounds
    if len(days) == 1:
        return days[0], bounds[1]  # while a range is being picked the widget holds its first day
    return min(days[0], days[1]), max(days[0], days[1])


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()!<>~|$])")


def plain_text(message: str) -> str:
    """``message`` with Markdown's special characters escaped, for Streamlit's messages.

    File names come from the user: "![](http://host/x.png).txt" must show as text, not
    fetch an image from the internet.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", message)
