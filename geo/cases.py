"""Cases: one incident's reports and curated data, kept together in one folder.

A case folder holds

* ``case.toml`` — ``id``, ``title``, ``date``, ``kind`` of incident, ``home_country``,
  optional ``summary``, ``[view]`` (``lat``, ``lon``, ``zoom``), ``[route]`` (``name``,
  ``note``, ``legend``) and ``[claimants]`` (a claimant's label → extra names that speak
  for it, e.g. a spokesman's);
* ``articles/*.txt`` — the reports;
* optional curated files, each row with its source: ``route.csv`` (stops in order),
  ``attack_site.csv`` (candidate positions of the site), ``claims.csv`` (official and
  group figures over time).

A folder without ``case.toml`` is a case too: everything is inferred from its reports.
Nothing here knows any particular case; the built-in ones are folders under
``data/cases/``.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

import tomli_w

from .settings import BUILT_IN_CASES_DIR, HOME_COUNTRY

CASE_FILE = "case.toml"
ARTICLES_FOLDER = "articles"
ROUTE_FILE = "route.csv"
ATTACK_SITE_FILE = "attack_site.csv"
CLAIMS_FILE = "claims.csv"

#: Kinds of incident, most specific first (a suicide bombing is also a bombing).
INCIDENT_KINDS: tuple[str, ...] = (
    "hijacking", "suicide_bombing", "bombing", "ambush", "raid", "kidnapping",
    "rocket_attack", "airstrike", "shooting", "attack", "other",
)
#: An id is a short slug: it names the case's folder and appears in URLs.
_ID = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
_MAX_TITLE = 200
_KNOWN_KEYS = frozenset({"id", "title", "date", "kind", "home_country", "summary", "view", "route",
                         "claimants"})


class CaseError(ValueError):
    """A case folder or setting that cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class MapView:
    """Where the map opens for a case."""

    lat: float
    lon: float
    zoom: int


@dataclass(frozen=True)
class RouteInfo:
    """How a case's route (``route.csv``) is named on the map."""

    name: str
    note: str = ""
    legend: str = ""


@dataclass(frozen=True)
class Case:
    """One incident: what it is, and where its reports and curated data are."""

    id: str
    title: str
    date: date | None = None
    kind: str = ""
    home_country: str = HOME_COUNTRY
    summary: str = ""
    view: MapView | None = None
    route: RouteInfo | None = None
    claimants: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    folder: Path | None = None
    built_in: bool = False

    @property
    def articles_dir(self) -> Path | None:
        """The folder of the case's reports."""
        return self.folder / ARTICLES_FOLDER if self.folder else None

    @property
    def has_route(self) -> bool:
        """Whether the case has a route to draw: its ``[route]`` settings and ``route.csv``."""
        return self.route is not None and self.curated_file(ROUTE_FILE) is not None

    def curated_file(self, name: str) -> Path | None:
        """``name`` (``route.csv``, ``attack_site.csv``, ``claims.csv``) in the case folder, if there."""
        if self.folder is None:
            return None
        path = self.folder / name
        return path if path.is_file() else None


def is_case_id(value: str) -> bool:
    """Whether ``value`` can be a case id (lowercase letters, digits and hyphens)."""
    return bool(_ID.fullmatch(value))


