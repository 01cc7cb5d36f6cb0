"""The dashboard in a real browser (Debian's Chromium through Playwright), with no internet.

A fixture starts ``streamlit run dashboard.py`` on 127.0.0.1 and a free port. Every
request to another host is aborted *and recorded*, so a test can assert that nothing
even tried to reach the internet. Without /usr/bin/chromium these tests are skipped,
except under CI (the CI environment variable set), where that is a failure.
"""
from __future__ import annotations

import csv
import io
import json
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator
from urllib.parse import parse_qs, urlparse

import pytest

from atlas_cli.main import main as cli_main
from geo.places import places_in_text
from layers.build import build_case

from .builtin import ARTICLES_DIR, BUILT_IN, built_in_articles
from .dashboard_helpers import (case_home, free_port, launched_chromium, loopback_only,  # noqa: F401
                                require_chromium, running_server, server_env)

ROOT = Path(__file__).resolve().parent.parent
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
XSS = "<script>window.__atlasXss=1</script><img src=x onerror=\"alert('xss')\"> ${alert(2)}"
REPORT = f"Gunmen attacked a bus near Quetta on Tuesday. {XSS} Police in Quetta said two were hurt."

sync_api = require_chromium()

#: The built-in case as `incident-atlas build` makes it; the map draws the same.
BUILT_IN_LAYERS = build_case(BUILT_IN, [(a.name, a.text, places_in_text(a.text, a.name))
                                    for a in built_in_articles()]).layers
#: Past incidents drawn as circles: the case's own is the attack site, not a circle.
PAST = int((~BUILT_IN_LAYERS["incidents"]["is_case"]).sum())
STOPS = len(BUILT_IN_LAYERS["stops"])
CANDIDATES = int((BUILT_IN_LAYERS["attack_site"]["role"] == "candidate").sum())
#: The outline of each district and province the reports name, one SVG path each, in their own pane.
AREAS = len(BUILT_IN_LAYERS["areas"])
AREA_PATHS = ".leaflet-atlasAreas-pane path.atlas-area"
AREAS_LABEL = "Districts and provinces named"


def _dashboard_command(port: int) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1"]


@contextmanager
def _dashboard_server(home: Path) -> Iterator[str]:
    """The dashboard on loopback and a free port, its case store in ``home``; its URL, until it is stopped."""
    port = free_port()
    with running_server(_dashboard_command(port), ROOT, port, env=server_env(home), wait_s=90) as url:
        yield url


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The dashboard on loopback, its case store in a fresh folder; killed at teardown."""
    with _dashboard_server(tmp_path_factory.mktemp("atlas-home")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with launched_chromium() as chromium:
        yield chromium


class Watch:
    """What a page did: requests to other hosts (aborted), every URL asked for, dialogs."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []


def _watched_page(browser, base_url: str):
    """A new browser context and page whose requests to other hosts are aborted and recorded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    watch = Watch()

    context.route("**/*", loopback_only(watch.outside, watch.requests))
    page = context.new_page()

    def on_dialog(dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.watch = watch
    page.base_url = base_url
    return context, page


@pytest.fixture
def page(browser, server):
    context, page = _watched_page(browser, server)
    yield page
    context.close()


def _open(page, query: str = ""):
    """Load the app and wait until the map has drawn its incidents; return the map frame."""
    page.goto(f"{page.base_url}/{query}", wait_until="domcontentloaded")
    page.locator(MAP_FRAME).wait_for(timeout=60_000)
    frame = page.frame_locator(MAP_FRAME)
    frame.locator(".leaflet-container").wait_for(timeout=60_000)
    if "layers=" not in query:  # every layer on: the map is drawn once the incidents are
        frame.locator("path.atlas-incident").first.wait_for(timeout=60_000)
    return frame


def _settled(page, reports: int | None = None) -> None:
    """Wait until the app shows ``reports`` reports (if given) and its script run has finished.

    The sidebar, with its Remove buttons, is drawn before the reports are analysed: a
    button on the page does not mean the rest of the page has caught up.
    """
    if reports is not None:
        sync_api.expect(page.get_by_test_id("stMetricValue").first).to_have_text(str(reports), timeout=60_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=60_000)


def _choose(page, label: str, typed: str) -> None:
    """Pick an option of a Streamlit selectbox by typing part of it (the list filters) and Enter."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(typed)
    page.get_by_role("option", name=typed).first.wait_for()
    page.keyboard.press("Enter")


