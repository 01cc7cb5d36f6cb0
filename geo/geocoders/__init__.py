"""Geocoders for Incident Atlas, in the style of geopy.

One module per provider, one small interface (:class:`Geocoder`: ``geocode(
query) -> geopy Location | None``) and wrappers that compose:

* :class:`NominatimGeocoder` — the optional online path (OpenStreetMap);
* :class:`QueryCache` — on-disk memo so no query is sent twice, which
  steps aside (with one notice) when its file is broken;
* :class:`FallbackGeocoder` — online first, offline when that fails.

:func:`online_geocoder` wires these together around an offline geocoder.
"""
from __future__ import annotations

import math

from geo.geocoders.base import RAW_KEYS, Geocoder, GeocoderNotice, NoticeCallback
from geo.geocoders.cache import QueryCache, default_cache_path
from geo.geocoders.fallback import FallbackGeocoder
from geo.geocoders.nominatim import DEFAULT_RUN_BUDGET, DEFAULT_URL, NominatimGeocoder

from geo.geocoders.offline import GazetteerGeocoder
from geo.settings import (NOMINATIM_DEADLINE_ENV, NOMINATIM_RUN_BUDGET_ENV, NOMINATIM_URL_ENV, USER_AGENT_ENV,
                          environment)

__all__ = [
    "DEFAULT_RUN_BUDGET",
    "RAW_KEYS",
    "FallbackGeocoder",
    "GazetteerGeocoder",
    "Geocoder",
    "GeocoderNotice",
    "NoticeCallback",
    "NominatimGeocoder",
    "QueryCache",
    "default_cache_path",
    "online_geocoder",
]

DEFAULT_USER_AGENT = "incident-atlas/0.1 (offline-first conflict mapping)"


def online_geocoder(
    offline: Geocoder,
    *,
    user_agent: str | None = None,
    url: str | None = None,
    on_notice: NoticeCallback | None = None,
    cache: QueryCache | None = None,
) -> FallbackGeocoder:
    """Return Nominatim (cached, rate limited) backed by ``offline``.

    Unset arguments come from ``$INCIDENT_ATLAS_USER_AGENT`` and
    ``$INCIDENT_ATLAS_NOMINATIM_URL``, then from the built-in defaults; the
    cache defaults to :func:`default_cache_path` (``$INCIDENT_ATLAS_CACHE_DIR``)
    and reports its faults to ``on_notice`` too.  The time limits come from
    ``$INCIDENT_ATLAS_NOMINATIM_DEADLINE`` (one query) and
    ``$INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET`` (all queries of this object).
    No network traffic or file access happens until the first ``geocode`` call.

    Raises ValueError, in one line naming the variable, for a limit that is
    not a positive, finite number of seconds.
    """
    primary = NominatimGeocoder(
        user_agent or environment(USER_AGENT_ENV) or DEFAULT_USER_AGENT,
        url=url or environment(NOMINATIM_URL_ENV) or DEFAULT_URL,
        cache=cache if cache is not None else QueryCache(on_notice=on_notice),
        **_limits_from_env(),
    )
    return FallbackGeocoder(primary, offline, on_notice)


def _limits_from_env() -> dict[str, float]:
    """Return the NominatimGeocoder time limits set in the environment."""
    limits: dict[str, float] = {}
    deadline = _seconds_from_env(NOMINATIM_DEADLINE_ENV)
    if deadline is not None:
        limits.update(deadline=deadline, timeout=deadline)
    run_budget = _seconds_from_env(NOMINATIM_RUN_BUDGET_ENV)
    if run_budget is not None:
        limits.update(run_budget=run_budget)
    return limits


def _seconds_from_env(name: str) -> float | None:
    """Return ``$name`` as seconds, None if unset; ValueError unless positive and finite."""
    value = environment(name)
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan  # reported below, like "nan" itself
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{name} must be a positive, finite number of seconds, not {value!r}")
    return seconds
