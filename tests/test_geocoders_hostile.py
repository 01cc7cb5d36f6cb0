"""The online geocoder under hostile conditions: broken caches, slow servers, redirects.

Each test here guards one defect of issue #9 (items 7 and 12): a cache fault
or a redirect must cost at most one notice and never the run, and time limits
must be real limits.  Only loopback servers are contacted (the fixtures of
``test_geocoders_online``); the run budget is tested on the fake clock,
except where it must cut a real socket wait short.
"""
from __future__ import annotations

import math
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from geopy.exc import GeocoderServiceError

from geo.geocoders import (
    FallbackGeocoder,
    GeocoderNotice,
    NominatimGeocoder,
    QueryCache,
    online_geocoder,
)

from .test_geocoders_online import (  # noqa: F401 (pytest fixtures: clock, offline, serve)
    OFFLINE_QUETTA,
    USER_AGENT,
    StaticGeocoder,
    _Handler,
    answer_never,
    answer_places,
    call_guarded,
    clock,
    make_nominatim,
    offline,
    serve,
)

#: What a SQLite file that is not one looks like to the cache (a torn copy, a
#: file from another program): no SQLite header.
NOT_A_DATABASE = b"this is not an SQLite file\n" * 200


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def online_with_cache_dir(
    monkeypatch: pytest.MonkeyPatch, cache_dir: Path, url: str, offline: StaticGeocoder
) -> tuple[FallbackGeocoder, list[GeocoderNotice]]:
    """Build the online geocoder as the CLI does, its cache in ``cache_dir``."""
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(cache_dir))
    notices: list[GeocoderNotice] = []
    return online_geocoder(offline, url=url, on_notice=notices.append), notices


def ask_quetta(geocoder: FallbackGeocoder) -> None:
    """Look Quetta up and check the answer came from the server, not the fallback."""
    found = call_guarded(geocoder.geocode, "Quetta")
    assert found is not None and found.raw["source"].startswith("OpenStreetMap Nominatim")
    assert geocoder.primary_enabled  # a cache fault is not an outage


def only_cache_notice(notices: list[GeocoderNotice]) -> GeocoderNotice:
    """Return the single notice, checking it is a one-line notice from the cache."""
    (notice,) = notices
    assert notice.provider == "cache" and notice.query == "Quetta"
    assert "\n" not in notice.message
    return notice


@pytest.fixture
def exclusive_lock() -> Iterator[Callable[[Path], None]]:
    """Take an exclusive SQLite lock on a file, as another process would; free it after."""
    holders: list[sqlite3.Connection] = []

    def hold(path: Path) -> None:
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        connection.execute("BEGIN EXCLUSIVE")
        holders.append(connection)

    yield hold
    for connection in holders:
        connection.close()


# ---------------------------------------------------------------------------
# Cache faults: one notice, then on without the cache (or the bad row)
# ---------------------------------------------------------------------------


def test_corrupt_cache_file_is_bypassed_with_one_notice(serve, monkeypatch, tmp_path, offline):
    server = serve(answer_places)
    (tmp_path / "geocode.sqlite3").write_bytes(NOT_A_DATABASE)
    geocoder, notices = online_with_cache_dir(monkeypatch, tmp_path, server.url, offline)

    ask_quetta(geocoder)

    notice = only_cache_notice(notices)
    assert "file is not a database" in notice.message
    assert "going on without it" in notice.message
    assert len(server.searches) == 1
    assert (tmp_path / "geocode.sqlite3").read_bytes() == NOT_A_DATABASE  # left as found


def test_locked_cache_file_is_bypassed_with_one_notice(serve, monkeypatch, tmp_path, offline,
                                                       exclusive_lock):
    server = serve(answer_places)
    path = tmp_path / "geocode.sqlite3"
    with sqlite3.connect(path) as prepared:
        prepared.execute("CREATE TABLE answers (provider, query, location, stored_at)")
    prepared.close()
    exclusive_lock(path)  # another process is writing and does not let go
    geocoder, notices = online_with_cache_dir(monkeypatch, tmp_path, server.url, offline)
    waits = _lock_waits(monkeypatch)

    ask_quetta(geocoder)

    assert waits == [1.0]  # one short wait for the lock, not SQLite's 5 s
    assert "database is locked" in only_cache_notice(notices).message
    assert len(server.searches) == 1


def _lock_waits(monkeypatch) -> list[float]:
    """The lock timeouts the cache opens its file with, from now on."""
    waits: list[float] = []
    connect = sqlite3.connect

    def recording(*args, **kwargs):
        waits.append(kwargs.get("timeout"))
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", recording)
    return waits


