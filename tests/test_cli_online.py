"""The CLI's opt-in online geocoder against loopback servers: answers, hangs and refusals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .test_geocoders_online import FakeNominatim, answer_never, answer_places, serve  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _places_online(url: str, tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    article = tmp_path / "report.txt"
    article.write_text(text, encoding="utf-8")
    env = {**os.environ, "INCIDENT_ATLAS_NOMINATIM_URL": url,
           "INCIDENT_ATLAS_CACHE_DIR": str(tmp_path / "cache"), "NO_PROXY": "127.0.0.1"}
    return subprocess.run([sys.executable, "-m", "layers.cli", "places", "--geocoder", "nominatim",
                           str(article)], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def _features(result: subprocess.CompletedProcess) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in json.loads(result.stdout)["features"]}


def test_online_answer_replaces_the_offline_position(serve, tmp_path: Path) -> None:
    server: FakeNominatim = serve(answer_places)
    result = _places_online(server.url, tmp_path, "Troops reached the Quetta railway station on Monday.")
    assert result.returncode == 0, result.stderr
    station = _features(result)["Quetta railway station"]
    assert station["properties"]["source"].startswith("OpenStreetMap Nominatim")
    assert station["geometry"]["coordinates"] == [67.0143, 30.2036]
    assert server.searches, "the online geocoder was never asked"


def test_hung_server_falls_back_offline_with_one_notice(serve, tmp_path: Path) -> None:
    server: FakeNominatim = serve(answer_never)
    # A short deadline keeps the test quick; the CLI default is ten seconds.
    os.environ["INCIDENT_ATLAS_NOMINATIM_DEADLINE"] = "1"
    try:
        result = _places_online(server.url, tmp_path, "Gunmen fired at a checkpost in Sibi and in Mach.")
    finally:
        del os.environ["INCIDENT_ATLAS_NOMINATIM_DEADLINE"]
    assert result.returncode == 0
    features = _features(result)
    assert set(features) == {"Sibi", "Mach"}
    assert all("GeoNames" in f["properties"]["source"] for f in features.values())
    notices = [line for line in result.stderr.splitlines() if "notice" in line]
    assert len(notices) == 1 and "offline" in notices[0]
    assert len(server.searches) == 1  # asked once, then never again in this run


def test_online_answer_far_from_the_offline_place_is_not_taken(serve, tmp_path: Path) -> None:
    from geo.places import places_in_text
    from geopy.location import Location

    class FarAway:
        def geocode(self, query: str):
            return Location(query, (0.0, 0.0), {"name": query, "kind": "town", "precision_km": 1.0,
                                                 "source": "elsewhere"})

    [place] = places_in_text("Gunmen attacked a checkpost in Turbat.", "t.txt", geocoder=FarAway())
    assert place.entry.source.startswith("GeoNames") and abs(place.entry.lat - 26.0) < 0.1
