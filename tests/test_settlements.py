"""The settlements table: built from Who's On First records, indexed once, asked by name."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo import settlements
from geo.settlements import SETTLEMENTS_TSV, build_index, settlements_named

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "tools" / "build_settlements.py"


def _record(folder: Path, wof_id: int, placetype: str, name: str, *, code: str = "PPL", county: int = 0,
            region: int = 0, extra: dict | None = None, suffix: str = "", geometry: dict | None = None) -> None:
    properties = {"wof:id": wof_id, "wof:placetype": placetype, "wof:name": name, "gn:feature_code": code,
                  "geom:latitude": 30.1 + wof_id / 1000, "geom:longitude": 66.9, "wof:country": "PK",
                  "wof:concordances": {"gn:id": 100 + wof_id},
                  "wof:hierarchy": [{"county_id": county, "region_id": region}], **(extra or {})}
    path = folder / "data" / str(wof_id) / f"{wof_id}{suffix}.geojson"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"type": "Feature", "properties": properties, "geometry": geometry}), encoding="utf-8")


# A district drawn clockwise, with a point every 0.0001 degrees along one edge (simplified away)
# and coordinates finer than the 4 decimals kept.
_EDGE = [[66.0 + i / 10_000, 30.0] for i in range(0, 10_001)]
KALAT_OUTLINE = {"type": "Polygon",
                 "coordinates": [[[66.0, 30.0], [66.0, 31.000004], [67.0, 31.0], *reversed(_EDGE)]]}


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A tiny WOF repository: a province, a district, villages kept and left out."""
    folder = tmp_path / "wof"
    _record(folder, 1, "region", "Balochistan", code="ADM1", geometry={
        "type": "Polygon", "coordinates": [[[65.0, 29.0], [68.0, 29.0], [68.0, 32.0], [65.0, 32.0], [65.0, 29.0]]]})
    _record(folder, 10, "locality", "Untiered", county=2)  # a hierarchy without its province
    _record(folder, 2, "county", "Kalat", code="ADM2", region=1, geometry=KALAT_OUTLINE, extra={"src:geom": "meso"})
    _record(folder, 9, "county", "Old Kalat", code="ADM2", region=1, geometry=KALAT_OUTLINE,
            extra={"mz:is_current": 0})
    _record(folder, 3, "locality", "Purana Manguchar", county=2, region=1,
            extra={"name:und_x_variant": ["Mangūchar", "منگچر", "Mungachar"], "gn:asciiname": "Purana Manguchar"})
    _record(folder, 4, "locality", "Old Fort", code="PPLQ", county=2, region=1)            # abandoned
    _record(folder, 5, "locality", "Gone", county=2, region=1, extra={"edtf:deprecated": "2020"})
    _record(folder, 6, "locality", "Merged", county=2, region=1, extra={"wof:superseded_by": [7]})
    _record(folder, 3, "locality", "Alternate geometry", county=2, region=1, suffix="-alt-quattroshapes")
    _record(folder, 8, "neighbourhood", "Tab\tName", county=2, region=1)
    return folder


def _build(checkout: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD), str(checkout), "--out", str(out)],
                          capture_output=True, text=True)


def _rows(path: Path) -> list[dict[str, str]]:
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def test_the_build_keeps_settlements_with_their_district_and_leaves_out_the_gone(checkout: Path, tmp_path: Path):
    out = tmp_path / "settlements.tsv.gz"
    run = _build(checkout, out)
    assert run.returncode == 0, run.stderr
    rows = {row["name"]: row for row in _rows(out)}
    assert set(rows) == {"Balochistan", "Kalat", "Purana Manguchar", "Tab Name", "Untiered"}
    assert rows["Untiered"]["province"] == "Balochistan"  # the province whose outline holds it
    village = rows["Purana Manguchar"]
    assert (village["district"], village["province"], village["place_type"]) == ("Kalat", "Balochistan", "locality")
    assert village["variants"] == "Mangūchar;Mungachar"  # Latin-script variants only
    assert village["geonameid"] == "103" and village["ascii_name"] == ""
    first = out.read_bytes()
    assert _build(checkout, out).returncode == 0 and out.read_bytes() == first  # same input, same bytes


