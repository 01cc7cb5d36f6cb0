"""Places of any country: towns from 15,000 people up, states and provinces, each only
where the report points at its country. Invented sentences; the positions come from
the shipped gazetteer (GeoNames, the countries-states-cities database)."""
from __future__ import annotations

import pytest

from geo.gazetteer import haversine_km
from geo.places import places_in_text


def _places(text: str) -> dict[str, tuple[str, str, float, float]]:
    return {p.entry.name: (p.entry.kind, p.entry.country, p.entry.lat, p.entry.lon)
            for p in places_in_text(text, "a.txt")}


def test_a_town_and_a_state_of_a_country_the_report_names() -> None:
    found = _places("Gunmen killed five police officers near Chilpancingo, the capital of Guerrero state, "
                    "Mexican officials said. Two more died in Tacambaro in neighbouring Michoacan.")
    assert found["Chilpancingo"][:2] == ("city", "MX")
    assert haversine_km(*found["Chilpancingo"][2:], 17.55, -99.50) < 5
    assert found["Guerrero"][:2] == ("province", "MX")
    assert found["Tacámbaro de Codallos"][:2] == ("town", "MX")   # the short form of its name
    assert found["Michoacán de Ocampo"][:2] == ("province", "MX")


def test_a_state_named_as_one_needs_no_country() -> None:
    found = _places("Herders attacked two villages in Benue State on Sunday, police said.")
    assert found["Benue"][:2] == ("province", "NG")
    assert haversine_km(*found["Benue"][2:], 7.34, 8.74) < 60


@pytest.mark.parametrize("text", [
    # A province of a country the report never points at is a word or a name here.
    "Police in Quetta said the convoy came under fire near the Benue bridge.",
    # "the Tanga area of Qila Saifullah" is a place there, not Tanga province of Tanzania.
    "The DC's vehicle was attacked in the Tanga area of Qila Saifullah, police said.",
])
def test_a_state_far_away_is_not_read_into_a_local_report(text: str) -> None:
    assert not [name for name, (kind, country, *_) in _places(text).items() if country in ("NG", "TZ")]


def test_every_name_of_a_list_ended_by_a_plural_qualifier_takes_its_kind() -> None:
    found = _places("Bombs went off in Kabul, northern Kunduz and eastern Nangarhar provinces in recent weeks.")
    assert found["Kunduz Province"][:2] == ("province", "AF")
    assert "Kunduz" not in found   # the city
    assert found["Nangarhar"][:2] == ("province", "AF")


def test_a_country_named_after_its_capital_stays_the_country() -> None:
    found = _places("MEXICO CITY: Mexico sent troops to the border, officials said.")
    assert found["Mexico City"][:2] == ("city", "MX")
    assert found["Mexico"][:2] == ("country", "MX")


def test_a_name_with_a_reading_in_the_reports_countries_takes_it() -> None:
    # "Gaza" is also a city of a country this report never names: the overlay's Gaza Strip is meant.
    found = _places("Israel and Hamas have been at war in Gaza since October, officials in Tel Aviv said.")
    assert found["Gaza Strip"][:2] == ("region", "PS")


def test_a_newspaper_named_after_a_country_does_not_name_it() -> None:
    found = _places("Kunduz: Suicide bomber kills 100 in northern Afghanistan mosque - Times of India")
    assert "India" not in found and "Kunduz" in found


@pytest.mark.parametrize("text, expected", [
    # A dateline or a word after "to" places a short capital city written in capitals.
    ("DOHA: The Taliban and US negotiators met again on Saturday.", {"Doha"}),
    ("KABUL: Delegates travelled to DOHA for talks.", {"Kabul", "Doha"}),
    # A hospital named after a district stands in the city, not the district.
    ("QUETTA: The injured were shifted to Bolan Medical Complex, doctors said.", {"Quetta"}),
    # A person named like a small capital abroad is not that capital.
    ("QUETTA: Police said the suspect, Victoria, was held in Quetta.", {"Quetta"}),
    # A district abroad of the same name gives way to the one in the province named.
    ("FAIZABAD: Taliban fighters attacked a checkpoint in Shaki district of Badakhshan province.",
     {"Fayzabad", "Shaki", "Badakhshan"}),
    # A town in eight countries, and nothing else, points at none of them.
    ("Gunmen attacked a bus in Victoria on Monday.", set()),
])
def test_readings_from_a_review(text: str, expected: set[str]) -> None:
    found = places_in_text(text, "a.txt")
    assert {p.entry.name for p in found} == expected
    assert all(p.entry.country == "AF" for p in found if p.entry.name == "Shaki")


@pytest.mark.parametrize("text, town, state, country, lat, lon", [
    # The state, not the country of the same name, holds the city said to lie in it.
    ("A gunman opened fire in Atlanta, Georgia, on Tuesday, police said.", "Atlanta", "Georgia", "US", 33.75, -84.39),
    # A town that shares the state's name does not stand for it.
    ("Two people were shot in Portland, Oregon, overnight.", "Portland", "Oregon", "US", 45.52, -122.68),
    # Of seven Springfields, the one in the state named.
    ("Police in Springfield, Illinois said three were killed.", "Springfield", "Illinois", "US", 39.80, -89.64),
    # Punjab of India, not Pakistan's, holds Amritsar.
    ("Police in Amritsar, Punjab said two died in the firing.", "Amritsar", "Punjab", "IN", 31.62, 74.88),
])
def test_a_city_comma_its_state_reads_the_state_that_holds_it(text, town, state, country, lat, lon) -> None:
    found = {p.entry.name: p.entry for p in places_in_text(text, "a.txt")}
    assert haversine_km(found[town].lat, found[town].lon, lat, lon) < 10
    assert (found[state].kind, found[state].country) == ("province", country)


def test_a_city_comma_a_country_keeps_the_country() -> None:
    found = _places("Two people were shot in Tbilisi, Georgia, on Monday. Georgia's police are searching.")
    assert found["Tbilisi"][:2] == ("city", "GE") and found["Georgia"][:2] == ("country", "GE")


def test_a_country_named_by_its_own_name_points_at_its_towns() -> None:
    # "Mexico" is also a town of the Philippines and another name of Mexico City.
    found = _places("A car bomb exploded in Durango, Mexico, killing three.")
    assert found["Mexico"][:2] == ("country", "MX")
    assert any(country == "MX" and name != "Mexico" for name, (_, country, *_) in found.items())


def test_a_province_written_in_english_where_the_database_has_it_in_french() -> None:
    found = _places("Rebels attacked a village in Lubero territory, North Kivu province, Congolese officials said.")
    assert found["Nord-Kivu"][:2] == ("province", "CD")
