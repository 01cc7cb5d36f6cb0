"""The sidebar's incident data: import an ACLED, GTD or UCDP GED export, choose the past
incidents shown, delete a stored dataset; and the filters over the incidents chosen.

Widgets, their callbacks and cached reads only: a file is read by ``layers.datasets``,
stored by ``atlas_ui.case_store``, related to the case by ``layers.incidents.around_case``
and filtered by ``atlas_ui.filters``. Every message is one plain-text line.
"""
from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import streamlit as st

from layers.build import CaseLayers
from layers.datasets import SHOWN_PROBLEMS, DatasetError, DatasetImport, read_dataset, read_imported
from layers.incidents import SAME_INCIDENT_KM, around_case, incidents_layer

from . import case_store, filters
from .case_store import StoredDataset, StoreError
from .filters import FilterOptions, plain_text

LOG = logging.getLogger(__name__)

#: The choice "Past incidents from" takes for the incidents the app is installed with.
BUILT_IN = ""
#: Session-state keys of this section.
SOURCE_KEY = "incidents_source"
NOTICE_KEY = "incidents_notice"
FORMAT_KEY = "dataset_format"
UPLOAD_GENERATION = "dataset_upload_generation"
REPORT_KEY = "dataset_report"
CONFIRM_KEY = "confirm_delete_dataset"
#: The source the filters' state was last fitted to (its dates, its actors …).
FITTED_KEY = "filters_fitted_to"
#: The chosen dataset's incidents related to the case shown: (key, frame), this session's only.
AROUND_CACHE = "incidents_around_cache"
#: URL parameters: the dataset shown, and the actor and event-type filters.
URL_SOURCE, URL_ACTORS, URL_EVENT_TYPES = "incidents", "actor", "event"
FORMAT_LABELS: dict[str, str] = {"auto": "auto (told by its columns)", "acled": "ACLED", "gtd": "GTD",
                                 "ucdp": "UCDP GED"}
#: Skipped rows listed under an import's summary; the count says how many more there were.


@dataclass(frozen=True)
class ImportReport:
    """What the last import said: one error line, or a summary and the rows it skipped."""

    error: str = ""
    summary: str = ""
    problems: tuple[str, ...] = ()
    skipped: int = 0


@dataclass(frozen=True)
class IncidentSource:
    """The past incidents shown: the built-in ones (``stored`` None) or a stored dataset."""

    slug: str  # BUILT_IN or the stored dataset's slug
    label: str  # as the select lists it
    options: FilterOptions  # what the filters offer for these incidents
    stored: StoredDataset | None = None


def source_label(name: str, incidents: int) -> str:
    """How the select lists a source: "acled_pakistan (12,345 incidents)"."""
    return f"{name} ({incidents:,} incident{'' if incidents == 1 else 's'})"


# --- cached reads (keyed by file and version: a changed file is read again) -----------------

@st.cache_resource(show_spinner=False, max_entries=4)
def built_in_summary(path: Path) -> tuple[int, FilterOptions]:
    """How many built-in incidents there are, and what the filters offer for them."""
    incidents = incidents_layer(path)
    return len(incidents), filters.filter_options(incidents)


# cache_resource, not cache_data: the frames are only read (around_case copies), and
# copying 100,000 incidents on every rerun would cost more than the rest of the script.
@st.cache_resource(show_spinner=False, max_entries=4)
def _stored_incidents(path: str, modified_ns: int) -> gpd.GeoDataFrame:
    return read_imported(Path(path))


@st.cache_resource(show_spinner=False, max_entries=16)
def _stored_options(path: str, modified_ns: int) -> FilterOptions:
    return filters.filter_options(_stored_incidents(path, modified_ns))


def stored_incidents(dataset: StoredDataset) -> gpd.GeoDataFrame:
    """A stored dataset's incidents; :class:`DatasetError` when its file cannot be read."""
    return _stored_incidents(str(dataset.path), dataset.modified_ns)


# --- importing ----------------------------------------------------------------------------

