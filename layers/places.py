"""The places layers: every place each article names, and a merged view per place."""
from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point

from geo.records import Place

from ._frames import WGS84
from .place_properties import entry_properties, place_properties, places_by_uid

PLACE_COLUMNS = ["article", "name", "kind", "country", "admin1", "precision_km", "estimate",
                 "method", "source", "uid", "mentions", "mention_count", "spans", "sentences"]
MERGED_COLUMNS = ["name", "kind", "country", "admin1", "precision_km", "estimate", "method",
                  "source", "uid", "article_count", "articles", "mentions", "mention_count",
                  "sentences"]


def places_layer(places: list[Place]) -> gpd.GeoDataFrame:
    """One Point feature per (article, place), with its surface forms and evidence sentences."""
    rows = [{**place_properties(place), "geometry": Point(place.entry.lon, place.entry.lat)} for place in places]
    frame = gpd.GeoDataFrame(rows, columns=[*PLACE_COLUMNS, "geometry"], geometry="geometry", crs=WGS84)
    return frame.sort_values(["article", "name", "uid"], kind="stable").reset_index(drop=True)


def merged_places_layer(places: list[Place]) -> gpd.GeoDataFrame:
    """One Point feature per place, with how many articles name it and every evidence sentence."""
    rows = []
    for group in places_by_uid(places).values():
        entry = group[0].entry
        articles = sorted({p.article for p in group})
        rows.append({
            **entry_properties(entry), "article_count": len(articles), "articles": articles,
            "mentions": list(dict.fromkeys(s for p in group for s in p.surface_forms)),
            "mention_count": sum(len(p.mentions) for p in group),
            "sentences": [f"[{p.article}] {s}" for p in sorted(group, key=lambda p: p.article)
                          for s in p.sentences],
            "geometry": Point(entry.lon, entry.lat),
        })
    frame = gpd.GeoDataFrame(rows, columns=[*MERGED_COLUMNS, "geometry"], geometry="geometry", crs=WGS84)
    return frame.sort_values(["article_count", "name", "uid"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)
