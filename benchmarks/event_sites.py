"""How close does the inferred incident site come to the true one? One report = one case.

    python benchmarks/event_sites.py GOLD.json TEXTS_DIR [--split dev|holdout]

GOLD.json gives, per report file, its ``split`` and the true ``site``
({"lat", "lon", "tolerance_km"}); reports may sit under a top-level "reports" or
"cases" key, as a mapping by file name or as a list of records naming their file.
Texts are read from TEXTS_DIR/<file> or TEXTS_DIR/<split>/<file>, never copied.
Only the reports of the chosen split are read. Prints per report the best estimate,
its distance to the gold site and whether it hits (within max(15 km, tolerance)), then
the share of hits, the median distance and the count.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from geo.event_site import site_candidates
from geo.gazetteer import default_gazetteer, haversine_km
from geo.places import places_in_text

MIN_TOLERANCE_KM = 15.0
_NAME_KEYS = ("file", "path", "name", "id", "article")


@dataclass(frozen=True)
class Case:
    file: str
    lat: float
    lon: float
    tolerance_km: float


def load_cases(gold_path: Path, split: str) -> list[Case]:
    """The gold sites of one split; entries of other splits are skipped unread."""
    data = json.loads(gold_path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = next((data[k] for k in ("reports", "cases", "articles") if k in data), data)
    records = data.items() if isinstance(data, dict) else ((None, r) for r in data)
    cases = []
    for key, record in records:
        if not isinstance(record, dict) or record.get("split") != split:
            continue
        site = record.get("site")
        if not isinstance(site, dict) or "lat" not in site or "lon" not in site:
            continue
        name = key if key is not None else next((record[k] for k in _NAME_KEYS if k in record), None)
        if name is None:
            continue
        cases.append(Case(str(name), float(site["lat"]), float(site["lon"]),
                          float(site.get("tolerance_km") or 0.0)))
    return cases


def _text_path(texts: Path, split: str, name: str) -> Path | None:
    for path in (texts / name, texts / split / name, texts / f"{name}.txt", texts / split / f"{name}.txt"):
        if path.is_file():
            return path
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("texts", type=Path)
    parser.add_argument("--split", choices=("dev", "holdout"), default="dev")
    args = parser.parse_args(argv)
    gazetteer = default_gazetteer()
    distances: list[float] = []
    hits = 0
    for case in load_cases(args.gold, args.split):
        path = _text_path(args.texts, args.split, case.file)
        if path is None:
            print(f"{case.file:40}  missing text", file=sys.stderr)
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = site_candidates([(path.name, text, places_in_text(text, path.name, gazetteer))], limit=1)
        if not found:
            distance, label = float("inf"), "(no candidate)"
        else:
            best = found[0]
            distance, label = haversine_km(best.lat, best.lon, case.lat, case.lon), best.label
        hit = distance <= max(MIN_TOLERANCE_KM, case.tolerance_km)
        hits += hit
        distances.append(distance)
        print(f"{case.file:40}  {label[:45]:45}  {distance:8.1f} km  {'hit' if hit else 'miss'}")
    if not distances:
        print("no cases")
        return 1
    print(f"\nhits {hits}/{len(distances)} = {hits / len(distances):.0%}   "
          f"median {statistics.median(distances):.1f} km   count {len(distances)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
