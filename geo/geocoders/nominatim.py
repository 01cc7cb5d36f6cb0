"""Online geocoding through OpenStreetMap Nominatim, built on geopy.

:class:`NominatimGeocoder` is geopy's :class:`~geopy.geocoders.Nominatim`
with these things added that an offline-first tool needs:

* a hard limit on how long one query may take (no adapter retries, a total
  time budget), so an unreachable server costs one short wait, not minutes;
* a limit on how long a whole run may spend asking (the *run budget*), so a
  slow server cannot cost one deadline per place name;
* redirects refused rather than followed, so queries go only to the server
  the user chose, and notices name the host actually contacted;
* geopy's :class:`~geopy.extra.rate_limiter.RateLimiter` at one request per
  second, as the Nominatim usage policy requires, with its clock and sleep
  injectable so tests neither wait nor depend on timing;
* answers translated to the Incident Atlas contract (``raw`` carries ``name``,
  ``kind``, ``precision_km`` and ``source``), and answers of the wrong shape
  rejected with :class:`~geopy.exc.GeocoderParseError` instead of guessed at.
"""
from __future__ import annotations

import contextlib
import functools
import http.client
import math
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, Callable, NoReturn
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import HTTPRedirectHandler, HTTPSHandler, ProxyHandler, Request, build_opener

from geopy.adapters import URLLibAdapter
from geopy.distance import distance
from geopy.exc import (
    GeocoderParseError,
    GeocoderQueryError,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo.geocoders.cache import QueryCache
from geo.settings import HOME_COUNTRY

__all__ = [
    "DEFAULT_RUN_BUDGET",
    "DEFAULT_URL",
    "NominatimGeocoder",
    "nominatim_kind",
    "nominatim_precision_km",
]

DEFAULT_URL = "https://nominatim.openstreetmap.org"

#: Seconds one run may spend on the server in all (see NominatimGeocoder):
#: about 60 answers at the polite rate, or six at a 10 s deadline.
DEFAULT_RUN_BUDGET = 60.0

#: Hosts a system proxy could never reach on our behalf; see NominatimGeocoder.
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})

#: Read the body in pieces this big, checking the time budget between them.
_CHUNK_BYTES = 64 * 1024
#: A Nominatim answer for one query is a few kB; anything this big is not one.
_MAX_BODY_BYTES = 4 * 1024 * 1024

# ---------------------------------------------------------------------------
# Nominatim answer -> Incident Atlas kind and precision
# ---------------------------------------------------------------------------

#: Nominatim ``addresstype`` (or ``type`` of class ``place``) -> our kind.
#: Kinds express *scale*, so parts of a city map to the settlement size they
#: resemble (a suburb is town-sized, a neighbourhood village-sized).
_ADDRESSTYPE_KIND: dict[str, str] = {
    "country": "country",
    "state": "province",        # Pakistan's provinces are OSM "state"s
    "province": "province",
    "region": "region",
    "state_district": "region",  # e.g. Pakistani divisions
    "county": "district",
    "district": "district",
    "municipality": "district",  # tehsils and similar administrative units
    "city": "city",
    "town": "town",
    "city_district": "town",
    "borough": "town",
    "suburb": "town",
    "quarter": "town",
    "village": "village",
    "hamlet": "village",
    "neighbourhood": "village",
    "isolated_dwelling": "village",
    "farm": "village",
    "locality": "village",
    "river": "water",
    "stream": "water",
    "canal": "water",
    "lake": "water",
    "reservoir": "water",
    "water": "water",
    "bay": "water",
    "strait": "water",
    "sea": "water",
    "ocean": "water",
}

_WATER_CLASSES = frozenset({"water", "waterway"})
_NATURAL_WATER_TYPES = frozenset(
    {"water", "bay", "strait", "coastline", "wetland", "spring", "glacier"}
)
#: (class, type) pairs that are transport hubs, our "station".
_STATION_TAGS = frozenset(
    {
        ("railway", "station"),
        ("railway", "halt"),
        ("public_transport", "station"),
        ("amenity", "bus_station"),
        ("aeroway", "aerodrome"),
    }
)

#: Radius to claim when an answer has no usable bounding box.
_DEFAULT_PRECISION_KM: dict[str, float] = {
    "country": 500.0, "province": 200.0, "region": 100.0, "district": 40.0,
    "water": 10.0, "city": 10.0, "town": 3.0, "village": 1.0,
    "station": 0.5, "landmark": 0.5,
}
_MIN_PRECISION_KM = 0.5


