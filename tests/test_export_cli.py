"""GeoJSON/GeoPackage export and the command line, including bad input."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyogrio
import pytest

from layers.build import LAYER_NAMES
from layers.export import failure_reason, io_reason
from atlas_cli.main import main
from tests.builtin import ARTICLES_DIR
from tests.gold_scoring import load_gold, score_article

SEED = ARTICLES_DIR / "000_75480677563b29d2.txt"


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas_cli.main", *args], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent)


def _assert_rfc7946(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        coords = json.dumps(feature["geometry"]["coordinates"])
        numbers = [float(x) for x in coords.replace("[", " ").replace("]", " ").replace(",", " ").split()]
        lons, lats = numbers[0::2], numbers[1::2]
        assert all(-180 <= x <= 180 for x in lons) and all(-90 <= y <= 90 for y in lats)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["build", "--out", str(out)]) == 0
    return out


def test_build_writes_every_layer_as_valid_geojson_and_one_geopackage(built: Path) -> None:
    for name in (*LAYER_NAMES, "all_layers"):
        collection = json.loads((built / f"{name}.geojson").read_text(encoding="utf-8"))
        _assert_rfc7946(collection)
        assert collection["features"], name
    assert [name for name, _ in pyogrio.list_layers(built / "layers.gpkg")] == list(LAYER_NAMES)


def test_exports_open_unchanged_in_gdal_with_the_same_features(built: Path) -> None:
    for name in LAYER_NAMES:
        from_geojson = pyogrio.read_dataframe(built / f"{name}.geojson")
        from_gpkg = pyogrio.read_dataframe(built / "layers.gpkg", layer=name)
        assert len(from_geojson) == len(from_gpkg) > 0
        assert from_geojson.crs.to_epsg() == 4326
        assert from_geojson.geometry.geom_equals_exact(from_gpkg.geometry, 1e-6).all(), name


def test_all_layers_file_holds_every_feature_tagged_by_layer(built: Path) -> None:
    combined = json.loads((built / "all_layers.geojson").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for feature in combined["features"]:
        counts[feature["properties"]["layer"]] = counts.get(feature["properties"]["layer"], 0) + 1
    for name in LAYER_NAMES:
        single = json.loads((built / f"{name}.geojson").read_text(encoding="utf-8"))
        assert counts[name] == len(single["features"])


def test_build_is_deterministic(built: Path, tmp_path: Path) -> None:
    assert main(["build", "--out", str(tmp_path)]) == 0
    for name in (*LAYER_NAMES, "all_layers"):
        assert (tmp_path / f"{name}.geojson").read_bytes() == (built / f"{name}.geojson").read_bytes()


def test_places_prints_one_feature_collection_with_the_contract_properties() -> None:
    result = _run("places", str(SEED))
    assert result.returncode == 0, result.stderr
    collection = json.loads(result.stdout)
    _assert_rfc7946(collection)
    features = collection["features"]
    # The built-in case's gold (tests/gold/seed_places.json): every place found, none false.
    predictions = [(f["properties"]["name"], f["properties"]["kind"], f["geometry"]["coordinates"][1],
                    f["geometry"]["coordinates"][0]) for f in features]
    score = score_article(load_gold(), SEED.name, predictions)
    assert score.missed == [] and score.false == []
    contract = {"article", "name", "kind", "country", "admin1", "precision_km", "estimate", "method", "source",
                "uid", "mentions", "mention_count", "spans", "sentences"}
    for feature in features:
        props = feature["properties"]
        assert set(props) == contract and props["article"] == SEED.name
        assert feature["geometry"]["type"] == "Point"
        assert props["mention_count"] == len(props["spans"]) >= len(props["mentions"]) >= 1
        text = SEED.read_text(encoding="utf-8")
        assert all(text[start:end] in props["mentions"] for start, end in props["spans"])
    # A name written another way is reported as written ("Piru" for the gazetteer's "Pehro").
    assert any(props["name"] not in props["mentions"] for props in (f["properties"] for f in features))


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    ("Quetta caf\u00e9".encode("latin-1"), "not UTF-8"),
    (b"Quetta " * 200_000, "too large"),
])
def test_bad_input_gets_one_line_and_exit_2_while_other_files_are_processed(
        tmp_path: Path, content: bytes | None, message: str) -> None:
    bad = tmp_path / "bad.txt"
    if content is not None:
        bad.write_bytes(content)
    result = _run("places", str(bad), str(SEED))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
    names = {f["properties"]["name"] for f in json.loads(result.stdout)["features"]}
    assert "Quetta" in names  # the good file still counted


def test_build_with_a_directory_without_articles_fails_cleanly(tmp_path: Path) -> None:
    result = _run("build", "--articles", str(tmp_path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no articles" in result.stderr and "Traceback" not in result.stderr


def test_build_from_another_articles_directory(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("Gunmen attacked a checkpost in Turbat, Kech district.", encoding="utf-8")
    assert main(["build", "--articles", str(articles), "--out", str(tmp_path / "out")]) == 0
    places = json.loads((tmp_path / "out" / "places.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["name"] for f in places["features"]} == {"Turbat", "Kech"}


def test_an_os_error_is_told_by_the_system_s_words_never_by_its_text() -> None:
    # The case store (dashboard) and the exports (command line) say an OS error the same way:
    # an error's text may name a server path, so only its strerror or its class is shown.
    assert io_reason(PermissionError(13, "Permission denied", "/srv/atlas/cases")) == "Permission denied"
    assert io_reason(OSError("/srv/atlas/cases/x is gone")) == "OSError"
    assert failure_reason(OSError(5, "Input/output error")) == "cannot be written (Input/output error)"
    assert failure_reason(OSError("/srv/atlas/out is gone")) == "cannot be written (OSError)"
    assert failure_reason(OSError(28, "No space left on device")).startswith("no space left on the device")
