"""Where the incident happened: best estimate, uncertainty area and every candidate.

Sources often disagree on the spot, so the layer keeps each candidate position as its
own feature with who supports it, and draws the area they span. Candidates come from
the case's curated ``attack_site.csv`` (each row sourced) and from the reports
themselves (``geo.event_site``); see :func:`merged_candidates` for how they combine.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import Geod
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.areas import outline_by_id
from geo.cases import CaseError

from ._frames import WGS84, empty_layer, filled, numbers, points_frame, read_csv, shown_name, yes

if TYPE_CHECKING:
    from geo.event_site import SiteCandidate

#: Candidates vaguer than this ("near the district town", 40 km) are shown but do not stretch the
#: uncertainty area, which would otherwise cover half the district.
SPECIFIC_PRECISION_KM = 15.0
#: An inferred candidate scored below this share of the best one's score is left out.
PLAUSIBLE_SHARE = 0.25
#: Columns of a candidates frame (curated CSV or inferred), besides the point.
CANDIDATE_COLUMNS = ["id", "label", "lat", "lon", "precision_km", "best_estimate", "basis",
                     "supported_by", "sources"]
#: Properties of the layer's features, the GeoJSON contract of ``attack_site``.
LAYER_COLUMNS = ["role", "id", "label", "precision_km", "basis", "supported_by", "sources"]
_GEOD = Geod(ellps="WGS84")


def candidates_frame(path: Path) -> gpd.GeoDataFrame:
    """A case's curated candidate positions as points, with precision and supporting sources."""
    frame = filled(read_csv(path, ("id", "label", "lat", "lon", "precision_km", "best_estimate", "sources")),
                   CANDIDATE_COLUMNS)
    frame["precision_km"] = numbers(frame, "precision_km", path, 0)
    frame["best_estimate"] = yes(frame["best_estimate"])
    if frame["best_estimate"].sum() != 1:
        raise CaseError(f"{shown_name(path)}: exactly one row must be the best estimate (best_estimate = yes)")
    return points_frame(frame, path)


def inferred_frame(candidates: Sequence[SiteCandidate]) -> gpd.GeoDataFrame:
    """The plausible candidates read from the reports, best first; the first is the best estimate.

    A candidate scored far below the best (a victims' home town, the hospital, a
    container named in passing) is not a rival reading of the site: it is left out, so
    it neither shows as a candidate nor stretches the uncertainty area.
    """
    if candidates:
        floor = PLAUSIBLE_SHARE * candidates[0].score
        candidates = [c for c in candidates if c.score >= floor]
    rows = [{"id": c.id, "label": c.label, "lat": c.lat, "lon": c.lon, "precision_km": float(c.precision_km),
             "best_estimate": number == 0, "basis": c.basis, "supported_by": c.supported_by,
             "sources": c.sources, "outline_id": c.outline_id} for number, c in enumerate(candidates)]
    frame = pd.DataFrame(rows, columns=[*CANDIDATE_COLUMNS, "outline_id"]).astype(
        {"lat": float, "lon": float, "precision_km": float, "outline_id": int})
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(frame["lon"], frame["lat"]), crs=WGS84)


def _distance_km(a: Point, b: Point) -> float:
    return _GEOD.inv(a.x, a.y, b.x, b.y)[2] / 1000


