"""Start the dashboard on loopback, load it in headless Chromium and save a screenshot.

    python tools/screenshot.py [--out docs/screenshot.png] [--chromium /usr/bin/chromium]

Uses Debian's Chromium through Playwright (Playwright never downloads a browser here).
Every request to a host other than 127.0.0.1 is blocked and reported, so the picture
shows what a user without internet sees.
"""
from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, timeout: float = 60.0) -> subprocess.Popen:
    """``streamlit run dashboard.py`` on 127.0.0.1:port, returned once it answers /_stcore/health."""
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    options = args.parse_args(argv)

    port = free_port()
    server = start_server(port)
    outside: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=options.chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": options.width, "height": options.height})

            def only_loopback(route, request) -> None:
                if urlparse(request.url).hostname == "127.0.0.1" or request.url.startswith(("data:", "blob:")):
                    route.continue_()
                else:
                    outside.append(request.url)
                    route.abort()

            page.context.route("**/*", only_loopback)
            started = time.monotonic()
            page.goto(f"http://127.0.0.1:{port}/", wait_until="domcontentloaded")
            frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
            # Canvas-drawn clusters (many incidents) have no SVG path: wait for either.
            frame.locator(".atlas-incident, .marker-cluster").first.wait_for(timeout=120_000)
            frame.locator(".leaflet-tile-loaded").first.wait_for(timeout=30_000)
            print(f"map with incidents and tiles after {time.monotonic() - started:.2f} s "
                  "(first page load of a fresh browser)", file=sys.stderr)
            page.wait_for_timeout(1500)  # tiles and outlines finish drawing
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
