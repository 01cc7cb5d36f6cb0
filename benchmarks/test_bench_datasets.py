"""Importing incident datasets: 100,000-row ACLED, GTD and UCDP GED exports.

Run explicitly (the normal test command skips benchmarks):

    .venv/bin/python -m pytest benchmarks/test_bench_datasets.py --benchmark-only -q

The exports are synthetic (``random.Random(SEED)``, the same file every time, written to
a temporary folder and removed afterwards): every column of a real export, invented
values spread over Pakistan, notes of 100–300 characters, one row in 1,000 with a line
break inside its notes.

* read — ``layers.datasets.read_dataset(path)`` in this process (3 rounds): CSV to the
  incidents frame, every check and the ``attributes`` JSON included;
* write — ``write_dataset`` of the 100,000 ACLED incidents to a GeoPackage;
* CLI — ``python -m atlas_cli.incidents import FILE --out TMP.gpkg`` (what
  ``incident-atlas incidents import`` runs) under ``/usr/bin/time -v``: wall time and peak
  resident memory of the whole process, imports included.

Benchmarks never fail on a timing; they only check that the import did its work.
"""
from __future__ import annotations

import csv
import os
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from _children import ISOLATION, TIME, measured_child

from layers.datasets import read_dataset, write_dataset

ROWS = 100_000
SEED = 20250311
CLI_RUNS = 3
#: The brief's budget for 100,000 ACLED rows on a 2-CPU machine (reported, never asserted).
ACLED_BUDGET_S = 5.0

ACLED_COLUMNS = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
                 "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
                 "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,"
                 "fatalities,tags,timestamp").split(",")
GTD_COLUMNS = ("eventid,iyear,imonth,iday,approxdate,extended,resolution,country,country_txt,region,region_txt,"
               "provstate,city,latitude,longitude,specificity,vicinity,location,summary,crit1,crit2,crit3,doubtterr,"
               "multiple,success,suicide,attacktype1,attacktype1_txt,targtype1,targtype1_txt,target1,natlty1_txt,"
               "gname,guncertain1,individual,nperps,claimed,claimmode_txt,compclaim,weaptype1_txt,weapdetail,nkill,"
               "nkillter,nwound,nwoundte,property,ishostkid,scite1,scite2,dbsource").split(",")
UCDP_COLUMNS = ("id,relid,year,active_year,code_status,type_of_violence,conflict_new_id,conflict_name,dyad_new_id,"
                "dyad_name,side_a_new_id,side_a,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
                "source_date,source_headline,source_original,where_prec,where_coordinates,where_description,adm_1,"
                "adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,event_clarity,date_prec,"
                "date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low").split(",")
PLACES = (("Quetta", "Balochistan", "Quetta"), ("Turbat", "Balochistan", "Kech"), ("Bannu", "Khyber Pakhtunkhwa", "Bannu"),
          ("Peshawar", "Khyber Pakhtunkhwa", "Peshawar"), ("Karachi", "Sindh", "Karachi South"),
          ("Zhob", "Balochistan", "Zhob"), ("Miran Shah", "Khyber Pakhtunkhwa", "North Waziristan"))
GROUPS = ("TTP: Tehreek-i-Taliban Pakistan", "BLA: Baloch Liberation Army", "Unidentified Armed Group (Pakistan)",
          "Military Forces of Pakistan (2018-)", "Police Forces of Pakistan (2018-)", "IS-KP: Islamic State (Khorasan)")
WORDS = ("gunmen", "attacked", "a", "checkpost", "near", "the", "town", "security", "forces", "said", "militants",
         "killed", "injured", "convoy", "market", "blast", "police", "officials", "reported", "claimed", "responsibility")


def _notes(rng: random.Random, place: str) -> str:
    text = f"Synthetic event near {place}: " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 45))) + "."
    return text.replace(" said ", " said\n", 1) if rng.random() < 0.001 else text


def _day(rng: random.Random) -> date:
    return date(2010, 1, 1) + timedelta(days=rng.randrange(15 * 365))


def write_acled(path: Path, rows: int = ROWS, seed: int = SEED) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(ACLED_COLUMNS)
        for number in range(rows):
            place, admin1, admin2 = rng.choice(PLACES)
            day, actor = _day(rng), rng.choice(GROUPS)
            writer.writerow([f"PAK{number}", day.isoformat(), day.year, 1, "Political violence", "Battles",
                             "Armed clash", actor, "", "State forces" if "Forces" in actor else "Rebel group",
                             rng.choice(GROUPS), "", "", "", "", 586, "Southern Asia", "Pakistan", admin1, admin2, admin2,
                             place, f"{rng.uniform(24, 36.5):.4f}", f"{rng.uniform(61, 75.5):.4f}", rng.randint(1, 3),
                             "Synthetic source; Another", "National", _notes(rng, place), rng.randint(0, 12), "",
                             1_700_000_000 + number])
    return path


def write_gtd(path: Path, rows: int = ROWS, seed: int = SEED) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(GTD_COLUMNS)
        for number in range(rows):
            place, admin1, _ = rng.choice(PLACES)
            day = _day(rng)
            month, dom = (day.month, day.day) if rng.random() > 0.02 else (day.month, 0)
            writer.writerow([f"{day.year}{day.month:02d}{number:06d}", day.year, month, dom, "", 0, "", 153, "Pakistan",
                             6, "South Asia", admin1, place, f"{rng.uniform(24, 36.5):.6f}",
                             f"{rng.uniform(61, 75.5):.6f}", rng.randint(1, 4), 0, "", _notes(rng, place), 1, 1, 1, 0, 0,
                             1, 0, 3, "Bombing/Explosion", 3, "Police", "Checkpost", "Pakistan",
                             rng.choice(("Unknown", "Tehrik-i-Taliban Pakistan (TTP)", "Baloch Liberation Army (BLA)")),
                             0, 0, -99, rng.choice((0, 1, "")), "", "", "Explosives", "", rng.choice((0, 1, 2, "")), 0,
                             rng.choice((0, 3, "")), 0, 1, 0, "Synthetic citation.", "", "START Primary Collection"])
    return path


