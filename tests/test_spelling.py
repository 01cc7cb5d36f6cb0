"""Spelling keys match transliteration variants and keep unrelated names apart."""
from __future__ import annotations

import pytest

from geo.spelling import fold, is_variant, skeleton


@pytest.mark.parametrize("a, b", [
    ("Mashkaf", "Mushkaf"), ("Pehro Kunri", "Piru Kunri"), ("Musakhail", "Musa Khel"),
    ("Kalat", "Qalat"), ("Noshki", "Naushki"), ("Qilla Saifullah", "Killa Saifullah"),
    ("Baluchistan", "Balochistan"), ("Dadhar", "Dhadar"), ("Jafer", "Jaffar"),
])
def test_variants_share_a_skeleton_and_are_similar(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)
    assert is_variant(a, b) and is_variant(b, a)


@pytest.mark.parametrize("a, b", [("Sibi", "Saba"), ("Quetta", "Kveta"), ("Trains", "Tehran"),
                                  ("Mamund", "Mandi"), ("Mengal", "Mangla"), ("Mamund", "Mohmand")])
def test_unrelated_names_are_kept_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b) or not is_variant(a, b)


def test_fold_ignores_case_accents_spaces_and_hyphens() -> None:
    assert fold("Muzaffarābād") == fold("muzaffarabad")
    assert fold("Khyber-Pakhtunkhwa") == fold("Khyber Pakhtunkhwa")
    assert fold("Musa Khel") == fold("Musakhel")
