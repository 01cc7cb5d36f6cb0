"""The sidebar's case section: pick a case, make a new one from reports, rename or delete one's own.

Widgets and their callbacks only: the cases are read and written by ``atlas_ui.case_store``,
the reports analysed by ``atlas_ui.reports`` and the case completed from them by
``layers.build.build_case``. Every message is one plain-text line.
"""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import streamlit as st

from geo.articles import ArticleError, decode_article
from geo.cases import Case, CaseError, read_case, slug
from geo.claims import IncidentRef
from layers.build import build_case

from . import case_store, reports
from .filters import distinct_name, plain_text

LOG = logging.getLogger(__name__)

#: Session-state keys of this section.
CASE_KEY = "case_id"
NOTICE_KEY = "case_notice"
ERRORS_KEY = "case_errors"
INFO_KEY = "case_info"
CONFIRM_KEY = "confirm_delete"
FORM_GENERATION = "new_case_generation"
EARLIEST_DATE = date(1900, 1, 1)


def open_stored_case(case_id: str) -> Case:
    """The stored case ``case_id``, read again from disk; :class:`case_store.StoreError` if it is gone."""
    folder = case_store.case_folder(case_store.store_root(), case_id)
    try:
        case = read_case(folder)
    except (CaseError, OSError):
        raise case_store.StoreError("this case is no longer in the case store") from None
    if case.id != case_id:
        raise case_store.StoreError("this case is no longer in the case store")
    return case


def _say(errors: list[str] = (), info: list[str] = ()) -> None:
    st.session_state[ERRORS_KEY] = list(errors)
    st.session_state[INFO_KEY] = list(info)


def picked_case() -> None:
    """Another case was picked: what was said about the last one no longer applies."""
    st.session_state[NOTICE_KEY] = ""
    st.session_state[CONFIRM_KEY] = ""
    _say()


def _form_uploads_key() -> str:
    return f"new_case_uploads_{st.session_state.get(FORM_GENERATION, 0)}"


def _form_reports() -> tuple[dict[str, str], list[str]]:
    """The reports given in the new-case form (uploads, then the pasted text), and one line per refused one."""
    state = st.session_state
    texts: dict[str, str] = {}
    errors: list[str] = []
    for upload in state.get(_form_uploads_key()) or []:
        try:
            article = decode_article(upload.name, upload.getvalue())
        except ArticleError as err:
            errors.append(str(err))
            continue
        texts[distinct_name(case_store.report_name(article.name), texts)] = article.text
    pasted = state.get("new_case_text") or ""
    if pasted:
        name = distinct_name("pasted-1.txt", texts)
        try:
            texts[name] = decode_article(name, pasted.encode("utf-8", "surrogatepass")).text
        except ArticleError as err:
            errors.append(str(err))
    return texts, errors


def create_case(reserved: tuple[str, ...], incidents_path: str) -> None:
    """Make a case of the form's reports and switch to it; or say in one line why not.

    The title, if left blank, and the date, kind and id are read from the reports.
    """
    state = st.session_state
    texts, errors = _form_reports()
    if not texts and not errors:
        errors.append("A new case needs at least one report: upload a .txt file or paste a report's text.")
    _, over = reports.within_session_budget(texts)
    errors += over
    if errors:
        _say(errors)
        return
    title = " ".join((state.get("new_case_title") or "").split())
    day = state.get("new_case_date")
    draft = Case(id=slug(title), title=title, date=day if isinstance(day, date) else None)
    analyses = [reports.analyse_report(name, text, draft, IncidentRef("", draft.date), []) for name, text in texts.items()]
    failed = [analysis.error for analysis in analyses if analysis.error]
    if failed:
        _say(failed)
        return
    try:
        built = build_case(draft, [(a.name, texts[a.name], a.places) for a in analyses], Path(incidents_path))
    except Exception as err:  # noqa: BLE001 - one line for the user, the traceback to the log
        LOG.exception("a new case could not be made from its reports")
        _say([f"The reports could not be read as a case ({type(err).__name__}); the case was not created."])
        return
    try:
        created = case_store.create_case(case_store.store_root(), built.case, texts, frozenset(reserved))
    except case_store.StoreError as err:
        _say([f"The case was not created: {err}"])
        return
    state[CASE_KEY] = created.id
    state[NOTICE_KEY] = ""
    state["new_case_title"] = ""
    state["new_case_text"] = ""
    state["new_case_date"] = None
    state[FORM_GENERATION] = state.get(FORM_GENERATION, 0) + 1  # a fresh, empty uploader
    _say(info=[f"Case created: {created.title} ({len(texts)} report(s)), kept in the case store on this computer."])


