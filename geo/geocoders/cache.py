"""An on-disk memo of geocoder answers, so no query is ever sent twice.

Nominatim's usage policy asks clients to cache, and an offline-first tool
should not re-ask the network for a place it already looked up last week.
Both hits and *definite* misses ("no such place") are kept; errors are not,
because a timeout says nothing about the place and must be retried next run.

Storage is SQLite from the standard library: one file, atomic commits, safe
against a crash mid-write, no extra dependency.

The cache is only an optimisation, so it never stops a lookup: a file that
cannot be opened, read or written (corrupt, locked, a folder that is a file)
switches the cache off for the rest of the run, and an unreadable row counts
as not cached.  Either way one :class:`GeocoderNotice` says so, the first
time; later faults in the same run are not reported again.
"""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Callable, TypeVar

from geopy.location import Location

from geo.geocoders.base import RAW_KEYS, GeocoderNotice, NoticeCallback
from geo.settings import cache_dir

__all__ = ["QueryCache", "default_cache_path", "normalise_query"]

#: Environment variable naming the directory that holds the cache file.
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

#: What opening, reading or writing the cache file can raise: SQLite's own
#: errors, OSError from creating the folder, ValueError for a path SQLite
#: cannot take (an embedded NUL byte).
_STORAGE_ERRORS = (sqlite3.Error, OSError, ValueError)

_T = TypeVar("_T")


class _UnreadableRow(ValueError):
    """A cached answer that is not a Location as :func:`_dump` writes it."""


def default_cache_path() -> Path:
    """Return ``$INCIDENT_ATLAS_CACHE_DIR/geocode.sqlite3`` or the XDG-style default."""
    return cache_dir() / CACHE_FILE_NAME


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


def _load(text: Any) -> Location:
    """Rebuild a geopy Location from :func:`_dump` output, or raise :class:`_UnreadableRow`.

    A row is checked as strictly as a server answer: one with the wrong shape
    would otherwise fail far away, in the map layer reading ``raw``.
    """
    try:
        data = json.loads(text)
        raw = data["raw"]
        if not (isinstance(raw, Mapping) and all(key in raw for key in RAW_KEYS)):
            raise _UnreadableRow(f"raw lacks one of {', '.join(RAW_KEYS)}")
        return Location(data["address"], tuple(data["point"]), dict(raw))
    except _UnreadableRow:
        raise
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        raise _UnreadableRow(_describe(exc)) from exc


def _describe(exc: BaseException) -> str:
    """Return a short one-line reason, e.g. "not a directory: '/x/cache'"."""
    if isinstance(exc, OSError) and exc.strerror:
        # str(OSError) starts with "[Errno 20]", which tells a person nothing.
        text = exc.strerror + (f": {str(exc.filename)!r}" if exc.filename else "")
    else:
        text = str(exc)
    text = " ".join(text.split()) or type(exc).__name__
    return text[:1].lower() + text[1:]


class QueryCache:
    """A persistent ``(provider, query) -> Location | None`` map in SQLite.

    The file is opened on first use, so building a geocoder touches no disk.
    Storage faults never escape (see the module doc): they go, once, to
    ``on_notice``.  ``lock_timeout`` is how long to wait for another process
    holding the file's lock before giving up on the cache.

    Thread-safe within one process: a single connection guarded by a lock
    (SQLite connections must not be used from two threads at once).
    """

    #: Short name used as the ``provider`` of the notices it sends.
    name = "cache"

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        on_notice: NoticeCallback | None = None,
        lock_timeout: float = 1.0,
    ) -> None:
        """Remember where the cache file is (or goes); nothing is opened yet."""
        self.path = Path(path) if path is not None else default_cache_path()
        self.on_notice = on_notice
        self.lock_timeout = lock_timeout
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._disabled = False  # set by the first fault with the file itself
        self._reported = False  # one notice per run, whatever else goes wrong

    @property
    def enabled(self) -> bool:
        """True until a fault with the file has switched the cache off."""
        return not self._disabled

    def get(self, provider: str, query: str) -> tuple[bool, Location | None]:
        """Return ``(found, location)``; ``(True, None)`` is a cached definite miss.

        A cache that is off, or a row that cannot be read, gives ``(False,
        None)``: the caller asks the provider, and its ``put`` replaces the row.
        """
        row = self._use(query, lambda db: db.execute(
            "SELECT location FROM answers WHERE provider = ? AND query = ?",
            (provider, normalise_query(query)),
        ).fetchone())
        if row is None:
            return False, None
        if row[0] is None:
            return True, None
        try:
            return True, _load(row[0])
        except _UnreadableRow as exc:
            self._report(query, f"Geocoder cache entry for {query!r} is unreadable "
                                f"({exc}); asking again instead.")
            return False, None

    def put(self, provider: str, query: str, location: Location | None) -> None:
        """Remember ``location`` (or None for "no such place") for this query."""
        payload = None if location is None else _dump(location)

        def write(db: sqlite3.Connection) -> None:
            with db:  # the connection context commits atomically
                db.execute(
                    "INSERT OR REPLACE INTO answers (provider, query, location, stored_at)"
                    " VALUES (?, ?, ?, ?)",
                    (provider, normalise_query(query), payload, time.time()),
                )

        self._use(query, write)

    def _use(self, query: str, action: Callable[[sqlite3.Connection], _T]) -> _T | None:
        """Return ``action(database)``, or None if the cache is off or just failed.

        The first storage fault switches the cache off and is reported, with
        ``query`` as the place being looked up when it happened.
        """
        with self._lock:
            if self._disabled:
                return None
            try:
                return action(self._connection())
            except _STORAGE_ERRORS as exc:
                message = self._switch_off(exc)
        self._report(query, message)
        return None

    def _connection(self) -> sqlite3.Connection:
        """Return the open database, opening it on first use (call with the lock held)."""
        if self._db is None:
            if self.path.parent.exists() and not self.path.parent.is_dir():
                # mkdir would say "file exists", which hides what is wrong.
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                         str(self.path.parent))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # check_same_thread=False because the lock, not SQLite, serialises use.
            db = sqlite3.connect(self.path, timeout=self.lock_timeout, check_same_thread=False)
            try:
                with db:
                    db.execute(_SCHEMA)  # also the first read: a corrupt file fails here
            except BaseException:
                db.close()
                raise
            self._db = db
        return self._db

    def _switch_off(self, exc: BaseException) -> str:
        """Stop using the file and return the notice text (call with the lock held)."""
        self._disabled = True
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass  # it is being abandoned for a fault already
            self._db = None
        return (f"Geocoder cache {str(self.path)!r} is unusable ({_describe(exc)}); "
                "going on without it for the rest of this run.")

    def _report(self, query: str, message: str) -> None:
        """Send ``message`` as a notice unless this cache has already sent one."""
        with self._lock:
            if self._reported:
                return
            self._reported = True
        if self.on_notice is not None:
            self.on_notice(GeocoderNotice(message=message, query=query, provider=self.name))

    def __len__(self) -> int:
        """Return how many answers (hits and misses) are stored; 0 if the cache is off."""
        count = self._use("", lambda db: db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
        return count or 0

    def close(self) -> None:
        """Close the database file; the object must not be used afterwards."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            self._disabled = True

    def __enter__(self) -> "QueryCache":
        """Support ``with QueryCache(path) as cache:``."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the file on leaving the ``with`` block."""
        self.close()

    def __repr__(self) -> str:
        """Show the file path, for log lines and debugging."""
        return f"QueryCache({str(self.path)!r})"