def test_cache_locked_while_an_answer_is_written(serve, monkeypatch, tmp_path, offline,
                                                 exclusive_lock):
    path = tmp_path / "geocode.sqlite3"

    def lock_then_answer(handler: _Handler, params: dict[str, list[str]]) -> None:
        # The cache was read before this request; the lock comes before the write.
        exclusive_lock(path)
        answer_places(handler, params)

    server = serve(lock_then_answer)
    geocoder, notices = online_with_cache_dir(monkeypatch, tmp_path, server.url, offline)

    ask_quetta(geocoder)

    assert "database is locked" in only_cache_notice(notices).message
    assert len(server.searches) == 1


def test_cache_dir_that_is_a_file_is_bypassed_with_one_notice(serve, monkeypatch, tmp_path,
                                                             offline):
    server = serve(answer_places)
    not_a_dir = tmp_path / "cache"
    not_a_dir.write_text("a file where the cache folder should be\n")
    geocoder, notices = online_with_cache_dir(monkeypatch, not_a_dir, server.url, offline)

    ask_quetta(geocoder)

    assert f"not a directory: {str(not_a_dir)!r}" in only_cache_notice(notices).message
    assert len(server.searches) == 1


@pytest.mark.parametrize("where", ["folder-inside-a-file", "cache-file-is-a-folder"])
def test_unwritable_cache_location_is_bypassed_with_one_notice(serve, monkeypatch, tmp_path,
                                                               offline, where):
    # chmod does not stop root, so make places no one can create a file in.
    server = serve(answer_places)
    if where == "folder-inside-a-file":
        (tmp_path / "plain").write_text("a regular file\n")
        cache_dir = tmp_path / "plain" / "cache"
    else:
        cache_dir = tmp_path / "cache"
        (cache_dir / "geocode.sqlite3").mkdir(parents=True)
    geocoder, notices = online_with_cache_dir(monkeypatch, cache_dir, server.url, offline)

    ask_quetta(geocoder)

    assert "is unusable (" in only_cache_notice(notices).message
    assert len(server.searches) == 1


@pytest.mark.parametrize(
    "bad_row",
    [
        '{"address": "Quetta", "point": [30.1',                          # torn JSON
        '["Quetta", 30.1, 67.0]',                                         # JSON, wrong shape
        '{"address": "Quetta", "point": "north", "raw": {}}',             # bad point
        '{"address": "Quetta", "point": [30.1, 67.0, 0], "raw": {"name": "Quetta"}}',  # no kind
    ],
    ids=["torn-json", "json-list", "bad-point", "raw-lacks-contract-keys"],
)
def test_unreadable_cache_row_is_asked_again_with_one_notice(serve, monkeypatch, tmp_path,
                                                             offline, bad_row):
    server = serve(answer_places)
    geocoder, notices = online_with_cache_dir(monkeypatch, tmp_path, server.url, offline)
    provider = geocoder.primary.provider
    with sqlite3.connect(tmp_path / "geocode.sqlite3") as prepared:
        prepared.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT NOT NULL,"
                         " query TEXT NOT NULL,"
                         " location TEXT, stored_at REAL NOT NULL, PRIMARY KEY (provider, query))")
        prepared.execute("INSERT INTO answers VALUES (?, 'quetta', ?, 0)", (provider, bad_row))
    prepared.close()

    ask_quetta(geocoder)

    notice = only_cache_notice(notices)
    assert notice.message.startswith("Geocoder cache entry for 'Quetta' is unreadable (")
    assert len(server.searches) == 1
    # The fresh answer replaced the bad row, and the cache is still in use.
    assert geocoder.primary.cache.get(provider, "Quetta")[1].raw["name"] == "Quetta"
    assert geocoder.primary.cache.enabled


def test_cache_faults_are_reported_once_per_run(serve, clock, tmp_path):
    server = serve(answer_places)
    path = tmp_path / "geocode.sqlite3"
    path.write_bytes(NOT_A_DATABASE)
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(
        make_nominatim(server.url, clock, cache=QueryCache(path, on_notice=notices.append)),
        StaticGeocoder(),
    )

    for name in ("Quetta", "Balochistan", "Quetta", "Indus"):
        assert geocoder.geocode(name) is not None

    assert len(notices) == 1
    assert len(server.searches) == 4  # nothing was cached: every name was asked