def _map_frame(page):
    """The map iframe as a Frame, for running JavaScript inside it."""
    return page.locator(MAP_FRAME).element_handle().content_frame()


def _map_where(page, condition: str, timeout: float = 30.0):
    """The map frame once `condition` (JavaScript on the Leaflet map `map_div`) holds.

    Until folium's script has run, `map_div` is the bare <div> of that id, and a re-render
    replaces the iframe, so the frame is looked up afresh on every try.
    """
    deadline = time.monotonic() + timeout
    check = f"() => typeof map_div !== 'undefined' && typeof map_div.getCenter === 'function' && ({condition})"
    while True:
        try:
            frame = _map_frame(page)
            if frame is not None and frame.evaluate(check):
                return frame
        except sync_api.Error:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the map never met: {condition}")
        page.wait_for_timeout(250)


def test_map_renders_every_layer_without_internet(page):
    frame = _open(page)
    expect = sync_api.expect
    expect(frame.locator("path.atlas-incident")).to_have_count(PAST, timeout=30_000)
    expect(frame.locator("path.atlas-stop")).to_have_count(STOPS)
    expect(frame.locator("path.atlas-attack-best")).to_have_count(1)
    expect(frame.locator("path.atlas-attack-candidate")).to_have_count(CANDIDATES)
    expect(frame.locator(".leaflet-atlasPlaces-pane .atlas-diamond")).to_have_count(27)
    expect(frame.locator(AREA_PATHS)).to_have_count(AREAS)
    frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    for credit in ("OpenStreetMap", "GeoNames", "Natural Earth"):
        assert credit in attribution
    expect(frame.locator(".atlas-legend")).to_contain_text("uncertainty area")
    expect(frame.locator(".atlas-legend")).to_contain_text(BUILT_IN.route.legend)
    map_js = _map_where(page, "true")
    center = map_js.evaluate("() => { const c = map_div.getCenter(); return [c.lat, c.lng, map_div.getZoom()]; }")
    view = BUILT_IN.view
    assert abs(center[0] - view.lat) < 0.05 and abs(center[1] - view.lon) < 0.05 and center[2] == view.zoom
    # The country outlines arrived from the app's own static files.
    shapes = PAST + STOPS + len(BUILT_IN_LAYERS["attack_site"])
    map_js.wait_for_function(f"() => document.querySelectorAll('.leaflet-overlay-pane path').length > {shapes}")
    page.wait_for_timeout(1000)
    assert page.watch.outside == [], page.watch.outside
    assert any("/app/static/vendor/leaflet/leaflet.js" in url for url in page.watch.requests)
    assert any("/app/static/vendor/tiles/6/" in url for url in page.watch.requests)


def test_popup_shows_evidence_and_sources(page):
    frame = _open(page)
    popup = frame.locator(".leaflet-popup-content")
    for _ in range(3):
        # The app's first rerun may redraw the map frame under a very early click.
        frame.locator("path.atlas-attack-best").click(force=True)
        try:
            popup.wait_for(timeout=5_000)
            break
        except sync_api.TimeoutError:
            continue
    sync_api.expect(popup).to_contain_text("Best estimate")
    sync_api.expect(popup).to_contain_text("Supported by")
    assert popup.locator("a[href^='https://en.wikipedia.org/']").count() >= 1


