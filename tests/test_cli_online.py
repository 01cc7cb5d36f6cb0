"""The CLI's opt-in online geocoder against loopback servers: answers, hangs and refusals,
broken caches and bad time limits."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_geocoders_online import FakeNominatim, answer_never, answer_places, serve  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _places_online(url: str, tmp_path: Path, text: str,
                   **extra_env: str) -> subprocess.CompletedProcess:
    article = tmp_path / "report.txt"
    article.write_text(text, encoding="utf-8")
    env = {**os.environ, "INCIDENT_ATLAS_NOMINATIM_URL": url,
           "INCIDENT_ATLAS_CACHE_DIR": str(tmp_path / "cache"), "NO_PROXY": "127.0.0.1",
           **extra_env}
    return subprocess.run([sys.executable, "-m", "atlas_cli.main", "places", "--geocoder", "nominatim",
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
    result = _places_online(server.url, tmp_path, "Gunmen fired at a checkpost in Sibi and in Mach.",
                            INCIDENT_ATLAS_NOMINATIM_DEADLINE="1")
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


def _notice_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines()
            if line.startswith("incident-atlas: notice: ")]


@pytest.mark.parametrize("breakage", ["corrupt-file", "folder-is-a-file"])
def test_broken_cache_costs_one_notice_not_the_run(serve, tmp_path: Path, breakage: str) -> None:
    server: FakeNominatim = serve(answer_places)
    if breakage == "corrupt-file":
        (tmp_path / "cache").mkdir()
        (tmp_path / "cache" / "geocode.sqlite3").write_bytes(b"not an SQLite file\n" * 100)
    else:
        (tmp_path / "cache").write_text("a file where the cache folder should be\n")
    result = _places_online(server.url, tmp_path,
                            "Troops reached the Quetta railway station and then Sibi.")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    features = _features(result)
    assert set(features) == {"Quetta railway station", "Sibi"}
    station = features["Quetta railway station"]["properties"]["source"]
    assert station.startswith("OpenStreetMap Nominatim")  # still asked online, without the cache
    [notice] = _notice_lines(result)
    assert notice.startswith("incident-atlas: notice: Geocoder cache ")
    assert "going on without it" in notice
    assert result.stderr.splitlines() == [notice]


def test_run_budget_stops_asking_and_falls_back_offline(serve, tmp_path: Path) -> None:
    server: FakeNominatim = serve(answer_never)
    result = _places_online(server.url, tmp_path,
                            "Gunmen fired at a checkpost in Sibi and in Mach.",
                            INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET="0.5")
    assert len(server.searches) == 1  # the budget ran out during the first query: no second one
    assert result.returncode == 0, result.stderr
    features = _features(result)
    assert set(features) == {"Sibi", "Mach"}
    assert all("GeoNames" in f["properties"]["source"] for f in features.values())
    [notice] = _notice_lines(result)
    assert "run budget of 0.5 s used up" in notice
    assert len(server.searches) == 1


@pytest.mark.parametrize("variable", ["INCIDENT_ATLAS_NOMINATIM_DEADLINE",
                                      "INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_non_finite_time_limit_is_a_one_line_error(serve, tmp_path: Path, variable: str,
                                                   value: str) -> None:
    server: FakeNominatim = serve(answer_places)
    result = _places_online(server.url, tmp_path, "Troops reached Sibi.", **{variable: value})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"incident-atlas: error: {variable} must be a positive, finite number of seconds, "
        f"not {value!r}"]
    assert server.requests == []
