"""Incident datasets in the dashboard (issue #13): import an export, choose the incidents shown, filter, delete.

Every test has its own empty INCIDENT_ATLAS_HOME (``case_home``), so nothing touches the
real store. The exports are the importer's fixtures (``tests/fixtures/datasets``).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from atlas_ui import case_store
from geo.gazetteer import haversine_km
from layers.datasets import read_dataset, read_imported
from layers.incidents import incidents_layer

from . import dashboard_helpers
from .dashboard_helpers import ok, started_app

case_home = dashboard_helpers.case_home

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "datasets"
ACLED = FIXTURES / "acled_pakistan.csv"
GTD = FIXTURES / "gtd_pakistan.csv"
UCDP = FIXTURES / "ucdp_ged_pakistan.csv"
NOT_A_DATASET = FIXTURES / "not_a_dataset.csv"
#: What the importer makes of the ACLED fixture (5 rows kept, 8 skipped).
ACLED_IMPORT = read_dataset(ACLED)
BUILT_IN_PAST = len(incidents_layer()) - 1  # the case's own incident is the attack site
SOURCE = "incidents_source"


def _plain(value: str) -> str:
    """A Markdown-escaped message as the user reads it."""
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "")


def _lines(items) -> list[str]:
    return [_plain(item.value) for item in items]


def _upload_key(app: AppTest) -> str:
    return next(uploader.key for uploader in app.file_uploader if uploader.key.startswith("dataset_upload_"))


def _upload(app: AppTest, path: Path, data: bytes | None = None, name: str | None = None) -> AppTest:
    """Give the incident-data uploader a file (``path``'s bytes unless ``data``)."""
    upload = (name or path.name, path.read_bytes() if data is None else data, "text/csv")
    return ok(app.file_uploader(key=_upload_key(app)).set_value(upload).run())


def _labels(app: AppTest) -> list[str]:
    """The options of "Past incidents from" as listed."""
    box = app.selectbox(key=SOURCE)
    return [box.format_func(option) for option in box.options]


def _past_shown(app: AppTest) -> tuple[str, str]:
    """The incidents metric: its label (with the total) and the count shown."""
    metric = next(metric for metric in app.metric if metric.label.startswith("Past incidents shown"))
    return metric.label, metric.value


def _table(app: AppTest) -> pd.DataFrame:
    app.session_state["section"] = "Incidents table"
    ok(app.run())
    return app.dataframe[0].value


def _stored(home: Path, path: Path = ACLED) -> case_store.StoredDataset:
    """A dataset put in the store directly, as an earlier session would have left it."""
    return case_store.save_dataset(home / "datasets", read_dataset(path), path.name)


def _choose(app: AppTest, slug: str) -> AppTest:
    return ok(app.selectbox(key=SOURCE).set_value(slug).run())


# --- import -------------------------------------------------------------------------------

def test_an_uploaded_export_is_imported_stored_and_listed_with_its_count(case_home):
    app = ok(started_app())
    assert _labels(app) == [f"Built-in ({BUILT_IN_PAST + 1} incidents)"]
    _upload(app, ACLED)
    kept, skipped = len(ACLED_IMPORT.frame), len(ACLED_IMPORT.problems)
    assert (kept, skipped) == (5, 8)
    assert _lines(app.error) == []
    [summary] = _lines(app.success)
    assert summary.startswith(f"{kept} incidents imported, {skipped} rows skipped (ACLED): stored as acled_pakistan")
    # The skipped rows, each one line naming the file's own line, under an expander.
    expander = next(item for item in app.expander if item.label.startswith("Rows skipped"))
    shown = _lines(expander.caption)
    assert shown == ACLED_IMPORT.problems and shown[0].startswith("acled_pakistan.csv line 6: ")
    # Stored as a GeoPackage in the store, with every incident the importer kept.
    stored = case_home / "datasets" / "acled_pakistan.gpkg"
    assert list(read_imported(stored)["id"]) == list(ACLED_IMPORT.frame["id"])
    # Listed with its count; the incidents shown stay the built-in ones until it is chosen.
    assert _labels(app)[1:] == ["acled_pakistan (5 incidents)"]
    assert app.selectbox(key=SOURCE).value == ""
    assert _past_shown(app)[1] == str(BUILT_IN_PAST)
    # The uploader is empty again, ready for the next file.
    assert all(uploader.value is None for uploader in app.file_uploader if uploader.key.startswith("dataset_upload_"))


def test_a_second_upload_with_a_taken_name_gets_a_numbered_name(case_home):
    app = _upload(_upload(ok(started_app()), ACLED), ACLED)
    assert "stored as acled_pakistan_2" in _lines(app.success)[0]
    assert _labels(app)[1:] == ["acled_pakistan (5 incidents)", "acled_pakistan_2 (5 incidents)"]
    assert sorted(path.name for path in (case_home / "datasets").iterdir()) == ["acled_pakistan.gpkg",
                                                                                 "acled_pakistan_2.gpkg"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("not_a_dataset.csv", NOT_A_DATASET.read_bytes(),
     "Not imported: not_a_dataset.csv: not an ACLED, GTD or UCDP GED export"),
    ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "Not imported: photo.csv: not a CSV file (binary data)"),
    ("empty.csv", b"", "Not imported: empty.csv: empty"),
])
def test_a_bad_file_is_one_line_and_keeps_what_was_loaded(case_home, name, data, message):
    _stored(case_home)
    app = _choose(ok(started_app()), "acled_pakistan")
    before = sorted((case_home / "datasets").iterdir())
    _upload(app, NOT_A_DATASET, data=data, name=name)
    [line] = _lines(app.error)
    assert line.startswith(message), line
    assert "Traceback" not in line and "/tmp" not in line and "incident-atlas-upload" not in line
    assert _lines(app.success) == []
    # The choice, the incidents shown and the store are as they were.
    assert app.selectbox(key=SOURCE).value == "acled_pakistan"
    assert _past_shown(app) == ("Past incidents shown (of 5)", "5")
    assert sorted((case_home / "datasets").iterdir()) == before


