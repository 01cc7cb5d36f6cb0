"""Assemble every map layer from articles and the curated data."""
from __future__ import annotations

import geopandas as gpd

from geo.articles import Article
from geo.gazetteer import Gazetteer
from geo.geocoders.base import Geocoder
from geo.places import places_in_text
from geo.records import Place
from geo.settings import DATA_DIR

from .attack_site import attack_site_layer, candidates_frame
from .incidents import incidents_layer
from .places import merged_places_layer, places_layer
from .route import route_layer, stops_layer

#: The built-in case: its reports, and its id in data/incidents.csv.
ARTICLES_DIR = DATA_DIR / "articles"
CASE_INCIDENT = "2025-03-11-jaffar-express"

#: Layer names in the order they are drawn and exported.
LAYER_NAMES = ("route", "stops", "attack_site", "incidents", "places", "places_merged")


def article_places(articles: list[Article], gazetteer: Gazetteer | None = None,
                   geocoder: Geocoder | None = None) -> list[Place]:
    """The places of every article, in article order."""
    return [place for article in articles
            for place in places_in_text(article.text, article.name, gazetteer, geocoder)]


def build_layers(places: list[Place]) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the map: curated route, attack site and incidents plus the article places."""
    stops = stops_layer()
    return {
        "route": route_layer(stops),
        "stops": stops,
        "attack_site": attack_site_layer(candidates_frame()),
        "incidents": incidents_layer(),
        "places": places_layer(places),
        "places_merged": merged_places_layer(places),
    }
