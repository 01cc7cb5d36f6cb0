"""Every setting of Incident Atlas in one place: data paths, the home country, the environment.

Modules take their settings from here; none reads ``os.environ`` or builds a data path of
its own. Environment variables (all optional):

``INCIDENT_ATLAS_CACHE_DIR``
    Folder of the online geocoder's answer cache (default ``~/.cache/incident-atlas``).
``INCIDENT_ATLAS_USER_AGENT``
    How the online geocoder identifies itself to the Nominatim server.
``INCIDENT_ATLAS_NOMINATIM_URL``
    The Nominatim server to ask (default OpenStreetMap's).
``INCIDENT_ATLAS_NOMINATIM_DEADLINE``
    Seconds one online query may take, retries included (default 10).
``INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET``
    Seconds all online queries of one run may take together (default 60).
``INCIDENT_ATLAS_INCIDENTS``
    Another incidents CSV for the dashboard, with the columns of ``data/incidents.csv``.
``INCIDENT_ATLAS_HOME``
    The case store: the folder where the dashboard keeps the cases users create
    (default: the per-user data folder, e.g. ``~/.local/share/incident-atlas`` on Linux).
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import platformdirs


def _data_dir() -> Path:
    # In a checkout, data/ sits beside geo/; an installed wheel carries it as the
    # package incident_atlas_data (see pyproject.toml).
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "gazetteer.csv").is_file():
        return checkout
    spec = importlib.util.find_spec("incident_atlas_data")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return checkout


#: The curated data: gazetteer files, past incidents, and the built-in cases.
DATA_DIR = _data_dir()
#: The built-in cases, one folder each (see ``geo.cases``).
BUILT_IN_CASES_DIR = DATA_DIR / "cases"
#: The gazetteer: GeoNames places, countries, and the curated overlay read first (``geo.gazetteer``).
GEONAMES_CSV = DATA_DIR / "gazetteer_geonames.csv"
COUNTRIES_CSV = DATA_DIR / "gazetteer_countries.csv"
OVERLAY_CSV = DATA_DIR / "gazetteer.csv"
#: States, provinces, counties … of every other country (``geo.admin1``).
ADMIN1_CSV = DATA_DIR / "gazetteer_admin1.csv"
#: Villages, neighbourhoods, districts and provinces of the detailed countries (``geo.settlements``).
SETTLEMENTS_TSV = DATA_DIR / "settlements.tsv.gz"
#: Outlines of those districts and provinces (``geo.areas``).
AREAS_GEOJSON = DATA_DIR / "areas.geojson.gz"
#: Past incidents (``layers.incidents``, ``geo.claims_incident``).
INCIDENTS_CSV = DATA_DIR / "incidents.csv"
#: Who claims or reports figures, and what kind of claimant each is (``geo.claimants``).
CLAIMANTS_CSV = DATA_DIR / "claimants.csv"

#: The country the reporting is about (ISO 3166-1 alpha-2): places there win a tie
#: against namesakes abroad, its names are matched by spelling variant, and the online
#: geocoder is asked about places there only.
HOME_COUNTRY = "PK"
#: Countries the gazetteer keeps at full (GeoNames cities500) detail: the home country
#: and its western neighbour, where the reporting this tool is built for takes place.
DETAILED_COUNTRIES: tuple[str, ...] = (HOME_COUNTRY, "AF")

CACHE_DIR_ENV = "INCIDENT_ATLAS_CACHE_DIR"
USER_AGENT_ENV = "INCIDENT_ATLAS_USER_AGENT"
NOMINATIM_URL_ENV = "INCIDENT_ATLAS_NOMINATIM_URL"
NOMINATIM_DEADLINE_ENV = "INCIDENT_ATLAS_NOMINATIM_DEADLINE"
NOMINATIM_RUN_BUDGET_ENV = "INCIDENT_ATLAS_NOMINATIM_RUN_BUDGET"
INCIDENTS_ENV = "INCIDENT_ATLAS_INCIDENTS"
HOME_ENV = "INCIDENT_ATLAS_HOME"


def environment(name: str) -> str:
    """The value of environment variable ``name``, stripped; empty when unset."""
    return os.environ.get(name, "").strip()


def cache_dir() -> Path:
    """Where the online geocoder keeps its answers."""
    directory = environment(CACHE_DIR_ENV)
    return Path(directory) if directory else Path.home() / ".cache" / "incident-atlas"


def incidents_csv() -> Path | None:
    """The incidents file the dashboard reads instead of the built-in one, if any."""
    path = environment(INCIDENTS_ENV)
    return Path(path) if path else None


def atlas_home() -> Path:
    """The case store: where cases created in the dashboard are kept."""
    directory = environment(HOME_ENV)
    return Path(directory) if directory else Path(platformdirs.user_data_dir("incident-atlas", appauthor=False))