def import_csv(root: Path, file_name: str, data: bytes,
               format: str = "auto") -> tuple[StoredDataset, DatasetImport]:  # noqa: A002 - the importer's word
    """Import an uploaded export (``data``, uploaded as ``file_name``) into the store at ``root``.

    :class:`DatasetError` when the file is not an export the importer reads,
    :class:`StoreError` when it cannot be stored; the store is unchanged either way.
    """
    with tempfile.TemporaryDirectory(prefix="incident-atlas-upload-") as folder:
        path = Path(folder) / case_store.upload_file_name(file_name)
        path.write_bytes(data)
        imported = read_dataset(path, format)
    return case_store.save_dataset(root, imported, path.name), imported


def _uploader_key() -> str:
    return f"dataset_upload_{st.session_state.get(UPLOAD_GENERATION, 0)}"


def import_upload(key: str) -> None:
    """Import the file just given to the uploader, say how it went, then empty the uploader.

    The incidents shown stay as they were: the new dataset is listed, not chosen.
    """
    state = st.session_state
    upload = state.get(key)
    state[UPLOAD_GENERATION] = state.get(UPLOAD_GENERATION, 0) + 1  # a fresh, empty uploader
    state[CONFIRM_KEY] = ""
    if upload is None:
        return
    name = case_store.upload_file_name(upload.name)
    try:
        stored, imported = import_csv(case_store.datasets_dir(), upload.name, upload.getvalue(),
                                      state.get(FORMAT_KEY) or "auto")
    except DatasetError as err:
        state[REPORT_KEY] = ImportReport(error=f"Not imported: {err}")
        return
    except StoreError as err:
        state[REPORT_KEY] = ImportReport(error=f"{name}: not imported; {err}")
        return
    except Exception as err:  # noqa: BLE001 - one line for the user, the traceback to the log
        LOG.exception("an incident dataset could not be imported")
        state[REPORT_KEY] = ImportReport(error=f"{name}: not imported ({type(err).__name__})")
        return
    skipped = len(imported.problems)
    state[REPORT_KEY] = ImportReport(
        summary=f"{stored.incidents:,} incident{'' if stored.incidents == 1 else 's'} imported, {skipped:,} "
                f"row{'' if skipped == 1 else 's'} skipped ({imported.label}): stored as {stored.slug}, "
                "listed under “Past incidents from”.",
        problems=tuple(imported.problems[:SHOWN_PROBLEMS]), skipped=skipped)


# --- choosing and deleting ----------------------------------------------------------------

def choose_source(params: dict[str, str], stored: list[StoredDataset], built_in_count: int,
                  built_in_options: FilterOptions) -> IncidentSource:
    """The incidents to show: the one chosen, else the URL's (``?incidents=<slug>``), else the built-in ones.

    A slug in the URL that names no stored dataset, or a dataset deleted meanwhile (in
    another session, say), shows the built-in incidents with a one-line notice.
    """
    state = st.session_state
    by_slug = {dataset.slug: dataset for dataset in stored}
    if SOURCE_KEY not in state:
        wanted = params.get(URL_SOURCE) or BUILT_IN
        if wanted != BUILT_IN and wanted not in by_slug:
            state[NOTICE_KEY] = (f"There is no incident dataset {wanted!r} here (the link may name one on another "
                                 "computer): showing the built-in incidents.")
            wanted = BUILT_IN
        state[SOURCE_KEY] = wanted
    elif state[SOURCE_KEY] != BUILT_IN and state[SOURCE_KEY] not in by_slug:
        state[NOTICE_KEY] = f"The dataset {state[SOURCE_KEY]} is no longer stored: showing the built-in incidents."
        state[SOURCE_KEY] = BUILT_IN
    dataset = by_slug.get(state[SOURCE_KEY])
    if dataset is None:
        return IncidentSource(BUILT_IN, source_label("Built-in", built_in_count), built_in_options)
    try:
        options = _stored_options(str(dataset.path), dataset.modified_ns)
    except DatasetError as err:  # changed or damaged since it was listed
        state[NOTICE_KEY] = f"{err}: showing the built-in incidents."
        state[SOURCE_KEY] = BUILT_IN
        return IncidentSource(BUILT_IN, source_label("Built-in", built_in_count), built_in_options)
    return IncidentSource(dataset.slug, source_label(dataset.slug, dataset.incidents), options, dataset)


