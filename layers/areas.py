"""The areas layer: the outline of each district and province the reports name."""
from __future__ import annotations

import geopandas as gpd

from geo.areas import outline_of
from geo.records import Place

from ._frames import WGS84
from .place_properties import places_by_uid

#: Properties of the layer's features (its GeoJSON contract).
AREA_COLUMNS = ["name", "kind", "country", "admin1", "uid", "source", "outline", "article_count",
                "articles", "mention_count"]


def areas_layer(places: list[Place]) -> gpd.GeoDataFrame:
    """One (Multi)Polygon feature per district or province named that has an outline.

    ``source`` is where the place itself comes from (as in the places layer), ``outline``
    where its polygon does. Areas without an outline stay points in the places layers.
    """
    rows = []
    for uid, group in places_by_uid(places).items():
        entry = group[0].entry
        outline = outline_of(entry)
        if outline is None:
            continue
        articles = sorted({p.article for p in group})
        # An entry without a province (an online geocoder's, say) takes its outline's.
        admin1 = entry.admin1 or outline.province
        rows.append({"name": entry.name, "kind": entry.kind, "country": entry.country, "admin1": admin1,
                     "uid": uid, "source": entry.source, "outline": outline.source,
                     "article_count": len(articles), "articles": articles,
                     "mention_count": sum(len(p.mentions) for p in group), "geometry": outline.geometry})
    frame = gpd.GeoDataFrame(rows, columns=[*AREA_COLUMNS, "geometry"], geometry="geometry", crs=WGS84)
    # Provinces first, so districts are drawn over them.
    order = frame["kind"].map({"province": 0, "region": 0}).fillna(1)
    return frame.assign(_order=order).sort_values(["_order", "name", "uid"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)
