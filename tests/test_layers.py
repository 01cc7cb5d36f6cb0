"""Layer contents: route, stops, attack site, incidents and places."""
from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo.disambiguate import haversine_km
from geo.places import places_in_text
from layers.attack_site import attack_site_layer, candidates_frame
from layers.build import LAYER_NAMES, build_layers
from layers.incidents import incidents_layer
from layers.places import merged_places_layer, places_layer
from geo.cases import ATTACK_SITE_FILE, ROUTE_FILE
from layers.route import km_post_column, route_layer, stops_layer
from tests.builtin import BUILT_IN


@pytest.fixture(scope="module")
def stops():
    return stops_layer(BUILT_IN.curated_file(ROUTE_FILE))


def test_the_route_keeps_its_stops_in_travel_order_with_falling_km_posts(stops) -> None:
    assert list(stops["seq"]) == list(range(1, len(stops) + 1))
    assert stops["principal"].iloc[0] and stops["principal"].iloc[-1]  # it runs from one principal stop to another
    assert 0 < int(stops["principal"].sum()) < len(stops)
    # km posts fall along the line, from its first stop on
    km_posts = km_post_column(stops)
    km = stops[km_posts].dropna().tolist()
    assert len(km) >= 5 and km == sorted(km, reverse=True) and km[0] == stops[km_posts].iloc[0]


def test_route_is_one_linestring_through_every_stop(stops) -> None:
    route = route_layer(stops, BUILT_IN.route)
    assert len(route) == 1
    line = route.geometry.iloc[0]
    assert line.geom_type == "LineString"
    assert list(line.coords) == list(zip(stops.geometry.x, stops.geometry.y))
    assert 1000 < route["length_km"].iloc[0] < 2500


def test_estimated_stops_say_how(stops) -> None:
    estimated = stops[stops["estimate"]]
    assert len(estimated) >= 5
    assert estimated["method"].str.strip().ne("").all()
    assert stops["source"].str.strip().ne("").all()


def test_attack_site_has_best_estimate_area_and_every_candidate() -> None:
    candidates = candidates_frame(BUILT_IN.curated_file(ATTACK_SITE_FILE))
    layer = attack_site_layer(candidates)
    roles = list(layer["role"])
    assert roles[:2] == ["best_estimate", "uncertainty_area"]
    assert roles.count("candidate") == len(candidates) >= 5
    best = layer.geometry.iloc[0]
    chosen = candidates[candidates["best_estimate"]].geometry.iloc[0]
    assert haversine_km(best.y, best.x, chosen.y, chosen.x) < 0.001
    area = layer.geometry.iloc[1]
    assert area.geom_type == "Polygon" and area.contains(best)
    specific = candidates[candidates["precision_km"] <= 15]
    assert all(area.contains(p) for p in specific.geometry)
    assert layer["supported_by"].str.strip().ne("").all()


def test_incidents_keep_ranges_and_unclaimed_attacks_stay_unclaimed() -> None:
    incidents = incidents_layer()
    assert len(incidents) >= 14
    assert incidents["date_start"].is_monotonic_increasing
    assert (incidents["killed_low"].dropna() <= incidents["killed_high"].dropna()).all()
    unclaimed = incidents[incidents["claim_status"] == "unclaimed"]
    assert len(unclaimed) >= 2
    assert unclaimed["claimed_by"].str.strip().eq("").all()
    assert incidents["sources"].str.startswith("http").all()
    # The built-in case's own incident is in the dataset, where its curated best estimate is.
    own = incidents[incidents["id"] == BUILT_IN.id].iloc[0]
    best = candidates_frame(BUILT_IN.curated_file(ATTACK_SITE_FILE)).query("best_estimate").geometry.iloc[0]
    assert haversine_km(own.geometry.y, own.geometry.x, best.y, best.x) < 1


def test_places_layers_one_per_article_and_one_merged() -> None:
    places = (places_in_text("Quetta and Sibi were tense.", "a.txt")
              + places_in_text("In Quetta, markets shut.", "b.txt"))
    per_article = places_layer(places)
    assert sorted(zip(per_article["article"], per_article["name"])) == [
        ("a.txt", "Quetta"), ("a.txt", "Sibi"), ("b.txt", "Quetta")]
    merged = merged_places_layer(places).set_index("name")
    assert merged.loc["Quetta", "article_count"] == 2
    assert merged.loc["Quetta", "articles"] == ["a.txt", "b.txt"]
    assert merged.loc["Sibi", "article_count"] == 1
    assert merged.loc["Quetta", "sentences"] == ["[a.txt] Quetta and Sibi were tense.",
                                                 "[b.txt] In Quetta, markets shut."]
    quetta = per_article[per_article["name"] == "Quetta"].geometry.iloc[0]
    assert quetta.distance(Point(67.001, 30.184)) < 0.01


def test_build_layers_returns_every_layer_in_order() -> None:
    layers = build_layers(places_in_text("Mach and Sibi.", "a.txt"), BUILT_IN)
    assert tuple(layers) == LAYER_NAMES
    assert all(frame.crs.to_epsg() == 4326 for frame in layers.values())


def test_numbers_read_plainly_or_checked_agree_and_name_the_bad_line(tmp_path) -> None:
    import pandas as pd
    from geo.cases import CaseError
    from layers._frames import numbers

    path = tmp_path / "incidents.csv"
    plain = pd.DataFrame({"killed": pd.Series(["0", "3", "12"], dtype="str")})
    padded = pd.DataFrame({"killed": pd.Series([" 0", "3 ", ""], dtype="str")})
    assert numbers(plain, "killed", path, 0, kind="Int64").tolist() == [0, 3, 12]
    assert numbers(padded, "killed", path, 0, kind="Int64").tolist() == [0, 3, pd.NA]
    for bad, line in ((["1", "nan", "2"], 3), (["1", "2", "inf"], 4), (["-1", "2", "3"], 2), (["1.5", "2", "3"], 2)):
        with pytest.raises(CaseError, match=f"line {line}: killed"):
            numbers(pd.DataFrame({"killed": pd.Series(bad, dtype="str")}), "killed", path, 0, kind="Int64")


def test_numbers_the_checked_way_refuses_are_refused_whichever_way_is_taken(tmp_path) -> None:
    import pandas as pd
    from geo.cases import CaseError
    from layers._frames import numbers

    path = tmp_path / "incidents.csv"
    for cells in (["1_000", "2"], ["1_000", ""], ["١٢", "2"], ["１２", "2"]):
        with pytest.raises(CaseError, match="line 2: killed"):
            numbers(pd.DataFrame({"killed": pd.Series(cells, dtype="str")}), "killed", path, 0, kind="Int64")


def test_a_repeated_column_of_an_incidents_file_is_one_line(tmp_path) -> None:
    from geo.cases import CaseError
    from layers.incidents import incidents_layer

    path = tmp_path / "incidents.csv"
    header = ("id,date_start,date_end,place,admin1,lat,lon,precision_km,killed_low,killed_high,injured_low,"
              "injured_high,claimed_by,claim_status,target,summary,casualty_notes,sources,killed_low")
    path.write_text(header + "\nx1,2024-01-01,2024-01-01,P,A,30,67,5,1,1,0,0,,unclaimed,t,s,,src,9\n",
                    encoding="utf-8")
    with pytest.raises(CaseError, match="killed_low"):
        incidents_layer(path)
