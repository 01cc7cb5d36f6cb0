"""Cases in the dashboard (issue #10): the picker, new cases from reports, the case store, links, filters.

Every test has its own empty INCIDENT_ATLAS_HOME (``case_home``), so nothing touches the
real case store.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from atlas_ui import case_store
from geo.cases import Case, read_case
from layers.incidents import incidents_layer

from . import dashboard_helpers
from .builtin import ARTICLES_DIR, BUILT_IN
from .dashboard_helpers import ok, started_app

#: A fresh, empty case store (INCIDENT_ATLAS_HOME) for every test of this module.
case_home = dashboard_helpers.case_home

#: A report of another incident, written for these tests: a bombing in Peshawar.
PESHAWAR = ("PESHAWAR, 3 February 2025: A suicide bomber blew himself up at the gate of a police station in "
            "Peshawar on Monday, killing 12 people and injuring 30 others, police said. Officials said at least "
            "8 policemen were among the dead. No group has claimed responsibility for the attack.")
#: A second report of it, added later.
PESHAWAR_FOLLOW_UP = ("The death toll from Monday's bombing of a police station in Peshawar rose to 14, "
                      "hospital officials said on Tuesday.")
PESHAWAR_AT = (34.01, 71.58)
#: Another incident again, for a second case.
TURBAT = ("TURBAT, 9 May 2024: Gunmen opened fire on a bus near Turbat, killing 6 passengers, "
          "officials said. The Baloch Liberation Army said it carried out the attack.")


def _plain(value: str) -> str:
    """A Markdown-escaped message as the user reads it."""
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "")


def _lines(items) -> list[str]:
    return [_plain(item.value) for item in items]


def _create(app: AppTest, text: str = PESHAWAR, title: str = "") -> AppTest:
    """Fill in the New case form and click Create case."""
    app.text_input(key="new_case_title").set_value(title)
    app.text_area(key="new_case_text").set_value(text)
    return ok(app.button(key="create_case").click().run())


def _store(home: Path) -> Path:
    return home / "cases"


def _stored(home: Path, text: str = PESHAWAR, title: str = "Police station bombing, Peshawar",
            case_id: str = "police-station-bombing-peshawar", day: date | None = date(2025, 2, 3)) -> Case:
    """A case put in the store directly, as an earlier session would have left it."""
    return case_store.create_case(_store(home), Case(id=case_id, title=title, date=day), {"report.txt": text})


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    from geo.gazetteer import haversine_km
    return haversine_km(a[0], a[1], b[0], b[1])


def _site(app: AppTest) -> dict:
    """The best-estimate site of the case the session shows (a case of the user's)."""
    return app.session_state["stored_layers_cache"][1].site


def _reports(app: AppTest) -> list[str]:
    return list(app.selectbox(key="reader_article").options)


# --- a new case from reports ------------------------------------------------------------

def test_a_new_case_from_a_pasted_report_of_another_incident_becomes_the_case_shown(case_home):
    app = ok(started_app())
    built_in_candidates = app.metric[2].value
    _create(app)
    assert _lines(app.error) == []
    case_id = app.session_state["case_id"]
    assert case_id != BUILT_IN.id and "peshawar" in case_id
    # The title is read from the report (none was typed) and heads the page.
    title = read_case(_store(case_home) / case_id).title
    assert "Peshawar" in title and "February 2025" in title
    assert _plain(app.header[0].value).startswith(title)
    assert app.query_params["case"] == case_id
    assert app.selectbox(key="case_id").value == case_id
    # Metrics follow the case: one report, no route, its own attack site.
    assert app.metric[0].value == "1"
    assert "route" not in app.session_state["rendered_layers"]  # no route: no overlay, no checkbox
    assert not [box for box in app.checkbox if box.key == "show_route"]
    assert app.metric[2].value != built_in_candidates
    site = _site(app)
    assert _distance_km((site["lat"], site["lon"]), PESHAWAR_AT) < 15
    assert _distance_km((site["lat"], site["lon"]), (BUILT_IN.view.lat, BUILT_IN.view.lon)) > 300
    # No view of its own: the map opens on the site, closer in.
    (lat, lon), zoom = app.session_state["map_view"]
    assert (round(lat, 4), round(lon, 4), zoom) == (round(site["lat"], 4), round(site["lon"], 4), 9)
    assert _reports(app) == ["pasted-1.txt"]
    # The form is empty again, and the report is on disk.
    assert app.text_area(key="new_case_text").value == ""
    assert (_store(case_home) / case_id / "articles" / "pasted-1.txt").read_text(encoding="utf-8") == PESHAWAR


def test_the_figures_follow_the_case(case_home):
    app = _create(ok(started_app()), title="Police station bombing, Peshawar")
    assert app.session_state["case_id"] == "police-station-bombing-peshawar"
    app.session_state["section"] = "Figures"
    ok(app.run())
    figures = app.selectbox(key="figure").options
    assert not any(option.startswith("aboard") for option in figures)  # the built-in case's figures are gone
    ok(app.selectbox(key="figure").set_value("killed_total").run())
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Lowest claim"] == "12" and metrics["Highest claim"] == "12"
    table = app.dataframe[0].value
    assert set(table["origin"]) == {"article"} and set(table["article"]) == {"pasted-1.txt"}
    assert "Police station bombing, Peshawar" in _plain(app.markdown[-1].value) or any(
        "Police station bombing, Peshawar" in _plain(item.value) for item in app.markdown)


def test_a_typed_title_and_date_are_kept(case_home):
    app = ok(started_app())
    app.date_input(key="new_case_date").set_value(date(2025, 2, 4))
    _create(app, title="Hayatabad police station attack")
    case = read_case(_store(case_home) / "hayatabad-police-station-attack")
    assert (case.title, case.date) == ("Hayatabad police station attack", date(2025, 2, 4))


@pytest.mark.parametrize("text, message", [
    ("", "A new case needs at least one report"),
    ("   \n ", "pasted-1.txt: empty file"),
])
def test_a_new_case_without_a_usable_report_is_one_error_line(case_home, text, message):
    app = _create(ok(started_app()), text=text)
    [error] = _lines(app.error)
    assert error.startswith(message)
    assert app.session_state["case_id"] == BUILT_IN.id
    assert not _store(case_home).exists() or not list(_store(case_home).iterdir())


def test_a_bad_upload_in_the_new_case_form_creates_nothing(case_home):
    app = ok(started_app())
    app.file_uploader(key="new_case_uploads_0").set_value(("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "text/plain"))
    _create(app, text=PESHAWAR)
    assert _lines(app.error) == ["photo.txt: looks like a binary file, not text"]
    assert app.session_state["case_id"] == BUILT_IN.id


def test_a_case_from_an_uploaded_report(case_home):
    app = ok(started_app())
    app.file_uploader(key="new_case_uploads_0").set_value(("peshawar.txt", PESHAWAR.encode(), "text/plain"))
    app = _create(app, text="")
    assert _lines(app.error) == []
    assert _reports(app) == ["peshawar.txt"]
    assert app.session_state["case_id"] != BUILT_IN.id


# --- the picker and the URL -----------------------------------------------------------------

def test_the_picker_lists_built_in_and_stored_cases(case_home):
    peshawar = _stored(case_home)
    turbat = _stored(case_home, TURBAT, "Bus attack near Turbat", "bus-attack-turbat", date(2024, 5, 9))
    app = ok(started_app())
    picker = app.selectbox(key="case_id")
    assert picker.options == [f"{BUILT_IN.title} (built-in)", turbat.title, peshawar.title]
    assert picker.value == BUILT_IN.id
    ok(picker.set_value(turbat.id).run())
    assert app.query_params["case"] == turbat.id
    assert _reports(app) == ["report.txt"]
    assert "Turbat" in app.get("html")[0].proto.body
    assert app.metric[0].value == "1"


def test_a_link_reopens_the_case_it_names(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    assert app.session_state["case_id"] == case.id
    assert _plain(app.header[0].value).startswith(case.title)
    assert _lines(app.info) == []


@pytest.mark.parametrize("unknown", ["no-such-case", "../../etc/passwd", "<script>x</script>"])
def test_a_link_to_an_unknown_case_opens_the_default_case_with_one_notice(case_home, unknown):
    app = ok(started_app(case=unknown, osm="online"))
    assert app.session_state["case_id"] == BUILT_IN.id
    notices = [line for line in _lines(app.info) if "There is no case" in line]
    assert len(notices) == 1 and unknown in notices[0] and BUILT_IN.title in notices[0]
    assert app.query_params["case"] == BUILT_IN.id
    assert app.session_state["online_tiles"] is False  # and a link never switches online tiles on
    assert app.metric[0].value == "5"


# --- rename and delete --------------------------------------------------------------------

def test_rename_changes_the_title_only(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    assert app.text_input(key="rename_title").value == case.title
    ok(app.text_input(key="rename_title").set_value("Hayatabad police station bombing").run())
    ok(app.button(key="rename_case").click().run())
    assert app.session_state["case_id"] == case.id and app.query_params["case"] == case.id
    assert read_case(case.folder).title == "Hayatabad police station bombing"
    assert _plain(app.header[0].value).startswith("Hayatabad police station bombing")
    assert "Hayatabad police station bombing" in app.selectbox(key="case_id").options
    ok(app.text_input(key="rename_title").set_value("   ").run())
    ok(app.button(key="rename_case").click().run())
    assert any(line.startswith("Not renamed") for line in _lines(app.error))
    assert read_case(case.folder).title == "Hayatabad police station bombing"


def test_the_built_in_case_cannot_be_renamed_or_deleted():
    app = ok(started_app())
    keys = {button.key for button in app.button}
    assert not keys & {"rename_case", "delete_case", "delete_case_confirm"}


def test_delete_needs_a_confirmation(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    ok(app.button(key="delete_case").click().run())
    # Asked, not done.
    assert case.folder.is_dir()
    assert any("cannot be undone" in line for line in _lines(app.warning))
    ok(app.button(key="delete_case_cancel").click().run())
    assert case.folder.is_dir() and app.session_state["case_id"] == case.id
    assert "delete_case_confirm" not in {button.key for button in app.button}
    ok(app.button(key="delete_case").click().run())
    ok(app.button(key="delete_case_confirm").click().run())
    assert not case.folder.exists() and list(_store(case_home).iterdir()) == []
    assert app.session_state["case_id"] == BUILT_IN.id
    assert app.selectbox(key="case_id").options == [f"{BUILT_IN.title} (built-in)"]
    assert app.metric[0].value == "5"


def test_a_case_deleted_in_another_session_gives_way_to_the_default(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    case_store.delete_case(case)
    ok(app.run())
    assert app.session_state["case_id"] == BUILT_IN.id
    assert any("no longer in the case store" in line for line in _lines(app.info))


# --- the store on disk ------------------------------------------------------------------------

def test_damaged_case_folders_are_one_line_each_and_the_others_load(case_home):
    good = _stored(case_home)
    store = _store(case_home)
    (store / "broken-toml").mkdir()
    (store / "broken-toml" / "case.toml").write_text("title = [never closed", encoding="utf-8")
    (store / "unreadable").mkdir()
    (store / "unreadable" / "case.toml").write_bytes(b'title = "\xff\xfe\x00"')
    app = ok(started_app())
    warnings = _lines(app.warning)
    assert len(warnings) == 2, warnings
    assert any("broken-toml" in line and "not valid TOML" in line for line in warnings)
    assert any("unreadable" in line and "cannot be read" in line for line in warnings)
    assert not any(str(case_home) in line or "\n" in line for line in warnings)
    assert app.selectbox(key="case_id").options == [f"{BUILT_IN.title} (built-in)", good.title]
    ok(app.selectbox(key="case_id").set_value(good.id).run())
    assert _reports(app) == ["report.txt"]


def test_a_damaged_curated_file_is_one_line_and_the_picker_still_works(case_home):
    case = _stored(case_home)
    (_store(case_home) / case.id / "attack_site.csv").write_text(
        "id,label,lat,lon,precision_km,best_estimate,sources\na,A,95,71,1,yes,x\n", encoding="utf-8")
    app = ok(started_app(case=case.id))
    errors = _lines(app.error)
    assert len(errors) == 1 and "attack_site.csv line 2: lat '95'" in errors[0], errors
    assert str(case_home) not in errors[0]
    ok(app.selectbox(key="case_id").set_value(BUILT_IN.id).run())
    assert not app.error and app.session_state["rendered_layers"]["route"] > 0


def test_about_the_data_lists_a_case_whose_file_is_not_utf8(case_home):
    case = _stored(case_home)
    (_store(case_home) / case.id / "claims.csv").write_bytes(b"id,incident\n\xff,\xfe\n")
    app = ok(started_app(case=case.id))
    app.session_state["section"] = "About the data"
    ok(app.run())
    table = app.table[0].value.map(_plain)
    row = table[table["dataset"] == "Official and group figures"].iloc[0]
    assert row["size"] == "0 claims"


def test_a_stored_case_and_its_pasted_reports_survive_a_restart(case_home):
    app = _create(ok(started_app()))
    case_id = app.session_state["case_id"]
    ok(app.text_area(key="paste_text").set_value(PESHAWAR_FOLLOW_UP).run())
    ok(app.button(key="add_pasted").click().run())
    assert _reports(app) == ["pasted-1.txt", "pasted-2.txt"]
    # A new server: nothing of the old one in memory, only the store on disk.
    import streamlit as st
    st.cache_data.clear()
    st.cache_resource.clear()
    again = ok(started_app())
    assert read_case(_store(case_home) / case_id).title in again.selectbox(key="case_id").options
    ok(again.selectbox(key="case_id").set_value(case_id).run())
    assert _reports(again) == ["pasted-1.txt", "pasted-2.txt"]
    ok(again.selectbox(key="reader_article").set_value("pasted-2.txt").run())
    assert "rose to 14" in again.get("html")[0].proto.body


def test_reports_of_a_stored_case_are_saved_and_removed_on_disk(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    ok(app.file_uploader(key="store_uploads_0").set_value(
        ("follow-up.txt", PESHAWAR_FOLLOW_UP.encode(), "text/plain")).run())
    assert (case.folder / "articles" / "follow-up.txt").read_text(encoding="utf-8") == PESHAWAR_FOLLOW_UP
    assert _reports(app) == ["follow-up.txt", "report.txt"]
    assert app.metric[0].value == "2"
    ok(app.button(key="remove_follow-up.txt").click().run())
    assert not (case.folder / "articles" / "follow-up.txt").exists()
    assert _reports(app) == ["report.txt"]
    # The last report stays: a case is deleted as a whole.
    ok(app.button(key="remove_report.txt").click().run())
    assert (case.folder / "articles" / "report.txt").exists()
    assert any("at least one report" in line for line in _lines(app.error))


def test_a_report_added_to_the_built_in_case_stays_in_the_session(case_home):
    before = sorted(path.name for path in ARTICLES_DIR.iterdir())
    app = ok(started_app())
    ok(app.text_area(key="paste_text").set_value(PESHAWAR).run())
    ok(app.button(key="add_pasted").click().run())
    assert app.metric[0].value == "6"
    assert sorted(path.name for path in ARTICLES_DIR.iterdir()) == before
    assert not _store(case_home).exists()
    # Another session does not see it.
    other = ok(started_app())
    assert other.metric[0].value == "5" and "pasted-1.txt" not in _reports(other)


def test_two_sessions_editing_different_cases_never_see_each_others_reports(case_home):
    peshawar = _stored(case_home)
    turbat = _stored(case_home, TURBAT, "Bus attack near Turbat", "bus-attack-turbat", date(2024, 5, 9))
    first = ok(started_app(case=peshawar.id))
    second = ok(started_app(case=turbat.id))
    ok(first.text_area(key="paste_text").set_value(PESHAWAR_FOLLOW_UP).run())
    ok(first.button(key="add_pasted").click().run())
    ok(second.text_area(key="paste_text").set_value("Police in Turbat arrested two suspects on Friday.").run())
    ok(second.button(key="add_pasted").click().run())
    ok(first.run())
    ok(second.run())
    assert _reports(first) == ["pasted-1.txt", "report.txt"]
    assert _reports(second) == ["pasted-1.txt", "report.txt"]
    assert "rose to 14" not in str(second.session_state["report_cache"])
    assert {key[0] for key in first.session_state["report_cache"]} == {peshawar.id}
    assert {key[0] for key in second.session_state["report_cache"]} == {turbat.id}
    ok(second.selectbox(key="reader_article").set_value("pasted-1.txt").run())
    assert "arrested two suspects" in second.get("html")[0].proto.body


# --- past incidents around the case ------------------------------------------------------------

def _incidents_around(app: AppTest) -> pd.DataFrame:
    app.session_state["section"] = "Incidents table"
    ok(app.run())
    return app.dataframe[0].value


def test_the_incidents_table_shows_the_distance_and_marks_the_case(case_home):
    table = _incidents_around(ok(started_app()))
    assert list(table.columns[:3]) == ["is_case", "distance_km", "before_case"]
    assert table["is_case"].sum() == 1
    assert table.loc[table["is_case"], "id"].iloc[0] == BUILT_IN.id
    assert table["distance_km"].notna().all()


def test_distance_group_and_before_filters_on_a_case_of_the_users(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    all_past = _incidents_around(app)
    total = len(all_past)
    assert not all_past["is_case"].any()  # the Peshawar bombing is not in the dataset
    # Distance from the case's site.
    ok(app.number_input(key="max_km").set_value(600).run())
    near = _incidents_around(app)
    expected = (all_past["distance_km"] <= 600).sum()
    assert 0 < len(near) == expected < total
    assert app.session_state["rendered_layers"]["incidents"] == expected
    assert app.query_params["max_km"] == "600"
    ok(app.number_input(key="max_km").set_value(0).run())
    # By group: a group takes in its wings.
    groups = app.multiselect(key="groups").options
    assert "Baloch Liberation Army" in groups
    ok(app.multiselect(key="groups").set_value(["Baloch Liberation Army"]).run())
    claimed = _incidents_around(app)
    assert 0 < len(claimed) < total
    assert claimed["claimed_by"].str.startswith("Baloch Liberation Army").all()
    assert app.query_params["group"] == "Baloch Liberation Army"
    ok(app.multiselect(key="groups").set_value([]).run())
    # Only before the case (3 February 2025): the later incidents go.
    ok(app.checkbox(key="before_case").check().run())
    before = _incidents_around(app)
    assert before["before_case"].all()
    later = (pd.to_datetime(all_past["date_start"]) >= pd.Timestamp("2025-02-03")).sum()
    assert later > 0 and len(before) == total - later
    assert app.query_params["before"] == "1"


def test_the_filters_come_back_from_the_url(case_home):
    app = ok(started_app(max_km="250", group="Baloch Liberation Army|not a group", before="1"))
    assert app.number_input(key="max_km").value == 250
    assert app.multiselect(key="groups").value == ["Baloch Liberation Army"]
    assert app.checkbox(key="before_case").value is True
    incidents = incidents_layer()
    assert app.session_state["rendered_layers"]["incidents"] < len(incidents) - 1


def test_about_the_data_lists_the_case_own_files(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    app.session_state["section"] = "About the data"
    ok(app.run())
    table = app.table[0].value.map(_plain)
    datasets = set(table["dataset"])
    assert "Route" not in datasets and "Official and group figures" not in datasets  # it has neither file
    assert {"Articles", "Past incidents", "Gazetteer (GeoNames)"} <= datasets
    articles = table[table["dataset"] == "Articles"].iloc[0]
    assert articles["file"] == f"case store: {case.id}/articles/*.txt" and articles["size"] == "1 report(s)"
    assert str(case_home) not in " ".join(table["file"])  # no server path in the page
    built_in = ok(started_app())
    built_in.session_state["section"] = "About the data"
    ok(built_in.run())
    files = set(built_in.table[0].value["file"].map(_plain))
    assert {f"data/cases/{BUILT_IN.id}/route.csv", f"data/cases/{BUILT_IN.id}/claims.csv"} <= files


def test_a_title_written_in_markdown_is_shown_as_its_characters(case_home):
    title = "![x](http://example.invalid/p.png) [click](http://example.invalid) **bold**"
    case = _stored(case_home, title=title)
    app = ok(started_app(case=case.id))
    app.session_state["section"] = "About the data"
    ok(app.run())
    # st.table renders Markdown: every cell must come escaped, so no image or link is made.
    for cell in app.table[0].value.to_numpy().ravel():
        assert "](" not in cell.replace("\\](", "") and "**" not in cell.replace("\\*", "")
    assert any(title in _plain(cell) for cell in app.table[0].value["what"])
    assert _plain(app.header[0].value).startswith(title)


def test_downloads_follow_the_case(case_home):
    case = _stored(case_home)
    app = ok(started_app(case=case.id))
    app.session_state["section"] = "Downloads"
    ok(app.run())
    buttons = {button.proto.label: button for button in app.get("download_button")}
    assert {"case.json", "attack_site.geojson", "Whole case (.zip)"} <= set(buttons)
