"""Settings every test shares."""
from __future__ import annotations

import os
import tempfile


def pytest_configure(config) -> None:
    # Caches the tests make (the settlements index, geocoder answers) go to a folder of this
    # run, never to the user's ~/.cache; child processes (the CLI, the dashboard) inherit it.
    os.environ.setdefault("INCIDENT_ATLAS_CACHE_DIR", tempfile.mkdtemp(prefix="incident-atlas-tests-"))
