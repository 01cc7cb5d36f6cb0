"""Tests for the online geocoding path: Nominatim, cache, fallback, factory.

No test touches the network beyond 127.0.0.1: each starts a small HTTP server
on a free loopback port that plays Nominatim (or a broken Nominatim).  No test
sleeps for the rate limiter: a fake clock and sleep are injected and the
requested waits are asserted instead.  The only wall-clock numbers are
generous guards that turn a hang into a failure instead of a stuck run.
"""
from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.exc import (
    GeocoderParseError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.location import Location

from geo.geocoders import (
    RAW_KEYS,
    FallbackGeocoder,
    Geocoder,
    GeocoderNotice,
    NominatimGeocoder,
    QueryCache,
    online_geocoder,
)
from geo.geocoders.cache import default_cache_path, normalise_query
from geo.geocoders.nominatim import nominatim_kind, nominatim_precision_km
from geo.records import KINDS

USER_AGENT = "incident-atlas-tests/0 (loopback only)"
LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
#: How long a test waits for a geocode call before declaring it hung.  Only a
#: guard against a stuck run: far above any deadline used here.
HANG_GUARD_S = 20.0


# ---------------------------------------------------------------------------
# A loopback Nominatim
# ---------------------------------------------------------------------------

#: jsonv2-style records the fake server knows, keyed by casefolded query.
PLACES: dict[str, dict[str, Any]] = {
    "quetta": {
        "place_id": 101, "licence": LICENCE, "osm_type": "relation", "osm_id": 8657446,
        "lat": "30.1916", "lon": "67.0096", "category": "boundary", "class": "boundary",
        "type": "administrative", "addresstype": "city", "place_rank": 16,
        "name": "Quetta", "display_name": "Quetta, Quetta District, Balochistan, Pakistan",
        # 0.2° of latitude, no longitude: diagonal ≈ 22.2 km, half ≈ 11.1 km.
        "boundingbox": ["30.0916", "30.2916", "67.0096", "67.0096"],
    },
    "balochistan": {
        "place_id": 102, "licence": LICENCE, "osm_type": "relation", "osm_id": 307573,
        "lat": "28.3", "lon": "65.9", "class": "boundary", "type": "administrative",
        "addresstype": "state", "place_rank": 8, "name": "Balochistan",
        "display_name": "Balochistan, Pakistan",
        "boundingbox": ["24.8", "32.1", "60.8", "70.3"],
    },
    "indus": {
        "place_id": 103, "licence": LICENCE, "osm_type": "relation", "osm_id": 192794,
        "lat": "25.4", "lon": "68.3", "class": "waterway", "type": "river",
        "addresstype": "river", "place_rank": 19, "name": "Indus",
        "display_name": "Indus, Sindh, Pakistan",
        "boundingbox": ["23.9", "35.9", "66.6", "81.8"],
    },
    "quetta railway station": {
        "place_id": 104, "licence": LICENCE, "osm_type": "node", "osm_id": 2464587123,
        "lat": "30.2036", "lon": "67.0143", "class": "railway", "type": "station",
        "addresstype": "railway", "place_rank": 30, "name": "Quetta Railway Station",
        "display_name": "Quetta Railway Station, Quetta, Balochistan, Pakistan",
        "boundingbox": ["30.2035", "30.2037", "67.0142", "67.0144"],
    },
}

Responder = Callable[["_Handler", dict[str, list[str]]], None]


class FakeNominatim:
    """A ThreadingHTTPServer on a free loopback port that records its requests."""

    def __init__(self, responder: Responder) -> None:
        """Start serving in a daemon thread with ``responder`` writing answers."""
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()  # set at teardown to free hung handlers
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll interval so shutdown() at teardown returns promptly.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    @property
    def searches(self) -> list[dict[str, Any]]:
        """Requests made to /search (everything a geocode call sends)."""
        return [r for r in self.requests if r["path"] == "/search"]

    def stop(self) -> None:
        """Free hung handlers, stop serving and close the listening socket."""
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class _Handler(BaseHTTPRequestHandler):
    """Records each GET, then lets the server's responder answer it."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        """Record the request and hand it to the responder."""
        fake: FakeNominatim = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        params = parse_qs(parts.query)
        fake.requests.append({"path": parts.path, "params": params, "headers": dict(self.headers)})
        fake.responder(self, params)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep test output quiet."""

    def send_body(self, status: int, content_type: str, body: bytes) -> None:
        """Write a complete HTTP response."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def answer_places(handler: _Handler, params: dict[str, list[str]]) -> None:
    """Answer like Nominatim: a JSON list with the known place, or []."""
    query = " ".join(params.get("q", [""])[0].casefold().split())
    found = [PLACES[query]] if query in PLACES else []
    handler.send_body(200, "application/json; charset=utf-8", json.dumps(found).encode())


def answer_never(handler: _Handler, params: dict[str, list[str]]) -> None:
    """Accept the request and never answer (until the test ends)."""
    handler.server.fake.release.wait(60)  # type: ignore[attr-defined]


def answer_dribbling(handler: _Handler, params: dict[str, list[str]]) -> None:
    """Send headers, then a byte every 50 ms: never a socket timeout, never done."""
    fake: FakeNominatim = handler.server.fake  # type: ignore[attr-defined]
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", "100000")
    handler.end_headers()
    try:
        while not fake.release.wait(0.05):
            handler.wfile.write(b" ")
            handler.wfile.flush()
    except OSError:
        pass  # the client gave up and closed the connection: that's the point


def answer_raw(status: int, content_type: str, body: bytes) -> Responder:
    """Return a responder that always sends this exact response."""
    def respond(handler: _Handler, params: dict[str, list[str]]) -> None:
        handler.send_body(status, content_type, body)
    return respond


#: Answers that are not a usable Nominatim answer, each with an id for pytest.
GARBAGE: list[tuple[str, Responder]] = [
    ("html-page", answer_raw(200, "text/html", b"<html><body>Please log in to the Wi-Fi</body></html>")),
    ("invalid-json", answer_raw(200, "application/json", b'[{"lat": "30.1", ')),
    ("json-object", answer_raw(200, "application/json", b'{"places": [{"lat": "30.1"}]}')),
    ("empty-json-object", answer_raw(200, "application/json", b"{}")),
    ("list-of-strings", answer_raw(200, "application/json", b'["Quetta"]')),
    ("place-without-lat", answer_raw(200, "application/json", b'[{"display_name": "Quetta", "lon": "67"}]')),
    ("nominatim-error", answer_raw(200, "application/json", b'{"error": "Internal error"}')),
    ("http-500", answer_raw(500, "text/html", b"<h1>Internal Server Error</h1>")),
]


@pytest.fixture
def serve() -> Iterator[Callable[[Responder], FakeNominatim]]:
    """Start loopback fake Nominatims on demand; stop them all afterwards."""
    started: list[FakeNominatim] = []

    def start(responder: Responder) -> FakeNominatim:
        server = FakeNominatim(responder)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def closed_port_url() -> str:
    """URL of a loopback port nobody listens on (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


# ---------------------------------------------------------------------------
# Fakes and helpers
# ---------------------------------------------------------------------------


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        """Start at an arbitrary non-zero time."""
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        """Return the current fake time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Record the requested wait and move time forward instead of waiting."""
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


class StaticGeocoder:
    """An offline stand-in: fixed answers, records what it was asked."""

    name = "static"

    def __init__(self, answers: dict[str, Location] | None = None) -> None:
        """Answer the given queries; everything else is a miss."""
        self.answers = answers or {}
        self.queries: list[str] = []

    def geocode(self, query: str) -> Location | None:
        """Return the fixed answer for ``query`` or None."""
        self.queries.append(query)
        return self.answers.get(query)


class FailingGeocoder:
    """A primary that always raises the given exception and counts calls."""

    name = "failing"

    def __init__(self, exc: BaseException) -> None:
        """Raise ``exc`` from every geocode call."""
        self.exc = exc
        self.calls = 0

    def geocode(self, query: str) -> Location | None:
        """Count the call, then fail."""
        self.calls += 1
        raise self.exc


class CountingGeocoder:
    """Wraps a geocoder and counts how often it is asked."""

    def __init__(self, inner: Geocoder) -> None:
        """Wrap ``inner``."""
        self.inner = inner
        self.calls = 0

    def geocode(self, query: str) -> Location | None:
        """Count, then delegate."""
        self.calls += 1
        return self.inner.geocode(query)


OFFLINE_QUETTA = Location(
    "Quetta, Balochistan, Pakistan",
    (30.18, 66.99),
    {"name": "Quetta", "kind": "city", "precision_km": 8.0, "source": "offline test gazetteer"},
)


@pytest.fixture
def offline() -> StaticGeocoder:
    """The offline gazetteer stand-in, knowing Quetta and Turbat."""
    turbat = Location(
        "Turbat, Balochistan, Pakistan",
        (26.0, 63.05),
        {"name": "Turbat", "kind": "town", "precision_km": 4.0, "source": "offline test gazetteer"},
    )
    return StaticGeocoder({"Quetta": OFFLINE_QUETTA, "Turbat": turbat})


def make_nominatim(url: str, clock: FakeClock, **kwargs: Any) -> NominatimGeocoder:
    """A NominatimGeocoder on ``url`` that never really sleeps."""
    return NominatimGeocoder(USER_AGENT, url=url, clock=clock, sleep=clock.sleep, **kwargs)


def call_guarded(func: Callable[..., Any], *args: Any) -> Any:
    """Run ``func(*args)`` in a thread; fail the test if it does not return.

    The guard keeps a broken deadline from hanging the whole test run.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - re-raised below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_S)
    assert not thread.is_alive(), "geocode did not return: the deadline is not enforced"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ---------------------------------------------------------------------------
# NominatimGeocoder against a well-behaved server
# ---------------------------------------------------------------------------


def test_nominatim_answer_becomes_atlas_location(serve, clock):
    server = serve(answer_places)
    geocoder = make_nominatim(server.url, clock)

    found = geocoder.geocode("Quetta")

    assert isinstance(geocoder, Geocoder)
    assert found is not None
    assert (found.latitude, found.longitude) == pytest.approx((30.1916, 67.0096))
    assert found.address == "Quetta, Quetta District, Balochistan, Pakistan"
    assert set(RAW_KEYS) <= set(found.raw)
    assert found.raw["name"] == "Quetta"
    assert found.raw["kind"] == "city"
    assert found.raw["precision_km"] == pytest.approx(11.1, rel=0.01)
    assert found.raw["source"] == "OpenStreetMap Nominatim (ODbL), relation/8657446"
    assert found.raw["osm_id"] == 8657446  # provider extras are kept
    assert found.raw["licence"] == LICENCE

    (request,) = server.searches
    assert request["headers"]["User-Agent"] == USER_AGENT
    assert request["params"]["countrycodes"] == ["pk"]
    assert request["params"]["q"] == ["Quetta"]


def test_loopback_server_is_reached_despite_a_system_proxy(serve, clock, monkeypatch,
                                                            closed_port_url):
    # A proxy from the environment cannot reach our own loopback server.
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", closed_port_url)
    monkeypatch.setenv("HTTP_PROXY", closed_port_url)
    server = serve(answer_places)
    assert make_nominatim(server.url, clock).geocode("Quetta") is not None
    assert len(server.searches) == 1


@pytest.mark.parametrize(
    ("query", "kind"),
    [("Balochistan", "province"), ("Indus", "water"), ("Quetta railway station", "station")],
)
def test_nominatim_kinds(serve, clock, query, kind):
    found = make_nominatim(serve(answer_places).url, clock).geocode(query)
    assert found is not None
    assert found.raw["kind"] == kind
    assert found.raw["kind"] in KINDS
    assert found.raw["precision_km"] >= 0.5


def test_tiny_bounding_box_is_floored_at_half_a_km(serve, clock):
    found = make_nominatim(serve(answer_places).url, clock).geocode("Quetta railway station")
    assert found is not None
    assert found.raw["precision_km"] == 0.5


def test_no_match_is_none(serve, clock):
    assert make_nominatim(serve(answer_places).url, clock).geocode("Atlantis") is None


def test_country_filter_can_be_switched_off(serve, clock):
    server = serve(answer_places)
    make_nominatim(server.url, clock, country_codes=None).geocode("Quetta")
    assert "countrycodes" not in server.searches[0]["params"]


@pytest.mark.parametrize(
    ("place", "kind"),
    [
        ({"addresstype": "country"}, "country"),
        ({"addresstype": "state_district"}, "region"),
        ({"addresstype": "county"}, "district"),
        ({"addresstype": "town"}, "town"),
        ({"class": "place", "type": "hamlet"}, "village"),
        ({"category": "natural", "type": "water"}, "water"),
        ({"class": "public_transport", "type": "station", "addresstype": "amenity"}, "station"),
        ({"class": "boundary", "type": "administrative", "place_rank": 12}, "district"),
        ({"class": "amenity", "type": "hospital", "addresstype": "amenity"}, "landmark"),
        ({}, "landmark"),
    ],
)
def test_kind_mapping(place, kind):
    assert nominatim_kind(place) == kind


def test_precision_without_bounding_box_uses_kind_default():
    assert nominatim_precision_km({"boundingbox": ["x", "1", "2", "3"]}, "city") == 10.0
    assert nominatim_precision_km({}, "landmark") == 0.5


# ---------------------------------------------------------------------------
# Rate limiting (fake clock: asserts the requested waits, never waits)
# ---------------------------------------------------------------------------


def test_rate_limiter_waits_one_second_between_requests(serve, clock):
    server = serve(answer_places)
    geocoder = make_nominatim(server.url, clock)

    geocoder.geocode("Quetta")
    assert clock.sleeps == []  # the first request goes at once
    geocoder.geocode("Balochistan")

    assert clock.sleeps == [pytest.approx(1.0)]
    assert len(server.searches) == 2


def test_rate_limiter_does_not_wait_after_a_pause_or_for_cache_hits(serve, clock, tmp_path):
    server = serve(answer_places)
    geocoder = make_nominatim(server.url, clock, cache=QueryCache(tmp_path / "c.sqlite3"))

    geocoder.geocode("Quetta")
    geocoder.geocode("Quetta")  # cache hit: no request, so no slot used
    clock.now += 5.0            # the user paused: the next slot is free
    geocoder.geocode("Balochistan")

    assert clock.sleeps == []
    assert len(server.searches) == 2


# ---------------------------------------------------------------------------
# Failures: hung, dribbling, garbage, refused
# ---------------------------------------------------------------------------


def test_hung_server_falls_back_once_without_retries(serve, clock, offline):
    server = serve(answer_never)
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(
        make_nominatim(server.url, clock, timeout=0.5, deadline=1.0), offline, notices.append
    )

    found = call_guarded(geocoder.geocode, "Quetta")
    again = call_guarded(geocoder.geocode, "Turbat")

    assert found is OFFLINE_QUETTA
    assert again is not None and again.raw["name"] == "Turbat"
    assert len(server.searches) == 1  # no adapter retries, no second query
    assert len(notices) == 1 and geocoder.notices == notices
    assert notices[0].message.startswith(
        "Online geocoder unavailable (timed out after 0.5 s); "
        "using the offline gazetteer for 'Quetta'"
    )
    assert notices[0].query == "Quetta"
    assert notices[0].provider == "nominatim"


def test_dribbling_server_is_cut_off_at_the_deadline(serve, clock):
    server = serve(answer_dribbling)
    geocoder = make_nominatim(server.url, clock, timeout=0.5, deadline=1.0)

    with pytest.raises(GeocoderTimedOut, match="incomplete after 1.0 s"):
        call_guarded(geocoder.geocode, "Quetta")
    assert len(server.searches) == 1


@pytest.mark.parametrize("responder", [r for _, r in GARBAGE], ids=[i for i, _ in GARBAGE])
def test_garbage_answer_is_a_service_error_never_a_miss(serve, clock, tmp_path, responder):
    server = serve(responder)
    cache = QueryCache(tmp_path / "c.sqlite3")
    geocoder = make_nominatim(server.url, clock, cache=cache)

    with pytest.raises(GeocoderServiceError) as caught:
        geocoder.geocode("Quetta")

    assert len(str(caught.value)) < 200  # no HTML page quoted into messages
    assert len(cache) == 0  # an error says nothing about the place: not cached


@pytest.mark.parametrize("responder", [r for _, r in GARBAGE], ids=[i for i, _ in GARBAGE])
def test_garbage_answer_falls_back_with_a_notice(serve, clock, offline, responder):
    server = serve(responder)
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(make_nominatim(server.url, clock), offline, notices.append)

    assert geocoder.geocode("Quetta") is OFFLINE_QUETTA
    assert len(notices) == 1
    assert "Online geocoder unavailable (" in notices[0].message
    assert "\n" not in notices[0].message


def test_unparsable_json_is_a_parse_error(serve, clock):
    server = serve(GARBAGE[1][1])
    with pytest.raises(GeocoderParseError, match="not valid JSON"):
        make_nominatim(server.url, clock).geocode("Quetta")


def test_refused_connection_falls_back_and_primary_is_not_asked_again(
    closed_port_url, clock, offline
):
    primary = CountingGeocoder(make_nominatim(closed_port_url, clock))
    notices: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(primary, offline, notices.append)

    assert call_guarded(geocoder.geocode, "Quetta") is OFFLINE_QUETTA
    turbat = call_guarded(geocoder.geocode, "Turbat")

    assert turbat is not None and turbat.raw["name"] == "Turbat"
    assert primary.calls == 1
    assert offline.queries == ["Quetta", "Turbat"]
    assert len(notices) == 1
    assert "connection refused" in notices[0].message
    assert not geocoder.primary_enabled


def test_refused_connection_is_geocoder_unavailable(closed_port_url, clock):
    with pytest.raises(GeocoderUnavailable, match="cannot connect to 127.0.0.1"):
        make_nominatim(closed_port_url, clock).geocode("Quetta")


# ---------------------------------------------------------------------------
# FallbackGeocoder on its own (no network)
# ---------------------------------------------------------------------------


def test_fallback_prefers_primary_answer(offline):
    online_quetta = Location("Quetta", (30.19, 67.01), dict(OFFLINE_QUETTA.raw, source="online"))
    geocoder = FallbackGeocoder(StaticGeocoder({"Quetta": online_quetta}), offline)
    assert geocoder.geocode("Quetta") is online_quetta
    assert offline.queries == []
    assert geocoder.notices == []


def test_fallback_asks_fallback_on_definite_miss_without_notice(offline):
    primary = StaticGeocoder()
    geocoder = FallbackGeocoder(primary, offline)
    assert geocoder.geocode("Quetta") is OFFLINE_QUETTA
    assert geocoder.geocode("Turbat") is not None
    assert primary.queries == ["Quetta", "Turbat"]  # a miss does not disable it
    assert geocoder.notices == []


@pytest.mark.parametrize(
    "exc",
    [GeocoderTimedOut("timed out after 2.0 s"), OSError("network is unreachable"),
     GeocoderParseError("answer is not valid JSON")],
)
def test_fallback_notice_on_failure_and_no_second_try(offline, exc):
    primary = FailingGeocoder(exc)
    received: list[GeocoderNotice] = []
    geocoder = FallbackGeocoder(primary, offline, received.append)

    assert geocoder.geocode("Quetta") is OFFLINE_QUETTA
    geocoder.geocode("Turbat")
    geocoder.geocode("Quetta")

    assert primary.calls == 1
    assert received == geocoder.notices
    (notice,) = received
    assert notice.message == (
        f"Online geocoder unavailable ({exc}); using the offline gazetteer for 'Quetta'"
        " and for the remaining places in this run."
    )
    assert notice.provider == "failing"


def test_fallback_does_not_swallow_programming_errors(offline):
    geocoder = FallbackGeocoder(FailingGeocoder(KeyError("bug")), offline)
    with pytest.raises(KeyError):
        geocoder.geocode("Quetta")


# ---------------------------------------------------------------------------
# QueryCache
# ---------------------------------------------------------------------------


def test_cache_answers_repeats_and_variants_without_a_request(serve, clock, tmp_path):
    server = serve(answer_places)
    geocoder = make_nominatim(server.url, clock, cache=QueryCache(tmp_path / "c.sqlite3"))

    first = geocoder.geocode("Quetta")
    second = geocoder.geocode("Quetta")
    variant = geocoder.geocode("  QUETTA \t")

    assert len(server.searches) == 1
    assert first is not None and second is not None and variant is not None
    assert (second.point, second.raw, second.address) == (first.point, first.raw, first.address)
    assert variant.raw == first.raw


def test_cache_keeps_definite_misses(serve, clock, tmp_path):
    server = serve(answer_places)
    cache = QueryCache(tmp_path / "c.sqlite3")
    geocoder = make_nominatim(server.url, clock, cache=cache)

    assert geocoder.geocode("Atlantis") is None
    assert geocoder.geocode("atlantis") is None

    assert len(server.searches) == 1
    assert cache.get(geocoder.provider, "ATLANTIS") == (True, None)


def test_cache_does_not_keep_errors(serve, clock, tmp_path):
    server = serve(GARBAGE[0][1])
    cache = QueryCache(tmp_path / "c.sqlite3")
    geocoder = make_nominatim(server.url, clock, cache=cache)

    with pytest.raises(GeocoderServiceError):
        geocoder.geocode("Quetta")
    assert cache.get(geocoder.provider, "Quetta") == (False, None)

    server.responder = answer_places  # the server recovers
    found = geocoder.geocode("Quetta")

    assert found is not None and found.raw["kind"] == "city"
    assert len(server.searches) == 2  # asked again, not answered from cache


def test_cache_survives_reopening(serve, clock, tmp_path):
    server = serve(answer_places)
    path = tmp_path / "sub" / "geocode.sqlite3"
    with QueryCache(path) as cache:
        before = make_nominatim(server.url, clock, cache=cache).geocode("Quetta")
        make_nominatim(server.url, clock, cache=cache).geocode("Atlantis")

    with QueryCache(path) as reopened:
        geocoder = make_nominatim(server.url, FakeClock(), cache=reopened)
        after = geocoder.geocode("quetta")
        miss = geocoder.geocode("Atlantis")

    assert len(server.searches) == 2
    assert before is not None and after is not None
    assert (after.latitude, after.longitude, after.raw) == (
        before.latitude, before.longitude, before.raw)
    assert miss is None


def test_cache_is_per_provider_settings(serve, clock, tmp_path):
    server = serve(answer_places)
    cache = QueryCache(tmp_path / "c.sqlite3")
    make_nominatim(server.url, clock, cache=cache).geocode("Quetta")
    make_nominatim(server.url, clock, cache=cache, country_codes=None).geocode("Quetta")
    assert len(server.searches) == 2  # another country filter may answer differently


def test_cache_round_trip_and_key_normalisation(tmp_path):
    cache = QueryCache(tmp_path / "c.sqlite3")
    cache.put("p", "Dera  Bugti", OFFLINE_QUETTA)
    found, location = cache.get("p", "dera bugti")
    assert found and location is not None
    assert (location.address, location.point, location.raw) == (
        OFFLINE_QUETTA.address, OFFLINE_QUETTA.point, OFFLINE_QUETTA.raw)
    assert cache.get("other provider", "Dera Bugti") == (False, None)
    assert normalise_query("  Ḏera\u0301 BUGTI ") == normalise_query("ḏer\u00e1 bugti")


def test_cache_is_usable_from_several_threads(tmp_path):
    cache = QueryCache(tmp_path / "c.sqlite3")

    def work(n: int) -> None:
        for i in range(20):
            cache.put("p", f"place {n} {i}", None)
            assert cache.get("p", f"PLACE {n} {i}") == (True, None)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG_GUARD_S)
    assert len(cache) == 80


def test_default_cache_path(monkeypatch, tmp_path):
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(tmp_path / "cachedir"))
    assert default_cache_path() == tmp_path / "cachedir" / "geocode.sqlite3"
    assert QueryCache().path == tmp_path / "cachedir" / "geocode.sqlite3"

    monkeypatch.delenv("INCIDENT_ATLAS_CACHE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_path() == tmp_path / "home" / ".cache" / "incident-atlas" / "geocode.sqlite3"


# ---------------------------------------------------------------------------
# The factory
# ---------------------------------------------------------------------------


def test_online_geocoder_reads_environment(serve, monkeypatch, tmp_path, offline):
    server = serve(answer_places)
    monkeypatch.delenv("INCIDENT_ATLAS_USER_AGENT", raising=False)
    monkeypatch.setenv("INCIDENT_ATLAS_NOMINATIM_URL", server.url)
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(tmp_path))

    geocoder = online_geocoder(offline)
    found = geocoder.geocode("Quetta")

    assert isinstance(geocoder, FallbackGeocoder)
    assert found is not None and found.raw["source"].startswith("OpenStreetMap Nominatim")
    assert server.searches[0]["headers"]["User-Agent"] == (
        "incident-atlas/0.1 (offline-first conflict mapping)")
    assert (tmp_path / "geocode.sqlite3").exists()
    assert offline.queries == []


def test_online_geocoder_arguments_beat_environment(serve, closed_port_url, monkeypatch,
                                                    tmp_path, offline):
    server = serve(answer_places)
    monkeypatch.setenv("INCIDENT_ATLAS_USER_AGENT", "from-env/1")
    monkeypatch.setenv("INCIDENT_ATLAS_NOMINATIM_URL", closed_port_url)
    notices: list[GeocoderNotice] = []

    geocoder = online_geocoder(offline, user_agent="from-arg/2", url=server.url,
                               on_notice=notices.append,
                               cache=QueryCache(tmp_path / "c.sqlite3"))
    geocoder.geocode("Quetta")

    assert server.searches[0]["headers"]["User-Agent"] == "from-arg/2"
    assert notices == []


def test_online_geocoder_user_agent_from_environment(serve, monkeypatch, tmp_path, offline):
    server = serve(answer_places)
    monkeypatch.setenv("INCIDENT_ATLAS_USER_AGENT", "from-env/1")
    online_geocoder(offline, url=server.url, cache=QueryCache(tmp_path / "c.sqlite3")).geocode("Quetta")
    assert server.searches[0]["headers"]["User-Agent"] == "from-env/1"


def test_constructor_rejects_bad_settings():
    with pytest.raises(ValueError):
        NominatimGeocoder("  ")
    with pytest.raises(ValueError):
        NominatimGeocoder(USER_AGENT, url="ftp://example.org")
    with pytest.raises(ValueError):
        NominatimGeocoder(USER_AGENT, deadline=0)
