"""Incident datasets in a real browser (Debian's Chromium through Playwright), with no internet:
an export uploaded through the page becomes a choice, and choosing it redraws the map's incidents.

Every request to another host is aborted and recorded; without /usr/bin/chromium the test
is skipped, except under CI, where that is a failure.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

from layers.incidents import incidents_layer

from .dashboard_helpers import (CHROMIUM, CHROMIUM_ARGS, case_home, free_port, loopback_only,  # noqa: F401
                                running_server, server_env)

ROOT = Path(__file__).resolve().parent.parent
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
ACLED = Path(__file__).resolve().parent / "fixtures" / "datasets" / "acled_pakistan.csv"
#: Past incidents the built-in case draws as circles (its own is the attack site).
BUILT_IN_PAST = len(incidents_layer()) - 1
#: Incidents the importer keeps of the ACLED fixture; none is the built-in case's own.
ACLED_KEPT = 5

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium (see .ci/run)", pytrace=False)
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium); browser tests skipped",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The dashboard on loopback and a free port, its store in a fresh folder; stopped at teardown."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    with running_server(command, ROOT, port, env=server_env(tmp_path / "atlas-home"), wait_s=90) as url:
        yield url


def _settled(page) -> None:
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=60_000)


def _incident_circles(page, count: int) -> None:
    """Wait until the map draws ``count`` incident circles (a rerun replaces the map's frame)."""
    frame = page.frame_locator(MAP_FRAME).last
    sync_api.expect(frame.locator("path.atlas-incident")).to_have_count(count, timeout=60_000)


def test_an_uploaded_export_becomes_a_choice_and_redraws_the_map(browser_page):
    page, outside = browser_page
    expect = sync_api.expect
    _incident_circles(page, BUILT_IN_PAST)
    metric = page.get_by_test_id("stMetric").filter(has_text="Past incidents shown")
    expect(metric).to_contain_text(f"of {BUILT_IN_PAST}")
    _settled(page)
    # Upload through the page's own uploader.
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Import an ACLED")
    uploader.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        [{"name": ACLED.name, "mimeType": "text/csv", "buffer": ACLED.read_bytes()}])
    sidebar = page.get_by_test_id("stSidebar")
    summary = sidebar.get_by_test_id("stAlert").filter(has_text="incidents imported")
    expect(summary).to_contain_text(f"{ACLED_KEPT} incidents imported, 8 rows skipped", timeout=60_000)
    _settled(page)
    # The dataset is a choice now; choosing it redraws the map with its incidents.
    box = page.get_by_role("combobox", name="Past incidents from", exact=True)
    box.click()
    option = page.get_by_role("option", name=f"acled_pakistan ({ACLED_KEPT} incidents)")
    option.wait_for(timeout=30_000)
    option.click()
    expect(metric).to_contain_text(f"of {ACLED_KEPT}", timeout=60_000)
    page.wait_for_url(lambda address: "incidents=acled_pakistan" in address, timeout=60_000)
    _incident_circles(page, ACLED_KEPT)
    _settled(page)
    assert outside == [], outside


@pytest.fixture
def browser_page(server):
    """A page on the dashboard whose requests to other hosts are aborted and recorded."""
    outside: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", loopback_only(outside))
        page = context.new_page()
        page.goto(f"{server}/", wait_until="domcontentloaded")
        page.locator(MAP_FRAME).first.wait_for(timeout=60_000)
        yield page, outside
        context.close()
        browser.close()
