"""District and province outlines (issue 11): matched to the gazetteer's areas, drawn as
the areas layer, and used as the uncertainty of a site known only by its district.

Positions are the gazetteer's and Who's On First's; the sentences are invented.
"""
from __future__ import annotations

import gzip
import json
from dataclasses import replace

import shapely
from shapely.geometry import Point, shape

from geo.areas import holds, outline_of
from geo.cases import Case
from geo.event_site import site_candidates
from geo.gazetteer import haversine_km, load_gazetteer
from geo.places import places_in_text
from geo.settings import AREAS_GEOJSON
from layers.areas import AREA_COLUMNS, areas_layer
from layers.attack_site import attack_site_layer, inferred_frame
from layers.build import build_case
from layers.export import write_layers

from .builtin import built_in_layers

TURBAT = (26.0012, 63.0485)
QUETTA = (30.1841, 67.0014)


def _area(name: str):
    entries = [e for e in load_gazetteer().lookup(name, None)[0] if e.kind in ("district", "province")]
    assert len(entries) == 1, entries
    return entries[0]


def test_a_district_is_matched_to_its_outline_which_holds_its_towns():
    kech = outline_of(_area("Kech"))
    assert kech is not None and kech.place_type == "district" and kech.name == "Kech"
    assert kech.holds(*TURBAT) and not kech.holds(*QUETTA)
    assert kech.source.startswith("Who's On First (CC BY 4.0), wof:id ")
    assert kech.source.endswith(("Mesoshapes (CC0)", "Quattroshapes (CC BY 2.0)"))


def test_the_outline_must_hold_the_area_s_point_not_only_share_its_name():
    # Who's On First has two areas called Bannu: the district and the tribal area beside it.
    bannu = outline_of(_area("Bannu"))
    assert bannu is not None and bannu.holds(32.9853, 70.6040)  # Bannu city
    assert not bannu.holds(32.93, 70.28)  # Jani Khel, in the tribal area


def test_a_newer_district_gets_no_outline_of_the_city_it_was_cut_from():
    # The outlines know Karachi as one district; Karachi South is a part of it, not all.
    assert outline_of(_area("Karachi South District")) is None


def test_an_outline_spelt_another_way_is_still_found():
    zabul = outline_of(_area("Zabul"))
    assert zabul is not None and zabul.name == "Zabol" and zabul.place_type == "province"


def test_containment_uses_the_outline_where_the_radius_would_say_otherwise():
    kech = _area("Kech")
    # Pasni lies in Gwadar district, within Kech's 120 km radius but outside its outline.
    pasni = (25.2631, 63.4710)
    assert haversine_km(*pasni, kech.lat, kech.lon) <= kech.precision_km
    assert not holds(kech, *pasni)
    assert holds(kech, *TURBAT)


def test_the_built_in_case_draws_the_areas_its_reports_name_as_polygons(tmp_path):
    areas = built_in_layers()["areas"]
    assert list(areas.columns) == [*AREA_COLUMNS, "geometry"]
    assert set(areas["name"]) >= {"Balochistan", "Kachhi"}
    assert set(areas["kind"]) <= {"district", "province"}
    kinds = list(areas["kind"])
    assert kinds == sorted(kinds, key=lambda k: k != "province")  # provinces under districts
    assert all(g.geom_type in ("Polygon", "MultiPolygon") and g.is_valid for g in areas.geometry)
    assert areas["outline"].str.startswith("Who's On First").all()
    balochistan = areas.set_index("name").loc["Balochistan"]
    assert balochistan.geometry.contains(Point(QUETTA[1], QUETTA[0]))
    assert balochistan["article_count"] == 5
    write_layers({"areas": areas}, tmp_path)
    exported = json.loads((tmp_path / "areas.geojson").read_text(encoding="utf-8"))
    assert len(exported["features"]) == len(areas)
    for feature in exported["features"]:
        polygon = shape(feature["geometry"])
        assert polygon.is_valid
        first = polygon.geoms[0] if polygon.geom_type == "MultiPolygon" else polygon
        assert first.exterior.is_ccw  # RFC 7946


def test_a_site_known_only_by_its_district_is_uncertain_by_the_district_s_outline():
    text = "Two soldiers were killed when militants attacked a convoy in Kech district on Tuesday, officials said."
    candidates = site_candidates([("a.txt", text, places_in_text(text, "a.txt"))])
    assert candidates[0].label == "Kech district" and candidates[0].outline_id
    layer = attack_site_layer(inferred_frame(candidates))
    area = layer[layer["role"] == "uncertainty_area"].iloc[0]
    kech = outline_of(_area("Kech"))
    assert shapely.equals(area.geometry, kech.geometry)
    assert "outline of Kech district" in area["basis"] and "Who's On First" in area["basis"]


def test_a_site_said_to_lie_some_distance_off_keeps_its_circle():
    text = "Militants attacked a convoy about 30 km from Turbat in Kech district on Tuesday, officials said."
    candidates = site_candidates([("a.txt", text, places_in_text(text, "a.txt"))])
    assert candidates and candidates[0].outline_id == 0


def test_an_area_named_by_a_report_is_in_the_areas_layer_of_its_build():
    text = "Gunmen ambushed a van in Kech district on Monday."
    built = build_case(Case(id="", title=""), [("a.txt", text, places_in_text(text, "a.txt"))])
    assert list(built.layers["areas"]["name"]) == ["Kech"]


def test_the_shipped_outlines_are_geojson_and_read_lazily_to_the_same_polygons():
    import gzip

    from geo.areas import _by_id
    from geo.settings import AREAS_GEOJSON

    collection = json.loads(gzip.decompress(AREAS_GEOJSON.read_bytes()))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) > 500
    outlines = _by_id(AREAS_GEOJSON)
    assert len(outlines) == len(collection["features"])
    for feature in collection["features"]:
        outline = outlines[feature["properties"]["wof_id"]]
        assert outline.name == feature["properties"]["name"]
        assert shapely.equals_exact(outline.geometry, shape(feature["geometry"]), 0)


def test_a_district_whose_entry_names_no_province_takes_it_from_its_outline():
    # An entry without admin1 (an online geocoder's, say) gets the outline's province.
    text = "Police said the blast in Mirpur district was followed by another in Sudhnoti district."
    places = [replace(place, entry=replace(place.entry, admin1="")) for place in places_in_text(text, "a.txt")]
    areas = areas_layer(places).set_index("name")
    assert set(areas.index) == {"Mirpur District", "Sudhnoti District"}
    assert set(areas["admin1"]) == {"Azad Kashmir"}


def test_every_district_outline_names_its_province():
    # Who's On First's hierarchy names none for Mirpur and Sudhnoti; the build script gives
    # them the province whose outline holds them, as it does for the settlements table.
    with gzip.open(AREAS_GEOJSON, "rt", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    districts = [f["properties"] for f in features if f["properties"]["place_type"] == "district"]
    assert len(districts) > 500
    assert [d["name"] for d in districts if not d["province"]] == []
    assert outline_of(_area("Mirpur District")).province == "Azad Kashmir"
    assert outline_of(_area("Kech")).province == "Balochistan"