def test_the_format_can_be_given(case_home):
    app = ok(started_app())
    ok(app.selectbox(key="dataset_format").set_value("gtd").run())
    _upload(app, ACLED)  # an ACLED file read as GTD: its columns are missing
    [line] = _lines(app.error)
    assert line.startswith("Not imported: acled_pakistan.csv: GTD exports need the column"), line
    ok(app.selectbox(key="dataset_format").set_value("acled").run())
    _upload(app, ACLED)
    assert "(ACLED): stored as acled_pakistan" in _lines(app.success)[0]


# --- choosing the incidents shown ------------------------------------------------------------

def test_choosing_a_dataset_changes_the_incidents_counts_table_and_link(case_home):
    _stored(case_home)
    app = ok(started_app())
    assert _past_shown(app) == (f"Past incidents shown (of {BUILT_IN_PAST})", str(BUILT_IN_PAST))
    _choose(app, "acled_pakistan")
    assert _past_shown(app) == ("Past incidents shown (of 5)", "5")
    assert app.session_state["rendered_layers"]["incidents"] == 5
    assert app.query_params["incidents"] == "acled_pakistan"
    # The date filter spans the dataset's days (the built-in incidents' would hide them all).
    assert app.query_params["from"] == "2024-03-05" and app.query_params["to"] == "2024-03-20"
    table = _table(app)
    assert sorted(table["id"]) == sorted(ACLED_IMPORT.frame["id"])
    # Around the case: the distances are from this case's site to the dataset's incidents.
    site = app.session_state["incidents_around_cache"][0][4]
    for row in table.itertuples():
        assert row.distance_km == pytest.approx(haversine_km(site[0], site[1], row.lat, row.lon), rel=0.01)
    assert table["before_case"].all()  # all in March 2024, before the case (March 2025)
    # Back to the built-in incidents.
    _choose(app, "")
    assert _past_shown(app) == (f"Past incidents shown (of {BUILT_IN_PAST})", str(BUILT_IN_PAST))
    assert "incidents" not in app.query_params


def test_a_link_opens_the_dataset_it_names(case_home):
    _stored(case_home)
    app = ok(started_app(incidents="acled_pakistan"))
    assert app.selectbox(key=SOURCE).value == "acled_pakistan"
    assert _past_shown(app)[1] == "5"
    # A dataset this computer does not have: the built-in incidents, and one line saying so.
    other = ok(started_app(incidents="gtd_world"))
    assert other.selectbox(key=SOURCE).value == ""
    assert any("no incident dataset 'gtd_world'" in line for line in _lines(other.info))
    assert _past_shown(other)[1] == str(BUILT_IN_PAST)


# --- filters ------------------------------------------------------------------------------

def _filter_keys(app: AppTest) -> set[str]:
    return {widget.key for widget in [*app.multiselect, *app.number_input]}


