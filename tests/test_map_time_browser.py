"""The map's time slider and precision circles in a real browser (Debian's Chromium, Playwright).

The map is ``webmap.standalone_html`` of a few made-up incidents over four months, with
the vendored Leaflet, served from a temporary folder by a loopback HTTP server; every
request to another host is aborted and recorded. No Streamlit: a page loads in well
under a second. Skipped without /usr/bin/chromium, except under CI.
"""
from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from atlas_ui import webmap
from layers.incident_dates import incident_months
from layers.incidents import COLUMNS, incidents_layer

from .dashboard_helpers import launched_chromium, loopback_only, require_chromium

sync_api = require_chromium()

CENTER = (30.2, 67.0)
MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
PER_MONTH = 3
MARKERS = "path.atlas-incident"
CIRCLES = "path.atlas-precision"
#: The map's Leaflet object, whatever folium named it.
MAP_JS = "Object.keys(window).filter(k => k.startsWith('map_') && window[k] instanceof L.Map).map(k => window[k])[0]"


def _incidents_csv(path: Path) -> Path:
    """Three incidents a month for four months, a few km apart, each placed within 5 km."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS)
        writer.writeheader()
        for month_number, month in enumerate(MONTHS):
            for number in range(PER_MONTH):
                offset = 0.02 * (month_number * PER_MONTH + number) - 0.1
                writer.writerow({"id": f"t-{month}-{number}", "date_start": f"{month}-1{number}",
                                 "place": f"Place {month} {number}", "lat": f"{CENTER[0] + offset:.4f}",
                                 "lon": f"{CENTER[1] - offset:.4f}", "precision_km": "5", "killed_low": number,
                                 "claim_status": "unclaimed", "sources": "made up for a test"})
    return path


@pytest.fixture(scope="module")
def map_url(tmp_path_factory) -> Iterator[str]:
    """The map page on a loopback HTTP server (stopped at teardown)."""
    root = tmp_path_factory.mktemp("map")
    webmap.install_scripts(root / "vendor")
    incidents = incidents_layer(_incidents_csv(root / "incidents.csv"))
    parts = webmap.MapParts(webmap.base_map("vendor", center=CENTER, zoom=8),
                            [webmap.incidents_overlay(incidents, len(incidents))])
    (root / "index.html").write_text(webmap.standalone_html(parts), encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def page(browser, map_url):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    outside: list[str] = []
    context.route("**/*", loopback_only(outside))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(map_url)
    page.locator(".atlas-time").wait_for(timeout=15_000)
    yield page
    assert not errors, errors
    assert not outside, outside
    context.close()


def _markers(page) -> int:
    return page.locator(MARKERS).count()


def _wait_for(page, selector: str, count: int) -> None:
    page.wait_for_function("([s, n]) => document.querySelectorAll(s).length === n", arg=[selector, count],
                           timeout=10_000)


def test_play_steps_month_by_month_and_shows_the_incidents_up_to_each(page):
    month = page.locator(".atlas-time-month")
    assert month.text_content() == MONTHS[-1]  # opens on the last month: every incident shown
    assert _markers(page) == PER_MONTH * len(MONTHS)
    play = page.get_by_role("button", name="Play")
    play.click()  # at the last month, play starts over from the first
    assert month.text_content() == MONTHS[0]
    assert _markers(page) == PER_MONTH
    assert page.get_by_role("button", name="Pause").get_attribute("aria-pressed") == "true"
    page.wait_for_function(f"document.querySelector('.atlas-time-month').textContent === {MONTHS[1]!r}",
                           timeout=5_000)
    assert _markers(page) == 2 * PER_MONTH
    page.wait_for_function(f"document.querySelector('.atlas-time-month').textContent === {MONTHS[-1]!r}",
                           timeout=10_000)
    assert _markers(page) == PER_MONTH * len(MONTHS)
    page.get_by_role("button", name="Play").wait_for(timeout=5_000)  # stopped at the end


def test_the_range_input_shows_fewer_incidents_for_an_earlier_month(page):
    slider = page.get_by_label("Month")  # a native range input with its label: keyboard works
    slider.focus()
    page.keyboard.press("ArrowLeft")
    assert page.locator(".atlas-time-month").text_content() == MONTHS[2]
    assert slider.get_attribute("aria-valuetext") == MONTHS[2]
    assert _markers(page) == 3 * PER_MONTH
    page.keyboard.press("Home")
    assert page.locator(".atlas-time-month").text_content() == MONTHS[0]
    assert _markers(page) == PER_MONTH
    page.keyboard.press("ArrowRight")
    assert _markers(page) == 2 * PER_MONTH
    page.get_by_label("cumulative").uncheck()  # that month's incidents only
    assert _markers(page) == PER_MONTH
    page.get_by_label("cumulative").check()
    assert _markers(page) == 2 * PER_MONTH


def test_precision_circles_appear_zoomed_in_and_go_zoomed_out(page):
    assert page.locator(CIRCLES).count() == 0  # zoom 8: too far out
    page.evaluate(f"{MAP_JS}.setView([{CENTER[0]}, {CENTER[1]}], 10, {{animate: false}})")
    _wait_for(page, CIRCLES, PER_MONTH * len(MONTHS))  # one per incident shown
    page.get_by_label("Month").focus()  # the time slider filters them too: fewer incidents, fewer circles
    page.keyboard.press("Home")
    _wait_for(page, CIRCLES, PER_MONTH)
    page.evaluate(f"{MAP_JS}.setView([{CENTER[0]}, {CENTER[1]}], 5, {{animate: false}})")
    _wait_for(page, CIRCLES, 0)
    page.locator(MARKERS).first.click(force=True)
    assert "within 5 km" in page.locator(".leaflet-popup-content").text_content()


# --- many incidents: clustered, fed to the cluster group once it is on the map (issue 13) ---

MANY = 5_000
#: Records each call of markercluster's addLayers: how many markers, and whether the group
#: was on a map then (markercluster indexes them in chunks only on a map).
ADD_LAYERS_PROBE = """
window.__atlasAddLayers = [];
document.addEventListener('load', () => {
  if (window.L && L.MarkerClusterGroup && !L.MarkerClusterGroup.__atlasProbe) {
    L.MarkerClusterGroup.__atlasProbe = true;
    const addLayers = L.MarkerClusterGroup.prototype.addLayers;
    L.MarkerClusterGroup.prototype.addLayers = function (layers, skip) {
      window.__atlasAddLayers.push([layers.length || 0, !!this._map]);
      return addLayers.call(this, layers, skip);
    };
  }
}, true);
"""
#: The incidents overlay (the feature group that has the markers).
GROUP_JS = "Object.keys(window).filter(k => k.startsWith('feature_group_') && window[k].atlasTarget).map(k => window[k])[0]"


@pytest.fixture(scope="module")
def many_url(tmp_path_factory) -> Iterator[tuple[str, dict[str, int]]]:
    """A page of 5,000 synthetic incidents (compact and clustered); the URL and the count per month."""
    from layers.synthetic import write_synthetic_incidents
    root = tmp_path_factory.mktemp("many")
    webmap.install_scripts(root / "vendor")
    incidents = incidents_layer(write_synthetic_incidents(root / "incidents.csv", MANY))
    overlay = webmap.incidents_overlay(incidents, len(incidents))
    assert overlay.cluster and overlay.compact
    parts = webmap.MapParts(webmap.base_map("vendor", center=(30.2, 67.0), zoom=5), [overlay])
    (root / "index.html").write_text(webmap.standalone_html(parts), encoding="utf-8")
    months = incident_months(incidents).value_counts().to_dict()
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html", months
    finally:
        server.shutdown()
        server.server_close()


def test_many_incidents_are_clustered_once_the_group_is_on_the_map(browser, many_url):
    url, months = many_url
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    outside: list[str] = []
    context.route("**/*", loopback_only(outside))
    context.add_init_script(ADD_LAYERS_PROBE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.locator(".marker-cluster").first.wait_for(timeout=30_000)
    page.wait_for_function(f"{GROUP_JS}.atlasTarget.getLayers().length === {MANY}", timeout=30_000)
    calls = page.evaluate("window.__atlasAddLayers")
    # Every marker went in through addLayers while the cluster group was on the map.
    assert sum(count for count, _ in calls) == MANY, calls
    assert all(on_map for count, on_map in calls if count), calls
    # The time slider still filters the clustered markers: its first month alone.
    page.get_by_label("Month").focus()
    page.keyboard.press("Home")
    first = months[min(months)]
    page.wait_for_function(f"{GROUP_JS}.atlasTarget.getLayers().length === {first}", timeout=30_000)
    page.get_by_label("cumulative").uncheck()
    page.get_by_label("Month").press("End")
    page.wait_for_function(f"{GROUP_JS}.atlasTarget.getLayers().length === {months[max(months)]}", timeout=30_000)
    assert not errors, errors
    assert not outside, outside
    context.close()
