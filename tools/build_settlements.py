"""Build data/settlements.tsv.gz from local copies of Who's On First's country repositories.

    python tools/build_settlements.py WOF_CHECKOUT [WOF_CHECKOUT ...]
        [--out data/settlements.tsv.gz] [--areas-out data/areas.geojson.gz (beside --out)]

Each WOF_CHECKOUT is a clone (or an export) of a ``whosonfirst-data-admin-<cc>`` repository;
the table the project ships was built from

* ``whosonfirst-data/whosonfirst-data-admin-pk`` at c2e513fafbf0def04ca4b89c421a5b79fa0bb2ec
* ``whosonfirst-data/whosonfirst-data-admin-af`` at 948432c281d6d8b4d3994ce3b938e82b775d9078

It keeps the settlements (localities, neighbourhoods) with their district (``county``)
and province (``region``), and the districts and provinces themselves: names, ASCII
names, Latin-script variant names, position, place type, GeoNames feature code,
population where given, and the WOF and GeoNames ids. Abandoned places (``PPLQ``),
deprecated and superseded records, and alternate geometries are left out. The output is
sorted by WOF id and gzipped without a timestamp, so the same input gives the same bytes.

Beside it, the outlines of the districts and provinces (``areas.geojson.gz``), simplified
to about 200 m and rounded to 4 decimals (11 m): enough to draw a district a report names
and to tell whether a point lies in it, at a few hundred kilobytes.

Data: GeoNames (CC BY 4.0) via Who's On First (https://whosonfirst.org/, CC BY 4.0);
see the README's attribution.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import shapely
import shapely.geometry

from layers.export import replace_file  # the old file or the new one, never a part

#: Place types kept, and what the table calls them.
PLACE_TYPES = {"locality": "locality", "neighbourhood": "neighbourhood", "county": "district",
               "region": "province"}
#: GeoNames feature codes of places that are no longer there.
ABANDONED_CODES = frozenset({"PPLQ"})
COLUMNS = ("wof_id", "geonameid", "name", "ascii_name", "variants", "place_type", "feature_code", "lat", "lon",
           "population", "district", "province", "country")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-()]+")


@dataclass(frozen=True)
class Record:
    """One WOF record, as much of it as the table keeps."""

    wof_id: int
    geonameid: str
    name: str
    ascii_name: str
    variants: tuple[str, ...]
    place_type: str
    feature_code: str
    lat: float
    lon: float
    population: int
    district_id: int
    province_id: int
    country: str
    outline: dict | None = None  # GeoJSON geometry of a district or province
    outline_source: str = ""      # where WOF took the geometry from (its src:geom)


def _is_latin(name: str) -> bool:
    return bool(_LATIN.fullmatch(unicodedata.normalize("NFC", name)))


def _clean(text: str) -> str:
    # Tabs and line breaks would break the table; runs of blanks say nothing.
    return " ".join(str(text).split())


def _record(properties: dict, geometry: dict | None = None) -> Record | None:
    """The table's view of one record, or ``None`` when the record is not kept."""
    place_type = PLACE_TYPES.get(properties.get("wof:placetype", ""))
    code = properties.get("gn:feature_code") or ""
    if place_type is None or code in ABANDONED_CODES:
        return None
    if properties.get("edtf:deprecated") or properties.get("wof:superseded_by") or properties.get("mz:is_current") == 0:
        return None
    name = _clean(properties.get("wof:name") or properties.get("gn:name") or "")
    if not name:
        return None
    ascii_name = _clean(properties.get("gn:asciiname") or "")
    variants = []
    for key in ("name:eng_x_preferred", "name:eng_x_variant", "name:und_x_variant", "gn:name"):
        value = properties.get(key) or []
        for variant in [value] if isinstance(value, str) else value:
            variant = _clean(variant)
            if variant and _is_latin(variant) and variant not in (name, ascii_name) and variant not in variants:
                variants.append(variant)
    hierarchy = (properties.get("wof:hierarchy") or [{}])[0]
    concordances = properties.get("wof:concordances") or {}
    return Record(
        wof_id=int(properties["wof:id"]),
        geonameid=str(concordances.get("gn:id") or properties.get("gn:geonameid") or ""),
        name=name, ascii_name=ascii_name if ascii_name != name else "", variants=tuple(variants),
        place_type=place_type, feature_code=code,
        lat=round(float(properties["geom:latitude"]), 5), lon=round(float(properties["geom:longitude"]), 5),
        population=int(properties.get("gn:population") or 0),
        district_id=int(hierarchy.get("county_id") or 0), province_id=int(hierarchy.get("region_id") or 0),
        country=str(properties.get("wof:country") or properties.get("iso:country") or ""),
        outline=_outline(geometry) if place_type in ("district", "province") else None,
        outline_source=str(properties.get("src:geom") or ""))


#: Simplification of outlines, in degrees (about 200 m), and the decimals kept.
OUTLINE_TOLERANCE = 0.002
OUTLINE_DECIMALS = 4