def test_the_actor_and_event_type_filters_narrow_the_rows(case_home):
    _stored(case_home, UCDP)
    app = ok(started_app())
    # The built-in incidents have neither actors nor event types: no such filter.
    assert {"actors", "event_types"}.isdisjoint(_filter_keys(app))
    _choose(app, "ucdp_ged_pakistan")
    actors = app.multiselect(key="actors").options
    assert actors[0] == "Government of Pakistan"  # the most frequent first (4 of 7)
    assert set(actors) == {"Government of Pakistan", "IS", "BLA", "TTP"}
    assert "groups" not in _filter_keys(app)  # UCDP GED records no claims: no "Claimed by"
    ok(app.multiselect(key="actors").set_value(["Government of Pakistan"]).run())
    assert _past_shown(app)[1] == "4"
    assert set(_table(app)["actor"]) == {"Government of Pakistan"}
    assert app.query_params["actor"] == "Government of Pakistan"
    ok(app.multiselect(key="actors").set_value([]).run())
    assert app.multiselect(key="event_types").options[0] == "state-based conflict"
    ok(app.multiselect(key="event_types").set_value(["one-sided violence"]).run())
    assert _past_shown(app)[1] == "2"
    assert set(_table(app)["event_type"]) == {"one-sided violence"}
    assert app.query_params["event"] == "one-sided violence"
    # Both at once.
    ok(app.multiselect(key="actors").set_value(["TTP"]).run())
    assert list(_table(app)["actor"]) == ["TTP"]


def test_the_filters_come_back_from_the_link_and_a_toll_filter_copes_with_unknown_tolls(case_home):
    _stored(case_home, GTD)
    app = ok(started_app(incidents="gtd_pakistan", actor="Lashkar-e-Jhangvi|nobody"))
    assert app.multiselect(key="actors").value == ["Lashkar-e-Jhangvi"]
    assert _past_shown(app)[1] == "1"
    ok(app.multiselect(key="actors").set_value([]).run())
    # One GTD incident has no death toll (nkill empty): a threshold of 1 leaves it out.
    frame = read_imported(case_home / "datasets" / "gtd_pakistan.gpkg")
    assert frame["killed_high"].isna().sum() == 1
    ok(app.number_input(key="min_killed").set_value(1).run())
    kept = _table(app)
    assert len(kept) == int((frame["killed_high"].fillna(0) >= 1).sum()) == 2
    # "Claimed by" offers the groups GTD records a claim for (a name before brackets stands for it too).
    assert app.multiselect(key="groups").options == ["Lashkar-e-Jhangvi", "Tehrik-i-Taliban Pakistan",
                                                     "Tehrik-i-Taliban Pakistan (TTP)"]


def test_choices_the_other_incidents_lack_are_dropped_when_switching(case_home):
    _stored(case_home)
    app = ok(started_app(group="Baloch Liberation Army"))
    assert app.multiselect(key="groups").value == ["Baloch Liberation Army"]
    _choose(app, "acled_pakistan")
    assert app.multiselect(key="groups").value == []  # ACLED names the group "BLA: Baloch Liberation Army"
    assert _past_shown(app)[1] == "5"


# --- delete and restart ---------------------------------------------------------------------

def test_deleting_a_dataset_asks_first(case_home):
    stored = _stored(case_home)
    app = _choose(ok(started_app()), "acled_pakistan")
    ok(app.button(key="delete_dataset").click().run())
    [question] = _lines(app.warning)
    assert question.startswith("Delete the dataset acled_pakistan (5 incidents) from this computer?")
    assert stored.path.exists()
    ok(app.button(key="delete_dataset_cancel").click().run())
    assert stored.path.exists() and _lines(app.warning) == []
    assert app.selectbox(key=SOURCE).value == "acled_pakistan"
    ok(app.button(key="delete_dataset").click().run())
    ok(app.button(key="delete_dataset_confirm").click().run())
    assert not stored.path.exists()
    assert list((case_home / "datasets").iterdir()) == []
    assert app.selectbox(key=SOURCE).value == ""
    assert _labels(app) == [f"Built-in ({BUILT_IN_PAST + 1} incidents)"]
    assert _past_shown(app)[1] == str(BUILT_IN_PAST)
    assert "incidents" not in app.query_params


def test_an_imported_dataset_survives_a_restart(case_home):
    _upload(ok(started_app()), ACLED)
    # A new server: nothing of the old one in memory, only the store on disk.
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    again = ok(started_app())
    assert _labels(again)[1:] == ["acled_pakistan (5 incidents)"]
    _choose(again, "acled_pakistan")
    assert _past_shown(again)[1] == "5"


def test_a_damaged_file_in_the_store_is_one_line_and_the_others_still_load(case_home):
    _stored(case_home)
    (case_home / "datasets" / "broken.gpkg").write_bytes(b"not a geopackage")
    app = ok(started_app())
    assert _labels(app)[1:] == ["acled_pakistan (5 incidents)"]
    assert any(line.startswith("dataset file broken.gpkg: not a GeoPackage of imported incidents")
               for line in _lines(app.warning))
