"""Claims in the five seed reports match the hand-annotated gold."""
from __future__ import annotations

import json

import pytest

from geo.claims import claims_in_text, load_incident_refs
from tests.builtin import BUILT_IN

from .gold_scoring import GOLD_DIR, match_one_to_one

GOLD = json.loads((GOLD_DIR / "seed_claims.json").read_text(encoding="utf-8"))
INCIDENTS = load_incident_refs()
MAIN = next(ref for ref in INCIDENTS if ref.id == BUILT_IN.id)
CASE = BUILT_IN  # its reports, and its own names for claimants
ARTICLES_DIR = CASE.articles_dir


def _key(claim) -> tuple:
    if isinstance(claim, dict):
        return claim["figure"], claim["low"], claim["high"], claim["incident"]
    return claim.figure, claim.low, claim.high, claim.incident


def _claims(article: str):
    text = (ARTICLES_DIR / article).read_text(encoding="utf-8")
    return claims_in_text(text, article, MAIN, INCIDENTS, claimants=CASE.claimants)


@pytest.mark.parametrize("article", sorted(GOLD["articles"]))
def test_every_gold_claim_is_found_with_its_claimant(article: str) -> None:
    spec = GOLD["articles"][article]
    found = _claims(article)
    required = [f"r{i}" for i in range(len(spec["required"]))]
    gold = {f"r{i}": c for i, c in enumerate(spec["required"])}
    matched = match_one_to_one(required, found, lambda g, c: _key(gold[g]) == _key(c)
                               and gold[g]["claimant"] == c.claimant)
    missed = [gold[g] for g in required if g not in matched]
    assert missed == []


@pytest.mark.parametrize("article", sorted(GOLD["articles"]))
def test_no_claim_outside_the_gold(article: str) -> None:
    spec = GOLD["articles"][article]
    allowed = {_key(c) for c in spec["required"] + spec["optional"]}
    extra = [(c.figure, c.low, c.high, c.incident, c.quote) for c in _claims(article)
             if _key(c) not in allowed]
    assert extra == []


def test_claim_offsets_point_at_the_number() -> None:
    article = "001_278177ca860003e7.txt"
    text = (ARTICLES_DIR / article).read_text(encoding="utf-8")
    for claim in _claims(article):
        assert claim.quote.startswith(text[claim.start:claim.end])
        assert text[claim.start:claim.end] in claim.sentence
