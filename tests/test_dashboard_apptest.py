"""The dashboard script under Streamlit's AppTest: state, filters, uploads, panels (no browser)."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.articles import MAX_ARTICLE_BYTES
from geo.places import places_in_text
from layers.build import build_case

from .builtin import ARTICLES_DIR, BUILT_IN, built_in_articles
from .dashboard_helpers import case_home, ok, started_app  # noqa: F401 - case_home: a fresh case store per test

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
#: The built-in case as `incident-atlas build` makes it (site read from its reports).
BUILT_IN_LAYERS = build_case(BUILT_IN, [(a.name, a.text, places_in_text(a.text, a.name))
                                    for a in built_in_articles()]).layers
BUILT_IN_INCIDENTS = BUILT_IN_LAYERS["incidents"]
#: The incidents drawn as past incidents: the case's own is drawn as the attack site.
PAST_INCIDENTS = BUILT_IN_INCIDENTS[~BUILT_IN_INCIDENTS["is_case"]]
BUILT_IN_COUNTS = {"areas": len(BUILT_IN_LAYERS["areas"]), "route": 38, "attack_site": len(BUILT_IN_LAYERS["attack_site"]), "places": 27,
               "incidents": len(PAST_INCIDENTS)}
XSS = "<script>window.__atlasXss=1</script><img src=x onerror=\"alert('xss')\">"


@pytest.fixture
def app() -> AppTest:
    return ok(started_app())


def _rendered(app: AppTest) -> dict[str, int]:
    return app.session_state["rendered_layers"]


def _plain(value: str) -> str:
    # Messages are Markdown-escaped (user file names must not become links): read them back.
    # An invisible word joiner keeps bare URLs and e-mail addresses from being linked.
    return re.sub(r"\\(.)", r"\1", value).replace("\u2060", "")


def _errors(app: AppTest) -> list[str]:
    return [_plain(item.value) for item in app.error]


def test_built_in_case_opens_with_every_layer(app):
    assert _rendered(app) == BUILT_IN_COUNTS
    assert app.session_state["map_view"] == ((BUILT_IN.view.lat, BUILT_IN.view.lon), BUILT_IN.view.zoom)
    assert not _errors(app)
    assert [metric.value for metric in app.metric][:2] == ["5", "27"]
    assert app.query_params["layers"] == "areas,route,attack_site,places,incidents"
    assert app.query_params["case"] == BUILT_IN.id
    assert _plain(app.header[0].value).startswith(BUILT_IN.title)


def test_unticking_a_layer_removes_it_from_the_map(app):
    generation = app.session_state["layers_generation"]
    ok(app.checkbox(key="show_incidents").uncheck().run())
    assert "incidents" not in _rendered(app)
    assert set(_rendered(app)) == {"areas", "route", "attack_site", "places"}
    assert app.query_params["layers"] == "areas,route,attack_site,places"
    assert app.session_state["layers_generation"] == generation + 1
    ok(app.checkbox(key="show_incidents").check().run())
    assert _rendered(app) == BUILT_IN_COUNTS


def test_the_district_and_province_outlines_are_a_layer_of_their_own(app):
    assert BUILT_IN_COUNTS["areas"] >= 2  # the built-in reports name Balochistan, Kachhi …
    box = app.checkbox(key="show_areas")
    assert box.label == "Districts and provinces named" and box.value is True
    ok(box.uncheck().run())
    assert set(_rendered(app)) == {"route", "attack_site", "places", "incidents"}
    assert app.query_params["layers"] == "route,attack_site,places,incidents"
    # A link made before the outlines existed (or without them) opens without them.
    linked = ok(started_app(layers="route,attack_site,places,incidents"))
    assert "areas" not in _rendered(linked) and linked.checkbox(key="show_areas").value is False


def test_the_url_reopens_the_same_view():
    app = ok(started_app(layers="route,places", **{"from": "2024-01-01", "claim": "claimed", "min_killed": "3"}))
    assert set(_rendered(app)) == {"route", "places"}
    assert app.checkbox(key="show_attack_site").value is False
    assert app.session_state["date_range"][0] == date(2024, 1, 1)
    assert app.multiselect(key="claim_statuses").value == ["claimed"]
    assert app.number_input(key="min_killed").value == 3
    # The layer choice survives a rerun caused by something else.
    ok(app.number_input(key="min_killed").set_value(0).run())
    assert set(_rendered(app)) == {"route", "places"}


def test_date_filter_changes_the_incident_count(app):
    ok(app.date_input(key="date_range").set_value((date(2024, 1, 1), date(2025, 3, 12))).run())
    expected = (pd.to_datetime(PAST_INCIDENTS["date_end"]) >= pd.Timestamp("2024-01-01")).sum()
    assert 0 < expected < len(PAST_INCIDENTS)
    assert _rendered(app)["incidents"] == expected
    assert app.metric[3].value == str(expected)
    assert app.metric[3].label == f"Past incidents shown (of {len(PAST_INCIDENTS)})"
    assert app.query_params["from"] == "2024-01-01"


def test_claim_and_toll_filters(app):
    ok(app.multiselect(key="claim_statuses").set_value(["unclaimed"]).run())
    assert _rendered(app)["incidents"] == (PAST_INCIDENTS["claim_status"] == "unclaimed").sum()
    ok(app.multiselect(key="claim_statuses").set_value(["claimed", "unclaimed", "disputed", "state_action"]).run())
    ok(app.number_input(key="min_killed").set_value(20).run())
    highest = PAST_INCIDENTS["killed_high"].fillna(PAST_INCIDENTS["killed_low"])
    assert _rendered(app)["incidents"] == (highest >= 20).sum()


@pytest.mark.parametrize("name, data, message", [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
    ("latin1.txt", "Gunmen attacked a bus near Quetta, café".encode("latin-1"), "not UTF-8 text"),
    ("empty.txt", b"  \n\t ", "empty file"),
    ("huge.txt", b"Quetta " * (MAX_ARTICLE_BYTES // 7 + 1), "too large"),
])
def test_a_bad_upload_shows_an_error_and_keeps_everything(app, name, data, message):
    ok(app.file_uploader(key="uploads").set_value((name, data, "text/plain")).run())
    errors = _errors(app)
    assert len(errors) == 1 and errors[0].startswith(name) and message in errors[0]
    assert _rendered(app) == BUILT_IN_COUNTS
    assert app.metric[0].value == "5"


def test_a_good_upload_adds_its_places_and_a_bad_one_beside_it_is_refused(app):
    report = "Militants attacked a convoy near Gwadar and another in Turbat, officials in Karachi said."
    ok(app.file_uploader(key="uploads").set_value([("report.txt", report.encode(), "text/plain"),
                                                   ("bad.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "text/plain")]).run())
    assert _errors(app) == ["bad.txt: looks like a binary file, not text"]
    assert app.metric[0].value == "6"
    assert _rendered(app)["places"] > BUILT_IN_COUNTS["places"]
    assert app.selectbox(key="reader_article").options[-1] == "report.txt"


def test_pasted_report_is_escaped_in_the_reader(app):
    ok(app.text_area(key="paste_text").set_value(f"Gunmen attacked a bus near Quetta. {XSS}").run())
    ok(app.button(key="add_pasted").click().run())
    assert list(app.session_state["pasted"]) == ["pasted-1.txt"]
    assert app.text_area(key="paste_text").value == ""
    ok(app.selectbox(key="reader_article").set_value("pasted-1.txt").run())
    shown = app.get("html")[0].proto.body
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;window.__atlasXss=1&lt;/script&gt;" in shown
    assert 'title="Quetta (city)"' in shown


def test_an_empty_paste_is_refused_with_an_error(app):
    ok(app.text_area(key="paste_text").set_value("   ").run())
    ok(app.button(key="add_pasted").click().run())
    assert _errors(app) == ["pasted-1.txt: empty file"]
    assert app.session_state["pasted"] == {}
    assert _rendered(app) == BUILT_IN_COUNTS


def test_picking_a_place_in_the_reader_centres_the_map(app):
    reader = app.selectbox(key="reader_place")
    uid = reader.options[1]  # the labels; the widget's values are place uids
    ok(reader.select_index(1).run())
    center, zoom = app.session_state["map_view"]
    assert zoom == 10 and center != (29.45, 67.49), uid
    assert app.session_state["reader_place"] is not None
    # The highlighted mention is the picked place's.
    assert "atlas-selected" in app.get("html")[0].proto.body


def test_downloads_offer_every_layer_and_the_geopackage(app):
    app.session_state["section"] = "Downloads"
    ok(app.run())
    labels = [button.proto.label for button in app.get("download_button")]
    assert sorted(labels) == sorted(["areas.geojson", "route.geojson", "stops.geojson", "attack_site.geojson",
                      "incidents.geojson", "places.geojson", "places_merged.geojson", "all_layers.geojson", "layers.gpkg", "case.json",
                      "Whole case (.zip)"])
    helps = {button.proto.label: button.proto.help for button in app.get("download_button")}
    assert "district and province" in helps["areas.geojson"] and "Who's On First" in helps["areas.geojson"]


def test_about_the_data_lists_every_dataset_with_its_licence(app):
    app.session_state["section"] = "About the data"
    ok(app.run())
    table = app.table[0].value.map(lambda cell: re.sub(r"\\(.)", r"\1", cell))  # cells come Markdown-escaped
    assert {"Articles", "Gazetteer (GeoNames)", "Gazetteer (countries)", "Gazetteer (curated overlay)", "Route", "Past incidents",
            "Attack-site candidates", "Official and group figures", "Basemap tiles",
            "Country outlines", "District and province outlines"} <= set(table["dataset"])
    outlines = table[table["dataset"] == "District and province outlines"].iloc[0]
    assert "Who's On First" in outlines["sources"] and "CC BY 4.0" in outlines["licence"]
    assert any("District and province outlines: Who's On First (CC BY 4.0), from GeoNames and other sources, "
               "simplified to about 200 m" in caption.value for caption in app.caption)
    licences = " ".join(table["licence"])
    for licence in ("CC BY 4.0", "ODbL", "public domain"):
        assert licence in licences
    assert all(source.strip() for source in table["sources"])


def test_figures_view_shows_every_claim_with_its_range(app):
    app.session_state["section"] = "Figures"
    ok(app.run())
    assert app.selectbox(key="figure").value == "aboard"
    metrics = {metric.label: metric.value for metric in app.metric}
    # The built-in reports say "around 400" (360–440) at the lowest; the railway's "~500" (450–550) tops it.
    assert metrics["Lowest claim"] == "360" and metrics["Highest claim"] == "550"
    table = app.dataframe[0].value
    assert {"article", "official and group statements"} <= set(table["origin"])
    assert (380, 380) in set(zip(table["low"], table["high"]))  # ISPR's final count is kept beside the rest
    assert len(app.get("vega_lite_chart")) == 2  # the incident timeline and the figure chart
    assert [button.proto.label for button in app.get("download_button")] == ["Claims table (CSV)"]
    ok(app.selectbox(key="figure").set_value("hostages_held").run())
    held = app.dataframe[0].value
    # Every hostage count of the built-in case's claims gold, with who claims it.
    gold = json.loads((Path(__file__).parent / "gold" / "seed_claims.json").read_text(encoding="utf-8"))
    expected = {(claim["claimant"], claim["low"]) for article in gold["articles"].values()
                for claim in article["required"] if claim["figure"] == "hostages_held" and not claim.get("subgroup")}
    assert expected and expected <= set(zip(held["claimant"], held["low"]))


def test_a_claim_opens_its_sentence_in_the_reader(app):
    app.session_state["section"] = "Figures"
    ok(app.run())
    ok(app.selectbox(key="figure_claim").select_index(1).run())
    assert app.session_state["section"] == "Article reader"
    article, start, end, _ = app.session_state["reader_claim"]
    assert app.selectbox(key="reader_article").value == article
    body = app.get("html")[0].proto.body
    text = (ARTICLES_DIR / article).read_text(encoding="utf-8")
    assert f">{text[start:end]}</mark>" in body and "atlas-kind-claim" in body


def test_pasting_again_after_removing_a_report_works(app):
    for text in ("Gunmen attacked a bus near Quetta.", "A blast hit a market in Turbat."):
        ok(app.text_area(key="paste_text").set_value(text).run())
        ok(app.button(key="add_pasted").click().run())
    ok(app.button(key="remove_pasted-1.txt").click().run())
    ok(app.text_area(key="paste_text").set_value("Police in Sibi arrested two men.").run())
    ok(app.button(key="add_pasted").click().run())
    assert _errors(app) == []
    assert list(app.session_state["pasted"]) == ["pasted-2.txt", "pasted-3.txt"]


def test_a_cleared_date_range_shows_every_incident(app):
    app.session_state["date_range"] = ()
    ok(app.run())
    assert _rendered(app)["incidents"] == BUILT_IN_COUNTS["incidents"]


def test_a_file_name_with_markdown_is_shown_as_text(app):
    app.session_state["uploads"] = []  # nothing uploaded yet
    from atlas_ui.filters import plain_text
    shown = plain_text("![](http://example.invalid/x.png).txt: empty file")
    assert "![](" not in shown and r"\!\[\]\(" in shown
