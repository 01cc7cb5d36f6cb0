"""An on-disk memo of geocoder answers, so no query is ever sent twice.

Nominatim's usage policy asks clients to cache, and an offline-first tool
should not re-ask the network for a place it already looked up last week.
Both hits and *definite* misses ("no such place") are kept; errors are not,
because a timeout says nothing about the place and must be retried next run.

Storage is SQLite from the standard library: one file, atomic commits, safe
against a crash mid-write, no extra dependency.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

from geopy.location import Location

__all__ = ["QueryCache", "default_cache_path", "normalise_query"]

#: Environment variable naming the directory that holds the cache file.
CACHE_DIR_ENV = "INCIDENT_ATLAS_CACHE_DIR"
CACHE_FILE_NAME = "geocode.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    provider  TEXT NOT NULL,
    query     TEXT NOT NULL,
    location  TEXT,            -- JSON of the Location; NULL = definite miss
    stored_at REAL NOT NULL,   -- Unix time, for a future expiry policy
    PRIMARY KEY (provider, query)
)
"""


def default_cache_path() -> Path:
    """Return ``$INCIDENT_ATLAS_CACHE_DIR/geocode.sqlite3`` or the XDG-style default."""
    directory = os.environ.get(CACHE_DIR_ENV)
    base = Path(directory) if directory else Path.home() / ".cache" / "incident-atlas"
    return base / CACHE_FILE_NAME


def normalise_query(query: str) -> str:
    """Return the cache key form of ``query``: NFC, casefolded, single-spaced.

    "Quetta", " QUETTA " and "quetta" are the same question to a geocoder, so
    they must share one cache entry.  NFC first so that a composed and a
    decomposed accent do not make two keys either.
    """
    return " ".join(unicodedata.normalize("NFC", query).casefold().split())


def _dump(location: Location) -> str:
    """Serialise a geopy Location to JSON text (address, point, raw)."""
    return json.dumps(
        {
            "address": location.address,
            "point": [location.latitude, location.longitude, location.altitude],
            "raw": location.raw,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def _load(text: str) -> Location:
    """Rebuild a geopy Location from :func:`_dump` output."""
    data: dict[str, Any] = json.loads(text)
    return Location(data["address"], tuple(data["point"]), data["raw"])


class QueryCache:
    """A persistent ``(provider, query) -> Location | None`` map in SQLite.

    Thread-safe within one process: a single connection guarded by a lock
    (SQLite connections must not be used from two threads at once).
    """

    def __init__(self, path: Path | str | None = None) -> None:
        """Open (creating if needed) the cache file at ``path`` or the default."""
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # check_same_thread=False because the lock, not SQLite, serialises use.
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock, self._db:
            self._db.execute(_SCHEMA)

    def get(self, provider: str, query: str) -> tuple[bool, Location | None]:
        """Return ``(found, location)``; ``(True, None)`` is a cached definite miss."""
        with self._lock:
            row = self._db.execute(
                "SELECT location FROM answers WHERE provider = ? AND query = ?",
                (provider, normalise_query(query)),
            ).fetchone()
        if row is None:
            return False, None
        return True, (None if row[0] is None else _load(row[0]))

    def put(self, provider: str, query: str, location: Location | None) -> None:
        """Remember ``location`` (or None for "no such place") for this query."""
        payload = None if location is None else _dump(location)
        with self._lock, self._db:  # the connection context commits atomically
            self._db.execute(
                "INSERT OR REPLACE INTO answers (provider, query, location, stored_at)"
                " VALUES (?, ?, ?, ?)",
                (provider, normalise_query(query), payload, time.time()),
            )

    def __len__(self) -> int:
        """Return how many answers (hits and misses) are stored."""
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        """Close the database file; the object must not be used afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> "QueryCache":
        """Support ``with QueryCache(path) as cache:``."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the file on leaving the ``with`` block."""
        self.close()

    def __repr__(self) -> str:
        """Show the file path, for log lines and debugging."""
        return f"QueryCache({str(self.path)!r})"
