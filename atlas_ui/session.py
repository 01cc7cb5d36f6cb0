"""This session's reports: what is pasted and uploaded, the case shown, and the analyses
and layers made from them — kept in the session's own state, never server-wide, and
dropped when a report goes.

A built-in case keeps the reports a session adds in that session only; a case of the
user's keeps its reports on disk (``atlas_ui.case_store``). The callbacks here run
before the rerun, so they may set widget state; they are plain functions of this module
with small arguments, so a callback Streamlit keeps for a widget that is gone holds no
report of the run that drew it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import streamlit as st

from geo.articles import ArticleError, decode_article
from geo.cases import Case
from geo.records import Place
# Looked up on the module at each call, as the script's own imports are on each run:
# a stand-in set on ``layers.places`` (a test's) applies.
from layers import places as place_layers
from layers.areas import areas_layer
from layers.build import CaseLayers, build_case, incident_ref

from . import case_panel, case_store, filters, reports
from .caches import built_in_analyses, built_in_articles, built_in_case_layers, incident_refs
from .reports import ArticleSet, ReportAnalysis, analyse_report, text_digest

#: Session-state keys of this session's own caches: added reports are never cached server-wide.
REPORT_CACHE = "report_cache"
#: The built-in case's layers with this session's reports among the places: (report keys, layers).
ADDED_LAYERS_CACHE = "added_layers_cache"
#: Every layer of a case of the user's: (case and report keys, CaseLayers).
STORED_LAYERS_CACHE = "stored_layers_cache"


@dataclass(frozen=True)
class CaseReports:
    """The reports a case is shown with, as read (cheap) before any is analysed (slow)."""

    built_in: ArticleSet  # a built-in case's own reports; empty for a case of the user's
    session_texts: dict[str, str]  # name -> text of the reports this session analyses itself: those
    #                                added to a built-in case, or every report of a case of the user's
    case_names: frozenset[str]  # the case's own reports: the built-in ones, or every stored one
    errors: list[str]  # one line per report that is not loaded
    renames: list[str]  # one line per report loaded under another name
    removable: list[str]  # the reports with a Remove button


@dataclass(frozen=True)
class ShownLayers:
    """What the page draws of a case: its layers, and the analyses its figures come from."""

    built: CaseLayers  # the case as completed from its reports, and its site
    layers: dict[str, gpd.GeoDataFrame]  # ``built.layers``, with this session's reports among the places
    claim_analyses: list[ReportAnalysis]
    built_in_export: tuple[str, ArticleSet, Path] | None  # a built-in case with no report added: its cached files


def case_reports(case: Case) -> CaseReports:
    """The reports ``case`` is shown with in this session, and what to say about those not loaded as given."""
    state = st.session_state
    if case.built_in:
        built_in = built_in_articles(case.articles_dir)
        built_in_names = frozenset(name for name, _ in built_in)
        uploaded, errors, renames = collect_uploads(state.get(uploads_key()) or [],
                                                    built_in_names | frozenset(state["pasted"]))
        added, over_budget = reports.within_session_budget({**state["pasted"], **uploaded})
        return CaseReports(built_in, added, built_in_names, errors + over_budget, renames, list(state["pasted"]))
    stored_reports, read_errors = case_store.read_reports(case)
    stored = {report.name: report.text for report in stored_reports}
    store_errors, store_renames = state.get("store_upload_messages") or ([], [])
    return CaseReports((), stored, frozenset(stored), read_errors + list(store_errors), list(store_renames),
                       list(stored))


def session_analyses(texts: dict[str, str], case: Case) -> list[ReportAnalysis]:
    """Each report's analysis, in order: the reports added to a built-in case, or every
    report of a case of the user's. Analysed once and forgotten when removed.

    Kept in this session's state, keyed by case, name and text digest: another session
    never sees it, and removing a report (its Remove button, or the uploader's ×) drops
    its places, claims and sentences with it.
    """
    cache: dict[tuple[str, str, str], ReportAnalysis] = st.session_state.setdefault(REPORT_CACHE, {})
    keys = {name: (case.id, name, text_digest(text)) for name, text in texts.items()}
    for stale in set(cache) - set(keys.values()):
        del cache[stale]
    for name, key in keys.items():
        if key not in cache:
            cache[key] = analyse_report(name, texts[name], case, incident_ref(case, incident_refs()), incident_refs())
    return [cache[key] for key in keys.values()]


def shown_layers(case: Case, loaded: CaseReports, analysed: list[ReportAnalysis],
                 incidents_path: Path) -> ShownLayers:
    """The layers of ``case`` with the reports ``analysed`` without error; :class:`CaseError` for a damaged case."""
    if not case.built_in:
        built = stored_case_layers(case, loaded.session_texts, analysed, incidents_path)
        return ShownLayers(built, built.layers, analysed, None)
    built_in = list(built_in_analyses(case.id, loaded.built_in).values())
    built = built_in_case_layers(case.id, loaded.built_in, incidents_path)
    built_in_places = [place for analysis in built_in for place in analysis.places]
    return ShownLayers(built, session_layers(built.layers, built_in_places, analysed), built_in + analysed,
                       None if analysed else (case.id, loaded.built_in, incidents_path))


def stored_case_layers(case: Case, texts: dict[str, str], analyses: list[ReportAnalysis],
                       incidents_path: Path) -> CaseLayers:
    """Every layer of a case of the user's, from all its reports; rebuilt only when they or the case change.

    Kept in this session's state, never server-wide.
    """
    key = (case.id, case.title, case.date, case.kind, str(incidents_path),
           tuple((analysis.name, analysis.digest) for analysis in analyses))
    cached = st.session_state.get(STORED_LAYERS_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    built = build_case(case, [(analysis.name, texts[analysis.name], analysis.places) for analysis in analyses],
                       incidents_path)
    st.session_state[STORED_LAYERS_CACHE] = (key, built)
    return built


def session_layers(shared: dict[str, gpd.GeoDataFrame], built_in_places: list[Place],
                   added: list[ReportAnalysis]) -> dict[str, gpd.GeoDataFrame]:
    """The shared layers with this session's reports among the places (as ``build_layers`` does).

    Rebuilt only when the set of added reports changes; only the places layers are new,
    the route, attack site and incidents are the server's shared frames.
    """
    if not added:
        st.session_state.pop(ADDED_LAYERS_CACHE, None)
        return shared
    key = tuple((analysis.name, analysis.digest) for analysis in added)
    cached = st.session_state.get(ADDED_LAYERS_CACHE)
    if cached is not None and cached[0] == key:
        return cached[1]
    places = built_in_places + [place for analysis in added for place in analysis.places]
    layers = {**shared, "places": place_layers.places_layer(places),
              "places_merged": place_layers.merged_places_layer(places),
              "areas": areas_layer(places)}
    st.session_state[ADDED_LAYERS_CACHE] = (key, layers)
    return layers


def add_pasted(case_names: frozenset[str], stored_case_id: str | None = None) -> None:
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
    taken = case_names | set(state["pasted"]) | set(state["upload_names"].values())
    while f"pasted-{state['paste_count']}.txt" in taken:
        state["paste_count"] += 1
    free = f"pasted-{state['paste_count']}.txt"
    if stored_case_id is not None:
        # ``case_names``: the stored reports; the store keeps the name distinct should one arrive meanwhile.
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
                    ADDED_LAYERS_CACHE, STORED_LAYERS_CACHE):
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