def test_the_build_writes_simplified_outlines_of_the_districts_beside_the_table(checkout: Path, tmp_path: Path):
    out = tmp_path / "settlements.tsv.gz"
    assert _build(checkout, out).returncode == 0
    areas = json.loads(gzip.decompress((tmp_path / "areas.geojson.gz").read_bytes()))
    assert [f["properties"]["name"] for f in areas["features"]] == ["Balochistan", "Kalat"]  # not the retired record
    kalat = areas["features"][1]
    assert kalat["properties"] == {"wof_id": 2, "geonameid": "102", "name": "Kalat", "ascii_name": "",
                                        "place_type": "district", "province": "Balochistan", "country": "PK",
                                    "geometry_source": "meso"}
    ring = kalat["geometry"]["coordinates"][0]
    assert len(ring) == 5  # the 10,001 points of one straight edge are two
    assert all(round(x, 4) == x and round(y, 4) == y for x, y in ring)
    signed = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))
    assert signed > 0  # counter-clockwise, as RFC 7946 asks


def test_the_build_refuses_a_folder_that_is_no_wof_checkout(tmp_path: Path):
    run = _build(tmp_path, tmp_path / "out.tsv.gz")
    assert run.returncode == 2 and run.stderr.count("\n") == 1 and "no data/ folder" in run.stderr


def test_a_place_is_found_by_any_of_its_spellings_with_its_district(checkout: Path, tmp_path: Path):
    table = tmp_path / "settlements.tsv.gz"
    assert _build(checkout, table).returncode == 0
    for spelling in ("Purana Manguchar", "Mangūchar", "MUNGACHAR"):
        (place,) = settlements_named(spelling, table)
        assert (place.name, place.district, place.province, place.wof_id) == ("Purana Manguchar", "Kalat",
                                                                              "Balochistan", 3)
        assert place.source.endswith("wof:id 3") and "GeoNames" in place.source
    assert settlements_named("Old Fort", table) == [] and settlements_named("", table) == []


def test_the_index_is_built_once_and_written_whole(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(tmp_path / "cache"))
    settlements._index.cache_clear()
    index = settlements._index(SETTLEMENTS_TSV)
    assert index.parent == tmp_path / "cache" and index.is_file()
    stamp = index.stat().st_mtime_ns
    settlements._index.cache_clear()
    assert settlements._index(SETTLEMENTS_TSV) == index and index.stat().st_mtime_ns == stamp
    assert [p.name for p in index.parent.iterdir()] == [index.name]  # no temporary file left
    broken = tmp_path / "broken.tsv.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(OSError):
        build_index(broken, tmp_path / "cache" / "broken.sqlite")
    assert sorted(p.name for p in index.parent.iterdir()) == [index.name]
    settlements._index.cache_clear()


def test_the_shipped_table_holds_the_villages_of_pakistan_and_afghanistan(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("INCIDENT_ATLAS_CACHE_DIR", str(tmp_path))  # the index is built here, not in ~/.cache
    settlements._index.cache_clear()
    rows = gzip.decompress(SETTLEMENTS_TSV.read_bytes()).decode("utf-8").splitlines()
    assert rows[0].split("\t")[:3] == ["wof_id", "geonameid", "name"]
    assert len(rows) > 160_000
    # A village the curated files never held, by a spelling of the news (GeoNames 1172826).
    (place,) = [p for p in settlements_named("Kuchlak") if p.country == "PK"]
    assert place.district == "Quetta" and abs(place.lat - 30.352) < 0.01 and abs(place.lon - 66.940) < 0.01
    settlements._index.cache_clear()


@pytest.mark.parametrize("text, village, district", [
    ("A blast hit the Bagan area of Kurram, killing five.", "Baggan", "Kurram"),
    ("Militants attacked a check post in the Mangochar area of Kalat district, killing four soldiers.",
     "Purana Manguchar", "Kalat"),  # spelt another way by GeoNames
])
def test_a_village_the_text_places_in_its_district_is_placed_where_it_is(text: str, village: str, district: str):
    from geo.event_site import site_candidates
    from geo.places import places_in_text
    best = site_candidates([("r.txt", text, places_in_text(text, "r.txt"))])[0]
    (place,) = [p for p in settlements_named(village) if p.district == district]
    assert best.in_gazetteer and best.label.startswith(village) and best.precision_km <= 5
    assert (best.lat, best.lon) == (place.lat, place.lon)
    assert f"village in {district}" in best.basis


def test_a_village_is_only_taken_inside_the_district_the_text_names():
    from geo.gazetteer import default_gazetteer
    from geo.settlements import settlement_within
    kurram = next(e for e in default_gazetteer().exact("Kurram") if e.kind == "district")
    assert settlement_within("Bagan", kurram).name == "Baggan"
    kalat = next(e for e in default_gazetteer().exact("Kalat") if e.kind == "district")
    assert settlement_within("Bagan", kalat) is None                      # a Baggan elsewhere is not it
    assert settlement_within("Zzzqx", kurram) is None
