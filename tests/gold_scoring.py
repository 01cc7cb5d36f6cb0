"""Match predicted places to hand-annotated gold places (one-to-one, within tolerance)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from geo.disambiguate import haversine_km

GOLD_DIR = Path(__file__).resolve().parent / "gold"
AREA_KINDS = {"province", "region"}


@dataclass
class Score:
    """What one article's predictions got right and wrong."""

    found: list[str]
    missed: list[str]
    false: list[str]


def load_gold(name: str = "seed_places.json") -> dict:
    """The gold file as a dict (places, articles)."""
    return json.loads((GOLD_DIR / name).read_text(encoding="utf-8"))


def _hits(spec: list, kind: str, lat: float, lon: float) -> bool:
    glat, glon, tolerance = spec[:3]
    gold_kind = spec[3] if len(spec) > 3 else ""
    if gold_kind in AREA_KINDS and kind not in AREA_KINDS:
        return False
    return haversine_km(lat, lon, glat, glon) <= tolerance


def match_one_to_one(gold: list[str], predictions: list, hits) -> set[str]:
    """Gold names matched to distinct predictions (maximum matching by augmenting paths).

    ``hits(name, prediction)`` says whether a prediction may stand for a gold place;
    two gold places near one another need two predictions.
    """
    edges = {g: [i for i, p in enumerate(predictions) if hits(g, p)] for g in gold}
    owner: dict[int, str] = {}

    def augment(g: str, seen: set[int]) -> bool:
        for i in edges[g]:
            if i not in seen:
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = g
                    return True
        return False

    for g in gold:
        augment(g, set())
    return set(owner.values())


def score_article(gold: dict, article: str, predictions: list[tuple[str, str, float, float]]) -> Score:
    """Score ``predictions`` (name, kind, lat, lon) for ``article`` against the gold."""
    spec = gold["articles"][article]
    places = gold["places"]
    required, allowed = spec["required"], spec["required"] + spec["optional"]
    matched = match_one_to_one(required, predictions,
                               lambda g, p: _hits(places[g], p[1], p[2], p[3]))
    false = [n for n, k, la, lo in predictions
             if not any(_hits(places[g], k, la, lo) for g in allowed)]
    return Score(found=[g for g in required if g in matched],
                 missed=[g for g in required if g not in matched], false=false)