def rename_case(case_id: str) -> None:
    """Give the shown stored case the title typed in (its id and links stay)."""
    try:
        case = case_store.rename_case(open_stored_case(case_id), st.session_state.get("rename_title") or "")
    except case_store.StoreError as err:
        _say([f"Not renamed: {err}"])
        return
    _say(info=[f"Renamed: {case.title}"])


def ask_delete(case_id: str) -> None:
    st.session_state[CONFIRM_KEY] = case_id


def cancel_delete() -> None:
    st.session_state[CONFIRM_KEY] = ""


def delete_case(case_id: str, fallback_id: str) -> None:
    """Delete the stored case once confirmed, and show ``fallback_id`` instead."""
    state = st.session_state
    state[CONFIRM_KEY] = ""
    try:
        case = open_stored_case(case_id)
        case_store.delete_case(case)
    except case_store.StoreError as err:
        _say([f"Not deleted: {err}"])
        return
    state[CASE_KEY] = fallback_id
    _say(info=[f"Deleted: {case.title}"])


# --- drawing ------------------------------------------------------------------------------

def case_label(case: Case) -> str:
    """How a case is listed in the picker."""
    return f"{case.title} (built-in)" if case.built_in else case.title


def draw_picker(cases: dict[str, Case], list_errors: list[str]) -> None:
    """The case picker, the URL notice, and one line per case folder that cannot be read."""
    labels = {case_id: case_label(case) for case_id, case in cases.items()}
    st.selectbox("Case", list(cases), key=CASE_KEY, format_func=lambda case_id: labels.get(case_id, case_id),
                 on_change=picked_case)
    state = st.session_state
    if state.get(NOTICE_KEY):
        st.info(plain_text(state[NOTICE_KEY]))
    for line in list_errors:
        st.warning(plain_text(line))
    for line in state.get(ERRORS_KEY) or []:
        st.error(plain_text(line))
    for line in state.get(INFO_KEY) or []:
        st.success(plain_text(line))


def draw_new_case_form(reserved: tuple[str, ...], incidents_path: Path) -> None:
    """Make a case from uploaded or pasted reports."""
    with st.expander("New case", expanded=False):
        st.text_input("Title (optional: read from the reports if left blank)", key="new_case_title",
                      max_chars=200)
        st.date_input("Date (optional: read from the reports if left blank)", key="new_case_date", value=None,
                      min_value=EARLIEST_DATE, max_value=date(2100, 12, 31), format="YYYY-MM-DD")
        st.file_uploader("Its reports (.txt, UTF-8, up to 1 MB each)", type=["txt"], accept_multiple_files=True,
                         key=_form_uploads_key())
        st.text_area("…or paste one report's text", key="new_case_text", height=100)
        st.button("Create case", key="create_case", on_click=create_case, args=(reserved, str(incidents_path)))
        st.caption("The case and its reports are kept on this computer (the case store), "
                   "and stay after the dashboard restarts.")


def draw_manage(case: Case, report_count: int, fallback_id: str) -> None:
    """Rename, delete (after a confirmation) a case of the user's."""
    state = st.session_state
    if state.get("rename_for") != case.id:  # a fresh title field for each case
        state["rename_title"] = case.title
        state["rename_for"] = case.id
    with st.expander("Manage this case", expanded=state.get(CONFIRM_KEY) == case.id):
        st.text_input("Title", key="rename_title", max_chars=200)
        st.button("Rename", key="rename_case", on_click=rename_case, args=(case.id,))
        if state.get(CONFIRM_KEY) == case.id:
            st.warning(plain_text(f"Delete “{case.title}” and its {report_count} report(s) from this computer? "
                                  "This cannot be undone."))
            yes, no = st.columns(2)
            yes.button("Yes, delete it", key="delete_case_confirm", type="primary", on_click=delete_case,
                       args=(case.id, fallback_id))
            no.button("Cancel", key="delete_case_cancel", on_click=cancel_delete)
        else:
            st.button("Delete this case…", key="delete_case", on_click=ask_delete, args=(case.id,))
