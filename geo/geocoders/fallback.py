"""Ask one geocoder, and another when the first cannot answer.

The intended pairing is "online first, offline gazetteer second": Nominatim
knows more small places, the gazetteer always works.  Offline is the normal
case for this tool, so the first failure switches the online geocoder off for
the rest of the run: a user without network must not wait one timeout per
place name.
"""
from __future__ import annotations

import threading

from geopy.exc import GeocoderServiceError
from geopy.location import Location

from geo.geocoders.base import Geocoder, GeocoderNotice, NoticeCallback

__all__ = ["FallbackGeocoder"]

#: Longest failure reason quoted in a notice, so it stays one readable line.
_MAX_REASON_CHARS = 120


def _provider_name(geocoder: object) -> str:
    """Return a geocoder's short ``name`` attribute, or its class name."""
    return str(getattr(geocoder, "name", "") or type(geocoder).__name__)


def _reason(exc: BaseException) -> str:
    """Return a short one-line reason for a failure, e.g. 'timed out after 2.0 s'."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > _MAX_REASON_CHARS:
        text = text[: _MAX_REASON_CHARS - 1].rstrip() + "…"
    return text


class FallbackGeocoder:
    """A :class:`Geocoder` that asks ``primary``, then ``fallback`` if needed.

    * primary answers → that answer;
    * primary says "no such place" (None) → fallback's answer;
    * primary fails (any geopy ``GeocoderServiceError`` or ``OSError``) → one
      :class:`GeocoderNotice`, fallback's answer, and primary is never asked
      again by this object.

    Notices go to ``on_notice`` (if given) and are kept in :attr:`notices`.
    Errors raised by ``fallback`` itself propagate: there is nothing left to
    fall back to.
    """

    def __init__(
        self,
        primary: Geocoder,
        fallback: Geocoder,
        on_notice: NoticeCallback | None = None,
        *,
        primary_label: str = "Online geocoder",
        fallback_label: str = "the offline gazetteer",
    ) -> None:
        """Pair two geocoders; the labels are the words used in notices."""
        self.primary = primary
        self.fallback = fallback
        self.on_notice = on_notice
        self.primary_label = primary_label
        self.fallback_label = fallback_label
        self.notices: list[GeocoderNotice] = []
        self._primary_failed = False
        self._lock = threading.Lock()

    @property
    def primary_enabled(self) -> bool:
        """True until the primary has failed once."""
        return not self._primary_failed

    def geocode(self, query: str) -> Location | None:
        """Return primary's answer for ``query``, else fallback's (see class doc)."""
        if not self._primary_failed:
            try:
                found = self.primary.geocode(query)
            except (GeocoderServiceError, OSError) as exc:
                self._give_up_on_primary(query, exc)
            else:
                if found is not None:
                    return found
        return self.fallback.geocode(query)

    def _give_up_on_primary(self, query: str, exc: BaseException) -> None:
        """Switch the primary off and report it, once even if threads race here."""
        with self._lock:
            if self._primary_failed:
                return  # another thread already reported the outage
            self._primary_failed = True
            notice = GeocoderNotice(
                message=(
                    f"{self.primary_label} unavailable ({_reason(exc)}); "
                    f"using {self.fallback_label} for {query!r}"
                    " and for the remaining places in this run."
                ),
                query=query,
                provider=_provider_name(self.primary),
            )
            self.notices.append(notice)
        if self.on_notice is not None:
            self.on_notice(notice)

    def __repr__(self) -> str:
        """Show both geocoders and whether the primary is still in use."""
        state = "on" if self.primary_enabled else "off"
        return f"FallbackGeocoder(primary={self.primary!r} [{state}], fallback={self.fallback!r})"
