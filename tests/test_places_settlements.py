"""Villages from the settlements table in place extraction (issue 11): only names the text
gives as places by their context, the namesake its district decides, and the guards
against English words, given names and short names.

The sentences are invented; the villages are rows of data/settlements.tsv.gz.
"""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo.areas import outline_by_id
from geo.gazetteer import haversine_km
from geo.places import places_in_text
from geo.spelling import fold
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


def _found(text: str) -> list[tuple[str, str, str, int]]:
    return [(p.entry.name, p.entry.kind, p.entry.uid, len(p.mentions)) for p in places_in_text(text, "test")]


def _district(name: str, province: str) -> str:
    [district] = [p for p in settlements_named(name)
                  if p.place_type == "district" and p.province == province and p.name == name]
    return f"wof:{district.wof_id}"


def test_a_district_the_gazetteer_lacks_is_the_table_s_district_of_the_province_named():
    found = {name: (kind, uid) for name, kind, uid, _ in
             _found("Drone strikes hit Barmal district in Paktika province late on Sunday, officials said.")}
    assert found["Barmal"] == ("district", _district("Barmal", "Paktika"))


def _in_district(entry, name: str, province: str) -> bool:
    outline = outline_by_id(int(_district(name, province).removeprefix("wof:")))
    return outline is not None and outline.geometry.contains(Point(entry.lon, entry.lat))


def test_every_district_of_a_list_lies_in_the_province_after_it():
    # The gazetteer knows "Khogyani" only as another name of a town in Ghazni, and has no
    # Shinwar: "districts in Nangarhar" says which places are meant. (Achin's own town, the
    # district centre, may stand for it, as a district's town does elsewhere.)
    found = _places("Residents said jets struck Khogyani, Shinwar and Achin districts in Nangarhar on Monday night.")
    assert found["Khogayani"].uid == _district("Khogayani", "Nangarhar")
    assert found["Shinwar"].uid == _district("Shinwar", "Nangarhar")
    [achin] = [e for name, e in found.items() if "achin" in fold(name)]
    assert _in_district(achin, "Acheen", "Nangarhar")


def test_a_district_is_not_found_by_the_name_of_the_district_it_was_cut_from():
    # Khash district's records list "Jurm" among its names; Jurm is a district of its own.
    assert any(p.place_type == "district" and p.name == "Khash" for p in settlements_named("Jurm"))
    [jurm] = [e for e in _places("Helicopters circled over Jurm district of Badakhshan.").values()
              if e.kind != "province"]
    assert _in_district(jurm, "Jurm", "Badakhshan") and not _in_district(jurm, "Khash", "Badakhshan")


def test_a_station_is_named_after_its_place_even_when_the_name_is_a_man_s():
    # "Ghulam" and "Khan" are both words of men's names.
    found = {name: uid for name, _, uid, _ in
             _found("Militants attacked the Ghulam Khan Police Station in North Waziristan on Sunday.")}
    assert found["Ghulam Khan"] in {f"wof:{p.wof_id}" for p in settlements_named("Ghulam Khan")
                                    if p.district == "North Waziristan"}
    said = _found("Ghulam Khan said in North Waziristan that the talks had failed.")
    assert "Ghulam Khan" not in {name for name, *_ in said}


def test_a_name_ending_in_khel_is_a_place_not_a_man_and_its_namesake_is_the_one_nearby():
    namesakes = [p for p in settlements_named("Shahbaz Khel") if p.place_type == "locality"]
    assert len({p.district for p in namesakes}) >= 3
    found = {name: uid for name, _, uid, _ in
             _found("Troops searched the Shahbaz Khel area as the convoy moved from Lakki Marwat towards Tank.")}
    [meant] = [p for p in namesakes if p.district == "Lakki Marwat"]
    assert found["Shahbaz Khel"] == f"wof:{meant.wof_id}"


@pytest.mark.parametrize(("text", "name", "district"), [
    ("Security forces came under fire near Spinwam in North Waziristan on Friday.", "Spinwam", "North Waziristan"),
    ("Two brothers, residents of Buleda, were shot dead in Turbat on Friday.", "Buleda", "Kech"),
])
def test_near_x_and_residents_of_x_give_x_as_a_place(text, name, district):
    [village] = [p for p in settlements_named(name) if p.district == district and p.name == name]
    assert {uid for n, _, uid, _ in _found(text) if n == name} == {f"wof:{village.wof_id}"}


def test_a_village_once_placed_is_the_same_place_when_named_again_bare():
    found = {name: (uid, count) for name, _, uid, count in
             _found("A landmine went off in Chingai village of Kurram district. Elders in Chingai said two boys "
                    "were hurt.")}
    assert found["Chingai"][1] == 2


