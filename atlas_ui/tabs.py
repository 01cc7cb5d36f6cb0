"""The tabs under the map: the article reader, the figures, the incidents table, the downloads, the data sources.

Widgets and their callbacks only: the highlights come from ``atlas_ui.reader``, the
claims tables from ``layers.claims``, the files from ``atlas_ui.exports``.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.cases import CLAIMS_FILE, Case, CaseError
from geo.claims import FIGURES
from layers.build import CASE_RECORD_NAME, LAYER_NAMES
from layers.claims import figure_ranges, figures_table
from layers.export import ALL_LAYERS_NAME, GEOPACKAGE_NAME

from . import catalog, filters
from .caches import NO_CURATED_CLAIMS, built_in_export_file, official_claims
from .charts import figure_chart
from .exports import csv_bytes, session_export_file, zip_with_layers
from .reader import Mark, article_marks, highlighted_html
from .reports import ArticleSet

#: The zoom the map takes when centred on a place picked in the reader.
PLACE_ZOOM = 10
#: Rows of a table drawn on the page; its CSV has all of them.
TABLE_ROWS = 1_000
#: The incidents table's first columns: how each incident relates to the case.
CASE_COLUMNS = ["is_case", "distance_km", "before_case"]
#: What each downloadable file holds (shown when its button is hovered).
DOWNLOAD_HELP: dict[str, str] = {
    "areas.geojson": "The outline (polygon) of each district and province the reports name, with the reports "
                     "that name it and the source of the place and of its outline (Who's On First).",
    "route.geojson": "The route as one line through its stops, in order.",
    "stops.geojson": "The route's stops and stations, with their precision and sources.",
    "attack_site.geojson": "The best estimate of the attack site, its uncertainty area and every candidate position.",
    "incidents.geojson": "Every past incident in the dataset, with its distance from this case's site.",
    "places.geojson": "One point per place and report that names it, with the sentences that name it.",
    "places_merged.geojson": "One point per place, with every report and sentence that names it.",
    ALL_LAYERS_NAME: "Every layer above in one file (a layer column says which).",
    GEOPACKAGE_NAME: "Every layer as a table of one GeoPackage (for QGIS and other GIS software).",
    CASE_RECORD_NAME: "What the case is: title, date, kind, best-estimate site and the reports used.",
}


# --- callbacks (they run before the rerun, so they may set widget state) ------------------

def centre_on_place(positions: dict[str, tuple[float, float]], zoom: int) -> None:
    """Centre the map on the place picked in the article reader (``positions``: uid -> lat, lon)."""
    uid = st.session_state.get("reader_place")
    if uid in positions:
        st.session_state["map_view"] = (positions[uid], zoom)
    st.session_state["reader_claim"] = None  # a place picked now replaces a claim picked before


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


# --- the tabs -----------------------------------------------------------------------------

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
                   built_in_export: tuple[str, ArticleSet, Path] | None) -> None:
    """One button per exported file, the same files ``incident-atlas build`` writes, and the whole case as a zip.

    ``built_in_export`` (case id, reports, incidents file) when the files are a built-in
    case's own, no report added: written once per server. Otherwise they are written when
    a button is clicked, and not kept.
    """
    st.write("The same files `incident-atlas build` writes, for the reports loaded now "
             "(RFC 7946 GeoJSON; the GeoPackage has one table per layer; `case.json` says what the case is).")
    columns = st.columns(4)
    file_names = [f"{name}.geojson" for name in LAYER_NAMES] + [ALL_LAYERS_NAME, GEOPACKAGE_NAME, CASE_RECORD_NAME]
    for number, file_name in enumerate(file_names):
        mime = {GEOPACKAGE_NAME: "application/geopackage+sqlite3",
                CASE_RECORD_NAME: "application/json"}.get(file_name, "application/geo+json")
        data = (partial(built_in_export_file, *built_in_export, file_name) if built_in_export is not None
                else partial(session_export_file, layers, record, file_name))
        columns[number % 4].download_button(file_name, data=data, file_name=file_name, mime=mime,
                                            on_click="ignore", key=f"download_{file_name}",
                                            help=DOWNLOAD_HELP.get(file_name))
    st.download_button("Whole case (.zip)", key="download_case_zip", mime="application/zip", on_click="ignore",
                       file_name=f"{case.id}.zip",
                       data=partial(zip_with_layers, case, layers, record, articles))
    st.caption("The zip holds the case's folder (case.toml, its reports, its curated files) and its layers; "
               "`incident-atlas build --case` reads the folder as it is.")


def draw_about(case: Case, article_count: int, added_count: int,
               incidents: catalog.ShownIncidents | None = None) -> None:
    """Where the case's data comes from, and under which licences (``incidents``: the past
    incidents shown, when not the built-in file)."""
    # st.table renders Markdown, and a case's title and files come from its user.
    st.table(pd.DataFrame(catalog.datasets(case, article_count=article_count, uploaded=added_count,
                                           incidents=incidents))
             .map(filters.plain_text))
    st.caption("Place data © GeoNames (CC BY 4.0); states and provinces of other countries from the "
               "countries-states-cities database (ODbL 1.0). Map tiles and data © OpenStreetMap contributors (ODbL). "
               "Country outlines: Natural Earth (public domain). "
               f"{catalog.AREA_OUTLINES_CREDIT}. Disputed figures keep every version; "
               "unclaimed attacks stay unclaimed.")