def test_layer_control_hides_a_layer_and_the_choice_is_kept(page):
    frame = _open(page)
    expect = sync_api.expect
    expect(frame.locator("path.atlas-incident")).to_have_count(PAST, timeout=30_000)
    control = frame.locator(".leaflet-control-layers-overlays label", has_text="Past incidents")
    control.locator("input").click()
    expect(frame.locator("path.atlas-incident")).to_have_count(0)
    # Reported back to the app: the sidebar and the URL follow, so a rerun keeps it hidden.
    expect(page.get_by_role("checkbox", name="Past incidents")).not_to_be_checked(timeout=15_000)
    page.wait_for_url(lambda url: "layers=areas%2Croute%2Cattack_site%2Cplaces&" in url, timeout=15_000)
    expect(frame.locator(".leaflet-control-layers-overlays label", has_text="Past incidents")
           .locator("input")).not_to_be_checked()
    expect(frame.locator("path.atlas-stop")).to_have_count(STOPS)
    # … and back on from the map.
    frame.locator(".leaflet-control-layers-overlays label", has_text="Past incidents").locator("input").click()
    expect(frame.locator("path.atlas-incident")).to_have_count(PAST, timeout=15_000)
    expect(page.get_by_role("checkbox", name="Past incidents")).to_be_checked(timeout=15_000)
    assert page.watch.outside == []


def test_area_outlines_lie_under_the_rest_and_switch_off(page):
    frame = _open(page)
    expect = sync_api.expect
    assert AREAS >= 2  # the built-in reports name Balochistan, Kachhi …
    outlines = frame.locator(AREA_PATHS)
    expect(outlines).to_have_count(AREAS, timeout=30_000)
    expect(frame.locator(f"{AREA_PATHS}.atlas-area-district")).to_have_count(
        int((BUILT_IN_LAYERS["areas"]["kind"] == "district").sum()))
    # Their pane lies below the place diamonds and the circles and lines.
    map_js = _map_where(page, "true")
    z = map_js.evaluate("""() => ['atlasAreas', 'atlasPlaces', 'overlay'].map(
        name => +getComputedStyle(document.querySelector('.leaflet-' + name + '-pane')).zIndex)""")
    assert z[0] < z[1] < z[2], z
    tips = map_js.evaluate("""() => Object.values(map_div._layers)
        .filter(l => l.options && l.options.pane === 'atlasAreas' && l.getTooltip && l.getTooltip())
        .map(l => String(l.getTooltip().getContent()))""")
    assert "Kachhi · district" in tips and "Balochistan · province" in tips, tips
    expect(frame.locator(".atlas-legend")).to_contain_text("district outline")
    # Switched off in the map's layer control: gone, and the sidebar and the URL follow.
    frame.locator(".leaflet-control-layers-overlays label", has_text=AREAS_LABEL).locator("input").click()
    expect(outlines).to_have_count(0)
    expect(page.get_by_role("checkbox", name=AREAS_LABEL)).not_to_be_checked(timeout=15_000)
    page.wait_for_url(lambda url: "layers=route%2Cattack_site%2Cplaces%2Cincidents&" in url, timeout=15_000)
    _settled(page)  # the map as the app redraws it for the new choice: still none
    expect(page.frame_locator(MAP_FRAME).locator(AREA_PATHS)).to_have_count(0)
    expect(page.frame_locator(MAP_FRAME).locator("path.atlas-stop")).to_have_count(STOPS)
    # … and back on from the sidebar.
    page.get_by_role("checkbox", name=AREAS_LABEL).check(force=True)
    expect(page.frame_locator(MAP_FRAME).locator(AREA_PATHS)).to_have_count(AREAS, timeout=15_000)
    assert page.watch.outside == []


def test_a_link_reopens_the_same_layers(page):
    frame = _open(page, "?layers=route")
    sync_api.expect(frame.locator("path.atlas-stop")).to_have_count(STOPS, timeout=30_000)
    assert frame.locator("path.atlas-incident").count() == 0
    assert frame.locator(".leaflet-atlasPlaces-pane .atlas-diamond").count() == 0
    assert frame.locator(AREA_PATHS).count() == 0
    sync_api.expect(page.get_by_role("checkbox", name="Attack site")).not_to_be_checked()
    sync_api.expect(page.get_by_role("checkbox", name=AREAS_LABEL)).not_to_be_checked()


