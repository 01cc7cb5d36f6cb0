"""Where the train was stopped: best estimate, uncertainty area and every candidate.

The sources disagree on the spot (a tunnel near Gudalar and Piru Kunri, the Mashkaf
tunnel, between Panir and Peshi, "near Sibi" …), so the layer keeps each candidate
position as its own feature with who supports it, and draws the area they span.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry.polygon import orient

from geo.settings import DATA_DIR

from ._frames import WGS84, points_frame, read_csv, yes

ATTACK_SITE_CSV = DATA_DIR / "attack_site.csv"
#: Candidates vaguer than this ("near Sibi", 40 km) are shown but do not stretch the
#: uncertainty area, which would otherwise cover half the district.
SPECIFIC_PRECISION_KM = 15.0


def candidates_frame(path: Path = ATTACK_SITE_CSV) -> gpd.GeoDataFrame:
    """The candidate positions as points, with precision and supporting sources."""
    frame = read_csv(path)
    frame["precision_km"] = frame["precision_km"].astype(float)
    frame["best_estimate"] = yes(frame["best_estimate"])
    if frame["best_estimate"].sum() != 1:
        raise ValueError(f"{path.name}: exactly one row must be the best estimate")
    return points_frame(frame)


def uncertainty_area(candidates: gpd.GeoDataFrame) -> tuple[object, list[str]]:
    """The convex hull of the specific candidates' precision circles, and their ids."""
    specific = candidates[candidates["precision_km"] <= SPECIFIC_PRECISION_KM]
    projected = specific.to_crs(specific.estimate_utm_crs())
    circles = projected.geometry.buffer(projected["precision_km"] * 1000, quad_segs=16)
    hull = gpd.GeoSeries([circles.union_all().convex_hull], crs=projected.crs).to_crs(WGS84)
    # RFC 7946 wants exterior rings counter-clockwise; orient here so every export agrees.
    return orient(hull.iloc[0], sign=1.0), sorted(specific["id"])


def attack_site_layer(candidates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Features with a ``role``: best_estimate, uncertainty_area, then each candidate."""
    best = candidates[candidates["best_estimate"]].iloc[0]
    area, covered = uncertainty_area(candidates)
    rows = [
        {"role": "best_estimate", "id": best["id"], "label": best["label"],
         "precision_km": best["precision_km"], "basis": best["basis"],
         "supported_by": best["supported_by"], "sources": best["sources"],
         "geometry": best.geometry},
        {"role": "uncertainty_area", "id": "uncertainty-area",
         "label": "Area spanned by the specific candidate positions",
         "precision_km": None,
         "basis": f"Convex hull of the precision circles of the candidates at most "
                  f"{SPECIFIC_PRECISION_KM:g} km uncertain: {', '.join(covered)}.",
         "supported_by": "derived from the candidates", "sources": "data/attack_site.csv",
         "geometry": area},
    ]
    for _, cand in candidates.sort_values("id").iterrows():
        rows.append({"role": "candidate", "id": cand["id"], "label": cand["label"],
                     "precision_km": cand["precision_km"], "basis": cand["basis"],
                     "supported_by": cand["supported_by"], "sources": cand["sources"],
                     "geometry": cand.geometry})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=WGS84)
