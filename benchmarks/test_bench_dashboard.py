"""Server-side cost of the dashboard: script run time (AppTest) and the map's payload size.

Run explicitly (the normal test command skips benchmarks):

    /tmp/venv/bin/python -m pytest benchmarks/test_bench_dashboard.py --benchmark-only -q

Two cases: the seed case (data/incidents.csv, 19 incidents) and 100,000 synthetic
incidents (``layers.synthetic``, seed 7, the same file every time), which the dashboard
reads through the ``INCIDENT_ATLAS_INCIDENTS`` environment variable.

* rerun — ``AppTest.run()`` of ``dashboard.py`` with warm caches: the time a filter or
  layer change costs on the server (what pytest-benchmark times);
* first run — one fresh ``python`` process that imports streamlit, then times the first
  ``AppTest.run()`` (the script's own imports, reading the data, building the layers,
  the map): what the first visitor waits for on the server;
* payload — ``len()`` of the whole folium HTML page for the map (all layers on), and the
  incident layer's share of it.

Benchmarks never fail on a timing; they only check that the dashboard did its work.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import settings
from geo.articles import article_paths, read_article
from atlas_ui import webmap
from layers.build import article_places, build_layers
from tests.builtin import ARTICLES_DIR, BUILT_IN
from layers.incidents import incidents_layer
from layers.synthetic import write_synthetic_incidents

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "dashboard.py")
ENV = settings.INCIDENTS_ENV
SYNTHETIC_COUNT = 100_000
FIRST_RUN_CHILD = """
import json, sys, time
from streamlit.testing.v1 import AppTest
start = time.perf_counter()
app = AppTest.from_file(sys.argv[1], default_timeout=600).run()
elapsed = time.perf_counter() - start
assert not app.exception, [e.value for e in app.exception]
print(json.dumps({"seconds": elapsed, "layers": app.session_state["rendered_layers"]}))
"""


def _no_network_prefix() -> list[str]:
    """``unshare -n`` (an empty network namespace) when this machine allows it."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-n"]
    return []


@pytest.fixture(scope="module")
def synthetic_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synthetic_incidents(tmp_path_factory.mktemp("synthetic") / "incidents.csv", SYNTHETIC_COUNT)


@pytest.fixture(scope="module")
def seed_layers() -> dict:
    return build_layers(article_places([read_article(path) for path in article_paths(ARTICLES_DIR)]), BUILT_IN)


def _first_run(incidents_csv: Path | None) -> dict:
    env = dict(os.environ)
    env.pop(ENV, None)
    if incidents_csv is not None:
        env[ENV] = str(incidents_csv)
    done = subprocess.run([*_no_network_prefix(), sys.executable, "-c", FIRST_RUN_CHILD, APP], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _payload(layers: dict, incidents) -> tuple[int, int]:
    parts = webmap.build_map(layers, incidents, {}, asset_base="/app/static/vendor")
    overlay = next(layer for layer in parts.overlays if layer.key == "incidents")
    share = len(overlay.rows_json) + len(overlay.compact_text)
    return len(webmap.standalone_html(parts)), share


@pytest.mark.parametrize("case", ["seed", "synthetic_100k"])
def test_dashboard_rerun(benchmark, record, case, request, monkeypatch):
    incidents_csv = request.getfixturevalue("synthetic_csv") if case == "synthetic_100k" else None
    if incidents_csv is None:
        monkeypatch.delenv(ENV, raising=False)
    else:
        monkeypatch.setenv(ENV, str(incidents_csv))
    app = AppTest.from_file(APP, default_timeout=600).run()   # fills the caches
    assert not app.exception
    expected = SYNTHETIC_COUNT if incidents_csv else 19
    assert app.session_state["rendered_layers"]["incidents"] == expected

    benchmark.pedantic(app.run, rounds=5, iterations=1, warmup_rounds=1)
    assert not app.exception
    first = _first_run(incidents_csv)
    assert first["layers"]["incidents"] == expected
    record(case=case, incidents=expected, rerun_s_median=benchmark.stats.stats.median,
           first_run_s=round(first["seconds"], 3))


@pytest.mark.parametrize("case", ["seed", "synthetic_100k"])
def test_map_payload(benchmark, record, case, request, seed_layers):
    layers = dict(seed_layers)
    if case == "synthetic_100k":
        layers["incidents"] = incidents_layer(request.getfixturevalue("synthetic_csv"))
    size, incident_share = benchmark.pedantic(_payload, args=(layers, layers["incidents"]), rounds=3,
                                              iterations=1)
    assert size > 0
    record(case=case, incidents=len(layers["incidents"]), map_html_bytes=size,
           incident_layer_bytes=incident_share, bytes_per_incident=round(incident_share / len(layers["incidents"]), 1),
           build_and_render_s_median=benchmark.stats.stats.median)
