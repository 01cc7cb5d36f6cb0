"""Start the dashboard on loopback, load it in headless Chromium and save a screenshot.

    python tools/screenshot.py [--out docs/screenshot.png] [--chromium /usr/bin/chromium]
    python tools/screenshot.py --new-case report.txt --out /tmp/new-case.png

Uses Debian's Chromium through Playwright (Playwright never downloads a browser here).
Every request to a host other than 127.0.0.1 is blocked and reported, so the picture
shows what a user without internet sees. The server keeps its cases in a fresh
temporary case store (``--home`` to choose one), never in the user's own.
``--new-case`` pastes a report into the New case form, creates the case and shows it.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the browser settings and the loopback guard are the tests' own
from tests.dashboard_helpers import CHROMIUM_ARGS, free_port, loopback_only  # noqa: E402

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def start_server(port: int, home: Path, timeout: float = 60.0) -> subprocess.Popen:
    """``streamlit run dashboard.py`` on 127.0.0.1:port with its case store in ``home``,
    returned once it answers /_stcore/health."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "INCIDENT_ATLAS_HOME": str(home)})
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("streamlit did not answer within the time limit")


def main(argv: list[str] | None = None) -> int:
    """Write the screenshot; exit 1 if the page tried to reach another host."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    args.add_argument("--chromium", default="/usr/bin/chromium")
    args.add_argument("--width", type=int, default=1500)
    args.add_argument("--height", type=int, default=1100)
    args.add_argument("--full-page", action="store_true", help="the whole page, not just the first screen")
    args.add_argument("--tab", help="open this tab below the map (e.g. Figures) and show it")
    args.add_argument("--new-case", type=Path, metavar="REPORT",
                      help="create a case from this report (pasted into the New case form) and show it")
    args.add_argument("--home", type=Path, help="the server's INCIDENT_ATLAS_HOME (default: a new temporary folder)")
    options = args.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="atlas-home-") as scratch:
        return _shoot(options, options.home or Path(scratch))


def _create_case(page, report: str) -> None:
    """Paste ``report`` into the New case form, create the case, and wait until it is shown."""
    page.get_by_text("New case", exact=True).click()
    page.get_by_label("…or paste one report's text").fill(report)
    page.get_by_role("button", name="Create case").click()
    page.wait_for_url(lambda address: "case=" in address and "pasted-1.txt" in address, timeout=120_000)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(timeout=120_000)
    # While the map is swapped for the new case's, the old frame lingers for a moment.
    page.locator(MAP_FRAME).nth(1).wait_for(state="detached", timeout=60_000)
    page.frame_locator(MAP_FRAME).locator(".atlas-attack-best").first.wait_for(timeout=120_000)


def _shoot(options: argparse.Namespace, home: Path) -> int:
    """Start the server, take the screenshot, stop the server; 1 if the page tried to reach another host."""
    port = free_port()
    server = start_server(port, home)
    outside: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": options.width, "height": options.height})

            page.context.route("**/*", loopback_only(outside))
            started = time.monotonic()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            frame = page.frame_locator(MAP_FRAME)
            # Canvas-drawn clusters (many incidents) have no SVG path: wait for either.
            frame.locator(".atlas-incident, .marker-cluster").first.wait_for(timeout=120_000)
            frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
            print(f"map with incidents and tiles after {time.monotonic() - started:.2f} s "
                  "(first page load of a fresh browser)", file=sys.stderr)
            page.wait_for_timeout(1500)  # tiles and outlines finish drawing
            if options.new_case:
                _create_case(page, options.new_case.read_text(encoding="utf-8"))
                frame = page.frame_locator(MAP_FRAME)
                frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
                page.wait_for_timeout(2500)  # the map moves to the case and redraws
            if options.tab:
                page.get_by_role("tab", name=options.tab).click()
                panel = page.get_by_role("tabpanel").filter(has=page.locator(".stVegaLiteChart, table, iframe"))
                panel.first.wait_for(timeout=60_000)
                page.wait_for_timeout(2500)  # the chart draws after the panel appears
                panel.first.scroll_into_view_if_needed()
            options.out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(options.out), full_page=options.full_page)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(options.out)
    if outside:
        print("blocked requests to other hosts:", *outside, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