def _outline(geometry: dict | None) -> dict | None:
    """A district's or province's polygon, simplified and rounded; ``None`` for a point."""
    if not geometry or geometry.get("type") not in ("Polygon", "MultiPolygon"):
        return None
    shape = shapely.geometry.shape(geometry).simplify(OUTLINE_TOLERANCE, preserve_topology=True)
    shape = shapely.make_valid(shapely.set_precision(shape, 10 ** -OUTLINE_DECIMALS))
    if shape.geom_type == "GeometryCollection":
        shape = shapely.union_all([g for g in shape.geoms if g.geom_type in ("Polygon", "MultiPolygon")])
    if shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
        return None
    # RFC 7946: exterior rings counter-clockwise.
    return json.loads(shapely.to_geojson(shapely.orient_polygons(shape, exterior_cw=False)))


def records(checkout: Path) -> Iterator[Record]:
    """Every kept record of one WOF checkout (alternate geometries skipped)."""
    for path in sorted((checkout / "data").rglob("*.geojson")):
        if "-alt" in path.name:
            continue
        with path.open(encoding="utf-8") as fh:
            feature = json.load(fh)
        record = _record(feature["properties"], feature.get("geometry"))
        if record is not None:
            yield record


def table_rows(all_records: list[Record]) -> list[tuple[str, ...]]:
    """The table's rows, districts and provinces named, sorted by WOF id.

    A place whose hierarchy names no province (ex-FATA's, merged into Khyber Pakhtunkhwa
    in 2018, have none) takes the province whose outline holds it.
    """
    names = {r.wof_id: r.name for r in all_records if r.place_type in ("district", "province")}
    province_of = _province_by_outline(all_records)
    rows = []
    for r in sorted(all_records, key=lambda record: record.wof_id):
        district = names.get(r.district_id, "") if r.place_type in ("locality", "neighbourhood") else ""
        province = "" if r.place_type == "province" else names.get(r.province_id, "") or province_of(r)
        rows.append((str(r.wof_id), r.geonameid, r.name, r.ascii_name, ";".join(r.variants), r.place_type,
                     r.feature_code, f"{r.lat:.5f}", f"{r.lon:.5f}", str(r.population), district,
                     province, r.country))
    return rows


def _province_by_outline(all_records: list[Record]):
    """A function giving the name of the province of a record's country whose outline holds its point."""
    provinces = [(r.country, r.name, shapely.geometry.shape(r.outline)) for r in all_records
                 if r.place_type == "province" and r.outline is not None]
    for _, _, shape in provinces:
        shapely.prepare(shape)

    def province_of(record: Record) -> str:
        point = shapely.geometry.Point(record.lon, record.lat)
        held = [name for country, name, shape in provinces if country == record.country and shape.contains(point)]
        return held[0] if len(held) == 1 else ""

    return province_of


def write_table(rows: list[tuple[str, ...]], out: Path) -> None:
    """Gzipped tab-separated rows with a header line, byte-identical for the same rows."""
    text = "\t".join(COLUMNS) + "\n" + "".join("\t".join(row) + "\n" for row in rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(text.encode("utf-8"))
    replace_file(out, buffer.getvalue())


def area_features(all_records: list[Record]) -> list[dict]:
    """GeoJSON features of the districts and provinces with an outline, sorted by WOF id."""
    provinces = {r.wof_id: r.name for r in all_records if r.place_type == "province"}
    province_of = _province_by_outline(all_records)   # as in the table, for a hierarchy without one
    features = []
    for r in sorted(all_records, key=lambda record: record.wof_id):
        if r.outline is None:
            continue
        province = provinces.get(r.province_id, "") or province_of(r) if r.place_type == "district" else ""
        features.append({"type": "Feature", "geometry": r.outline, "properties": {
            "wof_id": r.wof_id, "geonameid": r.geonameid, "name": r.name, "ascii_name": r.ascii_name,
            "place_type": r.place_type, "province": province,
            "country": r.country, "geometry_source": r.outline_source}})
    return features


def write_areas(features: list[dict], out: Path) -> None:
    """A gzipped GeoJSON FeatureCollection, byte-identical for the same features.

    One feature per line, its properties before its geometry: ``geo.areas`` reads the
    properties of all and parses a polygon only when it is needed.
    """
    lines = [json.dumps({"type": "Feature", "properties": f["properties"], "geometry": f["geometry"]},
                        ensure_ascii=False, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(text.encode("utf-8"))
    replace_file(out, buffer.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, metavar="WOF_CHECKOUT")
    data = Path(__file__).resolve().parent.parent / "data"
    parser.add_argument("--out", type=Path, default=data / "settlements.tsv.gz")
    parser.add_argument("--areas-out", type=Path, help="default: areas.geojson.gz beside --out")
    args = parser.parse_args(argv)
    missing = [str(c) for c in args.checkouts if not (c / "data").is_dir()]
    if missing:
        print(f"build_settlements: error: {missing[0]} has no data/ folder; give a clone of a "
              "whosonfirst-data-admin-<cc> repository", file=sys.stderr)
        return 2
    all_records = [record for checkout in args.checkouts for record in records(checkout)]
    rows = table_rows(all_records)
    write_table(rows, args.out)
    features = area_features(all_records)
    areas_out = args.areas_out or args.out.with_name("areas.geojson.gz")
    write_areas(features, areas_out)
    print(f"wrote {len(rows)} places to {args.out} and {len(features)} outlines to {areas_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