def merged_candidates(curated: gpd.GeoDataFrame | None, inferred: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The curated candidates, and the reports' own best reading if none of them covers it.

    Curated rows are the reviewed list of every published position, so the other
    inferred candidates add nothing a reviewer has not weighed; the reports' best
    reading is still shown when it falls outside every curated candidate (it lies
    farther from each than both precisions), as a rival the curators should look at.
    The curated best estimate stays the best; without curated rows, the inferred best is.
    """
    if curated is None or curated.empty:
        return inferred
    if inferred.empty:
        return curated
    best = inferred.iloc[0]
    if any(_distance_km(best.geometry, cur.geometry) <= best["precision_km"] + cur["precision_km"]
           for _, cur in curated.iterrows()):
        return curated
    rival = inferred.iloc[[0]].assign(best_estimate=False)
    if rival["id"].iloc[0] in set(curated["id"]):
        rival["id"] = "inferred-" + rival["id"]
    combined = pd.concat([curated, rival], ignore_index=True)
    combined = combined.astype({"precision_km": float, "best_estimate": bool})
    return gpd.GeoDataFrame(combined, geometry="geometry", crs=WGS84)


def _outline(candidate: pd.Series) -> BaseGeometry | None:
    """The district's or province's outline a candidate is uncertain by, if it has one."""
    wof_id = candidate.get("outline_id", 0)
    if pd.isna(wof_id) or not wof_id:
        return None
    outline = outline_by_id(int(wof_id))
    return outline.geometry if outline is not None else None


def uncertainty_area(candidates: gpd.GeoDataFrame) -> tuple[object, list[str]]:
    """The convex hull of the specific candidates' precision circles, and their ids.

    With no specific candidate, the best estimate's own area: the outline of its
    district or province when it is one (or a name placed at one), else its circle.
    """
    specific = candidates[candidates["precision_km"] <= SPECIFIC_PRECISION_KM]
    if specific.empty:
        specific = candidates[candidates["best_estimate"]]
        outline = _outline(specific.iloc[0])
        if outline is not None:
            return shapely.orient_polygons(outline, exterior_cw=False), sorted(specific["id"])
    projected = specific.to_crs(specific.estimate_utm_crs())
    circles = projected.geometry.buffer(projected["precision_km"] * 1000, quad_segs=16)
    hull = gpd.GeoSeries([circles.union_all().convex_hull], crs=projected.crs).to_crs(WGS84)
    # RFC 7946 wants exterior rings counter-clockwise; orient here so every export agrees.
    return orient(hull.iloc[0], sign=1.0), sorted(specific["id"])


def attack_site_layer(candidates: gpd.GeoDataFrame, area_source: str = "") -> gpd.GeoDataFrame:
    """Features with a ``role``: best_estimate, uncertainty_area, then each candidate.

    ``area_source`` names where the candidates come from, for the area's ``sources``.
    """
    if candidates.empty:  # the reports name no place
        return empty_layer(LAYER_COLUMNS)
    best = candidates[candidates["best_estimate"]].iloc[0]
    area, covered = uncertainty_area(candidates)
    vague = covered == [best["id"]] and best["precision_km"] > SPECIFIC_PRECISION_KM
    outlined = vague and _outline(best) is not None
    rows = [
        {"role": "best_estimate", "id": best["id"], "label": best["label"],
         "precision_km": best["precision_km"], "basis": best["basis"],
         "supported_by": best["supported_by"], "sources": best["sources"],
         "geometry": best.geometry},
        {"role": "uncertainty_area", "id": "uncertainty-area",
         "label": "Area spanned by the specific candidate positions" if not vague
         else "Area of the best estimate (no candidate is more specific)",
         "precision_km": None,
         "basis": f"Convex hull of the precision circles of the candidates at most "
                  f"{SPECIFIC_PRECISION_KM:g} km uncertain: {', '.join(covered)}." if not vague
         else f"The outline of {best['label']} ({outline_by_id(int(best['outline_id'])).source}): no "
              f"candidate is placed within {SPECIFIC_PRECISION_KM:g} km." if outlined
         else f"The best estimate's precision circle ({best['precision_km']:g} km): no candidate is "
              f"placed within {SPECIFIC_PRECISION_KM:g} km.",
         "supported_by": "derived from the candidates", "sources": area_source or "derived",
         "geometry": area},
    ]
    for _, cand in candidates.sort_values("id").iterrows():
        rows.append({"role": "candidate", "id": cand["id"], "label": cand["label"],
                     "precision_km": cand["precision_km"], "basis": cand["basis"],
                     "supported_by": cand["supported_by"], "sources": cand["sources"],
                     "geometry": cand.geometry})
    return gpd.GeoDataFrame(pd.DataFrame(rows), geometry="geometry", crs=WGS84)


def best_estimate(layer: gpd.GeoDataFrame) -> dict | None:
    """The best estimate of an attack-site layer as plain values, or ``None``."""
    best = layer[layer["role"] == "best_estimate"]
    if best.empty:
        return None
    row = best.iloc[0]
    return {"id": row["id"], "label": row["label"], "lat": round(float(row.geometry.y), 6),
            "lon": round(float(row.geometry.x), 6), "precision_km": float(row["precision_km"])}
