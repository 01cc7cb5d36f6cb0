"""The one small interface every Incident Atlas geocoder satisfies.

A geocoder is anything with ``geocode(query) -> Location | None``, exactly the
shape of :meth:`geopy.geocoders.base.Geocoder.geocode` with
``exactly_one=True``.  Keeping to geopy's own return type means a wrapper
(cache, fallback, rate limiter) can sit around any provider, ours or geopy's,
without adapters in between.

What we add is a contract on :attr:`Location.raw`: whatever the provider, it
always carries ``name``, ``kind``, ``precision_km`` and ``source`` (see
:data:`RAW_KEYS`), so the map layer never needs to know where an answer came
from.  Provider-specific keys may sit beside them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, runtime_checkable

from geopy.location import Location

from geo.records import KINDS

__all__ = ["Geocoder", "GeocoderNotice", "NoticeCallback", "RAW_KEYS", "KINDS"]

#: Keys every ``Location.raw`` returned by a :class:`Geocoder` must hold:
#: ``name`` (str), ``kind`` (one of :data:`KINDS`), ``precision_km`` (float
#: radius of uncertainty) and ``source`` (str: provider, licence, record id).
RAW_KEYS: tuple[str, ...] = ("name", "kind", "precision_km", "source")


@runtime_checkable
class Geocoder(Protocol):
    """Anything that turns a place name into a geopy ``Location``."""

    def geocode(self, query: str) -> Location | None:
        """Return the best match for ``query``, or None for a definite miss.

        Failures to *ask* (network down, bad answer) raise a
        :class:`geopy.exc.GeocoderServiceError` subclass instead of returning
        None, so callers can tell "no such place" from "could not look".
        """
        ...


@dataclass(frozen=True)
class GeocoderNotice:
    """A one-line, human-readable remark a geocoder wrapper wants shown.

    Wrappers never print or log on their own: they hand notices to an injected
    ``on_notice`` callback so the CLI can print them, a GUI can show them and a
    test can collect them.
    """

    message: str   # full sentence for a person, e.g. "Online geocoder unavailable …"
    query: str     # the place name being looked up when it happened
    provider: str  # which geocoder (or its cache) it concerns, e.g. "nominatim", "cache"


#: The callback type composable wrappers accept as ``on_notice``.
NoticeCallback = Callable[[GeocoderNotice], None]