def _kind_from_rank(rank: int) -> str:
    """Guess a kind from Nominatim's ``place_rank`` (used only as a last resort)."""
    for ceiling, kind in ((4, "country"), (9, "province"), (11, "region"),
                          (15, "district"), (16, "city"), (18, "town"), (22, "village")):
        if rank <= ceiling:
            return kind
    return "landmark"


def nominatim_kind(place: Mapping[str, Any]) -> str:
    """Return our ``kind`` for one Nominatim result (json or jsonv2 format).

    Water and transport tags decide first, because their ``addresstype`` is
    often unhelpful ("railway", "aeroway").  Then ``addresstype``, then the
    ``type`` of a ``place=*`` node, then an administrative ``place_rank``.
    Anything else is a ``landmark``.
    """
    # format=json calls it "class", format=jsonv2 "category".
    osm_class = str(place.get("class") or place.get("category") or "")
    osm_type = str(place.get("type") or "")
    addresstype = str(place.get("addresstype") or "")

    if osm_class in _WATER_CLASSES or (
        osm_class == "natural" and osm_type in _NATURAL_WATER_TYPES
    ):
        return "water"
    if (osm_class, osm_type) in _STATION_TAGS:
        return "station"
    if addresstype in _ADDRESSTYPE_KIND:
        return _ADDRESSTYPE_KIND[addresstype]
    if osm_class == "place" and osm_type in _ADDRESSTYPE_KIND:
        return _ADDRESSTYPE_KIND[osm_type]
    if osm_class == "boundary" and osm_type == "administrative":
        try:
            return _kind_from_rank(int(place.get("place_rank")))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    return "landmark"


def nominatim_precision_km(place: Mapping[str, Any], kind: str) -> float:
    """Return half the bounding box's diagonal in km, at least 0.5 km.

    Half the diagonal is the radius of the smallest circle around the box's
    centre that covers the whole box: an honest "somewhere within" radius.
    Without a usable ``boundingbox`` ([south, north, west, east]) a typical
    radius for ``kind`` is used instead.
    """
    try:
        south, north, west, east = (float(v) for v in place["boundingbox"])
        if not all(math.isfinite(v) for v in (south, north, west, east)):
            raise ValueError("non-finite bounding box")
        radius = distance((south, west), (north, east)).km / 2.0
    except (KeyError, TypeError, ValueError):
        radius = _DEFAULT_PRECISION_KM.get(kind, _MIN_PRECISION_KM)
    return max(_MIN_PRECISION_KM, float(radius))


def _source(place: Mapping[str, Any]) -> str:
    """Return the attribution string: provider, licence and OSM object id."""
    licence = str(place.get("licence") or "")
    label = "ODbL" if "odbl" in licence.casefold() else (licence or "licence not stated")
    if place.get("osm_type") and place.get("osm_id") is not None:
        record = f"{place['osm_type']}/{place['osm_id']}"
    else:
        record = f"place_id {place.get('place_id', '?')}"
    return f"OpenStreetMap Nominatim ({label}), {record}"


def _to_atlas_location(found: Location) -> Location:
    """Return ``found`` with our contract keys added to (a copy of) its raw."""
    raw = dict(found.raw)
    kind = nominatim_kind(raw)
    display = found.address or ""
    name = str(raw.get("name") or display.split(",")[0]).strip() or display
    raw.update(
        name=name,
        kind=kind,
        precision_km=nominatim_precision_km(raw, kind),
        source=_source(raw),
    )
    return Location(display, (found.latitude, found.longitude), raw)


# ---------------------------------------------------------------------------
# geopy plumbing: adapter, strict parser, rate limiter
# ---------------------------------------------------------------------------


class _AnswerTimedOut(GeocoderTimedOut):
    """The server started answering but did not finish within the deadline."""


class _RunBudgetSpent(GeocoderTimedOut):
    """This run has spent all the time it may spend asking the server."""


class _RedirectRefused(GeocoderServiceError):
    """The server answered with a redirect, which is never followed."""


