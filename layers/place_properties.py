"""What the places layers say of each place, as plain dicts.

Kept apart from ``layers.places`` (which builds GeoDataFrames) so that the streaming
``incident-atlas places`` command writes the same properties without loading GeoPandas.
"""
from __future__ import annotations

from geo.records import GazetteerEntry, Place


def entry_properties(entry: GazetteerEntry) -> dict[str, object]:
    """What both places layers say of the gazetteer entry itself."""
    return {"name": entry.name, "kind": entry.kind, "country": entry.country, "admin1": entry.admin1,
            "precision_km": float(entry.precision_km), "estimate": entry.estimate, "method": entry.method,
            "source": entry.source, "uid": entry.uid}


def place_properties(place: Place) -> dict[str, object]:
    """The properties of ``place``'s feature in the places layer, in ``PLACE_COLUMNS`` order
    (the order ``incident-atlas places`` writes them in)."""
    return {
        "article": place.article, **entry_properties(place.entry),
        "mentions": place.surface_forms, "mention_count": len(place.mentions),
        "spans": [[m.start, m.end] for m in place.mentions],
        "sentences": place.sentences,
    }


def places_by_uid(places: list[Place]) -> dict[str, list[Place]]:
    """``places`` grouped by gazetteer entry (one group per place, whichever articles name it),
    in the order each place first comes."""
    groups: dict[str, list[Place]] = {}
    for place in places:
        groups.setdefault(place.entry.uid, []).append(place)
    return groups
