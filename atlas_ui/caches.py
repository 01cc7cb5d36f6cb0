"""Server-wide caches (``st.cache_data``, ``st.cache_resource``): only data the app is
installed with — the built-in cases, the curated incidents, the map's assets — never a user's report."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from geo.articles import article_paths, read_article
from geo.cases import Case, built_in_cases
from geo.claims import IncidentRef, load_incident_refs
from layers.build import CaseLayers, build_case, incident_ref
from layers.claims import curated_claims

from . import launch, webmap
from .exports import layer_files, record_bytes
from .reports import ArticleSet, ReportAnalysis, analyse_report

#: Columns of a case without official figures (``claims.csv``), as ``curated_claims`` reads them.
NO_CURATED_CLAIMS = pd.DataFrame(columns=["id", "incident", "figure", "low", "high", "claim_date", "claimant",
                                          "claimant_detail", "value_text", "note", "sources"])


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
def built_in_articles(directory: Path) -> ArticleSet:
    """A built-in case's reports, read with the same checks as the command line."""
    return tuple((article.name, article.text)
                 for article in (read_article(path) for path in article_paths(directory)))


@st.cache_resource(show_spinner=False)
def incident_refs() -> list[IncidentRef]:
    """The curated incidents the claims parser attributes claims to."""
    return load_incident_refs()


@st.cache_resource(show_spinner=False, max_entries=4)
def built_in_analyses(case_id: str, articles: ArticleSet) -> dict[str, ReportAnalysis]:
    """A built-in case's reports' places and claims, analysed once per server."""
    case = built_in_catalogue()[0][case_id]
    main = incident_ref(case, incident_refs())
    return {name: analyse_report(name, text, case, main, incident_refs()) for name, text in articles}


# cache_resource, not cache_data: the frames are only read, and copying 100,000
# incidents on every rerun would cost more than the rest of the script.
@st.cache_resource(show_spinner=False, max_entries=4)
def built_in_case_layers(case_id: str, articles: ArticleSet, incidents_path: Path) -> CaseLayers:
    """Every layer of a built-in case, its site read from its reports; the data files are only read."""
    analyses = built_in_analyses(case_id, articles)
    return build_case(built_in_catalogue()[0][case_id],
                      [(name, text, analyses[name].places) for name, text in articles], incidents_path)


@st.cache_resource(show_spinner=False, max_entries=4)
def built_in_layer_files(case_id: str, articles: ArticleSet, incidents_path: Path) -> dict[str, bytes]:
    """The exported files of a built-in case, written once per server."""
    built = built_in_case_layers(case_id, articles, incidents_path)
    return layer_files(built.layers, record_bytes(built, articles))


def built_in_export_file(case_id: str, articles: ArticleSet, incidents_path: Path, file_name: str) -> bytes:
    """One exported file of a built-in case; called only when its button is clicked."""
    return built_in_layer_files(case_id, articles, incidents_path)[file_name]


def official_claims(path: Path | None) -> pd.DataFrame:
    """A case's curated record of official and group figures over time (its ``claims.csv``), if it has one.

    Read again whenever the file changes (a user mending a case's file sees it at once).
    """
    if path is None:
        return NO_CURATED_CLAIMS
    state = path.stat()
    return _official_claims(path, state.st_mtime_ns, state.st_size)


@st.cache_data(show_spinner=False, max_entries=16)
def _official_claims(path: Path, mtime_ns: int, size: int) -> pd.DataFrame:
    return curated_claims(path)
