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
"""
from __future__ import annotations

import os
from pathlib import Path

#: The curated data: gazetteer files, the built-in case's reports and tables.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"

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