def test_download_buttons_deliver_what_the_cli_builds(page, tmp_path):
    _open(page)
    page.get_by_role("tab", name="Downloads").click()
    cli_dir = tmp_path / "cli"
    assert cli_main(["build", "--out", str(cli_dir)]) == 0
    for name in ("incidents.geojson", "all_layers.geojson", "case.json"):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=name).click()
        data = Path(download.value.path()).read_bytes()
        assert data == (cli_dir / name).read_bytes(), name
    assert json.loads((cli_dir / "all_layers.geojson").read_text())["type"] == "FeatureCollection"
    assert json.loads((cli_dir / "case.json").read_text())["id"] == BUILT_IN.id
    incidents = json.loads((cli_dir / "incidents.geojson").read_text())
    assert len(incidents["features"]) == len(BUILT_IN_LAYERS["incidents"])
    assert {f["properties"]["claim_status"] for f in incidents["features"]} >= {"claimed", "unclaimed"}
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="layers.gpkg").click()
    assert Path(download.value.path()).read_bytes()[:16] == b"SQLite format 3\x00"


def test_xss_in_a_pasted_report_runs_nothing(page):
    frame = _open(page)
    page.get_by_label("…or paste a report").fill(REPORT)
    page.get_by_role("button", name="Add pasted report").click()
    sync_api.expect(page.get_by_role("button", name="Remove pasted-1.txt")).to_be_visible(timeout=30_000)
    _settled(page, reports=6)
    _choose(page, "Report", "pasted-1.txt")
    reader = page.locator(".atlas-article")
    sync_api.expect(reader).to_contain_text("<script>window.__atlasXss=1</script>", timeout=30_000)
    sync_api.expect(reader).to_contain_text("onerror=\"alert('xss')\"")
    assert reader.locator("img, script").count() == 0
    # The map's popups carry the same sentence, as text.
    map_js = _map_where(page, """Object.values(map_div._layers).some(
        l => l.getTooltip && l.getTooltip() && String(l.getTooltip().getContent()).includes('pasted-1.txt')
             || l.getPopup && l.getPopup() && String(l.getPopup().getContent()).includes('atlasXss'))""")
    map_js.evaluate("""() => { for (const l of Object.values(map_div._layers)) {
        if (l.getPopup && l.getPopup() && String(l.getPopup().getContent()).includes('atlasXss')) {
            l.openPopup(); return true; } } return false; }""")
    popup = frame.locator(".leaflet-popup-content")
    sync_api.expect(popup).to_contain_text("window.__atlasXss=1")
    assert popup.locator("img, script").count() == 0
    page.wait_for_timeout(1000)
    assert page.watch.dialogs == []
    assert page.evaluate("() => window.__atlasXss") is None
    assert map_js.evaluate("() => window.__atlasXss") is None
    assert not [url for url in page.watch.requests if urlparse(url).path.endswith("/x")]
    assert page.watch.outside == []


def test_a_long_paste_with_no_sentence_end_is_added_and_can_be_removed(page):
    _open(page)
    text = ", ".join(["Quetta", "Sibi", "Turbat", "Gwadar"] * 20_000)  # 600 KB, one sentence
    page.get_by_label("…or paste a report").fill(text)
    page.get_by_role("button", name="Add pasted report").click()
    _settled(page, reports=6)
    sync_api.expect(page.get_by_test_id("stMetricValue").nth(1)).not_to_have_text("27")  # its places count
    assert page.get_by_test_id("stException").count() == 0
    assert "Traceback" not in page.locator("[data-testid='stApp']").inner_text()
    page.get_by_role("button", name="Remove pasted-1.txt").click()
    _settled(page, reports=5)
    assert page.watch.outside == []


