"""Pure functions behind the dashboard's controls: incident filters, the timeline, URL state.

Nothing here touches Streamlit, so every rule the dashboard applies can be unit-tested.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Collection, Iterable, Mapping, Sequence

import geopandas as gpd
import pandas as pd

from layers.incident_dates import first_and_last_days

#: Map layers a user can switch, in drawing order, with the names shown to people.
LAYER_LABELS: dict[str, str] = {
    "areas": "Districts and provinces named",
    "route": "Route and stops",
    "attack_site": "Attack site",
    "places": "Places mentioned",
    "incidents": "Past incidents",
    "density": "Incident density",
}
CLAIM_LABELS: dict[str, str] = {
    "claimed": "claimed",
    "unclaimed": "unclaimed",
    "disputed": "disputed",
    "state_action": "state action",
}


#: Separates group names in a URL value (group names hold commas and semicolons).
GROUP_SEPARATOR = "|"


@dataclass(frozen=True)
class IncidentFilter:
    """What the user keeps of the past incidents. ``None`` dates leave that end open.

    ``max_distance_km``: only incidents this close to the case's site (``None``: any
    distance); ``groups``: only incidents claimed by one of these (empty: every
    incident, unclaimed ones too); ``actors``: only incidents whose ``actor`` (an
    imported dataset's actor1, gname or side_a) is one of these; ``event_types``: only
    incidents of these ``event_type``; ``before_case_only``: only those that ended
    before the case's date. A frame without the column a choice needs keeps nothing.
    """

    start: date | None = None
    end: date | None = None
    statuses: tuple[str, ...] = tuple(CLAIM_LABELS)
    min_killed: int = 0
    max_distance_km: float | None = None
    groups: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    before_case_only: bool = False


@dataclass(frozen=True)
class FilterOptions:
    """What the incident filters can offer for one set of incidents; an empty list hides its filter."""

    bounds: tuple[date, date]  # the first and last day of the incidents
    groups: list[str]  # claimed_by names and their organisations, most frequent first
    actors: list[str]  # actor names, most frequent first
    event_types: list[str]  # event types, most frequent first
    has_tolls: bool  # whether any incident has a death toll


def date_bounds(frame: pd.DataFrame) -> tuple[date, date]:
    """The earliest start and latest end date of ``frame``'s incidents."""
    start, end = first_and_last_days(frame)
    return start.min().date(), end.max().date()


def highest_killed(frame: pd.DataFrame) -> pd.Series:
    """The highest reported death toll of each incident (missing when no source gives one)."""
    return frame["killed_high"].fillna(frame["killed_low"])


def claimed_by_group(claimed_by: pd.Series, groups: Collection[str]) -> pd.Series:
    """Whether each incident was claimed by one of ``groups``: the same name, or a part of
    it ("Baloch Liberation Army (Majeed Brigade)" is the Baloch Liberation Army's)."""
    names = claimed_by.fillna("").astype(str).str.strip()
    keep = pd.Series(False, index=claimed_by.index)
    for group in groups:
        keep |= (names == group) | names.str.startswith(f"{group} (")
    return keep


def _by_frequency(counts: Mapping[str, int]) -> list[str]:
    """The names of ``counts``, the most frequent first, then alphabetically."""
    return sorted(counts, key=lambda name: (-counts[name], name.casefold(), name))


def incident_groups(frame: pd.DataFrame) -> list[str]:
    """The groups a filter can choose: every ``claimed_by`` name and the organisation it belongs
    to, the most frequent first (an organisation counts the incidents of its wings too)."""
    names = frame.get("claimed_by", pd.Series(dtype=str)).fillna("").astype(str).str.strip()
    counts = names[names != ""].value_counts()
    totals: dict[str, int] = {}
    for name, count in counts.items():
        totals[name] = totals.get(name, 0) + int(count)
        organisation = name.split(" (", 1)[0].strip()
        if organisation != name:
            totals[organisation] = totals.get(organisation, 0) + int(count)
    return _by_frequency(totals)


def column_choices(frame: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-empty values of a text ``column``, the most frequent first (none without the column)."""
    if column not in frame:
        return []
    values = frame[column].fillna("").astype(str).str.strip()
    return _by_frequency({str(name): int(count) for name, count in values[values != ""].value_counts().items()})


def filter_options(frame: pd.DataFrame) -> FilterOptions:
    """What the filters offer for ``frame``'s incidents (a filter with no data is left out)."""
    bounds = date_bounds(frame) if len(frame) else (date.today(), date.today())
    has_tolls = bool(len(frame)) and bool(highest_killed(frame).notna().any())
    return FilterOptions(bounds=bounds, groups=incident_groups(frame), actors=column_choices(frame, "actor"),
                         event_types=column_choices(frame, "event_type"), has_tolls=has_tolls)


def filter_incidents(frame: gpd.GeoDataFrame, rule: IncidentFilter) -> gpd.GeoDataFrame:
    """The incidents that overlap the date range, have a chosen claim status and a high enough toll,
    lie close enough to the case's site, were claimed by a chosen group, have a chosen actor and event type
    and, if asked, came before the case.

    The toll test uses the highest figure any source gives, so a disputed "7–10 killed"
    stays in with a threshold of 10; an incident with no figure only passes a threshold of 0.
    An incident whose distance is unknown (the case has no site) fails a distance limit.
    """
    start, end = first_and_last_days(frame)
    keep = frame["claim_status"].isin(rule.statuses)
    if rule.start is not None:
        keep &= end >= pd.Timestamp(rule.start)
    if rule.end is not None:
        keep &= start <= pd.Timestamp(rule.end)
    if rule.min_killed > 0:
        keep &= highest_killed(frame).fillna(-1) >= rule.min_killed
    if rule.max_distance_km is not None:
        distance = frame["distance_km"] if "distance_km" in frame else pd.Series(pd.NA, index=frame.index)
        keep &= distance.astype("Float64").fillna(math.inf) <= rule.max_distance_km
    if rule.groups:
        keep &= claimed_by_group(frame["claimed_by"], rule.groups) if "claimed_by" in frame else False
    if rule.actors:
        keep &= _one_of(frame, "actor", rule.actors)
    if rule.event_types:
        keep &= _one_of(frame, "event_type", rule.event_types)
    if rule.before_case_only:
        keep &= frame["before_case"].astype(bool) if "before_case" in frame else False
    return frame[keep.fillna(False).astype(bool)]


def _one_of(frame: pd.DataFrame, column: str, values: Collection[str]) -> pd.Series | bool:
    """Whether each incident's ``column`` is one of ``values`` (False everywhere without the column)."""
    if column not in frame:
        return False
    return frame[column].fillna("").astype(str).str.strip().isin(list(values))


def timeline_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Incidents and deaths per month and claim status, for the timeline chart.

    Aggregated so that the chart stays small whether there are 20 incidents or 100,000.
    """
    columns = ["month", "claim_status", "incidents", "killed"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    start, _ = first_and_last_days(frame)
    # Counted first and labelled after: the labels are mapped over a few hundred rows, not every incident.
    counted = pd.DataFrame({
        "month": pd.Series(start.to_numpy().astype("datetime64[M]").astype("datetime64[s]"), index=frame.index),
        "claim_status": frame["claim_status"],
        "killed": highest_killed(frame).fillna(0).astype(int),
    }).groupby(["month", "claim_status"], as_index=False).agg(
        incidents=("killed", "size"), killed=("killed", "sum"))
    counted["claim_status"] = counted["claim_status"].map(CLAIM_LABELS).fillna(counted["claim_status"])
    grouped = counted.groupby(["month", "claim_status"], as_index=False).agg(
        incidents=("incidents", "sum"), killed=("killed", "sum"))
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


def parse_distance(value: str | None) -> float | None:
    """A distance limit in km from the URL: a positive, finite number, or ``None`` (any distance)."""
    try:
        number = float(value) if value else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number > 0 else None


def format_distance(value: float | None) -> str | None:
    """The URL value of a distance limit (``None`` when there is none)."""
    return f"{value:g}" if value else None


def parse_groups(value: str | None, options: Iterable[str]) -> list[str]:
    """Groups from a ``group=A|B`` URL value; names that are not options are dropped."""
    if not value:
        return []
    chosen = {part.strip() for part in value.split(GROUP_SEPARATOR)}
    return [option for option in options if option in chosen]


def parse_flag(value: str | None) -> bool:
    """A yes/no URL value: ``1``, ``true``, ``yes`` or ``on`` is yes."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


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


#: Every ASCII punctuation character: CommonMark lets a backslash escape any of them.
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
#: Characters that end a line: a new line could start a heading, a list or a code block.
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")
#: Where GitHub-flavoured Markdown starts a link of its own: http(s)://, www. and e-mail
#: addresses. It finds them in the text after escapes are resolved, so escaping cannot stop it.
_AUTOLINK_STARTS = re.compile(r"https?(?=:)|www(?=\.)|@", re.IGNORECASE)
#: Invisible and unbreakable: placed after such a start, it keeps the text from matching.
WORD_JOINER = "\u2060"


def plain_text(message: str) -> str:
    """``message`` as Markdown that shows exactly its characters, for Streamlit's messages and labels.

    File names come from the user: "# Title http://x.txt" must not become a heading
    and a link, "![](http://host/x.png).txt" must not fetch an image. Escaping every
    ASCII punctuation character stops every Markdown construct (headings, lists,
    quotes, links, emphasis, code, HTML, entities, maths, Streamlit's ``:emoji:`` and
    ``:color[…]`` directives); a word joiner after "http", "www" and "@" stops the
    links GitHub-flavoured Markdown makes of bare URLs and e-mail addresses; line
    breaks become spaces and leading spaces go, so no block can start mid-message.
    """
    one_line = _LINE_BREAKS.sub(" ", message).lstrip()
    unlinked = _AUTOLINK_STARTS.sub(lambda match: match.group() + WORD_JOINER, one_line)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)


def distinct_name(name: str, taken: Collection[str]) -> str:
    """``name``, or the first of ``stem (2).txt``, ``stem (3).txt`` … that is not in ``taken``.

    Two reports may arrive with the same name (an upload called ``pasted-1.txt``, the
    same file uploaded twice): both are kept, the later one under a distinct name.
    """
    if name not in taken:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem, suffix = name, ""
    number = 2
    while True:
        candidate = f"{stem} ({number})" + (f".{suffix}" if suffix else "")
        if candidate not in taken:
            return candidate
        number += 1