def test_a_bare_name_the_text_has_placed_is_not_read_as_a_far_namesake():
    # The gazetteer's Khash is a town of Nimruz, 800 km away.
    found = [(name, uid) for name, _, uid, _ in
             _found("Farmers clashed with police in Shahran, the centre of Khash district in Badakhshan province. "
                    "Later, helicopters flew over Khash.")]
    assert [uid for name, uid in found if name.startswith("Kh")] == [_district("Khash", "Badakhshan")]


def test_near_a_road_named_after_towns_is_not_near_the_town():
    assert any(p.district == "Kashmore" or p.province == "Sindh" for p in settlements_named("Guddu"))
    found = {name for name, *_ in
             _found("Attackers hit a police picket near the Guddu-Kashmore Road in Rahim Yar Khan district.")}
    assert "Guddu" not in found


def test_names_listed_after_identified_as_are_people():
    found = {name for name, *_ in _found("The dead were identified as Nawaz, Mir Ali and Akbar, all residents of Bannu.")}
    assert found == {"Bannu"}
    assert "Mir Ali" in {name for name, *_ in _found("Six barbers were found dead in a field in Mir Ali.")}


def test_a_province_s_possessive_says_where_the_place_lies():
    assert _places("Police in Khairpur arrested two men.")["Khairpur"].admin1 == "Sindh"
    assert _places("Police in Punjab's Khairpur arrested two men.")["Khairpur Tamewah"].admin1 == "Punjab"


def test_a_plural_qualifier_after_a_list_names_the_last_place_s_kind():
    found = _places("Gunmen attacked a shop in Paktika and Khost provinces.")
    assert found["Khost Province"].kind == "province"  # not the town of Khost


def test_a_hyphenated_name_is_not_cut_at_its_hyphen():
    # "Dakai" alone is another name of Dakki Kalle, a village of Charsadda, 400 km off.
    assert any(p.district == "Charsadda" for p in settlements_named("Dakai"))
    found = _places("Clashes broke out in the Sur-Dakai area on Monday, police in Charsadda said.")
    assert set(found) == {"Charsadda"}


def test_a_bazaar_is_named_after_its_town():
    found = _places("An explosion in the Gulistan Bazaar of Qilla Abdullah district killed four.")
    [gulistan] = [p for p in settlements_named("Gulistan") if p.district == "Killa Abdullah" and p.name == "Gulistan"]
    assert found["Gulistan"].uid == f"wof:{gulistan.wof_id}"


def test_a_dateline_in_capitals_is_the_village_it_names():
    text = "Soldier martyred\n\nSPINWAM: A soldier was martyred when militants attacked a post in North Waziristan."
    [village] = [p for p in settlements_named("Spinwam") if p.name == "Spinwam" and p.district == "North Waziristan"]
    assert _places(text)["Spinwam"].uid == f"wof:{village.wof_id}"
    # Far from every other place the report names, a namesake is not taken.
    assert "Spinwam" not in _places("SPINWAM: Two men were shot dead in Karachi on Friday.")


def test_a_plural_word_heading_a_list_gives_each_name_its_kind():
    found = _places("The fighting has become common in provinces like Khost, Paktia, Paktika and Nangarhar.")
    assert {e.kind for e in found.values()} == {"province"} and "Khost Province" in found
    assert _places("Rain lashed districts such as Sibi and Kachhi.")["Sibi"].kind == "district"
    assert _places("Militants fled to Khost after the raid.")["Khōst"].kind == "town"


def test_a_village_named_twice_with_its_cue_counts_each_mention_once():
    text = ("Troops searched Shahbaz Khel village near Lakki Marwat. Later Shahbaz Khel village was "
            "sealed, and Shahbaz Khel was quiet.")
    [village] = [p for p in places_in_text(text, "test") if p.entry.name == "Shahbaz Khel"]
    spans = [(m.start, m.end) for m in village.mentions]
    assert len(spans) == 3 and len(set(spans)) == 3


def test_the_possessive_and_the_people_list_read_across_blanks_and_capitals():
    assert _places("Police in Punjab's  Khairpur arrested two men.")["Khairpur Tamewah"].admin1 == "Punjab"
    assert set(_places("Identified as Mir Ali, Nawaz and Akbar, the men fled to Bannu.")) == {"Bannu"}


def test_a_name_known_only_abroad_is_still_the_village_its_cue_names() -> None:
    # Mandan is also a town of North Dakota; the police station in Bannu is named after the village.
    found = {p.entry.name: p.entry for p in places_in_text(
        "A policeman was shot dead in the limits of the Mandan police station in Bannu.", "a.txt")}
    assert found["Mandan"].country == "PK" and found["Mandan"].kind == "village"
    assert haversine_km(found["Mandan"].lat, found["Mandan"].lon, 32.99, 70.60) < 40
