"""Geocoders for Incident Atlas, in the style of geopy.

One module per provider, one small interface (:class:`Geocoder`: ``geocode(
query) -> geopy Location | None``) and wrappers that compose:

* :class:`NominatimGeocoder` — the optional online path (OpenStreetMap);
* :class:`QueryCache` — on-disk memo so no query is sent twice;
* :class:`FallbackGeocoder` — online first, offline when that fails.

:func:`online_geocoder` wires these together around an offline geocoder.
"""
from __future__ import annotations

import os

from geo.geocoders.base import RAW_KEYS, Geocoder, GeocoderNotice, NoticeCallback
from geo.geocoders.cache import QueryCache, default_cache_path
from geo.geocoders.fallback import FallbackGeocoder
from geo.geocoders.nominatim import DEFAULT_URL, NominatimGeocoder

from geo.geocoders.offline import GazetteerGeocoder

__all__ = [
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

#: Environment variables read by :func:`online_geocoder`.
USER_AGENT_ENV = "INCIDENT_ATLAS_USER_AGENT"
NOMINATIM_URL_ENV = "INCIDENT_ATLAS_NOMINATIM_URL"
NOMINATIM_DEADLINE_ENV = "INCIDENT_ATLAS_NOMINATIM_DEADLINE"  # seconds per query, overall
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
    cache defaults to :func:`default_cache_path` (``$INCIDENT_ATLAS_CACHE_DIR``).
    No network traffic happens until the first ``geocode`` call.
    """
    primary = NominatimGeocoder(
        user_agent or os.environ.get(USER_AGENT_ENV) or DEFAULT_USER_AGENT,
        url=url or os.environ.get(NOMINATIM_URL_ENV) or DEFAULT_URL,
        cache=cache if cache is not None else QueryCache(),
        **_deadline_from_env(),
    )
    return FallbackGeocoder(primary, offline, on_notice)


def _deadline_from_env() -> dict[str, float]:
    value = os.environ.get(NOMINATIM_DEADLINE_ENV, "").strip()
    if not value:
        return {}
    try:
        deadline = float(value)
    except ValueError:
        raise ValueError(f"{NOMINATIM_DEADLINE_ENV} must be a number of seconds, not {value!r}") from None
    return {"deadline": deadline, "timeout": deadline}