def test_picking_a_place_in_the_reader_centres_the_map(page):
    _open(page)
    _choose(page, "Centre the map on a place in this report", "Peshawar")
    map_js = _map_where(page, "Math.abs(map_div.getCenter().lat - 34.0) < 0.1")
    center = map_js.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
    assert abs(center[1] - 71.5) < 0.2 and center[2] == 10


# --- hostile input (issue #9) -----------------------------------------------------------

ONLINE_TILES_LABEL = "Online OpenStreetMap tiles (needs internet)"


def test_a_link_with_osm_online_contacts_no_other_host(page):
    frame = _open(page, "?osm=online")
    _settled(page)
    page.wait_for_timeout(1500)  # any tile request would have gone out by now
    assert page.watch.outside == [], page.watch.outside
    frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)  # the offline tiles
    online = page.get_by_role("checkbox", name=ONLINE_TILES_LABEL)
    sync_api.expect(online).not_to_be_checked()
    assert "osm=" not in page.url
    assert frame.locator("img.leaflet-tile[src*='openstreetmap.org']").count() == 0
    # Only a click in this session asks the tile server (blocked here, but recorded).
    with page.expect_request(lambda request: urlparse(request.url).hostname == "tile.openstreetmap.org",
                             timeout=30_000):
        online.check(force=True)
    _settled(page)
    assert "osm=" not in page.url