def picked_source() -> None:
    """Another source was chosen: what was said about the last one no longer applies."""
    st.session_state[NOTICE_KEY] = ""
    st.session_state[CONFIRM_KEY] = ""


def ask_delete(slug: str) -> None:
    st.session_state[CONFIRM_KEY] = slug


def cancel_delete() -> None:
    st.session_state[CONFIRM_KEY] = ""


def delete_dataset(slug: str) -> None:
    """Delete the stored dataset once confirmed, and show the built-in incidents instead."""
    state = st.session_state
    state[CONFIRM_KEY] = ""
    try:
        case_store.delete_dataset(case_store.datasets_dir(), slug)
    except StoreError as err:
        state[REPORT_KEY] = ImportReport(error=f"Not deleted: {err}")
        return
    state[SOURCE_KEY] = BUILT_IN
    state[NOTICE_KEY] = ""
    state[REPORT_KEY] = ImportReport(summary=f"Deleted: {slug}")


# --- the filters' state --------------------------------------------------------------------

def init_filters(params: dict[str, str], source: IncidentSource) -> None:
    """Fill in the actor and event-type filters from the URL, and fit every filter to ``source``.

    When another source has been chosen, the dates span its incidents; a choice the
    source has no data for (a group, an actor, an event type) is dropped.
    """
    state = st.session_state
    options = source.options
    state.setdefault("actors", filters.parse_groups(params.get(URL_ACTORS), options.actors))
    state.setdefault("event_types", filters.parse_groups(params.get(URL_EVENT_TYPES), options.event_types))
    if state.get(FITTED_KEY, source.slug) != source.slug:
        state["date_range"] = options.bounds
    state[FITTED_KEY] = source.slug
    for key, offered in (("groups", options.groups), ("actors", options.actors),
                         ("event_types", options.event_types)):
        offered_set = set(offered)
        kept = [value for value in state[key] if value in offered_set]
        if kept != state[key]:
            state[key] = kept


def incident_rule(options: FilterOptions, case_has_date: bool) -> filters.IncidentFilter:
    """The filter the sidebar's choices make; a filter the incidents have no data for is left out."""
    state = st.session_state
    start, end = filters.date_window(state["date_range"], options.bounds)
    return filters.IncidentFilter(
        start=start, end=end, statuses=tuple(state["claim_statuses"]),
        min_killed=int(state["min_killed"]) if options.has_tolls else 0,
        max_distance_km=float(state["max_km"]) or None,
        groups=tuple(state["groups"]) if options.groups else (),
        actors=tuple(state["actors"]) if options.actors else (),
        event_types=tuple(state["event_types"]) if options.event_types else (),
        before_case_only=bool(state["before_case"]) and case_has_date)


def url_params(source: IncidentSource) -> dict[str, str]:
    """The URL parameters of the incidents chosen and of the actor and event-type filters."""
    state = st.session_state
    params = {}
    if source.slug != BUILT_IN:
        params[URL_SOURCE] = source.slug
    if state["actors"]:
        params[URL_ACTORS] = filters.GROUP_SEPARATOR.join(state["actors"])
    if state["event_types"]:
        params[URL_EVENT_TYPES] = filters.GROUP_SEPARATOR.join(state["event_types"])
    return params


# --- the incidents around the case ----------------------------------------------------------

