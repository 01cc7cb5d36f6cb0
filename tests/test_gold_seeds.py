"""The five seed reports are parsed completely: every gold place, no false place."""
from __future__ import annotations

import pytest

from geo.places import places_in_text
from tests.builtin import ARTICLES_DIR

from .gold_scoring import load_gold, score_article

GOLD = load_gold()


@pytest.mark.parametrize("article", sorted(GOLD["articles"]))
def test_seed_article_places_match_gold(article: str) -> None:
    text = (ARTICLES_DIR / article).read_text(encoding="utf-8")
    predictions = [(p.name, p.entry.kind, p.entry.lat, p.entry.lon)
                   for p in places_in_text(text, article)]
    score = score_article(GOLD, article, predictions)
    assert score.missed == [], f"gold places not found in {article}"
    assert score.false == [], f"false places in {article}"


def test_gold_scorer_counts_misses_and_false_places() -> None:
    # The scorer itself must be able to fail: an empty prediction misses everything,
    # and a point in the Atlantic is a false place.
    article = "000_75480677563b29d2.txt"
    empty = score_article(GOLD, article, [])
    assert set(empty.missed) == set(GOLD["articles"][article]["required"])
    wrong = score_article(GOLD, article, [("Nowhere", "town", 0.0, -30.0)])
    assert wrong.false == ["Nowhere"]
    # A province gold place is not matched by a town at the same spot.
    lat, lon = GOLD["places"]["Balochistan"][:2]
    town = score_article(GOLD, article, [("Balochistan", "town", lat, lon)])
    assert "Balochistan" in town.missed
