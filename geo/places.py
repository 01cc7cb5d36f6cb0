"""From article text to geocoded places: the pipeline's front door."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .disambiguate import choose_entries, haversine_km
from .gazetteer import Gazetteer, default_gazetteer
from .mentions import countries_in_demonyms, find_candidates
from .records import GazetteerEntry, Place
from .settings import HOME_COUNTRY

if TYPE_CHECKING:  # geopy and requests load only when an online geocoder is used
    from .geocoders.base import Geocoder


def places_in_text(text: str, article: str, gazetteer: Gazetteer | None = None,
                   geocoder: Geocoder | None = None, home_country: str = HOME_COUNTRY) -> list[Place]:
    """Every place ``text`` names, one :class:`Place` per gazetteer entry, in order of first mention.

    Places are found and placed with the offline gazetteer, using the whole article
    as context. An online ``geocoder``, when given, is then asked for each place and
    its answer replaces the offline position; answers that come back from the offline
    gazetteer itself (the fallback) are ignored, since the context-aware choice is better.
    ``home_country`` (the case's) wins ties against namesakes abroad.
    """
    gazetteer = gazetteer or default_gazetteer()
    by_uid: dict[str, Place] = {}
    for candidate, entry in choose_entries(find_candidates(text, gazetteer), home_country,
                                           countries_named=countries_in_demonyms(text)):
        place = by_uid.setdefault(entry.uid, Place(article=article, entry=entry))
        place.mentions.append(candidate.mention)
    places = list(by_uid.values())
    if geocoder is not None:
        for place in places:
            place.entry = _online_entry(place.entry, geocoder, home_country)
    return places


#: An online answer farther than this from the offline position is another place of
#: the same name, not a better position of this one.
MAX_ONLINE_SHIFT_KM = 50.0
_AREA_KINDS = ("country", "province", "region", "district", "water")


def _online_entry(entry: GazetteerEntry, geocoder: Geocoder, home_country: str) -> GazetteerEntry:
    # Areas keep their curated point and extent; the online service (limited to the home
    # country) is asked only for its settlements, stations and landmarks.
    if entry.country != home_country or entry.kind in _AREA_KINDS:
        return entry
    location = geocoder.geocode(entry.name)
    if location is None or "uid" in location.raw:
        return entry
    shift = haversine_km(entry.lat, entry.lon, location.latitude, location.longitude)
    if shift > max(MAX_ONLINE_SHIFT_KM, 3 * entry.precision_km):
        return entry
    raw = location.raw
    return replace(entry, lat=location.latitude, lon=location.longitude, kind=raw["kind"],
                   precision_km=float(raw["precision_km"]), source=raw["source"], estimate=False,
                   method="")