def incidents_around(source: IncidentSource, built: CaseLayers,
                     layers: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """``layers`` with the chosen dataset's incidents, related to the case (distance, before it, its own).

    The built-in incidents are already in ``layers``. Kept in this session's state and
    worked out again only when the dataset, the case or its site changes.
    """
    if source.stored is None:
        st.session_state.pop(AROUND_CACHE, None)
        return layers
    site = built.site
    case = built.case
    key = (str(source.stored.path), source.stored.modified_ns, case.id, case.date,
           None if site is None else (site["lat"], site["lon"], site["precision_km"]))
    cached = st.session_state.get(AROUND_CACHE)
    if cached is None or cached[0] != key:
        around = around_case(stored_incidents(source.stored), case.id, case.date,
                             None if site is None else (site["lat"], site["lon"]),
                             SAME_INCIDENT_KM if site is None else site["precision_km"])
        cached = st.session_state[AROUND_CACHE] = (key, around)
    return {**layers, "incidents": cached[1]}


# --- drawing ------------------------------------------------------------------------------

def draw_section(source: IncidentSource, stored: list[StoredDataset], list_errors: list[str],
                 built_in_count: int) -> None:
    """Choose the past incidents shown, delete a stored dataset, import an export."""
    state = st.session_state
    st.subheader("Incident data")
    labels = {BUILT_IN: source_label("Built-in", built_in_count),
              **{dataset.slug: source_label(dataset.slug, dataset.incidents) for dataset in stored}}
    st.selectbox("Past incidents from", list(labels), key=SOURCE_KEY, on_change=picked_source,
                 format_func=lambda slug: labels.get(slug, slug),
                 help="The built-in incidents, or a dataset you imported (kept on this computer).")
    if state.get(NOTICE_KEY):
        st.info(plain_text(state[NOTICE_KEY]))
    for line in list_errors:
        st.warning(plain_text(line))
    if source.stored is not None:
        if state.get(CONFIRM_KEY) == source.slug:
            st.warning(plain_text(f"Delete the dataset {source.slug} ({source.stored.incidents:,} incidents) "
                                  "from this computer? This cannot be undone."))
            yes, no = st.columns(2)
            yes.button("Yes, delete it", key="delete_dataset_confirm", type="primary", on_click=delete_dataset,
                       args=(source.slug,))
            no.button("Cancel", key="delete_dataset_cancel", on_click=cancel_delete)
        else:
            st.button("Delete this dataset…", key="delete_dataset", on_click=ask_delete, args=(source.slug,))
    st.selectbox("Format of a file to import", list(FORMAT_LABELS), key=FORMAT_KEY,
                 format_func=FORMAT_LABELS.get)
    key = _uploader_key()
    st.file_uploader("Import an ACLED, GTD or UCDP GED export (.csv)", type=["csv"], key=key,
                     on_change=import_upload, args=(key,))
    st.caption("Up to 2 MB here. A bigger export: `incident-atlas incidents import FILE --out "
               "$INCIDENT_ATLAS_HOME/datasets/NAME.gpkg`, and it is listed above.")
    report: ImportReport | None = state.get(REPORT_KEY)
    if report is not None and report.error:
        st.error(plain_text(report.error))
    elif report is not None and report.summary:
        st.success(plain_text(report.summary))
        if report.problems:
            with st.expander(f"Rows skipped ({report.skipped:,})"):
                for line in report.problems:
                    st.caption(plain_text(line))
                if report.skipped > len(report.problems):
                    st.caption(plain_text(f"… and {report.skipped - len(report.problems):,} more."))


def draw_filters(options: FilterOptions, case_date: date | None) -> None:
    """The filters over the past incidents; one the chosen incidents have no data for is not drawn."""
    st.subheader("Past incidents")
    st.date_input("Dates", key="date_range", min_value=options.bounds[0], max_value=options.bounds[1],
                  format="YYYY-MM-DD")
    st.multiselect("Claim status", list(filters.CLAIM_LABELS), key="claim_statuses",
                   format_func=filters.CLAIM_LABELS.get)
    if options.has_tolls:
        st.number_input("At least this many killed (highest reported figure)", min_value=0, step=1,
                        key="min_killed")
    st.number_input("Within this many km of the case's site (0: any distance)", min_value=0, step=25,
                    key="max_km", help="Measured from the best estimate of where this case happened.")
    if options.groups:
        st.multiselect("Claimed by", options.groups, key="groups", placeholder="any group, or none",
                       help="Only incidents these groups claimed; a group includes its wings. "
                            "The most frequent first.")
    if options.actors:
        st.multiselect("Actor", options.actors, key="actors", placeholder="any actor",
                       help="Only incidents of these actors (the dataset's actor1, perpetrator group or side A), "
                            "claimed or not. The most frequent first.")
    if options.event_types:
        st.multiselect("Event type", options.event_types, key="event_types", placeholder="any type",
                       help="Only incidents of these types, as the dataset names them. The most frequent first.")
    st.checkbox("Only incidents before this case", key="before_case", disabled=case_date is None,
                help="Incidents that ended before the case's date." if case_date else "This case has no date.")