def slug(text: str, limit: int | None = 60) -> str:
    """``text`` as lowercase ASCII words joined by hyphens ("Bus attack, Musakhail" → "bus-attack-musakhail"),
    whole words up to ``limit`` characters (None: no limit)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    out = ""
    for word in words:
        if limit is not None and len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out


def _text(data: Mapping[str, Any], key: str, where: str, limit: int = _MAX_TITLE) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise CaseError(f"{where}: {key} must be text")
    value = " ".join(value.split())
    if len(value) > limit:
        raise CaseError(f"{where}: {key} is longer than {limit} characters")
    return value


def _number(data: Mapping[str, Any], key: str, where: str, low: float, high: float) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise CaseError(f"{where}: {key} must be a number from {low:g} to {high:g}")
    return float(value)


def _date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        raise CaseError(f"{where}: date must be a day such as 2025-03-11, without a time")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CaseError(f"{where}: date must be a date such as 2025-03-11")


def case_from_settings(data: Mapping[str, Any], folder: Path | None = None, built_in: bool = False,
                       where: str = CASE_FILE) -> Case:
    """A :class:`Case` from the parsed contents of a ``case.toml``; :class:`CaseError` if they are wrong."""
    unknown = sorted(set(data) - _KNOWN_KEYS)
    if unknown:
        raise CaseError(f"{where}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(_KNOWN_KEYS))}")
    case_id = _text(data, "id", where) or (folder.name if folder else "")
    if not is_case_id(case_id):
        raise CaseError(f"{where}: id {case_id!r} must be lowercase letters, digits and hyphens (at most 80)")
    kind = _text(data, "kind", where) or ""
    if kind and kind not in INCIDENT_KINDS:
        raise CaseError(f"{where}: kind {kind!r} is not one of {', '.join(INCIDENT_KINDS)}")
    country = _text(data, "home_country", where) or HOME_COUNTRY
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise CaseError(f"{where}: home_country must be a two-letter country code such as PK")
    view = None
    if "view" in data:
        table = data["view"]
        if not isinstance(table, Mapping):
            raise CaseError(f"{where}: [view] must be a table with lat, lon and zoom")
        view = MapView(_number(table, "lat", where, -90, 90), _number(table, "lon", where, -180, 180),
                       int(_number(table, "zoom", where, 1, 18)))
    route = None
    if "route" in data:
        table = data["route"]
        if not isinstance(table, Mapping) or not _text(table, "name", where):
            raise CaseError(f"{where}: [route] must be a table with a name")
        route = RouteInfo(_text(table, "name", where), _text(table, "note", where, 1000),
                          _text(table, "legend", where))
    claimants: dict[str, tuple[str, ...]] = {}
    table = data.get("claimants", {})
    if not isinstance(table, Mapping):
        raise CaseError(f"{where}: [claimants] must be a table of label = [names]")
    for label, names in table.items():
        if not str(label).strip():
            raise CaseError(f"{where}: a claimant's label cannot be empty")
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise CaseError(f"{where}: claimants.{label} must be a list of names")
        claimants[str(label)] = tuple(" ".join(n.split()) for n in names)
    title = _text(data, "title", where) or case_id
    return Case(id=case_id, title=title, date=_date(data.get("date"), where), kind=kind,
                home_country=country, summary=_text(data, "summary", where, 1000), view=view,
                route=route, claimants=claimants, folder=folder, built_in=built_in)


def read_case(folder: Path, built_in: bool = False) -> Case:
    """The case in ``folder``; :class:`CaseError` (one line) if it cannot be read.

    A folder without ``case.toml`` gives a case with no id or title yet: they are
    inferred from its reports (``geo.case_inference.completed_case``).
    """
    folder = folder.absolute()  # "." names no folder of its own
    if not folder.is_dir():
        raise CaseError(f"{folder}: not a case folder (no such directory)")
    path = folder / CASE_FILE
    if not path.exists():
        return Case(id="", title="", folder=folder, built_in=built_in)  # see geo.case_inference
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise CaseError(f"{path}: not valid TOML ({err})") from None
    except (OSError, UnicodeDecodeError) as err:
        raise CaseError(f"{path}: cannot be read ({type(err).__name__})") from None
    return case_from_settings(data, folder, built_in, where=str(path))


def case_settings(case: Case) -> dict[str, Any]:
    """What ``case.toml`` holds for ``case`` (empty settings left out)."""
    data: dict[str, Any] = {"id": case.id, "title": case.title}
    if case.date:
        data["date"] = case.date
    if case.kind:
        data["kind"] = case.kind
    data["home_country"] = case.home_country
    if case.summary:
        data["summary"] = case.summary
    if case.view:
        data["view"] = {"lat": case.view.lat, "lon": case.view.lon, "zoom": case.view.zoom}
    if case.route:
        data["route"] = {key: value for key, value in (("name", case.route.name), ("note", case.route.note),
                                                       ("legend", case.route.legend)) if value}
    if case.claimants:
        data["claimants"] = {label: list(names) for label, names in case.claimants.items()}
    return data


def case_toml(case: Case) -> str:
    """``case.toml`` for ``case``, as text."""
    return tomli_w.dumps(case_settings(case))


def renamed(case: Case, title: str) -> Case:
    """``case`` with a new title (its id, and so its links, stay)."""
    title = " ".join(title.split())
    if not title:
        raise CaseError("a case needs a title")
    if len(title) > _MAX_TITLE:
        raise CaseError(f"a title is at most {_MAX_TITLE} characters")
    return replace(case, title=title)


def built_in_cases(root: Path = BUILT_IN_CASES_DIR) -> tuple[list[Case], list[str]]:
    """The cases shipped under ``data/cases/``, by id, and one line for each that cannot be read."""
    cases, errors = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        try:
            cases.append(read_case(folder, built_in=True))
        except CaseError as err:
            errors.append(str(err))
    return cases, errors