def _upload(page, files: list[tuple[str, bytes]]) -> None:
    """Give the uploader ``files`` once the page is idle (a rerun may replace its input) and
    wait until it shows their names."""
    _settled(page)
    # The "Add a report" uploader (the New case form has one too).
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Text files (.txt")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [{"name": name, "mimeType": "text/plain", "buffer": data} for name, data in files])
    for name in {name for name, _ in files}:
        # A chip may shorten a long name.
        page.get_by_test_id("stFileChipName").filter(has_text=name[:6]).first.wait_for(timeout=30_000)


MARKDOWN_NAME = "# Title http://x.txt"
LINKED_NAME = "## Report [here](http://evil.example/x) :red[alert] <b>bold</b> www.evil.example.txt"


def test_file_names_with_markdown_show_as_plain_text(page):
    _open(page)
    report = sorted(ARTICLES_DIR.iterdir())[0].read_bytes()
    _upload(page, [(MARKDOWN_NAME, b"  \n"), (LINKED_NAME, report), (LINKED_NAME, report)])
    sidebar = page.get_by_test_id("stSidebar")
    error = sidebar.get_by_test_id("stAlert").filter(has_text="empty file")
    error.wait_for(timeout=60_000)
    # Shown as written (an invisible word joiner keeps bare URLs from being linked).
    assert error.locator("h1, h2, h3, h4, a").count() == 0, error.inner_html()
    assert error.inner_text().replace("\u2060", "").strip() == f"{MARKDOWN_NAME}: empty file"
    # The same name twice: both kept, the second renamed, and the user told (as text).
    _settled(page, reports=7)
    renamed = LINKED_NAME.removesuffix(".txt") + " (2).txt"
    notice = sidebar.get_by_test_id("stAlert").filter(has_text="loaded as")
    assert notice.inner_text().replace("\u2060", "").strip() == (
        f"{LINKED_NAME}: a report with this name is already loaded; this file is loaded as {renamed}")
    for alert in (error, notice):
        assert alert.locator("h1, h2, h3, h4, a, img, b, strong, span[style*='color']").count() == 0
    # In the reader's list the names are text too.
    _choose(page, "Report", renamed)
    sync_api.expect(page.get_by_role("combobox", name="Report", exact=True)).to_have_value(renamed)
    assert page.locator("[data-testid='stMain'] a[href*='evil.example'], [data-testid='stSidebar'] a[href]").count() == 0
    assert page.watch.outside == []


def test_csv_downloads_cannot_carry_spreadsheet_formulas(page, tmp_path):
    _open(page)
    report = sorted(ARTICLES_DIR.iterdir())[0].read_bytes()
    formula = "=SUM(1+1)*cmd.txt"  # a browser sends quotes in a file name percent-encoded
    _upload(page, [(formula, report)])
    _settled(page, reports=6)
    page.get_by_role("tab", name="Figures").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Claims table (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    from_upload = [row for row in rows if formula in row["article"]]
    assert from_upload, "the uploaded report's claims are in the table"
    assert all(row["article"] == "'" + formula for row in from_upload)
    assert not [cell for row in rows for cell in row.values() if cell.startswith(("=", "+", "-", "@"))]
    page.get_by_role("tab", name="Incidents table").click()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Incidents shown (CSV)").click()
    incidents = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(incidents) == len(BUILT_IN_LAYERS["incidents"])  # the table has the case's own, marked
    assert [row["id"] for row in incidents if row["is_case"] == "True"] == [BUILT_IN.id]


# --- cases (issue #10) --------------------------------------------------------------------

PESHAWAR = ("PESHAWAR, 3 February 2025: A suicide bomber blew himself up at the gate of a police station in "
            "Peshawar on Monday, killing 12 people and injuring 30 others, police said. No group has claimed "
            "responsibility for the attack.")


@contextmanager
def _page_on_store(browser, home: Path) -> Iterator:
    """A watched page on a dashboard server of its own, its case store in ``home``: opened, settled,
    and closed with the server on leaving."""
    with _dashboard_server(home) as url:
        context, page = _watched_page(browser, url)
        try:
            _open(page)
            _settled(page)
            yield page
        finally:
            context.close()


def test_a_case_made_from_a_pasted_report_is_there_after_a_restart(browser, tmp_path):
    home = tmp_path / "atlas-home"
    with _page_on_store(browser, home) as page:
        page.get_by_text("New case", exact=True).click()
        page.get_by_label("…or paste one report's text").fill(PESHAWAR)
        page.get_by_role("button", name="Create case").click()
        page.wait_for_url(lambda address: "case=" in address and BUILT_IN.id not in address, timeout=60_000)
        sync_api.expect(page.get_by_role("heading", level=2).first).to_contain_text("Peshawar", timeout=60_000)
        _settled(page, reports=1)
        case_id = parse_qs(urlparse(page.url).query)["case"][0]
        title = page.get_by_role("heading", level=2).first.inner_text().split(" — ")[0].strip()
        outside = list(page.watch.outside)
    assert outside == [], outside
    assert (home / "cases" / case_id / "articles" / "pasted-1.txt").read_text(encoding="utf-8") == PESHAWAR

    # Another server on the same case store: the case and its report are still there.
    with _page_on_store(browser, home) as page:
        _choose(page, "Case", title)
        page.wait_for_url(lambda address: f"case={case_id}" in address, timeout=60_000)
        sync_api.expect(page.get_by_role("heading", level=2).first).to_contain_text(title, timeout=60_000)
        _settled(page, reports=1)
        sync_api.expect(page.get_by_role("combobox", name="Report", exact=True)).to_have_value("pasted-1.txt")
        sync_api.expect(page.locator(".atlas-article")).to_contain_text("suicide bomber blew himself up")
        # The map opens on the case's site, near Peshawar.
        map_js = _map_where(page, "Math.abs(map_div.getCenter().lat - 34.0) < 0.3")
        center = map_js.evaluate("() => [map_div.getCenter().lat, map_div.getCenter().lng, map_div.getZoom()]")
        assert abs(center[1] - 71.55) < 0.3 and center[2] == 9
        # A link names the case: opened afresh, it shows the case at once.
        page.goto(f"{page.base_url}/?case={case_id}", wait_until="domcontentloaded")
        sync_api.expect(page.get_by_role("heading", level=2).first).to_contain_text(title, timeout=60_000)
        _settled(page, reports=1)
        page.wait_for_timeout(1000)
        assert page.watch.outside == [], page.watch.outside
