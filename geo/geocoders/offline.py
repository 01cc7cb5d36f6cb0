"""The offline geocoder: the embedded gazetteer behind the geopy-shaped interface."""
from __future__ import annotations

from geopy.location import Location

from geo.disambiguate import DEFAULT_FOCUS_COUNTRY
from geo.gazetteer import Gazetteer, default_gazetteer
from geo.records import GazetteerEntry

_KIND_RANK = {"country": 6, "province": 5, "city": 4, "town": 3, "region": 3, "district": 2,
              "water": 2, "village": 1, "station": 1, "landmark": 1}


def entry_location(entry: GazetteerEntry) -> Location:
    """A geopy ``Location`` for a gazetteer entry, with the fields the layers need in ``raw``."""
    raw = {
        "name": entry.name,
        "kind": entry.kind,
        "precision_km": entry.precision_km,
        "source": entry.source,
        "country": entry.country,
        "admin1": entry.admin1,
        "uid": entry.uid,
        "estimate": entry.estimate,
        "method": entry.method,
    }
    address = ", ".join(part for part in (entry.name, entry.admin1, entry.country) if part)
    return Location(address, (entry.lat, entry.lon), raw)


class GazetteerGeocoder:
    """Geocode a bare name with the offline gazetteer; never touches the network.

    Without an article's context it prefers, among same-name entries, the focus
    country, then the larger kind of place, then the larger population.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, focus_country: str = DEFAULT_FOCUS_COUNTRY):
        self.gazetteer = gazetteer or default_gazetteer()
        self.focus_country = focus_country

    def geocode(self, query: str) -> Location | None:
        """The best gazetteer entry for ``query`` (exact spelling first, then variants)."""
        name = query.split(",")[0].strip()
        entries = self.gazetteer.exact(name) or self.gazetteer.variants(name)
        if not entries:
            return None
        best = max(entries, key=lambda e: (e.country == self.focus_country,
                                           _KIND_RANK.get(e.kind, 0), e.population))
        return entry_location(best)
