"""The dashboard's map at scale in a real browser (issue 13, "Speed at scale").

    .venv/bin/python benchmarks/map_scale.py [--count 100000] [--runs 3] [--tree NAME=PATH ...] [--baseline]

Starts ``streamlit run dashboard.py`` of each tree (default: this one) on 127.0.0.1 with
``INCIDENT_ATLAS_INCIDENTS`` pointing at ``count`` synthetic incidents
(``layers.synthetic``, seed 7) and a fresh, empty case store, and opens it in headless
Debian Chromium (Playwright) with every request to another host aborted. One warm-up visit
per server (its first run imports and reads everything), then ``runs`` visits per tree,
the trees taking turns. Each visit, in a fresh browser context:

* first draw — from the page's navigation start to the first incident cluster (or SVG
  incident) in the map's frame (polled every 10 ms by a script injected with ``add_init_script``);
* longest task — the longest ``longtask`` (PerformanceObserver, every frame) from the
  navigation until the page has settled (script run over, no long task for 2 s);
* payload — bytes the page received over Streamlit's websocket until then (the map is
  most of it), and the length of the map's own HTML (``webmap.standalone_html``);
* toggle — the "Past incidents" box of the map's own layer control unticked, then ticked
  again: the time until the clusters are gone / back, the longest task, the websocket
  bytes and whether the map's overlays were evaluated again (streamlit-folium re-runs its
  overlay script when the server sends a different one), each until the page settles;
  then the same with the sidebar's "Past incidents" checkbox.

With ``--baseline`` each tree's dashboard is also visited with its 19 built-in incidents
(no ``INCIDENT_ATLAS_INCIDENTS``): what the page costs whatever the incidents.

First, each tree's incidents overlay alone (``webmap.standalone_html``, no Streamlit) on a
static loopback page: first draw and longest task, ``runs`` times. Compare the old code
with ``git worktree add /tmp/old HEAD`` and ``--tree before=/tmp/old --tree after=.``.
Prints one JSON line per visit (progress on stderr), then the medians per tree. Never fails on a timing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from playwright.sync_api import Error as PlaywrightError

from geo.settings import HOME_ENV, INCIDENTS_ENV
from layers.synthetic import write_synthetic_incidents
from tests.dashboard_helpers import CHROMIUM, CHROMIUM_ARGS, free_port, loopback_only, running_server

MAP_FRAME = "streamlit_folium"
#: Runs in every frame before its own scripts: long tasks and the first incident drawn.
PROBE = """
(() => {
  window.__atlasLong = [];
  try {
    new PerformanceObserver(list => list.getEntries().forEach(e => window.__atlasLong.push(
      [performance.timeOrigin + e.startTime, e.duration]))).observe({type: 'longtask', buffered: true});
  } catch (e) {}
  // Polled, not observed: a frame's first document (about:blank) hands its window to the
  // page it navigates to, and an observer of the old document would never fire.
  const poll = setInterval(() => {
    if (document.querySelector('.marker-cluster, path.atlas-incident')) {
      window.__atlasFirstDraw = performance.timeOrigin + performance.now();
      clearInterval(poll);
    }
  }, 10);
})();
"""
SETTLED = "[data-testid='stApp'][data-test-script-state='notRunning']"
#: How many times the map's overlay scripts ran (each run of one counts, built anew or not).
EVALS = "() => (window.__atlasBuilt || {evals: 0}).evals + (window.__atlasCellEvals || 0)"


def _map_frame(page, timeout_s: float = 120):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            if MAP_FRAME in frame.url:
                return frame
        page.wait_for_timeout(50)
    raise TimeoutError("no map frame")


def _long_tasks(page, since: float) -> list[float]:
    tasks = []
    for frame in page.frames:
        try:
            tasks += frame.evaluate("() => window.__atlasLong || []")
        except PlaywrightError:  # a frame gone meanwhile
            continue
    # The same task is reported to each same-origin frame: the maximum is what counts.
    return [duration for start, duration in tasks if start >= since]


def _settle(page, since_ms: float, quiet_ms: float = 2000, timeout_s: float = 120) -> float:
    """Wait until the script run is over and no long task ended for ``quiet_ms``; the epoch ms then."""
    deadline = time.monotonic() + timeout_s
    page.wait_for_timeout(800)  # streamlit-folium reports a change after a short debounce
    while time.monotonic() < deadline:
        page.locator(SETTLED).wait_for(timeout=timeout_s * 1000)
        now = page.evaluate("() => performance.timeOrigin + performance.now()")
        ends = [start + duration for frame in page.frames
                for start, duration in _safe(frame, "() => window.__atlasLong || []") if start >= since_ms]
        if not ends or now - max(ends) >= quiet_ms:
            return now
        page.wait_for_timeout(250)
    return page.evaluate("() => performance.timeOrigin + performance.now()")


def _safe(frame, script: str):
    try:
        return frame.evaluate(script)
    except PlaywrightError:  # a frame gone meanwhile
        return []


def _clusters(frame) -> int:
    return frame.evaluate("() => document.querySelectorAll('.marker-cluster, path.atlas-incident').length")


def _wait_clusters(frame, present: bool, timeout_s: float = 120) -> float:
    """Epoch ms when the incidents are drawn (``present``) or gone."""
    condition = "n > 0" if present else "n === 0"
    frame.wait_for_function(f"() => {{ const n = document.querySelectorAll("
                            f"'.marker-cluster, path.atlas-incident').length; return {condition}; }}",
                            timeout=timeout_s * 1000, polling=20)
    return frame.evaluate("() => performance.timeOrigin + performance.now()")


def _toggle(page, frame, received: list[int]) -> dict:
    box = frame.locator(".leaflet-control-layers-overlays label", has_text="Past incidents").locator("input")
    evals_before = frame.evaluate(EVALS)
    figures = {}
    for step, present in (("off", False), ("on", True)):
        received[0] = 0
        start = frame.evaluate("() => performance.timeOrigin + performance.now()")
        box.click()
        _log("clicked", step)
        drawn = _wait_clusters(frame, present)
        settled = _settle(page, start)
        longest = max(_long_tasks(page, start), default=0.0)
        figures[step] = {"redrawn_s": round((drawn - start) / 1000, 3),
                         "settled_s": round((settled - start) / 1000, 3),
                         "longest_task_ms": round(longest), "ws_bytes": received[0],
                         "drawn_after_settling": _clusters(frame) > 0}
    figures["overlay_evals"] = frame.evaluate(EVALS) - evals_before
    # The same from the sidebar's checkbox: a rerun, and the map sent again.
    sidebar = page.get_by_role("checkbox", name="Past incidents")
    for step, present in (("sidebar_off", False), ("sidebar_on", True)):
        received[0] = 0
        evals = frame.evaluate(EVALS)
        start = frame.evaluate("() => performance.timeOrigin + performance.now()")
        sidebar.click(force=True)
        _log("clicked", step)
        drawn = _wait_clusters(frame, present)
        settled = _settle(page, start)
        figures[step] = {"redrawn_s": round((drawn - start) / 1000, 3),
                         "settled_s": round((settled - start) / 1000, 3),
                         "longest_task_ms": round(max(_long_tasks(page, start), default=0.0)),
                         "ws_bytes": received[0], "drawn_after_settling": _clusters(frame) > 0,
                         "overlay_evals": frame.evaluate(EVALS) - evals}
    return figures


def _log(*args) -> None:
    print(time.strftime("%H:%M:%S"), *args, file=sys.stderr, flush=True)


def visit(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    context.route("**/*", loopback_only(outside))
    context.add_init_script(PROBE)
    page = context.new_page()
    received = [0]

    def on_socket(socket) -> None:
        socket.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    page.on("websocket", on_socket)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="commit")
    origin = page.evaluate("() => performance.timeOrigin")
    frame = _map_frame(page)
    _log("map frame", frame.url[:80])
    frame.wait_for_function("() => window.__atlasFirstDraw", timeout=180_000, polling=50)
    first = frame.evaluate("() => window.__atlasFirstDraw")
    _log("first draw")
    settled = _settle(page, origin)
    _log("settled")
    result = {"first_draw_s": round((first - origin) / 1000, 3),
              "settled_s": round((settled - origin) / 1000, 3),
              "longest_task_ms": round(max(_long_tasks(page, origin), default=0.0)),
              "load_ws_bytes": received[0],
              "fed_on_the_map": frame.evaluate(
                  "() => (window.feature_group || []).some(g => typeof g.atlasReady === 'function')")}
    result["toggle"] = _toggle(page, frame, received)
    result["errors"] = errors
    result["outside"] = outside
    context.close()
    return result


STANDALONE_CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from atlas_ui import webmap
from layers.incidents import incidents_layer
incidents = incidents_layer(Path(sys.argv[2]))
root = Path(sys.argv[3])
webmap.install_scripts(root / "vendor")
parts = webmap.MapParts(webmap.base_map("vendor", center=(30.2, 67.0), zoom=6),
                        [webmap.incidents_overlay(incidents, len(incidents))])
(root / "index.html").write_text(webmap.standalone_html(parts), encoding="utf-8")
"""


