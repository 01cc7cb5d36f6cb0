"""Build data/settlements.tsv.gz from local copies of Who's On First's country repositories.

    python tools/build_settlements.py WOF_CHECKOUT [WOF_CHECKOUT ...] [--out data/settlements.tsv.gz]

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


def _is_latin(name: str) -> bool:
    return bool(_LATIN.fullmatch(unicodedata.normalize("NFC", name)))


def _clean(text: str) -> str:
    # Tabs and line breaks would break the table; runs of blanks say nothing.
    return " ".join(str(text).split())


def _record(properties: dict) -> Record | None:
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
        country=str(properties.get("wof:country") or properties.get("iso:country") or ""))


def records(checkout: Path) -> Iterator[Record]:
    """Every kept record of one WOF checkout (alternate geometries skipped)."""
    for path in sorted((checkout / "data").rglob("*.geojson")):
        if "-alt" in path.name:
            continue
        with path.open(encoding="utf-8") as fh:
            record = _record(json.load(fh)["properties"])
        if record is not None:
            yield record


def table_rows(all_records: list[Record]) -> list[tuple[str, ...]]:
    """The table's rows, districts and provinces named, sorted by WOF id."""
    names = {r.wof_id: r.name for r in all_records if r.place_type in ("district", "province")}
    rows = []
    for r in sorted(all_records, key=lambda record: record.wof_id):
        district = names.get(r.district_id, "") if r.place_type in ("locality", "neighbourhood") else ""
        rows.append((str(r.wof_id), r.geonameid, r.name, r.ascii_name, ";".join(r.variants), r.place_type,
                     r.feature_code, f"{r.lat:.5f}", f"{r.lon:.5f}", str(r.population), district,
                     names.get(r.province_id, "") if r.place_type != "province" else "", r.country))
    return rows


def write_table(rows: list[tuple[str, ...]], out: Path) -> None:
    """Gzipped tab-separated rows with a header line, byte-identical for the same rows."""
    text = "\t".join(COLUMNS) + "\n" + "".join("\t".join(row) + "\n" for row in rows)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as fh:
        fh.write(text.encode("utf-8"))
    temporary = out.with_name(f".{out.name}.tmp")
    temporary.write_bytes(buffer.getvalue())
    temporary.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkouts", nargs="+", type=Path, metavar="WOF_CHECKOUT")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "data" / "settlements.tsv.gz")
    args = parser.parse_args(argv)
    missing = [str(c) for c in args.checkouts if not (c / "data").is_dir()]
    if missing:
        print(f"build_settlements: error: {missing[0]} has no data/ folder; give a clone of a "
              "whosonfirst-data-admin-<cc> repository", file=sys.stderr)
        return 2
    all_records = [record for checkout in args.checkouts for record in records(checkout)]
    rows = table_rows(all_records)
    write_table(rows, args.out)
    print(f"wrote {len(rows)} places to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