# ---------------------------------------------------------------------------
# Time limits: a budget for the whole run; only positive, finite seconds
# ---------------------------------------------------------------------------


def test_run_budget_bounds_many_slow_queries(serve, clock, offline):
    def slow_answer(handler: _Handler, params: dict[str, list[str]]) -> None:
        clock.now += 9.0  # each answer takes 9 s: just inside the 10 s deadline
        answer_places(handler, params)

    server = serve(slow_answer)
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(
        make_nominatim(server.url, clock, deadline=10.0, run_budget=30.0), offline, notices.append
    )
    names = ["Quetta", "Balochistan", "Indus", "Quetta railway station",
             "Turbat", "Sibi", "Mach", "Gwadar", "Zhob", "Chaman"]

    for name in names:
        geocoder.geocode(name)

    assert len(server.searches) == 4  # at 27 s one more was started; at 36 s none
    assert clock.now - 1000.0 == pytest.approx(36.0)  # not 10 × 9 s
    (notice,) = notices
    assert notice.message.startswith(
        "Online geocoder unavailable (run budget of 30 s used up); "
        "using the offline gazetteer for 'Turbat' and for the remaining places in this run."
    )
    assert offline.queries == names[4:]


def test_run_budget_cuts_the_last_request_short(serve, offline):
    server = serve(answer_never)
    notices: list[GeocoderNotice] = []
    # The real clock: the budget must stop a real socket wait, not only the next call.
    online = NominatimGeocoder(USER_AGENT, url=server.url, timeout=5.0, deadline=10.0, run_budget=0.5)
    timeouts: list[float] = []
    ask = online._nominatim.geocode
    online._nominatim.geocode = lambda *args, **kwargs: (timeouts.append(kwargs["timeout"]), ask(*args, **kwargs))[1]
    geocoder = FallbackGeocoder(online, offline, notices.append)

    assert call_guarded(geocoder.geocode, "Quetta") is OFFLINE_QUETTA

    assert len(timeouts) == 1 and timeouts[0] <= 0.5  # the socket waits what is left, not 5 s
    (notice,) = notices
    assert "run budget of 0.5 s used up" in notice.message


@pytest.mark.parametrize("variable", ["INCIDENT_ATLAS_NOMINATIM_DEADLINE",
                                      "INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET"])
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "ten"])
def test_time_limit_from_environment_must_be_positive_and_finite(monkeypatch, tmp_path,
                                                                 offline, variable, value):
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError) as caught:
        online_geocoder(offline)
    assert str(caught.value) == (
        f"{variable} must be a positive, finite number of seconds, not {value!r}")


@pytest.mark.parametrize("setting", ["timeout", "deadline", "run_budget"])
@pytest.mark.parametrize("value", [math.nan, math.inf, -1.0, 0.0])
def test_constructor_rejects_non_finite_or_non_positive_limits(setting, value):
    with pytest.raises(ValueError, match=f"^{setting} must be a positive, finite number"):
        NominatimGeocoder(USER_AGENT, **{setting: value})


# ---------------------------------------------------------------------------
# Redirects: never followed
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_is_not_followed_and_falls_back_offline(serve, clock, offline, status):
    third_party = serve(answer_places)

    def redirect(handler: _Handler, params: dict[str, list[str]]) -> None:
        handler.send_response(status)
        handler.send_header("Location", f"{third_party.url}{handler.path}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    chosen = serve(redirect)
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(make_nominatim(chosen.url, clock), offline, notices.append)

    assert geocoder.geocode("Quetta") is OFFLINE_QUETTA

    assert len(chosen.searches) == 1
    assert third_party.requests == []  # the query never reached the other server
    (notice,) = notices
    chosen_host = chosen.url.removeprefix("http://")
    assert notice.message.startswith(
        f"Online geocoder unavailable ({chosen_host} answered with a redirect ({status}) to "
        f"{third_party.url.removeprefix('http://')}, which is not followed); "
    )


def test_redirect_is_a_service_error_never_a_miss(serve, clock, tmp_path):
    third_party = serve(answer_places)

    def redirect(handler: _Handler, params: dict[str, list[str]]) -> None:
        handler.send_response(302)
        handler.send_header("Location", f"{third_party.url}{handler.path}")
        handler.end_headers()

    geocoder = make_nominatim(serve(redirect).url, clock, cache=QueryCache(tmp_path / "c.sqlite3"))
    with pytest.raises(GeocoderServiceError, match="redirect"):
        geocoder.geocode("Quetta")
    assert len(geocoder.cache) == 0