class _RefuseRedirects(HTTPRedirectHandler):
    """urllib's redirect handler, turned into one that fails instead.

    A redirect could send the user's place names to a server they did not
    choose, and every notice would still name the one they did.
    """

    def redirect_request(
        self, req: Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> NoReturn:
        """Refuse: raise instead of returning the request that would follow."""
        fp.close()
        target = urlsplit(newurl).netloc or newurl
        raise _RedirectRefused(
            f"{req.host} answered with a redirect ({code}) to {target}, which is not followed"
        )


class _BoundedURLLibAdapter(URLLibAdapter):
    """geopy's urllib adapter: one attempt per request and a total time budget.

    Why not geopy's default ``RequestsAdapter``: it retries failed
    connections and reads twice (urllib3 ``max_retries=2``), so a server that
    accepts connections and never answers costs three full timeouts per
    query.  urllib makes exactly one attempt.

    Why rebuild the opener: to refuse redirects (see :class:`_RefuseRedirects`).

    Why override the body read: a socket timeout bounds each *read*, not the
    whole response, so a server dribbling a byte per second would never time
    out.  The body is therefore read in chunks and abandoned once
    ``deadline`` seconds have passed since the request started (or fewer, see
    :meth:`deadline_lowered_to`).  Connect and the status line/headers are
    each bounded by the per-operation timeout.
    """

    def __init__(self, *, proxies: Any, ssl_context: Any, deadline: float) -> None:
        """Build the urllib opener; ``deadline`` is the per-request budget in s."""
        super().__init__(proxies=proxies, ssl_context=ssl_context)
        # geopy's opener plus the redirect refusal; ProxyHandler(None) reads
        # the system proxies, as geopy does, and {} uses none.
        self.urlopen = build_opener(
            HTTPSHandler(context=ssl_context), ProxyHandler(proxies), _RefuseRedirects()
        ).open
        self.deadline = deadline
        # Per-thread because one geocoder may serve several threads at once.
        self._local = threading.local()

    @contextlib.contextmanager
    def deadline_lowered_to(self, seconds: float) -> Iterator[None]:
        """Within the block, bound this thread's requests by ``seconds`` if that is less."""
        self._local.deadline = min(seconds, self.deadline)
        try:
            yield
        finally:
            self._local.deadline = None

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        """Fetch ``url`` once; fail with a geopy error rather than overrun the budget."""
        deadline = getattr(self._local, "deadline", None) or self.deadline
        # Real time on purpose: this bounds real sockets, not the injected clock.
        self._local.ends_at = time.monotonic() + deadline
        try:
            return super().get_text(url, timeout=timeout, headers=headers)
        finally:
            self._local.ends_at = None

    def _decode_page(self, page: Any) -> str:
        """Read and decode a response body within the remaining budget."""
        ends_at = getattr(self._local, "ends_at", None)
        # read1 returns after at most one socket read, so the loop gets to
        # check the clock; read(n) would block until n bytes had arrived.
        read = getattr(page, "read1", page.read)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if ends_at is not None and time.monotonic() > ends_at:
                    raise _AnswerTimedOut("Service timed out while sending its answer")
                chunk = read(_CHUNK_BYTES)
                if not chunk:
                    break
                size += len(chunk)
                if size > _MAX_BODY_BYTES:
                    raise GeocoderParseError(f"answer larger than {_MAX_BODY_BYTES} bytes")
                chunks.append(chunk)
        except GeocoderServiceError:
            raise
        except TimeoutError as exc:
            raise GeocoderTimedOut("Service timed out") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise GeocoderServiceError("Unable to read the response") from exc
        finally:
            page.close()
        encoding = page.headers.get_content_charset() or "utf-8"
        try:
            return b"".join(chunks).decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise GeocoderParseError("Unable to decode the response bytes") from exc


def _require_seconds(**limits: float) -> None:
    """Raise ValueError naming the first limit that is not a positive, finite number."""
    for name, seconds in limits.items():
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(
                f"{name} must be a positive, finite number of seconds, not {seconds!r}"
            )


def _is_coordinate(value: Any, limit: float) -> bool:
    """Tell whether ``value`` (str or number) is a finite float within ±limit."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(number) and -limit <= number <= limit


class _StrictNominatim(Nominatim):
    """geopy's Nominatim, refusing answers of the wrong shape.

    geopy's parser trusts the server: a JSON object becomes a one-element
    list, ``{}`` becomes "not found" (which we would cache for ever), and a
    list of strings ends in an ``AttributeError``.  A captive portal or a
    misconfigured proxy produces exactly such answers, so they must surface as
    :class:`GeocoderParseError` (a service failure, never cached).
    """

    def _parse_json(self, places: Any, exactly_one: bool) -> Any:
        """Validate the decoded JSON, then let geopy build the Locations."""
        if isinstance(places, Mapping) and "error" in places:
            raise GeocoderQueryError(f"Nominatim refused the query: {places['error']}")
        if not isinstance(places, list):
            raise GeocoderParseError(
                f"answer is a JSON {type(places).__name__}, not a list of places"
            )
        for place in places:
            if not (
                isinstance(place, Mapping)
                and _is_coordinate(place.get("lat"), 90.0)
                and _is_coordinate(place.get("lon"), 180.0)
                and isinstance(place.get("display_name"), str)
            ):
                raise GeocoderParseError("answer holds a place without usable lat/lon/name")
        return super()._parse_json(places, exactly_one)


class _InjectedClockRateLimiter(RateLimiter):
    """geopy's RateLimiter with the clock and sleep it uses supplied by the caller.

    RateLimiter reads time through ``self._clock()`` and waits through
    ``self._sleep()``; overriding just those two keeps all of its slot logic
    (and thread safety) while letting tests run on a fake clock.
    """

    def __init__(
        self,
        func: Callable[..., Any],
        *,
        min_delay_seconds: float,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        """Wrap ``func``: no retries, errors re-raised, ``min_delay_seconds`` apart."""
        super().__init__(
            func,
            min_delay_seconds=min_delay_seconds,
            # Retrying is the caller's decision (FallbackGeocoder gives up at
            # once); a retry here would multiply the wait on a dead server.
            max_retries=0,
            error_wait_seconds=min_delay_seconds,  # unused without retries
            swallow_exceptions=False,  # None must mean "no such place", never "failed"
        )
        self._injected_clock = clock
        self._injected_sleep = sleep

    def _clock(self) -> float:
        """Return the injected clock's time."""
        return self._injected_clock()

    def _sleep(self, seconds: float) -> None:
        """Wait through the injected sleep."""
        self._injected_sleep(seconds)


def _found_in_chain(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    """Return the first exception of type ``kind`` among ``exc``'s causes and contexts."""
    cause: BaseException | None = exc.__cause__ or exc.__context__
    while cause is not None and not isinstance(cause, kind):
        cause = cause.__cause__ or cause.__context__
    return cause


def _explain(
    exc: GeocoderServiceError, host: str, budget: float, deadline: float
) -> GeocoderServiceError:
    """Return a geopy error of the right class with a short, human message."""
    if isinstance(exc, _AnswerTimedOut):
        return GeocoderTimedOut(f"answer still incomplete after {deadline:.1f} s")
    refused = _found_in_chain(exc, _RedirectRefused)
    if refused is not None:
        # geopy re-raises it as a bare GeocoderServiceError; keep its class.
        return _RedirectRefused(str(refused))
    if isinstance(exc, GeocoderTimedOut):
        return GeocoderTimedOut(f"timed out after {budget:.1f} s")
    # URLLibAdapter reports a failed connection as a bare GeocoderServiceError
    # raised while handling urllib's URLError(reason=OSError), or the raw
    # ConnectionError when the server hangs up; name the reason instead.
    cause: BaseException | None = exc.__cause__ or exc.__context__
    while cause is not None:
        reason = cause.reason if isinstance(cause, URLError) else cause
        if isinstance(reason, (ConnectionError, socket.gaierror)) or (
            isinstance(cause, URLError)
            and isinstance(reason, OSError)
            and not isinstance(reason, TimeoutError)
        ):
            why = getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
            return GeocoderUnavailable(f"cannot connect to {host}: {why[:1].lower()}{why[1:]}")
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, GeocoderParseError) and str(exc).startswith("Could not deserialize"):
        # geopy's message quotes the whole body (maybe a full HTML page).
        return GeocoderParseError("answer is not valid JSON")
    return exc


# ---------------------------------------------------------------------------
# The public geocoder
# ---------------------------------------------------------------------------


class NominatimGeocoder:
    """Geocode with a Nominatim server: rate limited, time bounded, cached.

    ``geocode`` returns a Location whose ``raw`` keeps Nominatim's fields and
    adds ``name``, ``kind``, ``precision_km`` and ``source``; it returns None
    when Nominatim has no match (a definite miss, cached like a hit) and raises
    a :class:`geopy.exc.GeocoderServiceError` subclass when it could not ask
    (never cached, so the next run tries again) -- including when this
    object's run budget is spent.
    """

    #: Short provider name used in notices.
    name = "nominatim"

    def __init__(
        self,
        user_agent: str,
        *,
        url: str = DEFAULT_URL,
        timeout: float = 5.0,
        deadline: float = 10.0,
        run_budget: float = DEFAULT_RUN_BUDGET,
        country_codes: str | None = HOME_COUNTRY.lower(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        cache: QueryCache | None = None,
        min_delay_seconds: float = 1.0,
    ) -> None:
        """Configure the server ``url`` and limits; no network traffic happens here.

        ``timeout`` bounds each network wait (connect, first byte, each read);
        ``deadline`` bounds one whole request.  The politeness wait of up to
        ``min_delay_seconds`` before a request is not part of the deadline: it
        is short, certain and cannot hang.  ``run_budget`` bounds the time all
        calls together spend on the server, waits included (cache hits cost
        nothing); once it is spent every call fails at once.  All are seconds.
        """
        if not user_agent or not user_agent.strip():
            raise ValueError("Nominatim requires an identifying user agent")
        _require_seconds(timeout=timeout, deadline=deadline, run_budget=run_budget)
        if not (math.isfinite(min_delay_seconds) and min_delay_seconds >= 0):
            raise ValueError(
                f"min_delay_seconds must be finite and >= 0, not {min_delay_seconds!r}"
            )
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url!r}")
        domain = parts.netloc + parts.path.rstrip("/")

        self.url = f"{parts.scheme}://{domain}"
        self.user_agent = user_agent
        self.timeout = float(timeout)
        self.deadline = float(deadline)
        self.run_budget = float(run_budget)
        self.country_codes = country_codes or None
        self.cache = cache
        self._host = parts.netloc
        self._clock = clock
        self._spent = 0.0  # seconds of run_budget used so far
        self._spent_lock = threading.Lock()
        # The cache key must change when the answer could: another server or
        # another country filter gives other results for the same name.
        self.provider = f"nominatim {self.url} countrycodes={self.country_codes or '*'}"

        self._nominatim = _StrictNominatim(
            user_agent=user_agent,
            domain=domain,
            scheme=parts.scheme,
            timeout=self.timeout,
            # A system proxy cannot reach our own loopback, so don't use one
            # for it; elsewhere follow the system settings (None) like geopy.
            proxies={} if parts.hostname in _LOOPBACK_HOSTS else None,
            adapter_factory=functools.partial(_BoundedURLLibAdapter, deadline=self.deadline),
        )
        self._adapter: _BoundedURLLibAdapter = self._nominatim.adapter
        self._limited = _InjectedClockRateLimiter(
            self._request, min_delay_seconds=min_delay_seconds, clock=clock, sleep=sleep
        )

    def geocode(self, query: str) -> Location | None:
        """Return the best Nominatim match for ``query``, None if there is none."""
        if not query or not query.strip():
            return None  # nothing to ask; not worth a request or a cache row
        if self.cache is not None:
            found, cached = self.cache.get(self.provider, query)
            if found:
                return cached  # cache hits spend no rate-limit slot
        location = self._ask(query)
        if self.cache is not None:
            self.cache.put(self.provider, query, location)
        return location

    def _ask(self, query: str) -> Location | None:
        """Ask the server through the rate limiter, charging the time to the run budget."""
        started = self._clock()
        with self._spent_lock:
            left = self.run_budget - self._spent
        if left <= 0:
            raise self._run_budget_spent()
        try:
            return self._limited(query, started + left)
        finally:
            with self._spent_lock:
                self._spent += self._clock() - started

    def _request(self, query: str, budget_ends_at: float) -> Location | None:
        """Send one request (the rate limiter has granted the slot) before ``budget_ends_at``."""
        left = budget_ends_at - self._clock()
        if left <= 0:
            raise self._run_budget_spent()  # the politeness wait used the rest
        # With a single attempt the whole deadline remains when we start, so
        # no network wait may be longer than it: min(timeout, deadline); and
        # neither may outlast the run budget.
        deadline = min(self.deadline, left)
        timeout = min(self.timeout, deadline)
        try:
            with self._adapter.deadline_lowered_to(deadline):
                found = self._nominatim.geocode(
                    query,
                    exactly_one=True,
                    timeout=timeout,
                    country_codes=self.country_codes,
                )
        except GeocoderServiceError as exc:
            if isinstance(exc, GeocoderTimedOut) and self._clock() >= budget_ends_at:
                raise self._run_budget_spent() from exc  # cut short by the budget
            explained = _explain(exc, self._host, timeout, deadline)
            if explained is exc:
                raise
            raise explained from exc
        return None if found is None else _to_atlas_location(found)

    def _run_budget_spent(self) -> _RunBudgetSpent:
        """Return the error for a call made after the run budget is used up."""
        return _RunBudgetSpent(f"run budget of {self.run_budget:g} s used up")

    def __repr__(self) -> str:
        """Show the server and country filter."""
        return f"NominatimGeocoder(url={self.url!r}, country_codes={self.country_codes!r})"
