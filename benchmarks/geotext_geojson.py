"""geotext's places for article files as one GeoJSON FeatureCollection, for comparison runs.

usage: python benchmarks/geotext_geojson.py FILE... > geotext.geojson

geotext finds city and country names but gives no coordinates. Each distinct name
it reports is placed with Incident Atlas's offline ``GazetteerGeocoder``. That geocoder
prefers Pakistan, then the larger kind of place, and never uses the network. Names
the gazetteer cannot place are listed on stderr and left out. The output has the fields
the devset scorer reads (``article``, ``name``, ``kind``, Point geometry), so geotext
can be scored exactly like ``incident-atlas places``:

    python benchmarks/geotext_geojson.py ../shared/devset/d*.txt > /tmp/dev_geotext.geojson
    python ../shared/devset/score_places.py ../shared/devset/gold.json /tmp/dev_geotext.geojson
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from geotext import GeoText

from geo.geocoders.offline import GazetteerGeocoder


def features(path: Path, geocoder: GazetteerGeocoder) -> list[dict]:
    found = GeoText(path.read_text(encoding="utf-8"))
    out = []
    for name in dict.fromkeys([*found.cities, *found.countries]):
        location = geocoder.geocode(name)
        if location is None:
            print(f"geotext_geojson: {path.name}: cannot place {name!r}", file=sys.stderr)
            continue
        out.append({"type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
                    "properties": {"article": path.name, "name": name, "kind": location.raw["kind"],
                                   "source": "geotext name, placed by GazetteerGeocoder"}})
    return out


def main(paths: list[str]) -> int:
    geocoder = GazetteerGeocoder()
    collection = {"type": "FeatureCollection",
                  "features": [f for p in paths for f in features(Path(p), geocoder)]}
    json.dump(collection, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