def standalone_visit(browser, url: str) -> dict:
    """The incidents overlay alone on a static page (no Streamlit): first draw and longest task."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    outside: list[str] = []
    context.route("**/*", loopback_only(outside))
    context.add_init_script(PROBE)
    page = context.new_page()
    page.goto(url, wait_until="commit")
    origin = page.evaluate("() => performance.timeOrigin")
    page.wait_for_function("() => window.__atlasFirstDraw", timeout=180_000, polling=50)
    first = page.evaluate("() => window.__atlasFirstDraw")
    page.wait_for_timeout(3000)
    result = {"first_draw_s": round((first - origin) / 1000, 3),
              "longest_task_ms": round(max(_long_tasks(page, origin), default=0.0)), "outside": outside}
    context.close()
    return result


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def standalone_pages(trees: dict[str, str], csv_path: Path, tmp: Path, stack) -> dict[str, str]:
    import functools
    import subprocess
    import threading
    from http.server import ThreadingHTTPServer
    urls = {}
    for name, tree in trees.items():
        root = tmp / f"standalone-{name}"
        root.mkdir()
        subprocess.run([sys.executable, "-c", STANDALONE_CHILD, tree, str(csv_path), str(root)], cwd=tree, check=True)
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    return urls


def map_html_bytes(csv_path: Path) -> int:
    from atlas_ui import webmap
    from geo.articles import article_paths, read_article
    from layers.build import article_places, build_layers
    from layers.incidents import incidents_layer
    from tests.builtin import ARTICLES_DIR, BUILT_IN
    layers = build_layers(article_places([read_article(path) for path in article_paths(ARTICLES_DIR)]), BUILT_IN)
    layers["incidents"] = incidents_layer(csv_path)
    parts = webmap.build_map(layers, layers["incidents"], {}, asset_base="/app/static/vendor")
    return len(webmap.standalone_html(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pause", type=float, default=5.0, help="seconds between two visits")
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH of a checkout (default: this one)")
    parser.add_argument("--baseline", action="store_true",
                        help="also visit each tree's dashboard with its 19 built-in incidents (the page's own floor)")
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.tree) or {"this": str(REPO)}
    from contextlib import ExitStack

    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        csv_path = write_synthetic_incidents(Path(tmp) / "incidents.csv", args.count)
        print(json.dumps({"map_html_bytes_this_tree": map_html_bytes(csv_path)}), flush=True)
        urls = {}
        servers = {name: (tree, True) for name, tree in trees.items()}
        if args.baseline:
            servers.update({f"{name}, built-in incidents": (tree, False) for name, tree in trees.items()})
        for number, (name, (tree, many)) in enumerate(servers.items()):
            port = free_port()
            env = {**__import__("os").environ, HOME_ENV: str(Path(tmp) / f"home-{number}")}
            env.pop(INCIDENTS_ENV, None)
            if many:
                env[INCIDENTS_ENV] = str(csv_path)
            command = [sys.executable, "-m", "streamlit", "run", str(Path(tree) / "dashboard.py"),
                       "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
            urls[name] = stack.enter_context(running_server(command, Path(tree), port, env=env, wait_s=120))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        alone = standalone_pages(trees, csv_path, Path(tmp), stack)
        alone_results: dict[str, list[dict]] = {name: [] for name in trees}
        for run in range(args.runs):
            for name, url in alone.items():
                result = standalone_visit(browser, url)
                alone_results[name].append(result)
                print(json.dumps({"tree": name, "standalone_run": run + 1, **result}), flush=True)
        for name in trees:
            print(json.dumps({"tree": name, "standalone_medians": {
                key: statistics.median(r[key] for r in alone_results[name])
                for key in ("first_draw_s", "longest_task_ms")}}), flush=True)
        results: dict[str, list[dict]] = {name: [] for name in urls}
        for name, url in urls.items():  # warm-up: the server's first run reads and builds everything
            print(json.dumps({"tree": name, "warm_up": visit(browser, url)}), flush=True)
        for run in range(args.runs):
            for name, url in urls.items():
                time.sleep(args.pause)  # the servers idle again (a closed page's session is dropped)
                result = visit(browser, url)
                results[name].append(result)
                print(json.dumps({"tree": name, "run": run + 1, **result}), flush=True)
        browser.close()

    def median(name: str, *path: str) -> float:
        values = []
        for result in results[name]:
            value = result
            for key in path:
                value = value[key]
            values.append(value)
        return statistics.median(values)

    for name in results:
        print(json.dumps({"tree": name, "medians": {
            "first_draw_s": median(name, "first_draw_s"), "settled_s": median(name, "settled_s"),
            "longest_task_ms": median(name, "longest_task_ms"), "load_ws_bytes": median(name, "load_ws_bytes"),
            **{f"toggle_{step}_{key}": median(name, "toggle", step, key)
               for step in ("off", "on", "sidebar_off", "sidebar_on")
               for key in ("redrawn_s", "settled_s", "longest_task_ms", "ws_bytes")},
            "toggle_overlay_evals": median(name, "toggle", "overlay_evals")}}), flush=True)


if __name__ == "__main__":
    main()
