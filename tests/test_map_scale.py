"""Maps of very many incidents: server-made cells per zoom, overlays the browser builds once,
rendered scripts never read as templates, and the reads and fixes that go with them."""
from __future__ import annotations


import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from atlas_ui import catalog, cell_layer, webmap
from layers.incident_cells import Bounds, IncidentGrid, view_bounds
from layers.incident_dates import day_numbers, incident_months
from layers import incidents
from layers.incidents import incidents_layer
from layers.synthetic import write_synthetic_incidents

from .builtin import BUILT_IN


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> gpd.GeoDataFrame:
    return incidents_layer(write_synthetic_incidents(tmp_path_factory.mktemp("many") / "incidents.csv", 3_000))


def test_a_place_name_holding_template_syntax_is_shown_as_written():
    places = gpd.GeoDataFrame({
        "name": ["Camp {{ 7*7 }} {% if 1 %}x{% endif %}"], "kind": ["town"], "admin1": [""], "country": [""],
        "method": [""], "estimate": [False], "precision_km": [1.0], "sentences": [["It said {# no #}."]],
        "article_count": [1], "articles": [["a"]], "mentions": [["x"]], "mention_count": [1], "source": ["s"]},
        geometry=[Point(67, 30)], crs=4326)
    page = webmap.standalone_html(webmap.MapParts(webmap.base_map("vendor", route_legend="Line {{ 6*7 }}"),
                                                  [webmap.places_overlay(places)]))
    assert "Camp {{ 7*7 }} {% if 1 %}x{% endif %}" in page and "Camp 49" not in page
    assert "{# no #}" in page
    assert "Line {{ 6*7 }}" in page and "Line 42" not in page


def test_the_cells_of_every_zoom_count_every_incident_once(many):
    grid = IncidentGrid.of(many)
    counts = [grid.cells(zoom).count for zoom in (3, 6, 9, 12)]
    assert [int(count.sum()) for count in counts] == [len(many)] * 4
    assert len(counts[0]) < len(counts[1]) < len(counts[2]) <= len(counts[3])  # finer as the map zooms in
    cells = grid.cells(6)
    assert (cells.lat >= 24.0).all() and (cells.lat <= 36.5).all()  # at the mean of their incidents
    killed = many["killed_high"].fillna(many["killed_low"]).fillna(0).sum()
    assert int(cells.killed.sum()) == pytest.approx(int(killed), abs=len(cells))


def test_a_view_gets_its_own_cells_or_its_incidents(many, monkeypatch):
    grid = IncidentGrid.of(many)
    home = view_bounds((30.2, 67.0), 6)
    monkeypatch.setattr(cell_layer, "VIEW_MARKERS", 500)
    far = cell_layer.view_overlay(many, len(many), grid, home, 6)
    assert isinstance(far, cell_layer.IncidentCells) and far.count == len(many)
    assert far.key == "incidents" and "3,000 of 3,000" in far.layer_name
    corner = Bounds(30.0, 66.0, 30.5, 66.5)
    near = cell_layer.view_overlay(many, len(many), grid, corner, 11)
    inside = int(corner.padded(cell_layer.VIEW_PAD).holds(grid.lat, grid.lon).sum())
    assert not isinstance(near, cell_layer.IncidentCells) and 0 < near.count == inside <= 500
    assert "3,000 of 3,000" in near.layer_name  # the control names all of them, whatever the view
    assert not cell_layer.view_overlay(many, len(many), grid, home, 6, show=False).show


def test_an_overlay_has_the_same_digest_only_for_the_same_content(many):
    first, again = (webmap.incidents_overlay(many, len(many)) for _ in range(2))
    assert first.digest == again.digest
    changed = many.copy()
    changed.loc[changed.index[0], ["killed_low", "killed_high"]] = 999
    assert webmap.incidents_overlay(changed, len(many)).digest != first.digest
    page = webmap.standalone_html(webmap.MapParts(webmap.base_map("vendor"), [first]))
    assert first.digest in page and "__atlasBuilt" in page


def test_the_density_legend_waits_for_its_overlay():
    legend = webmap.legend_html()
    assert 'data-atlas-layer="density" hidden><b>Incident density</b>' in legend
    assert 'data-atlas-layer="density"' not in legend.split("Incident density")[1]


def test_about_names_the_incidents_shown():
    rows = catalog.datasets(BUILT_IN, incidents=catalog.ShownIncidents(
        "case store: datasets/acled.gpkg", "12 incidents", "Imported."))
    shown = next(row for row in rows if row["dataset"] == "Past incidents")
    assert shown["file"] == "case store: datasets/acled.gpkg" and shown["size"] == "12 incidents"
    assert not any(row["file"] == "data/incidents.csv" for row in rows)
    assert any(row["file"] == "data/incidents.csv" for row in catalog.datasets(BUILT_IN))


def test_incidents_read_either_way_are_the_same_and_carry_no_line_list(tmp_path, many, monkeypatch):
    path = write_synthetic_incidents(tmp_path / "incidents.csv", 3_000)
    assert many.attrs == {}  # pandas copies attrs into every derived frame
    monkeypatch.setattr(incidents, "_quick_read", lambda path: None)  # as for a file pyarrow declines
    checked = incidents_layer(path)
    assert checked.attrs == {} and len(checked) == len(many)
    assert many.equals(checked)


def test_months_and_days_come_from_the_layers(many):
    months, days = incident_months(many), day_numbers(many)
    assert months.iloc[0] == many["date_start"].iloc[0][:7]
    assert np.all(days.to_numpy() >= 0)


@pytest.mark.parametrize("zoom", [float("inf"), float("nan"), 1e300, 10**9, -3, 60, "ten", None])
def test_a_view_the_browser_reports_out_of_range_opens_the_home_view(zoom) -> None:
    import dashboard

    home = ((30.0, 67.0), 6)
    corners = {"_southWest": {"lat": 25.0, "lng": 60.0}, "_northEast": {"lat": 35.0, "lng": 75.0}}
    bounds, level = dashboard.map_window({"bounds": corners, "zoom": zoom}, home)
    assert level == 6 and bounds == dashboard.view_bounds(*home)
    assert dashboard.map_window({"bounds": corners, "zoom": 9}, home)[1] == 9


def test_a_new_session_reuses_the_compact_incidents_another_session_made(tmp_path, monkeypatch):
    from collections import OrderedDict

    from atlas_ui import memo

    from .dashboard_helpers import ok, started_app

    monkeypatch.setenv("INCIDENT_ATLAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("INCIDENT_ATLAS_INCIDENTS", str(write_synthetic_incidents(tmp_path / "many.csv", 3_000)))
    monkeypatch.setattr(memo, "_server", OrderedDict())
    made, make = [], webmap.compact_form
    monkeypatch.setattr(webmap, "compact_form", lambda frame: made.append(len(frame)) or make(frame))
    ok(started_app())
    ok(started_app())  # another session, same incidents and filters
    assert len(made) == 1 and made[0] > webmap.DETAIL_LIMIT
