"""Assemble every map layer of a case from its reports' places and its curated data."""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

import geopandas as gpd

from geo.articles import Article
from geo.case_inference import completed_case
from geo.event_site import SiteCandidate, site_candidates
from geo.cases import ATTACK_SITE_FILE, ROUTE_FILE, Case
from geo.claims import IncidentRef
from geo.gazetteer import Gazetteer
from geo.geocoders.base import Geocoder
from geo.places import places_in_text
from geo.records import Place
from geo.settings import DATA_DIR, HOME_COUNTRY

from ._frames import empty_layer
from .areas import areas_layer
from .attack_site import (LAYER_COLUMNS as ATTACK_SITE_COLUMNS, attack_site_layer, best_estimate,
                          candidates_frame, inferred_frame, merged_candidates)
from .incidents import INCIDENTS_CSV, SAME_INCIDENT_KM, around_case, incidents_layer
from .places import merged_places_layer, places_layer
from .route import ROUTE_COLUMNS, STOP_COLUMNS, route_layer, stops_layer

#: Layer names in the order they are drawn and exported.
LAYER_NAMES = ("areas", "route", "stops", "attack_site", "incidents", "places", "places_merged")
#: The file ``build`` writes beside the layers: what the case is and where it happened.
CASE_RECORD_NAME = "case.json"


def article_places(articles: list[Article], gazetteer: Gazetteer | None = None,
                   geocoder: Geocoder | None = None, home_country: str = HOME_COUNTRY) -> list[Place]:
    """The places of every article, in article order (``home_country``: the case's)."""
    return [place for article in articles
            for place in places_in_text(article.text, article.name, gazetteer, geocoder, home_country)]


def _shown_path(path: Path) -> str:
    """A curated file's path as cited in a layer: relative to data/ for the built-in ones."""
    try:
        return f"data/{path.relative_to(DATA_DIR).as_posix()}"
    except ValueError:
        return path.name


def site_layer(case: Case, site: Sequence[SiteCandidate]) -> gpd.GeoDataFrame:
    """The attack-site layer: the case's curated candidates merged with those read from its reports."""
    curated_path = case.curated_file(ATTACK_SITE_FILE)
    curated = candidates_frame(curated_path) if curated_path else None
    candidates = merged_candidates(curated, inferred_frame(site))
    if candidates.empty:
        return empty_layer(ATTACK_SITE_COLUMNS)
    origin = [_shown_path(curated_path)] if curated_path else []
    if len(candidates) > (len(curated) if curated is not None else 0):
        origin.append("the reports (geo.event_site)")
    return attack_site_layer(candidates, area_source="; ".join(origin))


@dataclass(frozen=True)
class CaseLayers:
    """Every layer of a case, the case as completed from its reports, and its site."""

    case: Case
    layers: dict[str, gpd.GeoDataFrame]
    site: dict | None  # best estimate: id, label, lat, lon, precision_km


#: (article name, text, places found in it): one report as the site inference reads it.
ReportPlaces = tuple[str, str, Sequence[Place]]


def build_case(case: Case, reports: Sequence[ReportPlaces],
               incidents_path: Path = INCIDENTS_CSV) -> CaseLayers:
    """A case's layers from its reports: the site read from them, what its settings leave
    out inferred, and, when the past-incidents dataset holds this incident and the case
    has no id of its own, the dataset's id."""
    site = site_candidates(reports)
    texts = [(name, text) for name, text, _ in reports]
    settings = case
    case = completed_case(settings, texts, site)
    built = case_layers([place for _, _, places in reports for place in places], case, site, incidents_path)
    if settings.id or built.site is None:
        return built
    # The dataset's row is this incident (same days, near the site): the case takes its id.
    own = built.layers["incidents"].query("is_case")
    if own.empty:
        return built
    return replace(built, case=replace(case, id=own["id"].iloc[0]))


def build_layers(places: list[Place], case: Case, site: Sequence[SiteCandidate] = (),
                 incidents_path: Path = INCIDENTS_CSV) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the map: the case's route and attack site, the past incidents around
    it, and the places its reports name. ``site``: candidates read from the reports."""
    return case_layers(places, case, site, incidents_path).layers


def case_layers(places: list[Place], case: Case, site: Sequence[SiteCandidate] = (),
                incidents_path: Path = INCIDENTS_CSV) -> CaseLayers:
    """:func:`build_layers` as a :class:`CaseLayers`."""
    if case.has_route:
        stops = stops_layer(case.curated_file(ROUTE_FILE))
        route = route_layer(stops, case.route)
    else:
        stops, route = empty_layer(STOP_COLUMNS), empty_layer(ROUTE_COLUMNS)
    attack_site = site_layer(case, site)
    best = best_estimate(attack_site)
    incidents = around_case(incidents_layer(incidents_path), case.id, case.date,
                            (best["lat"], best["lon"]) if best else None,
                            best["precision_km"] if best else SAME_INCIDENT_KM)
    layers = {
        "areas": areas_layer(places),
        "route": route,
        "stops": stops,
        "attack_site": attack_site,
        "incidents": incidents,
        "places": places_layer(places),
        "places_merged": merged_places_layer(places),
    }
    return CaseLayers(case, layers, best)


def case_record(case: Case, best: dict | None, reports: Sequence[str]) -> dict:
    """What ``case.json`` holds: id, title, date, kind, home country, best-estimate site, reports."""
    return {"id": case.id, "title": case.title, "date": case.date.isoformat() if case.date else None,
            "kind": case.kind or None, "home_country": case.home_country, "site": best,
            "reports": list(reports)}


def case_record_bytes(record: dict) -> bytes:
    """``case.json`` as written: UTF-8, keys in a fixed order, one trailing newline."""
    return (json.dumps(record, ensure_ascii=False, indent=1, allow_nan=False) + "\n").encode("utf-8")


def incident_ref(case: Case, known: Sequence[IncidentRef]) -> IncidentRef:
    """What the claims parser needs of a case: the dataset's record of it, or its id and date."""
    return next((ref for ref in known if ref.id == case.id), None) or IncidentRef(case.id, case.date, frozenset())