def write_ucdp(path: Path, rows: int = ROWS, seed: int = SEED) -> Path:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(UCDP_COLUMNS)
        for number in range(rows):
            place, admin1, admin2 = rng.choice(PLACES)
            day, low = _day(rng), rng.randint(0, 10)
            best, side_a = low + rng.randint(0, 3), rng.choice(("Government of Pakistan", "TTP", "IS"))
            lat, lon = f"{rng.uniform(24, 36.5):.6f}", f"{rng.uniform(61, 75.5):.6f}"
            writer.writerow([number + 1, f"PAK-{day.year}-1-{number}", day.year, 1, "Clear", rng.randint(1, 3), 209,
                             "Pakistan: Government", 0, f"{side_a} - TTP", 0, side_a, 0, "TTP", 1,
                             f"Synthetic article {number}", "", "", "", "", rng.randint(1, 7), f"{place} town",
                             _notes(rng, place), f"{admin1} province", f"{admin2} district", lat, lon,
                             f"POINT ({lon} {lat})", 0, "Pakistan", 770, "Asia", 1, 1,
                             f"{day.isoformat()} 00:00:00.000", f"{day.isoformat()} 00:00:00.000", 0, 0, 0, 0, best,
                             best + rng.randint(0, 5), low])
    return path


WRITERS = {"acled": write_acled, "gtd": write_gtd, "ucdp": write_ucdp}
LABELS = {"acled": "ACLED", "gtd": "GTD", "ucdp": "UCDP GED"}  # as the command's summary line names them


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("datasets")
    return {name: write(folder / f"{name}_{ROWS}.csv") for name, write in WRITERS.items()}


@pytest.mark.parametrize("dataset", list(WRITERS))
def test_read_dataset(benchmark, record, exports, dataset):
    """``read_dataset`` of a 100,000-row export, in this process."""
    benchmark.group = f"incident datasets: read {ROWS:,} rows"
    imported = benchmark.pedantic(read_dataset, args=(exports[dataset],), rounds=3, iterations=1, warmup_rounds=0)
    assert imported.format == dataset and len(imported.frame) == ROWS and not imported.problems
    median = benchmark.stats.stats.median
    record(rows=ROWS, file_mib=exports[dataset].stat().st_size / 2**20, median_s=median, rows_per_s=ROWS / median,
           **({"budget_s": ACLED_BUDGET_S} if dataset == "acled" else {}))


def test_write_dataset(benchmark, record, exports, tmp_path):
    """``write_dataset`` of the 100,000 ACLED incidents (GeoPackage, staged and renamed into place)."""
    benchmark.group = f"incident datasets: write {ROWS:,} rows"
    imported = read_dataset(exports["acled"])
    out = tmp_path / "acled.gpkg"
    benchmark.pedantic(write_dataset, args=(imported, out), rounds=3, iterations=1, warmup_rounds=0)
    record(rows=ROWS, median_s=benchmark.stats.stats.median, gpkg_mib=out.stat().st_size / 2**20)


@pytest.mark.skipif(not os.access(TIME, os.X_OK), reason="GNU time (/usr/bin/time) is not installed")
@pytest.mark.parametrize("dataset", list(WRITERS))
def test_cli_import_peak_rss(benchmark, record, exports, dataset, tmp_path):
    """``incidents import`` as a child process: wall time and peak RSS (``/usr/bin/time -v``)."""
    benchmark.group = "incident datasets: CLI import, one process per round (/usr/bin/time -v)"
    out, report = tmp_path / "out.gpkg", tmp_path / "time.txt"
    rss_kib: list[int] = []
    walls: list[float] = []

    def one_process() -> None:
        run = measured_child([sys.executable, "-m", "atlas_cli.incidents", "import", str(exports[dataset]),
                              "--out", str(out)], report)
        assert run.done.stdout.startswith(f"{LABELS[dataset]}: {ROWS} rows imported, 0 skipped")
        rss_kib.append(run.peak_rss_kib)
        walls.append(run.wall_s)

    benchmark.pedantic(one_process, rounds=CLI_RUNS, iterations=1, warmup_rounds=0)
    record(rows=ROWS, peak_rss_mib_median=statistics.median(rss_kib) / 1024,
           peak_rss_mib_all=", ".join(f"{k / 1024:.1f}" for k in rss_kib), wall_s_median=statistics.median(walls),
           network=ISOLATION, command=f"python -m atlas_cli.incidents import {dataset}_{ROWS}.csv --out TMP.gpkg")


def test_synthetic_exports_are_deterministic(benchmark, record, tmp_path):
    """The same seed writes the same file (checked on 2,000 rows of each); times writing them."""
    benchmark.group = "incident datasets: synthetic exports"

    def write_all() -> dict[str, Path]:
        return {name: write(tmp_path / f"{name}_a.csv", 2000) for name, write in WRITERS.items()}

    first = benchmark.pedantic(write_all, rounds=1, iterations=1)
    for name, write in WRITERS.items():
        assert first[name].read_bytes() == write(tmp_path / f"{name}_b.csv", 2000).read_bytes()
    record(rows_checked=2000, rng_seed=SEED)
