"""Villages from the settlements table in place extraction (issue 11): only names the text
gives as places by their context, the namesake its district decides, and the guards
against English words, given names and short names.

The sentences are invented; the villages are rows of data/settlements.tsv.gz.
"""
from __future__ import annotations

import pytest

from geo.places import places_in_text
from geo.settlements import settlements_named


def _places(text: str) -> dict[str, object]:
    return {p.entry.name: p.entry for p in places_in_text(text, "test")}


@pytest.mark.parametrize(("name", "district", "text"), [
    # Twenty villages are called Chingai; those of Khyber lie nearer to Kurram's point
    # than Kurram's own, so only the district through the hierarchy finds it.
    ("Chingai", "Kurram", "Security forces cleared Chingai village in Kurram district after a night of firing."),
    # Three Sasolis: two in Kalat, nearer to Khuzdar's point than the one of Khuzdar.
    ("Sasoli", "Khuzdar", "Levies personnel were posted at Sasoli village in Khuzdar district after the raid."),
])
def test_village_in_a_named_district_is_that_districts_namesake(name, district, text):
    namesakes = [p for p in settlements_named(name) if p.place_type == "locality" and p.name == name]
    assert len({p.district for p in namesakes}) >= 2
    meant = [p for p in namesakes if p.district == district]
    assert len(meant) == 1
    found = _places(text)
    village = found[name]
    assert village.uid == f"wof:{meant[0].wof_id}"
    assert village.kind in ("village", "town") and village.precision_km <= 5
    assert "GeoNames" in village.source and "Who's On First" in village.source
    assert district in found  # the gazetteer's district is kept


def test_an_english_word_is_no_village():
    # A village called Mall lies in Khuzdar district, but "the Mall" is a shopping street.
    assert any(p.district == "Khuzdar" for p in settlements_named("Mall"))
    found = _places("Protesters gathered in the Mall area of Khuzdar district on Friday.")
    assert set(found) == {"Khuzdar"}


def test_a_given_name_is_no_village():
    # Bashir is a village of Killa Saifullah district, and here a man's name.
    assert any(p.district == "Killa Saifullah" for p in settlements_named("Bashir"))
    found = _places("Police said Bashir in Killa Saifullah district had received threats.")
    assert set(found) == {"Killa Saifullah"}


def test_three_letters_need_a_qualifier():
    assert any(p.district == "Kurram" for p in settlements_named("Kot"))
    without = _places("Two guards were shot dead in Kot, Kurram district, on Sunday.")
    assert set(without) == {"Kurram"}
    qualified = _places("Two guards were shot dead in Kot village in Kurram district on Sunday.")
    assert qualified["Kot"].uid.startswith("wof:")


def test_a_name_without_a_context_is_not_looked_up():
    # No "village", "tehsil", "area of" or district after it: a capitalised word only.
    assert settlements_named("Angurai")
    assert set(_places("Angurai was calm on Tuesday, officials in Kurram district said.")) == {"Kurram"}
